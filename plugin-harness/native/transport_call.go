//go:build (linux || darwin) && (amd64 || arm64)

package native

// transport's start, listen_address, close and drop (docs/native-kinds.md §9, §11.1, §11.2): start
// gets the listener config and the host's dispatcher (transport_dispatch.go), whose calls may come
// from the plugin's accept-loop threads and even from inside start; the harness listens for
// watchWait, answering every dispatch, then closes and drops the handle as the gateway's shutdown
// does — drop exactly once — and checks no dispatch arrives after close returned, nor after drop.

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// start(h, RString listener_config_json, DispatcherCallbackRef) → StreamHandle is stringSinkCall (slots.go).

// openTransport is the handle a start returned, until its drop.
type openTransport struct {
	handle  uintptr
	st      *dispatchState
	opened  time.Time
	closed  bool
	dropped bool
}

func init() {
	kindCalls[callTransportStart] = func(i *instance, s *SlotSpec, fn uintptr, input json.RawMessage) outcome {
		return i.transportStart(s, fn, string(input))
	}
	kindCalls[callTransportAddress] = func(i *instance, s *SlotSpec, fn uintptr, _ json.RawMessage) outcome {
		return i.transportAddress(s, fn)
	}
	kindCalls[callTransportClose] = func(i *instance, s *SlotSpec, fn uintptr, _ json.RawMessage) outcome {
		return i.transportClose(s, fn)
	}
	kindCalls[callTransportDrop] = func(i *instance, s *SlotSpec, fn uintptr, _ json.RawMessage) outcome {
		return i.transportDrop(s, fn)
	}
}

// transport is the handle the last start returned (dropped or not), or nil.
func (i *instance) transport() *openTransport {
	t, _ := i.kindState.(*openTransport)
	return t
}

// transportStart calls start and decodes its StreamHandle as NativeTransportAdapter::start does.
func (i *instance) transportStart(s *SlotSpec, fn uintptr, listener string) outcome {
	if prev := i.transport(); prev != nil && !prev.dropped {
		// A repeated start (--repeat, or twice in --calls): the previous handle is closed and
		// dropped first, as the gateway would before starting the entry again.
		if !prev.closed {
			callWords(i.slot(i.spec.Slot("transport_handle_close").Offset), i.handle, prev.handle)
		}
		callWords(i.slot(i.spec.Slot("transport_handle_drop").Offset), i.handle, prev.handle)
		prev.closed, prev.dropped = true, true
		prev.st.phase.Store(phaseFreed)
	}
	ctx, cb, st := newDispatcher()
	c := stringSinkCall.prepare()
	c.scalar(0, i.handle)
	i.lib.alloc.put(addrOf(c.aggregate(1)), listener)
	c.pair(2, ctx, cb)
	c.call(fn)
	c.forget() // the plugin owns the listener config now
	handle := c.sret[0]
	if handle != 0 {
		st.phase.Store(phaseOpen)
	}
	texts, violations := i.takeStrings(s.Name, "StreamHandle", c.sret, 1, 5)
	errText, metaText := texts[0], texts[1]
	o := outcome{violations: violations}
	value := map[string]any{"handle": "non-zero"}
	if handle == 0 {
		value["handle"] = 0
		// The gateway frees the dispatcher's bridge right away: no dispatch may follow.
		i.transportStartFailed(s, errText, value, &o)
		o.violations = append(o.violations, i.dispatcherFreed(st, "start returned handle 0")...)
		i.reportDispatches(st, value, "dispatches", &o)
		o.value = value
		return o
	}
	if errText != "" {
		o.warnings = append(o.warnings, fmt.Sprintf("%s.%s returned a non-zero handle with error_json %s: the gateway ignores it", i.kind, s.Name, clip(errText)))
	}
	if metaText != "" {
		value["metadata_json"] = jsonOrText(metaText)
	}
	switch problem := checkJSON(metaText, startMetadata); {
	case metaText == "":
		value["listen_address"] = nil
	case problem != "":
		o.warnings = append(o.warnings, fmt.Sprintf("%s.%s returned metadata_json %s, which is not {\"listen_address\": …} (%s): "+
			"the gateway reads no listen address from it (and asks transport_handle_listen_address)", i.kind, s.Name, clip(metaText), problem))
	default:
		var meta struct {
			Address *string `json:"listen_address"`
		}
		_ = json.Unmarshal([]byte(metaText), &meta)
		if meta.Address != nil && *meta.Address != "" {
			value["listen_address"] = *meta.Address
		} else {
			value["listen_address"] = nil // the gateway reads an empty one as none
		}
	}
	i.reportDispatches(st, value, "dispatches", &o)
	if records, ok := value["dispatches"].([]dispatchRecord); ok {
		// Those that came before start returned are shown apart: the bridge is live during start.
		var during, after []dispatchRecord
		for _, r := range records {
			if r.phase == phaseStarting {
				during = append(during, r)
			} else {
				after = append(after, r)
			}
		}
		delete(value, "dispatches")
		if len(during) > 0 {
			value["dispatches_during_start"] = during
		}
		if len(after) > 0 {
			value["dispatches"] = after
		}
	}
	t := &openTransport{handle: handle, st: st, opened: time.Now()}
	i.kindState = t
	// A handle a --calls plan left open: the gateway closes it at shutdown, then drops it.
	i.onPlanEnd(func(p *Plan, ev Events) {
		if t.dropped || i.transport() != t {
			return
		}
		if !t.closed {
			i.repeat(p, ev, "transport_handle_close", i.planned(i.spec.Slot("transport_handle_close"), nil))
		}
		i.repeat(p, ev, "transport_handle_drop", i.planned(i.spec.Slot("transport_handle_drop"), nil))
	})
	o.value = value
	return o
}

