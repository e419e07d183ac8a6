package native

// cluster's call plan (docs/native-kinds.md §8, §11.1): the gateway's clustered boot probe
// (node_info; the KV round trip when the manifest provides kv; a publish when it provides bus),
// list_peers, a subscription with a message published to it, the peer watch, both cancelled,
// then the reapers' leadership gate (try_acquire_leadership, renew, release, drop) and a lock.
// Portable: the parent resolves --calls against it; cluster_call.go makes the calls.

// Call shapes only cluster uses (slots.go and backend.go have the others).
const (
	callNodeInfo      callShape = iota + 400 // (h) → RString, a bare ClusterNodeInfo
	callClusterJSON                          // (h, RString args) → RString: publish and kv_*, with the probes' conditions
	callSubscribe                            // (h, RString args, EventSinkRef) → StreamHandle
	callWatchPeers                           // (h, EventSinkRef) → StreamHandle
	callClusterCancel                        // (h, usize stream)
	callAcquire                              // (h, RString args) → LeaseHandle; handle 0 is a failure
	callTryAcquire                           // (h, RString args) → LeaseHandle; handle 0 + "" is declined
	callLeaseString                          // (h, usize lease) → RString: lease_renew, lease_release
	callLeaseDrop                            // (h, usize lease)
)

// The names the gateway's boot probe uses (gateway src/app/cluster_state.rs
// probe_cluster_reachability, host NativeClusterAdapter::probe_kv_supported). A call that names
// them is the probe, made only when the manifest's provides has the role, as the gateway does.
const (
	kvProbeKey       = "__mcpg_kv_probe__"
	kvBootProbeKey   = "mcpg:cluster:boot-probe:" // the gateway appends a fresh uuid
	busBootProbe     = "mcpg.cluster.boot-probe"
	clusterTestTopic = "mcpg.test"
)

// The cluster DTOs (mcpg-cluster-api src/backend.rs, src/error.rs, src/key_value.rs).
var (
	clusterErrShape = tagged("kind", map[string]*objShape{
		"not_found": obj(req("key", tStr)), "cas_conflict": obj(req("key", tStr), req("reason", tStr)),
		"precondition": obj(req("reason", tStr)), "backend_unavailable": obj(req("reason", tStr)),
		"unsupported": obj(req("reason", tStr)), "not_leader": obj(req("role", tStr)), "lease_expired": obj(),
		"invalid_reference": obj(req("message", tStr)), "internal": obj(req("reason", tStr)),
		"timeout": obj(), "shutdown": obj()})
	peerHealthShape = tEnum("healthy", "degraded", "unreachable")
	nodeInfoShape   = obj(req("node_id", tStr), req("address", tStr), req("version", tStr), req("started_at", tStr),
		req("roles", tArr(tStr)))
	peerShape = obj(req("node_id", tStr), req("address", tStr), req("last_seen", tStr), req("health", peerHealthShape),
		req("roles", tArr(tStr)))
	peerEventShape = tagged("kind", map[string]*objShape{
		"joined": obj(req("peer", peerShape)), "left": obj(req("node_id", tStr)),
		"health_changed": obj(req("node_id", tStr), req("health", peerHealthShape))})
	publishedShape = obj(req("topic", tStr), req("routing_key", tOpt(tStr)), req("payload", tBytes), req("from_node", tStr))
	kvEntryShape   = obj(req("bytes", tArr(tU8)), opt("expires_at_unix_ms", tOpt(tU64)))
	kvListShape    = obj(req("key", tStr), req("entry", kvEntryShape))
)

// clusterTimedOut is what the host's KV and publish paths answer past data_timeout_ms.
func clusterTimedOut(slot string) string {
	return `{"err":{"kind":"backend_unavailable","reason":"native plugin '{id}' timed out or panicked during ` + slot + `"}}`
}

// kvCall is a kv_* slot: a data call whose answer decode_result_envelope reads.
func kvCall(name string, ok shape) SlotSpec {
	return SlotSpec{Name: name, Call: callClusterJSON, Param: "args_json", Input: inputJSON, Class: classData,
		Answer: envelope(ok, clusterErrShape), TimedOut: clusterTimedOut(name)}
}

// leaseCall is acquire_* / try_acquire_*: awaited on a blocking thread without a timeout.
func leaseCall(name string, shape callShape) SlotSpec {
	return SlotSpec{Name: name, Call: shape, Param: "args_json", Input: inputJSON, Class: classDirect}
}

