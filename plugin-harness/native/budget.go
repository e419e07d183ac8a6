//go:build (linux || darwin) && (amd64 || arm64)

package native

// Judging calls by ffi_limits the way the gateway does (docs/native-abi.md §6.5). The gateway runs
// each Tier-1 call on a blocking thread and stops waiting after data_timeout_ms, answering with its
// timeout decision while the thread runs on; make, manifest_json, shutdown and drop_instance it
// calls directly, with no budget at all; and it puts no cap on the strings these slots return.

import (
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"
)

// payloadCap is ffi_limits.max_payload_bytes of the run (one instance per worker, as theHost).
var payloadCap uint64 = DefaultMaxPayloadBytes

// watchdog watches the data-slot call in flight. A call still running at its deadline is
// reported from the watchdog's goroutine with the gateway's timeout decision, and the run is
// abandoned: the driver's thread is inside the plugin and may never come back.
//
// The driver only stores atomics around each call, cheap enough for --repeat; the goroutine
// sleeps until the deadline of the call in flight, or a whole deadline while none is, so every
// call is caught at its deadline. (A timer the driver resets per call costs more, and makes the
// Go runtime start more threads while the plugin runs: a thread started after one of the
// plugin's has ended reuses that thread's cached stack, whose TLS valgrind then charges to the
// plugin's pthread_create; valgrind.txtar suppresses that report.)
type watchdog struct {
	deadline time.Duration
	state    atomic.Uint64 // generation<<2 | watchIdle, watchRunning or watchAbandoned
	start    atomic.Int64  // when the armed call started, in ns since clockBase
	stopped  atomic.Bool
	// expired reports the call in flight; set before the first arm, which publishes it.
	expired func(elapsed time.Duration)
}

const (
	watchIdle      = 0
	watchRunning   = 1
	watchAbandoned = 2
)

var clockBase = time.Now()

func clockNow() int64 { return int64(time.Since(clockBase)) }

// newWatchdog starts a watchdog for calls of the data budget, or returns nil when that budget
// never fires.
func newWatchdog(l *FFILimits) *watchdog {
	if l == nil {
		return nil
	}
	return newWatchdogMS(l.DataTimeoutMS)
}

// newWatchdogMS starts a watchdog for calls held to ms milliseconds, or returns nil when that
// budget never fires.
func newWatchdogMS(ms uint64) *watchdog {
	d, ok := budget(ms)
	if !ok {
		return nil
	}
	w := &watchdog{deadline: d + timerSlack}
	go w.watch()
	return w
}

func (w *watchdog) watch() {
	for !w.stopped.Load() {
		wait := w.deadline
		if v := w.state.Load(); v&3 == watchRunning {
			elapsed := time.Duration(clockNow() - w.start.Load())
			if elapsed >= w.deadline {
				if w.state.CompareAndSwap(v, v&^3|watchAbandoned) {
					w.expired(elapsed)
					return
				}
				continue // the call returned meanwhile
			}
			wait = w.deadline - elapsed // (or the next call's own wait, if it started meanwhile)
		}
		time.Sleep(wait)
	}
}

// arm starts watching a call that is about to be made.
func (w *watchdog) arm() {
	w.start.Store(clockNow())
	w.state.Store((w.state.Load()>>2+1)<<2 | watchRunning)
}

// disarm ends the watch of the call that just returned. false: the watchdog reported that call
// first, and the run is over.
func (w *watchdog) disarm() bool {
	v := w.state.Load()
	return v&3 == watchRunning && w.state.CompareAndSwap(v, v&^3|watchIdle)
}

// stop ends the goroutine (at its next wake-up) once no call is left to watch.
func (w *watchdog) stop() { w.stopped.Store(true) }

// park is where the driver stays when the watchdog has reported its call: nothing more may be
// sent, and the worker is about to be ended. (A sleep, not select{}: with every goroutine
// blocked on nothing, the runtime would die of "all goroutines are asleep" first.)
func park() {
	for {
		time.Sleep(time.Hour)
	}
}

// callBudget is the ffi_limits budget the call in flight is held to, and what the gateway answers
// in the plugin's place past it.
type callBudget struct {
	field string // data_timeout_ms, control_timeout_ms
	ms    uint64
	wd    *watchdog
	// output is the gateway's answer in the plugin's place; dropped says it answers nothing (a
	// void slot: the record is dropped).
	output  func() json.RawMessage
	dropped bool
}

// budgetNow returns the budget of the call in flight: the plan call's (i.cur), else a Tier-1
// call's data_timeout_ms; nil when calls are not judged.
func (i *instance) budgetNow() *callBudget {
	if i.cur != nil {
		return i.cur
	}
	if i.limits == nil {
		return nil
	}
	if i.tier1 == nil { // made once: judgeLate asks on every --repeat run
		i.tier1 = &callBudget{field: "data_timeout_ms", ms: i.limits.DataTimeoutMS, wd: i.wd, output: func() json.RawMessage {
			out, _ := json.Marshal(timeoutDecision(i.kind, i.id))
			return out
		}}
	}
	return i.tier1
}

