package native

// http_route's call plan (docs/native-kinds.md §6, §11.1): routes_json, read while the gateway
// builds its adapter, then one request through handle_streaming — the only slot the gateway sends
// requests to — and cancel_stream when the answer was a stream. handle is driven only by --calls.
// Portable: the parent resolves --calls against it.

import (
	"encoding/json"
	"fmt"
	"math/big"
)

// Call shapes only http_route uses (its range: 300–399).
const (
	callRoutes     callShape = iota + 300 // routes_json(h) → RString, kept for the requests
	callHTTPStream                        // handle_streaming(h, RString, EventSinkRef, BytesSinkRef) → HttpHandleResult
	callHTTPCancel                        // cancel_stream(h, usize)
	callHTTPHandle                        // handle(h, RString) → RString
)

// The wire DTOs (protocol src/http_route.rs). Vec<u8> bodies are arrays of numbers (serde reads
// no string for a Vec<u8>); headers and query pairs are two-element arrays.
var (
	routeSpec = obj(req("method", tStr), req("path", tStr), opt("requires_identity", tBool),
		opt("streaming", tBool), opt("max_body_bytes", tOpt(tU64)))
	httpPairs        = tArr(tTuple(tStr, tStr))
	httpResponseWire = obj(req("status", tU16), req("headers", httpPairs), req("body", tArr(tU8)))
	httpStreamHead   = obj(req("status", tU16), req("headers", httpPairs))
	httpChunkWire    = tagged("kind", map[string]*objShape{
		"data":  obj(req("data", tArr(tU8))),
		"event": obj(req("name", tStr), req("data", tArr(tU8))),
		"end":   obj(),
	})
)

// tU16 is a u16 (an HTTP status): shapes.go's numbers stop at u32.
var tU16 shape = u16Shape{}

type u16Shape struct{}

func (u16Shape) check(v any, path string) string {
	num, ok := v.(json.Number)
	if i, isInt := new(big.Int).SetString(num.String(), 10); !ok || !isInt || i.Sign() < 0 || i.Cmp(big.NewInt(65535)) > 0 {
		return fmt.Sprintf("%s: expected a non-negative integer (u16), found %s", at(path), found(v))
	}
	return ""
}
func (u16Shape) describe() string { return "a non-negative integer (u16)" }

// The gateway's own answer when the --calls-only handle slot overruns data_timeout_ms
// (dispatch_http_route_via_vtable: a 504 error_json), its body shown as text as the report shows
// every body.
const httpHandleTimedOut = `{"status":504,"headers":[["Content-Type","application/json"]],"body":"{\"error\":\"native plugin '{id}' timed out\"}"}`

func init() {
	kindSpecs = append(kindSpecs, kindOf("http_route",
		// handle_streaming's input: the request the gateway would build for the first route, with
		// the test identity and request id (http_route_call.go httpRequest).
		[]PlannedCall{call("routes_json", ""), call("handle_streaming", `{"identity":`+actorJSON+`,"request_id":"mcpg-plugin-test"}`),
			call("cancel_stream", "")},
		nil,
		// routes_json is read once, directly, while the adapter is built: not a [RouteSpec]
		// (empty included) makes the gateway call drop_instance and refuse the plugin.
		SlotSpec{Name: "routes_json", Call: callRoutes, Class: classDirect, Refuses: true, Answer: tArr(routeSpec)},
		// handle: never called by the gateway (its adapter sends every request to
		// handle_streaming); the host's dispatch helper that does call it holds it to data_timeout_ms
		// and max_payload_bytes.
		SlotSpec{Name: "handle", Call: callHTTPHandle, Param: "request_json", Input: inputJSON, Class: classData,
			Answer: httpResponseWire, TimedOut: httpHandleTimedOut},
		// handle_streaming runs on spawn_blocking with no timeout and no payload cap; the wait for
		// the body is ours (http_route_call.go).
		SlotSpec{Name: "handle_streaming", Call: callHTTPStream, Param: "request_json", Input: inputJSON, Class: classDirect},
		// cancel_stream runs from the response body's drop guard, with no budget.
		SlotSpec{Name: "cancel_stream", Call: callHTTPCancel, Class: classDirect},
	))
}
