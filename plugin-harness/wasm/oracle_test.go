package wasm

// The oracle: every Wasm fixture (plugin-harness/testdata/wasm/fixtures.md, built by
// scripts/build-wasm-fixtures) run under Wasmtime 44 by scripts/wasm-oracle the way the gateway runs
// it, with the decisions the gateway makes pinned here. The harness's own runtime is held to the
// same answers. Oracle answers are cached under .tools/wasm-oracle-cache by (package, inputs,
// oracle script, serde-json-echo), so a run where nothing changed spawns no Python.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// oracleReport is the part of scripts/wasm-oracle's JSON the tests read.
type oracleReport struct {
	Serde    string            `json:"serde"`
	Status   string            `json:"status"` // loaded, refused
	Load     *oracleLoad       `json:"load"`
	Manifest map[string]string `json:"manifest"`
	Calls    []oracleCall      `json:"calls"`
}

type oracleLoad struct {
	Stage      string         `json:"stage"`
	Error      string         `json:"error"`
	ErrorChain []string       `json:"error_chain"`
	Failure    *oracleFailure `json:"failure"`
}

type oracleCall struct {
	Slot      string          `json:"slot"`
	Output    json.RawMessage `json:"output"`
	FuelUsed  *uint64         `json:"fuel_used"`
	ElapsedMS float64         `json:"elapsed_ms"`
	Failure   *oracleFailure  `json:"failure"`
}

type oracleFailure struct {
	Kind      string `json:"kind"` // trap, out_of_fuel, deadline, timeout, error
	RootCause string `json:"root_cause"`
	Wasmtime  string `json:"wasmtime"`
}

// oracleWallClockKinds are the outcomes a busy machine can cause on its own.
var oracleWallClockKinds = map[string]bool{"deadline": true, "timeout": true}

func (r *oracleReport) call(t *testing.T, slot string) *oracleCall {
	t.Helper()
	for i := range r.Calls {
		if r.Calls[i].Slot == slot {
			return &r.Calls[i]
		}
	}
	t.Fatalf("the oracle made no %s call; calls: %+v", slot, r.Calls)
	return nil
}

// wallClocked reports a call decided by a wall-clock limit.
func (r *oracleReport) wallClocked() bool {
	for _, c := range r.Calls {
		if c.Failure != nil && oracleWallClockKinds[c.Failure.Kind] {
			return true
		}
	}
	return false
}

type oracleEnv struct {
	root, fixtures, cache, echo string
	script                      []byte
	echoDigest                  string
}

func oracleRepoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.work above the test's directory: cannot find the repository root")
		}
		dir = parent
	}
}

