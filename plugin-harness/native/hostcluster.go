//go:build (linux || darwin) && (amd64 || arm64)

package native

// The cluster host slot and the fake coordinator behind it (docs/native-kinds.md §8, §10, §11.3).
// The gateway answers RSome(ClusterClientRef) — the loaded cluster plugin's handle and its whole
// ClusterVTable — only to identity_provider and policy_engine; every other kind gets RNone. With
// --host-services "cluster" the harness hands those two kinds a coordinator of its own: 23 purego
// callbacks made once per process (purego allows 2000, never freed), whose handle is an integer.
// The 13 slots the SDK's ClusterClient uses answer from the canned block; kv_* answer too (the
// consumer holds the real vtable); make, manifest_json, shutdown and drop_instance — the
// gateway's business alone — are violations. Every call is recorded like a host call.

import (
	"encoding/json"
	"fmt"
	"runtime"
	"sync"

	"github.com/ebitengine/purego"
)

// clusterHandle is the fake coordinator's instance handle (ours): a plain number.
const clusterHandle = 0xC1A5

// streamHandle is StreamHandle (72 bytes) and leaseHandle LeaseHandle (80 bytes), returned
// through sret by purego's callback glue (docs/native-kinds.md §1).
type streamHandle struct {
	handle       uintptr
	errorJSON    rstring
	metadataJSON rstring
}

type leaseHandle struct {
	handle       uintptr
	errorJSON    rstring
	fencingToken uint64
	expiresAt    rstring
}

// The consumer's sink callback(ctx, event: RString), which the coordinator's forwarder calls.
var ()

// coordStream is one subscribe / watch_peers stream the coordinator opened.
type coordStream struct {
	slot      string
	token     uintptr
	cancelled bool
	stop      chan struct{} // closed by cancel_stream
	done      chan struct{} // closed when the forwarder delivered its events and stopped
	tid       int64         // the forwarder's thread
}

type coordLease struct {
	slot              string
	released, dropped bool
}

// coordinator is the fake coordinator's state for the bridge in use (reset by each make).
type coordinator struct {
	mu        sync.Mutex
	next      uintptr
	streams   map[uintptr]*coordStream
	leases    map[uintptr]*coordLease
	leaseList []uintptr
	// streamList keeps the streams in opening order for the leftovers check.
	streamList []uintptr
}

// purego callbacks in the whole worker, each made once: the 18 host services (host.go), these
// 23, the event sink, the bytes sink and the transport dispatcher — 44 of purego's 2000.
var (
	coord         coordinator
	clusterSlots  [23]uintptr
	makeClusterFn sync.Once
)

// clusterRef returns the ClusterClientRef's 24 words: the handle, then the 23 slots.
func (h *host) clusterRef() [24]uintptr {
	makeClusterFn.Do(func() {
		for i, fn := range []any{
			h.coordMake, h.coordManifest, h.coordNodeInfo, h.coordListPeers, h.coordPublish, h.coordSubscribe,
			h.coordWatchPeers, h.coordCancelStream, h.coordAcquireLeadership, h.coordAcquireLock,
			h.coordTryAcquireLeadership, h.coordTryAcquireLock, h.coordLeaseRenew, h.coordLeaseRelease,
			h.coordLeaseDrop, h.coordKVGet, h.coordKVPut, h.coordKVPutIfAbsent, h.coordKVDelete,
			h.coordKVListPrefix, h.coordKVExpire, h.coordShutdown, h.coordDrop,
		} {
			clusterSlots[i] = purego.NewCallback(fn)
		}
	})
	var ref [24]uintptr
	ref[0] = clusterHandle
	copy(ref[1:], clusterSlots[:])
	return ref
}

// clusterKinds are the kinds the gateway builds its bridge with the coordinator's reference for
// (mcpg src/app/plugin_registry/entities.rs).
var clusterKinds = map[string]bool{"identity_provider": true, "policy_engine": true}

// cluster answers the cluster host slot: RSome of the fake coordinator for the two kinds the
// gateway hands one when --host-services has a "cluster" block, RNone otherwise.
func (h *host) cluster(ctx uintptr) optionClusterRef {
	if h.answers == nil || h.answers.Cluster == nil || !clusterKinds[h.kind] {
		answer := "none"
		if h.answers != nil && h.answers.Cluster != nil {
			answer = fmt.Sprintf("none (the gateway hands a coordinator only to identity_provider and policy_engine, not %s)", h.kind)
		}
		h.record(HostCall{Slot: "cluster", Answer: answer})
		return optionClusterRef{tag: optionNone}
	}
	h.record(HostCall{Slot: "cluster", Answer: fmt.Sprintf("some (the harness's coordinator, handle %d)", clusterHandle), Canned: true})
	return optionClusterRef{tag: optionSome, ref: h.clusterRef()}
}

