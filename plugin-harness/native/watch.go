package native

// The watch_strategy kind and the watch slots of store, secret_provider and config_provider
// (docs/native-kinds.md §5, §7, §11.1): the plan of watch_strategy, the shapes each kind's host
// adapter decodes (its error when the handle is 0, its event DTO), and the call shapes the driver
// (watch_call.go) registers. Portable: the parent resolves --calls against these plans.

// Call shapes of the watch slots (200-299).
const (
	callWatchPair   callShape = iota + 200 // watch_strategy.watch(h, RString uri, RString spec_json, EventSinkRef) → StreamHandle
	callWatch                              // store/secret/config watch(h, RString, EventSinkRef) → StreamHandle
	callCancelWatch                        // watch_strategy.cancel, cancel_watch(h, usize)
)

// watchKind is what a kind's host adapter makes of its watch slot's answers.
type watchKind struct {
	cancel string // the slot that ends the watch
	errors shape  // error_json when the handle is 0
	event  shape  // each event
	// errName and eventName name the DTOs in the report.
	errName, eventName string
	// empty and undecodable are what the adapter reads for such an error_json.
	empty, undecodable string
	// badEvent is what the gateway does with an event the DTO does not decode.
	badEvent string
	// budget: the watch call is held to data_timeout_ms (watch_strategy, call_sync_vtable_bounded);
	// the other adapters await it with no timeout.
	budget bool
}

var (
	watchErrors = tagged("error", map[string]*objShape{
		"invalid_spec": obj(req("message", tStr)), "subscribe": obj(req("message", tStr))})
	watchEvent     = obj(opt("user_id", tOpt(tStr)), opt("session_id", tOpt(tStr)))
	storeEventWire = tagged("kind", map[string]*objShape{
		"put": obj(req("key", tStr), req("value", storeValueWire)), "delete": obj(req("key", tStr))})
	secretRotation = obj(req("new_value", secretValue), req("reason", tStr))
	configDelta    = obj(req("from_version", tStr), req("to_version", tStr), req("changed_paths", tArr(tStr)),
		req("snapshot", configSnap))
)

// What the adapters read for an empty or undecodable error_json: for secret and config exactly
// what the SDK's default watch answers, so the gateway cannot tell the two apart.
const (
	storeUndecodable  = `StoreError::Backend "native plugin '…' returned undecodable watch error"`
	secretUnsupported = `SecretError::UnsupportedScheme {scheme: "watch"}, the SDK's "watch not supported"`
	configUnsupported = `ConfigError::UnsupportedScheme {scheme: "watch"}, the SDK's "watch not supported"`
)

// watchKinds: the adapters are NativeWatchStrategyAdapter::watch, NativeStoreAdapter::watch,
// NativeSecretProviderAdapter::watch and NativeConfigProviderAdapter::watch (mcpg-plugin-host).
var watchKinds = map[string]*watchKind{
	"watch_strategy": {cancel: "cancel", errors: watchErrors, errName: "WatchError", event: watchEvent, eventName: "WatchEvent",
		empty: `WatchError::Subscribe "native watch plugin returned null handle"`, undecodable: "WatchError::Subscribe with the raw text",
		badEvent: "delivers an empty WatchEvent in its place, which notifies every subscriber of the URI", budget: true},
	"store": {cancel: "cancel_watch", errors: storeErrors, errName: "StoreError", event: storeEventWire, eventName: "StoreEventWire",
		empty: storeUndecodable, undecodable: storeUndecodable, badEvent: "skips it"},
	"secret_provider": {cancel: "cancel_watch", errors: withLookupErrors(nil), errName: "SecretError", event: secretRotation,
		eventName: "SecretRotationWire", empty: secretUnsupported, undecodable: secretUnsupported, badEvent: "skips it"},
	"config_provider": {cancel: "cancel_watch", errors: withLookupErrors(map[string]*objShape{"parse_error": obj(req("reason", tStr))}),
		errName: "ConfigError", event: configDelta, eventName: "ConfigDelta",
		empty: configUnsupported, undecodable: configUnsupported, badEvent: "skips it"},
}

// The default inputs (ours, as the gateway oracle sends them): the gateway watches the resource
// URIs of its watcher config, the secret URIs its config resolution expanded, and (in tests only)
// a store key and a config URI.
const (
	watchURI      = `"mcpg-test://resource"`
	watchSecret   = `"secret://test/key"`
	watchConfig   = `"file:///etc/mcpg/test.yaml"`
	watchStoreKey = `{"role":"session","key":"test"}`
	// What call_sync_vtable_bounded answers for watch_strategy.watch past data_timeout_ms.
	watchTimedOut = `{"handle":0,"error_json":"native watch plugin panicked or exceeded the host data timeout"}`
)

// watchSlot is the watch slot of store, secret_provider and config_provider: the install is
// awaited with no timeout by the gateway (the harness notes one past data_timeout_ms).
func watchSlot(param string, input inputKind) SlotSpec {
	return SlotSpec{Name: "watch", Call: callWatch, Param: param, Input: input, Class: classDirect}
}

// cancelWatchSlot runs from the stream's drop guard (StreamCancelGuard), with no budget.
var cancelWatchSlot = SlotSpec{Name: "cancel_watch", Call: callCancelWatch, Class: classDirect}

func init() {
	kindSpecs = append(kindSpecs, kindOf("watch_strategy",
		[]PlannedCall{call("kind", ""), call("watch", `{"uri":`+watchURI+`,"spec_json":{}}`), call("cancel", "")},
		nil,
		// kind is read while the adapter is built: empty makes the gateway refuse the plugin.
		SlotSpec{Name: "kind", Call: callToString, Class: classDirect, Refuses: true},
		SlotSpec{Name: "watch", Call: callWatchPair, Param: "uri", Param2: "spec_json", Input: inputNameJSON, Class: classData,
			TimedOut: watchTimedOut},
		// cancel: the watcher calls it once, directly, when its cancellation token fires.
		SlotSpec{Name: "cancel", Call: callCancelWatch, Class: classDirect},
	))
}
