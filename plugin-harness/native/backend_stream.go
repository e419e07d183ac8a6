//go:build (linux || darwin) && (amd64 || arm64)

package native

// backend.execute_streaming and cancel_stream (docs/native-kinds.md §4 step 8, §11.1 row 9,
// §11.3): the stream's events arrive on the host's event sink (sinks_cb.go), possibly on plugin
// threads and possibly before the slot returns; the harness waits for the terminal event (done or
// an err) up to a bound of its own, then cancels as the gateway's StreamCancelGuard does — also for
// the SDK's usize::MAX "nothing to cancel" token — and checks no callback runs after cancel returned.

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
)

const wordsStreamHandle = 9 // StreamHandle: handle, error_json, metadata_json (72 bytes)

var (
	// execute_streaming(h, RString backend_name, RString request_json, EventSinkRef sink) → StreamHandle
	sigStream  = signature{sret: wordsStreamHandle, params: []param{scalar, aggregate(wordsRString), aggregate(wordsRString), pair}}
	streamCall = conv.place(sigStream)
)

// streamWaitCapMS caps the wait for a terminal event (ours: the gateway has no budget here, and
// the worker's step timeout must not fire first).
const streamWaitCapMS = 2000

// cancelGrace is how long after cancel returned the harness keeps listening for a late callback
// (a variable for the benchmarks, as watchWait).
var cancelGrace = 50 * time.Millisecond

// openStream is a stream execute_streaming opened and cancel_stream has not closed yet.
type openStream struct {
	token uintptr
	sink  *sinkState
	done  int // index of the terminal event, -1 when none came
}

// BackendChunk (protocol src/backend.rs): serde(tag = "type"); done carries BackendResponse inline.
var backendChunk = tagged("type", map[string]*objShape{
	"text_delta":         obj(req("delta", tStr)),
	"tool_call":          obj(req("id", tStr), req("name", tStr), req("arguments", tAny)),
	"tool_result":        obj(req("id", tStr), req("result", tAny)),
	"usage":              obj(req("input_tokens", tU64), req("output_tokens", tU64), opt("cached_input_tokens", tOpt(tU64))),
	"iteration_boundary": obj(req("iteration", tU64)),
	"progress":           obj(req("progress", tAny), req("total", tAny), req("message", tAny)),
	"done":               obj(req("payload", tStr), req("truncated", tBool)),
})

var streamEvent = envelope(backendChunk, backendErrors)

// terminal reports whether a stream event ends the stream for the gateway: {"ok":{"type":"done"}}
// or an {"err":…}.
func terminal(text string) bool {
	var ev struct {
		Ok *struct {
			Type string `json:"type"`
		} `json:"ok"`
		Err json.RawMessage `json:"err"`
	}
	if json.Unmarshal([]byte(text), &ev) != nil {
		return false
	}
	return len(ev.Err) > 0 || (ev.Ok != nil && ev.Ok.Type == "done")
}

func jsonOrText(text string) json.RawMessage {
	if json.Valid([]byte(text)) {
		return json.RawMessage(text)
	}
	b, _ := json.Marshal(text)
	return b
}

