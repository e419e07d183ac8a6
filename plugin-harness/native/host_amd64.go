//go:build linux || darwin

package native

import (
	"fmt"
	"sync"

	"github.com/ebitengine/purego"
)

// host answers the plugin's calls into the host (HostServicesVTable). purego callbacks are a
// process-wide, never-freed resource (2000 at most), so the 18 are made once and told apart by
// ctx, an integer, never a Go pointer (docs/native-abi.md §3, §6.2).
type host struct {
	mu      sync.Mutex
	alloc   *alloc
	alias   string
	answers *HostAnswers
	calls   []HostCall
	driver  int // OS thread that makes the FFI calls; others are the plugin's own threads
	nextSub uint64
	spans   uint64
}

var (
	theHost     = &host{}
	hostSlots   [18]uintptr
	makeSlots   sync.Once
	hostContext uintptr = 1 // the only instance a worker drives
)

// handleRef returns HostHandleRef's 19 words: ctx, then the 18 slots in vtable order.
func (h *host) handleRef() []uintptr {
	makeSlots.Do(func() {
		for i, fn := range []any{
			h.resolveSecret, h.issueCredential, h.configSnapshot, h.auditEvent, h.metricEmit, h.cluster,
			h.spanStart, h.spanEnd, h.spanEvent, h.aliasSlot, h.resolveCredentials, h.cacheGet,
			h.fetchContent, h.storeContent, h.invokeTool, h.subscribeRevoked, h.subscribeRotation, h.unsubscribe,
		} {
			hostSlots[i] = purego.NewCallback(fn)
		}
	})
	w := words(1 + len(hostSlots))
	w[0] = hostContext
	copy(w[1:], hostSlots[:])
	return w
}

// take returns what the plugin recorded since the last take.
func (h *host) take() []HostCall {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.calls
	h.calls = nil
	return out
}

func (h *host) record(c HostCall) {
	if tid := threadID(); tid != 0 && tid != h.driver {
		c.Thread = "plugin"
	}
	h.mu.Lock()
	h.calls = append(h.calls, c)
	h.mu.Unlock()
}

// takeArg copies a by-value RString argument and frees it through its own vtable: the host, as
// callee, owns it (docs/native-abi.md §3).
func takeArg(w0, w1, w2, w3 uintptr) string {
	tmp := words(4)
	tmp[0], tmp[1], tmp[2], tmp[3] = w0, w1, w2, w3
	s, err := readString(addrOf(tmp))
	if err != nil {
		s = fmt.Sprintf("<invalid RString: %v>", err)
	}
	drop(addrOf(tmp))
	return s
}

// answer returns the RString answer for a fallible slot through sret: a canned answer when
// --host-services has one for this slot (and key), otherwise the null services' answer.
func (h *host) answer(sret uintptr, slot string, args map[string]string) uintptr {
	text, canned := "", false
	if a := h.answers; a != nil {
		if m, ok := a.Keyed[slot]; ok {
			key := args[keyedSlots[slot]]
			if v, ok := m[key]; ok {
				text, canned = string(v), true
			} else if v, ok := m["*"]; ok {
				text, canned = string(v), true
			}
		} else if v, ok := a.Direct[slot]; ok {
			text, canned = string(v), true
		}
	}
	if !canned {
		text = nullAnswer(slot, args, h.alias)
	}
	h.alloc.put(sret, text)
	h.record(HostCall{Slot: slot, Args: args, Answer: answerShown(slot, text, canned), Canned: canned})
	return sret
}

// The slots. amd64 System V: a struct return takes rdi (sret); an RString argument (32 bytes,
// MEMORY class) travels on the stack, so the integer registers it skips arrive as ignored words.

func (h *host) resolveSecret(sret, ctx, _, _, _, _, u0, u1, u2, u3 uintptr) uintptr {
	return h.answer(sret, "resolve_secret", map[string]string{"uri": takeArg(u0, u1, u2, u3)})
}

func (h *host) issueCredential(sret, ctx, _, _, _, _, u0, u1, u2, u3, i0, i1, i2, i3 uintptr) uintptr {
	return h.answer(sret, "issue_credential", map[string]string{
		"uri": takeArg(u0, u1, u2, u3), "identity_json": takeArg(i0, i1, i2, i3)})
}

func (h *host) configSnapshot(sret, ctx, _, _, _, _, u0, u1, u2, u3 uintptr) uintptr {
	return h.answer(sret, "config_snapshot", map[string]string{"uri": takeArg(u0, u1, u2, u3)})
}

func (h *host) auditEvent(sret, ctx, _, _, _, _, e0, e1, e2, e3 uintptr) uintptr {
	return h.answer(sret, "audit_event", map[string]string{"event_json": takeArg(e0, e1, e2, e3)})
}

