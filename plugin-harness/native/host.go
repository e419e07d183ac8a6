//go:build (linux || darwin) && (amd64 || arm64)

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
	kind    string // the kind being driven: the cluster slot answers by it (hostcluster.go)
	answers *HostAnswers
	calls   []HostCall
	driver  int // OS thread that makes the FFI calls; others are the plugin's own threads
	nextSub uint64
	spans   uint64
	fireState
}

var (
	theHost     = &host{}
	hostSlots   [18]uintptr
	makeSlots   sync.Once
	hostContext uintptr = 1 // the only instance a worker drives
)

// handleRef returns HostHandleRef's 19 words: ctx, then the 18 slots in vtable order. Each call
// starts a new bridge: a make of its own.
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
	h.resetSubscriptions() // each make gets a bridge of its own, as in the gateway
	h.resetCoordinator()
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
		if _, ours := h.hostThreads.Load(int64(tid)); !ours {
			c.Thread = "plugin"
		}
	}
	h.mu.Lock()
	h.calls = append(h.calls, c)
	h.mu.Unlock()
}

// rstring is an RString crossing a host-service slot by value. purego (v0.11) places it as the C
// compiler does: on amd64 a 32-byte struct argument is read from the stack and a returned one
// written through the hidden pointer in rdi (returned in rax); on arm64 an argument arrives as a
// pointer to the caller's copy and a result is written through x8 (docs/native-abi.md §6.2).
type rstring struct{ ptr, len, cap, vt uintptr }

// optionClusterRef is ROption<ClusterClientRef> (200 bytes): the tag word, then the payload.
type optionClusterRef struct {
	tag uintptr
	ref [24]uintptr
}

// takeArg copies a by-value RString argument and frees it through its own vtable: the host, as
// callee, owns it (docs/native-abi.md §3).
func takeArg(r rstring) string {
	tmp := words(4)
	tmp[0], tmp[1], tmp[2], tmp[3] = r.ptr, r.len, r.cap, r.vt
	s, err := readString(addrOf(tmp))
	if err != nil {
		s = fmt.Sprintf("<invalid RString: %v>", err)
	}
	drop(addrOf(tmp))
	return s
}

// give returns text as an RString the plugin owns (built with its own allocator).
func (h *host) give(text string) rstring {
	tmp := words(4)
	h.alloc.put(addrOf(tmp), text)
	return rstring{tmp[0], tmp[1], tmp[2], tmp[3]}
}

// answer returns the RString answer for a fallible slot: a canned answer when --host-services has
// one for this slot (and key), otherwise the null services' answer.
func (h *host) answer(slot string, args map[string]string) rstring {
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
	r := h.give(text)
	h.record(HostCall{Slot: slot, Args: args, Answer: answerShown(slot, text, canned), Canned: canned})
	return r
}

// The slots, with their C signatures (docs/native-abi.md §2.4); ctx is always hostContext.

func (h *host) resolveSecret(ctx uintptr, uri rstring) rstring {
	return h.answer("resolve_secret", map[string]string{"uri": takeArg(uri)})
}

func (h *host) issueCredential(ctx uintptr, uri, identity rstring) rstring {
	return h.answer("issue_credential", map[string]string{"uri": takeArg(uri), "identity_json": takeArg(identity)})
}

func (h *host) configSnapshot(ctx uintptr, uri rstring) rstring {
	return h.answer("config_snapshot", map[string]string{"uri": takeArg(uri)})
}

func (h *host) auditEvent(ctx uintptr, event rstring) rstring {
	return h.answer("audit_event", map[string]string{"event_json": takeArg(event)})
}

func (h *host) metricEmit(ctx uintptr, point rstring) {
	h.record(HostCall{Slot: "metric_emit", Args: map[string]string{"point_json": takeArg(point)}})
}

func (h *host) spanStart(ctx uintptr, name, attrs rstring) uint64 {
	args := map[string]string{"name": takeArg(name), "attrs_json": takeArg(attrs)}
	id, canned := uint64(0), false // NullHostServices hands out span id 0
	if h.answers != nil && h.answers.Span != nil {
		id, canned = *h.answers.Span, true
	}
	h.record(HostCall{Slot: "span_start", Args: args, Answer: fmt.Sprint(id), Canned: canned})
	return id
}

func (h *host) spanEnd(ctx uintptr, span uint64) {
	h.record(HostCall{Slot: "span_end", Args: map[string]string{"span_id": fmt.Sprint(span)}})
}

func (h *host) spanEvent(ctx uintptr, span uint64, name, attrs rstring) {
	h.record(HostCall{Slot: "span_event", Args: map[string]string{
		"span_id": fmt.Sprint(span), "name": takeArg(name), "attrs_json": takeArg(attrs)}})
}

func (h *host) aliasSlot(ctx uintptr) rstring {
	r := h.give(h.alias)
	h.record(HostCall{Slot: "alias", Answer: h.alias, Canned: h.answers != nil && h.answers.Alias != nil})
	return r
}

func (h *host) resolveCredentials(ctx uintptr, value, identity rstring) rstring {
	return h.answer("resolve_credentials", map[string]string{"value_json": takeArg(value), "identity_json": takeArg(identity)})
}

func (h *host) cacheGet(ctx uintptr, key rstring) rstring {
	return h.answer("cache_get", map[string]string{"key": takeArg(key)})
}

func (h *host) fetchContent(ctx uintptr, uri rstring) rstring {
	return h.answer("fetch_content", map[string]string{"uri": takeArg(uri)})
}

func (h *host) storeContent(ctx uintptr, args rstring) rstring {
	return h.answer("store_content", map[string]string{"args_json": takeArg(args)})
}

func (h *host) invokeTool(ctx uintptr, ctxJSON, tool, args rstring) rstring {
	return h.answer("invoke_tool", map[string]string{
		"ctx_json": takeArg(ctxJSON), "tool_name": takeArg(tool), "args_json": takeArg(args)})
}
