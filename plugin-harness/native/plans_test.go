package native

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestShapesAcceptWhatSerdeAccepts holds each decoder shape to what serde_json reads into the
// gateway's types: accepted answers, and refused ones with the field they name.
func TestShapesAcceptWhatSerdeAccepts(t *testing.T) {
	audit := Kind("audit_sink").Slot("emit").Answer
	cases := []struct {
		name  string
		shape shape
		text  string
		want  string // "" accepted; otherwise a substring of the refusal
	}{
		{"envelope ok", envelope(tNull, unitErrors("backend")), `{"ok":null}`, ""},
		{"envelope keeps other keys", envelope(tNull, unitErrors("backend")), `{"ok":null,"n":1}`, ""},
		{"envelope err", envelope(tNull, unitErrors("backend")), `{"err":{"kind":"backend","reason":"x"}}`, ""},
		{"envelope unit err", envelope(tNull, unitErrors("backend")), `{"err":{"kind":"closed"}}`, ""},
		{"envelope neither", envelope(tNull, unitErrors("backend")), `{}`, "missing both `ok` and `err`"},
		{"envelope not an object", envelope(tNull, unitErrors("backend")), `[]`, "expected a result envelope"},
		{"envelope ok not unit", envelope(tNull, unitErrors("backend")), `{"ok":{}}`, "ok: expected null, found an object"},
		{"envelope unknown error kind", envelope(tNull, unitErrors("backend")), `{"err":{"kind":"oops"}}`, `err.kind: unknown variant "oops"`},
		{"envelope error without tag", envelope(tNull, unitErrors("backend")), `{"err":"oops"}`, `err: expected an object tagged by "kind"`},
		{"envelope error missing field", envelope(tNull, unitErrors("backend")), `{"err":{"kind":"backend"}}`, `err: missing field "reason"`},
		{"untagged receipt", audit, `{"ok":{"sink_id":"s","persisted_at":"t","durable_hash":"h"}}`, ""},
		{"untagged error", audit, `{"err":{"kind":"write_failed","reason":"x"}}`, ""},
		{"untagged bad receipt", audit, `{"ok":{"sink_id":"s"}}`, `ok: missing field "persisted_at"`},
		{"untagged bad error", audit, `{"err":{"kind":"nope"}}`, `err.kind: unknown variant "nope"`},
		{"untagged option ok absent", untagged(tOpt(tStr), unitErrors("backend")), `{}`, ""},
		{"Result Ok", stdResult(tStr, tStr), `{"Ok":"x"}`, ""},
		{"Result Err", stdResult(tStr, tStr), `{"Err":"x"}`, ""},
		{"Result lower case", stdResult(tStr, tStr), `{"ok":"x"}`, "unknown variant"},
		{"Result two keys", stdResult(tStr, tStr), `{"Ok":"x","Err":"y"}`, "an object of 2 keys"},
		{"u64 integer", tU64, `18446744073709551615`, ""},
		{"u64 too large", tU64, `18446744073709551616`, "expected a non-negative integer (u64)"},
		{"u64 negative", tU64, `-1`, "expected a non-negative integer (u64)"},
		{"u64 float", tU64, `1.0`, "expected a non-negative integer (u64)"},
		{"i64 negative", tI64, `-9223372036854775808`, ""},
		{"u8 range", tArr(tU8), `[0,255,256]`, "[2]: expected a non-negative integer (u8)"},
		{"f64 any number", tF64, `1e300`, ""},
		{"bytes as string", tBytes, `"aGk="`, ""},
		{"tuple", tTuple(tStr, tU64), `["a",1]`, ""},
		{"tuple length", tTuple(tStr, tU64), `["a"]`, "expected a tuple of 2"},
		{"external unit", external([]string{"NotFound"}, nil), `"NotFound"`, ""},
		{"external struct", external(nil, map[string]*objShape{"Storage": obj(req("message", tStr))}), `{"Storage":{"message":"m"}}`, ""},
		{"external free text", external([]string{"NotFound"}, nil), `"disk full"`, `unknown variant "disk full"`},
		{"not JSON", tAny, `{"a":`, "not JSON"},
		{"trailing", tAny, `{} {}`, "trailing characters"},
		{"option null", tOpt(tStr), `null`, ""},
		{"option wrong", tOpt(tStr), `1`, "expected a string or null"},
		{"enum", tEnum("allow", "deny"), `"permit"`, `expected one of "allow", "deny", found "permit"`},
		{"map of strings", tMap(tStr), `{"a":"x","b":2}`, "b: expected a string"},
	}
	for _, c := range cases {
		got := checkJSON(c.text, c.shape)
		if c.want == "" && got != "" {
			t.Errorf("%s: %s refused: %s", c.name, c.text, got)
		}
		if c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%s: %s: got %q, want it to say %q", c.name, c.text, got, c.want)
		}
	}
}

