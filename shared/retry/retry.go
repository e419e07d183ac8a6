// Package retry runs an operation again after failures that may pass: a predicate says which,
// a backoff (or the server's Retry-After) says how long to wait, the context bounds the waiting,
// and one optional hook hears about every retry before its wait.
package retry

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Default bounds: the first wait, and the longest wait (a backoff step or a Retry-After) taken
// without asking the user.
const (
	FirstBackoff = 500 * time.Millisecond
	MaxWait      = 30 * time.Second
)

// Policy says how often and when an operation is retried. The zero Policy tries once.
type Policy struct {
	// Retries is how many times a failed attempt is repeated (0: tried once).
	Retries int
	// Retryable reports whether err may pass on another attempt; nil retries every error.
	Retryable func(err error) bool
	// Backoff is the wait before attempt+1; nil is Exponential(FirstBackoff).
	Backoff func(attempt int) time.Duration
	// Sleep waits d or until ctx ends; nil is Sleep. Tests replace it to record the waits.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnRetry, when set, is told of each retry before its wait: the place to announce it.
	OnRetry func(attempt int, wait time.Duration, err error)
}

// Attempt describes the attempt an operation is making.
type Attempt struct {
	N    int  // 0 for the first
	Last bool // no retry follows, whatever happens
}

// Do calls op until it returns nil, a final error (not Retryable, or the retries are spent), or
// a wait is cut short by ctx, whose error is then returned. An error made by After waits as long
// as it asks instead of the backoff step.
func (p Policy) Do(ctx context.Context, op func(Attempt) error) error {
	for n := 0; ; n++ {
		err := op(Attempt{N: n, Last: n >= p.Retries})
		if err == nil {
			return nil
		}
		var stop *stopError
		if errors.As(err, &stop) {
			return stop.err
		}
		if n >= p.Retries || p.Retryable != nil && !p.Retryable(err) {
			return unwrapAfter(err)
		}
		wait := p.backoff(n)
		var a *afterError
		if errors.As(err, &a) {
			wait = a.wait
		}
		if p.OnRetry != nil {
			p.OnRetry(n, wait, unwrapAfter(err))
		}
		sleep := p.Sleep
		if sleep == nil {
			sleep = Sleep
		}
		if serr := sleep(ctx, wait); serr != nil {
			return serr
		}
	}
}

func (p Policy) backoff(n int) time.Duration {
	if p.Backoff != nil {
		return p.Backoff(n)
	}
	return Exponential(FirstBackoff)(n)
}

// Exponential is the backoff first, 2×first, 4×first … with up to 10 % jitter added, each step at
// most MaxWait.
func Exponential(first time.Duration) func(attempt int) time.Duration {
	return func(attempt int) time.Duration {
		d := min(first<<min(attempt, 6), MaxWait)
		return d + time.Duration(rand.Int64N(int64(d)/10+1))
	}
}

// Sleep waits d, or until ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// afterError asks Do to wait a given time (a server's Retry-After) before the next attempt.
type afterError struct {
	wait time.Duration
	err  error
}

func (e *afterError) Error() string { return e.err.Error() }
func (e *afterError) Unwrap() error { return e.err }

// After marks err as asking for a wait of d before the next attempt, instead of the backoff.
// Do returns err itself, unmarked, if no attempt follows.
func After(d time.Duration, err error) error { return &afterError{wait: max(d, 0), err: err} }

// stopError ends Do at once, whatever the predicate would say.
type stopError struct{ err error }

func (e *stopError) Error() string { return e.err.Error() }
func (e *stopError) Unwrap() error { return e.err }

// Stop marks err as final: Do returns it, unmarked, without another attempt.
func Stop(err error) error { return &stopError{err: err} }

func unwrapAfter(err error) error {
	if a, ok := err.(*afterError); ok {
		return a.err
	}
	return err
}

// ParseRetryAfter reads a Retry-After header: seconds, or an HTTP date (relative to now).
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, 1<<30)) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return at.Sub(now), true
	}
	return 0, false
}
