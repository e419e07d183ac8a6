//go:build (linux || darwin) && (amd64 || arm64)

package native

// What every streaming kind shares (docs/native-kinds.md §11.2, §11.3): reading the strings of a
// handle record returned through sret (StreamHandle, HttpHandleResult, LeaseHandle), waiting on a
// sink for the events that end a stream, and checking a cancel slot against the sink as the
// gateway relies on it: no callback running when cancel returns, none after.

import (
	"fmt"
	"time"
)

// takeStrings reads the RString fields at the given word offsets of a record the plugin returned
// through sret, drops each through its own vtable (in every branch: the host's values drop at
// scope end), and clears the record. A field that is not a readable RString is a violation
// naming the record and the slot.
func (i *instance) takeStrings(slot, record string, sret []uintptr, wordOffsets ...int) ([]string, []string) {
	texts := make([]string, len(wordOffsets))
	var violations []string
	for k, w := range wordOffsets {
		addr := addrOf(sret) + uintptr(w*8)
		text, err := readString(addr)
		drop(addr)
		if err != nil {
			violations = append(violations, fmt.Sprintf("%s.%s returned a %s whose %v", i.kind, slot, record, err))
		}
		texts[k] = text
	}
	clear(sret)
	return texts, violations
}

// waitUntil waits for the sink's events to satisfy done, up to wait; it reports whether they did.
func (st *sinkState) waitUntil(done func(events []string) bool, wait time.Duration) bool {
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		if events, _ := st.snapshot(); done(events) {
			return true
		}
		select {
		case <-st.signal:
		case <-deadline.C:
			events, _ := st.snapshot()
			return done(events)
		}
	}
}

// closed is what the harness checks right after the slot that ends a sink's life returned (a
// cancel slot, or a call that returned handle 0): no callback may still be running, and none may
// arrive within the grace period after it, because the gateway frees the sink right then. what
// names that slot for the report ("cancel_watch returned", "the slot returned handle 0").
func (i *instance) closed(st *sinkState, what string) []string {
	var violations []string
	if n := st.inflight.Load(); n > 0 {
		violations = append(violations, fmt.Sprintf("%s.%s's sink had %d callback(s) still running when %s: "+
			"the gateway frees the sink then (a use-after-free)", i.kind, st.slot, n, what))
	}
	st.cancelReturned.Store(true)
	time.Sleep(cancelGrace)
	if n := st.late.Load(); n > 0 {
		violations = append(violations, fmt.Sprintf("%s.%s's sink was called %d time(s) after %s: "+
			"the gateway has freed the sink by then (a use-after-free)", i.kind, st.slot, n, what))
	}
	return violations
}

// watchWait is how long the harness listens to a watch-like stream (a watch, a subscription, a
// transport's dispatches) before cancelling it (ours: the gateway listens until shutdown). A
// variable only so that the benchmarks time the calls without the listening.
var watchWait = 200 * time.Millisecond
