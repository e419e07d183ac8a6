package ociclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

const testUserAgent = "mcpg-plugins/test"

func TestLoopbackRegistry(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "localhost:5000": true, "127.0.0.1": true, "127.0.0.1:5000": true,
		"::1": true, "[::1]": true, "[::1]:5000": true,
		"localhost.attacker.example": false, "localhost.attacker.example:5000": false,
		"127.0.0.1.evil.com": false, "127.0.0.2": false, "10.0.0.1": false, "192.168.1.10:5000": false,
		"foo.localhost": false, "[::2]:5000": false, "[::1": false, "": false,
	} {
		t.Run(fmt.Sprintf("loopback %q", host), func(t *testing.T) {
			if got := IsLoopbackRegistry(host); got != want {
				t.Errorf("IsLoopbackRegistry(%q) = %v, want %v", host, got, want)
			}
		})
	}
	o := &Config{PlainHTTP: []string{"10.0.0.1:5000", "harbor.corp"}}
	for host, want := range map[string]bool{
		"10.0.0.1:5000": true, "10.0.0.1": false, "10.0.0.1:5001": false, "harbor.corp": true,
		"harbor.corp:443": false, "localhost:1234": true,
	} {
		t.Run("plain HTTP "+host, func(t *testing.T) {
			if got := o.PlainHTTPAllowed(host); got != want {
				t.Errorf("plainHTTPAllowed(%q) = %v, want %v", host, got, want)
			}
		})
	}
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
	pt := newPolicyTransport(&Config{Retries: retries, UserAgent: testUserAgent}, inner)
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
		var re *RegistryError
		if e := classify(transport.CheckError(resp, 200), "reg.example", pt); !errors.As(e, &re) || re.Status == nil ||
			re.Status.StatusCode != 429 || re.RetryAfter != 2*time.Minute {
			t.Fatalf("error: %#v", e)
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
		if ua := s.reqs[0].Header.Get("User-Agent"); ua != testUserAgent {
			t.Fatalf("User-Agent %q", ua)
		}
	})
	t.Run("certificate errors are final", func(t *testing.T) {
		s := &script{answers: []func(*http.Request) (*http.Response, error){func(r *http.Request) (*http.Response, error) {
			return nil, &url.Error{Op: "Get", URL: r.URL.String(), Err: &PlainHTTPError{Host: "x"}}
		}}}
		pt, _ := newTestPolicy(3, s)
		pt.RoundTrip(get())
		if len(s.reqs) != 1 {
			t.Fatalf("%d requests", len(s.reqs))
		}
	})
}
