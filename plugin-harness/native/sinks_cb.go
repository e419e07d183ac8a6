//go:build (linux || darwin) && (amd64 || arm64)

package native

// The host's event sink (EventSinkRef: ctx, callback(usize, RString)), docs/native-kinds.md §1,
// §11.3. The callback is a purego callback made once per process (purego allows 2000, never
// freed) and told apart by ctx: a fresh integer per stream, never a Go pointer. Entries are never
// deleted while the worker lives, so a late callback still finds its state and is reported.

import (
	"sync"
	"sync/atomic"

	"github.com/ebitengine/purego"
)

// maxKeptEvents bounds the events a sink keeps for the report (the rest are counted).
const maxKeptEvents = 16

// sinkState is one stream's sink (an event sink, or a bytes sink: sinks_bytes_cb.go), as seen
// from the host side.
type sinkState struct {
	slot     string
	bytes    bool // a bytes sink: its events are chunks, not necessarily UTF-8
	inflight atomic.Int32
	// cancelReturned: the cancel slot (or a handle-0 return) has returned; any callback after it
	// is a use-after-free in the gateway, which frees the bridge right then.
	cancelReturned atomic.Bool
	late           atomic.Int32
	fromPlugin     atomic.Int32 // callbacks on a thread other than the driver's
	fromDriver     atomic.Int32 // callbacks on the driver's thread: inside the slot that was running
	// isEnd, when the driver sets it before handing the sink out, marks the event that ends the
	// stream; it is checked on every event, so an end past the kept ones is still seen.
	isEnd func(string) bool

	mu     sync.Mutex
	events []string
	total  int
	endAt  int           // the position among all events of the first one isEnd marked; -1: none yet
	bad    []string      // callbacks whose argument could not be read (bytes sinks)
	signal chan struct{} // one pending wake-up for the driver; never blocks the plugin
}

var (
	sinkMu       sync.Mutex
	sinks        = map[uintptr]*sinkState{}
	nextSinkCtx  uintptr
	eventSinkFn  uintptr
	makeEventFn  sync.Once
	unknownSinks atomic.Int32 // callbacks naming a ctx the harness never handed out (or another kind of sink's)
)

// newSink registers a sink for slot and returns its ctx and the callback's address.
func newSink(slot string) (uintptr, uintptr, *sinkState) {
	makeEventFn.Do(func() { eventSinkFn = purego.NewCallback(eventSinkCallback) })
	st := &sinkState{slot: slot}
	return register(st), eventSinkFn, st
}

// register gives st a fresh ctx, never reused while the worker lives.
func register(st *sinkState) uintptr {
	st.signal, st.endAt = make(chan struct{}, 1), -1
	sinkMu.Lock()
	defer sinkMu.Unlock()
	nextSinkCtx++
	sinks[nextSinkCtx] = st
	return nextSinkCtx
}

// lookup is the state of ctx for a callback of the bytes kind or not; nil (counted) for a ctx
// the harness never handed out to that callback.
func lookup(ctx uintptr, bytes bool) *sinkState {
	sinkMu.Lock()
	st := sinks[ctx]
	sinkMu.Unlock()
	if st == nil || st.bytes != bytes {
		unknownSinks.Add(1)
		return nil
	}
	return st
}

// eventSinkCallback is callback(ctx, event): the host owns event and drops it through its own
// vtable (takeArg); it may run on any thread, also while the slot that installed it is running.
func eventSinkCallback(ctx uintptr, ev rstring) {
	st := lookup(ctx, false)
	if st == nil {
		takeArg(ev)
		return
	}
	st.receive(func() (string, error) { return takeArg(ev), nil })
}

// receive is one callback into st: counted in flight while take copies and drops the argument,
// checked against cancel, kept (bounded), and the driver woken without blocking the plugin.
func (st *sinkState) receive(take func() (string, error)) {
	st.inflight.Add(1)
	defer st.inflight.Add(-1)
	if st.cancelReturned.Load() {
		st.late.Add(1)
	}
	switch tid := threadID(); {
	case tid == 0:
	case tid != theHost.driver:
		st.fromPlugin.Add(1)
	default:
		st.fromDriver.Add(1)
	}
	text, err := take()
	end := err == nil && st.isEnd != nil && st.isEnd(text)
	st.mu.Lock()
	switch {
	case err != nil: // reported, not counted as an event
		if len(st.bad) < maxKeptEvents {
			st.bad = append(st.bad, err.Error())
		}
	default:
		if end && st.endAt < 0 {
			st.endAt = st.total
		}
		st.total++
		if len(st.events) < maxKeptEvents {
			st.events = append(st.events, text)
		}
	}
	st.mu.Unlock()
	select {
	case st.signal <- struct{}{}:
	default:
	}
}

// ended returns the position of the event that ended the stream (isEnd), or -1.
func (st *sinkState) ended() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.endAt
}

// snapshot returns the events received so far and their total count.
func (st *sinkState) snapshot() ([]string, int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]string(nil), st.events...), st.total
}