// resetCoordinator starts the coordinator's bookkeeping for a new bridge.
func (h *host) resetCoordinator() {
	coord.mu.Lock()
	coord.streams, coord.leases, coord.leaseList, coord.streamList = map[uintptr]*coordStream{}, map[uintptr]*coordLease{}, nil, nil
	coord.mu.Unlock()
}

// canned returns the cluster block with its defaults (never nil while the coordinator is handed out).
func (h *host) clusterAnswers() *ClusterAnswers {
	if h.answers == nil || h.answers.Cluster == nil {
		return (&ClusterAnswers{}).withDefaults()
	}
	return h.answers.Cluster.withDefaults()
}

// coordCall records one call into the coordinator.
func (h *host) coordCall(slot string, args map[string]string, answer string) {
	h.record(HostCall{Slot: "cluster." + slot, Args: args, Answer: answer, Canned: true})
}

// checkHandle notes a call whose handle is not the coordinator's.
func (h *host) checkHandle(slot string, got uintptr) {
	if got != clusterHandle {
		h.violate(fmt.Sprintf("the consumer called the coordinator's %s with handle %d, not the handle ClusterClientRef carried (%d)",
			slot, got, clusterHandle))
	}
}

// forbidden is a coordinator slot a consumer must never call.
func (h *host) forbidden(slot string) {
	h.coordCall(slot, nil, "")
	h.violate(fmt.Sprintf("a consumer called the coordinator's %s: the gateway hands out the cluster plugin's own instance, "+
		"which only the gateway makes, shuts down and drops (docs/native-kinds.md §10)", slot))
}

func (h *host) coordMake() uintptr { // make(HostHandleRef, RString, RString): the arguments are not read
	h.forbidden("make")
	return 0
}

func (h *host) coordManifest(hd uintptr) rstring {
	h.forbidden("manifest_json")
	return h.give("")
}

func (h *host) coordShutdown(hd uintptr) { h.forbidden("shutdown") }
func (h *host) coordDrop(hd uintptr)     { h.forbidden("drop_instance") }

func (h *host) coordNodeInfo(hd uintptr) rstring {
	h.checkHandle("node_info", hd)
	a := string(h.clusterAnswers().NodeInfo)
	h.coordCall("node_info", nil, a)
	return h.give(a)
}

func (h *host) coordListPeers(hd uintptr) rstring {
	h.checkHandle("list_peers", hd)
	a := string(h.clusterAnswers().Peers)
	h.coordCall("list_peers", nil, a)
	return h.give(a)
}

func (h *host) coordPublish(hd uintptr, args rstring) rstring {
	h.checkHandle("publish", hd)
	in := takeArg(args)
	a := string(h.clusterAnswers().Publish)
	h.coordCall("publish", map[string]string{"args_json": in}, a)
	return h.give(a)
}

func (h *host) kvCall(slot string, hd uintptr, args rstring) rstring {
	h.checkHandle(slot, hd)
	in := takeArg(args)
	a := h.clusterAnswers().kv(slot)
	h.coordCall(slot, map[string]string{"args_json": in}, a)
	return h.give(a)
}

func (h *host) coordKVGet(hd uintptr, a rstring) rstring { return h.kvCall("kv_get", hd, a) }
func (h *host) coordKVPut(hd uintptr, a rstring) rstring { return h.kvCall("kv_put", hd, a) }
func (h *host) coordKVPutIfAbsent(hd uintptr, a rstring) rstring {
	return h.kvCall("kv_put_if_absent", hd, a)
}
func (h *host) coordKVDelete(hd uintptr, a rstring) rstring { return h.kvCall("kv_delete", hd, a) }
func (h *host) coordKVListPrefix(hd uintptr, a rstring) rstring {
	return h.kvCall("kv_list_prefix", hd, a)
}
func (h *host) coordKVExpire(hd uintptr, a rstring) rstring { return h.kvCall("kv_expire", hd, a) }

