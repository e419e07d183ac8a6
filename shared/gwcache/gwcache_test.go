package gwcache

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
)

const hex64 = "5cc1db2d8b2122b838658bd6f5fe6723fa02683b9bfc5941774862ce423f0f36"

func TestFileName(t *testing.T) {
	for _, tc := range []struct{ ref, want string }{
		// docs/contract.md §6.1 vectors.
		{"ghcr.io/mcpg-dev/source-code/plugins/backend-mock:0.0.1-alpha.10-linux-amd64",
			"ghcr.io_mcpg-dev_source-code_plugins_backend-mock_0.0.1-alpha.10-linux-amd64.zip"},
		{"localhost:5000/audit:2.0-linux-amd64", "localhost_5000_audit_2.0-linux-amd64.zip"},
		{"localhost:5000/audit@sha256:" + hex64, "localhost_5000_audit_sha256_" + hex64 + ".zip"},
		// One "_" per character, not per byte (the gateway maps chars).
		{"reg.example/ré:1", "reg.example_r__1.zip"},
		{"a b\tc", "a_b_c.zip"},
		{"[::1]:5000/x:y", "___1__5000_x_y.zip"},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			if got := FileName(tc.ref); got != tc.want {
				t.Errorf("FileName(%q) = %q, want %q", tc.ref, got, tc.want)
			}
		})
	}
	if got := SidecarName("/c/a.zip"); got != "/c/a.zip.layer-sha256" {
		t.Errorf("SidecarName = %q", got)
	}
	for name, want := range map[string]bool{"a.zip.layer-sha256": true, "a.layer-sha256": false, ".zip.layer-sha256": true, "a.zip": false} {
		t.Run(name, func(t *testing.T) {
			if _, ok := ZipOfSidecar(name); ok != want {
				t.Errorf("ZipOfSidecar(%q) ok = %v, want %v", name, ok, want)
			}
		})
	}
}

func TestDefaultDir(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, tc := range []struct {
		env  func(string) string
		want string
	}{
		{env("XDG_CACHE_HOME", "/x", "HOME", "/h"), "/x/mcpg/plugins/oci"},
		{env("XDG_CACHE_HOME", "/x/", "HOME", "/h"), "/x/mcpg/plugins/oci"},
		{env("XDG_CACHE_HOME", "", "HOME", "/h"), "/h/.cache/mcpg/plugins/oci"},
		{env("XDG_CACHE_HOME", "rel"), "rel/mcpg/plugins/oci"},
		{env(), "/var/cache/mcpg/plugins/oci"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := DefaultDir(tc.env); got != tc.want {
				t.Errorf("DefaultDir = %q, want %q", got, tc.want)
			}
		})
	}
	if got := UnpackCacheDir(TempDir(env("TMPDIR", "/t"))); got != "/t/mcpg-plugin-cache" {
		t.Errorf("UnpackCacheDir = %q", got)
	}
	if got := UnpackCacheDir(TempDir(env())); got != "/tmp/mcpg-plugin-cache" {
		t.Errorf("UnpackCacheDir = %q", got)
	}
	d, _ := digest.Parse(hex64)
	if got := UnpackKey(d); got != "5cc1db2d8b2122b8" || !IsUnpackKey(got) {
		t.Errorf("UnpackKey = %q", got)
	}
	for _, bad := range []string{"5CC1DB2D8B2122B8", "5cc1db2d8b2122b", "5cc1db2d8b2122b8a", "5cc1db2d8b2122bg"} {
		t.Run(bad, func(t *testing.T) {
			if IsUnpackKey(bad) {
				t.Errorf("IsUnpackKey(%q) = true", bad)
			}
		})
	}
}

