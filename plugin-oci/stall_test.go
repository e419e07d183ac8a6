package main

// A registry that goes silent — never answers, trickles its headers, stops a body either way —
// ends pull and push with exit 4 and a message naming the host and what was awaited, within
// (retries+1) × the timeout. Each run has its own deadline: a regression fails, it does not hang.

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/plugin-oci/internal/faultproxy"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/testregistry"
)

// shortTimeouts make a silence cost a second per attempt, with one retry.
var shortTimeouts = []string{"--retries", "1", "--response-timeout", "1", "--stall-timeout", "1s"}

// runOCIWithin is runOCI failing the test, instead of hanging it, when the run takes over limit.
func runOCIWithin(t *testing.T, limit time.Duration, args ...string) ociResult {
	t.Helper()
	done := make(chan ociResult, 1)
	go func() { done <- runOCI(t, nil, args...) }()
	select {
	case r := <-done:
		return r
	case <-time.After(limit):
		t.Fatalf("plugin-oci %s still running after %s", strings.Join(args, " "), limit)
		return ociResult{}
	}
}

// wantRetryNotice checks stderr announced a retry of the attempt that went silent.
func wantRetryNotice(t *testing.T, r ociResult, pattern string) {
	t.Helper()
	re := regexp.MustCompile(`(?m)^retrying ` + pattern + ` \(attempt 2 of 2\)$`)
	if !re.MatchString(r.stderr) {
		t.Errorf("no retry notice matching %q in %s", re, r)
	}
}

// The longest a silent registry may hold one request with shortTimeouts: two attempts of 1 s,
// a backoff step, and slack for a loaded machine.
const stallBound = 8 * time.Second

func TestStallPull(t *testing.T) {
	f := newFaultEnv(t, true)
	layer := "/blobs/" + f.layerDigest
	for _, c := range []struct {
		name   string
		rule   faultproxy.Rule
		words  []string // besides the proxy's host
		notice string   // the retry line, after "retrying "
	}{
		{"registry never answers",
			faultproxy.Rule{Fault: faultproxy.Hang{}},
			[]string{"sent no response headers in 1s (GET /v2/)"},
			`GET http://HOST/v2/ in [0-9.]+s: no response headers in 1s`},
		{"manifest headers trickle a byte at a time",
			faultproxy.Rule{Method: "GET", Path: "/manifests/", Fault: faultproxy.Trickle{Every: 100 * time.Millisecond}},
			[]string{"sent no response headers in 1s (GET /v2/faults/pkg/manifests/1.0)"},
			`GET http://HOST/v2/faults/pkg/manifests/1.0 in [0-9.]+s: no response headers in 1s`},
		{"manifest body stops",
			faultproxy.Rule{Method: "GET", Path: "/manifests/", Fault: faultproxy.Stall{After: 10}},
			[]string{"sent nothing for 1s while downloading the response (GET /v2/faults/pkg/manifests/1.0)"},
			`GET HOST/v2/faults/pkg/manifests/1.0 in [0-9.]+s: the registry sent nothing for 1s`},
		{"layer stops mid-blob",
			faultproxy.Rule{Method: "GET", Path: layer, Fault: faultproxy.Stall{After: 1 << 20}},
			[]string{"layer " + f.layerDigest, "sent nothing for 1s while downloading blob " + f.layerDigest},
			`GET HOST/v2/faults/pkg` + layer + ` in [0-9.]+s: the registry sent nothing for 1s`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // each waits out its timeouts: together, not one after another
			p, ref := f.proxy(t, c.rule)
			out := t.TempDir()
			args := append([]string{"pull", ref, "-o", filepath.Join(out, "out.zip")}, f.auth()...)
			r := runOCIWithin(t, 3*stallBound, append(args, shortTimeouts...)...)
			r.wantNoSecret(t)
			r.wantError(t, cli.ExitNetwork, append(c.words, "registry "+p.Host)...)
			wantRetryNotice(t, r, strings.ReplaceAll(c.notice, "HOST", regexp.QuoteMeta(p.Host)))
			wantFiles(t, out)
			if r.elapsed > stallBound {
				t.Errorf("giving up took %s", r.elapsed)
			}
			t.Logf("ended after %s", r.elapsed.Round(10*time.Millisecond))
		})
	}
}

