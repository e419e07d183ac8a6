package wasip2

import (
	"bytes"
	"testing"
)

const (
	streams = "wasi:io/streams@0.2.0"
	pollI   = "wasi:io/poll@0.2.0"
	stdout  = "wasi:cli/stdout@0.2.0"
	stderr  = "wasi:cli/stderr@0.2.0"
	stdin   = "wasi:cli/stdin@0.2.0"
)

func TestStdoutIsCapturedSink(t *testing.T) {
	h, g := New(Config{}), newGuest(t)
	out := handleOf(t, h, g, stdout, "get-stdout")
	errs := handleOf(t, h, g, stderr, "get-stderr")
	if out != 1 || errs != 2 {
		t.Fatalf("handles %d %d, want 1 2 (Wasmtime numbers from 1)", out, errs)
	}
	g.write(2048, []byte("hello, "))
	g.write(2100, []byte("world\n"))
	mustInvoke(t, h, g, streams, "[method]output-stream.write", uint64(out), 2048, 7, retptr)
	if g.u8(retptr) != 0 {
		t.Fatalf("write: result discriminant %d, want ok", g.u8(retptr))
	}
	mustInvoke(t, h, g, streams, "[method]output-stream.blocking-write-and-flush", uint64(out), 2100, 6, retptr)
	mustInvoke(t, h, g, streams, "[method]output-stream.blocking-write-and-flush", uint64(errs), 2100, 5, retptr)
	mustInvoke(t, h, g, streams, "[method]output-stream.blocking-flush", uint64(out), retptr)
	mustInvoke(t, h, g, streams, "[method]output-stream.flush", uint64(out), retptr)
	if got := h.Stdout().String(); got != "hello, world\n" {
		t.Errorf("stdout %q", got)
	}
	if got := h.Stderr().String(); got != "world" {
		t.Errorf("stderr %q", got)
	}

	// check-write: ok(u64::MAX), the payload 8-aligned after the discriminant.
	g.write(retptr, bytes.Repeat([]byte{0xAA}, 16))
	mustInvoke(t, h, g, streams, "[method]output-stream.check-write", uint64(out), retptr)
	if g.u8(retptr) != 0 || g.u64(retptr+8) != 1<<64-1 {
		t.Errorf("check-write: disc %d value %d", g.u8(retptr), g.u64(retptr+8))
	}

	// A blocking write over 4096 bytes traps and writes nothing.
	_, err := invoke(t, h, g, streams, "[method]output-stream.blocking-write-and-flush", uint64(out), 0, 4097, retptr)
	wantTrap(t, err, "Buffer too large for blocking-write-and-flush (expected at most 4096)")
	_, err = invoke(t, h, g, streams, "[method]output-stream.blocking-write-zeroes-and-flush", uint64(out), 4097, retptr)
	wantTrap(t, err, "Buffer too large for blocking-write-zeroes-and-flush (expected at most 4096)")
	if h.Stdout().Total != 13 {
		t.Errorf("stdout total %d after refused writes", h.Stdout().Total)
	}
	mustInvoke(t, h, g, streams, "[method]output-stream.write-zeroes", uint64(out), 3, retptr)
	mustInvoke(t, h, g, streams, "[method]output-stream.blocking-write-zeroes-and-flush", uint64(out), 4096, retptr)
	if o := h.Stdout(); o.Total != 13+3+4096 || !bytes.HasSuffix(o.Head, make([]byte, 4099)) {
		t.Errorf("after zeroes: total %d", o.Total)
	}
	// A plain write takes any length, as the sink's check-write promises.
	mustInvoke(t, h, g, streams, "[method]output-stream.write", uint64(out), 0, 40000, retptr)
}

func TestStdinIsClosed(t *testing.T) {
	h, g := New(Config{}), newGuest(t)
	in := handleOf(t, h, g, stdin, "get-stdin")
	for _, name := range []string{"read", "blocking-read", "skip", "blocking-skip"} {
		for _, n := range []uint64{0, 1, 1 << 40} {
			g.write(retptr, bytes.Repeat([]byte{0xAA}, 16))
			mustInvoke(t, h, g, streams, "[method]input-stream."+name, uint64(in), n, retptr)
			// result<_, stream-error> err(closed): disc 1, then stream-error disc 1 at its offset.
			off := uint32(4)
			if name == "skip" || name == "blocking-skip" {
				off = 8
			}
			if g.u8(retptr) != 1 || g.u8(retptr+off) != 1 {
				t.Errorf("%s(%d): discriminants %d %d, want err(closed)", name, n, g.u8(retptr), g.u8(retptr+off))
			}
		}
	}
	if len(g.reallocs) != 0 {
		t.Errorf("closed reads allocated: %v", g.reallocs)
	}
	out := handleOf(t, h, g, stdout, "get-stdout")
	mustInvoke(t, h, g, streams, "[method]output-stream.splice", uint64(out), uint64(in), 10, retptr)
	if g.u8(retptr) != 1 || g.u8(retptr+8) != 1 {
		t.Error("splice from stdin: want err(closed)")
	}
	mustInvoke(t, h, g, streams, "[method]output-stream.blocking-splice", uint64(out), uint64(in), 0, retptr)
	if g.u8(retptr) != 0 || g.u64(retptr+8) != 0 {
		t.Error("splice of 0 bytes: want ok(0)")
	}
	// The source of a splice must be an input stream.
	_, err := invoke(t, h, g, streams, "[method]output-stream.splice", uint64(out), uint64(out), 10, retptr)
	wantTrap(t, err, "handle index 2 used with the wrong type, expected guest-defined resource but found a different guest-defined resource")
}

