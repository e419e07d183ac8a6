//go:build (linux || darwin) && (amd64 || arm64)

package native

// Making cluster's calls (cluster.go; docs/native-kinds.md §8, §11.1–§11.3). The host's native
// cluster adapter holds each stream behind a drop guard (cancel_stream, then the sink is freed)
// and each lease in a NativeLeaseHandle (renew*, release?, then lease_drop exactly once, from its
// Drop). The harness keeps the same books: open streams are cancelled oldest first, held leases
// are renewed, released and dropped newest first, and whatever a --calls plan leaves open is
// closed at plan end as those guards would.

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

const leaseRecordWords = 10 // LeaseHandle: handle, error_json, fencing_token, expires_at (80 bytes)

var (
	// subscribe(h, RString args_json, EventSinkRef sink) → StreamHandle is stringSinkCall (slots.go).
	// watch_peers(h, EventSinkRef sink) → StreamHandle
	sigClusterWatchPeers = signature{sret: wordsStreamHandle, params: []param{scalar, pair}}
	// acquire_leadership, acquire_lock, try_acquire_*(h, RString args_json) → LeaseHandle
	sigLeaseAcquire = signature{sret: leaseRecordWords, params: []param{scalar, aggregate(wordsRString)}}

	clusterWatchPeersCall = conv.place(sigClusterWatchPeers)
	leaseAcquireCall      = conv.place(sigLeaseAcquire)
)

// clusterState is what the cluster driver keeps across calls (instance.kindState).
type clusterState struct {
	provides    []string // the manifest's provides, read once
	readRoles   bool
	noKV        bool            // the KV probe answered unsupported: the gateway has no key_value_store()
	put         map[string]bool // keys a kv_put answered ok for
	streams     []*clusterStream
	leases      []*clusterLease
	closeAtLast bool // onPlanEnd registered
}

type clusterStream struct {
	slot   string
	token  uintptr
	sink   *sinkState
	opened time.Time
	event  shape
	dto    string // the event's DTO, for the report
}

type clusterLease struct {
	slot    string
	handle  uintptr
	fencing uint64
}

func init() {
	kindCalls[callNodeInfo] = (*instance).clusterNodeInfo
	kindCalls[callClusterJSON] = (*instance).clusterJSON
	kindCalls[callSubscribe] = (*instance).clusterOpen
	kindCalls[callWatchPeers] = (*instance).clusterOpen
	kindCalls[callClusterCancel] = (*instance).clusterCancel
	kindCalls[callAcquire] = (*instance).clusterAcquire
	kindCalls[callTryAcquire] = (*instance).clusterAcquire
	kindCalls[callLeaseString] = (*instance).clusterLeaseString
	kindCalls[callLeaseDrop] = (*instance).clusterLeaseDrop
}

func (i *instance) cluster() *clusterState {
	st, ok := i.kindState.(*clusterState)
	if !ok {
		st = &clusterState{put: map[string]bool{}}
		i.kindState = st
	}
	if !st.closeAtLast {
		st.closeAtLast = true
		i.onPlanEnd(i.clusterClose)
	}
	return st
}

// clusterClose ends what the plan left open, as the host's guards would when the gateway drops
// them: every stream's cancel_stream, then every held lease's lease_drop (exactly once each).
func (i *instance) clusterClose(p *Plan, ev Events) {
	st := i.cluster()
	if s := i.spec.Slot("cancel_stream"); s != nil {
		for len(st.streams) > 0 {
			i.repeat(p, ev, s.Name, i.planned(s, nil))
		}
	}
	if s := i.spec.Slot("lease_drop"); s != nil {
		for len(st.leases) > 0 {
			i.repeat(p, ev, s.Name, i.planned(s, nil))
		}
	}
}