// newOracleEnv finds the fixtures: $MCPG_WASM_FIXTURES (scripts/test exports it), else a build by
// scripts/build-wasm-fixtures when the run is a full one ($MCPG_RUST_FIXTURES is set by
// scripts/test too), else the test is skipped.
func newOracleEnv(t *testing.T) *oracleEnv {
	t.Helper()
	root := oracleRepoRoot(t)
	dir := os.Getenv("MCPG_WASM_FIXTURES")
	if dir == "" {
		if os.Getenv("MCPG_RUST_FIXTURES") == "" {
			t.Skip("needs the Wasm fixtures and the Wasmtime oracle: set MCPG_WASM_FIXTURES=$(scripts/build-wasm-fixtures) (cargo with wasm32-wasip2, python3 with venv and pip) or run scripts/test")
		}
		cmd := exec.Command("bash", filepath.Join(root, "scripts", "build-wasm-fixtures"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("scripts/build-wasm-fixtures: %v\n%s", err, stderr.String())
		}
		dir = strings.TrimSpace(string(out))
	}
	if _, err := os.Stat(filepath.Join(dir, "gate", "package.zip")); err != nil {
		t.Fatalf("MCPG_WASM_FIXTURES=%s holds no built fixtures (gate/package.zip: %v); run scripts/build-wasm-fixtures", dir, err)
	}
	script, err := os.ReadFile(filepath.Join(root, "scripts", "wasm-oracle"))
	if err != nil {
		t.Fatal(err)
	}
	env := &oracleEnv{root: root, fixtures: dir, cache: filepath.Join(root, ".tools", "wasm-oracle-cache"), script: script, echoDigest: "none"}
	// serde-json-echo (scripts/build-fixtures) makes the oracle's JSON exactly serde_json's.
	if d := os.Getenv("MCPG_RUST_FIXTURES"); d != "" {
		echo := filepath.Join(d, "serde-json-echo")
		if data, err := os.ReadFile(echo); err == nil {
			sum := sha256.Sum256(data)
			env.echo, env.echoDigest = echo, hex.EncodeToString(sum[:])
		}
	}
	return env
}

// run answers the oracle's report for fixture with args, from the cache when the package, the
// inputs, the oracle and the serde oracle are unchanged. A call decided by a wall-clock limit the
// case does not expect is taken for a busy machine: run again (at most three times), never cached.
// (Cached answers live in .tools/wasm-oracle-cache, next to Wasmtime's cache of compiled code.)
func (e *oracleEnv) run(t *testing.T, fixture string, wallClock bool, args ...string) *oracleReport {
	t.Helper()
	pkg := filepath.Join(e.fixtures, fixture, "package.zip")
	data, err := os.ReadFile(pkg)
	if err != nil {
		t.Fatalf("fixture %s: %v", fixture, err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "wasm-oracle-cache v1\x00")
	h.Write(data)
	h.Write([]byte{0})
	h.Write(e.script)
	fmt.Fprintf(h, "\x00%s\x00%s", e.echoDigest, strings.Join(args, "\x00"))
	key := hex.EncodeToString(h.Sum(nil))
	cached := filepath.Join(e.cache, key+".json")
	if out, err := os.ReadFile(cached); err == nil {
		var r oracleReport
		if err := json.Unmarshal(out, &r); err == nil {
			return &r
		}
	}
	echo := e.echo
	if echo == "" {
		echo = "none"
	}
	argv := append([]string{filepath.Join(e.root, "scripts", "wasm-oracle"), "test", pkg, "--serde-json-echo", echo}, args...)
	var r *oracleReport
	for attempt := 1; ; attempt++ {
		cmd := exec.Command("python3", argv...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("scripts/wasm-oracle test %s %s: %v\n%s", fixture, strings.Join(args, " "), err, stderr.String())
		}
		r = &oracleReport{}
		if err := json.Unmarshal(out, r); err != nil {
			t.Fatalf("scripts/wasm-oracle printed no report: %v\n%s", err, out)
		}
		if wallClock || !r.wallClocked() {
			// Cached only when wall-clock limits decided exactly what the case expects of them.
			if r.wallClocked() == wallClock {
				if err := os.MkdirAll(e.cache, 0o755); err == nil {
					// A temporary file of its own: cases run side by side.
					if f, err := os.CreateTemp(e.cache, filepath.Base(cached)+".*"); err == nil {
						_, werr := f.Write(out)
						if cerr := f.Close(); werr == nil && cerr == nil {
							_ = os.Rename(f.Name(), cached)
						}
						_ = os.Remove(f.Name())
					}
				}
			}
			return r
		}
		if attempt == 3 {
			t.Fatalf("fixture %s: a wall-clock limit decided a call three times running (machine too busy?): %s", fixture, out)
		}
		t.Logf("fixture %s: a wall-clock limit decided a call (attempt %d); running again", fixture, attempt)
	}
}

// oracleJSONEqual compares two JSON texts as values.
func oracleJSONEqual(t *testing.T, what string, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: the oracle's output is not JSON: %v: %s", what, err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: the expectation is not JSON: %v", what, err)
	}
	gj, _ := json.Marshal(g)
	wj, _ := json.Marshal(w)
	if !bytes.Equal(gj, wj) {
		t.Errorf("%s:\n got  %s\n want %s", what, gj, wj)
	}
}

type oracleDecision struct {
	Decision   string `json:"decision"`
	HTTPStatus int    `json:"http_status"`
	Code       int    `json:"code"`
	Message    string `json:"message"`
	Outcome    string `json:"outcome"`
}

// oracleFailClosed checks a gate call's fail-closed deny: status, -32603, and a message starting with
// prefix.
func oracleFailClosed(t *testing.T, c *oracleCall, status int, prefix string) {
	t.Helper()
	var d oracleDecision
	if err := json.Unmarshal(c.Output, &d); err != nil {
		t.Fatalf("%s: %v", c.Slot, err)
	}
	if d.Decision != "deny" || d.HTTPStatus != status || d.Code != -32603 || !strings.HasPrefix(d.Message, prefix) {
		t.Errorf("%s: want deny %d/-32603 %q…, got %s", c.Slot, status, prefix, c.Output)
	}
}

func oracleFailureKind(t *testing.T, c *oracleCall, kind, rootCause string) {
	t.Helper()
	if c.Failure == nil || c.Failure.Kind != kind || (rootCause != "" && c.Failure.RootCause != rootCause) {
		t.Errorf("%s: want a %s failure (%q), got %+v", c.Slot, kind, rootCause, c.Failure)
	}
}

func oracleRefused(t *testing.T, r *oracleReport, stage string, chain ...string) {
	t.Helper()
	if r.Status != "refused" || r.Load == nil || r.Load.Stage != stage {
		t.Fatalf("want the load refused at %s, got status %s, load %+v", stage, r.Status, r.Load)
	}
	if strings.Join(r.Load.ErrorChain, "\n") != strings.Join(chain, "\n") {
		t.Errorf("error chain:\n got  %q\n want %q", r.Load.ErrorChain, chain)
	}
}

func oracleLoaded(t *testing.T, r *oracleReport, id, name string) {
	t.Helper()
	if r.Status != "loaded" {
		t.Fatalf("want the plugin loaded, got %s: %+v", r.Status, r.Load)
	}
	if r.Manifest["id"] != id || r.Manifest["name"] != name || r.Manifest["version"] != "0.3.1" || r.Manifest["protocol_version"] != "1.0" {
		t.Errorf("manifest: got %v", r.Manifest)
	}
}

const (
	fxGateID          = "com.example.wasm-gate"
	fxGateName        = "Wasm Fixture Gate"
	fxTransformID     = "com.example.wasm-transform"
	fxTransformName   = "Wasm Fixture Transform"
	fxIdentityID      = "com.example.wasm-identity"
	fxIdentityName    = "Wasm Fixture Identity"
	fxWatID           = "com.example.wasm-wat-gate"
	fxWatName         = "Wasm WAT Gate"
	fxBacktraceHead   = "error while executing at wasm backtrace:\n"
	fxRegisteringGate = `registering first-party plugin "com.example.wasm-gate"`
	fxCrossCheckGate  = `descriptor / runtime-manifest cross-check for plugin "com.example.wasm-gate"`
)

// oracleCase is one run of one fixture and what the gateway decides for it.
type oracleCase struct {
	name, fixture string
	args          []string
	wallClock     bool // the expected decision comes from a wall-clock limit
	check         func(t *testing.T, r *oracleReport, exact bool)
	// skip, when set, says why the case cannot run on this host ("" when it can).
	skip func() string
}

func oracleCases() []oracleCase {
	trapPrefix := func(id, slot, label string) string {
		kind := "gate plugin"
		if strings.HasPrefix(slot, "transform") {
			kind = "wasm transform"
		}
		return fmt.Sprintf("%s '%s' error: %s call failed: %s", kind, id, label, fxBacktraceHead)
	}
	unreachable := "wasm trap: wasm `unreachable` instruction executed"
	cases := worldCases("", 1_000_000)
	cases = append(cases, worldCases("js-", 10_000_000)...)
	cases = append(cases, worldCases("py-", 10_000_000)...)
	cases = append(cases, guestLanguageCases(trapPrefix, unreachable)...)
	cases = append(cases, tableCases()...)
	cases = append(cases, fuelCases(trapPrefix)...)
	return append(cases, []oracleCase{
		{name: "gate-trap", fixture: "gate-trap", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleLoaded(t, r, fxGateID, fxGateName)
			for _, slot := range []string{"evaluate_pre_dispatch", "evaluate_post_dispatch"} {
				c := r.call(t, slot)
				oracleFailClosed(t, c, 500, trapPrefix(fxGateID, slot, slot))
				oracleFailureKind(t, c, "trap", unreachable)
				if !strings.Contains(string(c.Output), "misbehave") {
					t.Errorf("%s: the backtrace should name the fixture's misbehave frame: %s", slot, c.Output)
				}
			}
		}},
		{name: "transform-trap", fixture: "transform-trap", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleLoaded(t, r, fxTransformID, fxTransformName)
			for slot, label := range map[string]string{"transform_arguments": "transform_arguments", "transform_result": "transform_output"} {
				c := r.call(t, slot)
				var d oracleDecision
				_ = json.Unmarshal(c.Output, &d)
				if d.Outcome != "error" || !strings.HasPrefix(d.Message, trapPrefix(fxTransformID, slot, label)) {
					t.Errorf("%s: want error %q…, got %s", slot, trapPrefix(fxTransformID, slot, label), c.Output)
				}
				oracleFailureKind(t, c, "trap", unreachable)
			}
		}},
		{name: "identity-trap", fixture: "identity-trap", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleLoaded(t, r, fxIdentityID, fxIdentityName)
			c := r.call(t, "resolve_identity")
			oracleJSONEqual(t, "resolve_identity", c.Output, `{"outcome":"none"}`) // fails open
			oracleFailureKind(t, c, "trap", unreachable)
		}},
		{name: "gate-spin/fuel", fixture: "gate-spin", check: func(t *testing.T, r *oracleReport, _ bool) {
			for _, slot := range []string{"evaluate_pre_dispatch", "evaluate_post_dispatch"} {
				c := r.call(t, slot)
				oracleFailClosed(t, c, 500, trapPrefix(fxGateID, slot, slot))
				oracleFailureKind(t, c, "out_of_fuel", "wasm trap: all fuel consumed by WebAssembly")
				if c.FuelUsed == nil || *c.FuelUsed != 10_000_000 {
					t.Errorf("%s: fuel used %v, want all 10000000", slot, c.FuelUsed)
				}
			}
		}},
		{name: "gate-spin/deadline", fixture: "gate-spin", wallClock: true, args: []string{"--limits", `{"fuel": 100000000000}`},
			check: func(t *testing.T, r *oracleReport, _ bool) {
				c := r.call(t, "evaluate_pre_dispatch")
				oracleFailClosed(t, c, 500, trapPrefix(fxGateID, c.Slot, c.Slot))
				oracleFailureKind(t, c, "deadline", "wasm trap: interrupt")
			}},
		{name: "gate-grow", fixture: "gate-grow", check: func(t *testing.T, r *oracleReport, _ bool) {
			c := r.call(t, "evaluate_pre_dispatch")
			oracleFailClosed(t, c, 500, trapPrefix(fxGateID, c.Slot, c.Slot))
			oracleFailureKind(t, c, "trap", unreachable)
		}},
		{name: "gate-grow/soft", fixture: "gate-grow", args: []string{"--tool", "grow.soft"},
			check: gatePreCheck(`{"decision":"allow","metadata":{"memory_grow":-1}}`)},
		{name: "gate-grow/soft-128MiB", fixture: "gate-grow", args: []string{"--tool", "grow.soft", "--limits", "{\"memory_mb\": 128}"},
			check: func(t *testing.T, r *oracleReport, _ bool) {
				var d struct {
					Metadata struct {
						MemoryGrow int `json:"memory_grow"`
					} `json:"metadata"`
				}
				_ = json.Unmarshal(r.call(t, "evaluate_pre_dispatch").Output, &d)
				if d.Metadata.MemoryGrow <= 0 { // the old size in pages
					t.Errorf("memory.grow under a 128 MiB limit: %s", r.call(t, "evaluate_pre_dispatch").Output)
				}
			}},
		{name: "gate-recurse", fixture: "gate-recurse", check: func(t *testing.T, r *oracleReport, _ bool) {
			c := r.call(t, "evaluate_pre_dispatch")
			oracleFailClosed(t, c, 500, trapPrefix(fxGateID, c.Slot, c.Slot))
			oracleFailureKind(t, c, "trap", "wasm trap: call stack exhausted")
		}},
		{name: "gate-sleep", fixture: "gate-sleep", wallClock: true, check: func(t *testing.T, r *oracleReport, _ bool) {
			for _, slot := range []string{"evaluate_pre_dispatch", "evaluate_post_dispatch"} {
				c := r.call(t, slot)
				oracleJSONEqual(t, slot, c.Output, `{"decision":"deny","http_status":504,"code":-32603,"message":"gate plugin 'com.example.wasm-gate' timed out"}`)
				oracleFailureKind(t, c, "timeout", "")
			}
		}},
		{name: "gate-http", fixture: "gate-http", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleRefused(t, r, "manifest", fxRegisteringGate,
				"failed to instantiate tool-gate-plugin for manifest read: component imports instance `wasi:http/types@0.2.12`, but a matching implementation was not found in the linker")
		}},
		{name: "gate-wasi-newer", fixture: "gate-wasi-newer", check: gatePreCheck(`{"decision":"allow","metadata":{"plugin":"wasm-fixture","random_read":true,"wall_clock_after_2020":true}}`)},
		{name: "gate-proto2", fixture: "gate-proto2", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleRefused(t, r, "manifest", fxRegisteringGate,
				"wasm plugin 'com.example.wasm-gate' reports protocol_version '2.0' but the host requires '1.0'; rebuild the guest against the current protocol")
		}},
		{name: "gate-wrong-id", fixture: "gate-wrong-id", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleRefused(t, r, "descriptor", fxCrossCheckGate, "descriptor refers to unregistered plugin id: com.example.wasm-gate")
			if r.Manifest["id"] != "com.example.wasm-gate-renamed" {
				t.Errorf("manifest: %v", r.Manifest)
			}
		}},
		{name: "gate-wrong-name", fixture: "gate-wrong-name", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleRefused(t, r, "descriptor", fxCrossCheckGate,
				"descriptor / manifest mismatch: plugin descriptor disagrees with in-code manifest: field=name, descriptor=Wasm Fixture Gate, manifest=Renamed Wasm Fixture Gate")
		}},
		{name: "gate-as-transform", fixture: "gate-as-transform", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleRefused(t, r, "manifest", fxRegisteringGate,
				"failed to instantiate transform-plugin for manifest read: no exported instance named `mcpg:plugin/transform@0.1.0`")
		}},
		{name: "wat-bad-discriminant", fixture: "wat-bad-discriminant", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleLoaded(t, r, fxWatID, fxWatName)
			oracleJSONEqual(t, "pre", r.call(t, "evaluate_pre_dispatch").Output,
				`{"decision":"deny","http_status":500,"code":-32603,"message":"gate plugin 'com.example.wasm-wat-gate' error: evaluate_pre_dispatch call failed: unexpected discriminant: 7"}`)
			oracleJSONEqual(t, "post", r.call(t, "evaluate_post_dispatch").Output,
				`{"decision":"deny","http_status":500,"code":-32603,"message":"gate plugin 'com.example.wasm-wat-gate' error: evaluate_post_dispatch call failed: invalid option discriminant"}`)
		}},
		{name: "wat-oob-pointers", fixture: "wat-oob-pointers", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleLoaded(t, r, fxWatID, fxWatName)
			oracleJSONEqual(t, "pre", r.call(t, "evaluate_pre_dispatch").Output,
				`{"decision":"deny","http_status":500,"code":-32603,"message":"gate plugin 'com.example.wasm-wat-gate' error: evaluate_pre_dispatch call failed: pointer out of bounds of memory"}`)
			oracleJSONEqual(t, "post", r.call(t, "evaluate_post_dispatch").Output,
				`{"decision":"deny","http_status":500,"code":-32603,"message":"gate plugin 'com.example.wasm-wat-gate' error: evaluate_post_dispatch call failed: string pointer/length out of bounds of memory"}`)
		}},
		{name: "wat-oob-pointers/misaligned", fixture: "wat-oob-pointers", args: []string{"--tool", "misaligned"},
			check: func(t *testing.T, r *oracleReport, _ bool) {
				oracleJSONEqual(t, "pre", r.call(t, "evaluate_pre_dispatch").Output,
					`{"decision":"deny","http_status":500,"code":-32603,"message":"gate plugin 'com.example.wasm-wat-gate' error: evaluate_pre_dispatch call failed: return pointer not aligned"}`)
			}},
		{name: "wat-wrong-types", fixture: "wat-wrong-types", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleRefused(t, r, "manifest", `registering first-party plugin "com.example.wasm-wat-gate"`,
				"failed to instantiate tool-gate-plugin for manifest read: failed to convert function to given type")
		}},
		{name: "core-module", fixture: "core-module", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleRefused(t, r, "compile", "failed to compile wasm component: plugin.wasm: failed to parse WebAssembly module")
			if r.Load.Failure == nil || r.Load.Failure.RootCause != "attempted to parse a wasm module with a component parser" {
				t.Errorf("the compile error's root cause: %+v", r.Load.Failure)
			}
			if len(r.Calls) != 0 {
				t.Errorf("a refused compile makes no calls: %+v", r.Calls)
			}
		}},
	}...)
}

