package native

// One call plan per kind, as data (docs/native-kinds.md): each kind's vtable slots past make and
// manifest_json — where they sit, how they are called, which ffi_limits budget the gateway holds
// them to, what it would accept back — and the calls the gateway makes, in its order, with
// realistic inputs. Portable: the parent resolves --calls against it, the worker drives it.

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/serdejson"
)

// The ffi_limits budget a slot answers to in the gateway (SlotSpec.Class).
const (
	classData    = "data"
	classControl = "control"
	classDirect  = "direct" // called on the caller's thread, no timeout (while building the adapter)
)

// callShape is a slot's C signature, one of the few the JSON-over-RString kinds use.
type callShape int

const (
	callStringToString callShape = iota // (h, RString) → RString
	callStringToVoid                    // (h, RString)
	callBorrowToVoid                    // (h, RStr)
	callU64ToString                     // (h, u64) → RString
	callToString                        // (h) → RString
	callToU8                            // (h) → u8
)

// inputKind is what a slot's argument carries.
type inputKind int

const (
	inputNone inputKind = iota
	inputJSON           // a JSON document, sent as serde_json prints it
	inputText           // raw text (a URI, an id): the input is a JSON string
	inputU64            // a u64 (flush's timeout_ms)
)

// SlotSpec is one vtable slot of a kind.
type SlotSpec struct {
	Name   string
	Offset uintptr
	Call   callShape
	Param  string // the argument's name in abi.rs
	// Param2 names a second argument (backend's two-argument slots; backend.go).
	Param2 string
	Input  inputKind
	// Class is the ffi_limits budget the gateway's adapter waits on: "data", "control", or
	// "direct" for a slot it calls on the caller's thread with no timeout (at construction).
	Class string
	// Answer is what the gateway's decoder accepts of the returned text; nil: any text.
	Answer shape
	// EmptyOK: an empty string is a real answer (not the SDK's panic sentinel, catch_panic_to_empty_rstring).
	EmptyOK bool
	// Refuses: the gateway calls this slot while constructing its adapter and refuses the load
	// when the answer is empty or does not decode.
	Refuses bool
	// Capped: the gateway refuses an answer over ffi_limits.max_payload_bytes (content_store).
	Capped bool
	// Lenient: the gateway reads an answer its decoder refuses as this fallback (with a warning in
	// its log), so such an answer is a warning here, not a failure.
	Lenient string
	// TimedOut is what the gateway answers in the plugin's place past the budget ("" for a void
	// slot: the record is dropped); {id} stands for the in-code manifest's id.
	TimedOut string
}

// KindSpec is one entity kind's vtable and default plan.
type KindSpec struct {
	Kind     string
	Slots    []SlotSpec // in vtable order, from +16
	Shutdown uintptr
	Drop     uintptr
	// Default is the gateway's calls in order, with their inputs.
	Default []PlannedCall
	// Undriven names slots this harness does not call yet, with why.
	Undriven map[string]string
}

// PlannedCall is one call of a plan: a slot and its input (absent for a slot without one).
type PlannedCall struct {
	Slot  string          `json:"slot"`
	Input json.RawMessage `json:"input,omitempty"`
}

// Slot returns the spec of slot name, or nil.
func (k *KindSpec) Slot(name string) *SlotSpec {
	for i := range k.Slots {
		if k.Slots[i].Name == name {
			return &k.Slots[i]
		}
	}
	return nil
}

// SlotNames lists the slots --calls may name.
func (k *KindSpec) SlotNames() []string {
	var names []string
	for _, s := range k.Slots {
		if _, no := k.Undriven[s.Name]; !no {
			names = append(names, s.Name)
		}
	}
	return names
}

// Kind returns the plan of kind, or nil for a kind driven otherwise (Tier-1) or not at all.
func Kind(kind string) *KindSpec {
	for _, k := range kindSpecs {
		if k.Kind == kind {
			return k
		}
	}
	return nil
}

