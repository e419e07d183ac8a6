package wasip2

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

const (
	mono   = "wasi:clocks/monotonic-clock@0.2.0"
	wall   = "wasi:clocks/wall-clock@0.2.0"
	env    = "wasi:cli/environment@0.2.0"
	random = "wasi:random/random@0.2.0"
)

// pollList writes handles as a list<borrow<pollable>> at ptr.
func pollList(g *guest, ptr uint32, handles ...uint32) {
	for i, h := range handles {
		g.Memory().WriteUint32Le(ptr+uint32(i)*4, h)
	}
}

// readyList reads the list<u32> poll returned at retptr.
func readyList(g *guest) []uint32 {
	p, n := g.u32(retptr), g.u32(retptr+4)
	out := make([]uint32, n)
	for i := range out {
		out[i] = g.u32(p + uint32(i)*4)
	}
	return out
}

func TestPollablesAndSleep(t *testing.T) {
	h, g := New(Config{MaxBlock: 2 * time.Second}), newGuest(t)
	now := mustInvoke(t, h, g, mono, "now")[0]
	zero := uint32(mustInvoke(t, h, g, mono, "subscribe-duration", 0)[0])
	soon := uint32(mustInvoke(t, h, g, mono, "subscribe-duration", uint64(30*time.Millisecond))[0])
	past := uint32(mustInvoke(t, h, g, mono, "subscribe-instant", now)[0])
	if mustInvoke(t, h, g, pollI, "[method]pollable.ready", uint64(zero))[0] != 1 ||
		mustInvoke(t, h, g, pollI, "[method]pollable.ready", uint64(past))[0] != 1 {
		t.Error("a zero duration and a past instant are ready at once")
	}
	if mustInvoke(t, h, g, pollI, "[method]pollable.ready", uint64(soon))[0] != 0 {
		t.Error("a 30 ms sleep is not ready at once")
	}
	pollList(g, 4096, soon, zero)
	mustInvoke(t, h, g, pollI, "poll", 4096, 2, retptr)
	if got := readyList(g); len(got) != 1 || got[0] != 1 {
		t.Errorf("poll [soon, zero] = %v, want [1]", got)
	}
	began := time.Now()
	pollList(g, 4096, soon, soon)
	mustInvoke(t, h, g, pollI, "poll", 4096, 2, retptr)
	if got := readyList(g); len(got) != 2 {
		t.Errorf("poll [soon, soon] = %v, want both", got)
	}
	if d := time.Since(began); d < 20*time.Millisecond {
		t.Errorf("poll returned after %s, before the deadline", d)
	}
	if end := mustInvoke(t, h, g, mono, "now")[0]; end-now < uint64(30*time.Millisecond) {
		t.Errorf("the monotonic clock advanced %d ns over a 30 ms sleep", end-now)
	}
	later := uint32(mustInvoke(t, h, g, mono, "subscribe-duration", uint64(10*time.Millisecond))[0])
	mustInvoke(t, h, g, pollI, "[method]pollable.block", uint64(later))
	if mustInvoke(t, h, g, pollI, "[method]pollable.ready", uint64(later))[0] != 1 {
		t.Error("ready after block")
	}
	if h.Blocked() < 30*time.Millisecond {
		t.Errorf("blocked %s", h.Blocked())
	}
	_, err := invoke(t, h, g, pollI, "poll", 4096, 0, retptr)
	wantTrap(t, err, "empty poll list")
	if r := mustInvoke(t, h, g, mono, "resolution")[0]; r != 1 {
		t.Errorf("resolution %d", r)
	}
}

