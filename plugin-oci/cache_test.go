package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/gwcache"
)

func TestFormatBytes(t *testing.T) {
	// Expected values printed by the reference (Rust's {:.1}/{:.2}, ties to even).
	for n, want := range map[int64]string{
		0: "0B", 42: "42B", 1023: "1023B", 1024: "1.0K", 1280: "1.2K", 2048: "2.0K", 3584: "3.5K",
		1048575: "1024.0K", 1048576: "1.0M", 1310720: "1.2M", 3 << 20: "3.0M",
		1073741823: "1024.0M", 1 << 30: "1.00G", 1207959552: "1.12G", 4 << 30: "4.00G",
		10 << 40: "10240.00G",
	} {
		t.Run(strconv.FormatInt(n, 10), func(t *testing.T) {
			if got := formatBytes(n); got != want {
				t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
			}
		})
	}
}

func TestFormatAge(t *testing.T) {
	now := time.Unix(1_000_000_000, 500)
	for d, want := range map[time.Duration]string{
		0: "0s", 59 * time.Second: "59s", time.Minute: "1m", 3599 * time.Second: "59m",
		time.Hour: "1h", 86399 * time.Second: "23h", 24 * time.Hour: "1d", 400 * 24 * time.Hour: "400d",
		-time.Hour: "0s", time.Second - 1: "0s",
	} {
		t.Run(d.String(), func(t *testing.T) {
			if got := formatAge(now, now.Add(-d)); got != want {
				t.Errorf("formatAge(%s) = %q, want %q", d, got, want)
			}
		})
	}
	// Eligibility is "at least N whole seconds", never for the future.
	if !olderThan(now, now.Add(-60*time.Second), 60) || olderThan(now, now.Add(-60*time.Second+1), 60) {
		t.Error("olderThan boundary")
	}
	if olderThan(now, now.Add(time.Nanosecond), 0) || !olderThan(now, now, 0) {
		t.Error("olderThan with a future or present mtime")
	}
	if !olderThan(now, time.Unix(-1<<40, 0), 1<<40) {
		t.Error("olderThan far in the past (beyond time.Duration)")
	}
}

func TestParseDurationSecs(t *testing.T) {
	for in, want := range map[string]uint64{
		"45": 45, "45s": 45, "45sec": 45, "45secs": 45, "45seconds": 45,
		"2m": 120, "2min": 120, "2mins": 120, "2minutes": 120,
		"3h": 10800, "3hr": 10800, "3hrs": 10800, "3hour": 10800, "3hours": 10800,
		"1d": 86400, "1day": 86400, "2days": 172800, "1w": 604800, "1week": 604800, "2weeks": 1209600,
		"1 hour": 3600, "  30d\t": 2592000, "0": 0, "007m": 420,
		"18446744073709551615": 1<<64 - 1,
	} {
		t.Run(fmt.Sprintf("%q", in), func(t *testing.T) {
			if got, ok := parseDurationSecs(in); !ok || got != want {
				t.Errorf("parseDurationSecs(%q) = %d, %v; want %d", in, got, ok, want)
			}
		})
	}
	for _, in := range []string{"", " ", "h", "-1s", "+1s", "1.5h", "5D", "5 d ays", "1fortnight", "1ms",
		"18446744073709551616", "30600000000000w", "3e2", "１s"} {
		t.Run(fmt.Sprintf("rejects %q", in), func(t *testing.T) {
			if got, ok := parseDurationSecs(in); ok {
				t.Errorf("parseDurationSecs(%q) = %d, want rejection", in, got)
			}
		})
	}
}