// gatePreCheck and gatePostCheck: the gate fixture loaded, and one call's decision.
func gatePreCheck(want string) func(*testing.T, *oracleReport, bool) {
	return func(t *testing.T, r *oracleReport, _ bool) {
		oracleLoaded(t, r, fxGateID, fxGateName)
		oracleJSONEqual(t, "evaluate_pre_dispatch", r.call(t, "evaluate_pre_dispatch").Output, want)
	}
}

func gatePostCheck(want string) func(*testing.T, *oracleReport, bool) {
	return func(t *testing.T, r *oracleReport, _ bool) {
		oracleLoaded(t, r, fxGateID, fxGateName)
		oracleJSONEqual(t, "evaluate_post_dispatch", r.call(t, "evaluate_post_dispatch").Output, want)
	}
}

// worldCases are the well-behaved gate, transform and identity fixtures of one toolchain (lang is
// the fixture names' prefix: "" Rust, "js-" componentize-js, "py-" componentize-py), which all
// decide as fixtures.md says; fuelCap bounds what one call of that toolchain's guest may use.
func worldCases(lang string, fuelCap uint64) []oracleCase {
	cases := []oracleCase{
		{name: "gate/default", fixture: "gate", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleLoaded(t, r, fxGateID, fxGateName)
			if r.Manifest["plugin_class"] != "tool_gate" {
				t.Errorf("manifest plugin_class: %v", r.Manifest)
			}
			oracleJSONEqual(t, "pre", r.call(t, "evaluate_pre_dispatch").Output, `{"decision":"allow","metadata":{"plugin":"wasm-fixture"}}`)
			oracleJSONEqual(t, "post", r.call(t, "evaluate_post_dispatch").Output, `{"decision":"allow"}`)
			for _, c := range r.Calls {
				if c.FuelUsed == nil || *c.FuelUsed == 0 || *c.FuelUsed > fuelCap {
					t.Errorf("%s: fuel used %v, want a small positive amount", c.Slot, c.FuelUsed)
				}
			}
		}},
		{name: "gate/debug", fixture: "gate", args: []string{"--tool", "debug_dump"},
			check: gatePreCheck(`{"decision":"deny","http_status":403,"code":-32030,"message":"debug tools are blocked","error_data":{"tool":"debug_dump"}}`)},
		{name: "gate/deny", fixture: "gate", args: []string{"--tool", "deny.all"},
			check: gatePreCheck(`{"decision":"deny","http_status":403,"code":-32001,"message":"denied by test"}`)},
		{name: "gate/challenge", fixture: "gate", args: []string{"--tool", "pay.me"},
			check: gatePreCheck(`{"decision":"challenge","http_status":402,"code":-32099,"message":"payment required","challenge_data":{"challenge_id":"abc123"}}`)},
		{name: "gate/rewrite", fixture: "gate", args: []string{"--tool", "rewrite", "--arguments", `{"b":1, "a":"x"}`},
			check: gatePreCheck(`{"decision":"allow","modified_arguments":{"original":{"a":"x","b":1},"rewritten":true}}`)},
		{name: "gate/bad-allow", fixture: "gate", args: []string{"--tool", "bad.allow"}, check: gatePreCheck(`{"decision":"allow"}`)},
		{name: "gate/bad-deny", fixture: "gate", args: []string{"--tool", "bad.deny"},
			check: gatePreCheck(`{"decision":"deny","http_status":403,"code":-32002,"message":"denied with bad data"}`)},
		{name: "gate/bad-challenge", fixture: "gate", args: []string{"--tool", "bad.challenge"},
			check: gatePreCheck(`{"decision":"challenge","http_status":402,"code":-32098,"message":"challenge with bad data","challenge_data":null}`)},
		{name: "gate/echo", fixture: "gate", args: []string{"--tool", "echo", "--arguments", `{"z":[1,2.50],"a":null}`, "--meta", `{"progressToken":7}`,
			"--config", `{"k":"v"}`, "--result", `{"content":[]}`, "--execution-duration-ms", "42",
			"--context", `{"request_id":"r-1","session_id":"s-1","tool_name":"ignored","surface":"prompt","transport":"stdio","identity":{"kind":"verified","trust_level":"verified","subject_id":"alice","roles":["a","b"],"attributes":{"z":"1","a":"2"}}}`},
			check: func(t *testing.T, r *oracleReport, _ bool) {
				oracleLoaded(t, r, fxGateID, fxGateName)
				oracleJSONEqual(t, "pre", r.call(t, "evaluate_pre_dispatch").Output, `{"decision":"allow","metadata":{
					"context":{"request_id":"r-1","session_id":"s-1","tool_name":"echo","surface":"prompt","transport":"stdio",
						"identity":{"kind":"verified","trust_level":"verified","subject_id":"alice","auth_provider":null,"issuer":null,
							"roles":["a","b"],"groups":[],"scopes":[],"attributes":{"a":"2","z":"1"}}},
					"arguments":"{\"a\":null,\"z\":[1,2.5]}","meta":"{\"progressToken\":7}","config":"{\"k\":\"v\"}"}}`)
				oracleJSONEqual(t, "post", r.call(t, "evaluate_post_dispatch").Output, `{"decision":"allow","metadata":{
					"result":"{\"content\":[]}","duration_ms":42,"arguments":"{\"a\":null,\"z\":[1,2.5]}","config":"{\"k\":\"v\"}"}}`)
			}},
		{name: "gate/post-deny", fixture: "gate", args: []string{"--tool", "post.deny"},
			check: gatePostCheck(`{"decision":"deny","http_status":403,"code":-32040,"message":"result rejected"}`)},
		{name: "gate/redact", fixture: "gate", args: []string{"--tool", "redact"},
			check: gatePostCheck(`{"decision":"allow","modified_result":{"content":[{"type":"text","text":"[redacted]"}],"isError":false}}`)},
		{name: "gate/large-result", fixture: "gate", args: []string{"--result", `{"text":"` + strings.Repeat("x", 1100) + `"}`},
			check: gatePostCheck(`{"decision":"deny","http_status":413,"code":-32041,"message":"result too large","error_data":{"bytes":1111,"limit":1024}}`)},

		{name: "transform/default", fixture: "transform", args: []string{"--arguments", `{"name":"bob"}`, "--result", `{"x":1}`},
			check: func(t *testing.T, r *oracleReport, _ bool) {
				oracleLoaded(t, r, fxTransformID, fxTransformName)
				oracleJSONEqual(t, "transform_arguments", r.call(t, "transform_arguments").Output, `{"outcome":"modified","value":{"name":"bob","transformed_by":"wasm-fixture"}}`)
				oracleJSONEqual(t, "transform_result", r.call(t, "transform_result").Output, `{"outcome":"unchanged"}`)
			}},
		{name: "transform/not-an-object", fixture: "transform", args: []string{"--arguments", `[1]`},
			check: func(t *testing.T, r *oracleReport, _ bool) {
				oracleJSONEqual(t, "transform_arguments", r.call(t, "transform_arguments").Output, `{"outcome":"unchanged"}`)
			}},
		{name: "transform/fail", fixture: "transform", args: []string{"--tool", "xf.fail"},
			check: func(t *testing.T, r *oracleReport, _ bool) {
				oracleJSONEqual(t, "transform_arguments", r.call(t, "transform_arguments").Output, `{"outcome":"error","message":"cannot transform xf.fail"}`)
			}},
		{name: "transform/bad-json", fixture: "transform", args: []string{"--tool", "xf.badjson"},
			check: func(t *testing.T, r *oracleReport, exact bool) {
				want := `{"outcome":"error","message":"wasm transform returned invalid JSON: expected ident at line 1 column 2"}`
				if !exact { // without serde-json-echo the oracle cannot word serde_json's error
					var d oracleDecision
					_ = json.Unmarshal(r.call(t, "transform_arguments").Output, &d)
					if d.Outcome != "error" || !strings.HasPrefix(d.Message, "wasm transform returned invalid JSON: ") {
						t.Errorf("transform_arguments: %s", r.call(t, "transform_arguments").Output)
					}
					return
				}
				oracleJSONEqual(t, "transform_arguments", r.call(t, "transform_arguments").Output, want)
			}},
		{name: "transform/echo", fixture: "transform", args: []string{"--tool", "echo", "--result", `{"b":2,"a":1}`},
			check: func(t *testing.T, r *oracleReport, _ bool) {
				oracleJSONEqual(t, "transform_result", r.call(t, "transform_result").Output, `{"outcome":"modified","value":{"wrapped":{"a":1,"b":2}}}`)
			}},

		{name: "identity/synthesised-headers", fixture: "identity", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleLoaded(t, r, fxIdentityID, fxIdentityName)
			oracleJSONEqual(t, "resolve_identity", r.call(t, "resolve_identity").Output,
				`{"outcome":"resolved","identity":{"kind":"header_asserted","trust_level":"header_asserted","subject_id":"tester@example.com","auth_provider":null,"issuer":null}}`)
		}},
		{name: "identity/bearer", fixture: "identity", args: []string{"--headers", `[["Authorization","Bearer tok-1"]]`, "--config", `{"b":true,"a":1}`},
			check: func(t *testing.T, r *oracleReport, _ bool) {
				oracleJSONEqual(t, "resolve_identity", r.call(t, "resolve_identity").Output, `{"outcome":"resolved","identity":{"kind":"verified","trust_level":"verified",
					"subject_id":"tok-1","auth_provider":"wasm-fixture","issuer":"https://issuer.example","roles":["reader","writer"],"groups":["engineering"],
					"scopes":["mcp:tools:call"],"attributes":{"config":"{\"a\":1,\"b\":true}","tenant_id":"acme-prod"}}}`)
			}},
		{name: "identity/bad-token", fixture: "identity", args: []string{"--headers", `{"authorization":"Bearer bad"}`},
			check: func(t *testing.T, r *oracleReport, _ bool) {
				oracleJSONEqual(t, "resolve_identity", r.call(t, "resolve_identity").Output, `{"outcome":"invalid","reason":"bad token"}`)
			}},
		{name: "identity/other-scheme", fixture: "identity", args: []string{"--headers", `{"Authorization":"Basic eA=="}`},
			check: func(t *testing.T, r *oracleReport, _ bool) {
				oracleJSONEqual(t, "resolve_identity", r.call(t, "resolve_identity").Output, `{"outcome":"invalid","reason":"unsupported authorization scheme"}`)
			}},
		{name: "identity/no-headers", fixture: "identity", args: []string{"--headers", `[]`},
			check: func(t *testing.T, r *oracleReport, _ bool) {
				oracleJSONEqual(t, "resolve_identity", r.call(t, "resolve_identity").Output, `{"outcome":"none"}`)
			}},
	}
	for i := range cases {
		cases[i].name, cases[i].fixture = lang+cases[i].name, lang+cases[i].fixture
	}
	return cases
}