// TestKindPlans checks every plan against its own spec: slots in place, defaults resolvable and
// decodable, and the vtable sizes abi.rs gives each kind.
func TestKindPlans(t *testing.T) {
	// make + manifest_json + the slots + shutdown + drop_instance, from abi.rs.
	vtableWords := map[string]int{
		"audit_sink": 6, "log_sink": 6, "telemetry_sink": 9, "metrics_sink": 7, "policy_engine": 7,
		"secret_provider": 8, "config_provider": 8, "approval_notifier": 5, "credential_issuer": 6,
		"catalog_provider": 7, "store": 13, "cache": 11, "content_store": 12, "backend": 16,
		"transport":      9,
		"watch_strategy": 7,
		"cluster":        23,
		"http_route":     8,
	}
	if len(kindSpecs) != len(vtableWords) {
		t.Errorf("%d kinds planned, %d expected", len(kindSpecs), len(vtableWords))
	}
	for _, k := range kindSpecs {
		if want := vtableWords[k.Kind]; int(k.Drop/8)+1 != want {
			t.Errorf("%s: drop_instance at +%d makes a vtable of %d words, abi.rs has %d", k.Kind, k.Drop, k.Drop/8+1, want)
		}
		calls, err := ResolveCalls(k.Kind, nil)
		if err != nil || len(calls) == 0 {
			t.Errorf("%s: default plan: %v", k.Kind, err)
		}
		for _, c := range calls {
			s := k.Slot(c.Slot)
			if s == nil {
				t.Fatalf("%s: default plan names %s, which the spec lacks", k.Kind, c.Slot)
			}
			if _, err := ResolveCalls(k.Kind, []PlannedCall{c}); err != nil {
				t.Errorf("%s: default call %s does not resolve: %v", k.Kind, c.Slot, err)
			}
			if s.Class != "data" && s.Class != "control" && s.Class != "direct" {
				t.Errorf("%s.%s: class %q", k.Kind, s.Name, s.Class)
			}
			if s.TimedOut != "" {
				answer := strings.NewReplacer("{id}", "x", "{data_timeout_ms}", "30000").Replace(s.TimedOut)
				if !json.Valid([]byte(answer)) {
					t.Errorf("%s.%s: timeout answer is not JSON", k.Kind, s.Name)
				} else if s.Answer != nil && checkJSON(answer, s.Answer) != "" {
					t.Errorf("%s.%s: the gateway's own timeout answer fails the slot's shape: %s", k.Kind, s.Name,
						checkJSON(answer, s.Answer))
				}
			}
		}
	}
	if !Driven("backend") || Driven("payment") || !Driven("store") || !Driven("tool_gate") {
		t.Error("Driven: payment is not a kind the harness drives; backend, store and tool_gate are")
	}
}

