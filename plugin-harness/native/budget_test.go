//go:build (linux || darwin) && (amd64 || arm64)

package native

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestWatchdogReportsACallStillRunning(t *testing.T) {
	wd := newWatchdog(&FFILimits{DataTimeoutMS: 20})
	defer wd.stop()
	fired := make(chan time.Duration, 2)
	wd.expired = func(elapsed time.Duration) { fired <- elapsed }
	wd.arm()
	var elapsed time.Duration
	select {
	case elapsed = <-fired:
	case <-time.After(5 * time.Second):
		t.Fatal("the watchdog never fired for a call running past its budget")
	}
	if elapsed < 21*time.Millisecond {
		t.Errorf("fired after %v, before the budget and the timer's millisecond", elapsed)
	}
	if wd.disarm() {
		t.Error("a call the watchdog reported must not be reported again by the driver")
	}
	select {
	case <-fired:
		t.Error("fired twice")
	case <-time.After(50 * time.Millisecond):
	}
}

// Calls that return in time are never reported, however late an earlier call's timer fires.
func TestWatchdogLetsCallsInTimeGo(t *testing.T) {
	wd := newWatchdog(&FFILimits{DataTimeoutMS: 0}) // the deadline is the timer's millisecond alone
	defer wd.stop()
	var fired atomic.Int32
	wd.expired = func(time.Duration) { fired.Add(1) }
	for range 20000 {
		wd.arm()
		if !wd.disarm() {
			t.Fatal("a call that returned at once was taken for a timed-out one")
		}
	}
	time.Sleep(20 * time.Millisecond)
	if n := fired.Load(); n != 0 {
		t.Errorf("the watchdog reported %d calls that returned in time", n)
	}
}

func TestNoWatchdogForABudgetThatNeverFires(t *testing.T) {
	if newWatchdog(&FFILimits{DataTimeoutMS: 1<<64 - 1}) != nil || newWatchdog(nil) != nil {
		t.Error("a watchdog for a budget that never fires")
	}
}

func TestJudgeLate(t *testing.T) {
	i := &instance{kind: "tool_gate", id: "com.example.p", limits: &FFILimits{DataTimeoutMS: 10}}
	own := []byte(`{"decision":"allow"}`)
	c, noted := &Call{Slot: "evaluate_pre_dispatch", Output: own}, false
	if i.judgeLate(c, 0, 1, 9*time.Millisecond, own, &noted) || len(c.Warnings) > 0 || c.TimedOut {
		t.Errorf("a call within its budget: %+v", c)
	}
	if i.judgeLate(c, 0, 1, 10500*time.Microsecond, own, &noted) || c.TimedOut {
		t.Errorf("a call within the timer's millisecond is let through: %+v", c)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "just past ffi_limits.data_timeout_ms (10 ms)") {
		t.Errorf("the borderline note: %q", c.Warnings)
	}
	i.judgeLate(c, 1, 3, 10500*time.Microsecond, own, &noted)
	if len(c.Warnings) != 1 {
		t.Errorf("the borderline note is given once: %q", c.Warnings)
	}
	if !i.judgeLate(c, 2, 3, 12*time.Millisecond, own, &noted) || !c.TimedOut {
		t.Fatalf("a call past its budget and the timer's millisecond times out: %+v", c)
	}
	want := `{"decision":"deny","http_status":504,"code":-32603,"message":"native plugin 'com.example.p' timed out"}`
	if string(c.Output) != want {
		t.Errorf("output %s, want %s", c.Output, want)
	}
	if last := c.Warnings[len(c.Warnings)-1]; !strings.HasPrefix(last, "run 3 of 3: evaluate_pre_dispatch returned after 12ms") ||
		!strings.Contains(last, `the plugin's own answer, {"decision":"allow"}, comes too late`) {
		t.Errorf("the timeout note: %q", last)
	}
	unjudged := &instance{kind: "transform"}
	if unjudged.judgeLate(&Call{}, 0, 1, time.Hour, own, &noted) {
		t.Error("an instance without limits (deriving the manifest) is not judged")
	}
}

func TestLifecycleNote(t *testing.T) {
	i := &instance{limits: &FFILimits{LifecycleTimeoutMS: 5}}
	c := &Call{Slot: "make", Nanos: int64(4 * time.Millisecond)}
	if i.lifecycleNote(c); len(c.Warnings) != 0 {
		t.Errorf("within budget: %q", c.Warnings)
	}
	c.Nanos = int64(6 * time.Millisecond)
	if i.lifecycleNote(c); len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "the gateway calls make without a timeout") {
		t.Errorf("over budget: %q", c.Warnings)
	}
}

func TestPayloadNotes(t *testing.T) {
	defer func(cap uint64) { payloadCap = cap }(payloadCap)
	payloadCap = 4
	d := &decoder{what: "evaluate_pre_dispatch's Allow"}
	d.sized("metadata_json", 4)
	if w := d.payloadWarnings(nil); len(w) != 0 {
		t.Errorf("at the cap: %q", w)
	}
	d.sized("metadata_json", 5)
	d.sized("modified_result_json", 9)
	d.sized("modified_arguments_json", 9)
	w := d.payloadWarnings([]string{"earlier"})
	if len(w) != 2 || !strings.HasPrefix(w[1], "evaluate_pre_dispatch's Allow metadata_json is 5 bytes, over ffi_limits.max_payload_bytes (4)") ||
		!strings.HasSuffix(w[1], "(and 2 more strings of this result are over it)") {
		t.Errorf("over the cap: %q", w)
	}
}