func TestParseSidecar(t *testing.T) {
	upper := strings.ToUpper(hex64)
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"sha256:" + hex64, true},
		{hex64, true},
		{upper, true},
		{"sha256:" + upper, true},
		{"  sha256:" + hex64 + "\n", true},
		{"\u00a0" + hex64 + "\u3000", true}, // Unicode whitespace, as Rust's trim
		{"SHA256:" + hex64, false},          // the prefix is matched exactly
		{"sha256: " + hex64, false},
		{"sha512:" + hex64, false},
		{hex64[:63], false},
		{hex64 + "0", false},
		{hex64[:63] + "g", false},
		{"sha256:sha256:" + hex64, false},
		{"", false},
		{hex64 + "\xff", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			d, ok := ParseSidecar([]byte(tc.in))
			if ok != tc.ok {
				t.Errorf("ParseSidecar(%q) ok = %v, want %v", tc.in, ok, tc.ok)
			}
			if ok && d.Hex() != hex64 {
				t.Errorf("ParseSidecar(%q) = %s", tc.in, d)
			}
		})
	}
	dir := t.TempDir()
	if _, ok := ReadSidecar(filepath.Join(dir, "missing")); ok {
		t.Error("missing sidecar read as an anchor")
	}
	if _, ok := ReadSidecar(dir); ok {
		t.Error("a directory read as an anchor")
	}
	big := filepath.Join(dir, "big")
	os.WriteFile(big, append(bytes.Repeat([]byte(" "), maxSidecar), hex64...), 0o644)
	if _, ok := ReadSidecar(big); ok {
		t.Error("an oversized sidecar read as an anchor")
	}
}