// guestLanguageCases: what only the JavaScript and Python guests show — an exception thrown
// through the export (a trap at the gateway, deny 500 with the engine's backtrace) and a
// componentize-js build with its default features, which imports wasi:http.
func guestLanguageCases(trapPrefix func(id, slot, label string) string, unreachable string) []oracleCase {
	throws := func(t *testing.T, r *oracleReport, _ bool) {
		oracleLoaded(t, r, fxGateID, fxGateName)
		c := r.call(t, "evaluate_pre_dispatch")
		oracleFailClosed(t, c, 500, trapPrefix(fxGateID, c.Slot, c.Slot))
		oracleFailureKind(t, c, "trap", unreachable)
		oracleJSONEqual(t, "evaluate_post_dispatch", r.call(t, "evaluate_post_dispatch").Output, `{"decision":"allow"}`)
	}
	return []oracleCase{
		{name: "js-gate/throw", fixture: "js-gate", args: []string{"--tool", "guest.throw"}, check: throws},
		{name: "py-gate/raise", fixture: "py-gate", args: []string{"--tool", "guest.throw"}, check: throws},
		{name: "js-gate-http", fixture: "js-gate-http", check: func(t *testing.T, r *oracleReport, _ bool) {
			if r.Status != "refused" || r.Load == nil || r.Load.Stage != "manifest" ||
				!strings.Contains(r.Load.Error, "failed to instantiate tool-gate-plugin for manifest read: component imports instance `wasi:http/") {
				t.Errorf("want a refusal at the manifest read for the wasi:http import; got %s %+v", r.Status, r.Load)
			}
		}},
	}
}

