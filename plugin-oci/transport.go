package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

// Transport policy (contract.md §5.2, issue item 5): HTTPS everywhere, including private-range
// addresses that go-containerregistry would otherwise talk plain HTTP to; plain HTTP only for the
// loopback names and for hosts the user lists; TLS verification switched off only on request.

// transportOptions are the connection flags shared by push and pull.
type transportOptions struct {
	insecureRegistries []string
	skipTLSVerify      bool
	caFile             string
	certFile, keyFile  string
	retries            int
}

// testBase, when set by a test, replaces the network under the policy transport.
var testBase http.RoundTripper

const transportFlagsHelp = `      --insecure-registry <host[:port]>
                        talk plain HTTP to this registry (exact match, repeatable); localhost,
                        127.0.0.1 and ::1 always may. Every other host, private addresses
                        included, is HTTPS only
      --insecure-skip-tls-verify
                        do not verify the registry's TLS certificate (still HTTPS)
      --ca-file <pem>   also trust the CA certificates in this PEM file
      --cert-file <pem>, --key-file <pem>
                        client certificate and key for registries that require mTLS
      --retries <n>     retry a failed request up to n times (default 3): network errors, 5xx,
                        408 and 429, waiting as long as Retry-After asks (up to 30 s)
`

func (o *transportOptions) register(fs *cli.FlagSet) {
	fs.StringsVar(&o.insecureRegistries, "insecure-registry", "")
	fs.BoolVar(&o.skipTLSVerify, "insecure-skip-tls-verify", false, "")
	fs.StringVar(&o.caFile, "ca-file", "", "")
	fs.StringVar(&o.certFile, "cert-file", "", "")
	fs.StringVar(&o.keyFile, "key-file", "", "")
	fs.IntVar(&o.retries, "retries", 3, "")
}

// check validates the flag values without touching the network.
func (o *transportOptions) check() error {
	if o.retries < 0 {
		return cli.Usagef("--retries must be 0 or more, not %d", o.retries)
	}
	if (o.certFile == "") != (o.keyFile == "") {
		return cli.Usagef("--cert-file and --key-file go together (a client certificate needs its key)")
	}
	for _, h := range o.insecureRegistries {
		if h == "" || strings.Contains(h, "/") {
			return cli.Usagef("--insecure-registry %q: expected host or host:port, without scheme or path", h)
		}
	}
	return nil
}

// plainHTTPAllowed reports whether host (host[:port] as in a reference or URL) may be spoken to
// without TLS: an exact loopback name with any port, or an exact --insecure-registry entry.
func (o *transportOptions) plainHTTPAllowed(host string) bool {
	return isLoopbackRegistry(host) || slices.Contains(o.insecureRegistries, host)
}

// isLoopbackRegistry matches localhost, 127.0.0.1, ::1 and [::1], port stripped, exactly: a host
// merely starting with one of them (localhost.attacker.example) is remote and stays HTTPS.
func isLoopbackRegistry(host string) bool {
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

// tlsConfig builds the client TLS settings from the flags.
func (o *transportOptions) tlsConfig() (*tls.Config, error) {
	conf := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.skipTLSVerify}
	if o.caFile != "" {
		pem, err := os.ReadFile(o.caFile)
		if err != nil {
			return nil, cli.IOError("read", o.caFile, err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, cli.Usagef("--ca-file %s: no PEM certificate found in it", o.caFile)
		}
		conf.RootCAs = pool
	}
	if o.certFile != "" {
		pair, err := tls.LoadX509KeyPair(o.certFile, o.keyFile)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				return nil, cli.IOError("read", pe.Path, err)
			}
			return nil, cli.Usagef("--cert-file %s / --key-file %s: %v", o.certFile, o.keyFile, err)
		}
		conf.Certificates = []tls.Certificate{pair}
	}
	return conf, nil
}

// baseTransport is the HTTP transport under the policy: ggcr's defaults (proxies from the
// environment, keep-alive, timeouts) with our TLS settings and larger buffers for big blobs, over
// HTTP/1.1: every registry speaks it, one blob per connection streams without HTTP/2's flow-control
// windows, and a TLS alert (a client certificate the registry wants) reaches the error message
// instead of "http2: client conn could not be established".
func (o *transportOptions) baseTransport() (http.RoundTripper, error) {
	if testBase != nil {
		return testBase, nil
	}
	conf, err := o.tlsConfig()
	if err != nil {
		return nil, err
	}
	t := remote.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = http.ProxyFromEnvironment
	t.TLSClientConfig = conf
	t.ForceAttemptHTTP2 = false
	t.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	t.WriteBufferSize = 256 << 10
	t.ReadBufferSize = 256 << 10
	return t, nil
}

