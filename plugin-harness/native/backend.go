package native

// backend's call plan (docs/native-kinds.md §4, §11.1): the adapter-build reads, then what the
// gateway calls on the request path. Portable: the parent resolves --calls against it.

import (
	"encoding/json"
	"fmt"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/serdejson"
)

// Call shapes only backend uses (slots.go has the others).
const (
	callTwoStringsToString callShape = iota + 100 // (h, RString, RString) → RString
	callStringToOptString                         // (h, RString) → ROption<RString> (sret, 40 bytes)
	callStringOptToString                         // (h, RString, ROption<RString>) → RString
	callStream                                    // (h, RString, RString, EventSinkRef) → StreamHandle
	callCancel                                    // (h, usize)
)

// Input kinds of two-argument slots: the input is an object naming both parameters.
const (
	inputNameJSON   inputKind = iota + 100 // {Param: "text", Param2: <JSON document>}
	inputNameCursor                        // {Param: "text", Param2: "text" | null} (an ROption<RString>)
)

// BackendError (protocol src/backend.rs): serde(tag = "error", rename_all = "snake_case").
var (
	backendErrors = tagged("error", map[string]*objShape{
		"profile_not_found": obj(req("backend_name", tStr)), "invalid_spec": obj(req("message", tStr)),
		"timeout": obj(req("timeout_ms", tU64)), "transport": obj(req("message", tStr))})
	backendResponse = obj(req("payload", tStr), req("truncated", tBool))
	listedResource  = obj(req("uri", tStr), opt("name", tOpt(tStr)), opt("description", tOpt(tStr)), opt("mimeType", tOpt(tStr)))
	resourcePage    = obj(opt("resources", tArr(listedResource)), opt("next_cursor", tOpt(tStr)))
	capabilitySet   = obj(opt("tools", tArr(tAny)), opt("resource_templates", tArr(tAny)))
)

// The default request: the tool arguments {} as JSON, base64 ("e30="), as tools/call sends them.
const (
	backendName    = `"default"`
	backendRequest = `{"payload":"e30=","headers":[],"request_id":"mcpg-plugin-test","session_id":null,"identity":` + actorJSON + `}`
	completeArgs   = `{"profile_name":"default","variable_name":"id","prefix":"","config":{},"context":{}}`
	transportTO    = `{"err":{"error":"transport","message":"native plugin '{id}' timed out"}}`
)

func init() {
	kindSpecs = append(kindSpecs, kindOf("backend",
		[]PlannedCall{call("kind", ""),
			call("register_profile", `{"backend_name":"default","spec_json":{}}`),
			call("expand_capabilities", ""),
			call("input_schema_json", backendName), call("output_schema_json", backendName),
			call("list_resources", `{"backend_name":"default","cursor":null}`),
			call("complete_template_variable", completeArgs),
			call("execute", `{"backend_name":"default","request_json":`+backendRequest+`}`),
			call("audit_metadata", backendName),
			call("execute_streaming", `{"backend_name":"default","request_json":`+backendRequest+`}`), call("cancel_stream", "")},
		nil,
		// kind is read while the adapter is built: empty makes the gateway refuse the plugin.
		SlotSpec{Name: "kind", Call: callToString, Class: classDirect, Refuses: true},
		// register_profile's answer goes through decode_result_envelope; an err fails the boot.
		SlotSpec{Name: "register_profile", Call: callTwoStringsToString, Param: "backend_name", Param2: "spec_json", Input: inputNameJSON,
			Class: classData, Answer: envelope(tNull, backendErrors), TimedOut: transportTO},
		SlotSpec{Name: "execute", Call: callTwoStringsToString, Param: "backend_name", Param2: "request_json", Input: inputNameJSON,
			Class: classData, Capped: true, Answer: untagged(backendResponse, backendErrors),
			TimedOut: `{"err":{"error":"timeout","timeout_ms":{data_timeout_ms}}}`},
		// execute_streaming: awaited without a timeout by the gateway; the wait for its events is
		// ours (backend_stream.go). cancel_stream runs from the stream's drop, with no budget.
		SlotSpec{Name: "execute_streaming", Call: callStream, Param: "backend_name", Param2: "request_json", Input: inputNameJSON,
			Class: classDirect},
		SlotSpec{Name: "cancel_stream", Call: callCancel, Class: classDirect},
		// execute_transaction: only the sql_tx pipeline step calls it, so only --calls does here.
		SlotSpec{Name: "execute_transaction", Call: callTwoStringsToString, Param: "backend_name", Param2: "tx_group_json", Input: inputNameJSON,
			Class: classData, Capped: true, Answer: untagged(tAny, backendErrors), TimedOut: transportTO},
		// The schemas: RNone, non-JSON or oversize all mean "no schema" to the gateway.
		SlotSpec{Name: "input_schema_json", Call: callStringToOptString, Param: "backend_name", Input: inputText, Class: classData,
			Answer: tAny, Lenient: "no schema", TimedOut: `null`},
		SlotSpec{Name: "output_schema_json", Call: callStringToOptString, Param: "backend_name", Input: inputText, Class: classData,
			Answer: tAny, Lenient: "no schema", TimedOut: `null`},
		SlotSpec{Name: "complete_template_variable", Call: callStringToString, Param: "args_json", Input: inputJSON, Class: classData,
			Answer: untagged(tArr(tStr), backendErrors), Lenient: "no candidates", TimedOut: `{"ok":[]}`},
		SlotSpec{Name: "list_resources", Call: callStringOptToString, Param: "backend_name", Param2: "cursor", Input: inputNameCursor,
			Class: classData, Answer: untagged(resourcePage, backendErrors), Lenient: "an empty page", TimedOut: `{"ok":{"resources":[]}}`},
		SlotSpec{Name: "audit_metadata", Call: callStringToString, Param: "backend_name", Input: inputText, Class: classData,
			Answer: tMap(tAny), Lenient: "{}", TimedOut: `{}`},
		SlotSpec{Name: "expand_capabilities", Call: callToString, Class: classData,
			Answer: untagged(capabilitySet, backendErrors), Lenient: "an empty capability set", TimedOut: `{"ok":{"tools":[],"resource_templates":[]}}`},
	))
}

