package main

// Fault injection: push and pull through faultproxy in front of a real, htpasswd-protected
// distribution registry. Every fault ends in a correct retry or in one clear error line with the
// right exit code, leaves no partial file behind, and never prints the credentials.

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/plugin-oci/internal/faultproxy"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/testregistry"
)

const (
	testUser = "fault-tester"
	testPass = "Pa55-w0rd-never-in-logs"
)

// ociResult is what one in-process run of plugin-oci produced.
type ociResult struct {
	args           []string
	stdout, stderr string
	code           int
	elapsed        time.Duration
}

func (r ociResult) String() string {
	return fmt.Sprintf("plugin-oci %s → exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
}

// runOCI runs plugin-oci in process with an isolated environment: HOME in a temporary directory,
// no DOCKER_CONFIG, stdin empty unless given.
func runOCI(t *testing.T, stdin []byte, args ...string) ociResult {
	t.Helper()
	home := t.TempDir()
	env := map[string]string{"HOME": home, "NO_COLOR": "1", "PATH": os.Getenv("PATH")}
	var stdout, stderr bytes.Buffer
	e := &cli.Env{Stdin: bytes.NewReader(stdin), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return env[k] }}
	start := time.Now()
	err := tool.Run(e, args)
	elapsed := time.Since(start)
	code := cli.Report(&stderr, err)
	return ociResult{args: args, stdout: stdout.String(), stderr: stderr.String(), code: code, elapsed: elapsed}
}

var digestLine = regexp.MustCompile(`(?m)^\s*(?:manifest-)?digest:\s*(sha256:[0-9a-f]{64})\s*$`)

// manifestDigest is the digest push or pull printed ("manifest-digest:" / "digest:").
func (r ociResult) manifestDigest(t *testing.T) string {
	t.Helper()
	m := digestLine.FindStringSubmatch(r.stdout + r.stderr)
	if m == nil {
		t.Fatalf("no digest line in the output of %s", r)
	}
	return m[1]
}

// wantOK fails the test unless the run succeeded.
func (r ociResult) wantOK(t *testing.T) {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("want success, got %s", r)
	}
}

// wantError checks a failure: the exit code, exactly one "error:" line, and that it mentions every
// one of the words (case-insensitive).
func (r ociResult) wantError(t *testing.T, code int, words ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("want exit %d, got %s", code, r)
	}
	var errLines []string
	for _, l := range strings.Split(r.stderr, "\n") {
		if strings.HasPrefix(l, "error: ") {
			errLines = append(errLines, l)
		}
	}
	if len(errLines) != 1 {
		t.Fatalf("want one error line, got %d in %s", len(errLines), r)
	}
	for _, w := range words {
		if !strings.Contains(strings.ToLower(errLines[0]), strings.ToLower(w)) {
			t.Errorf("error line does not mention %q: %s", w, errLines[0])
		}
	}
	t.Logf("%s", errLines[0])
}

// wantNoSecret fails if the password, or the Basic credentials made from it, appear anywhere.
func (r ociResult) wantNoSecret(t *testing.T) {
	t.Helper()
	basic := base64.StdEncoding.EncodeToString([]byte(testUser + ":" + testPass))
	for _, secret := range []string{testPass, basic, basic[:16]} {
		if strings.Contains(r.stdout, secret) || strings.Contains(r.stderr, secret) {
			t.Fatalf("a credential (%.4s…) appears in the output of %s", secret, r)
		}
	}
}

// wantFiles fails unless dir holds exactly the named entries (no temporary or partial files).
func wantFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	slices.Sort(got)
	slices.Sort(names)
	if !slices.Equal(got, names) {
		t.Fatalf("%s holds %q, want %q", dir, got, names)
	}
}

func wantSameFile(t *testing.T, got, want string) {
	t.Helper()
	a, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatalf("%s (%d bytes) differs from %s (%d bytes)", got, len(a), want, len(b))
	}
}

// faultEnv is a real htpasswd registry holding one package at faults/pkg:1.0, and a directory
// with the package zip.
type faultEnv struct {
	reg         *testregistry.Registry
	dir         string
	zip         string
	layerDigest string // = the zip's digest
	ref         string // on the registry itself, bypassing any proxy
}

const pkgSize = 3 << 20 // several MiB, so cuts and corruptions land mid-blob

func newFaultEnv(t *testing.T, seeded bool) *faultEnv {
	t.Helper()
	reg := testregistry.Start(t, testregistry.Options{Htpasswd: map[string]string{testUser: testPass}})
	dir := t.TempDir()
	f := &faultEnv{reg: reg, dir: dir, zip: filepath.Join(dir, "pkg.zip"), ref: reg.Host + "/faults/pkg:1.0"}
	f.layerDigest = testregistry.WritePackage(t, f.zip, pkgSize, 42)
	if seeded {
		r := runOCI(t, nil, append([]string{"push", f.zip, f.ref}, f.auth()...)...)
		r.wantOK(t)
	}
	return f
}

