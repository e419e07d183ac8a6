package native

import (
	"encoding/json"
	"testing"
)

// TestWatchKinds: every kind with a watch slot has its adapter's decoders and a cancel slot, and
// the decoders take what the SDK and its live builds send (and refuse what the gateway refuses).
func TestWatchKinds(t *testing.T) {
	for _, k := range kindSpecs {
		w := k.Slot("watch")
		wk := watchKinds[k.Kind]
		if (w != nil) != (wk != nil) {
			t.Errorf("%s: watch slot %v, watchKinds entry %v", k.Kind, w != nil, wk != nil)
			continue
		}
		if w == nil {
			continue
		}
		if c := k.Slot(wk.cancel); c == nil || c.Call != callCancelWatch || c.Offset != w.Offset+8 {
			t.Errorf("%s: the cancel slot %s does not follow watch", k.Kind, wk.cancel)
		}
		if len(k.Undriven) > 0 {
			t.Errorf("%s: still undriven: %v", k.Kind, k.Undriven)
		}
	}
	for _, c := range []struct {
		name, text string
		s          shape
		ok         bool
	}{
		{"WatchEvent", `{"user_id":"sync"}`, watchEvent, true},
		{"WatchEvent", `{}`, watchEvent, true},
		{"WatchEvent", `{"user_id":7}`, watchEvent, false},
		{"StoreEventWire", `{"kind":"put","key":"k","value":{"bytes":[1]}}`, storeEventWire, true},
		{"StoreEventWire", `{"kind":"delete","key":"k"}`, storeEventWire, true},
		{"StoreEventWire", `{"kind":"upsert","key":"k"}`, storeEventWire, false},
		{"SecretRotationWire", `{"new_value":{"bytes":[110,101,119],"version":"2"},"reason":"rotated"}`, secretRotation, true},
		{"SecretRotationWire", `{"reason":"rotated"}`, secretRotation, false},
		{"ConfigDelta", `{"from_version":"1","to_version":"2","changed_paths":["a"],"snapshot":{"version":"2","values":{"a":2},"fetched_at":"2026-01-01T00:00:01Z","source":"file:///etc/mcpg/test.yaml"}}`, configDelta, true},
		{"ConfigDelta", `{"from_version":"1","to_version":"2","changed_paths":"/"}`, configDelta, false},
		// The SDK's answers when watch is not implemented: decodable errors, so outcomes.
		{"WatchError", `{"error":"subscribe","message":"watching is not implemented yet"}`, watchErrors, true},
		{"WatchError", `plugin panicked during stream subscription`, watchErrors, false},
		{"StoreError", `{"kind":"unsupported","op":"watch"}`, watchKinds["store"].errors, true},
		{"SecretError", `{"kind":"unsupported_scheme","scheme":"watch"}`, watchKinds["secret_provider"].errors, true},
		{"ConfigError", `{"kind":"parse_error","reason":"x"}`, watchKinds["config_provider"].errors, true},
		{"ConfigError", `{"err":{"kind":"not_found"}}`, watchKinds["config_provider"].errors, false},
	} {
		if got := checkJSON(c.text, c.s); (got == "") != c.ok {
			t.Errorf("%s %s: accepted %v (%s)", c.name, c.text, got == "", got)
		}
	}
	// watch_strategy's watch input: the uri as text, the spec re-encoded.
	calls, err := ResolveCalls("watch_strategy", []PlannedCall{{Slot: "watch", Input: json.RawMessage(`{"spec_json":{"b":1,"a":2},"uri":"u://x"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	if uri, spec, _ := Kind("watch_strategy").Slot("watch").pairArgs(calls[0].Input); uri != "u://x" || spec != `{"a":2,"b":1}` {
		t.Errorf("watch input: %q %q", uri, spec)
	}
}