// executeStreaming makes the call, decodes the StreamHandle and waits for the stream's end.
func (i *instance) executeStreaming(s *SlotSpec, fn uintptr, input json.RawMessage) outcome {
	name, request, _ := s.pairArgs(input)
	if prev := i.stream; prev != nil && i.spec.Slot("cancel_stream") != nil {
		// A repeated call (--repeat, or two in --calls): the previous stream is dropped first, as
		// the gateway drops each stream before the next request.
		i.stream = nil
		callWords(i.slot(i.spec.Slot("cancel_stream").Offset), i.handle, prev.token)
		prev.sink.cancelReturned.Store(true)
	}
	ctx, cb, st := newSink(s.Name)
	st.isEnd = terminal
	c := streamCall.prepare()
	c.scalar(0, i.handle)
	i.lib.alloc.put(addrOf(c.aggregate(1)), name)
	i.lib.alloc.put(addrOf(c.aggregate(2)), request)
	c.pair(3, ctx, cb)
	c.call(fn)
	c.forget()
	addr := addrOf(c.sret)
	handle := c.sret[0]
	var o outcome
	errText, err1 := readString(addr + 8)
	drop(addr + 8)
	metaText, err2 := readString(addr + 40)
	drop(addr + 40)
	clear(c.sret)
	for _, e := range []error{err1, err2} {
		if e != nil {
			o.violations = append(o.violations, fmt.Sprintf("%s.%s returned a StreamHandle whose %v", i.kind, s.Name, e))
		}
	}
	value := map[string]any{"handle": handleText(handle)}
	if handle == 0 {
		// The gateway drops the bridge right away: no callback may follow.
		st.cancelReturned.Store(true)
		if errText != "" {
			value["error_json"] = jsonOrText(errText)
		}
		switch problem := checkJSON(errText, backendErrors); {
		case problem == "":
		case strings.Contains(errText, "panicked"):
			o.panicked = true
		default:
			o.violations = append(o.violations, fmt.Sprintf("%s.%s returned handle 0 with error_json %q, which is not a BackendError (%s): "+
				"the gateway reports Transport \"returned undecodable execute_streaming error\"", i.kind, s.Name, clip(errText), problem))
		}
		time.Sleep(cancelGrace)
		if n := st.late.Load(); n > 0 {
			o.violations = append(o.violations, fmt.Sprintf("%s.%s's sink was called %d time(s) after the slot returned handle 0: "+
				"the gateway has freed the sink by then (a use-after-free)", i.kind, s.Name, n))
		}
		events, _ := st.snapshot()
		value["events"] = decodeEvents(events)
		o.value = value
		return o
	}
	if errText != "" {
		o.warnings = append(o.warnings, fmt.Sprintf("%s.%s returned handle %s with error_json %s: the gateway ignores it", i.kind, s.Name, handleText(handle), clip(errText)))
	}
	if metaText != "" {
		o.warnings = append(o.warnings, fmt.Sprintf("%s.%s returned metadata_json %s: the gateway ignores it", i.kind, s.Name, clip(metaText)))
	}
	wait := time.Duration(min(i.limits.DataTimeoutMS, streamWaitCapMS)) * time.Millisecond
	os := &openStream{token: handle, sink: st, done: -1}
	i.stream = os
	st.waitUntil(func([]string) bool { return st.ended() >= 0 }, wait)
	os.done = st.ended()
	events, total := st.snapshot()
	value["events"] = decodeEvents(events)
	if total > len(events) {
		value["events_not_kept"] = total - len(events)
	}
	for k, ev := range events {
		if problem := checkJSON(ev, streamEvent); problem != "" {
			o.warnings = append(o.warnings, fmt.Sprintf("%s.%s sent event %d %s, which the gateway's decoder refuses (it skips it): %s",
				i.kind, s.Name, k+1, clip(ev), problem))
		}
	}
	if os.done < 0 {
		o.warnings = append(o.warnings, fmt.Sprintf("%s.%s sent no terminal event (done or err) within %d ms: the gateway would keep "+
			"the request waiting (it sets no budget on a stream); the harness cancels it", i.kind, s.Name, wait.Milliseconds()))
	}
	if n := st.fromPlugin.Load(); n > 0 {
		value["callbacks_on_plugin_threads"] = n
	}
	o.value = value
	return o
}

// cancelStream calls cancel_stream(h, token) for the open stream, as the gateway's drop guard
// does, and checks that no callback is running when it returns and none arrives after.
func (i *instance) cancelStream(s *SlotSpec, fn uintptr) outcome {
	os := i.stream
	if os == nil {
		return outcome{value: "no open stream: nothing to cancel"}
	}
	i.stream = nil
	callWords(fn, i.handle, os.token)
	var o outcome
	st := os.sink
	if n := st.inflight.Load(); n > 0 {
		o.violations = append(o.violations, fmt.Sprintf("%s.%s returned while %d sink callback(s) were still running: "+
			"the gateway frees the sink as cancel returns (a use-after-free)", i.kind, s.Name, n))
	}
	_, total := st.snapshot() // what the stream sent before cancel returned
	st.cancelReturned.Store(true)
	time.Sleep(cancelGrace)
	if n := st.late.Load(); n > 0 {
		o.violations = append(o.violations, fmt.Sprintf("%s.execute_streaming's sink was called %d time(s) after %s returned: "+
			"the gateway frees the sink as cancel returns (a use-after-free)", i.kind, n, s.Name))
	}
	value := map[string]any{"token": handleText(os.token)}
	if os.done >= 0 && total > os.done+1 {
		after := total - os.done - 1
		value["events_after_done"] = after
		o.warnings = append(o.warnings, fmt.Sprintf("%s.execute_streaming sent %d event(s) after done: the gateway's drain reads them, then waits", i.kind, after))
	}
	o.value = value
	return o
}

// handleText shows a stream token; usize::MAX is the SDK's "nothing to cancel".
func handleText(h uintptr) any {
	if uint64(h) == math.MaxUint64 {
		return "usize::MAX (nothing to cancel)"
	}
	if h == 0 {
		return 0
	}
	return "non-zero"
}

func decodeEvents(events []string) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(events))
	for _, ev := range events {
		out = append(out, jsonOrText(ev))
	}
	return out
}