func (f *faultEnv) auth() []string { return []string{"-u", testUser, "-p", testPass} }

// proxy starts a fault proxy in front of the registry; ref is the package's reference through it.
func (f *faultEnv) proxy(t *testing.T, rules ...faultproxy.Rule) (p *faultproxy.Proxy, ref string) {
	p = faultproxy.Start(t, f.reg.URL, rules...)
	return p, p.Host + "/faults/pkg:1.0"
}

// pull pulls ref into a fresh directory as out.zip.
func (f *faultEnv) pull(t *testing.T, ref string, extra ...string) (ociResult, string) {
	t.Helper()
	out := t.TempDir()
	args := append([]string{"pull", ref, "-o", filepath.Join(out, "out.zip")}, f.auth()...)
	r := runOCI(t, nil, append(args, extra...)...)
	r.wantNoSecret(t)
	return r, out
}

func (f *faultEnv) push(t *testing.T, ref string, extra ...string) ociResult {
	t.Helper()
	r := runOCI(t, nil, append(append([]string{"push", f.zip, ref}, f.auth()...), extra...)...)
	r.wantNoSecret(t)
	return r
}

// wantPulledIntact checks a successful pull wrote exactly the package.
func (f *faultEnv) wantPulledIntact(t *testing.T, r ociResult, out string) {
	t.Helper()
	r.wantOK(t)
	wantFiles(t, out, "out.zip")
	wantSameFile(t, filepath.Join(out, "out.zip"), f.zip)
}

// wantPushedIntact pulls the package back from the registry directly and compares it.
func (f *faultEnv) wantPushedIntact(t *testing.T, r ociResult) {
	t.Helper()
	r.wantOK(t)
	back, out := f.pull(t, f.ref)
	f.wantPulledIntact(t, back, out)
	if got, want := back.manifestDigest(t), r.manifestDigest(t); got != want {
		t.Fatalf("pulled manifest %s, push printed %s", got, want)
	}
}

// wantGap checks that the second request came at least min and at most max after the first.
func wantGap(t *testing.T, log []faultproxy.Entry, min, max time.Duration) {
	t.Helper()
	if len(log) < 2 {
		t.Fatalf("want a retry, got %d requests: %v", len(log), log)
	}
	if gap := log[1].Time.Sub(log[0].Time); gap < min || gap > max {
		t.Fatalf("retry came %s after the 429, want between %s and %s: %v", gap, min, max, log)
	}
}

func TestFaultPullRetries(t *testing.T) {
	f := newFaultEnv(t, true)
	layer := "/blobs/" + f.layerDigest

	t.Run("500 on the manifest, then success", func(t *testing.T) {
		p, ref := f.proxy(t, faultproxy.Rule{Method: "GET", Path: "/manifests/", Nth: 1, Fault: faultproxy.Fail(500)})
		r, out := f.pull(t, ref)
		f.wantPulledIntact(t, r, out)
		if log := p.Requests("GET", "/manifests/"); len(log) != 2 || log[0].Status != 500 || log[1].Status != 200 {
			t.Fatalf("want one failed and one good manifest GET, got %v", log)
		}
	})
	t.Run("503 on the layer, then success", func(t *testing.T) {
		p, ref := f.proxy(t, faultproxy.Rule{Method: "GET", Path: layer, Nth: 1, Fault: faultproxy.Fail(503)})
		r, out := f.pull(t, ref)
		f.wantPulledIntact(t, r, out)
		if log := p.Requests("GET", layer); len(log) != 2 {
			t.Fatalf("want 2 layer GETs, got %v", log)
		}
	})
	t.Run("429 Retry-After 1 on the manifest", func(t *testing.T) {
		p, ref := f.proxy(t, faultproxy.Rule{Method: "GET", Path: "/manifests/", Nth: 1, Fault: faultproxy.TooMany("1")})
		r, out := f.pull(t, ref)
		f.wantPulledIntact(t, r, out)
		wantGap(t, p.Requests("GET", "/manifests/"), 900*time.Millisecond, 3*time.Second)
	})
	t.Run("429 Retry-After 2 on the layer", func(t *testing.T) {
		// 2 s is longer than the first backoff step: only honouring the header waits that long.
		p, ref := f.proxy(t, faultproxy.Rule{Method: "GET", Path: layer, Nth: 1, Fault: faultproxy.TooMany("2")})
		r, out := f.pull(t, ref)
		f.wantPulledIntact(t, r, out)
		wantGap(t, p.Requests("GET", layer), 1900*time.Millisecond, 4*time.Second)
	})
	t.Run("layer cut mid-blob once", func(t *testing.T) {
		p, ref := f.proxy(t, faultproxy.Rule{Method: "GET", Path: layer, Nth: 1, Fault: faultproxy.Cut{After: 1 << 20}})
		r, out := f.pull(t, ref)
		f.wantPulledIntact(t, r, out)
		if log := p.Requests("GET", layer); len(log) != 2 {
			t.Fatalf("want 2 layer GETs, got %v", log)
		}
	})
	t.Run("redirect of the layer to another host", func(t *testing.T) {
		// Registries hand blob downloads to storage hosts (S3, CDNs): following is required, but
		// the registry credentials must stay with the registry.
		p, ref := f.proxy(t, faultproxy.Rule{Method: "GET", Path: layer, Fault: faultproxy.Redirect{}})
		r, out := f.pull(t, ref)
		f.wantPulledIntact(t, r, out)
		hits := p.Requests("GET", "^redirect:")
		if len(hits) == 0 {
			t.Fatalf("the redirect was not followed:%s", p.Dump())
		}
		for _, h := range hits {
			if h.HadAuth {
				t.Fatalf("Authorization was forwarded to the redirect host: %v", hits)
			}
		}
	})
}

