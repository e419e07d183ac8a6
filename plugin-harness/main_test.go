package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/native"
	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	if os.Getenv(subreaperProbeEnv) != "" {
		os.Exit(probeSubreaper())
	}
	// Set before testscript dispatches: the scripts' plugin-harness is this binary, so the guard
	// scale reaches every run they start.
	scale, err := timeoutScale()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	guardScale = scale
	testscript.Main(m, map[string]func(){"plugin-harness": main})
}

// Environment of an emulated run (scripts/test-arm64 sets all three):
//
//	MCPG_TEST_EMULATOR       the emulator the tests run under (e.g. qemu-aarch64-static); an x86
//	                         /proc/cpuinfo seen by an arm64 binary says the same when it is unset
//	MCPG_TEST_TIMEOUT_SCALE  factor for the harness's step guard (default 5 when emulated, else 1)
//	MCPG_TEST_NATIVE=require the native scripts run (and fail) even where the harness reports native
//	                         plugins unsupported, so a port shows what already passes
const (
	emulatorEnv     = "MCPG_TEST_EMULATOR"
	timeoutScaleEnv = "MCPG_TEST_TIMEOUT_SCALE"
	nativeEnv       = "MCPG_TEST_NATIVE"

	subreaperProbeEnv = "MCPG_TEST_PROBE_SUBREAPER" // this binary only tries to become a subreaper
)

// emulator names what this test binary runs under, or "" when it runs natively.
func emulator() string {
	if e := os.Getenv(emulatorEnv); e != "" {
		return e
	}
	// qemu-user passes the host's /proc/cpuinfo through: an x86 CPU seen from an arm64 binary.
	if runtime.GOARCH == "arm64" {
		if info, err := os.ReadFile("/proc/cpuinfo"); err == nil && bytes.Contains(info, []byte("\nvendor_id\t:")) {
			return "an x86-64 host's emulator (qemu-user)"
		}
	}
	return ""
}

// timeoutScale is the factor for the harness's step guard: under qemu-user, starting the worker
// (the Go runtime translated) takes 0.1–0.2 s on an idle machine and more on a busy one, against the
// 300 ms --timeout the hang cases give. 5: at 10 the guard would wait as long as ffilimits.txtar's
// 3 s make, which must still overrun its 300 ms --timeout. The plugin's ffi_limits budgets are not
// scaled (they are what is tested).
func timeoutScale() (time.Duration, error) {
	s := os.Getenv(timeoutScaleEnv)
	if s == "" {
		if emulator() != "" {
			return 5, nil
		}
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1000 {
		return 0, fmt.Errorf("%s=%q: expected a whole factor from 1 to 1000", timeoutScaleEnv, s)
	}
	return time.Duration(n), nil
}

// nativeDriven reports whether the scripts and tests that load native plugins run here: where the
// harness drives them (linux; native.ErrUnsupported is nil), or anywhere on linux with
// MCPG_TEST_NATIVE=require. why says what was found when they do not.
func nativeDriven() (ok bool, why string) {
	switch {
	case runtime.GOOS != "linux":
		return false, "native plugins are tested on linux only"
	case native.ErrUnsupported == nil || os.Getenv(nativeEnv) == "require":
		return true, ""
	}
	return false, native.ErrUnsupported.Error()
}

// TestNativeDrivenWhereRequired fails a run with MCPG_TEST_NATIVE=require (scripts/test-arm64) on a
// platform whose harness cannot drive native plugins, so that run never passes by skipping them.
func TestNativeDrivenWhereRequired(t *testing.T) {
	if os.Getenv(nativeEnv) == "require" && native.ErrUnsupported != nil {
		t.Fatalf("%s=require, but the harness does not drive native plugins on %s/%s: %v",
			nativeEnv, runtime.GOOS, runtime.GOARCH, native.ErrUnsupported)
	}
}

// TestScripts runs testdata/script/*.txtar against the real plugin-harness binary. The scripts
// build the C fixture in $FIXTURE and the example plugin in $EXAMPLE with cc (for linux/arm64,
// scripts/test-arm64 puts a cc first in PATH that cross-compiles). Conditions:
//
//	[native]     the harness drives native plugins here (nativeDriven)
//	[rust]       the abi_stable fixtures are built ($RUSTFIXTURES)
//	[emulated]   this binary runs under an emulator (qemu-user): slower, and see [rlimit-as]
//	[rlimit-as]  setrlimit(RLIMIT_AS) holds, so --max-memory is enforced: not under qemu-user,
//	             which returns success for the guest's setrlimit(RLIMIT_AS) and applies nothing
//	             (getrlimit still says unlimited; a host limit on qemu itself stops qemu starting)
//	[subreaper]  the harness can become a child subreaper (subreaperHolds): without it, it neither
//	             finds what a plugin daemonised nor counts what a plugin left running
//	[amd64] …    testscript's own GOARCH conditions: valgrind checks ownership on amd64 only
func TestScripts(t *testing.T) {
	fixture, err := filepath.Abs("testdata/fixture")
	if err != nil {
		t.Fatal(err)
	}
	example, err := filepath.Abs("../examples/hello-gate")
	if err != nil {
		t.Fatal(err)
	}
	// The Rust fixtures are built by scripts/build-fixtures (cargo); scripts/test always builds them,
	// so under it their absence is a failure, not a skip.
	rust := os.Getenv("MCPG_RUST_FIXTURES")
	_, err = os.Stat(filepath.Join(rust, "rust-gate.so"))
	haveRust := rust != "" && err == nil
	if !haveRust && os.Getenv("MCPG_TEST_TOOLS") != "" {
		t.Fatalf("MCPG_RUST_FIXTURES=%q holds no rust-gate.so: scripts/build-fixtures did not run", rust)
	}
	// The Wasm fixtures come from scripts/build-wasm-fixtures; [wasmfixtures] holds where they are built
	// ([wasm] is taken: testscript reads it as GOARCH).
	wasmFixtures := os.Getenv("MCPG_WASM_FIXTURES")
	_, err = os.Stat(filepath.Join(wasmFixtures, "gate", "package.zip"))
	haveWasm := wasmFixtures != "" && err == nil
	// wazero's compiled code, kept under the user cache dir, is shared by every script and run:
	// the JavaScript and Python guests take seconds to compile.
	userCache, err := filepath.Abs("../.tools/test-user-cache")
	if err != nil {
		t.Fatal(err)
	}
	isNative, _ := nativeDriven()
	emulated := emulator() != ""
	clitest.RunWith(t, "testdata/script", clitest.Options{
		Vars: map[string]string{"FIXTURE": fixture, "EXAMPLE": example, "RUSTFIXTURES": rust, "WASMFIXTURES": wasmFixtures,
			"XDG_CACHE_HOME": userCache, "TOOLSCACHE": userCache},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "native":
				return isNative, nil
			case "rust":
				return haveRust, nil
			case "wasmfixtures":
				return haveWasm, nil
			case "emulated":
				return emulated, nil
			case "rlimit-as":
				return runtime.GOOS == "linux" && !emulated, nil
			case "subreaper":
				return subreaperHolds(), nil
			}
			return false, nil
		},
	})
}
