//go:build (linux || darwin) && (amd64 || arm64)

package native

// Driving a watch (docs/native-kinds.md §5, §7, §11.1-§11.3): the install returns a StreamHandle
// through sret; handle 0 is a failure whose error_json the kind's adapter decodes; otherwise the
// harness listens to the sink for watchWait, then calls the cancel slot as the gateway does (the
// watcher's cancellation, or the stream's drop guard) and checks no callback runs at its return
// or after. Events arrive on the process-wide sink (sinks_cb.go), on any thread, also during the
// install; each is dropped through its own vtable there and checked against the kind's DTO here.

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// store/secret/config watch is stringSinkCall (slots.go); watch_strategy.watch has backend's
// execute_streaming signature (streamCall).

// openWatch is a watch the install opened and its cancel slot has not closed yet.
type openWatch struct {
	token uintptr
	sink  *sinkState
}

// watchState is the kind state of an instance with a watch slot (instance.kindState).
type watchState struct {
	open  *openWatch
	ended bool // onPlanEnd registered
}

func init() {
	kindCalls[callWatchPair] = func(i *instance, s *SlotSpec, fn uintptr, input json.RawMessage) outcome {
		return i.watchInstall(s, fn, input)
	}
	kindCalls[callWatch] = kindCalls[callWatchPair]
	kindCalls[callCancelWatch] = func(i *instance, s *SlotSpec, fn uintptr, _ json.RawMessage) outcome {
		return i.watchCancel(s, fn)
	}
}

func (i *instance) watches() *watchState {
	ws, _ := i.kindState.(*watchState)
	if ws == nil {
		ws = &watchState{}
		i.kindState = ws
	}
	return ws
}

// watchInstall calls the watch slot with a fresh sink and decodes the StreamHandle it returns.
func (i *instance) watchInstall(s *SlotSpec, fn uintptr, input json.RawMessage) outcome {
	wk := watchKinds[i.kind]
	ws := i.watches()
	var o outcome
	prev := ws.open
	if prev != nil {
		// A second watch (--repeat, or two in --calls): the harness keeps one open at a time, so
		// the previous one is cancelled first, and checked like any cancel.
		ws.open = nil
		callWords(i.slot(i.spec.Slot(wk.cancel).Offset), i.handle, prev.token)
		o.violations = append(o.violations, i.closed(prev.sink, wk.cancel+" returned")...)
	}
	ctx, cb, st := newSink(s.Name)
	var c cCall
	if s.Call == callWatchPair {
		uri, spec, _ := s.pairArgs(input)
		c = streamCall.prepare()
		c.scalar(0, i.handle)
		i.lib.alloc.put(addrOf(c.aggregate(1)), uri)
		i.lib.alloc.put(addrOf(c.aggregate(2)), spec)
		c.pair(3, ctx, cb)
	} else {
		c = stringSinkCall.prepare()
		c.scalar(0, i.handle)
		i.lib.alloc.put(addrOf(c.aggregate(1)), s.argText(input))
		c.pair(2, ctx, cb)
	}
	start := time.Now()
	c.call(fn)
	took := time.Since(start)
	c.forget() // the plugin owns the arguments now
	handle := c.sret[0]
	texts, bad := i.takeStrings(s.Name, "StreamHandle", c.sret, 1, 5)
	o.violations = append(o.violations, bad...)
	errText, metaText := texts[0], texts[1]
	value := map[string]any{"handle": handleText(handle)}
	if prev != nil {
		value["previous_watch"] = "cancelled first"
	}
	o.value = value
	if handle == 0 {
		// The adapter frees the sink's bridge right away: no callback may follow.
		o.violations = append(o.violations, i.closed(st, "the slot returned handle 0")...)
		if events, _ := st.snapshot(); len(events) > 0 {
			value["events"] = decodeEvents(events)
		}
		if errText != "" {
			value["error_json"] = jsonOrText(errText)
		}
		switch problem := checkJSON(errText, wk.errors); {
		case len(bad) > 0: // error_json unreadable: reported above
		case strings.Contains(errText, "panicked during"):
			// The SDK's answers for a panic: PANIC_STREAM_MSG (watch_strategy), the kind's
			// Backend {"plugin panicked during watch"} (store, secret, config).
			o.panicked = true
		case errText == "":
			o.violations = append(o.violations, fmt.Sprintf("%s.%s returned handle 0 with an empty error_json: handle 0 is a failure "+
				"and error_json must say why (a %s); the gateway reads %s", i.kind, s.Name, wk.errName, wk.empty))
		case problem != "":
			o.violations = append(o.violations, fmt.Sprintf("%s.%s returned handle 0 with error_json %s, which is not a %s (%s): "+
				"the gateway reads %s", i.kind, s.Name, clip(errText), wk.errName, problem, wk.undecodable))
		}
		return o
	}
	if errText != "" {
		o.warnings = append(o.warnings, fmt.Sprintf("%s.%s returned a non-zero handle with error_json %s: the gateway ignores it", i.kind, s.Name, clip(errText)))
	}
	if metaText != "" {
		o.warnings = append(o.warnings, fmt.Sprintf("%s.%s returned metadata_json %s: the gateway ignores it", i.kind, s.Name, clip(metaText)))
	}
	if d, ok := i.dataBudget(); ok && took > d {
		if wk.budget {
			o.warnings = append(o.warnings, fmt.Sprintf("%s.%s took %s to install the watch: the gateway stopped waiting at "+
				"data_timeout_ms and freed the sink, so every event of this watch reaches freed memory and it is never cancelled",
				i.kind, s.Name, round(took)))
		} else {
			o.warnings = append(o.warnings, fmt.Sprintf("%s.%s took %s to install the watch, over ffi_limits.data_timeout_ms (%d ms): "+
				"the gateway applies none here and waits for the install however long it takes (a note of the harness's own)",
				i.kind, s.Name, round(took), i.limits.DataTimeoutMS))
		}
	}
	// Events sent on the calling thread before watch returned (the live SDK watch_strategy sends
	// one): the host takes them like any other.
	if sync := st.fromDriver.Load(); sync > 0 {
		value["events_on_the_calling_thread"] = sync
	}
	ws.open = &openWatch{token: handle, sink: st}
	if !ws.ended {
		// A watch a --calls plan leaves open: cancelled at the end, as the gateway's watcher or
		// drop guard would.
		ws.ended = true
		i.onPlanEnd(func(p *Plan, ev Events) {
			if ws.open == nil {
				return
			}
			cs := i.spec.Slot(wk.cancel)
			i.cur = i.budgetFor(cs)
			i.repeat(p, ev, cs.Name, i.planned(cs, nil))
			i.cur = nil
		})
	}
	return o
}