func TestFaultPullFailures(t *testing.T) {
	f := newFaultEnv(t, true)
	layer := "/blobs/" + f.layerDigest
	for _, c := range []struct {
		name  string
		rule  faultproxy.Rule
		code  int
		words []string
	}{
		{"layer cut mid-blob every time", faultproxy.Rule{Method: "GET", Path: layer, Fault: faultproxy.Cut{After: 1 << 20}}, cli.ExitNetwork, []string{"layer"}},
		{"layer with one corrupted byte", faultproxy.Rule{Method: "GET", Path: layer, Fault: faultproxy.Corrupt{At: -1}}, cli.ExitFailed, []string{"digest"}},
		{"manifest with a foreign layer type", faultproxy.Rule{Path: "/manifests/", Fault: faultproxy.ForeignLayer()}, cli.ExitFailed, []string{"application/vnd.oci.image.layer.v1.tar+gzip"}},
		{"64 MiB manifest", faultproxy.Rule{Path: "/manifests/", Fault: faultproxy.Huge{Size: 64 << 20}}, cli.ExitFailed, []string{"manifest"}},
		{"Docker-Content-Digest that lies", faultproxy.Rule{Path: "/manifests/", Fault: faultproxy.LieDigest{}}, cli.ExitFailed, []string{"digest"}},
		{"500 on every manifest request", faultproxy.Rule{Path: "/manifests/", Fault: faultproxy.Fail(500)}, cli.ExitNetwork, []string{"500"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, ref := f.proxy(t, c.rule)
			r, out := f.pull(t, ref, "--retries", "1")
			r.wantError(t, c.code, c.words...)
			wantFiles(t, out) // nothing written, not even a temporary file
		})
	}

	t.Run("a failed pull leaves the previous file untouched", func(t *testing.T) {
		_, ref := f.proxy(t, faultproxy.Rule{Method: "GET", Path: layer, Fault: faultproxy.Corrupt{At: 100}})
		out := t.TempDir()
		target := filepath.Join(out, "out.zip")
		if err := os.WriteFile(target, []byte("previous"), 0o644); err != nil {
			t.Fatal(err)
		}
		r := runOCI(t, nil, append([]string{"pull", ref, "-o", target}, f.auth()...)...)
		r.wantNoSecret(t)
		r.wantError(t, cli.ExitFailed, "digest")
		wantFiles(t, out, "out.zip")
		if b, _ := os.ReadFile(target); string(b) != "previous" {
			t.Fatalf("the previous file was replaced by %d bytes", len(b))
		}
	})

	t.Run("manifest that does not hash to the pin", func(t *testing.T) {
		pinned := f.reg.Host + "/faults/pkg@" + pullDigest(t, f)
		p := faultproxy.Start(t, f.reg.URL, faultproxy.Rule{Path: "/manifests/", Fault: faultproxy.ForeignLayer()})
		r, out := f.pull(t, strings.Replace(pinned, f.reg.Host, p.Host, 1))
		// The rewritten manifest (consistent with its own headers) does not hash to the pin.
		r.wantError(t, cli.ExitFailed, "digest")
		wantFiles(t, out)
	})
}

// pullDigest is the manifest digest of faults/pkg:1.0, from a clean pull.
func pullDigest(t *testing.T, f *faultEnv) string {
	t.Helper()
	r, out := f.pull(t, f.ref)
	f.wantPulledIntact(t, r, out)
	return r.manifestDigest(t)
}

