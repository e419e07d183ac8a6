//go:build (linux || darwin) && (amd64 || arm64)

package native

// The C signatures of the calls the harness makes (docs/native-abi.md §2.4), described once for
// every calling convention; conv (call_<arch>.go) places them.

// Sizes in words of the by-value structs these signatures carry (docs/native-abi.md §2).
const (
	wordsRString       = 4
	wordsHostHandleRef = 19 // ctx, then the 18 host-service slots
	wordsOptionRStr    = 3  // ROption<RStr>: tag word, then ptr and len
)

var (
	sigRegister = signature{sret: sizeRegistration / 8}
	// make(host: HostHandleRef, config_json: RString, inner_name: RString) → handle
	sigMake = signature{params: []param{aggregate(wordsHostHandleRef), aggregate(wordsRString), aggregate(wordsRString)}}
	// manifest_json(h) → RString
	sigManifest = signature{sret: wordsRString, params: []param{scalar}}
	// evaluate_pre_dispatch(h, ctx, arguments_json: RStr, meta_json: ROption<RStr>, config_json: RStr) → RGateDecision
	sigEvaluatePre = signature{sret: sizeGate / 8, params: []param{scalar, aggregate(ctxWords), pair, aggregate(wordsOptionRStr), pair}}
	// evaluate_post_dispatch(h, ctx, arguments_json: RStr, result_json: RStr, execution_duration_ms: u64, config_json: RStr) → RGateDecision
	sigEvaluatePost = signature{sret: sizeGate / 8, params: []param{scalar, aggregate(ctxWords), pair, pair, scalar, pair}}
	// transform_arguments / transform_result(h, ctx, json: RStr, config_json: RStr) → RTransformResult
	sigTransform = signature{sret: sizeTransform / 8, params: []param{scalar, aggregate(ctxWords), pair, pair}}
	// resolve_identity(h, headers_json: RStr, metadata_json: RStr, config_json: RStr) → RIdentityResolution
	sigResolveIdentity = signature{sret: sizeResolution / 8, params: []param{scalar, pair, pair, pair}}

	// The JSON-over-RString kinds (docs/native-kinds.md; callShape in plans.go):
	// emit, get, put, evaluate, notify, issue, …(h, args_json: RString) → RString
	sigStringToString = signature{sret: wordsRString, params: []param{scalar, aggregate(wordsRString)}}
	// metrics_sink.emit, telemetry_sink.span_started/…, cache.delete(h, json: RString)
	sigStringToVoid = signature{params: []param{scalar, aggregate(wordsRString)}}
	// log_sink.emit(h, record_json: RStr): borrowed, not owned
	sigBorrowToVoid = signature{params: []param{scalar, pair}}
	// flush(h, timeout_ms: u64) → RString
	sigU64ToString = signature{sret: wordsRString, params: []param{scalar, scalar}}
	// A handle-returning install with one string and a 16-byte callback ref: store/secret/config
	// watch(h, RString, EventSinkRef), cluster.subscribe(h, RString, EventSinkRef),
	// transport.start(h, RString, DispatcherCallbackRef) → StreamHandle (sret, 72 bytes)
	sigStringSinkToHandle = signature{sret: wordsStreamHandle, params: []param{scalar, aggregate(wordsRString), pair}}
	// name, policy_version, supported_*_json, render_text_exposition, list_catalog, kind(h) → RString
	// are manifest_json's signature; cache.serves_any_namespace(h) → u8 is a one-word call.
)

// The layouts of this build's convention, made once.
var (
	registerCall        = conv.place(sigRegister)
	makeCall            = conv.place(sigMake)
	manifestCall        = conv.place(sigManifest)
	evaluatePreCall     = conv.place(sigEvaluatePre)
	evaluatePostCall    = conv.place(sigEvaluatePost)
	transformCall       = conv.place(sigTransform)
	resolveIdentityCall = conv.place(sigResolveIdentity)
	stringToStringCall  = conv.place(sigStringToString)
	stringToVoidCall    = conv.place(sigStringToVoid)
	borrowToVoidCall    = conv.place(sigBorrowToVoid)
	u64ToStringCall     = conv.place(sigU64ToString)
	stringSinkCall      = conv.place(sigStringSinkToHandle)
)
