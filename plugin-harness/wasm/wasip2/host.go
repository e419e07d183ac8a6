package wasip2

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"time"
)

// Config sets a Host's bounds. The zero value takes every default.
type Config struct {
	// StdoutLimit and StderrLimit are the bytes kept at each end of the guest's stdout and
	// stderr (DefaultCaptureLimit when 0).
	StdoutLimit, StderrLimit int
	// MaxBlock is the total time the guest may spend waiting in poll, pollable.block and the
	// blocking stream calls (DefaultMaxBlock when 0). Past it the call traps with a
	// *BlockedError; the gateway has no such bound, but its per-call backstop (timeout_ms +
	// 100 ms) gives up on a guest sleeping that long, so a runtime sets this to match.
	MaxBlock time.Duration
	// MaxHandles bounds the live handles of each table (DefaultMaxHandles when 0).
	MaxHandles int
	// Random is the source of wasi:random/random (crypto/rand when nil).
	Random io.Reader
	// WallClock is the source of wasi:clocks/wall-clock (time.Now when nil).
	WallClock func() time.Time
}

// DefaultMaxBlock bounds a guest's waiting when Config.MaxBlock is 0.
const DefaultMaxBlock = time.Second

// Host is the WASI state of one call: what Wasmtime keeps in the store's WasiCtx and
// ResourceTable. Make one per call (the gateway makes a fresh store per call); not safe for
// concurrent use.
type Host struct {
	cfg      Config
	start    time.Time // the monotonic clock's zero, as WasiCtx's creation is in Wasmtime
	stdout   *Capture
	stderr   *Capture
	table    *Table
	res      *hostTable
	blocked  time.Duration
	insecure *mrand.ChaCha8
	seed     [2]uint64
	exit     *ExitError
}

// New makes a Host for one call.
func New(cfg Config) *Host {
	if cfg.MaxBlock <= 0 {
		cfg.MaxBlock = DefaultMaxBlock
	}
	if cfg.Random == nil {
		cfg.Random = rand.Reader
	}
	if cfg.WallClock == nil {
		cfg.WallClock = time.Now
	}
	h := &Host{
		cfg:    cfg,
		start:  time.Now(),
		stdout: newCapture(cfg.StdoutLimit),
		stderr: newCapture(cfg.StderrLimit),
		table:  NewTable(cfg.MaxHandles),
		res:    &hostTable{capacity: hostTableCapacity},
	}
	// wasi:random/insecure and insecure-seed are seeded per context from a secure source, as
	// wasmtime-wasi's WasiRandomCtx::default is; neither needs to be secure.
	var b [48]byte
	_, _ = rand.Read(b[:])
	h.insecure = mrand.NewChaCha8([32]byte(b[:32]))
	h.seed = [2]uint64{binary.LittleEndian.Uint64(b[32:]), binary.LittleEndian.Uint64(b[40:])}
	return h
}

// Stdout is what the guest wrote to stdout (the gateway discards it).
func (h *Host) Stdout() Output { return h.stdout.Output() }

// Stderr is what the guest wrote to stderr (the gateway discards it).
func (h *Host) Stderr() Output { return h.stderr.Output() }

// Table is the host's default handle table, the one Bind uses when Options.Table is nil.
func (h *Host) Table() *Table { return h.table }

// NewTable makes another handle table with this host's bound, for a second component instance.
func (h *Host) NewTable() *Table { return NewTable(h.cfg.MaxHandles) }

// Blocked is how long the guest has waited in blocking calls so far.
func (h *Host) Blocked() time.Duration { return h.blocked }

// Exited is the guest's wasi:cli/exit call, or nil if it made none.
func (h *Host) Exited() *ExitError { return h.exit }

// push adds a host resource (Wasmtime's ResourceTable::push / push_child).
func (h *Host) push(t *ResourceType, v any, parent *Resource) (*Resource, error) {
	return h.res.push(t, v, parent)
}

