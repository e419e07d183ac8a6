package native

// transport's call plan (docs/native-kinds.md §9, §11.1): name, read while the adapter is built,
// then what the gateway does with one gateway.server.transports[] entry naming the plugin —
// start(listener config, dispatcher), listen_address — and at its shutdown: close, then the
// handle's drop. Portable: the parent resolves --calls against it (transport_call.go drives it).

import (
	"encoding/json"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/serdejson"
)

// Call shapes only transport uses (500-599).
const (
	callTransportStart   callShape = iota + 500 // (h, RString, DispatcherCallbackRef) → StreamHandle
	callTransportAddress                        // (h, usize) → RString
	callTransportClose                          // (h, usize)
	callTransportDrop                           // (h, usize)
)

// The protocol's wire types (src/transport.rs), both serde(tag = "kind", rename_all = "snake_case").
var (
	transportErrors = tagged("kind", map[string]*objShape{
		"bind_failed": obj(req("reason", tStr)), "already_listening": obj(), "invalid_config": obj(req("message", tStr)),
		"unknown_transport": obj(req("name", tStr)), "io": obj(req("reason", tStr)), "shutdown": obj()})
	dispatcherErrors = tagged("kind", map[string]*objShape{
		"session_not_found": obj(), "invalid_message": obj(req("reason", tStr)), "internal": obj(req("reason", tStr)), "shutdown": obj()})
	// What the host's dispatcher callback reads of message_json, and what the SDK's
	// dispatcher_from_cb reads of the reply (an untagged {ok}|{err}).
	dispatchMessage = obj(req("bytes", tArr(tU8)))
	dispatchReply   = untagged(obj(req("bytes", tArr(tU8))), dispatcherErrors)
	// start's metadata_json as the adapter reads it (a private StartMeta).
	startMetadata = obj(opt("listen_address", tOpt(tStr)))
)

func init() {
	kindSpecs = append(kindSpecs, kindOf("transport",
		[]PlannedCall{call("name", ""), call("start", "{}"), call("transport_handle_listen_address", ""),
			call("transport_handle_close", ""), call("transport_handle_drop", "")},
		nil,
		// name is read while the adapter is built, directly: empty makes the gateway refuse the plugin.
		SlotSpec{Name: "name", Call: callToString, Class: classDirect, Refuses: true},
		// The four below run on spawn_blocking with no timeout (close: bounded only by the
		// gateway's shutdown timeout), the handle's drop directly from its Drop.
		SlotSpec{Name: "start", Call: callTransportStart, Param: "listener_config_json", Input: inputJSON, Class: classDirect},
		SlotSpec{Name: "transport_handle_close", Call: callTransportClose, Class: classDirect},
		SlotSpec{Name: "transport_handle_drop", Call: callTransportDrop, Class: classDirect},
		// Empty means "no address" (also the SDK's panic answer, catch_panic_to_empty_rstring).
		SlotSpec{Name: "transport_handle_listen_address", Call: callTransportAddress, Class: classDirect, EmptyOK: true},
	))
}

// ListenerDefaults gives a default transport plan the listener config start receives: the
// --config object's "listener" member, or {} (the gateway passes the transports[] entry's own
// config:, which the harness has no other place for). Other plans pass through unchanged.
func ListenerDefaults(kind string, calls []PlannedCall, config string) []PlannedCall {
	if kind != "transport" {
		return calls
	}
	listener := json.RawMessage(`{}`)
	var top map[string]json.RawMessage
	if json.Unmarshal([]byte(config), &top) == nil {
		if l, ok := top["listener"]; ok {
			if text, err := serdejson.Reencode(string(l)); err == nil {
				listener = text
			}
		}
	}
	out := make([]PlannedCall, len(calls))
	for i, c := range calls {
		out[i] = c
		if c.Slot == "start" {
			out[i].Input = listener
		}
	}
	return out
}