func TestHandleRules(t *testing.T) {
	h, g := New(Config{}), newGuest(t)
	out := handleOf(t, h, g, stdout, "get-stdout")
	_, err := invoke(t, h, g, streams, "[method]output-stream.write", 7, 0, 0, retptr)
	wantTrap(t, err, "unknown handle index 7")
	_, err = invoke(t, h, g, streams, "[method]output-stream.write", 0, 0, 0, retptr)
	wantTrap(t, err, "unknown handle index 0")
	_, err = invoke(t, h, g, streams, "[method]input-stream.read", uint64(out), 1, retptr)
	wantTrap(t, err, "handle index 1 used with the wrong type, expected guest-defined resource but found a different guest-defined resource")

	// A pollable is a child of its stream: dropping the stream first traps, as Wasmtime's
	// ResourceTable refuses to delete a parent.
	p := uint32(mustInvoke(t, h, g, streams, "[method]output-stream.subscribe", uint64(out))[0])
	_, err = invoke(t, h, g, streams, "[resource-drop]output-stream", uint64(out))
	wantTrap(t, err, "resource has children")

	h, g = New(Config{}), newGuest(t)
	out = handleOf(t, h, g, stdout, "get-stdout")
	p = uint32(mustInvoke(t, h, g, streams, "[method]output-stream.subscribe", uint64(out))[0])
	mustInvoke(t, h, g, pollI, "[resource-drop]pollable", uint64(p))
	mustInvoke(t, h, g, streams, "[resource-drop]output-stream", uint64(out))
	if h.Table().Len() != 0 {
		t.Errorf("%d handles left", h.Table().Len())
	}
	_, err = invoke(t, h, g, streams, "[resource-drop]output-stream", uint64(out))
	wantTrap(t, err, "unknown handle index 1")
	// Freed slots are reused last-freed first.
	a := handleOf(t, h, g, stdout, "get-stdout")
	b := handleOf(t, h, g, stdout, "get-stdout")
	if a != 1 || b != 2 {
		t.Errorf("reused handles %d %d, want 2 1 order restored as 1 2", a, b)
	}
	mustInvoke(t, h, g, streams, "[resource-drop]output-stream", uint64(a))
	if c := handleOf(t, h, g, stderr, "get-stderr"); c != a {
		t.Errorf("after freeing %d the next handle is %d", a, c)
	}
	// A drop of the wrong type traps.
	_, err = invoke(t, h, g, pollI, "[resource-drop]pollable", uint64(b))
	wantTrap(t, err, "handle index 2 used with the wrong type, expected guest-defined resource but found a different guest-defined resource")
}

// TestHostTableCapacity: Wasmtime's host ResourceTable holds a million entries, a sleep
// taking two (its hidden deadline and the pollable).
func TestHostTableCapacity(t *testing.T) {
	h, g := New(Config{}), newGuest(t)
	h.res.capacity = 5
	handleOf(t, h, g, stdout, "get-stdout")
	mustInvoke(t, h, g, "wasi:clocks/monotonic-clock@0.2.0", "subscribe-duration", 0)
	mustInvoke(t, h, g, "wasi:clocks/monotonic-clock@0.2.0", "subscribe-duration", 0)
	_, err := invoke(t, h, g, "wasi:clocks/monotonic-clock@0.2.0", "subscribe-duration", 0)
	wantTrap(t, err, "resource table has no free keys")
	h, g = New(Config{}), newGuest(t)
	h.res.capacity = 3
	handleOf(t, h, g, stdout, "get-stdout")
	p := uint32(mustInvoke(t, h, g, "wasi:clocks/monotonic-clock@0.2.0", "subscribe-duration", 0)[0])
	mustInvoke(t, h, g, pollI, "[resource-drop]pollable", uint64(p))
	// Both entries of the sleep are free again.
	mustInvoke(t, h, g, "wasi:clocks/monotonic-clock@0.2.0", "subscribe-duration", 0)
	if h.res.used != 3 || len(h.res.free) != 0 {
		t.Errorf("host table: %d used, %d free", h.res.used, len(h.res.free))
	}
}

func TestHandleLimit(t *testing.T) {
	h, g := New(Config{MaxHandles: 3}), newGuest(t)
	for range 3 {
		handleOf(t, h, g, stdout, "get-stdout")
	}
	_, err := invoke(t, h, g, stdout, "get-stdout")
	wantTrap(t, err, "resource table full: the harness keeps at most 3 handles per instance")
}
