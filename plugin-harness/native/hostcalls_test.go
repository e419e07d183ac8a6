package native

import (
	"maps"
	"slices"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/serdejson"
)

// FuzzParseHostAnswers: any --host-services text is either refused with an error or gives
// answers that are serde-form result envelopes.
func FuzzParseHostAnswers(f *testing.F) {
	f.Add(`{"resolve_secret": {"vault://x": {"ok": {"bytes": [104,105], "version": "3"}}}, "alias": "rate-limit"}`)
	f.Add(`{"audit_event": {"err": {"kind": "write_failed", "reason": "disk"}}, "span_start": 7}`)
	f.Add(`{"cache_get": {"*": {"ok": null}}, "resolve_credentials": {"ok": {"count": 1e400}}}`)
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
