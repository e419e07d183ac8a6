//go:build (linux || darwin) && (amd64 || arm64)

package native

// The host's dispatcher (DispatcherCallbackRef: ctx, dispatch(usize, RString session_id, RString
// message_json) → DispatcherCallbackResult), docs/native-kinds.md §1, §9, §11.3. One purego
// callback for the whole process (purego allows 2000, never freed), told apart by ctx: a fresh
// integer per transport start, never a Go pointer. Its result is a 32-byte struct (one RString)
// returned through sret, the shape host.go's RString-returning services already use. States are
// never deleted while the worker lives, so a dispatch after close or drop still finds its state
// and is reported, not a crash.

import (
	"encoding/json"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/ebitengine/purego"
)

// The life of a transport handle as the dispatcher sees it; a dispatch is judged by the phase it
// arrives in.
const (
	phaseStarting int32 = iota // start has not returned: the gateway's bridge is live
	phaseOpen                  // start returned a handle: listening
	phaseClosed                // transport_handle_close returned: no new dispatch expected
	phaseFreed                 // the handle's drop returned, or start returned handle 0: the gateway freed the bridge
)

// maxKeptDispatches bounds the dispatches kept for the report (the rest are counted).
const maxKeptDispatches = 16

// dispatchRecord is one dispatch as the report shows it.
type dispatchRecord struct {
	Session string `json:"session_id"`
	// Message is the message's bytes as text when they are UTF-8, else as the array of bytes;
	// message_json itself when it is not {"bytes": [u8…]}.
	Message any             `json:"message"`
	Reply   json.RawMessage `json:"reply"`
	Thread  string          `json:"thread"` // "plugin": a thread the plugin made; "driver": the thread that called the slot
	After   string          `json:"after,omitempty"`
	phase   int32           // when it arrived
}

// dispatchState is one transport's dispatcher, as seen from the host side.
type dispatchState struct {
	inflight   atomic.Int32
	phase      atomic.Int32
	afterClose atomic.Int32
	afterFree  atomic.Int32

	mu       sync.Mutex
	records  []dispatchRecord // not yet reported
	dropped  int              // not kept (over maxKeptDispatches)
	total    int
	problems []string // contract breaks seen in dispatches, not yet reported
}

var (
	dispatchMu         sync.Mutex
	dispatchers        = map[uintptr]*dispatchState{}
	nextDispatchCtx    uintptr
	dispatchFn         uintptr
	makeDispatchFn     sync.Once
	unknownDispatchers atomic.Int32 // dispatches naming a ctx the harness never handed out
)

// newDispatcher registers a dispatcher and returns its ctx and the callback's address.
func newDispatcher() (uintptr, uintptr, *dispatchState) {
	makeDispatchFn.Do(func() { dispatchFn = purego.NewCallback(dispatchCallback) })
	st := &dispatchState{}
	dispatchMu.Lock()
	nextDispatchCtx++
	ctx := nextDispatchCtx
	dispatchers[ctx] = st
	dispatchMu.Unlock()
	return ctx, dispatchFn, st
}

// dispatchCallback is dispatch(ctx, session_id, message_json): the host owns both arguments and
// drops each through its own vtable; the reply is built with the plugin's allocator, because the
// plugin owns and drops it (docs/native-abi.md §3). It may run on any thread, also while start is
// running, and must answer without waiting on the driver.
func dispatchCallback(ctx uintptr, session, message rstring) rstring {
	dispatchMu.Lock()
	st := dispatchers[ctx]
	dispatchMu.Unlock()
	if st == nil {
		takeArg(session)
		takeArg(message)
		unknownDispatchers.Add(1)
		return theHost.give(DefaultDispatchReply)
	}
	st.inflight.Add(1)
	defer st.inflight.Add(-1)
	rec := dispatchRecord{Thread: "driver", phase: st.phase.Load()}
	switch rec.phase {
	case phaseClosed:
		st.afterClose.Add(1)
		rec.After = "transport_handle_close returned"
	case phaseFreed:
		st.afterFree.Add(1)
		rec.After = "the gateway freed the dispatcher"
	}
	if tid := threadID(); tid != 0 && tid != theHost.driver {
		rec.Thread = "plugin"
	}
	rec.Session = takeArg(session)
	text := takeArg(message)
	reply, problem := dispatchAnswer(text)
	rec.Message = messageShown(text, problem == "")
	rec.Reply = jsonOrText(reply)
	st.mu.Lock()
	st.total++
	if len(st.records) < maxKeptDispatches {
		st.records = append(st.records, rec)
	} else {
		st.dropped++
	}
	if problem != "" && len(st.problems) < maxKeptDispatches {
		st.problems = append(st.problems, problem)
	}
	st.mu.Unlock()
	return theHost.give(reply)
}

// dispatchAnswer is the reply to one message_json, as the gateway's bridge decides it: a
// message that is not {"bytes": [u8…]} is answered invalid_message without reaching the
// dispatcher (and is a contract break here); any other gets the canned reply.
func dispatchAnswer(message string) (reply, problem string) {
	if p := checkJSON(message, dispatchMessage); p != "" {
		// The gateway's reason carries serde's error text; ours names the same fault our way.
		reason, _ := json.Marshal("malformed dispatch message_json: " + p)
		return `{"err":{"kind":"invalid_message","reason":` + string(reason) + `}}`,
			"sent message_json " + clip(message) + ", which is not {\"bytes\": [u8…]} (" + p + "): the gateway answers it invalid_message and never dispatches it"
	}
	return theHost.answers.DispatchReply(), ""
}

// messageShown is what the report shows of a message: its bytes as text when they are UTF-8,
// else the bytes; message_json itself when it did not decode.
func messageShown(message string, decodes bool) any {
	if !decodes {
		return message
	}
	var m struct {
		Raw []int `json:"bytes"`
	}
	if json.Unmarshal([]byte(message), &m) != nil {
		return message
	}
	b := make([]byte, len(m.Raw))
	for k, v := range m.Raw {
		b[k] = byte(v)
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return m.Raw
}

// take returns the dispatches and problems not reported yet, and how many were not kept.
func (st *dispatchState) take() ([]dispatchRecord, []string, int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	records, problems, dropped := st.records, st.problems, st.dropped
	st.records, st.problems, st.dropped = nil, nil, 0
	return records, problems, dropped
}