// userAgent is sent with every request.
func userAgent() string { return "mcpg-plugins/" + cli.Version }

// Retry bounds.
const (
	maxRetryAfter = 30 * time.Second
	firstBackoff  = 500 * time.Millisecond
)

// retryBaseDelay is the first backoff step; tests shorten it.
var retryBaseDelay = firstBackoff

// policyTransport sits directly above the HTTP transport, under ggcr's authentication: it enforces
// the scheme policy, sets the User-Agent, retries what is safe to retry, and remembers what
// happened for error messages and the manifest URL.
type policyTransport struct {
	opts  *transportOptions
	inner http.RoundTripper
	sleep func(ctx context.Context, d time.Duration) error

	mu          sync.Mutex
	lastNetErr  error  // the last network failure, for messages when ggcr hides it
	manifestURL string // Location (or URL) of the last successful manifest PUT
	rateLimited time.Duration
}

func newPolicyTransport(opts *transportOptions, inner http.RoundTripper) *policyTransport {
	return &policyTransport{opts: opts, inner: inner, sleep: sleepCtx}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// plainHTTPError refuses a plain-HTTP request to a host that must use TLS. go-containerregistry
// would send one for private-range addresses; this is where that stops.
type plainHTTPError struct{ host string }

func (e *plainHTTPError) Error() string {
	return fmt.Sprintf("refusing plain HTTP to %s (pass --insecure-registry %s to allow it)", e.host, e.host)
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

func (t *policyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" && !t.opts.plainHTTPAllowed(req.URL.Host) {
		return nil, &plainHTTPError{host: req.URL.Host}
	}
	req = req.Clone(req.Context()) // a RoundTripper must not modify its request
	req.Header.Set("User-Agent", userAgent())

	// A body can be sent again only if it can be recreated; a PATCH (a blob upload chunk) is never
	// repeated here since the registry may already hold part of it — ggcr restarts the upload.
	replayable := (req.Body == nil || req.Body == http.NoBody || req.GetBody != nil) && req.Method != http.MethodPatch &&
		req.Context().Value(noRetryKey{}) == nil
	for attempt := 0; ; attempt++ {
		if attempt > 0 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req.Body = body
		}
		resp, err := t.inner.RoundTrip(req)
		last := attempt >= t.opts.retries || !replayable
		if err != nil {
			t.noteNetErr(err)
			if last || !retryableNetErr(err) || req.Context().Err() != nil {
				if attempt > 0 {
					return nil, &retriesExhausted{err}
				}
				return nil, err
			}
			if serr := t.sleep(req.Context(), backoff(attempt)); serr != nil {
				return nil, err
			}
			continue
		}
		if resp.StatusCode == http.StatusCreated && req.Method == http.MethodPut && strings.Contains(req.URL.Path, "/manifests/") {
			t.noteManifestURL(req.URL, resp.Header.Get("Location"))
		}
		if !retryableStatus(resp.StatusCode) || last {
			return resp, nil
		}
		wait := backoff(attempt)
		if ra, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			if ra > maxRetryAfter {
				t.mu.Lock()
				t.rateLimited = ra
				t.mu.Unlock()
				return resp, nil // waiting that long is the user's call: report it
			}
			wait = max(ra, 0)
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		if err := t.sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
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

// backoff is the wait before retry attempt+1: 0.5 s, 1 s, 2 s … with 10 % jitter, at most 30 s.
func backoff(attempt int) time.Duration {
	d := retryBaseDelay << min(attempt, 6)
	d = min(d, maxRetryAfter)
	return d + time.Duration(rand.Int64N(int64(d)/10+1))
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
	var pe *plainHTTPError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &pe), isTLSErr(err), errors.Is(err, context.Canceled):
		return false
	case errors.As(err, &dnsErr):
		return dnsErr.IsTemporary || dnsErr.IsTimeout
	}
	return true
}

// retryAfter parses a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
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
