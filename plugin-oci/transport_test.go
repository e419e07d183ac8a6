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

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/mcpg-dev/mcpg-plugins/shared/buildinfo"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
)

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
		_, _, _, err = st.store.FetchManifest(context.Background(), r.Identifier())
		return rec, st.wrap(err, "pull "+ref)
	}
	for _, ref := range []string{"10.0.0.1:5000/team/gate:1.0", "192.168.7.7/gate:1.0", "172.16.0.9:443/gate:1.0", "localhost.attacker.example:5000/gate:1.0"} {
		t.Run(ref, func(t *testing.T) {
			rec, err := pull(t, ref, &transportOptions{})
			https, plain := rec.schemes()
			if plain != 0 || https == 0 {
				t.Errorf("%s: %d https and %d plain requests reached the network: %q", ref, https, plain, rec.seen)
			}
			if cli.CodeOf(err) != cli.ExitNetwork || !strings.Contains(err.Error(), "not found") {
				t.Errorf("%s: %v", ref, err)
			}
		})
	}

	// HTTPS failing must not fall back to HTTP.
	rec := &recorder{}
	useNetwork(t, httpsFails{rec})
	r, _ := oci.ParseReference("10.0.0.1:5000/gate:1.0")
	st, _ := openRegistry(r, &transportOptions{}, nil, authn.Anonymous)
	_, _, _, err := st.store.FetchManifest(context.Background(), "1.0")
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
	_, _, _, err = st.store.FetchManifest(context.Background(), "1.0")
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
	for name, err := range map[string]error{
		"403 status":      statusErr,
		"network failure": netE,
		"wrapped":         fmt.Errorf("wrapped: %w (%s)", netE, u),
	} {
		t.Run(name, func(t *testing.T) {
			e := registryError(err, "pull reg.example/x:1", "reg.example", creds)
			var ce *cli.Error
			if !errors.As(e, &ce) {
				t.Fatalf("%T", e)
			}
			for _, s := range []string{pass, "YWxpY2U6aHVudGVy", "alice:", "abcdef", "Authorization"} {
				if strings.Contains(ce.Msg+ce.Hint, s) {
					t.Errorf("%q appears in %q (hint %q)", s, ce.Msg, ce.Hint)
				}
			}
		})
	}
	if e := registryError(statusErr, "pull", "reg.example", creds); cli.CodeOf(e) != cli.ExitAuth {
		t.Errorf("403 → exit %d", cli.CodeOf(e))
	}
}

// rateLimited answers the ping, then 429 with a Retry-After longer than the transport waits.
type rateLimited struct{}

func (rateLimited) RoundTrip(req *http.Request) (*http.Response, error) {
	code, h := http.StatusTooManyRequests, http.Header{"Retry-After": {"120"}}
	if req.URL.Path == "/v2/" {
		code, h = http.StatusOK, http.Header{}
	}
	return &http.Response{StatusCode: code, Header: h, Body: io.NopCloser(strings.NewReader("")), Request: req}, nil
}

// A Retry-After beyond 30 s is reported, not waited for, and the message says how long.
func TestRateLimitReported(t *testing.T) {
	useNetwork(t, rateLimited{})
	r, _ := oci.ParseReference("reg.example/x:1")
	st, err := openRegistry(r, &transportOptions{retries: 3}, nil, authn.Anonymous)
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, err = st.store.FetchManifest(context.Background(), "1")
	e := st.wrap(err, "pull x")
	if cli.CodeOf(e) != cli.ExitNetwork || !strings.Contains(e.Error(), "retry after 2m0s") {
		t.Fatalf("error: %v", e)
	}
}

func TestUserAgent(t *testing.T) {
	cfg, err := (&transportOptions{}).config()
	if err != nil || cfg.UserAgent != "mcpg-plugins/"+buildinfo.Version {
		t.Fatalf("User-Agent %q, %v", cfg.UserAgent, err)
	}
}