const (
	kvBootKey = kvBootProbeKey + "test"
	leaseRole = `{"role":"mcpg.test","ttl_ms":30000}`
	lockKey   = `{"key":"mcpg.test.lock","ttl_ms":30000}`
)

func init() {
	kindSpecs = append(kindSpecs, kindOf("cluster",
		[]PlannedCall{call("node_info", ""), call("list_peers", ""),
			// The KV boot probe (provides kv): the host's kv_get sentinel, then put, get, delete.
			call("kv_get", `{"key":"`+kvProbeKey+`"}`),
			call("kv_put", `{"key":"`+kvBootKey+`","value":[49],"ttl_ms":30000}`),
			call("kv_get", `{"key":"`+kvBootKey+`"}`), call("kv_delete", `{"key":"`+kvBootKey+`"}`),
			// The rest of KeyValueStore, as the gateway's state stores use it (ours).
			call("kv_put_if_absent", `{"key":"mcpg:test:kv","value":[49],"ttl_ms":null}`),
			call("kv_list_prefix", `{"prefix":"mcpg:","limit":10}`),
			call("kv_expire", `{"key":"mcpg:test:kv","ttl_ms":1000}`),
			// The bus boot probe (provides bus).
			call("publish", `{"topic":"`+busBootProbe+`","routing_key":null,"payload":[49]}`),
			// A subscription, a message published to it (ours), the peer watch; cancelled in that order.
			call("subscribe", `{"topic":"`+clusterTestTopic+`","group":null,"routing_key":null}`),
			call("publish", `{"topic":"`+clusterTestTopic+`","routing_key":null,"payload":[49]}`),
			call("watch_peers", ""), call("cancel_stream", ""), call("cancel_stream", ""),
			// The reapers' leadership gate, then a lock; each lease dropped exactly once.
			call("try_acquire_leadership", leaseRole), call("lease_renew", ""), call("lease_release", ""),
			call("lease_drop", ""),
			call("acquire_lock", lockKey), call("lease_release", ""), call("lease_drop", "")},
		nil,
		// node_info and list_peers: bare JSON under control_timeout_ms; the host falls back to a
		// node_id of "error:<id>" / "malformed:<id>" and to an empty peer list.
		SlotSpec{Name: "node_info", Call: callNodeInfo, Class: classControl,
			TimedOut: `{"node_id":"error:{id}","address":"","version":"","started_at":"","roles":[]}`},
		SlotSpec{Name: "list_peers", Call: callToString, Class: classControl, Answer: tArr(peerShape),
			Lenient: "an empty peer list", TimedOut: `[]`},
		SlotSpec{Name: "publish", Call: callClusterJSON, Param: "args_json", Input: inputJSON, Class: classData,
			Answer: envelope(tNull, clusterErrShape), TimedOut: clusterTimedOut("publish")},
		// The installs, acquires and lease calls run on a blocking thread the gateway awaits
		// without a timeout; cancel_stream and lease_drop run from drop guards.
		SlotSpec{Name: "subscribe", Call: callSubscribe, Param: "args_json", Input: inputJSON, Class: classDirect},
		SlotSpec{Name: "watch_peers", Call: callWatchPeers, Class: classDirect},
		SlotSpec{Name: "cancel_stream", Call: callClusterCancel, Class: classDirect},
		leaseCall("acquire_leadership", callAcquire),
		leaseCall("acquire_lock", callAcquire),
		leaseCall("try_acquire_leadership", callTryAcquire),
		leaseCall("try_acquire_lock", callTryAcquire),
		// lease_renew: the host's untagged {ok: String} | {err}; lease_release: decode_result_envelope.
		SlotSpec{Name: "lease_renew", Call: callLeaseString, Class: classDirect, Answer: untagged(tStr, clusterErrShape)},
		SlotSpec{Name: "lease_release", Call: callLeaseString, Class: classDirect, Answer: envelope(tNull, clusterErrShape)},
		SlotSpec{Name: "lease_drop", Call: callLeaseDrop, Class: classDirect},
		kvCall("kv_get", tOpt(kvEntryShape)),
		kvCall("kv_put", tNull),
		kvCall("kv_put_if_absent", tBool),
		kvCall("kv_delete", tBool),
		kvCall("kv_list_prefix", tArr(kvListShape)),
		kvCall("kv_expire", tBool),
	))
}
