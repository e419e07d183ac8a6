package wasip2

import (
	"encoding/binary"
	"math"
)

// wasi:cli, wasi:clocks and wasi:random as a default WasiCtx has them: no arguments, no
// environment, no initial directory, stdin closed, stdout and stderr sinks, no terminals, host
// clocks (both with a 1 ns resolution, as Linux reports), real randomness.

var (
	rTerminalInput  = &ResourceType{Interface: "wasi:cli/terminal-input", Name: "terminal-input"}
	rTerminalOutput = &ResourceType{Interface: "wasi:cli/terminal-output", Name: "terminal-output"}
)

var datetime = record("datetime", "seconds", tU64, "nanoseconds", tU32)

// maxRandomBytes is wasmtime-wasi's DEFAULT_MAX_SIZE for get-random-bytes and
// get-insecure-random-bytes; a longer request traps.
const maxRandomBytes = 64 << 20

func emptyList(c *call, a []any) (any, error) { return []any{}, nil }

func init() {
	define("wasi:cli/environment", nil, nil,
		fn("get-environment", nil, listOf(tupleOf(tString, tString)), emptyList),
		fn("get-arguments", nil, listOf(tString), emptyList),
		fn("initial-cwd", nil, optionOf(tString), func(c *call, a []any) (any, error) { return none, nil }),
	)
	define("wasi:cli/exit", nil, nil,
		// Whatever the status, the gateway sees an error (Wasmtime's I32Exit).
		fn("exit", args("status", resultOf(nil, nil)), nil, func(c *call, a []any) (any, error) {
			e := &ExitError{Code: int(a[0].(Variant).Case)}
			c.h.exit = e
			return nil, e
		}),
	)
	define("wasi:cli/stdin", nil, []*ResourceType{rInputStream},
		fn("get-stdin", nil, own(rInputStream), func(c *call, a []any) (any, error) {
			return c.h.push(rInputStream, &inputStream{}, nil)
		}),
	)
	define("wasi:cli/stdout", nil, []*ResourceType{rOutputStream},
		fn("get-stdout", nil, own(rOutputStream), func(c *call, a []any) (any, error) {
			return c.h.push(rOutputStream, &outputStream{capture: c.h.stdout}, nil)
		}),
	)
	define("wasi:cli/stderr", nil, []*ResourceType{rOutputStream},
		fn("get-stderr", nil, own(rOutputStream), func(c *call, a []any) (any, error) {
			return c.h.push(rOutputStream, &outputStream{capture: c.h.stderr}, nil)
		}),
	)
	define("wasi:cli/terminal-input", []*ResourceType{rTerminalInput}, nil)
	define("wasi:cli/terminal-output", []*ResourceType{rTerminalOutput}, nil)
	// None of the gateway's stdio is a terminal.
	noTerminal := func(c *call, a []any) (any, error) { return none, nil }
	define("wasi:cli/terminal-stdin", nil, []*ResourceType{rTerminalInput},
		fn("get-terminal-stdin", nil, optionOf(own(rTerminalInput)), noTerminal))
	define("wasi:cli/terminal-stdout", nil, []*ResourceType{rTerminalOutput},
		fn("get-terminal-stdout", nil, optionOf(own(rTerminalOutput)), noTerminal))
	define("wasi:cli/terminal-stderr", nil, []*ResourceType{rTerminalOutput},
		fn("get-terminal-stderr", nil, optionOf(own(rTerminalOutput)), noTerminal))

	define("wasi:clocks/wall-clock", nil, nil,
		fn("now", nil, datetime, func(c *call, a []any) (any, error) {
			t := c.h.cfg.WallClock()
			ns := t.UnixNano()
			if ns < 0 {
				ns = 0 // WASI's wall clock is Unix time; Wasmtime panics before the epoch
			}
			return []any{uint64(ns / 1e9), uint64(ns % 1e9)}, nil
		}),
		fn("resolution", nil, datetime, func(c *call, a []any) (any, error) {
			return []any{uint64(0), uint64(1)}, nil
		}),
	)
	define("wasi:clocks/monotonic-clock", nil, []*ResourceType{rPollable},
		fn("now", nil, tU64, func(c *call, a []any) (any, error) { return c.h.monoNow(), nil }),
		fn("resolution", nil, tU64, func(c *call, a []any) (any, error) { return uint64(1), nil }),
		fn("subscribe-instant", args("when", tU64), own(rPollable), func(c *call, a []any) (any, error) {
			now := c.h.monoNow()
			var d uint64
			if when := a[0].(uint64); when > now {
				d = when - now
			}
			return c.h.sleepPollable(now, d)
		}),
		fn("subscribe-duration", args("when", tU64), own(rPollable), func(c *call, a []any) (any, error) {
			return c.h.sleepPollable(c.h.monoNow(), a[0].(uint64))
		}),
	)

	define("wasi:random/random", nil, nil,
		fn("get-random-bytes", args("len", tU64), tBytes, func(c *call, a []any) (any, error) {
			n := a[0].(uint64)
			if n > maxRandomBytes {
				return nil, trapf("requested len %d exceeds limit %d", n, maxRandomBytes)
			}
			return fillBytes{n: uint32(n), fill: c.h.readRandom}, nil
		}),
		fn("get-random-u64", nil, tU64, func(c *call, a []any) (any, error) { return c.h.randomU64() }),
	)
	define("wasi:random/insecure", nil, nil,
		fn("get-insecure-random-bytes", args("len", tU64), tBytes, func(c *call, a []any) (any, error) {
			n := a[0].(uint64)
			if n > maxRandomBytes {
				return nil, trapf("requested len %d exceeds limit %d", n, maxRandomBytes)
			}
			return fillBytes{n: uint32(n), fill: func(p []byte) error {
				for len(p) >= 8 {
					binary.LittleEndian.PutUint64(p, c.h.insecure.Uint64())
					p = p[8:]
				}
				if len(p) > 0 {
					var b [8]byte
					binary.LittleEndian.PutUint64(b[:], c.h.insecure.Uint64())
					copy(p, b[:])
				}
				return nil
			}}, nil
		}),
		fn("get-insecure-random-u64", nil, tU64, func(c *call, a []any) (any, error) {
			return c.h.insecure.Uint64(), nil
		}),
	)
	define("wasi:random/insecure-seed", nil, nil,
		fn("insecure-seed", nil, tupleOf(tU64, tU64), func(c *call, a []any) (any, error) {
			return []any{c.h.seed[0], c.h.seed[1]}, nil
		}),
	)
}

// sleepPollable is the pollable of subscribe-duration: ready at once for 0, never when the
// deadline overflows (Wasmtime waits forever rather than trap), else at now+d. Like Wasmtime it
// keeps the deadline as a hidden table entry, the pollable's parent.
func (h *Host) sleepPollable(now, d uint64) (*Resource, error) {
	p := &pollState{timed: true, deadline: now + d}
	switch {
	case d == 0:
		p.timed = false
	case d > math.MaxUint64-now || d > uint64(math.MaxInt64):
		p = &pollState{never: true}
	}
	deadline, err := h.push(rDeadline, nil, nil)
	if err != nil {
		return nil, err
	}
	r, err := h.push(rPollable, p, deadline)
	if err != nil {
		return nil, err
	}
	r.companion = deadline
	return r, nil
}

// rDeadline is the type of a sleep's hidden deadline entry; no guest handle ever has it.
var rDeadline = &ResourceType{Interface: "wasi:clocks/monotonic-clock", Name: "(deadline)"}
