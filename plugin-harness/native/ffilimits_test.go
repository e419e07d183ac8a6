package native

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseFFILimits(t *testing.T) {
	d := DefaultFFILimits()
	for _, tc := range []struct {
		name, in string
		want     FFILimits
	}{
		{"empty", "", d},
		{"comment only", "# nothing set\n", d},
		{"null document", "null", d},
		{"empty mapping", "{}", d},
		{"json", `{"data_timeout_ms": 100, "max_payload_bytes": 4096}`, FFILimits{1000, 5000, 100, 4096}},
		{"json with tabs", "{\n\t\"lifecycle_timeout_ms\": 7\n}\n", FFILimits{7, 5000, 30000, 262144}},
		{"yaml block", "data_timeout_ms: 250\ncontrol_timeout_ms: 9 # not used by Tier-1 slots\n", FFILimits{1000, 9, 250, 262144}},
		{"yaml flow", "{data_timeout_ms: 0, lifecycle_timeout_ms: ~}", FFILimits{1000, 5000, 0, 262144}},
		{"null keeps the default", `{"data_timeout_ms": null}`, d},
		{"largest", `{"data_timeout_ms": 18446744073709551615}`, FFILimits{1000, 5000, 1<<64 - 1, 262144}},
		{"aliases", "data_timeout_ms: &b 5\nlifecycle_timeout_ms: *b\n", FFILimits{5, 5000, 5, 262144}},
	} {
		got, err := ParseFFILimits([]byte(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestParseFFILimitsRefusesWhatTheGatewayRefuses(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"data_timeout": 100}`, `line 1: unknown field "data_timeout": ffi_limits takes only lifecycle_timeout_ms, control_timeout_ms, data_timeout_ms and max_payload_bytes`},
		{"data_timeout_ms: 1\ntimeout_ms: 2\n", `line 2: unknown field "timeout_ms"`},
		{`{"data_timeout_ms": 1, "data_timeout_ms": 2}`, `line 1: duplicate field "data_timeout_ms"`},
		{`{"data_timeout_ms": -1}`, `line 1: data_timeout_ms: expected a non-negative integer (or null for the default 30000), found integer "-1"`},
		{`{"data_timeout_ms": 1.5}`, `found float "1.5"`},
		{`{"data_timeout_ms": 1e3}`, `found float "1e3"`},
		{`{"max_payload_bytes": "4096"}`, `max_payload_bytes: expected a non-negative integer (or null for the default 262144), found string "4096"`},
		{`{"data_timeout_ms": true}`, `found boolean "true"`},
		{`{"data_timeout_ms": [1]}`, `found a sequence`},
		{`{"data_timeout_ms": 18446744073709551616}`, `found float "18446744073709551616"`},
		{`[1, 2]`, `line 1: expected a mapping of ffi_limits fields (lifecycle_timeout_ms, control_timeout_ms, data_timeout_ms and max_payload_bytes), found a sequence`},
		{`100`, `found integer "100"`},
		{`{1: 2}`, `unknown field "1"`},
		{`{[a]: 2}`, `expected a field name, found a sequence`},
		{"<<: {data_timeout_ms: 1}", `unknown field "<<"`},
		{`{"data_timeout_ms": 1`, `not JSON or YAML: `},
		{`{"data_timeout_ms": 1} x`, `not JSON or YAML: text after the ffi_limits block`},
		{"data_timeout_ms: 1\n---\ndata_timeout_ms: 2\n", `more than one YAML document`},
		{`{"data_timeout_ms": 1_000}`, `found string "1_000"`},
	} {
		_, err := ParseFFILimits([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}

// FuzzParseFFILimits: any --ffi-limits text is refused with an error or read into limits whose
// unset fields keep the defaults.
func FuzzParseFFILimits(f *testing.F) {
	f.Add(`{"data_timeout_ms": 100, "max_payload_bytes": 4096}`)
	f.Add("lifecycle_timeout_ms: 7\ncontrol_timeout_ms: ~\n")
	f.Add(`{"data_timeout": 1}`)
	f.Add("a: &x [*x]")
	f.Add(`{"data_timeout_ms": 0x10}`)
	f.Fuzz(func(t *testing.T, text string) {
		l, err := ParseFFILimits([]byte(text))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error")
			}
			return
		}
		// Every field read is one the text names; the others are the defaults.
		d := DefaultFFILimits()
		for _, name := range ffiLimitFields {
			if *l.field(name) != *d.field(name) && !strings.Contains(text, name) {
				t.Fatalf("%s changed without being named in %q", name, text)
			}
		}
	})
}

func TestTimeoutDecisions(t *testing.T) {
	for kind, want := range map[string]string{
		"tool_gate":         `{"decision":"deny","http_status":504,"code":-32603,"message":"native plugin 'com.example.p' timed out"}`,
		"transform":         `{"outcome":"error","message":"native transform 'com.example.p' timed out"}`,
		"identity_provider": `{"outcome":"invalid","reason":"native identity 'com.example.p' timed out"}`,
	} {
		got, _ := json.Marshal(timeoutDecision(kind, "com.example.p"))
		if string(got) != want {
			t.Errorf("%s: got %s, want %s", kind, got, want)
		}
	}
}

func TestSlotClasses(t *testing.T) {
	for slot, want := range map[string]string{
		"make": "lifecycle", "manifest_json": "lifecycle", "shutdown": "lifecycle", "drop_instance": "lifecycle",
		"evaluate_pre_dispatch": "data", "evaluate_post_dispatch": "data", "transform_arguments": "data",
		"transform_result": "data", "resolve_identity": "data", "rehash": "",
	} {
		if got := slotClass(slot); got != want {
			t.Errorf("%s: %q, want %q", slot, got, want)
		}
	}
}

func TestBudget(t *testing.T) {
	if d, ok := budget(250); !ok || d != 250*time.Millisecond {
		t.Errorf("budget(250) = %v, %v", d, ok)
	}
	if _, ok := budget(1<<64 - 1); ok {
		t.Error("a budget past what a Duration holds must never fire")
	}
	if _, ok := budget(9_223_372_036_853); !ok {
		t.Error("292 years is still a budget")
	}
}

func TestGuardHint(t *testing.T) {
	l := &FFILimits{DataTimeoutMS: 100}
	if h := GuardHint("evaluate_pre_dispatch", l, 5*time.Second); h != "" {
		t.Errorf("the data budget fires before the guard, so no hint: %q", h)
	}
	if h := GuardHint("evaluate_pre_dispatch", nil, 5*time.Second); !strings.Contains(h, "data_timeout_ms (30000 ms)") {
		t.Errorf("default data budget past the guard: %q", h)
	}
	if h := GuardHint("make", nil, time.Second); !strings.Contains(h, "calls make without a timeout") {
		t.Errorf("lifecycle: %q", h)
	}
	if h := GuardHint("dlopen", nil, time.Second); h != "" {
		t.Errorf("a load step: %q", h)
	}
}