// roles returns the manifest's provides. The gateway keeps the manifest it read at construction;
// the harness reads manifest_json once more for it (a getter: the host may call it any time).
func (i *instance) roles() []string {
	st := i.cluster()
	if st.readRoles {
		return st.provides
	}
	st.readRoles = true
	mc := manifestCall.prepare()
	mc.scalar(0, i.handle)
	mc.call(i.slot(slotManifest))
	text, _ := readString(addrOf(mc.sret))
	drop(addrOf(mc.sret))
	var m struct {
		Provides []string `json:"provides"`
	}
	_ = json.Unmarshal([]byte(text), &m)
	st.provides = m.Provides
	return st.provides
}

// clusterNodeInfo reads node_info's bare ClusterNodeInfo. The host reads anything else as a node
// with id "malformed:<id>"; the boot probe refuses an empty node_id.
func (i *instance) clusterNodeInfo(s *SlotSpec, fn uintptr, _ json.RawMessage) outcome {
	c := manifestCall.prepare()
	c.scalar(0, i.handle)
	c.call(fn)
	o := i.answer(s, addrOf(c.sret))
	text, ok := o.value.(json.RawMessage)
	if !ok || len(o.violations) > 0 || o.panicked {
		if str, isText := o.value.(string); isText && str != "" {
			o.violations = append(o.violations, fmt.Sprintf("%s.%s answered %s, which is not JSON: the host reads a node with id "+
				"\"malformed:%s\" in its place", i.kind, s.Name, clip(str), i.id))
		}
		return o
	}
	if problem := checkJSON(string(text), nodeInfoShape); problem != "" {
		o.violations = append(o.violations, fmt.Sprintf("%s.%s answered %s, which is not a ClusterNodeInfo (%s): the host reads a node "+
			"with id \"malformed:%s\" in its place", i.kind, s.Name, clip(string(text)), problem, i.id))
		return o
	}
	var info struct {
		NodeID string `json:"node_id"`
	}
	_ = json.Unmarshal(text, &info)
	if info.NodeID == "" {
		o.violations = append(o.violations, fmt.Sprintf("%s.%s answered an empty node_id: the gateway's clustered boot probe "+
			"refuses to start (probe_cluster_reachability; only cluster.allow_degraded_boot lets it boot, de-clustered)", i.kind, s.Name))
	}
	return o
}