func TestFaultPushRetries(t *testing.T) {
	f := newFaultEnv(t, false)
	for _, c := range []struct {
		name string
		rule faultproxy.Rule
		// the requests that must have been retried, and how many of them there must be at least
		method, path string
		atLeast      int
	}{
		{"500 on the manifest PUT", faultproxy.Rule{Method: "PUT", Path: "/manifests/", Nth: 1, Fault: faultproxy.Fail(500)}, "PUT", "/manifests/", 2},
		{"502 on the first upload PATCH", faultproxy.Rule{Method: "PATCH", Nth: 1, Fault: faultproxy.Fail(502)}, "POST", "/blobs/uploads/", 3},
		{"connection cut mid-upload once", faultproxy.Rule{Method: "PATCH", Nth: 1, Fault: faultproxy.Cut{After: 1 << 20}}, "POST", "/blobs/uploads/", 3},
		{"429 on the upload start", faultproxy.Rule{Method: "POST", Path: "/blobs/uploads/", Nth: 1, Fault: faultproxy.TooMany("1")}, "POST", "/blobs/uploads/", 3},
		// With the digest remembered from an earlier push, blobs go up in one monolithic PUT.
		{"warm: 502 on the first monolithic blob PUT", faultproxy.Rule{Method: "PUT", Path: "/blobs/uploads/", Nth: 1, Fault: faultproxy.Fail(502)}, "PUT", "/blobs/uploads/", 3},
		{"warm: connection cut mid-PUT once", faultproxy.Rule{Method: "PUT", Path: "/blobs/uploads/", Nth: 1, Fault: faultproxy.Cut{After: 1 << 20}}, "PUT", "/blobs/uploads/", 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("XDG_CACHE_HOME", t.TempDir()) // a cold digest cache: POST, PATCH, PUT
			if strings.HasPrefix(c.name, "warm: ") {
				f.push(t, f.reg.Host+"/faults/warm-up:1.0").wantOK(t)
			}
			p, _ := f.proxy(t, c.rule)
			repo := "faults/" + strings.ReplaceAll(strings.ToLower(c.name), " ", "-")
			repo = regexp.MustCompile(`[^a-z0-9/-]`).ReplaceAllString(repo, "")
			r := f.push(t, p.Host+"/"+repo+":1.0")
			r.wantOK(t)
			// One retry costs one backoff step (or the 1 s Retry-After), not a stall.
			if r.elapsed > 3*time.Second {
				t.Errorf("push took %s for one retry:%s", r.elapsed, p.Dump())
			}
			if log := p.Requests(c.method, c.path); len(log) < c.atLeast {
				t.Fatalf("want at least %d %s requests, got:%s", c.atLeast, c.method, p.Dump())
			}
			back, out := f.pull(t, f.reg.Host+"/"+repo+":1.0")
			f.wantPulledIntact(t, back, out)
			if got, want := back.manifestDigest(t), r.manifestDigest(t); got != want {
				t.Fatalf("pulled manifest %s, push printed %s", got, want)
			}
		})
	}
}

func TestFaultPushFailures(t *testing.T) {
	f := newFaultEnv(t, false)
	for _, c := range []struct {
		name  string
		rule  faultproxy.Rule
		code  int
		words []string
	}{
		{"every upload cut", faultproxy.Rule{Method: "PATCH", Fault: faultproxy.Cut{After: 64 << 10}}, cli.ExitNetwork, nil},
		{"503 on every manifest PUT", faultproxy.Rule{Method: "PUT", Path: "/manifests/", Fault: faultproxy.Fail(503)}, cli.ExitNetwork, []string{"503"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("XDG_CACHE_HOME", t.TempDir()) // a cold digest cache: the blob goes up by PATCH
			p, ref := f.proxy(t, c.rule)
			start := time.Now()
			r := f.push(t, ref, "--retries", "1")
			r.wantError(t, c.code, c.words...)
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("giving up took %s", d)
			}
			// Nothing tagged: the manifest never landed.
			if tagged := runOCI(t, nil, append([]string{"pull", f.reg.Host + "/faults/pkg:1.0", "-o", filepath.Join(t.TempDir(), "x.zip")}, f.auth()...)...); tagged.code == 0 {
				t.Fatalf("the tag exists after a failed push:%s", p.Dump())
			}
		})
	}

	t.Run("wrong password", func(t *testing.T) {
		r := runOCI(t, nil, "push", f.zip, f.reg.Host+"/faults/pkg:1.0", "-u", testUser, "-p", testPass+"-wrong")
		r.wantError(t, cli.ExitAuth)
		if strings.Contains(r.stdout+r.stderr, testPass) {
			t.Fatalf("the password appears in %s", r)
		}
	})
}