// ResolveCalls checks a --calls list against kind's slots and inputs, and returns it with each
// input in the form the plugin will receive; nil calls give the kind's default plan.
func ResolveCalls(kind string, calls []PlannedCall) ([]PlannedCall, error) {
	k := Kind(kind)
	if k == nil {
		return nil, fmt.Errorf("--calls applies to kinds driven by a call plan; %s is driven by its own flags", kind)
	}
	if calls == nil {
		return slices.Clone(k.Default), nil
	}
	out := make([]PlannedCall, 0, len(calls))
	for i, c := range calls {
		s := k.Slot(c.Slot)
		if why, no := k.Undriven[c.Slot]; no {
			return nil, fmt.Errorf("call %d: %s.%s is not driven by this harness yet (%s); slots: %s", i+1, kind, c.Slot, why, strings.Join(k.SlotNames(), ", "))
		}
		if s == nil {
			return nil, fmt.Errorf("call %d: %s has no slot %q; slots: %s", i+1, kind, c.Slot, strings.Join(k.SlotNames(), ", "))
		}
		input, err := s.resolveInput(c.Input)
		if err != nil {
			return nil, fmt.Errorf("call %d (%s): %v", i+1, c.Slot, err)
		}
		out = append(out, PlannedCall{Slot: c.Slot, Input: input})
	}
	return out, nil
}

func (s *SlotSpec) resolveInput(in json.RawMessage) (json.RawMessage, error) {
	absent := len(in) == 0 || string(in) == "null"
	switch s.Input {
	case inputNameJSON, inputNameCursor:
		return s.resolvePair(in)
	case inputNone:
		if !absent {
			return nil, fmt.Errorf("%s takes no input", s.Name)
		}
		return nil, nil
	case inputText:
		var text string
		if absent || json.Unmarshal(in, &text) != nil {
			return nil, fmt.Errorf("input: expected a JSON string (%s is raw text, not JSON)", s.Param)
		}
	case inputU64:
		if absent || tU64.check(numberOf(in), "") != "" {
			return nil, fmt.Errorf("input: expected a non-negative integer (%s, u64)", s.Param)
		}
	case inputJSON:
		if absent && string(in) != "null" {
			return nil, fmt.Errorf("input: expected the JSON %s", s.Param)
		}
	}
	out, err := serdejson.Reencode(string(in))
	if err != nil {
		return nil, fmt.Errorf("input: %v", err)
	}
	return out, nil
}

func numberOf(raw json.RawMessage) any {
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return nil
	}
	return n
}

// argText is what the plugin receives for a resolved input.
func (s *SlotSpec) argText(in json.RawMessage) string {
	if s.Input == inputText {
		var text string
		_ = json.Unmarshal(in, &text)
		return text
	}
	return string(in)
}

// argU64 is a resolved u64 input.
func argU64(in json.RawMessage) uint64 {
	var n uint64
	_ = json.Unmarshal(in, &n)
	return n
}

// slotsFrom lays out named slots from +16, eight bytes apart, and returns them with the
// shutdown and drop_instance offsets that follow.
func slotsFrom(slots ...SlotSpec) ([]SlotSpec, uintptr, uintptr) {
	off := uintptr(slotFirst)
	for i := range slots {
		slots[i].Offset = off
		off += 8
	}
	return slots, off, off + 8
}

// slotFirst is the offset of the first slot after make and manifest_json.
const slotFirst = 16

func kindOf(kind string, def []PlannedCall, undriven map[string]string, slots ...SlotSpec) *KindSpec {
	s, shutdown, drop := slotsFrom(slots...)
	return &KindSpec{Kind: kind, Slots: s, Shutdown: shutdown, Drop: drop, Default: def, Undriven: undriven}
}

func call(slot string, input string) PlannedCall {
	if input == "" {
		return PlannedCall{Slot: slot}
	}
	out, err := serdejson.Reencode(input)
	if err != nil {
		panic(fmt.Sprintf("default input of %s: %v", slot, err))
	}
	return PlannedCall{Slot: slot, Input: out}
}