// clusterJSON makes publish and the kv_* calls, (h, RString args) → RString, with what the
// gateway's boot probe makes of their answers. The probes are made only when the manifest
// provides the role; the KV slots only when it provides kv and the probe found a KV (the host
// reaches them only through key_value_store()).
func (i *instance) clusterJSON(s *SlotSpec, fn uintptr, input json.RawMessage) outcome {
	var args struct {
		Key   *string `json:"key"`
		Topic *string `json:"topic"`
	}
	_ = json.Unmarshal(input, &args)
	key, topic := "", ""
	if args.Key != nil {
		key = *args.Key
	}
	if args.Topic != nil {
		topic = *args.Topic
	}
	st := i.cluster()
	isKV := strings.HasPrefix(s.Name, "kv_")
	switch {
	case isKV && !slices.Contains(i.roles(), "kv"):
		return outcome{value: "not called: the manifest does not provide kv (the gateway calls the kv slots only then)"}
	case isKV && st.noKV:
		return outcome{value: "not called: the KV probe answered unsupported, so the gateway has no KV to call"}
	case s.Name == "publish" && topic == busBootProbe && !slices.Contains(i.roles(), "bus"):
		return outcome{value: "not called: the manifest does not provide bus (the gateway's boot probe publishes only then)"}
	}
	c := stringToStringCall.prepare()
	c.scalar(0, i.handle)
	i.lib.alloc.put(addrOf(c.aggregate(1)), s.argText(input))
	c.call(fn)
	c.forget()
	text, _ := readString(addrOf(c.sret)) // as sent: the later of ok and err wins, in the text's order
	o := i.answer(s, addrOf(c.sret))
	raw, ok := o.value.(json.RawMessage)
	if !ok || len(o.violations) > 0 || o.panicked {
		return o
	}
	var env struct {
		Ok  json.RawMessage `json:"ok"`
		Err *struct {
			Kind string `json:"kind"`
		} `json:"err"`
	}
	_ = json.Unmarshal(raw, &env)
	isErr := env.Err != nil && lastKey(json.RawMessage(text)) == "err"
	boot := strings.HasPrefix(key, kvBootProbeKey)
	refuse := "the gateway's clustered boot probe refuses to start (unless cluster.allow_degraded_boot)"
	switch {
	case s.Name == "kv_get" && key == kvProbeKey && isErr && env.Err.Kind == "unsupported":
		st.noKV = true
		o.violations = append(o.violations, fmt.Sprintf("%s.kv_get answered unsupported to the host's KV probe while the manifest "+
			"provides kv: key_value_store() is then None and %s", i.kind, refuse))
	case s.Name == "kv_put" && isErr && boot:
		o.violations = append(o.violations, fmt.Sprintf("%s.kv_put refused the boot probe's key: %s", i.kind, refuse))
	case s.Name == "kv_put" && !isErr:
		st.put[key] = true
	case s.Name == "kv_get" && isErr && boot:
		o.violations = append(o.violations, fmt.Sprintf("%s.kv_get refused the boot probe's key: %s", i.kind, refuse))
	case s.Name == "kv_get" && !isErr && st.put[key] && (len(env.Ok) == 0 || string(env.Ok) == "null"):
		note := fmt.Sprintf("%s.kv_get answered no value for %q right after kv_put stored it", i.kind, key)
		if boot {
			o.violations = append(o.violations, note+": "+refuse)
		} else {
			o.warnings = append(o.warnings, note)
		}
	case s.Name == "kv_delete" && !isErr:
		delete(st.put, key)
	case s.Name == "publish" && isErr && topic == busBootProbe:
		o.violations = append(o.violations, fmt.Sprintf("%s.publish refused the bus boot probe: %s", i.kind, refuse))
	}
	return o
}

// lastKey is the last of "ok" and "err" in an envelope object: decode_result_envelope lets the
// later one win.
func lastKey(raw json.RawMessage) string {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	last := ""
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return last
		}
		if k, _ := t.(string); k == "ok" || k == "err" {
			last = k
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return last
		}
	}
	return last
}