func TestOracleDecisions(t *testing.T) {
	env := newOracleEnv(t)
	cases := oracleCases()
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.fixture] = true
	}
	entries, err := os.ReadDir(env.fixtures)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") && !covered[e.Name()] {
			t.Errorf("fixture %s has no oracle case: pin its decisions here", e.Name())
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.skip != nil {
				if why := c.skip(); why != "" {
					t.Skip(why)
				}
			}
			r := env.run(t, c.fixture, c.wallClock, c.args...)
			c.check(t, r, r.Serde == "serde_json")
		})
	}
}

// TestOracleUsage: the oracle refuses bad inputs as a usage error (exit 2), not with a report.
func TestOracleUsage(t *testing.T) {
	env := newOracleEnv(t)
	pkg := filepath.Join(env.fixtures, "gate", "package.zip")
	for _, args := range [][]string{
		{"--limits", `{"fuel": -1}`},
		{"--limits", `{"memory": 1}`},
		{"--arguments", `{"a":`},
		{"--context", `{"request_id":"r"}`},
		{"--headers", `[["only-a-name"]]`},
	} {
		cmd := exec.Command("python3", append([]string{filepath.Join(env.root, "scripts", "wasm-oracle"), "test", pkg, "--serde-json-echo", "none"}, args...)...)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.HasPrefix(string(out), "wasm-oracle: ") {
			t.Errorf("%q: want exit 2 with a wasm-oracle: message, got %v: %s", args, err, out)
		}
	}
}