func TestStallPush(t *testing.T) {
	f := newFaultEnv(t, false)
	// Bigger than what the kernel buffers on both ends of a connection, so an upload the
	// registry stops reading blocks the client.
	big := filepath.Join(f.dir, "big.zip")
	testregistry.WritePackage(t, big, 12<<20, 7)
	// The digest cache knows files by inode: a fresh copy is unknown to it (POST, PATCH, PUT)
	// until pushed once. One cache for all, out of the user's.
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	for _, c := range []struct {
		name   string
		rule   faultproxy.Rule
		zip    string
		words  []string
		notice string
	}{
		{"upload start never answered",
			faultproxy.Rule{Method: "POST", Path: "/blobs/uploads/", Fault: faultproxy.Hang{}}, f.zip,
			[]string{"sent no response headers in 1s (POST /v2/faults/"},
			`POST http://HOST/v2/faults/[a-z-]+/blobs/uploads/ in [0-9.]+s: no response headers in 1s`},
		{"registry stops reading the upload",
			faultproxy.Rule{Method: "PATCH", Fault: faultproxy.Stall{After: 256 << 10}}, big,
			[]string{"accepted no data for 1s while uploading a blob (PATCH /v2/faults/"},
			`the blob upload \(PATCH http://HOST/v2/faults/[a-z-]+/blobs/uploads/[^ ]+\) in [0-9.]+s: the registry accepted no data for 1s`},
		{"warm: registry stops reading the monolithic PUT",
			faultproxy.Rule{Method: "PUT", Path: "/blobs/uploads/", Fault: faultproxy.Stall{After: 256 << 10}}, big,
			[]string{"accepted no data for 1s while uploading blob sha256:", "(PUT /v2/faults/"},
			`the blob upload \(PUT http://HOST/v2/faults/[a-z-]+/blobs/uploads/[^ ]+\) in [0-9.]+s: the registry accepted no data for 1s`},
		{"manifest PUT answered a byte at a time",
			faultproxy.Rule{Method: "PUT", Path: "/manifests/", Fault: faultproxy.Trickle{Every: 100 * time.Millisecond}}, f.zip,
			[]string{"sent no response headers in 1s (PUT /v2/faults/"},
			`PUT http://HOST/v2/faults/[a-z-]+/manifests/1.0 in [0-9.]+s: no response headers in 1s`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			zip := filepath.Join(t.TempDir(), "pkg.zip")
			copyFile(t, c.zip, zip)
			if strings.HasPrefix(c.name, "warm: ") { // the digest is known: one PUT carries the blob
				runOCI(t, nil, append([]string{"push", zip, f.reg.Host + "/faults/warm-up:1.0"}, f.auth()...)...).wantOK(t)
			}
			p, _ := f.proxy(t, c.rule)
			repo := "faults/" + regexp.MustCompile(`[^a-z]+`).ReplaceAllString(strings.ToLower(c.name), "-")
			args := append([]string{"push", zip, p.Host + "/" + repo + ":1.0"}, f.auth()...)
			r := runOCIWithin(t, 3*stallBound, append(args, shortTimeouts...)...)
			r.wantNoSecret(t)
			r.wantError(t, cli.ExitNetwork, append(c.words, "registry "+p.Host)...)
			wantRetryNotice(t, r, strings.ReplaceAll(c.notice, "HOST", regexp.QuoteMeta(p.Host)))
			if r.elapsed > stallBound {
				t.Errorf("giving up took %s", r.elapsed)
			}
			t.Logf("ended after %s", r.elapsed.Round(10*time.Millisecond))
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