func TestParseCount(t *testing.T) {
	for in, want := range map[string]string{
		"3": "3", "+3": "3", "0": "0", "": "cannot parse integer from empty string",
		"-1": "invalid digit found in string", "+": "invalid digit found in string", " 3": "invalid digit found in string",
		"0x10": "invalid digit found in string", "18446744073709551616": "number too large to fit in target type",
	} {
		t.Run(fmt.Sprintf("%q", in), func(t *testing.T) {
			n, err := parseCount(in)
			got := strconv.FormatUint(n, 10)
			if err != nil {
				got = err.Error()
			}
			if got != want {
				t.Errorf("parseCount(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func TestGroupingAndNames(t *testing.T) {
	for stem, want := range map[string][2]string{
		"ghcr.io_mcpg-dev_plugins_audit_1.0.0": {"ghcr.io_mcpg-dev_plugins_audit", "1.0.0"},
		"ghcr.io_plugins_audit_sha256_abcd":    {"ghcr.io_plugins_audit_sha256", "abcd"},
		"plain":                                {"plain", ""},
		"_lead":                                {"_lead", ""},
		"trail_":                               {"trail_", ""},
		"a__b":                                 {"a_", "b"},
	} {
		t.Run("splitGroupTag "+stem, func(t *testing.T) {
			if g, tag := splitGroupTag(stem); g != want[0] || tag != want[1] {
				t.Errorf("splitGroupTag(%q) = %q, %q; want %q", stem, g, tag, want)
			}
		})
	}
	for name, want := range map[string]bool{"a.zip": true, ".zip": false, "..zip": true, "a.ZIP": false, "a.zip.tmp-1": false, "a\xff.zip": false} {
		t.Run(fmt.Sprintf("isZipName %q", name), func(t *testing.T) {
			if got := isZipName(name); got != want {
				t.Errorf("isZipName(%q) = %v, want %v", name, got, want)
			}
		})
	}
}

func gcEnv() (*cli.Env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, &out, &errb
}

func writeAged(t *testing.T, path string, size int, age time.Duration) {
	t.Helper()
	if err := os.WriteFile(path, bytes.Repeat([]byte("z"), size), 0o644); err != nil {
		t.Fatal(err)
	}
	mt := time.Now().Add(-age)
	if err := os.Chtimes(path, mt, mt); err != nil {
		t.Fatal(err)
	}
}

// A zip that cannot be removed is reported under Errors: and the rest still goes.
func TestGCRemovalError(t *testing.T) {
	dir := t.TempDir()
	writeAged(t, filepath.Join(dir, "r_a_1.zip"), 10, 0)
	writeAged(t, filepath.Join(dir, "r_a_2.zip"), 20, 48*time.Hour)
	writeAged(t, filepath.Join(dir, "r_a_3.zip"), 30, 72*time.Hour)
	writeAged(t, filepath.Join(dir, "r_a_3.zip.layer-sha256"), 71, 72*time.Hour)
	old := removeFile
	removeFile = func(p string) error {
		if strings.HasSuffix(p, "r_a_2.zip") {
			return &os.PathError{Op: "remove", Path: p, Err: syscall.EBUSY}
		}
		return os.Remove(p)
	}
	defer func() { removeFile = old }()
	env, out, errb := gcEnv()
	secs := uint64(3600)
	err := cacheGC(env, gcOptions{dir: dir, keepLatest: 1, olderThan: &secs, lockTimeout: time.Second}, time.Now())
	if cli.CodeOf(err) != cli.ExitFailed || err.Error() != "cache gc: 1 removal error(s)" {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(out.String(), "Removed 1 file(s), freed 30B.\nRemoved 1 sidecar(s) (0 orphaned), freed 71B.\n") {
		t.Errorf("stdout:\n%s", out.String())
	}
	if want := "\nErrors:\n  " + dir + "/r_a_2.zip: device or resource busy\n"; errb.String() != want {
		t.Errorf("stderr = %q, want %q", errb.String(), want)
	}
	if _, err := os.Stat(filepath.Join(dir, "r_a_3.zip")); !errors.Is(err, os.ErrNotExist) {
		t.Error("r_a_3.zip was not removed")
	}
}

// gc waits for a pull holding the cache lock, and fails when it is not let go in time.
func TestGCLock(t *testing.T) {
	dir := t.TempDir()
	writeAged(t, filepath.Join(dir, "r_a_1.zip"), 10, 0)
	l, err := gwcache.Lock(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	env, out, _ := gcEnv()
	start := time.Now()
	err = cacheGC(env, gcOptions{dir: dir, keepLatest: 3, lockTimeout: 200 * time.Millisecond}, time.Now())
	if err == nil || !strings.Contains(err.Error(), "still held its lock after 200ms") {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) < 200*time.Millisecond || out.Len() != 0 {
		t.Fatalf("did not wait, or printed %q", out.String())
	}
	time.AfterFunc(100*time.Millisecond, func() { l.Unlock() })
	if err := cacheGC(env, gcOptions{dir: dir, keepLatest: 3, lockTimeout: 5 * time.Second}, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// What a pull stores into the gateway cache is what the gateway (and cache ls) accepts, and gc
// removes the pair together.
func TestStoredEntryLifecycle(t *testing.T) {
	dir := t.TempDir()
	path, err := gwcache.StorePull(dir, "localhost:5000/audit:2.0-linux-amd64", strings.NewReader("zip bytes"))
	if err != nil {
		t.Fatal(err)
	}
	env, out, _ := gcEnv()
	if err := runCacheLs(env, []string{"--cache-dir", dir}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "  ok        localhost_5000_audit_2.0-linux-amd64.zip\n") {
		t.Fatalf("ls:\n%s", out.String())
	}
	old := time.Now().Add(-48 * time.Hour)
	os.Chtimes(path, old, old)
	writeAged(t, filepath.Join(dir, "localhost_5000_audit_2.1-linux-amd64.zip"), 1, 0)
	out.Reset()
	if err := runCacheGC(env, []string{"--cache-dir", dir, "--keep-latest", "1", "--older-than", "1d"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, gwcache.SidecarName(path)} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s survived gc:\n%s", p, out.String())
		}
	}
}
