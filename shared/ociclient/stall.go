package ociclient

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"regexp"
	"sync"
	"time"
)

// A registry that accepts a connection and then goes silent — never answers, trickles its
// headers a byte a second, stops sending a body or stops reading an upload — would otherwise hold
// a request forever: per-read deadlines do not help against a trickle, and bodies have no
// deadline at all. The watchdog below follows one attempt of one request through its phases and
// cancels the attempt's context, with a *TimeoutError as the cause, when the registry keeps
// silent too long in one of them. Connecting is bounded by the dialer and TLS handshake timeouts.

// Default silences, as long as a registry may keep quiet before a request is given up.
const (
	DefaultResponseTimeout = 30 * time.Second
	DefaultStallTimeout    = 30 * time.Second
)

// Waiting is what a request was waiting for when the registry went silent.
type Waiting int

// In the order of a request's phases.
const (
	// WaitingUpload: the registry stopped taking the request body.
	WaitingUpload Waiting = iota + 1
	// WaitingHeaders: the request was sent, the response headers did not arrive (in whole).
	WaitingHeaders
	// WaitingBody: the registry stopped sending the response body.
	WaitingBody
)

// TimeoutError is a registry that kept silent longer than the configured timeout. It is a
// net.Error (a timeout), so it classifies as a network failure and is retried like one.
type TimeoutError struct {
	Host    string // host[:port] of the request
	Method  string
	Path    string // the URL path, without the query (signed URLs carry tokens there)
	Digest  string // the blob concerned, when the request names one
	Waiting Waiting
	After   time.Duration
}

func (e *TimeoutError) Error() string {
	req := fmt.Sprintf("(%s %s)", e.Method, clip(e.Path))
	switch e.Waiting {
	case WaitingUpload:
		return fmt.Sprintf("registry %s accepted no data for %s while %s %s", e.Host, e.After, e.doing("uploading"), req)
	case WaitingBody:
		if e.Digest != "" {
			return fmt.Sprintf("registry %s sent nothing for %s while %s", e.Host, e.After, e.doing("downloading"))
		}
		return fmt.Sprintf("registry %s sent nothing for %s while %s %s", e.Host, e.After, e.doing("downloading"), req)
	}
	return fmt.Sprintf("registry %s sent no response headers in %s %s", e.Host, e.After, req)
}

// Reason is the short cause, for a retry notice that names the request itself.
func (e *TimeoutError) Reason() string {
	switch e.Waiting {
	case WaitingUpload:
		return fmt.Sprintf("the registry accepted no data for %s", e.After)
	case WaitingBody:
		return fmt.Sprintf("the registry sent nothing for %s", e.After)
	}
	return fmt.Sprintf("no response headers in %s", e.After)
}

func (e *TimeoutError) Timeout() bool   { return true }
func (e *TimeoutError) Temporary() bool { return true }

// doing names the transfer: "downloading blob sha256:…", "uploading a blob", "downloading the
// response".
func (e *TimeoutError) doing(verb string) string {
	switch {
	case e.Digest != "":
		return verb + " blob " + e.Digest
	case blobUploadPath.MatchString(e.Path):
		return verb + " a blob"
	case verb == "uploading":
		return "uploading the request"
	}
	return "downloading the response"
}

var (
	blobPath       = regexp.MustCompile(`/blobs/(sha256:[0-9a-f]{64})$`)
	blobUploadPath = regexp.MustCompile(`/blobs/uploads/`)
)

// watchdog follows one attempt of one request. Its phases only move forward: connecting,
// uploading the body, waiting for the headers, reading the body, done.
type watchdog struct {
	cancel            context.CancelCauseFunc
	response, stalled time.Duration
	desc              TimeoutError // the request, for the error

	mu       sync.Mutex
	phase    Waiting // 0 while connecting
	timer    *time.Timer
	armed    bool
	deadline time.Time
	fired    *TimeoutError
	done     bool
}