// tableCases: what Wasmtime 44 does with tables, segments and the proposals it leaves off
// (tables.go, features.go). Its limiter allows every table growth, so table.grow answers -1 only past the
// table's maximum; an allocation the host refuses is an error; a growth of 100 M elements takes
// it past the 200 ms backstop (1.6 s and 800 MB on the oracle's host).
func tableCases() []oracleCase {
	grow := func(tool, metadata string) oracleCase {
		return oracleCase{name: "wat-table-grow/" + strings.TrimPrefix(tool, "table."), fixture: "wat-table-grow", args: []string{"--tool", tool},
			check: func(t *testing.T, r *oracleReport, _ bool) {
				oracleLoaded(t, r, fxWatID, fxWatName)
				oracleJSONEqual(t, "evaluate_pre_dispatch", r.call(t, "evaluate_pre_dispatch").Output, `{"decision":"allow","metadata":`+metadata+`}`)
				oracleJSONEqual(t, "evaluate_post_dispatch", r.call(t, "evaluate_post_dispatch").Output, `{"decision":"allow"}`)
			}}
	}
	// A table of 2^32-1 elements takes 32 GiB: a host that grants that much would really allocate
	// it (and fill it, for table.grow), so these cases run only where Wasmtime's allocation fails.
	small := func() string {
		if limit, how := hostAllocLimit(); limit >= 8*(1<<32-1) {
			return "this host would grant Wasmtime a 32 GiB table (" + how + ")"
		}
		return ""
	}
	const oom = "out of memory (failed to allocate 34359738360 bytes)"
	const parse = "failed to compile wasm component: plugin.wasm: failed to parse WebAssembly module"
	return []oracleCase{
		{name: "wat-table-grow", fixture: "wat-table-grow", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleLoaded(t, r, fxWatID, fxWatName)
			oracleJSONEqual(t, "evaluate_pre_dispatch", r.call(t, "evaluate_pre_dispatch").Output, `{"decision":"allow"}`)
		}},
		grow("table.grow.0", `{"table_grow":1,"table_size":1}`),
		grow("table.grow.1000", `{"table_grow":1,"table_size":1001}`),
		grow("table.grow.1000000", `{"table_grow":1,"table_size":1000001}`),
		grow("table.grow.4294967295", `{"table_grow":-1,"table_size":1}`), // past 2^32-1 elements: -1, nothing allocated
		grow("table.grow-max.9", `{"table_grow":1,"table_size":10}`),
		grow("table.grow-max.10", `{"table_grow":-1,"table_size":1}`), // past the declared maximum
		{name: "wat-table-grow/100M", fixture: "wat-table-grow", wallClock: true, args: []string{"--tool", "table.grow.100000000"},
			check: func(t *testing.T, r *oracleReport, _ bool) {
				c := r.call(t, "evaluate_pre_dispatch")
				oracleJSONEqual(t, c.Slot, c.Output, `{"decision":"deny","http_status":504,"code":-32603,"message":"gate plugin 'com.example.wasm-wat-gate' timed out"}`)
				oracleFailureKind(t, c, "timeout", "")
			}},
		{name: "wat-table-grow/oom", fixture: "wat-table-grow", args: []string{"--tool", "table.grow.4294967294"}, skip: small,
			check: func(t *testing.T, r *oracleReport, _ bool) {
				c := r.call(t, "evaluate_pre_dispatch")
				oracleJSONEqual(t, c.Slot, c.Output, `{"decision":"deny","http_status":500,"code":-32603,"message":"gate plugin 'com.example.wasm-wat-gate' error: evaluate_pre_dispatch call failed: `+oom+`"}`)
				oracleFailureKind(t, c, "error", oom)
			}},
		{name: "wat-table-min", fixture: "wat-table-min", skip: small, check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleRefused(t, r, "manifest", `registering first-party plugin "com.example.wasm-wat-gate"`,
				"failed to instantiate tool-gate-plugin for manifest read: "+oom)
		}},
		{name: "wat-externref", fixture: "wat-externref", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleRefused(t, r, "compile", parse)
			if r.Load.Failure == nil || !strings.HasPrefix(r.Load.Failure.RootCause, "gc types are disallowed but found type which requires gc") {
				t.Errorf("the compile error's root cause: %+v", r.Load.Failure)
			}
		}},
		// wazero lets an element segment that does not fit pass (and drops the segments after it).
		{name: "wat-elem-oob", fixture: "wat-elem-oob", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleRefused(t, r, "manifest", `registering first-party plugin "com.example.wasm-wat-gate"`,
				"failed to instantiate tool-gate-plugin for manifest read: wasm trap: undefined element: out of bounds table access")
		}},
		{name: "wat-data-oob", fixture: "wat-data-oob", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleRefused(t, r, "manifest", `registering first-party plugin "com.example.wasm-wat-gate"`,
				"failed to instantiate tool-gate-plugin for manifest read: wasm trap: out of bounds memory access")
		}},
		{name: "wat-shared-memory", fixture: "wat-shared-memory", check: func(t *testing.T, r *oracleReport, _ bool) {
			oracleRefused(t, r, "compile", parse)
			if r.Load.Failure == nil || !strings.HasPrefix(r.Load.Failure.RootCause, "threads must be enabled for shared memories") {
				t.Errorf("the compile error's root cause: %+v", r.Load.Failure)
			}
		}},
	}
}