// openStream answers subscribe / watch_peers: handle 0 with the canned ClusterError, or a new
// stream whose forwarder — a thread of the coordinator's own — delivers the canned events through
// the consumer's sink and then waits for cancel_stream.
func (h *host) openStream(slot string, sinkCtx, sinkFn uintptr, events []json.RawMessage, fail json.RawMessage, args map[string]string) streamHandle {
	if args == nil {
		args = map[string]string{}
	}
	args["sink_ctx"] = fmt.Sprint(sinkCtx)
	if fail != nil {
		h.coordCall(slot, args, "handle 0, error "+string(fail))
		return streamHandle{errorJSON: h.give(string(fail)), metadataJSON: h.give("")}
	}
	if sinkFn == 0 {
		h.violate(fmt.Sprintf("the consumer passed the coordinator's %s a sink with a null callback", slot))
	}
	coord.mu.Lock()
	coord.next++
	st := &coordStream{slot: slot, token: coord.next, stop: make(chan struct{}), done: make(chan struct{})}
	coord.streams[st.token] = st
	coord.streamList = append(coord.streamList, st.token)
	coord.mu.Unlock()
	h.coordCall(slot, args, fmt.Sprintf("stream %d, %d event(s) to deliver", st.token, len(events)))
	alloc := h.alloc
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the forwarder
		defer close(st.done)
		coord.mu.Lock()
		st.tid = int64(threadID())
		coord.mu.Unlock()
		h.hostThreads.Store(st.tid, true)
		defer h.hostThreads.Delete(st.tid)
		for _, ev := range events {
			select {
			case <-st.stop:
				return
			default:
			}
			if sinkFn == 0 {
				break
			}
			// Recorded as delivered first (from the coordinator's thread, not the plugin's).
			h.mu.Lock()
			h.calls = append(h.calls, HostCall{Slot: "cluster." + slot + " event", Args: map[string]string{"stream": fmt.Sprint(st.token)},
				Answer: string(ev), Canned: true})
			h.mu.Unlock()
			c := stringToVoidCall.prepare()
			c.scalar(0, sinkCtx)
			alloc.put(addrOf(c.aggregate(1)), string(ev))
			c.call(sinkFn)
			c.forget() // the consumer owns the event now
		}
		<-st.stop
	}()
	return streamHandle{handle: st.token, errorJSON: h.give(""), metadataJSON: h.give("")}
}

func (h *host) coordSubscribe(hd uintptr, args rstring, sinkCtx, sinkFn uintptr) streamHandle {
	h.checkHandle("subscribe", hd)
	a := h.clusterAnswers()
	return h.openStream("subscribe", sinkCtx, sinkFn, a.Messages, a.SubscribeError, map[string]string{"args_json": takeArg(args)})
}

func (h *host) coordWatchPeers(hd, sinkCtx, sinkFn uintptr) streamHandle {
	h.checkHandle("watch_peers", hd)
	a := h.clusterAnswers()
	return h.openStream("watch_peers", sinkCtx, sinkFn, a.PeerEvents, a.WatchPeersError, nil)
}

// coordCancelStream stops a stream and returns only once its forwarder is done: no event reaches
// the consumer after cancel_stream returned (the SDK frees the sink's box right then).
func (h *host) coordCancelStream(hd, token uintptr) {
	h.checkHandle("cancel_stream", hd)
	h.coordCall("cancel_stream", map[string]string{"token": fmt.Sprint(token)}, "")
	coord.mu.Lock()
	st := coord.streams[token]
	var again bool
	if st != nil {
		again = st.cancelled
		st.cancelled = true
	}
	coord.mu.Unlock()
	switch {
	case st == nil:
		h.violate(fmt.Sprintf("the consumer cancelled stream %d, which the coordinator never opened", token))
		return
	case again:
		h.violate(fmt.Sprintf("the consumer cancelled the coordinator's %s stream %d twice: the coordinator freed it at the first cancel", st.slot, token))
		return
	}
	close(st.stop)
	coord.mu.Lock()
	own := st.tid != 0 && st.tid == int64(threadID())
	coord.mu.Unlock()
	if !own { // cancelled from inside its own sink: the forwarder stops once the callback returns
		<-st.done
	}
}