// resolvePair checks a two-parameter input: an object with exactly s.Param (a string) and
// s.Param2, and returns it re-encoded.
func (s *SlotSpec) resolvePair(in json.RawMessage) (json.RawMessage, error) {
	want := fmt.Sprintf(`an object {"%s": "…", "%s": …}`, s.Param, s.Param2)
	var m map[string]json.RawMessage
	if len(in) == 0 || json.Unmarshal(in, &m) != nil || m == nil {
		return nil, fmt.Errorf("input: expected %s", want)
	}
	for k := range m {
		if k != s.Param && k != s.Param2 {
			return nil, fmt.Errorf("input: unknown field %q; expected %s", k, want)
		}
	}
	var name string
	if json.Unmarshal(m[s.Param], &name) != nil {
		return nil, fmt.Errorf("input: %s: expected a string (raw text, not JSON)", s.Param)
	}
	second, ok := m[s.Param2]
	if !ok {
		return nil, fmt.Errorf("input: missing field %q; expected %s", s.Param2, want)
	}
	if s.Input == inputNameCursor {
		var cursor *string
		if json.Unmarshal(second, &cursor) != nil {
			return nil, fmt.Errorf("input: %s: expected a string or null (an ROption<RString>)", s.Param2)
		}
	}
	out, err := serdejson.Reencode(string(second))
	if err != nil {
		return nil, fmt.Errorf("input: %s: %v", s.Param2, err)
	}
	nameJSON, _ := json.Marshal(name)
	return json.RawMessage(`{"` + s.Param + `":` + string(nameJSON) + `,"` + s.Param2 + `":` + string(out) + `}`), nil
}

// pairArgs splits a resolved two-parameter input into the first argument's text and the second's:
// the JSON document's text, or for a cursor its text and whether it is RSome.
func (s *SlotSpec) pairArgs(in json.RawMessage) (name, second string, some bool) {
	var m map[string]json.RawMessage
	_ = json.Unmarshal(in, &m)
	_ = json.Unmarshal(m[s.Param], &name)
	raw := m[s.Param2]
	if s.Input == inputNameCursor {
		var cursor *string
		_ = json.Unmarshal(raw, &cursor)
		if cursor == nil {
			return name, "", false
		}
		return name, *cursor, true
	}
	return name, string(raw), true
}

// nextCursorCall is the follow-up list_resources the gateway makes for the next page: RSome of
// the next_cursor a first page (called with RNone) answered; nil when there is none.
func nextCursorCall(s *SlotSpec, input, output json.RawMessage) *PlannedCall {
	if s.Call != callStringOptToString {
		return nil
	}
	name, _, some := s.pairArgs(input)
	if some {
		return nil
	}
	next := nextCursor(output)
	if next == nil {
		return nil
	}
	nameJSON, _ := json.Marshal(name)
	cursorJSON, _ := json.Marshal(*next)
	return &PlannedCall{Slot: s.Name, Input: json.RawMessage(`{"` + s.Param + `":` + string(nameJSON) + `,"` + s.Param2 + `":` + string(cursorJSON) + `}`)}
}

// nextCursor is the next_cursor of a list_resources {"ok": ResourcePage} answer, or nil.
func nextCursor(output json.RawMessage) *string {
	var page struct {
		Ok *struct {
			NextCursor *string `json:"next_cursor"`
		} `json:"ok"`
	}
	if json.Unmarshal(output, &page) != nil || page.Ok == nil {
		return nil
	}
	return page.Ok.NextCursor
}
