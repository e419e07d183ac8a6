package ociclient

import (
	"io"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/retry"
)

// Option adjusts Fetch and Push, as go-containerregistry's remote options do.
type Option func(*options)

type options struct {
	retry    retry.Policy
	warn     func(format string, a ...any)
	progress func(label string, total int64) Progress
}

func makeOptions(opts []Option) *options {
	o := &options{retry: retry.Policy{Retryable: func(error) bool { return false }}}
	for _, f := range opts {
		f(o)
	}
	return o
}

// WithRetries fetches a blob again up to n times after a failure WithRetryPredicate accepts.
func WithRetries(n int) Option { return func(o *options) { o.retry.Retries = n } }

// WithRetryPredicate says which failures of a blob transfer are worth another try (default:
// none; Retryable is the registry's).
func WithRetryPredicate(f func(error) bool) Option { return func(o *options) { o.retry.Retryable = f } }

// WithRetryBackoff sets the wait before retry attempt+1 (default retry.Exponential(retry.FirstBackoff)).
func WithRetryBackoff(f func(attempt int) time.Duration) Option {
	return func(o *options) { o.retry.Backoff = f }
}

// WithRetryHook is told of each retry before its wait.
func WithRetryHook(f func(attempt int, wait time.Duration, err error)) Option {
	return func(o *options) { o.retry.OnRetry = f }
}

// WithWarnings receives what the gateway would accept but deserves a word (default: dropped).
func WithWarnings(f func(format string, a ...any)) Option { return func(o *options) { o.warn = f } }

// WithProgress shows the transfer of the package layer ("pushing", "pulling"); f may return nil.
func WithProgress(f func(label string, total int64) Progress) Option {
	return func(o *options) { o.progress = f }
}

// Progress follows the bytes of one transfer.
type Progress interface {
	// Reader counts what passes through rc (from 0 again on each call: a retry starts over).
	Reader(rc io.ReadCloser) io.ReadCloser
	Finish()
}

func (o *options) warnf(format string, a ...any) {
	if o.warn != nil {
		o.warn(format, a...)
	}
}

func (o *options) startProgress(label string, total int64) Progress {
	if o.progress == nil {
		return nil
	}
	return o.progress(label, total)
}

// progressReader is rc counted by p, or rc itself without one.
func progressReader(p Progress, rc io.ReadCloser) io.ReadCloser {
	if p == nil {
		return rc
	}
	return p.Reader(rc)
}

func finishProgress(p Progress) {
	if p != nil {
		p.Finish()
	}
}