func TestSleepIsBounded(t *testing.T) {
	h, g := New(Config{MaxBlock: 50 * time.Millisecond}), newGuest(t)
	long := uint32(mustInvoke(t, h, g, mono, "subscribe-duration", uint64(time.Hour))[0])
	began := time.Now()
	_, err := invoke(t, h, g, pollI, "[method]pollable.block", uint64(long))
	var be *BlockedError
	if !errors.As(err, &be) || be.Cause != nil || be.Requested < 59*time.Minute {
		t.Fatalf("got %v, want a BlockedError for the bound", err)
	}
	if d := time.Since(began); d < 45*time.Millisecond || d > time.Second {
		t.Errorf("blocked %s for a 50 ms bound", d)
	}
	// The bound is for the whole call: a second wait fails at once.
	began = time.Now()
	_, err = invoke(t, h, g, pollI, "[method]pollable.block", uint64(long))
	if !errors.As(err, &be) || time.Since(began) > 20*time.Millisecond {
		t.Errorf("second wait: %v after %s", err, time.Since(began))
	}
	// Forever (a duration past the clock's range) is bounded the same way.
	h2 := New(Config{MaxBlock: 10 * time.Millisecond})
	never := uint32(mustInvoke(t, h2, g, mono, "subscribe-duration", 1<<64-1)[0])
	_, err = invoke(t, h2, g, pollI, "[method]pollable.block", uint64(never))
	if !errors.As(err, &be) || be.Requested >= 0 || !strings.Contains(err.Error(), "forever") {
		t.Errorf("forever: %v", err)
	}
	// The call's context ends a wait too.
	h3 := New(Config{MaxBlock: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	sleeper := uint32(mustInvoke(t, h3, g, mono, "subscribe-duration", uint64(time.Minute))[0])
	pollList(g, 4096, sleeper)
	_, err = invokeCtx(ctx, t, h3, g, pollI, "poll", 4096, 1, retptr)
	if !errors.As(err, &be) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled poll: %v", err)
	}
}

func TestWallClock(t *testing.T) {
	fixed := time.Date(2026, 12, 5, 10, 0, 0, 123456789, time.UTC)
	h, g := New(Config{WallClock: func() time.Time { return fixed }}), newGuest(t)
	mustInvoke(t, h, g, wall, "now", retptr)
	if g.u64(retptr) != uint64(fixed.Unix()) || g.u32(retptr+8) != 123456789 {
		t.Errorf("now = %d.%d", g.u64(retptr), g.u32(retptr+8))
	}
	mustInvoke(t, h, g, wall, "resolution", retptr)
	if g.u64(retptr) != 0 || g.u32(retptr+8) != 1 {
		t.Error("resolution 1 ns")
	}
	h = New(Config{})
	mustInvoke(t, h, g, wall, "now", retptr)
	if d := time.Since(time.Unix(int64(g.u64(retptr)), int64(g.u32(retptr+8)))); d < 0 || d > time.Minute {
		t.Errorf("host wall clock off by %s", d)
	}
}

func TestRandom(t *testing.T) {
	src := bytes.NewReader(append(bytes.Repeat([]byte{7}, 16), 1, 2, 3, 4, 5, 6, 7, 8))
	h, g := New(Config{Random: src}), newGuest(t)
	mustInvoke(t, h, g, random, "get-random-bytes", 16, retptr)
	p, n := g.u32(retptr), g.u32(retptr+4)
	if n != 16 || !bytes.Equal(g.bytes(p, n), bytes.Repeat([]byte{7}, 16)) {
		t.Errorf("get-random-bytes: %d bytes %x", n, g.bytes(p, n))
	}
	if g.reallocs[0] != [4]uint32{0, 0, 1, 16} {
		t.Errorf("realloc %v", g.reallocs[0])
	}
	if v := mustInvoke(t, h, g, random, "get-random-u64")[0]; v != 0x0807060504030201 {
		t.Errorf("get-random-u64 %x", v)
	}
	_, err := invoke(t, h, g, random, "get-random-bytes", 64<<20+1, retptr)
	wantTrap(t, err, "requested len 67108865 exceeds limit 67108864")
	_, err = invoke(t, h, g, "wasi:random/insecure@0.2.0", "get-insecure-random-bytes", 1<<40, retptr)
	wantTrap(t, err, "requested len 1099511627776 exceeds limit 67108864")
	mustInvoke(t, h, g, "wasi:random/insecure@0.2.0", "get-insecure-random-bytes", 13, retptr)
	if g.u32(retptr+4) != 13 {
		t.Error("insecure bytes length")
	}
	mustInvoke(t, h, g, "wasi:random/insecure-seed@0.2.0", "insecure-seed", retptr)
	a, b := g.u64(retptr), g.u64(retptr+8)
	mustInvoke(t, h, g, "wasi:random/insecure-seed@0.2.0", "insecure-seed", retptr)
	if g.u64(retptr) != a || g.u64(retptr+8) != b || a == 0 && b == 0 {
		t.Error("insecure-seed is one fixed nonzero value per context")
	}
	// An exhausted source fails the call rather than handing out predictable bytes.
	_, err = invoke(t, h, g, random, "get-random-bytes", 8, retptr)
	if err == nil || !strings.Contains(err.Error(), "random source") {
		t.Errorf("exhausted source: %v", err)
	}
}

func TestEnvironmentIsEmpty(t *testing.T) {
	h, g := New(Config{}), newGuest(t)
	g.write(retptr, bytes.Repeat([]byte{0xAA}, 8))
	mustInvoke(t, h, g, env, "get-environment", retptr)
	if g.u32(retptr+4) != 0 {
		t.Error("environment not empty")
	}
	mustInvoke(t, h, g, "wasi:cli/environment@0.2.4", "get-arguments", retptr)
	if g.u32(retptr+4) != 0 {
		t.Error("arguments not empty")
	}
	// Wasmtime calls realloc for an empty list too.
	want := [][4]uint32{{0, 0, 4, 0}, {0, 0, 4, 0}}
	if len(g.reallocs) != 2 || g.reallocs[0] != want[0] || g.reallocs[1] != want[1] {
		t.Errorf("reallocs %v, want %v", g.reallocs, want)
	}
	g.write(retptr, []byte{0xAA})
	mustInvoke(t, h, g, env, "initial-cwd", retptr)
	if g.u8(retptr) != 0 {
		t.Error("initial-cwd is none")
	}
	for _, name := range []string{"get-terminal-stdin", "get-terminal-stdout", "get-terminal-stderr"} {
		iface := "wasi:cli/terminal-" + strings.TrimPrefix(name, "get-terminal-") + "@0.2.0"
		g.write(retptr, []byte{0xAA})
		mustInvoke(t, h, g, iface, name, retptr)
		if g.u8(retptr) != 0 {
			t.Errorf("%s is none", name)
		}
	}
	mustInvoke(t, h, g, "wasi:filesystem/preopens@0.2.0", "get-directories", retptr)
	if g.u32(retptr+4) != 0 {
		t.Error("preopens not empty")
	}
}

func TestExit(t *testing.T) {
	g := newGuest(t)
	for status, code := range map[uint64]int{0: 0, 1: 1} {
		h := New(Config{})
		_, err := invoke(t, h, g, "wasi:cli/exit@0.2.0", "exit", status)
		var ee *ExitError
		if !errors.As(err, &ee) || ee.Code != code || h.Exited() != ee {
			t.Errorf("exit(%d): %v", status, err)
		}
		if want := "Exited with i32 exit status " + string(rune('0'+code)); err.Error() != want {
			t.Errorf("%q, want %q", err, want)
		}
	}
	_, err := invoke(t, New(Config{}), g, "wasi:cli/exit@0.2.0", "exit", 2)
	wantTrap(t, err, "invalid expected discriminant")
}
