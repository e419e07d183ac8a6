package retry

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

var errFlaky = errors.New("flaky")

// recorded is a Policy whose waits are recorded instead of slept.
func recorded(p Policy) (Policy, *[]time.Duration) {
	var waits []time.Duration
	p.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	return p, &waits
}

func TestDo(t *testing.T) {
	t.Run("succeeds after failures", func(t *testing.T) {
		p, waits := recorded(Policy{Retries: 3})
		calls := 0
		err := p.Do(context.Background(), func(a Attempt) error {
			if a.N != calls {
				t.Fatalf("attempt %d on call %d", a.N, calls)
			}
			calls++
			if calls < 3 {
				return errFlaky
			}
			return nil
		})
		if err != nil || calls != 3 || len(*waits) != 2 {
			t.Fatalf("err %v, %d calls, waits %v", err, calls, *waits)
		}
	})
	t.Run("gives up after the retries, Last on the final attempt", func(t *testing.T) {
		p, waits := recorded(Policy{Retries: 2})
		var last []bool
		err := p.Do(context.Background(), func(a Attempt) error { last = append(last, a.Last); return errFlaky })
		if err != errFlaky || len(last) != 3 || last[0] || last[1] || !last[2] || len(*waits) != 2 {
			t.Fatalf("err %v, last %v, waits %v", err, last, *waits)
		}
		if (*waits)[1] <= (*waits)[0] {
			t.Fatalf("waits do not grow: %v", *waits)
		}
	})
	t.Run("a final error is not retried", func(t *testing.T) {
		p, _ := recorded(Policy{Retries: 5, Retryable: func(err error) bool { return err != errFinal }})
		calls := 0
		err := p.Do(context.Background(), func(Attempt) error { calls++; return errFinal })
		if err != errFinal || calls != 1 {
			t.Fatalf("err %v after %d calls", err, calls)
		}
	})
	t.Run("Stop ends it at once", func(t *testing.T) {
		p, _ := recorded(Policy{Retries: 5})
		calls := 0
		err := p.Do(context.Background(), func(Attempt) error { calls++; return Stop(errFlaky) })
		if err != errFlaky || calls != 1 {
			t.Fatalf("err %v after %d calls", err, calls)
		}
	})
	t.Run("After overrides the backoff and is unwrapped at the end", func(t *testing.T) {
		p, waits := recorded(Policy{Retries: 1})
		err := p.Do(context.Background(), func(Attempt) error { return After(7*time.Second, errFlaky) })
		if err != errFlaky || len(*waits) != 1 || (*waits)[0] != 7*time.Second {
			t.Fatalf("err %v, waits %v", err, *waits)
		}
	})
	t.Run("OnRetry hears each retry", func(t *testing.T) {
		var heard []int
		p, _ := recorded(Policy{Retries: 2, OnRetry: func(n int, _ time.Duration, err error) {
			if err != errFlaky {
				t.Errorf("OnRetry got %v", err)
			}
			heard = append(heard, n)
		}})
		p.Do(context.Background(), func(Attempt) error { return After(time.Second, errFlaky) })
		if len(heard) != 2 || heard[0] != 0 || heard[1] != 1 {
			t.Fatalf("heard %v", heard)
		}
	})
	t.Run("a cancelled wait ends it with the context's error", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := Policy{Retries: 3}.Do(ctx, func(Attempt) error { return errFlaky })
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v", err)
		}
	})
}

var errFinal = errors.New("final")

func TestExponential(t *testing.T) {
	b := Exponential(FirstBackoff)
	for n, want := range []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second} {
		t.Run(fmt.Sprintf("step %d", n), func(t *testing.T) {
			if got := b(n); got < want || got > want+want/10 {
				t.Errorf("step %d: %v, want %v + up to 10%%", n, got, want)
			}
		})
	}
	if got := b(40); got < MaxWait || got > MaxWait+MaxWait/10 {
		t.Errorf("a late step waits %v, want about %v", got, MaxWait)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"0": 0, "1": time.Second, " 30 ": 30 * time.Second,
		"Tue, 24 Nov 2026 12:00:10 GMT": 10 * time.Second,
	} {
		t.Run(in, func(t *testing.T) {
			if got, ok := ParseRetryAfter(in, now); !ok || got != want {
				t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v", in, got, ok, want)
			}
		})
	}
	for _, in := range []string{"", "-1", "soon", "1.5"} {
		t.Run("refuses "+in, func(t *testing.T) {
			if _, ok := ParseRetryAfter(in, now); ok {
				t.Errorf("ParseRetryAfter(%q) accepted", in)
			}
		})
	}
}
