package ociclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/mcpg-dev/mcpg-plugins/shared/retry"
)

// Transport policy (docs/contract.md §5.2, issue item 5): HTTPS everywhere, including private-range
// addresses that go-containerregistry would otherwise talk plain HTTP to; plain HTTP only for the
// loopback names and for hosts the caller lists; TLS verification as the caller's tls.Config says.

// Config says how registries are reached. The zero Config is HTTPS with the system's roots and
// no retries.
type Config struct {
	// PlainHTTP lists the hosts (host[:port], exact match) that may be spoken to over plain HTTP,
	// besides the loopback names.
	PlainHTTP []string
	// TLS is the client TLS configuration; nil is the system's roots, TLS 1.2 at least.
	TLS *tls.Config
	// Retries is how many times a failed request (network errors, 5xx, 408, 429) is repeated.
	Retries int
	// RetryBaseDelay is the first backoff step; 0 is retry.FirstBackoff.
	RetryBaseDelay time.Duration
	// OnRetry, when set, hears of every retry before its wait; a request the transport repeats
	// comes as an *AttemptError naming it.
	OnRetry func(attempt int, wait time.Duration, err error)
	// ResponseTimeout bounds connecting (TCP and TLS) and then the wait for a response's headers,
	// in whole; 0 is DefaultResponseTimeout.
	ResponseTimeout time.Duration
	// StallTimeout gives up on a request or response body when no byte moved for that long;
	// 0 is DefaultStallTimeout.
	StallTimeout time.Duration
	// UserAgent is sent with every request.
	UserAgent string
	// Base replaces the network under the policy (tests).
	Base http.RoundTripper
}

// PlainHTTPAllowed reports whether host (host[:port] as in a reference or URL) may be spoken to
// without TLS: an exact loopback name with any port, or an exact PlainHTTP entry.
func (c *Config) PlainHTTPAllowed(host string) bool {
	return IsLoopbackRegistry(host) || slices.Contains(c.PlainHTTP, host)
}

