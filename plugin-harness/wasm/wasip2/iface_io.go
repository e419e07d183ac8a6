package wasip2

import (
	"fmt"
	"sort"
)

// wasi:io error, poll and streams as wasmtime-wasi-io 44 implements them over the streams a
// default WasiCtx has: stdin a closed input stream, stdout and stderr sinks (here capturing),
// and pollables that are ready at once or at a monotonic deadline.

var (
	rError        = &ResourceType{Interface: "wasi:io/error", Name: "error"}
	rPollable     = &ResourceType{Interface: "wasi:io/poll", Name: "pollable"}
	rInputStream  = &ResourceType{Interface: "wasi:io/streams", Name: "input-stream"}
	rOutputStream = &ResourceType{Interface: "wasi:io/streams", Name: "output-stream"}
)

// streamError is wasi:io/streams's stream-error.
var streamError = variant("stream-error",
	"last-operation-failed", own(rError),
	"closed", nil)

var errClosed = errv(Variant{Case: 1})

// outputStream is a sink that keeps what it is given in a Capture: SinkOutputStream in
// wasmtime-wasi, which is what the gateway's stdout and stderr are.
type outputStream struct {
	capture *Capture
}

// inputStream is ClosedInputStream: every read reports closed.
type inputStream struct{}

// streamErrorValue is an error resource's state (no host stream here ever fails that way,
// but the type is linked).
type streamErrorValue struct{ msg string }

// pollState is a pollable: ready at once, at a monotonic deadline, or never (a deadline too
// far to represent, which Wasmtime turns into waiting forever rather than a trap).
type pollState struct {
	deadline uint64
	timed    bool
	never    bool
}

func (h *Host) ready(p *pollState) bool {
	switch {
	case p.never:
		return false
	case p.timed:
		return h.monoNow() >= p.deadline
	}
	return true
}

// subscribe makes a pollable for a resource that is always ready, as a child of it.
func subscribe(c *call, parent any) (any, error) {
	return c.h.push(rPollable, &pollState{}, parent.(*Resource))
}

// zeroesLimit is the largest write-zeroes this host treats as one the gateway survives:
// wasmtime-wasi's sink builds the zeroes in one host allocation (a guest asking for 1<<62 of
// them aborts the Wasmtime process: measured with wasmtime-py 44). Where exactly allocation
// fails depends on the gateway's machine; past 1 GiB this host reports an abort.
const zeroesLimit = 1 << 30

// maxBlockingBytes is the most blocking-write-and-flush and blocking-write-zeroes-and-flush
// take at once.
const maxBlockingBytes = 4096

func out(r any) *outputStream { return r.(*Resource).Value.(*outputStream) }

