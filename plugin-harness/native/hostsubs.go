//go:build (linux || darwin) && (amd64 || arm64)

package native

// Host-service subscriptions (docs/native-kinds.md §10, §11.3): subscribe_credential_revoked and
// subscribe_secret_rotation hand the host a plugin function (cb) and its context (cb_ctx); the
// harness keeps them per bridge — a bridge is one make, as in the gateway — and, when
// --host-services lists secret_rotation / credential_revoked events, fires each live subscription
// once the kind's calls are done, before shutdown. The gateway fires while holding the lock that
// unsubscribing takes (mcpg-plugin-host credential_cache.rs, mcpg backends/host.rs), so a
// host_unsubscribe from another thread waits for the fire in flight, and one from inside the
// callback (or a subscribe of the same kind) deadlocks the gateway: a violation here.

import (
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// The two subscription kinds, indexing host.fireMu and host.firing.
const (
	subRevoked = iota
	subRotation
)

var subNames = [2]string{"credential_revoked", "secret_rotation"}

// maxLiveSubs bounds the subscriptions one bridge keeps (a plugin subscribing on every call of a
// --repeat run); maxFires bounds the subscriptions one event is fired at.
const (
	maxLiveSubs = 4096
	maxFires    = 16
)

// subscription is one subscribe_* call that returned a non-zero id.
type subscription struct {
	id      uint64
	kind    int
	cb      uintptr
	cbCtx   uintptr
	removed bool
}

// The callbacks' C signatures (protocol abi.rs CredRevokedCallbackFfi, SecretRotationCallbackFfi;
// docs/native-kinds.md §2): the harness calls them through the trampoline.
var (
	// cb(cb_ctx: usize, plugin_id: RString, target: RString)
	sigRevokedCallback = signature{params: []param{scalar, aggregate(wordsRString), aggregate(wordsRString)}}
	// cb(cb_ctx: usize, secret_ref: RString, version: u64)
	sigRotationCallback = signature{params: []param{scalar, aggregate(wordsRString), scalar}}

	revokedCallbackCall  = conv.place(sigRevokedCallback)
	rotationCallbackCall = conv.place(sigRotationCallback)
)

// resetSubscriptions starts a new bridge's subscription registry (ids from 1 again).
func (h *host) resetSubscriptions() {
	h.mu.Lock()
	h.subs, h.nextSub, h.subsDropped = nil, 0, 0
	h.mu.Unlock()
}

// reentrant reports whether the calling thread is inside a fire of kind k: the gateway holds the
// broadcaster's lock there, which subscribing and unsubscribing take again.
func (h *host) reentrant(k int) bool {
	f := h.firing[k].Load()
	if f == 0 {
		return false
	}
	tid := threadID()
	return tid == 0 || int64(tid) == f // no thread ids (darwin): any call during the fire counts
}

// deadlock notes a subscription call made from inside a fire of the same kind.
func (h *host) deadlock(slot string, k int) {
	h.violate(fmt.Sprintf("%s was called from inside the %s callback: the gateway fires holding the lock %s takes, "+
		"so this deadlocks the gateway (docs/native-kinds.md §10)", slot, subNames[k], slot))
}

// violate notes a contract violation for the call in flight (the next Call reported).
func (h *host) violate(v string) {
	h.mu.Lock()
	h.violations = append(h.violations, v)
	h.mu.Unlock()
}

func (h *host) subscribe(slot string, k int, cb, cbCtx uintptr) uint64 {
	var id uint64
	if cb != 0 { // the gateway answers a null trampoline with 0, "no subscription"
		if h.reentrant(k) {
			h.deadlock(slot, k)
		} else {
			h.fireMu[k].Lock()
			defer h.fireMu[k].Unlock()
		}
		h.mu.Lock()
		h.nextSub++
		id = h.nextSub
		if len(h.subs) < maxLiveSubs {
			h.subs = append(h.subs, &subscription{id: id, kind: k, cb: cb, cbCtx: cbCtx})
		} else {
			h.subsDropped++
		}
		h.mu.Unlock()
	}
	h.record(HostCall{Slot: slot, Args: map[string]string{"cb_ctx": fmt.Sprint(cbCtx)}, Answer: fmt.Sprint(id)})
	return id
}

func (h *host) subscribeRevoked(ctx, cb, cbCtx uintptr) uint64 {
	return h.subscribe("subscribe_credential_revoked", subRevoked, cb, cbCtx)
}

func (h *host) subscribeRotation(ctx, cb, cbCtx uintptr) uint64 {
	return h.subscribe("subscribe_secret_rotation", subRotation, cb, cbCtx)
}

// unsubscribe is host_unsubscribe: 0 and unknown ids are no-ops, as in the gateway; removing one
// waits for a fire of it in flight on another thread, as the gateway's lock makes it wait.
func (h *host) unsubscribe(ctx uintptr, id uint64) {
	h.record(HostCall{Slot: "host_unsubscribe", Args: map[string]string{"sub_id": fmt.Sprint(id)}})
	h.mu.Lock()
	var sub *subscription
	for _, s := range h.subs {
		if s.id == id && !s.removed {
			sub = s
		}
	}
	h.mu.Unlock()
	if sub == nil {
		return
	}
	if h.reentrant(sub.kind) {
		h.deadlock("host_unsubscribe", sub.kind)
	} else {
		h.fireMu[sub.kind].Lock()
		defer h.fireMu[sub.kind].Unlock()
	}
	h.mu.Lock()
	sub.removed = true
	h.mu.Unlock()
}

// live returns the subscriptions of kind k not removed yet.
func (h *host) live(k int) []*subscription {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []*subscription
	for _, s := range h.subs {
		if !s.removed && (k < 0 || s.kind == k) {
			out = append(out, s)
		}
	}
	return out
}

// leftSubscribed is drop_instance's check: every subscription still live when it returned.
func (h *host) leftSubscribed() []string {
	var notes []string
	h.mu.Lock()
	untracked := h.subsDropped
	h.mu.Unlock()
	if untracked > 0 {
		notes = append(notes, fmt.Sprintf("%d subscriptions beyond the first %d were handed ids but not tracked (never fired, not checked here)",
			untracked, maxLiveSubs))
	}
	subs := h.live(-1)
	for n, s := range subs {
		if n == 4 {
			notes = append(notes, fmt.Sprintf("… and %d more subscriptions never unsubscribed", len(subs)-n))
			break
		}
		notes = append(notes, fmt.Sprintf("subscription %d (subscribe_%s, cb_ctx %d) was still live when drop_instance "+
			"returned: the plugin never called host_unsubscribe for it (the gateway drops it with the bridge; an SDK "+
			"plugin unsubscribes when the guard drops)", s.id, subNames[s.kind], s.cbCtx))
	}
	return notes
}

// hostEvents passes the run's events on, adding to each call what the host services noticed
// while it ran (violations of the subscription and coordinator contracts) and, to
// drop_instance, the subscriptions it left live.
type hostEvents struct {
	Events
	h *host
}

// wrap starts a run of p's kind: the host's answers depend on it (the cluster slot).
func (h *host) wrap(p *Plan, ev Events) Events {
	h.kind = p.Class
	h.mu.Lock()
	h.violations = nil
	h.mu.Unlock()
	return &hostEvents{Events: ev, h: h}
}

func (e *hostEvents) Call(c *Call) {
	e.h.mu.Lock()
	c.Violations = append(c.Violations, e.h.violations...)
	e.h.violations = nil
	e.h.mu.Unlock()
	if c.Slot == "drop_instance" && c.Purpose == "" {
		c.Warnings = append(c.Warnings, e.h.leftSubscribed()...)
		c.Warnings = append(c.Warnings, e.h.clusterLeftovers()...)
	}
	e.Events.Call(c)
}

// fireSubscriptions fires each --host-services event at every live subscription of its kind,
// in the order listed (rotations first), each a reported call of its own.
func (i *instance) fireSubscriptions(p *Plan, ev Events) {
	a := p.Answers
	if a == nil {
		return
	}
	for _, e := range a.Rotations {
		args := map[string]json.RawMessage{"secret_ref": mustRaw(e.SecretRef), "version": mustRaw(e.Version)}
		i.fire(ev, subRotation, e.Thread, args, func(c *cCall) {
			i.lib.alloc.put(addrOf(c.aggregate(1)), e.SecretRef)
			c.scalar(2, uintptr(e.Version))
		})
	}
	for _, e := range a.Revocations {
		args := map[string]json.RawMessage{"plugin_id": mustRaw(e.PluginID), "target": mustRaw(e.Target)}
		i.fire(ev, subRevoked, e.Thread, args, func(c *cCall) {
			i.lib.alloc.put(addrOf(c.aggregate(1)), e.PluginID)
			i.lib.alloc.put(addrOf(c.aggregate(2)), e.Target)
		})
	}
}

func mustRaw(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// fire calls every live subscription of kind k with one event; fill puts the event's arguments
// (RStrings built with the plugin's allocator: the plugin owns and drops them) into the frame.
func (i *instance) fire(ev Events, k int, thread string, args map[string]json.RawMessage, fill func(c *cCall)) {
	slot := "fire_" + subNames[k]
	if thread == "" {
		thread = "driver"
	}
	subs := theHost.live(k)
	if len(subs) == 0 {
		ev.Phase(slot)
		c := &Call{Slot: slot, Inputs: args, Output: json.RawMessage(`{"fired":0}`)}
		c.Warnings = append(c.Warnings, fmt.Sprintf("--host-services lists a %s event but the plugin holds no live "+
			"subscribe_%s subscription: nothing was fired", subNames[k], subNames[k]))
		c.HostCalls = theHost.take()
		ev.Call(c)
		return
	}
	layout := rotationCallbackCall
	if k == subRevoked {
		layout = revokedCallbackCall
	}
	for n, s := range subs {
		if n == maxFires {
			ev.Phase(slot)
			ev.Call(&Call{Slot: slot, Inputs: args, Output: json.RawMessage(`{"fired":0}`),
				Warnings: []string{fmt.Sprintf("%d more live subscribe_%s subscriptions not fired (the harness fires at most %d per event)",
					len(subs)-n, subNames[k], maxFires)}})
			break
		}
		in := map[string]json.RawMessage{"sub_id": mustRaw(s.id), "cb_ctx": mustRaw(fmt.Sprint(s.cbCtx)), "thread": mustRaw(thread)}
		for key, v := range args {
			in[key] = v
		}
		ev.Phase(slot)
		c := &Call{Slot: slot, Inputs: in}
		call := func() (fired bool, took time.Duration) {
			h := theHost
			h.fireMu[k].Lock()
			defer h.fireMu[k].Unlock()
			h.mu.Lock()
			removed := s.removed
			h.mu.Unlock()
			if removed { // unsubscribed meanwhile (a plugin thread): never fired after host_unsubscribe
				return false, 0
			}
			tid := int64(threadID())
			if tid == 0 {
				tid = -1
			}
			h.firing[k].Store(tid)
			defer h.firing[k].Store(0)
			if thread == "new" {
				h.hostThreads.Store(tid, true)
				defer h.hostThreads.Delete(tid)
			}
			f := layout.prepare()
			f.scalar(0, s.cbCtx)
			fill(&f)
			start := time.Now()
			f.call(s.cb)
			took = time.Since(start)
			f.forget() // the plugin owns the strings now
			return true, took
		}
		var fired bool
		var took time.Duration
		if thread == "new" {
			done := make(chan struct{})
			go func() {
				// Never unlocked: the thread ends with the goroutine, so each fire gets one that
				// never ran plugin code before.
				runtime.LockOSThread()
				defer close(done)
				fired, took = call()
			}()
			<-done
		} else {
			fired, took = call()
		}
		c.Nanos = took.Nanoseconds()
		c.Output = json.RawMessage(`{"fired":0,"why":"unsubscribed (from another thread) before its turn"}`)
		if fired {
			c.Output = json.RawMessage(`{"fired":1}`)
		}
		c.HostCalls = theHost.take()
		ev.Call(c)
	}
}

// fireState is the part of host the fires use (kept here, next to its users).
type fireState struct {
	fireMu [2]sync.Mutex
	firing [2]atomic.Int64 // the thread id firing kind k (-1: unknown), 0 when none
	// hostThreads are the harness's own threads that call into the plugin besides the driver (a
	// fresh thread a fire runs on, the coordinator's forwarders): host calls made on them are not
	// from a plugin thread.
	hostThreads sync.Map
	subs        []*subscription
	// subsDropped counts subscriptions beyond maxLiveSubs (ids handed out, never fired).
	subsDropped int
	violations  []string
}
