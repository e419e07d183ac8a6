package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
)

func TestLoopbackRegistry(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "localhost:5000": true, "127.0.0.1": true, "127.0.0.1:5000": true,
		"::1": true, "[::1]": true, "[::1]:5000": true,
		"localhost.attacker.example": false, "localhost.attacker.example:5000": false,
		"127.0.0.1.evil.com": false, "127.0.0.2": false, "10.0.0.1": false, "192.168.1.10:5000": false,
		"foo.localhost": false, "[::2]:5000": false, "[::1": false, "": false,
	} {
		if got := isLoopbackRegistry(host); got != want {
			t.Errorf("isLoopbackRegistry(%q) = %v, want %v", host, got, want)
		}
	}
	o := &transportOptions{insecureRegistries: []string{"10.0.0.1:5000", "harbor.corp"}}
	for host, want := range map[string]bool{
		"10.0.0.1:5000": true, "10.0.0.1": false, "10.0.0.1:5001": false, "harbor.corp": true,
		"harbor.corp:443": false, "localhost:1234": true,
	} {
		if got := o.plainHTTPAllowed(host); got != want {
			t.Errorf("plainHTTPAllowed(%q) = %v, want %v", host, got, want)
		}
	}
}

// recorder is a fake network: it logs every request that reaches it and answers like a registry
// with nothing in it (https only, unless plainOK).
type recorder struct {
	mu      sync.Mutex
	seen    []string
	plainOK bool
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.seen = append(r.seen, req.Method+" "+req.URL.Scheme+"://"+req.URL.Host+req.URL.Path)
	r.mu.Unlock()
	if req.URL.Scheme == "http" && !r.plainOK {
		return nil, &url.Error{Op: "Get", URL: req.URL.String(), Err: errors.New("connection refused")}
	}
	code, body := http.StatusNotFound, `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}`
	if req.URL.Path == "/v2/" {
		code, body = http.StatusOK, "{}"
	}
	return &http.Response{StatusCode: code, Body: io.NopCloser(strings.NewReader(body)), Request: req,
		Header: http.Header{"Content-Type": {"application/json"}}}, nil
}

func (r *recorder) schemes() (https, http int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.seen {
		if strings.Contains(s, " https://") {
			https++
		} else {
			http++
		}
	}
	return
}

// A private-range registry stays on HTTPS: go-containerregistry would race plain HTTP against it
// (and use it if HTTPS failed); the policy transport refuses before anything leaves.
func TestPrivateRangeStaysHTTPS(t *testing.T) {
	pull := func(t *testing.T, ref string, opts *transportOptions) (*recorder, error) {
		rec := &recorder{plainOK: true}
		useNetwork(t, rec)
		r, err := oci.ParseReference(ref)
		if err != nil {
			t.Fatal(err)
		}
		st, err := openRegistry(r, opts, nil, authn.Anonymous)
		if err != nil {
			t.Fatal(err)
		}
		_, _, _, err = st.fetchManifest(context.Background(), r.Identifier())
		return rec, st.wrap(err, "pull "+ref)
	}
	for _, ref := range []string{"10.0.0.1:5000/team/gate:1.0", "192.168.7.7/gate:1.0", "172.16.0.9:443/gate:1.0", "localhost.attacker.example:5000/gate:1.0"} {
		rec, err := pull(t, ref, &transportOptions{})
		https, plain := rec.schemes()
		if plain != 0 || https == 0 {
			t.Errorf("%s: %d https and %d plain requests reached the network: %q", ref, https, plain, rec.seen)
		}
		if cli.CodeOf(err) != cli.ExitNetwork || !strings.Contains(err.Error(), "not found") {
			t.Errorf("%s: %v", ref, err)
		}
	}

	// HTTPS failing must not fall back to HTTP.
	rec := &recorder{}
	useNetwork(t, httpsFails{rec})
	r, _ := oci.ParseReference("10.0.0.1:5000/gate:1.0")
	st, _ := openRegistry(r, &transportOptions{}, nil, authn.Anonymous)
	_, _, _, err := st.fetchManifest(context.Background(), "1.0")
	err = st.wrap(err, "pull")
	if https, plain := rec.schemes(); plain != 0 || https == 0 {
		t.Errorf("fallback: %d https, %d plain: %q", https, plain, rec.seen)
	}
	if cli.CodeOf(err) != cli.ExitNetwork || !strings.Contains(err.Error(), "handshake failure") {
		t.Errorf("fallback error: %v", err)
	}

	// --insecure-registry (exact host:port) and loopback names allow plain HTTP.
	rec2 := &recorder{plainOK: true}
	useNetwork(t, httpsFails{rec2})
	st, _ = openRegistry(r, &transportOptions{insecureRegistries: []string{"10.0.0.1:5000"}}, nil, authn.Anonymous)
	_, _, _, err = st.fetchManifest(context.Background(), "1.0")
	if _, plain := rec2.schemes(); plain == 0 || cli.CodeOf(st.wrap(err, "pull")) != cli.ExitNetwork {
		t.Errorf("--insecure-registry: no plain request: %q, %v", rec2.seen, err)
	}
}