// Default inputs: the records a gateway serving the default test context (tester@example.com
// calling test.tool) would hand its sinks.
const (
	actorJSON    = `{"kind":"verified","trust_level":"verified","subject_id":"tester@example.com","auth_provider":"mcpg-plugin-test","issuer":null}`
	auditEvent   = `{"event_id":"evt-0001","occurred_at":"2026-12-05T17:00:00Z","actor":` + actorJSON + `,"action":"tools/call","resource":"test.tool","outcome":"success","request_id":"mcpg-plugin-test","details":{"duration_ms":12}}`
	logRecord    = `{"timestamp_ns":1764954000000000000,"level":"info","target":"mcpg::gateway","message":"tool call completed","fields":{"tool":"test.tool"},"request_id":"mcpg-plugin-test"}`
	metricPoint  = `{"name":"mcpg_tool_calls_total","kind":"counter","value":{"kind":"f64","value":1.0},"labels":{"tool":"test.tool"},"timestamp_ns":1764954000000000000}`
	spanStart    = `{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","name":"tools/call","kind":"server","start_ns":1764954000000000000,"attributes":{"mcp.tool":"test.tool"}}`
	spanEnd      = `{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","end_ns":1764954000012000000,"status":{"kind":"ok"}}`
	flushTimeout = `5000`
	timeoutErr   = `{"err":{"kind":"timeout"}}`
	contextJSON  = `{"request_id":"mcpg-plugin-test","session_id":null,"tool_name":"test.tool","surface":"tool","identity":` + actorJSON + `,"transport":"http"}`
	policyArgs   = `{"decision_point":"tool.call.pre","input":{},"context":` + contextJSON + `}`
	notification = `{"approval_id":"appr_01HFXYZ","summary":"rm /etc/passwd","deadline_at":"2026-04-26T10:00:00Z","direct_callback_url":"https://gateway.example/approvals/appr_01HFXYZ","identity":` + actorJSON + `,"tool_name":"test.tool","arguments":{}}`
	issueArgs    = `{"identity":` + actorJSON + `,"target":"postgres://orders","config":{}}`
	secretRef    = `"vault://secret/mcpg/api-key"`
	configRef    = `"consul://mcpg/gateway"`
	storeValue   = `{"bytes":[104,105],"ttl_ms":60000}`
	cacheKey     = `{"ns":"tool-results","key":"test.tool:5e1f"}`
	catalogArgs  = `{"ctx":` + contextJSON + `,"in_progress":[{"name":"test.tool","description":"The tool the harness calls","inputSchema":{"type":"object"}}]}`
	blobID       = `{"profile_name":"default","id":"blob-0001"}`
	backendErr   = `{"err":{"kind":"backend","reason":"native plugin '{id}' timed out"}}`
)

// flush is the sinks' flush(h, timeout_ms) → {"ok": null} / {"err": <kind>Error}, a control call.
func flush(errs shape) SlotSpec {
	return SlotSpec{Name: "flush", Call: callU64ToString, Param: "timeout_ms", Input: inputU64, Class: classControl,
		Answer: envelope(tNull, errs), TimedOut: timeoutErr}
}