// acquire answers one acquire slot from the canned block.
func (h *host) acquire(slot string, hd uintptr, args rstring) leaseHandle {
	h.checkHandle(slot, hd)
	in := map[string]string{"args_json": takeArg(args)}
	l := h.clusterAnswers().lease(slot)
	switch {
	case l.Declined:
		h.coordCall(slot, in, "declined (handle 0, empty error)")
		return leaseHandle{errorJSON: h.give(""), expiresAt: h.give("")}
	case l.Error != nil:
		h.coordCall(slot, in, "handle 0, error "+string(l.Error))
		return leaseHandle{errorJSON: h.give(string(l.Error)), expiresAt: h.give("")}
	}
	coord.mu.Lock()
	coord.next++
	id := coord.next
	coord.leases[id] = &coordLease{slot: slot}
	coord.leaseList = append(coord.leaseList, id)
	coord.mu.Unlock()
	h.coordCall(slot, in, fmt.Sprintf("lease %d, fencing_token %d, expires_at %s", id, l.FencingToken, l.ExpiresAt))
	return leaseHandle{handle: id, errorJSON: h.give(""), fencingToken: l.FencingToken, expiresAt: h.give(l.ExpiresAt)}
}

func (h *host) coordAcquireLeadership(hd uintptr, a rstring) leaseHandle {
	return h.acquire("acquire_leadership", hd, a)
}
func (h *host) coordAcquireLock(hd uintptr, a rstring) leaseHandle {
	return h.acquire("acquire_lock", hd, a)
}
func (h *host) coordTryAcquireLeadership(hd uintptr, a rstring) leaseHandle {
	return h.acquire("try_acquire_leadership", hd, a)
}
func (h *host) coordTryAcquireLock(hd uintptr, a rstring) leaseHandle {
	return h.acquire("try_acquire_lock", hd, a)
}

// lease returns the lease a renew/release/drop names, noting a use of one never handed out or
// already dropped (the coordinator freed it: a use-after-free in a real one).
func (h *host) lease(slot string, id uintptr) *coordLease {
	coord.mu.Lock()
	l := coord.leases[id]
	coord.mu.Unlock()
	switch {
	case l == nil:
		h.violate(fmt.Sprintf("the consumer called the coordinator's %s on lease %d, which it never handed out", slot, id))
	case l.dropped:
		h.violate(fmt.Sprintf("the consumer called the coordinator's %s on lease %d after lease_drop: the coordinator freed it then", slot, id))
	default:
		return l
	}
	return nil
}

func (h *host) coordLeaseRenew(hd, id uintptr) rstring {
	h.checkHandle("lease_renew", hd)
	a := string(h.clusterAnswers().LeaseRenew)
	if l := h.lease("lease_renew", id); l != nil && l.released {
		a = `{"err":{"kind":"lease_expired"}}` // a released lease is gone, as on a real coordinator
	}
	h.coordCall("lease_renew", map[string]string{"lease": fmt.Sprint(id)}, a)
	return h.give(a)
}

func (h *host) coordLeaseRelease(hd, id uintptr) rstring {
	h.checkHandle("lease_release", hd)
	a := string(h.clusterAnswers().LeaseRelease)
	if l := h.lease("lease_release", id); l != nil {
		coord.mu.Lock()
		l.released = true
		coord.mu.Unlock()
	}
	h.coordCall("lease_release", map[string]string{"lease": fmt.Sprint(id)}, a)
	return h.give(a)
}

func (h *host) coordLeaseDrop(hd, id uintptr) {
	h.checkHandle("lease_drop", hd)
	h.coordCall("lease_drop", map[string]string{"lease": fmt.Sprint(id)}, "")
	coord.mu.Lock()
	l := coord.leases[id]
	twice := l != nil && l.dropped
	if l != nil {
		l.dropped = true
	}
	coord.mu.Unlock()
	switch {
	case l == nil:
		h.violate(fmt.Sprintf("the consumer dropped lease %d, which the coordinator never handed out", id))
	case twice:
		h.violate(fmt.Sprintf("the consumer dropped the coordinator's lease %d twice (a double free in a real coordinator)", id))
	}
}

// clusterLeftovers is drop_instance's check of the coordinator: leases the consumer never
// dropped and streams it never cancelled (the SDK's guards do both when they drop).
func (h *host) clusterLeftovers() []string {
	coord.mu.Lock()
	defer coord.mu.Unlock()
	var notes []string
	for _, id := range coord.leaseList {
		if l := coord.leases[id]; !l.dropped {
			notes = append(notes, fmt.Sprintf("the coordinator's lease %d (%s) was never dropped by the time drop_instance returned: "+
				"a real coordinator keeps it held until it expires", id, l.slot))
		}
	}
	for _, token := range coord.streamList {
		if st := coord.streams[token]; !st.cancelled {
			notes = append(notes, fmt.Sprintf("the coordinator's %s stream %d was never cancelled by the time drop_instance returned: "+
				"a real coordinator would go on calling a sink the plugin has freed", st.slot, token))
		}
	}
	return notes
}
