package revocation

import (
	"strings"
	"testing"
)

const (
	compromised = "af378b68d1f9d6ffb240893b944604d9e603b58071d7d3cf9ab151cf9c314ee2" // "compromised plugin bytes"
	clean       = "0f6441e8f35e04778217f2ce2cfea6f4f0f5b873dc0cfcf36b2b46d6d2403d5b" // "clean plugin bytes"
)

func TestParseValid(t *testing.T) {
	l, err := Parse("r.json", []byte(`{"version":1,"issued_at":"2026-04-27T00:00:00Z","revocations":[{"artifact_sha256":"  `+strings.ToUpper(compromised)+` ","reason":"compromised release; rotated signing key","revoked_at":"2026-04-27T00:00:00Z","extra":1}],"unknown":{"version":2}}`))
	if err != nil {
		t.Fatal(err)
	}
	if l.IssuedAt != "2026-04-27T00:00:00Z" || len(l.Entries) != 1 {
		t.Fatalf("%+v", l)
	}
	e, ok := l.Lookup(compromised)
	if !ok || e.ArtifactSHA256 != compromised || e.Reason != "compromised release; rotated signing key" || e.RevokedAt != "2026-04-27T00:00:00Z" {
		t.Fatalf("lookup: %+v %v", e, ok)
	}
	if _, ok := l.Lookup(strings.ToUpper(compromised)); !ok {
		t.Error("lookup is case-sensitive")
	}
	if _, ok := l.Lookup(clean); ok {
		t.Error("clean artifact revoked")
	}
	for _, minimal := range []string{`{"version":1}`, `{"version":1,"revocations":[]}`, " {\"version\":1,\"issued_at\":null}\n"} {
		t.Run(minimal, func(t *testing.T) {
			l, err := Parse("r.json", []byte(minimal))
			if err != nil || len(l.Entries) != 0 || l.IssuedAt != "" {
				t.Errorf("%s: %v", minimal, err)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	entry := func(sha, reason string) string {
		return `{"artifact_sha256":"` + sha + `","reason":"` + reason + `"}`
	}
	for _, tc := range []struct{ name, data, want string }{
		{"empty file", "", `failed to parse revocation list at 'r.json' as JSON: the file is empty`},
		{"not json", "not valid json", "failed to parse revocation list at 'r.json' as JSON: expected a JSON object"},
		{"syntax", "{\"version\":1,\n\"revocations\":[}", "failed to parse revocation list at 'r.json' as JSON: invalid character '}' looking for beginning of value at line 2 column 16"},
		{"truncated", `{"version":1`, "as JSON: the JSON ends early"},
		{"trailing", `{"version":1} {}`, "as JSON: trailing characters"},
		{"array", `[1]`, "as JSON: expected a JSON object"},
		{"no version", `{"revocations":[]}`, "as JSON: missing field `version`"},
		{"version string", `{"version":"1"}`, "as JSON: version: expected an integer, found a string"},
		{"version float", `{"version":1.0}`, "as JSON: version: expected an integer, found 1.0"},
		{"version negative", `{"version":-1}`, "as JSON: version: expected an integer, found -1"},
		{"version huge", `{"version":4294967296}`, "as JSON: version: expected an integer from 0 to 4294967295, found 4294967296"},
		{"version null", `{"version":null}`, "as JSON: version: expected an integer, found a null"},
		{"duplicate version", `{"version":1,"version":1}`, "as JSON: duplicate field `version`"},
		{"duplicate entry field", `{"version":1,"revocations":[{"reason":"a","reason":"b","artifact_sha256":"` + clean + `"}]}`, "as JSON: duplicate field `reason`"},
		{"revocations null", `{"version":1,"revocations":null}`, "as JSON: revocations: expected an array, found null"},
		{"revocations object", `{"version":1,"revocations":{}}`, "as JSON: revocations: value: expected an array, found object"},
		{"sha number", `{"version":1,"revocations":[{"artifact_sha256":1,"reason":"x"}]}`, "as JSON: revocations: artifact_sha256: expected a string, found number"},
		{"missing reason", `{"version":1,"revocations":[{"artifact_sha256":"` + clean + `"}]}`, "as JSON: revocations[0]: missing field `reason`"},
		{"missing sha", `{"version":1,"revocations":[{"reason":"x"}]}`, "as JSON: revocations[0]: missing field `artifact_sha256`"},
		{"invalid utf-8", "{\"version\":1,\"issued_at\":\"\xff\"}", "as JSON: the file is not valid UTF-8"},
		{"deep nesting", `{"version":1,"x":` + strings.Repeat("[", 200000) + strings.Repeat("]", 200000) + `}`, "exceeded max depth"},
		{"deep nesting in revocations", `{"version":1,"revocations":` + strings.Repeat("[", 200000) + strings.Repeat("]", 200000) + `}`, "exceeded max depth"},
		{"version 2", `{"version":2,"revocations":[]}`, "r.json: revocation-list schema version 2 not supported (this host understands version 1)"},
		{"version 2 before entry checks", `{"version":2,"revocations":[` + entry("x", "") + `]}`, "r.json: revocation-list schema version 2 not supported"},
		{"short sha", `{"version":1,"revocations":[` + entry("deadbeef", "bug") + `]}`, "r.json: revocation-list entry has invalid artifact_sha256 'deadbeef' (must be 64 lowercase hex chars)"},
		{"prefixed sha", `{"version":1,"revocations":[` + entry("sha256:"+clean, "bug") + `]}`, "r.json: revocation-list entry has invalid artifact_sha256 'sha256:" + clean + "'"},
		{"control characters", `{"version":1,"revocations":[` + entry(`a\nb`, "bug") + `]}`, `invalid artifact_sha256 'a\nb'`},
		{"non-hex sha", `{"version":1,"revocations":[` + entry(strings.Repeat("z", 64), "bug") + `]}`, "invalid artifact_sha256"},
		{"blank reason", `{"version":1,"revocations":[` + entry(clean, " \\t ") + `]}`, "r.json: revocation-list entry for " + clean + " is missing a reason (every revocation must explain *why* for audit)"},
		{"duplicate", `{"version":1,"revocations":[` + entry(clean, "a") + `,` + entry(strings.ToUpper(clean), "b") + `]}`, "r.json: revocation-list has a duplicate entry for " + clean + " — consolidate the two entries into one"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("r.json", []byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant %s", err, tc.want)
			}
		})
	}
}

func FuzzRevocation(f *testing.F) {
	f.Add([]byte(`{"version":1,"revocations":[{"artifact_sha256":"` + clean + `","reason":"x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse("r.json", data)
		if err != nil {
			if msg := err.Error(); strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("multi-line message %q", msg)
			}
			return
		}
		if len(l.Entries) != len(l.index) {
			t.Fatal("index out of step with entries")
		}
		for _, e := range l.Entries {
			if !isHex64(e.ArtifactSHA256) || strings.TrimSpace(e.Reason) == "" {
				t.Fatalf("invalid entry accepted: %+v", e)
			}
			if got, ok := l.Lookup(e.ArtifactSHA256); !ok || got.ArtifactSHA256 != e.ArtifactSHA256 {
				t.Fatal("entry not found by its own hash")
			}
		}
	})
}