// useNetwork replaces the network for the rest of the test.
func useNetwork(t *testing.T, rt http.RoundTripper) {
	old := testBase
	testBase = rt
	t.Cleanup(func() { testBase = old })
}

// httpsFails fails every https request like a server that does not speak TLS.
type httpsFails struct{ *recorder }

func (h httpsFails) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "https" {
		h.recorder.mu.Lock()
		h.recorder.seen = append(h.recorder.seen, req.Method+" https://"+req.URL.Host+req.URL.Path)
		h.recorder.mu.Unlock()
		return nil, &url.Error{Op: "Get", URL: req.URL.String(), Err: errors.New("remote error: tls: handshake failure")}
	}
	return h.recorder.RoundTrip(req)
}

// script answers a fixed sequence of responses and records what it was asked.
type script struct {
	answers []func(*http.Request) (*http.Response, error)
	reqs    []*http.Request
	bodies  []string
}

func (s *script) RoundTrip(req *http.Request) (*http.Response, error) {
	s.reqs = append(s.reqs, req)
	body := ""
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		body = string(b)
	}
	s.bodies = append(s.bodies, body)
	i := min(len(s.reqs)-1, len(s.answers)-1)
	return s.answers[i](req)
}

func status(code int, header ...string) func(*http.Request) (*http.Response, error) {
	return func(req *http.Request) (*http.Response, error) {
		h := http.Header{}
		for i := 0; i+1 < len(header); i += 2 {
			h.Set(header[i], header[i+1])
		}
		return &http.Response{StatusCode: code, Header: h, Body: io.NopCloser(strings.NewReader("")), Request: req}, nil
	}
}

func netErr(req *http.Request) (*http.Response, error) {
	return nil, &url.Error{Op: req.Method, URL: req.URL.String(), Err: errors.New("connection reset by peer")}
}

func newTestPolicy(retries int, inner http.RoundTripper) (*policyTransport, *[]time.Duration) {
	pt := newPolicyTransport(&transportOptions{retries: retries}, inner)
	var waits []time.Duration
	pt.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	return pt, &waits
}