// transportStartFailed judges start's handle-0 answer: a TransportError is the call's outcome
// (it fails the gateway's boot); anything else breaks the StreamHandle contract.
func (i *instance) transportStartFailed(s *SlotSpec, errText string, value map[string]any, o *outcome) {
	undecodable := fmt.Sprintf("the gateway fails its boot with TransportError::Io \"native plugin '%s' returned undecodable error\"", i.id)
	switch problem := checkJSON(errText, transportErrors); {
	case errText == "":
		o.violations = append(o.violations, fmt.Sprintf("%s.%s returned handle 0 with an empty error_json (handle 0 must carry a TransportError): %s",
			i.kind, s.Name, undecodable))
	case problem == "":
		value["error"] = jsonOrText(errText)
		value["gateway"] = fmt.Sprintf("refuses to boot: gateway.server.transports[]: plugin `%s` failed to start: %s", i.id, transportErrorText(errText))
		// The SDK's start wrapper answers a panic with this decodable error.
		o.panicked = transportErrorText(errText) == "transport I/O: plugin panicked during start"
	case isPanicText(errText):
		value["error_json"] = errText
		o.panicked = true
	default:
		value["error_json"] = jsonOrText(errText)
		o.violations = append(o.violations, fmt.Sprintf("%s.%s returned handle 0 with error_json %s, which is not a TransportError (%s): %s",
			i.kind, s.Name, clip(errText), problem, undecodable))
	}
}

// isPanicText recognises the protocol's panic guard for start (catch_panic_to_transport_failure:
// "plugin panicked during transport start", not JSON). The SDK's own start wrapper answers a
// panic with a decodable Io error instead.
func isPanicText(text string) bool {
	return !json.Valid([]byte(text)) && strings.Contains(text, "panicked")
}

// transportErrorText is TransportError's Display, which the gateway's boot error carries.
func transportErrorText(errText string) string {
	var e struct {
		Kind    string `json:"kind"`
		Reason  string `json:"reason"`
		Message string `json:"message"`
		Name    string `json:"name"`
	}
	_ = json.Unmarshal([]byte(errText), &e)
	switch e.Kind {
	case "bind_failed":
		return "transport bind failed: " + e.Reason
	case "already_listening":
		return "transport already listening"
	case "invalid_config":
		return "invalid transport config: " + e.Message
	case "unknown_transport":
		return "no transport registered with name '" + e.Name + "'"
	case "io":
		return "transport I/O: " + e.Reason
	}
	return "gateway shutting down"
}