// watchCancel listens to the open watch for watchWait, then calls the cancel slot with its token
// and checks the sink as the gateway relies on it.
func (i *instance) watchCancel(s *SlotSpec, fn uintptr) outcome {
	wk := watchKinds[i.kind]
	ws := i.watches()
	w := ws.open
	if w == nil {
		return outcome{value: "no open watch: nothing to cancel"}
	}
	ws.open = nil
	st := w.sink
	time.Sleep(watchWait)
	events, total := st.snapshot()
	callWords(fn, i.handle, w.token)
	var o outcome
	o.violations = i.closed(st, s.Name+" returned")
	_, after := st.snapshot()
	value := map[string]any{"token": handleText(w.token), "events": decodeEvents(events)}
	if total > len(events) {
		value["events_not_kept"] = total - len(events)
	}
	if n := after - total - int(st.late.Load()); n > 0 {
		// Set before cancel is entered, the adapter's cancelled flag drops these (and counts them
		// in mcpg_plugin_post_cancel_callbacks_total): not a fault, nothing reaches the consumer.
		value["events_during_cancel"] = n
	}
	if n := st.fromPlugin.Load(); n > 0 {
		value["callbacks_on_plugin_threads"] = n
	}
	for k, ev := range events {
		if problem := checkJSON(ev, wk.event); problem != "" {
			o.warnings = append(o.warnings, fmt.Sprintf("%s.watch sent event %d %s, which is not a %s (%s): the gateway %s",
				i.kind, k+1, clip(ev), wk.eventName, problem, wk.badEvent))
		}
	}
	o.value = value
	return o
}

// dataBudget is data_timeout_ms of the run, ok false when calls are not judged or it never fires.
func (i *instance) dataBudget() (time.Duration, bool) {
	if i.limits == nil {
		return 0, false
	}
	return budget(i.limits.DataTimeoutMS)
}