// watch prepares req's attempt: the returned request carries a context the watchdog cancels,
// and a body (if any) that reports its progress.
func watch(req *http.Request, response, stalled time.Duration) (*http.Request, *watchdog) {
	ctx, cancel := context.WithCancelCause(req.Context())
	w := &watchdog{cancel: cancel, response: response, stalled: stalled,
		desc: TimeoutError{Host: req.URL.Host, Method: req.Method, Path: req.URL.Path}}
	if m := blobPath.FindStringSubmatch(req.URL.Path); m != nil {
		w.desc.Digest = m[1]
	} else if d := req.URL.Query().Get("digest"); d != "" && blobUploadPath.MatchString(req.URL.Path) {
		w.desc.Digest = d
	}
	hasBody := req.Body != nil && req.Body != http.NoBody
	trace := &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) {
			if hasBody {
				w.enter(WaitingUpload, w.stalled)
			} else {
				w.enter(WaitingHeaders, w.response)
			}
		},
		WroteRequest: func(httptrace.WroteRequestInfo) { w.enter(WaitingHeaders, w.response) },
	}
	out := req.WithContext(httptrace.WithClientTrace(ctx, trace))
	if hasBody {
		out.Body = &watchedUpload{rc: req.Body, w: w}
		if req.GetBody != nil { // net/http rewinds a body when a reused connection was dead
			out.GetBody = func() (io.ReadCloser, error) {
				rc, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				return &watchedUpload{rc: rc, w: w}, nil
			}
		}
	}
	return out, w
}

// enter moves to phase p (never back) and arms the timer for d; the body phase arms it only
// while a read is waiting.
func (w *watchdog) enter(p Waiting, d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done || p <= w.phase {
		return
	}
	w.phase = p
	w.stopLocked()
	if p != WaitingBody {
		w.armLocked(d)
	}
}

func (w *watchdog) armLocked(d time.Duration) {
	if d <= 0 {
		return
	}
	w.armed, w.deadline = true, time.Now().Add(d)
	if w.timer == nil {
		w.timer = time.AfterFunc(d, w.fire)
	} else {
		w.timer.Reset(d)
	}
}

func (w *watchdog) stopLocked() {
	w.armed = false
	if w.timer != nil {
		w.timer.Stop()
	}
}

// fire cancels the attempt, unless the timer was stopped or moved on meanwhile.
func (w *watchdog) fire() {
	w.mu.Lock()
	if w.done || !w.armed || w.fired != nil || time.Now().Before(w.deadline) {
		w.mu.Unlock()
		return
	}
	te := w.desc
	te.Waiting = w.phase
	te.After = w.stalled
	if w.phase == WaitingHeaders {
		te.After = w.response
	}
	w.fired = &te
	w.mu.Unlock()
	w.cancel(&te)
}

// uploadRead brackets a read of the request body: while our side produces the bytes the clock
// stops; once they are handed over, the registry has the stall timeout to take them.
func (w *watchdog) uploadRead(start bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done || w.phase != WaitingUpload {
		return
	}
	if start {
		w.stopLocked()
	} else {
		w.armLocked(w.stalled)
	}
}

// bodyRead brackets a read of the response body: the registry has the stall timeout to send
// something; time the caller spends between reads is not the registry's.
func (w *watchdog) bodyRead(start bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done || w.phase != WaitingBody {
		return
	}
	if start {
		w.armLocked(w.stalled)
	} else {
		w.stopLocked()
	}
}

// timedOut is the timeout that cancelled the attempt, or nil.
func (w *watchdog) timedOut() *TimeoutError {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fired
}

// explain replaces err by the timeout that caused it, if one did.
func (w *watchdog) explain(err error) error {
	if te := w.timedOut(); te != nil && err != nil && err != io.EOF {
		return te
	}
	return err
}

// finish ends the attempt: no more timers, and its context is released.
func (w *watchdog) finish() {
	w.mu.Lock()
	w.done = true
	w.stopLocked()
	w.mu.Unlock()
	w.cancel(context.Canceled)
}

// received hands the response over: its body is watched until closed; a response without one
// ends the attempt now.
func (w *watchdog) received(resp *http.Response) {
	if resp.Body == nil || resp.Body == http.NoBody {
		w.finish()
		return
	}
	w.enter(WaitingBody, 0)
	resp.Body = &watchedBody{rc: resp.Body, w: w}
}

type watchedUpload struct {
	rc io.ReadCloser
	w  *watchdog
}

func (u *watchedUpload) Read(p []byte) (int, error) {
	u.w.uploadRead(true)
	n, err := u.rc.Read(p)
	u.w.uploadRead(false)
	return n, err
}

func (u *watchedUpload) Close() error { return u.rc.Close() }

type watchedBody struct {
	rc io.ReadCloser
	w  *watchdog
}

func (b *watchedBody) Read(p []byte) (int, error) {
	b.w.bodyRead(true)
	n, err := b.rc.Read(p)
	b.w.bodyRead(false)
	return n, b.w.explain(err)
}

func (b *watchedBody) Close() error {
	err := b.rc.Close()
	b.w.finish()
	return err
}