// IsLoopbackRegistry matches localhost, 127.0.0.1, ::1 and [::1], port stripped, exactly: a host
// merely starting with one of them (localhost.attacker.example) is remote and stays HTTPS.
func IsLoopbackRegistry(host string) bool {
	h := host
	if rest, ok := strings.CutPrefix(host, "["); ok {
		inner, _, found := strings.Cut(rest, "]")
		if !found {
			return false
		}
		h = inner
	} else if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[:i], ":") {
		h = host[:i]
	}
	switch h {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

// retryPolicy is the backoff and announcement of c; callers add the predicate.
func (c *Config) retryPolicy() retry.Policy {
	base := c.RetryBaseDelay
	if base == 0 {
		base = retry.FirstBackoff
	}
	return retry.Policy{Retries: c.Retries, Backoff: retry.Exponential(base), OnRetry: c.OnRetry}
}

// timeouts are the configured silences, defaults filled in.
func (c *Config) timeouts() (response, stalled time.Duration) {
	response, stalled = c.ResponseTimeout, c.StallTimeout
	if response <= 0 {
		response = DefaultResponseTimeout
	}
	if stalled <= 0 {
		stalled = DefaultStallTimeout
	}
	return response, stalled
}

// baseTransport is the HTTP transport under the policy: ggcr's defaults (proxies from the
// environment, keep-alive) with connecting bounded by the response timeout with the caller's TLS settings and larger buffers for big
// blobs, over HTTP/1.1: every registry speaks it, one blob per connection streams without
// HTTP/2's flow-control windows, and a TLS alert (a client certificate the registry wants)
// reaches the error message instead of "http2: client conn could not be established".
func (c *Config) baseTransport() http.RoundTripper {
	if c.Base != nil {
		return c.Base
	}
	conf := c.TLS
	if conf == nil {
		conf = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	t := remote.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = http.ProxyFromEnvironment
	response, _ := c.timeouts()
	t.DialContext = (&net.Dialer{Timeout: response, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = response
	t.TLSClientConfig = conf
	t.ForceAttemptHTTP2 = false
	t.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	t.WriteBufferSize = 256 << 10
	t.ReadBufferSize = 256 << 10
	return t
}

// policyTransport sits directly above the HTTP transport, under ggcr's authentication: it enforces
// the scheme policy, sets the User-Agent, retries what is safe to retry, and remembers what
// happened for error messages and the manifest URL.
type policyTransport struct {
	cfg   *Config
	inner http.RoundTripper
	sleep func(ctx context.Context, d time.Duration) error

	mu          sync.Mutex
	lastNetErr  error  // the last network failure, for messages when ggcr hides it
	manifestURL string // Location (or URL) of the last successful manifest PUT
	rateLimited time.Duration
}

func newPolicyTransport(cfg *Config, inner http.RoundTripper) *policyTransport {
	return &policyTransport{cfg: cfg, inner: inner, sleep: retry.Sleep}
}

// PlainHTTPError refuses a plain-HTTP request to a host that must use TLS. go-containerregistry
// would send one for private-range addresses; this is where that stops. The way to allow it is
// the caller's option (plugin-oci's --insecure-registry), so the caller words that hint.
type PlainHTTPError struct{ Host string }

func (e *PlainHTTPError) Error() string {
	return fmt.Sprintf("refusing plain HTTP to %s", e.Host)
}

type noRetryKey struct{}

// withoutRetries marks requests made with ctx as tried once only (best-effort clean-ups).
func withoutRetries(ctx context.Context) context.Context {
	return context.WithValue(ctx, noRetryKey{}, true)
}

// retriesExhausted marks a network error this transport already retried, so the upload-level
// retry in ggcr does not multiply the attempts.
type retriesExhausted struct{ err error }

func (e *retriesExhausted) Error() string { return e.err.Error() }
func (e *retriesExhausted) Unwrap() error { return e.err }

// errRetryStatus asks for another attempt after a retryable status.
var errRetryStatus = errors.New("retryable status")

func (t *policyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" && !t.cfg.PlainHTTPAllowed(req.URL.Host) {
		return nil, &PlainHTTPError{Host: req.URL.Host}
	}
	req = req.Clone(req.Context()) // a RoundTripper must not modify its request
	req.Header.Set("User-Agent", t.cfg.UserAgent)
	ctx := req.Context()

	policy := t.cfg.retryPolicy()
	policy.Sleep = t.sleep
	// A body can be sent again only if it can be recreated; a PATCH (a blob upload chunk) is never
	// repeated here since the registry may already hold part of it — ggcr restarts the upload.
	if !(req.Body == nil || req.Body == http.NoBody || req.GetBody != nil) || req.Method == http.MethodPatch ||
		ctx.Value(noRetryKey{}) != nil {
		policy.Retries = 0
	}
	policy.Retryable = func(err error) bool {
		return errors.Is(err, errRetryStatus) || retryableNetErr(err) && ctx.Err() == nil
	}
	var resp *http.Response
	var netErr error
	lastStatus := 0 // of the attempt just made, for OnRetry
	if t.cfg.OnRetry != nil {
		policy.OnRetry = func(n int, wait time.Duration, err error) {
			t.cfg.OnRetry(n, wait, &AttemptError{Method: req.Method, URL: redactURL(req.URL), Status: lastStatus, Err: err})
		}
	}
	response, stalled := t.cfg.timeouts()
	tries := 0
	err := policy.Do(ctx, func(a retry.Attempt) error {
		tries, resp, netErr, lastStatus = a.N+1, nil, nil, 0
		if a.N > 0 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return retry.Stop(err)
			}
			req.Body = body
		}
		// Each attempt has its own watchdog: a registry gone silent fails that attempt, which
		// is retried like any network failure.
		areq, wd := watch(req, response, stalled)
		r, err := t.inner.RoundTrip(areq)
		if err != nil {
			err = wd.explain(err)
			wd.finish()
			t.noteNetErr(err)
			netErr = err
			return err
		}
		wd.received(r)
		resp, lastStatus = r, r.StatusCode
		if r.StatusCode == http.StatusCreated && req.Method == http.MethodPut && strings.Contains(req.URL.Path, "/manifests/") {
			t.noteManifestURL(req.URL, r.Header.Get("Location"))
		}
		if !retryableStatus(r.StatusCode) || a.Last {
			return nil
		}
		ra, hasRA := retry.ParseRetryAfter(r.Header.Get("Retry-After"), time.Now())
		if hasRA && ra > retry.MaxWait {
			t.mu.Lock()
			t.rateLimited = ra
			t.mu.Unlock()
			return nil // waiting that long is the user's call: report it
		}
		io.Copy(io.Discard, io.LimitReader(r.Body, 64<<10))
		r.Body.Close()
		if hasRA {
			return retry.After(ra, errRetryStatus)
		}
		return errRetryStatus
	})
	switch {
	case err == nil:
		return resp, nil
	case netErr == nil:
		return nil, err
	case err != netErr: // the wait was cut short: report the network failure
		return nil, netErr
	case tries > 1:
		return nil, &retriesExhausted{netErr}
	}
	return nil, netErr
}

func (t *policyTransport) noteNetErr(err error) {
	t.mu.Lock()
	t.lastNetErr = err
	t.mu.Unlock()
}

func (t *policyTransport) noteManifestURL(reqURL *url.URL, location string) {
	u := *reqURL
	u.RawQuery, u.User = "", nil
	if location != "" {
		if loc, err := reqURL.Parse(location); err == nil {
			loc.RawQuery, loc.User = "", nil
			u = *loc
		}
	}
	t.mu.Lock()
	t.manifestURL = u.String()
	t.mu.Unlock()
}

func (t *policyTransport) lastManifestURL() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.manifestURL
}