func TestRetries(t *testing.T) {
	get := func() *http.Request {
		r, _ := http.NewRequest("GET", "https://reg.example/v2/x/manifests/1", nil)
		return r
	}

	t.Run("Retry-After seconds is honoured", func(t *testing.T) {
		s := &script{answers: []func(*http.Request) (*http.Response, error){status(429, "Retry-After", "7"), status(200)}}
		pt, waits := newTestPolicy(3, s)
		resp, err := pt.RoundTrip(get())
		if err != nil || resp.StatusCode != 200 || len(s.reqs) != 2 || len(*waits) != 1 || (*waits)[0] != 7*time.Second {
			t.Fatalf("resp %v err %v, %d requests, waits %v", resp, err, len(s.reqs), *waits)
		}
	})
	t.Run("Retry-After as a date", func(t *testing.T) {
		at := time.Now().Add(5 * time.Second).UTC().Format(http.TimeFormat)
		s := &script{answers: []func(*http.Request) (*http.Response, error){status(503, "Retry-After", at), status(200)}}
		pt, waits := newTestPolicy(3, s)
		if resp, err := pt.RoundTrip(get()); err != nil || resp.StatusCode != 200 {
			t.Fatal(resp, err)
		}
		if w := (*waits)[0]; w < 3*time.Second || w > 6*time.Second {
			t.Fatalf("waited %v for a date 5 s ahead", w)
		}
	})
	t.Run("Retry-After beyond 30 s is reported, not waited for", func(t *testing.T) {
		s := &script{answers: []func(*http.Request) (*http.Response, error){status(429, "Retry-After", "120")}}
		pt, waits := newTestPolicy(3, s)
		resp, err := pt.RoundTrip(get())
		if err != nil || resp.StatusCode != 429 || len(s.reqs) != 1 || len(*waits) != 0 {
			t.Fatalf("resp %v err %v, %d requests, waits %v", resp, err, len(s.reqs), *waits)
		}
		e := registryError(transport.CheckError(resp, 200), "pull x", "reg.example", pt, nil)
		if cli.CodeOf(e) != cli.ExitNetwork || !strings.Contains(e.Error(), "retry after 2m0s") {
			t.Fatalf("error: %v", e)
		}
	})
	t.Run("5xx backs off and gives up after the retries", func(t *testing.T) {
		s := &script{answers: []func(*http.Request) (*http.Response, error){status(500)}}
		pt, waits := newTestPolicy(2, s)
		resp, err := pt.RoundTrip(get())
		if err != nil || resp.StatusCode != 500 || len(s.reqs) != 3 || len(*waits) != 2 || (*waits)[1] <= (*waits)[0] {
			t.Fatalf("resp %v err %v, %d requests, waits %v", resp, err, len(s.reqs), *waits)
		}
	})
	t.Run("network errors are retried, then marked exhausted", func(t *testing.T) {
		s := &script{answers: []func(*http.Request) (*http.Response, error){netErr}}
		pt, _ := newTestPolicy(1, s)
		_, err := pt.RoundTrip(get())
		var ex *retriesExhausted
		if !errors.As(err, &ex) || len(s.reqs) != 2 || uploadRetryable(err) {
			t.Fatalf("err %v after %d requests", err, len(s.reqs))
		}
	})
	t.Run("4xx is final", func(t *testing.T) {
		s := &script{answers: []func(*http.Request) (*http.Response, error){status(404), status(200)}}
		pt, _ := newTestPolicy(3, s)
		if resp, _ := pt.RoundTrip(get()); resp.StatusCode != 404 || len(s.reqs) != 1 {
			t.Fatalf("%d requests", len(s.reqs))
		}
	})
	t.Run("a body is sent again in full", func(t *testing.T) {
		s := &script{answers: []func(*http.Request) (*http.Response, error){status(502), status(201)}}
		pt, _ := newTestPolicy(3, s)
		req, _ := http.NewRequest("PUT", "https://reg.example/v2/x/manifests/1", strings.NewReader("manifest-bytes"))
		if resp, err := pt.RoundTrip(req); err != nil || resp.StatusCode != 201 {
			t.Fatal(resp, err)
		}
		if len(s.bodies) != 2 || s.bodies[0] != "manifest-bytes" || s.bodies[1] != "manifest-bytes" {
			t.Fatalf("bodies %q", s.bodies)
		}
	})
	t.Run("a PATCH is never repeated here", func(t *testing.T) {
		s := &script{answers: []func(*http.Request) (*http.Response, error){status(502), status(202)}}
		pt, _ := newTestPolicy(3, s)
		req, _ := http.NewRequest("PATCH", "https://reg.example/v2/x/blobs/uploads/u", strings.NewReader("chunk"))
		if resp, _ := pt.RoundTrip(req); resp.StatusCode != 502 || len(s.reqs) != 1 {
			t.Fatalf("%d requests", len(s.reqs))
		}
		// …the upload as a whole is restarted instead.
		if !uploadRetryable(transport.CheckError(&http.Response{StatusCode: 502, Request: req, Body: http.NoBody}, 202)) {
			t.Fatal("a 502 on PATCH should restart the upload")
		}
	})
	t.Run("User-Agent", func(t *testing.T) {
		s := &script{answers: []func(*http.Request) (*http.Response, error){status(200)}}
		pt, _ := newTestPolicy(0, s)
		pt.RoundTrip(get())
		if ua := s.reqs[0].Header.Get("User-Agent"); ua != "mcpg-plugins/"+cli.Version {
			t.Fatalf("User-Agent %q", ua)
		}
	})
	t.Run("certificate errors are final", func(t *testing.T) {
		s := &script{answers: []func(*http.Request) (*http.Response, error){func(r *http.Request) (*http.Response, error) {
			return nil, &url.Error{Op: "Get", URL: r.URL.String(), Err: &plainHTTPError{host: "x"}}
		}}}
		pt, _ := newTestPolicy(3, s)
		pt.RoundTrip(get())
		if len(s.reqs) != 1 {
			t.Fatalf("%d requests", len(s.reqs))
		}
	})
}