// callDeadline returns the budget of the call in flight as a duration, ok false when it never fires.
func (i *instance) callDeadline() (time.Duration, bool) {
	b := i.budgetNow()
	if b == nil {
		return 0, false
	}
	return budget(b.ms)
}

// timedOut marks c as overrunning b and puts the gateway's answer (or none) in place of the plugin's.
func (b *callBudget) timedOut(c *Call) {
	c.TimedOut, c.Panicked = true, false
	if b.field != "data_timeout_ms" {
		c.Budget = b.field
	}
	if b.dropped {
		c.Output = nil
		return
	}
	c.Output = b.output()
}

// decides says what the gateway does past b, for the notes.
func (b *callBudget) decides() string {
	if b.dropped {
		return "drops the call's record"
	}
	return "decides this in the plugin's place"
}

// watchCall prepares the watchdog of one repeat: when it fires, c is reported as the gateway
// would have decided it, and the run is abandoned.
func (i *instance) watchCall(wd *watchdog, ev Events, c *Call, times *[]int64, run *int, n int) {
	b := i.budgetNow()
	wd.expired = func(elapsed time.Duration) {
		b.timedOut(c)
		note := fmt.Sprintf("%s did not return within ffi_limits.%s (%d ms): the gateway stops waiting "+
			"there and %s; its thread stays inside the plugin, as the harness's does",
			c.Slot, b.field, b.ms, b.decides())
		if *run == 0 {
			c.Nanos = elapsed.Nanoseconds()
			c.HostCalls = theHost.take()
		} else {
			note = fmt.Sprintf("run %d of %d: %s", *run+1, n, note)
			c.Nanos = (*times)[0]
			if len(*times) > 1 {
				c.Timing = summarise(*times)
			}
		}
		c.Warnings = append(c.Warnings, note)
		ev.Call(c)
		ev.Abandoned(fmt.Sprintf("the run ended in %s: that call is still inside the plugin (the gateway cannot stop "+
			"its thread either), so no further slot was called (no shutdown, no drop_instance) and the worker was ended", c.Slot))
	}
}

// judgeLate applies data_timeout_ms to a call that returned: one that ran past the gateway's
// deadline gets its timeout decision (and the run goes on, the thread being back); one within the
// timer's last millisecond is let through with a note. It reports whether the call timed out.
func (i *instance) judgeLate(c *Call, run, n int, took time.Duration, own json.RawMessage, noted *bool) bool {
	d, ok := i.callDeadline()
	b := i.budgetNow()
	switch {
	case !ok || took <= d:
		return false
	case took < d+timerSlack:
		if !*noted {
			*noted = true
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s took %s, just past ffi_limits.%s (%d ms): "+
				"the gateway's timer counts whole milliseconds, so it may have timed out there too", c.Slot, round(took), b.field, b.ms))
		}
		return false
	}
	b.timedOut(c)
	note := fmt.Sprintf("%s returned after %s, past ffi_limits.%s (%d ms): the gateway stops waiting "+
		"there and %s; the plugin's own answer, %s, comes too late",
		c.Slot, round(took), b.field, b.ms, b.decides(), clip(string(own)))
	if run > 0 {
		note = fmt.Sprintf("run %d of %d: %s", run+1, n, note)
	}
	c.Warnings = append(c.Warnings, note)
	return true
}

// lifecycleNote says when a lifecycle slot ran over lifecycle_timeout_ms, which the gateway
// documents for these slots but does not apply to them.
func (i *instance) lifecycleNote(c *Call) {
	if i.limits == nil {
		return
	}
	d, ok := budget(i.limits.LifecycleTimeoutMS)
	if took := time.Duration(c.Nanos); ok && took > d {
		c.Warnings = append(c.Warnings, fmt.Sprintf("%s took %s, over ffi_limits.lifecycle_timeout_ms (%d ms), but the "+
			"gateway calls %s without a timeout (no make, manifest_json, shutdown or drop_instance is held to "+
			"lifecycle_timeout_ms), so nothing changes", c.Slot, round(took), i.limits.LifecycleTimeoutMS, c.Slot))
	}
}

// payloadNote says when a returned string is over max_payload_bytes, a cap the gateway applies to
// backend, content_store and http_route results but not to these slots: the value stands.
func payloadNote(what string, n int) string {
	return fmt.Sprintf("%s is %d bytes, over ffi_limits.max_payload_bytes (%d), but the gateway caps only "+
		"backend, content_store and http_route results, not this one: the value stands", what, n, payloadCap)
}

// round keeps a duration in a note readable: microseconds are enough next to a millisecond budget.
func round(d time.Duration) time.Duration { return d.Round(time.Microsecond) }