func TestGuardHintFor(t *testing.T) {
	if h := GuardHintFor("audit_sink", "emit", nil, 5*time.Second); !strings.Contains(h, "data_timeout_ms (30000 ms) for audit_sink.emit") {
		t.Errorf("data: %q", h)
	}
	if h := GuardHintFor("audit_sink", "flush", &FFILimits{ControlTimeoutMS: 9000}, 5*time.Second); !strings.Contains(h, "control_timeout_ms (9000 ms)") {
		t.Errorf("control: %q", h)
	}
	if h := GuardHintFor("audit_sink", "flush", &FFILimits{ControlTimeoutMS: 10}, 5*time.Second); h != "" {
		t.Errorf("a budget under the guard fires first: %q", h)
	}
	if h := GuardHintFor("cache", "supported_namespaces_json", nil, time.Second); !strings.Contains(h, "without a timeout while it builds its adapter") {
		t.Errorf("direct: %q", h)
	}
	if h := GuardHintFor("audit_sink", "make", nil, time.Second); !strings.Contains(h, "calls make without a timeout") {
		t.Errorf("lifecycle: %q", h)
	}
}

func TestResolveCallsRefuses(t *testing.T) {
	for _, c := range []struct {
		kind  string
		calls []PlannedCall
		want  string
	}{
		{"audit_sink", []PlannedCall{{Slot: "emitt", Input: json.RawMessage(`{}`)}}, `audit_sink has no slot "emitt"; slots: emit, flush`},
		{"secret_provider", []PlannedCall{{Slot: "cancel_watch", Input: json.RawMessage(`"x"`)}}, "cancel_watch takes no input"},
		{"secret_provider", []PlannedCall{{Slot: "get", Input: json.RawMessage(`{}`)}}, "expected a JSON string"},
		{"audit_sink", []PlannedCall{{Slot: "flush", Input: json.RawMessage(`1.5`)}}, "expected a non-negative integer"},
		{"metrics_sink", []PlannedCall{{Slot: "render_text_exposition", Input: json.RawMessage(`1`)}}, "takes no input"},
		{"tool_gate", []PlannedCall{{Slot: "x"}}, "driven by its own flags"},
		{"backend", []PlannedCall{{Slot: "execute", Input: json.RawMessage(`"default"`)}}, `expected an object {"backend_name": "…", "request_json": …}`},
		{"backend", []PlannedCall{{Slot: "register_profile", Input: json.RawMessage(`{"backend_name":1,"spec_json":{}}`)}}, "backend_name: expected a string"},
		{"backend", []PlannedCall{{Slot: "list_resources", Input: json.RawMessage(`{"backend_name":"a","cursor":null,"x":1}`)}}, `unknown field "x"`},
		{"backend", []PlannedCall{{Slot: "cancel_stream", Input: json.RawMessage(`1`)}}, "cancel_stream takes no input"},
	} {
		_, err := ResolveCalls(c.kind, c.calls)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: got %v, want %q", c.kind, c.calls, err, c.want)
		}
	}
	// A two-argument input: the name as text, the document re-encoded.
	calls, err := ResolveCalls("backend", []PlannedCall{{Slot: "execute", Input: json.RawMessage(`{"request_json":{"b":1.50,"a":[]},"backend_name":"x"}`)}})
	if err != nil || string(calls[0].Input) != `{"backend_name":"x","request_json":{"a":[],"b":1.5}}` {
		t.Errorf("execute input: %s, %v", calls[0].Input, err)
	}
	if name, second, some := Kind("backend").Slot("list_resources").pairArgs(json.RawMessage(`{"backend_name":"x","cursor":null}`)); name != "x" || second != "" || some {
		t.Errorf("list_resources RNone: %q %q %v", name, second, some)
	}
	// An input reaches the plugin as serde_json prints it.
	calls, err = ResolveCalls("audit_sink", []PlannedCall{{Slot: "emit", Input: json.RawMessage(`{"b":1.50,"a":[]}`)}})
	if err != nil || string(calls[0].Input) != `{"a":[],"b":1.5}` {
		t.Errorf("emit input: %s, %v", calls[0].Input, err)
	}
}