// fuelCases: calls given less fuel than they need (runtime_oracle_test.go holds the harness to the
// frames and fuel of each): the manifest read has the same budget as every call, so a plugin whose
// manifest needs more is not loaded; the largest budget changes nothing. The budgets sit between
// what the fixtures' manifests and calls use (fixtures.md).
func fuelCases(trapPrefix func(id, slot, label string) string) []oracleCase {
	const outOfFuel = "wasm trap: all fuel consumed by WebAssembly"
	manifestOutOfFuel := func(t *testing.T, r *oracleReport, _ bool) {
		if r.Status != "refused" || r.Load == nil || r.Load.Stage != "manifest" || len(r.Load.ErrorChain) != 2 ||
			!strings.HasPrefix(r.Load.ErrorChain[1], "failed to call manifest(): "+fxBacktraceHead) {
			t.Fatalf("want the manifest read to run out of fuel; got %s %+v", r.Status, r.Load)
		}
		if r.Load.Failure == nil || r.Load.Failure.Kind != "out_of_fuel" {
			t.Errorf("failure: %+v", r.Load.Failure)
		}
	}
	gateOutOfFuel := func(slots ...string) func(t *testing.T, r *oracleReport, _ bool) {
		return func(t *testing.T, r *oracleReport, _ bool) {
			oracleLoaded(t, r, fxGateID, fxGateName)
			for _, slot := range slots {
				c := r.call(t, slot)
				oracleFailClosed(t, c, 500, trapPrefix(fxGateID, slot, slot))
				oracleFailureKind(t, c, "out_of_fuel", outOfFuel)
			}
		}
	}
	limits := func(fuel string) []string { return []string{"--limits", `{"fuel": ` + fuel + `}`} }
	return []oracleCase{
		{name: "gate/fuel-0", fixture: "gate", args: limits("0"), check: manifestOutOfFuel},
		{name: "gate/fuel-3000", fixture: "gate", args: limits("3000"), check: gateOutOfFuel("evaluate_pre_dispatch", "evaluate_post_dispatch")},
		{name: "gate/fuel-max", fixture: "gate", args: limits("18446744073709551615"),
			check: gatePreCheck(`{"decision":"allow","metadata":{"plugin":"wasm-fixture"}}`)},
		{name: "js-gate/fuel-1M", fixture: "js-gate", args: limits("1000000"), check: manifestOutOfFuel},
		{name: "js-gate/fuel-1.4M", fixture: "js-gate", args: limits("1400000"), check: func(t *testing.T, r *oracleReport, exact bool) {
			gateOutOfFuel("evaluate_pre_dispatch")(t, r, exact)
			oracleJSONEqual(t, "evaluate_post_dispatch", r.call(t, "evaluate_post_dispatch").Output, `{"decision":"allow"}`)
		}},
		{name: "py-gate/fuel-150k", fixture: "py-gate", args: limits("150000"), check: gateOutOfFuel("evaluate_pre_dispatch", "evaluate_post_dispatch")},
	}
}
