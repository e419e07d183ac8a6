package native

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/serdejson"
)

// FuzzParseHostAnswers: any --host-services text is either refused with an error or gives
// answers that are serde-form result envelopes.
func FuzzParseHostAnswers(f *testing.F) {
	f.Add(`{"resolve_secret": {"vault://x": {"ok": {"bytes": [104,105], "version": "3"}}}, "alias": "rate-limit"}`)
	f.Add(`{"audit_event": {"err": {"kind": "write_failed", "reason": "disk"}}, "span_start": 7}`)
	f.Add(`{"cache_get": {"*": {"ok": null}}, "resolve_credentials": {"ok": {"count": 1e400}}}`)
	f.Add(`{"secret_rotation": [{"secret_ref": "v://a", "version": 1, "thread": "new"}], "dispatch": {"ok": {"bytes": []}}}`)
	f.Add(`{"cluster": {"leases": {"try_acquire_lock": {"declined": true}}, "kv": {"kv_get": {"ok": null}}, "messages": [{}]}}`)
	f.Fuzz(func(t *testing.T, text string) {
		a, err := ParseHostAnswers([]byte(text))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error")
			}
			return
		}
		envelopes := slices.Collect(maps.Values(a.Direct))
		for _, m := range a.Keyed {
			envelopes = slices.AppendSeq(envelopes, maps.Values(m))
		}
		for _, e := range envelopes {
			if _, err := serdejson.Reencode(string(e)); err != nil || checkEnvelope(e) != nil {
				t.Fatalf("accepted answer %s is not a serde-form envelope (%v)", e, err)
			}
		}
	})
}

func TestParseHostAnswersRefusesWhatSerdeRefuses(t *testing.T) {
	_, err := ParseHostAnswers([]byte(`{"resolve_credentials": {"ok": {"count": 1e400}}}`))
	want := "not JSON the gateway could read: number out of range at line 1 column 46"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	a, err := ParseHostAnswers([]byte(`{"cache_get": {"*": {"ok": {"b": 1e2, "a": -0}}}}`))
	if err != nil || string(a.Keyed["cache_get"]["*"]) != `{"ok":{"a":-0.0,"b":100.0}}` {
		t.Fatalf("got %v, %v", a, err)
	}
}

func TestParseHostAnswersEvents(t *testing.T) {
	a, err := ParseHostAnswers([]byte(`{"secret_rotation": [{"secret_ref": "vault://a", "version": 3, "thread": "new"}],
		"credential_revoked": [{"plugin_id": "p", "target": "t"}], "dispatch": {"ok": {"bytes": [1]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Rotations) != 1 || a.Rotations[0] != (RotationEvent{"vault://a", 3, "new"}) ||
		len(a.Revocations) != 1 || a.Revocations[0] != (RevocationEvent{"p", "t", ""}) {
		t.Fatalf("got %+v", a)
	}
	if got := a.DispatchReply(); got != `{"ok":{"bytes":[1]}}` {
		t.Fatalf("dispatch reply %s", got)
	}
	if got := (*HostAnswers)(nil).DispatchReply(); got != DefaultDispatchReply {
		t.Fatalf("default dispatch reply %s", got)
	}
	for text, want := range map[string]string{
		`{"secret_rotation": {"secret_ref": "x"}}`:                                 `secret_rotation: expected a list`,
		`{"secret_rotation": [{"secret_ref": "x", "version": -1}]}`:                `secret_rotation: expected a list`,
		`{"secret_rotation": [{"secret_ref": "x", "version": 1, "v": 2}]}`:         `item 0: unknown field "v"`,
		`{"credential_revoked": [{"plugin_id": "p"}]}`:                             `item 0 has no "target"`,
		`{"credential_revoked": [{"plugin_id": "p", "target": "t", "thread": 1}]}`: `credential_revoked: expected a list`,
		`{"dispatch": "ok"}`: `dispatch: expected a result envelope`,
		`{"cluster": []}`:    `cluster: expected an object`,
		`{"cluster": {"publish": {"ok": null, "err": 1}}}`:             `cluster: publish: expected a result envelope`,
		`{"cluster": {"leases": {"lease_renew": {"declined": true}}}}`: `cluster: leases: "lease_renew" is not an acquire slot`,
		`{"cluster": {"leases": {"try_acquire_lock": {}}}}`:            `cluster: leases.try_acquire_lock: expected one of`,
		`{"cluster": {"kv": {"kv_scan": {"ok": null}}}}`:               `cluster: kv: "kv_scan" is not a kv slot`,
		`{"cluster": {"messages": ["x"]}}`:                             `cluster: messages[0]: expected a JSON object`,
	} {
		if _, err := ParseHostAnswers([]byte(text)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want …%s…", text, err, want)
		}
	}
}

func TestClusterAnswersDefaults(t *testing.T) {
	a, err := ParseHostAnswers([]byte(`{"cluster": {"leases": {"try_acquire_lock": {"declined": true}},
		"kv": {"kv_get": {"ok": {"bytes": [1], "expires_at_unix_ms": 1e3}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	c := a.Cluster.withDefaults()
	if string(c.Publish) != `{"ok":null}` || string(c.Peers) != `[]` || !strings.Contains(string(c.NodeInfo), `"node_id":"mcpg-test-node"`) {
		t.Fatalf("defaults: %+v", c)
	}
	if l := c.lease("try_acquire_lock"); !l.Declined {
		t.Fatalf("try_acquire_lock: %+v", l)
	}
	if l := c.lease("acquire_lock"); l.FencingToken != 1 || l.ExpiresAt == "" {
		t.Fatalf("acquire_lock default: %+v", l)
	}
	if got := c.kv("kv_get"); got != `{"ok":{"bytes":[1],"expires_at_unix_ms":1000.0}}` {
		t.Fatalf("kv_get: %s", got)
	}
	if got := c.kv("kv_delete"); !strings.Contains(got, `"kind":"unsupported"`) {
		t.Fatalf("kv_delete default: %s", got)
	}
}