// clusterOpen makes subscribe or watch_peers: the StreamHandle's strings are dropped in every
// branch; handle 0 frees the sink at once (no callback may follow), else the stream is kept open
// until its cancel_stream.
func (i *instance) clusterOpen(s *SlotSpec, fn uintptr, input json.RawMessage) outcome {
	st := i.cluster()
	ctx, cb, sink := newSink(s.Name)
	var c cCall
	if s.Call == callSubscribe {
		c = stringSinkCall.prepare()
		c.scalar(0, i.handle)
		i.lib.alloc.put(addrOf(c.aggregate(1)), s.argText(input))
		c.pair(2, ctx, cb)
	} else {
		c = clusterWatchPeersCall.prepare()
		c.scalar(0, i.handle)
		c.pair(1, ctx, cb)
	}
	c.call(fn)
	c.forget()
	handle := c.sret[0]
	texts, violations := i.takeStrings(s.Name, "StreamHandle", c.sret, 1, 5)
	errText, metaText := texts[0], texts[1]
	o := outcome{violations: violations}
	value := map[string]any{"handle": handleText(handle)}
	o.value = value
	if handle == 0 {
		if errText != "" {
			value["error_json"] = jsonOrText(errText)
		}
		o.violations = append(o.violations, i.closed(sink, s.Name+" returned handle 0")...)
		problem := checkJSON(errText, clusterErrShape)
		switch {
		case errText == "":
			o.violations = append(o.violations, fmt.Sprintf("%s.%s returned handle 0 with an empty error_json: the protocol puts the "+
				"error there (%s)", i.kind, s.Name, clusterRefusal(s.Name)))
		case problem != "" && s.Call == callWatchPeers:
			// The host logs a refused watch_peers' error_json as text without decoding it.
			o.warnings = append(o.warnings, fmt.Sprintf("%s.watch_peers returned handle 0 with error_json %q, which is not a ClusterError (%s): "+
				"the host only logs it", i.kind, clip(errText), problem))
		case problem != "":
			o.violations = append(o.violations, fmt.Sprintf("%s.%s returned handle 0 with error_json %q, which is not a ClusterError (%s): %s",
				i.kind, s.Name, clip(errText), problem, clusterRefusal(s.Name)))
		case strings.Contains(errText, "plugin panicked"):
			o.panicked = true // the SDK's catch: ClusterError::Internal "plugin panicked during …"
		}
		if events, _ := sink.snapshot(); len(events) > 0 {
			value["events"] = decodeEvents(events)
		}
		return o
	}
	if errText != "" {
		o.warnings = append(o.warnings, fmt.Sprintf("%s.%s returned handle %v with error_json %q: the host ignores it",
			i.kind, s.Name, handleText(handle), clip(errText)))
	}
	if metaText != "" {
		o.warnings = append(o.warnings, fmt.Sprintf("%s.%s returned metadata_json %s: the host ignores it", i.kind, s.Name, clip(metaText)))
	}
	if uint64(handle) != math.MaxUint64 {
		for _, open := range st.streams {
			if open.token == handle {
				// Each host stream guard cancels its own token: the plugin would see cancel_stream twice.
				o.violations = append(o.violations, fmt.Sprintf("%s.%s returned the handle of the %s stream still open: the host "+
					"cancels each stream it holds, so that token would be cancelled twice", i.kind, s.Name, open.slot))
			}
		}
	}
	cs := &clusterStream{slot: s.Name, token: handle, sink: sink, opened: time.Now(), event: publishedShape, dto: "PublishedMessage"}
	if s.Call == callWatchPeers {
		cs.event, cs.dto = peerEventShape, "PeerEvent"
	}
	st.streams = append(st.streams, cs)
	return o
}

// clusterRefusal is what the host makes of a handle-0 StreamHandle it cannot decode.
func clusterRefusal(slot string) string {
	if slot == "watch_peers" {
		return "the host logs \"refused watch_peers\" and uses an empty peer stream (no peer events, ever)"
	}
	return "the host reports Internal \"returned undecodable " + slot + " error\""
}

// clusterCancel cancels the oldest open stream after listening to it for watchWait since
// it opened, and checks its events and that no callback runs when cancel_stream returned or after.
func (i *instance) clusterCancel(s *SlotSpec, fn uintptr, _ json.RawMessage) outcome {
	st := i.cluster()
	if len(st.streams) == 0 {
		return outcome{value: "no open stream: nothing to cancel"}
	}
	cs := st.streams[0]
	st.streams = st.streams[1:]
	if wait := watchWait - time.Since(cs.opened); wait > 0 {
		cs.sink.waitUntil(func(events []string) bool { return len(events) >= maxKeptEvents }, wait)
	}
	callWords(fn, i.handle, cs.token)
	o := outcome{violations: i.closed(cs.sink, s.Name+" returned")}
	events, total := cs.sink.snapshot()
	value := map[string]any{"stream": cs.slot, "token": handleText(cs.token), "events": decodeEvents(events)}
	if total > len(events) {
		value["events_not_kept"] = total - len(events)
	}
	if n := cs.sink.fromPlugin.Load(); n > 0 {
		value["callbacks_on_plugin_threads"] = n
	}
	for k, ev := range events {
		if problem := checkJSON(ev, cs.event); problem != "" {
			o.warnings = append(o.warnings, fmt.Sprintf("%s.%s sent event %d %s, which is not a %s (%s): the host skips it",
				i.kind, cs.slot, k+1, clip(ev), cs.dto, problem))
		}
	}
	o.value = value
	return o
}