func init() {
	define("wasi:io/error", []*ResourceType{rError}, nil,
		method(rError, "to-debug-string", nil, tString, func(c *call, a []any) (any, error) {
			return a[0].(*Resource).Value.(*streamErrorValue).msg, nil
		}),
	)

	define("wasi:io/poll", []*ResourceType{rPollable}, nil,
		method(rPollable, "ready", nil, tBool, func(c *call, a []any) (any, error) {
			return c.h.ready(a[0].(*Resource).Value.(*pollState)), nil
		}),
		method(rPollable, "block", nil, nil, func(c *call, a []any) (any, error) {
			p := a[0].(*Resource).Value.(*pollState)
			if !p.timed && !p.never {
				return nil, nil
			}
			return nil, c.h.wait(c.ctx, p.deadline, p.never)
		}),
		fn("poll", args("in", listOf(borrow(rPollable))), listOf(tU32), poll),
	)

	define("wasi:io/streams", []*ResourceType{rInputStream, rOutputStream}, []*ResourceType{rError, rPollable},
		// stdin is closed: every read, skip and splice from it reports closed.
		method(rInputStream, "read", args("len", tU64), resultOf(tBytes, streamError), closedRead),
		method(rInputStream, "blocking-read", args("len", tU64), resultOf(tBytes, streamError), closedRead),
		method(rInputStream, "skip", args("len", tU64), resultOf(tU64, streamError), closedRead),
		method(rInputStream, "blocking-skip", args("len", tU64), resultOf(tU64, streamError), closedRead),
		method(rInputStream, "subscribe", nil, own(rPollable), func(c *call, a []any) (any, error) {
			return subscribe(c, a[0])
		}),

		// A sink accepts everything at once: check-write offers usize::MAX.
		method(rOutputStream, "check-write", nil, resultOf(tU64, streamError), func(c *call, a []any) (any, error) {
			return ok(uint64(1<<64 - 1)), nil
		}),
		method(rOutputStream, "write", args("contents", tBytes), resultOf(nil, streamError), func(c *call, a []any) (any, error) {
			_, _ = out(a[0]).capture.Write(a[1].([]byte))
			return ok(nil), nil
		}),
		method(rOutputStream, "blocking-write-and-flush", args("contents", tBytes), resultOf(nil, streamError), func(c *call, a []any) (any, error) {
			b := a[1].([]byte)
			if len(b) > maxBlockingBytes {
				return nil, trapf("Buffer too large for blocking-write-and-flush (expected at most 4096)")
			}
			_, _ = out(a[0]).capture.Write(b)
			return ok(nil), nil
		}),
		method(rOutputStream, "flush", nil, resultOf(nil, streamError), okNothing),
		method(rOutputStream, "blocking-flush", nil, resultOf(nil, streamError), okNothing),
		method(rOutputStream, "subscribe", nil, own(rPollable), func(c *call, a []any) (any, error) {
			return subscribe(c, a[0])
		}),
		method(rOutputStream, "write-zeroes", args("len", tU64), resultOf(nil, streamError), func(c *call, a []any) (any, error) {
			n := a[1].(uint64)
			if n > zeroesLimit {
				return nil, &AbortError{Msg: fmt.Sprintf("write-zeroes of %d bytes to a sink: Wasmtime allocates them "+
					"on the host at once, and its process aborts when that allocation fails", n)}
			}
			out(a[0]).capture.WriteZeroes(n)
			return ok(nil), nil
		}),
		method(rOutputStream, "blocking-write-zeroes-and-flush", args("len", tU64), resultOf(nil, streamError), func(c *call, a []any) (any, error) {
			n := a[1].(uint64)
			if n > maxBlockingBytes {
				return nil, trapf("Buffer too large for blocking-write-zeroes-and-flush (expected at most 4096)")
			}
			out(a[0]).capture.WriteZeroes(n)
			return ok(nil), nil
		}),
		// splice reads from the source only when the length is not 0 (the sink's permit is
		// never 0); the only source, stdin, is closed.
		method(rOutputStream, "splice", args("src", borrow(rInputStream), "len", tU64), resultOf(tU64, streamError), splice),
		method(rOutputStream, "blocking-splice", args("src", borrow(rInputStream), "len", tU64), resultOf(tU64, streamError), splice),
	)
}

func okNothing(c *call, a []any) (any, error) { return ok(nil), nil }

func closedRead(c *call, a []any) (any, error) { return errClosed, nil }

func splice(c *call, a []any) (any, error) {
	if a[2].(uint64) == 0 {
		return ok(uint64(0)), nil
	}
	return errClosed, nil
}

// poll waits until at least one pollable is ready and lists the ready ones by position,
// in Wasmtime's order: grouped by the host table key of what each pollable watches, keys
// ascending, positions ascending within a group. Wasmtime traps on an empty list.
func poll(c *call, a []any) (any, error) {
	list := a[0].([]any)
	if len(list) == 0 {
		return nil, trapf("empty poll list")
	}
	for {
		type hit struct {
			key uint32
			pos uint64
		}
		var ready []hit
		var earliest uint64
		timed := false
		for i, r := range list {
			res := r.(*Resource)
			p := res.Value.(*pollState)
			if c.h.ready(p) {
				ready = append(ready, hit{key: res.parent.rep, pos: uint64(i)})
				continue
			}
			if p.timed && (!timed || p.deadline < earliest) {
				earliest, timed = p.deadline, true
			}
		}
		if len(ready) > 0 {
			sort.SliceStable(ready, func(i, j int) bool { return ready[i].key < ready[j].key })
			out := make([]any, len(ready))
			for i, h := range ready {
				out[i] = h.pos
			}
			return out, nil
		}
		if err := c.h.wait(c.ctx, earliest, !timed); err != nil {
			return nil, err
		}
	}
}