// monoNow is wasi:clocks/monotonic-clock's now: nanoseconds since the host was made.
func (h *Host) monoNow() uint64 { return uint64(time.Since(h.start).Nanoseconds()) }

// Trap is a host function's refusal to continue: the guest's call traps. Msg is Wasmtime's
// wording where it has one.
type Trap struct {
	Msg string
}

func (t *Trap) Error() string { return t.Msg }

func trapf(format string, args ...any) error { return &Trap{Msg: fmt.Sprintf(format, args...)} }

// ExitError is wasi:cli/exit: the guest stopped itself. The gateway treats it like any trap,
// whatever the status (Wasmtime's I32Exit error).
type ExitError struct {
	Code int
}

func (e *ExitError) Error() string { return fmt.Sprintf("Exited with i32 exit status %d", e.Code) }

// AbortError is a call the gateway's process would not survive: Wasmtime itself fails, not
// the guest's instance. A runtime reports it as such; there is no decision to compare.
type AbortError struct {
	Msg string
}

func (e *AbortError) Error() string { return e.Msg }

// BlockedError is a wait that did not finish: the host's MaxBlock ran out, or the call's
// context ended (Cause) while the guest waited.
type BlockedError struct {
	// Requested is how long the guest asked to wait; negative for forever.
	Requested time.Duration
	// Waited is how long this wait lasted before it was cut short.
	Waited time.Duration
	// Total is the guest's waiting in all blocking calls of the host, this one included.
	Total time.Duration
	Limit time.Duration
	Cause error
}

func (e *BlockedError) Error() string {
	req := "forever"
	if e.Requested >= 0 {
		req = e.Requested.String()
	}
	if e.Cause != nil {
		return fmt.Sprintf("guest wait (%s requested) interrupted after %s: %v", req, e.Waited, e.Cause)
	}
	return fmt.Sprintf("guest waited %s in all (%s requested now), past the host's bound of %s", e.Total, req, e.Limit)
}

func (e *BlockedError) Unwrap() error { return e.Cause }

// wait sleeps until the monotonic clock reaches deadline (never: forever), within MaxBlock and
// the context.
func (h *Host) wait(ctx context.Context, deadline uint64, never bool) error {
	now := h.monoNow()
	if !never && deadline <= now {
		return nil
	}
	requested := time.Duration(-1)
	if !never {
		requested = durationOf(deadline - now)
	}
	budget := h.cfg.MaxBlock - h.blocked
	d := requested
	limited := never || requested > budget
	if limited {
		d = max(budget, 0)
	}
	began := time.Now()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		waited := time.Since(began)
		h.blocked += waited
		if limited {
			return &BlockedError{Requested: requested, Waited: waited, Total: h.blocked, Limit: h.cfg.MaxBlock}
		}
		// A timer may fire a little early on some platforms; the deadline is what counts.
		for h.monoNow() < deadline {
			time.Sleep(time.Duration(deadline - h.monoNow()))
		}
		return nil
	case <-ctx.Done():
		waited := time.Since(began)
		h.blocked += waited
		return &BlockedError{Requested: requested, Waited: waited, Total: h.blocked, Limit: h.cfg.MaxBlock, Cause: ctx.Err()}
	}
}

func durationOf(ns uint64) time.Duration {
	if ns > uint64(1<<63-1) {
		return time.Duration(1<<63 - 1)
	}
	return time.Duration(ns)
}

// readRandom fills p from the configured secure source.
func (h *Host) readRandom(p []byte) error {
	if _, err := io.ReadFull(h.cfg.Random, p); err != nil {
		return fmt.Errorf("wasi:random/random: reading the host's random source: %w", err)
	}
	return nil
}

func (h *Host) randomU64() (uint64, error) {
	var b [8]byte
	if err := h.readRandom(b[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b[:]), nil
}

var errNoMemory = errors.New("the lowering has no memory")