// clusterAcquire makes acquire_* / try_acquire_* and decodes the LeaseHandle as
// acquire_lease_common / try_acquire_lease_common do; a held lease is kept for renew, release and
// its one lease_drop.
func (i *instance) clusterAcquire(s *SlotSpec, fn uintptr, input json.RawMessage) outcome {
	st := i.cluster()
	c := leaseAcquireCall.prepare()
	c.scalar(0, i.handle)
	i.lib.alloc.put(addrOf(c.aggregate(1)), s.argText(input))
	c.call(fn)
	c.forget()
	handle, fencing := c.sret[0], uint64(c.sret[5])
	texts, violations := i.takeStrings(s.Name, "LeaseHandle", c.sret, 1, 6)
	errText, expires := texts[0], texts[1]
	o := outcome{violations: violations}
	if handle != 0 {
		for _, held := range st.leases {
			if held.handle == handle {
				// Each NativeLeaseHandle drops its own: the plugin would see lease_drop twice (a double free).
				o.violations = append(o.violations, fmt.Sprintf("%s.%s returned the handle of the lease %s holds: the host drops "+
					"every lease handle it holds once, so that lease would be dropped twice", i.kind, s.Name, held.slot))
			}
		}
		st.leases = append(st.leases, &clusterLease{slot: s.Name, handle: handle, fencing: fencing})
		if errText != "" {
			o.warnings = append(o.warnings, fmt.Sprintf("%s.%s returned lease handle %v with error_json %q: the host ignores it",
				i.kind, s.Name, handleText(handle), clip(errText)))
		}
		o.value = map[string]any{"acquired": true, "fencing_token": fencing, "expires_at": expires}
		return o
	}
	value := map[string]any{"acquired": false}
	o.value = value
	try := s.Call == callTryAcquire
	if errText == "" {
		if try {
			value["declined"] = "a peer holds it (handle 0, empty error_json)"
			return o
		}
		o.violations = append(o.violations, fmt.Sprintf("%s.%s returned handle 0 with an empty error_json: only try_acquire_* may "+
			"decline; the host reports Internal \"returned undecodable acquire error\"", i.kind, s.Name))
		return o
	}
	value["error_json"] = jsonOrText(errText)
	switch problem := checkJSON(errText, clusterErrShape); {
	case problem != "":
		what := "acquire"
		if try {
			what = "try_acquire"
		}
		o.violations = append(o.violations, fmt.Sprintf("%s.%s returned handle 0 with error_json %q, which is not a ClusterError (%s): "+
			"the host reports Internal \"returned undecodable %s error\"", i.kind, s.Name, clip(errText), problem, what))
	case strings.Contains(errText, "plugin panicked"):
		o.panicked = true
	}
	return o
}

// clusterLeaseString makes lease_renew or lease_release for the newest held lease.
func (i *instance) clusterLeaseString(s *SlotSpec, fn uintptr, _ json.RawMessage) outcome {
	st := i.cluster()
	if len(st.leases) == 0 {
		return outcome{value: "no lease held: nothing to " + strings.TrimPrefix(s.Name, "lease_")}
	}
	l := st.leases[len(st.leases)-1]
	c := u64ToStringCall.prepare()
	c.scalar(0, i.handle)
	c.scalar(1, l.handle)
	c.call(fn)
	return i.answer(s, addrOf(c.sret))
}

// clusterLeaseDrop drops the newest held lease, once: NativeLeaseHandle's Drop, which runs after
// a release too. A dropped lease is forgotten, so no lease is ever dropped twice.
func (i *instance) clusterLeaseDrop(_ *SlotSpec, fn uintptr, _ json.RawMessage) outcome {
	st := i.cluster()
	if len(st.leases) == 0 {
		return outcome{value: "no lease held: nothing to drop"}
	}
	l := st.leases[len(st.leases)-1]
	st.leases = st.leases[:len(st.leases)-1]
	callWords(fn, i.handle, l.handle)
	return outcome{value: map[string]any{"lease": l.slot, "fencing_token": l.fencing}}
}