// checkPair asserts the invariant Store keeps: a present sidecar names the zip's bytes.
func checkPair(t *testing.T, zip string) {
	t.Helper()
	raw, err := os.ReadFile(SidecarName(zip))
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	want, ok := ParseSidecar(raw)
	if !ok {
		t.Fatalf("sidecar %q does not parse", raw)
	}
	got, _, err := digest.File(zip)
	if err != nil || got != want {
		t.Fatalf("sidecar says %s, zip hashes to %s (%v)", want, got, err)
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestStorePull(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache", "oci")
	ref := "localhost:5000/audit:2.0-linux-amd64"
	path, err := StorePull(dir, ref, strings.NewReader("zip one"))
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(dir, "localhost_5000_audit_2.0-linux-amd64.zip") {
		t.Fatalf("path = %s", path)
	}
	if b, _ := os.ReadFile(path); string(b) != "zip one" {
		t.Fatalf("zip = %q", b)
	}
	sc, _ := os.ReadFile(SidecarName(path))
	if want := digest.Of([]byte("zip one")).String(); string(sc) != want {
		t.Fatalf("sidecar = %q, want %q (no newline)", sc, want)
	}
	// Replacing: the invariant holds at every step in between, and after.
	var steps []string
	crashPoint = func(step string) { steps = append(steps, step); checkPair(t, path) }
	defer func() { crashPoint = func(string) {} }()
	s, err := Store(dir, ref, strings.NewReader("zip two"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 3 {
		t.Fatalf("steps = %v", steps)
	}
	checkPair(t, path)
	if s.Size != 7 || s.Digest != digest.Of([]byte("zip two")) {
		t.Fatalf("Stored = %+v", s)
	}
	// Only the pair and the lock file remain.
	if got := strings.Join(listDir(t, dir), " "); got != ".mcpg-plugins.lock localhost_5000_audit_2.0-linux-amd64.zip localhost_5000_audit_2.0-linux-amd64.zip.layer-sha256" {
		t.Fatalf("dir = %s", got)
	}
}

// A crash (here: a panic) at any step leaves either the old pair or a zip without sidecar.
func TestStoreCrash(t *testing.T) {
	for _, at := range []string{"zip streamed", "old sidecar removed", "zip renamed"} {
		t.Run(at, func(t *testing.T) {
			dir := t.TempDir()
			path, err := StorePull(dir, "r/x:1", strings.NewReader("old"))
			if err != nil {
				t.Fatal(err)
			}
			crashPoint = func(step string) {
				if step == at {
					panic("crash")
				}
			}
			defer func() { crashPoint = func(string) {} }()
			func() {
				defer func() { recover() }()
				StorePull(dir, "r/x:1", strings.NewReader("new"))
			}()
			checkPair(t, path)
			_, err = os.Stat(SidecarName(path))
			if hasSidecar := err == nil; hasSidecar != (at == "zip streamed") {
				t.Errorf("after a crash at %q: sidecar present = %v", at, hasSidecar)
			}
		})
	}
}

type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errors.New("connection reset")
	}
	f.n--
	return copy(p, "abc"), nil
}

func TestStoreFailures(t *testing.T) {
	dir := t.TempDir()
	path, err := StorePull(dir, "r/x:1", strings.NewReader("old"))
	if err != nil {
		t.Fatal(err)
	}
	before := listDir(t, dir)
	// A reader failing midway, and a digest mismatch: the old pair stays, no temporary file.
	if _, err := StorePull(dir, "r/x:1", &failingReader{n: 2}); err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("err = %v", err)
	}
	want := digest.Of([]byte("other"))
	if _, err := Store(dir, "r/x:1", strings.NewReader("new"), &want); err == nil || !strings.Contains(err.Error(), "expected "+want.String()) {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("zip = %q", b)
	}
	checkPair(t, path)
	if after := listDir(t, dir); strings.Join(after, " ") != strings.Join(before, " ") {
		t.Fatalf("dir changed: %v → %v", before, after)
	}
	good := digest.Of([]byte("new"))
	if _, err := Store(dir, "r/x:1", strings.NewReader("new"), &good); err != nil {
		t.Fatal(err)
	}
	checkPair(t, path)
}

func TestLock(t *testing.T) {
	if !FileLocks {
		t.Skip("this platform's build takes no file locks (cache gc warns about it)")
	}
	dir := t.TempDir()
	l, err := Lock(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := Lock(dir, 100*time.Millisecond); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Lock: %v", err)
	}
	if waited := time.Since(start); waited < 100*time.Millisecond {
		t.Fatalf("gave up after %s", waited)
	}
	// A pull waits for the lock, then fails clearly.
	old := StoreLockWait
	StoreLockWait = 50 * time.Millisecond
	defer func() { StoreLockWait = old }()
	if _, err := StorePull(dir, "r/x:1", strings.NewReader("z")); err == nil || !strings.Contains(err.Error(), "still locked by another process") {
		t.Fatalf("StorePull under a held lock: %v", err)
	}
	// Released after a wait: the waiter gets it.
	go func() { time.Sleep(50 * time.Millisecond); l.Unlock() }()
	l2, err := Lock(dir, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	l2.Unlock()
	l2.Unlock() // twice is fine
}

func TestTempFiles(t *testing.T) {
	for name, want := range map[string]bool{
		".a.zip.tmp-123":              true,
		".a.zip.layer-sha256.tmp-9":   true,
		"a.zip.tmp-123":               false,
		".a.zip.tmp-":                 false,
		".a.zip.tmp-12x":              false,
		".a.tar.tmp-1":                false,
		"..zip.tmp-1":                 false,
		".mcpg-plugins.lock":          false,
		".x.zip.layer-sha256.tmp-1a2": false,
	} {
		t.Run(name, func(t *testing.T) {
			if got := IsTempName(name); got != want {
				t.Errorf("IsTempName(%q) = %v, want %v", name, got, want)
			}
		})
	}
	// A temporary file being written is locked by its writer; once the writer is gone it is not.
	dir := t.TempDir()
	pr, pw := io.Pipe()
	done := make(chan error)
	go func() { _, err := StorePull(dir, "r/x:1", pr); done <- err }()
	pw.Write([]byte("part"))
	var tmp string
	for _, n := range listDir(t, dir) {
		if IsTempName(n) {
			tmp = filepath.Join(dir, n)
		}
	}
	if tmp == "" {
		t.Fatal("no temporary file while writing")
	}
	if abandoned, err := TempAbandoned(tmp); err != nil || abandoned {
		t.Fatalf("in-progress temp: abandoned=%v err=%v", abandoned, err)
	}
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	os.WriteFile(tmp, []byte("left by a killed pull"), 0o644)
	if abandoned, err := TempAbandoned(tmp); err != nil || !abandoned {
		t.Fatalf("left-over temp: abandoned=%v err=%v", abandoned, err)
	}
}