// AttemptError is a failed attempt at one request, as Config.OnRetry hears of it: a network
// failure (Err) or a status worth another try (Status, with Err saying so).
type AttemptError struct {
	Method string
	URL    string // without user info and query
	Status int    // 0 for a network failure
	Err    error
}

func (e *AttemptError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
	}
	return fmt.Sprintf("%s %s: %v", e.Method, e.URL, e.Err)
}

func (e *AttemptError) Unwrap() error { return e.Err }

// redactURL is u without what must not be shown: user info and the query (signed storage URLs
// carry tokens there).
func redactURL(u *url.URL) string {
	c := *u
	c.User, c.RawQuery, c.ForceQuery = nil, "", false
	return c.String()
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableNetErr: connection-level failures that may pass; not certificate problems, unknown
// hosts or our own refusals, which will not.
func retryableNetErr(err error) bool {
	var pe *PlainHTTPError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &pe), IsTLSError(err), errors.Is(err, context.Canceled):
		return false
	case errors.As(err, &dnsErr):
		return dnsErr.IsTemporary || dnsErr.IsTimeout
	}
	return true
}

// uploadRetryable is ggcr's upload-level retry predicate: a blob upload that broke mid-stream is
// started again from scratch; everything else was already retried by policyTransport.
func uploadRetryable(err error) bool {
	var done *retriesExhausted
	if err == nil || errors.As(err, &done) {
		return false
	}
	var te interface{ Temporary() bool }
	if se := statusErrorOf(err); se != nil {
		// The requests that carry the blob (PATCH, or a monolithic PUT) cannot be replayed by the
		// transport; everything else already was.
		carriesBlob := se.Request != nil && (se.Request.Method == http.MethodPatch ||
			se.Request.Method == http.MethodPut && se.Request.ContentLength > 0 && !strings.Contains(se.Request.URL.Path, "/manifests/"))
		return carriesBlob && retryableStatus(se.StatusCode)
	}
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) || (errors.As(err, &te) && te.Temporary())
}