func TestRetryAfterParse(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"0": 0, "1": time.Second, " 30 ": 30 * time.Second,
		"Tue, 24 Nov 2026 12:00:10 GMT": 10 * time.Second,
	} {
		if got, ok := retryAfter(in, now); !ok || got != want {
			t.Errorf("retryAfter(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "-1", "soon", "1.5"} {
		if _, ok := retryAfter(in, now); ok {
			t.Errorf("retryAfter(%q) accepted", in)
		}
	}
}

// No message carries a credential: not the password, not the Basic token, not URL user info, not
// a signed URL's query.
func TestErrorsCarryNoSecret(t *testing.T) {
	const pass = "hunter2-very-secret"
	creds := authn.FromConfig(authn.AuthConfig{Username: "alice", Password: pass, Auth: "YWxpY2U6aHVudGVyMi12ZXJ5LXNlY3JldA=="})
	u, _ := url.Parse("https://alice:" + pass + "@reg.example/v2/x/blobs/sha256:1?X-Amz-Signature=abcdef&token=" + pass)
	req := &http.Request{Method: "GET", URL: u, Header: http.Header{"Authorization": {"Basic YWxpY2U6aHVudGVyMi12ZXJ5LXNlY3JldA=="}}}
	body := fmt.Sprintf(`{"errors":[{"code":"DENIED","message":"bad password %s for request %s"}]}`, pass, u)
	statusErr := transport.CheckError(&http.Response{StatusCode: 403, Request: req, Body: io.NopCloser(strings.NewReader(body))}, 200)
	netE := &url.Error{Op: "Get", URL: u.String(), Err: errors.New("dial tcp: connection refused")}
	for _, err := range []error{statusErr, netE, fmt.Errorf("wrapped: %w (%s)", netE, u)} {
		e := registryError(err, "pull reg.example/x:1", "reg.example", nil, creds)
		var ce *cli.Error
		if !errors.As(e, &ce) {
			t.Fatalf("%T", e)
		}
		for _, s := range []string{pass, "YWxpY2U6aHVudGVy", "alice:", "abcdef", "Authorization"} {
			if strings.Contains(ce.Msg+ce.Hint, s) {
				t.Errorf("%q appears in %q (hint %q)", s, ce.Msg, ce.Hint)
			}
		}
	}
	if e := registryError(statusErr, "pull", "reg.example", nil, creds); cli.CodeOf(e) != cli.ExitAuth {
		t.Errorf("403 → exit %d", cli.CodeOf(e))
	}
}