// transportAddress calls transport_handle_listen_address for the open handle. (The gateway asks
// it only when start's metadata_json named no address; the harness always does.)
func (i *instance) transportAddress(s *SlotSpec, fn uintptr) outcome {
	t := i.transport()
	if t == nil || t.dropped {
		return outcome{value: "no transport handle: nothing to ask"}
	}
	c := u64ToStringCall.prepare()
	c.scalar(0, i.handle)
	c.scalar(1, t.handle)
	c.call(fn)
	o := i.answer(s, addrOf(c.sret))
	if o.value == "" {
		o.value = nil // empty: no address
	}
	return o
}

// transportClose lets the transport listen until watchWait has passed since start returned,
// answering every dispatch, then calls transport_handle_close and checks no dispatch arrives
// after it returned.
func (i *instance) transportClose(s *SlotSpec, fn uintptr) outcome {
	t := i.transport()
	switch {
	case t == nil:
		return outcome{value: "no transport handle: nothing to close"}
	case t.dropped:
		return outcome{value: "the handle was dropped: nothing to close"}
	case t.closed:
		// The protocol calls close idempotent, but the gateway closes each handle once (at its
		// shutdown), and SDK plugins commonly free their accept loop there.
		return outcome{value: "closed already: the gateway closes each handle once"}
	}
	if wait := watchWait - time.Since(t.opened); wait > 0 {
		time.Sleep(wait)
	}
	before := t.st.afterClose.Load()
	listened := time.Since(t.opened)
	callWords(fn, i.handle, t.handle)
	t.closed = true
	t.st.phase.CompareAndSwap(phaseOpen, phaseClosed)
	time.Sleep(cancelGrace)
	var o outcome
	value := map[string]any{"listened_ms": listened.Milliseconds()}
	if n := t.st.afterClose.Load() - before; n > 0 {
		o.violations = append(o.violations, fmt.Sprintf("%s.start's dispatcher was called %d time(s) after %s returned: close means stop accepting "+
			"(the gateway survives it only because it frees the dispatcher at the handle's drop)", i.kind, n, s.Name))
	}
	i.reportDispatches(t.st, value, "dispatches", &o)
	o.value = value
	return o
}

// transportDrop calls transport_handle_drop, exactly once per handle, and checks the dispatcher
// is left alone from then on: the gateway frees its bridge as drop returns.
func (i *instance) transportDrop(s *SlotSpec, fn uintptr) outcome {
	t := i.transport()
	switch {
	case t == nil:
		return outcome{value: "no transport handle: nothing to drop"}
	case t.dropped:
		return outcome{value: "the handle was dropped already: the gateway drops it exactly once"}
	}
	callWords(fn, i.handle, t.handle)
	t.dropped = true
	var o outcome
	value := map[string]any{}
	o.violations = i.dispatcherFreed(t.st, s.Name+" returned")
	i.reportDispatches(t.st, value, "dispatches", &o)
	if len(value) > 0 {
		o.value = value
	}
	return o
}

// dispatcherFreed is the check right after the gateway frees the dispatcher's bridge (the
// handle's drop returned, or start returned handle 0): no dispatch may still be running, and
// none may arrive within the grace period after it.
func (i *instance) dispatcherFreed(st *dispatchState, what string) []string {
	var violations []string
	if n := st.inflight.Load(); n > 0 {
		violations = append(violations, fmt.Sprintf("%s.start's dispatcher had %d call(s) still running when %s: "+
			"the gateway frees the dispatcher then (a use-after-free)", i.kind, n, what))
	}
	before := st.afterFree.Load()
	st.phase.Store(phaseFreed)
	time.Sleep(cancelGrace)
	if n := st.afterFree.Load() - before; n > 0 {
		violations = append(violations, fmt.Sprintf("%s.start's dispatcher was called %d time(s) after %s: "+
			"the gateway has freed the dispatcher by then (a use-after-free)", i.kind, n, what))
	}
	return violations
}

// reportDispatches puts the dispatches not reported yet under key (when there are any) and the
// contract breaks they showed among the call's violations.
func (i *instance) reportDispatches(st *dispatchState, value map[string]any, key string, o *outcome) {
	records, problems, dropped := st.take()
	if len(records) > 0 {
		value[key] = records
	}
	if dropped > 0 {
		value[key+"_not_kept"] = dropped
	}
	for _, p := range problems {
		o.violations = append(o.violations, fmt.Sprintf("%s.start's accept loop %s", i.kind, p))
	}
}