// The DTOs the answers decode into (mcpg-plugin-protocol src/*.rs).
var (
	policyDecision = obj(req("effect", tEnum("allow", "deny", "not_applicable")),
		opt("obligations", tArr(obj(req("kind", tStr), req("args", tAny)))),
		opt("redactions", tArr(obj(req("json_pointer", tStr), req("replacement", tAny)))),
		opt("attributes", tMap(tAny)), req("reason", tOpt(tStr)), req("policy_version", tStr))
	policyVersion = obj(req("hash", tStr), req("loaded_at", tStr), req("source", tStr))
	// Secret and config errors: serde(tag = "kind").
	lookupErrors = map[string]*objShape{"not_found": obj(), "permission_denied": obj(), "backend": obj(req("reason", tStr)),
		"invalid_reference": obj(req("message", tStr)), "unsupported_scheme": obj(req("scheme", tStr))}
	secretValue      = obj(req("bytes", tArr(tU8)), opt("version", tOpt(tStr)), opt("expires_at", tOpt(tStr)), opt("metadata", tMap(tStr)))
	configSnap       = obj(req("version", tStr), req("values", tAny), req("fetched_at", tStr), req("source", tStr))
	credentialErrors = reasonKinds("backend", "not_authorized", "misconfigured", "throttled")
	issued           = obj(opt("value", tOpt(tStr)), opt("parts", tMap(tStr)), req("ttl_seconds", tU64), opt("lease_id", tOpt(tStr)),
		req("issued_at", tStr), opt("metadata", tMap(tStr)))
	notificationResult = obj(req("channel", tStr), opt("metadata", tMap(tStr)))
	storeErrors        = tagged("kind", map[string]*objShape{"backend": obj(req("reason", tStr)), "cas_mismatch": obj(),
		"unsupported_role": obj(), "unsupported": obj(req("op", tStr)), "throttled": obj(), "not_found": obj()})
	storeValueWire = obj(req("bytes", tArr(tU8)), opt("ttl_ms", tOpt(tU64)), opt("metadata", tMap(tStr)))
	cacheErrors    = tagged("kind", map[string]*objShape{"backend": obj(req("reason", tStr)), "unsupported": obj(req("op", tStr)),
		"throttled": obj(), "unsupported_namespace": obj()})
	catalogMetadata = obj(opt("tags", tArr(tStr)), opt("owner", tOpt(tStr)), opt("doc_url", tOpt(tStr)), opt("sample_arguments", tAny),
		opt("trust_required", tOpt(tStr)), opt("requires_approval", tOpt(tBool)), opt("maturity", tOpt(tStr)), opt("attributes", tMap(tStr)))
	enrichedTool = obj(req("name", tStr), opt("title", tOpt(tStr)), req("description", tStr), req("inputSchema", tAny),
		opt("outputSchema", tAny), opt("catalog", tOpt(catalogMetadata)))
	catalogEntry = obj(req("tool_id", tStr), opt("display_name", tOpt(tStr)), opt("description", tOpt(tStr)), req("catalog", catalogMetadata),
		opt("access_summary", tOpt(tStr)), opt("last_invoked_at", tOpt(tStr)), opt("recent_invocations", tOpt(tU64)))
	// ContentStoreError has no serde attributes: externally tagged, so {"err": "some text"} is refused.
	contentErrors = external([]string{"SignedUrlNotSupported", "Forbidden", "NotFound"}, map[string]*objShape{
		"SizeLimit": obj(req("limit_bytes", tU64), req("actual_bytes", tU64)), "Storage": obj(req("message", tStr))})
	resourceHandle = obj(req("id", tStr), req("uri", tStr), req("size_bytes", tU64), req("mime_type", tStr),
		opt("expires_at", tOpt(tStr)), req("content_hash", tStr))
	resourceContent = obj(req("bytes", tBytes), req("mime_type", tStr), req("session_id", tOpt(tStr)), req("tenant_id", tOpt(tStr)),
		req("stored_at", tStr), req("expires_at", tOpt(tStr)))
)

// contentTimedOut is content_store's answer when a call panicked or overran data_timeout_ms.
func contentTimedOut(slot string) string {
	return `{"err":{"Storage":{"message":"content_store plugin returned no ` + slot + ` response (panicked, or exceeded the host data timeout)"}}}`
}

// contentCall is a content_store slot: every one a data call, its answer enveloped and capped.
func contentCall(name string, ok shape) SlotSpec {
	return SlotSpec{Name: name, Call: callStringToString, Param: "args_json", Input: inputJSON, Class: classData, Capped: true,
		Answer: envelope(ok, contentErrors), TimedOut: contentTimedOut(name)}
}

// storeCall and cacheCall are the data calls of store and cache (args_json → an answer).
func storeCall(name string, answer shape) SlotSpec {
	return SlotSpec{Name: name, Call: callStringToString, Param: "args_json", Input: inputJSON, Class: classData, Answer: answer, TimedOut: backendErr}
}