func (h *host) metricEmit(ctx, _, _, _, _, _, p0, p1, p2, p3 uintptr) {
	h.record(HostCall{Slot: "metric_emit", Args: map[string]string{"point_json": takeArg(p0, p1, p2, p3)}})
}

// cluster answers RNone: the harness, like the reference test, wires no cluster coordinator.
func (h *host) cluster(sret, ctx uintptr) uintptr {
	setWord(sret, optionNone)
	h.record(HostCall{Slot: "cluster", Answer: "none"})
	return sret
}

func (h *host) spanStart(ctx, _, _, _, _, _, n0, n1, n2, n3, a0, a1, a2, a3 uintptr) uintptr {
	args := map[string]string{"name": takeArg(n0, n1, n2, n3), "attrs_json": takeArg(a0, a1, a2, a3)}
	id, canned := uint64(0), false // NullHostServices hands out span id 0
	if h.answers != nil && h.answers.Span != nil {
		id, canned = *h.answers.Span, true
	}
	h.record(HostCall{Slot: "span_start", Args: args, Answer: fmt.Sprint(id), Canned: canned})
	return uintptr(id)
}

func (h *host) spanEnd(ctx, span uintptr) {
	h.record(HostCall{Slot: "span_end", Args: map[string]string{"span_id": fmt.Sprint(span)}})
}

func (h *host) spanEvent(ctx, span, _, _, _, _, n0, n1, n2, n3, a0, a1, a2, a3 uintptr) {
	h.record(HostCall{Slot: "span_event", Args: map[string]string{
		"span_id": fmt.Sprint(span), "name": takeArg(n0, n1, n2, n3), "attrs_json": takeArg(a0, a1, a2, a3)}})
}

func (h *host) aliasSlot(sret, ctx uintptr) uintptr {
	h.alloc.put(sret, h.alias)
	h.record(HostCall{Slot: "alias", Answer: h.alias, Canned: h.answers != nil && h.answers.Alias != nil})
	return sret
}

func (h *host) resolveCredentials(sret, ctx, _, _, _, _, v0, v1, v2, v3, i0, i1, i2, i3 uintptr) uintptr {
	return h.answer(sret, "resolve_credentials", map[string]string{
		"value_json": takeArg(v0, v1, v2, v3), "identity_json": takeArg(i0, i1, i2, i3)})
}

func (h *host) cacheGet(sret, ctx, _, _, _, _, k0, k1, k2, k3 uintptr) uintptr {
	return h.answer(sret, "cache_get", map[string]string{"key": takeArg(k0, k1, k2, k3)})
}

func (h *host) fetchContent(sret, ctx, _, _, _, _, u0, u1, u2, u3 uintptr) uintptr {
	return h.answer(sret, "fetch_content", map[string]string{"uri": takeArg(u0, u1, u2, u3)})
}

func (h *host) storeContent(sret, ctx, _, _, _, _, a0, a1, a2, a3 uintptr) uintptr {
	return h.answer(sret, "store_content", map[string]string{"args_json": takeArg(a0, a1, a2, a3)})
}

func (h *host) invokeTool(sret, ctx, _, _, _, _, c0, c1, c2, c3, t0, t1, t2, t3, a0, a1, a2, a3 uintptr) uintptr {
	return h.answer(sret, "invoke_tool", map[string]string{
		"ctx_json": takeArg(c0, c1, c2, c3), "tool_name": takeArg(t0, t1, t2, t3), "args_json": takeArg(a0, a1, a2, a3)})
}

func (h *host) subscribe(slot string, cb, cbCtx uintptr) uintptr {
	var id uint64
	if cb != 0 { // the gateway refuses a null trampoline with id 0
		h.mu.Lock()
		h.nextSub++
		id = h.nextSub
		h.mu.Unlock()
	}
	h.record(HostCall{Slot: slot, Args: map[string]string{"cb_ctx": fmt.Sprint(cbCtx)}, Answer: fmt.Sprint(id)})
	return uintptr(id)
}

func (h *host) subscribeRevoked(ctx, cb, cbCtx uintptr) uintptr {
	return h.subscribe("subscribe_credential_revoked", cb, cbCtx)
}

func (h *host) subscribeRotation(ctx, cb, cbCtx uintptr) uintptr {
	return h.subscribe("subscribe_secret_rotation", cb, cbCtx)
}

func (h *host) unsubscribe(ctx, id uintptr) {
	h.record(HostCall{Slot: "host_unsubscribe", Args: map[string]string{"sub_id": fmt.Sprint(id)}})
}