// reasonKinds is an error enum, serde(tag = "kind"), whose every variant carries a reason.
func reasonKinds(kinds ...string) shape {
	v := map[string]*objShape{}
	for _, k := range kinds {
		v[k] = obj(req("reason", tStr))
	}
	return tagged("kind", v)
}

func withLookupErrors(extra map[string]*objShape) shape {
	v := map[string]*objShape{}
	for k, s := range lookupErrors {
		v[k] = s
	}
	for k, s := range extra {
		v[k] = s
	}
	return tagged("kind", v)
}

var kindSpecs = []*KindSpec{
	// audit_sink: emit's answer is read as the adapter's untagged Wire<AuditReceipt, AuditError>.
	kindOf("audit_sink",
		[]PlannedCall{call("emit", auditEvent), call("flush", flushTimeout)}, nil,
		SlotSpec{Name: "emit", Call: callStringToString, Param: "event_json", Input: inputJSON, Class: classData,
			Answer:   untagged(obj(req("sink_id", tStr), req("persisted_at", tStr), req("durable_hash", tStr)), unitErrors("write_failed")),
			TimedOut: timeoutErr},
		flush(unitErrors("write_failed"))),
	// log_sink.emit borrows its record (RStr) and answers nothing.
	kindOf("log_sink",
		[]PlannedCall{call("emit", logRecord), call("flush", flushTimeout)}, nil,
		SlotSpec{Name: "emit", Call: callBorrowToVoid, Param: "record_json", Input: inputJSON, Class: classData},
		flush(unitErrors("backend"))),
	kindOf("telemetry_sink",
		[]PlannedCall{call("span_started", spanStart), call("metric_recorded", metricPoint), call("log_recorded", logRecord),
			call("span_ended", spanEnd), call("flush", flushTimeout)}, nil,
		SlotSpec{Name: "span_started", Call: callStringToVoid, Param: "span_json", Input: inputJSON, Class: classData},
		SlotSpec{Name: "span_ended", Call: callStringToVoid, Param: "span_json", Input: inputJSON, Class: classData},
		SlotSpec{Name: "metric_recorded", Call: callStringToVoid, Param: "metric_json", Input: inputJSON, Class: classData},
		SlotSpec{Name: "log_recorded", Call: callStringToVoid, Param: "record_json", Input: inputJSON, Class: classData},
		flush(unitErrors("backend"))),
	// metrics_sink: render_text_exposition's empty answer means "push-only, nothing to expose".
	kindOf("metrics_sink",
		[]PlannedCall{call("emit", metricPoint), call("flush", flushTimeout), call("render_text_exposition", "")}, nil,
		SlotSpec{Name: "emit", Call: callStringToVoid, Param: "metric_json", Input: inputJSON, Class: classData},
		flush(unitErrors("backend")),
		SlotSpec{Name: "render_text_exposition", Call: callToString, Class: classControl, EmptyOK: true}),
	// policy_engine: name is read once, at construction (empty refuses the load); evaluate answers
	// a bare PolicyDecision (no envelope), policy_version a bare PolicyVersion.
	kindOf("policy_engine",
		[]PlannedCall{call("name", ""), call("evaluate", policyArgs), call("policy_version", "")}, nil,
		SlotSpec{Name: "name", Call: callToString, Class: classDirect, Refuses: true},
		SlotSpec{Name: "evaluate", Call: callStringToString, Param: "args_json", Input: inputJSON, Class: classData, Answer: policyDecision,
			TimedOut: `{"effect":"deny","obligations":[],"redactions":[],"attributes":{},"reason":"native plugin '{id}' timed out","policy_version":""}`},
		SlotSpec{Name: "policy_version", Call: callToString, Class: classControl, Answer: policyVersion,
			TimedOut: `{"hash":"unknown","loaded_at":"","source":"native plugin '{id}' (error)"}`}),
	// secret_provider: supported_schemes_json at construction; get takes the raw reference.
	kindOf("secret_provider",
		[]PlannedCall{call("supported_schemes_json", ""), call("get", secretRef), call("watch", watchSecret), call("cancel_watch", "")},
		nil,
		SlotSpec{Name: "supported_schemes_json", Call: callToString, Class: classDirect, Refuses: true, Answer: tArr(tStr)},
		SlotSpec{Name: "get", Call: callStringToString, Param: "reference", Input: inputText, Class: classData,
			Answer: untagged(secretValue, withLookupErrors(nil)), TimedOut: `{"err":{"kind":"backend","reason":"native plugin '{id}' timed out or panicked"}}`},
		watchSlot("reference", inputText), cancelWatchSlot),
	// config_provider: like secret_provider, but snapshot is a control call.
	kindOf("config_provider",
		[]PlannedCall{call("supported_schemes_json", ""), call("snapshot", configRef), call("watch", watchConfig), call("cancel_watch", "")},
		nil,
		SlotSpec{Name: "supported_schemes_json", Call: callToString, Class: classDirect, Refuses: true, Answer: tArr(tStr)},
		SlotSpec{Name: "snapshot", Call: callStringToString, Param: "reference", Input: inputText, Class: classControl,
			Answer:   untagged(configSnap, withLookupErrors(map[string]*objShape{"parse_error": obj(req("reason", tStr))})),
			TimedOut: `{"err":{"kind":"backend","reason":"native plugin '{id}' timed out or panicked"}}`},
		watchSlot("reference", inputText), cancelWatchSlot),
	// approval_notifier.notify answers Rust's Result ({"Ok": …}/{"Err": …}), not the ok/err envelope.
	kindOf("approval_notifier",
		[]PlannedCall{call("notify", notification)}, nil,
		SlotSpec{Name: "notify", Call: callStringToString, Param: "request_json", Input: inputJSON, Class: classData,
			Answer:   stdResult(notificationResult, reasonKinds("backend", "misconfigured", "throttled", "internal")),
			TimedOut: `{"Err":{"kind":"backend","reason":"native plugin '{id}' timed out"}}`}),
	// credential_issuer: issue answers Rust's Result; revoke (a control call) the ok/err envelope.
	kindOf("credential_issuer",
		[]PlannedCall{call("issue", issueArgs), call("revoke", `"lease-0001"`)}, nil,
		SlotSpec{Name: "issue", Call: callStringToString, Param: "args_json", Input: inputJSON, Class: classData,
			Answer: stdResult(issued, credentialErrors), TimedOut: `{"Err":{"kind":"backend","reason":"native plugin '{id}' timed out"}}`},
		SlotSpec{Name: "revoke", Call: callStringToString, Param: "lease_id", Input: inputText, Class: classControl,
			Answer: envelope(tNull, credentialErrors), TimedOut: `{"err":{"kind":"backend","reason":"native plugin '{id}' revoke timed out"}}`}),
	// catalog_provider: filter_and_enrich answers the refined list, describe an entry or null
	// (empty counts as null), list_catalog every entry. A timeout empties the tool list.
	kindOf("catalog_provider",
		[]PlannedCall{call("filter_and_enrich", catalogArgs), call("describe", `"test.tool"`), call("list_catalog", "")}, nil,
		SlotSpec{Name: "filter_and_enrich", Call: callStringToString, Param: "args_json", Input: inputJSON, Class: classData,
			Answer: tArr(enrichedTool), TimedOut: `[]`},
		SlotSpec{Name: "describe", Call: callStringToString, Param: "tool_id", Input: inputText, Class: classControl, EmptyOK: true,
			Answer: tOpt(catalogEntry), TimedOut: `null`},
		SlotSpec{Name: "list_catalog", Call: callToString, Class: classData, Answer: tArr(catalogEntry), TimedOut: `[]`}),
	// store: supported_roles_json at construction; get/list read the adapters' untagged Wire,
	// put/delete the ok/err envelope; watch and cancel_watch: watch_call.go.
	kindOf("store",
		[]PlannedCall{call("supported_roles_json", ""), call("put", `{"role":"session","key":"sess-1","value":`+storeValue+`}`),
			call("get", `{"role":"session","key":"sess-1"}`), call("list", `{"role":"session","prefix":"sess-","cursor":null}`),
			call("delete", `{"role":"session","key":"sess-1"}`), call("watch", watchStoreKey), call("cancel_watch", "")},
		nil,
		SlotSpec{Name: "supported_roles_json", Call: callToString, Class: classDirect, Refuses: true, Answer: tArr(tStr)},
		storeCall("get", untagged(tOpt(storeValueWire), storeErrors)),
		storeCall("put", envelope(tNull, storeErrors)),
		storeCall("delete", envelope(tNull, storeErrors)),
		storeCall("list", untagged(obj(req("items", tArr(tTuple(tStr, storeValueWire))), opt("next_cursor", tOpt(tStr))), storeErrors)),
		storeCall("compare_and_swap", untagged(tBool, storeErrors)),
		storeCall("append", untagged(obj(req("sequence", tU64)), storeErrors)),
		watchSlot("args_json", inputJSON), cancelWatchSlot),
	// cache: namespaces and serves_any_namespace at construction; get answers a bare
	// Option<Vec<u8>> (anything else reads as a miss); delete answers nothing.
	kindOf("cache",
		[]PlannedCall{call("supported_namespaces_json", ""), call("serves_any_namespace", ""),
			call("put", `{"ns":"tool-results","key":"test.tool:5e1f","value":[104,105],"ttl_ms":60000}`), call("get", cacheKey),
			call("incr", `{"ns":"rate","key":"tester@example.com","by":1,"ttl_ms":60000}`), call("delete", cacheKey),
			call("clear", `{"ns":"tool-results"}`)}, nil,
		SlotSpec{Name: "supported_namespaces_json", Call: callToString, Class: classDirect, Refuses: true, Answer: tArr(tStr)},
		SlotSpec{Name: "serves_any_namespace", Call: callToU8, Class: classDirect},
		SlotSpec{Name: "get", Call: callStringToString, Param: "args_json", Input: inputJSON, Class: classData,
			Answer: tOpt(tArr(tU8)), TimedOut: `null`},
		storeCall("put", envelope(tNull, cacheErrors)),
		SlotSpec{Name: "delete", Call: callStringToVoid, Param: "args_json", Input: inputJSON, Class: classData},
		storeCall("clear", envelope(tNull, cacheErrors)),
		storeCall("incr", untagged(tI64, cacheErrors))),
	// content_store: kind at construction; the rest are data calls whose answers the gateway caps
	// at max_payload_bytes; stats and sweep_expired answer bare values (malformed reads as zero).
	kindOf("content_store",
		[]PlannedCall{call("kind", ""), call("register_profile", `{"profile_name":"default","spec":{}}`),
			call("put", `{"profile_name":"default","content":{"bytes":[104,101,108,108,111],"mime_type":"text/plain","alias":"hello.txt","session_id":"sess-1","tenant_id":null,"ttl":{"secs":3600,"nanos":0}}}`),
			call("get", blobID), call("stats", `{"profile_name":"default"}`), call("delete", blobID)}, nil,
		SlotSpec{Name: "kind", Call: callToString, Class: classDirect, Refuses: true},
		contentCall("register_profile", tNull),
		contentCall("put", resourceHandle),
		contentCall("get", tOpt(resourceContent)),
		contentCall("delete", tNull),
		contentCall("signed_url", tOpt(tStr)),
		SlotSpec{Name: "stats", Call: callStringToString, Param: "args_json", Input: inputJSON, Class: classData,
			Answer: obj(req("item_count", tU64), req("byte_count", tU64), req("max_bytes", tU64)), TimedOut: `{"item_count":0,"byte_count":0,"max_bytes":0}`},
		SlotSpec{Name: "sweep_expired", Call: callStringToString, Param: "args_json", Input: inputJSON, Class: classData,
			Answer: tU64, TimedOut: `0`}),
}

// Driven reports whether this package exercises entities of kind: the Tier-1 classes through
// their own flags, the kinds of kindSpecs through a call plan.
func Driven(kind string) bool {
	return kind == "tool_gate" || kind == "transform" || kind == "identity_provider" || Kind(kind) != nil
}
