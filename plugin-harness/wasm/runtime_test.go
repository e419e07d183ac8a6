package wasm

// Tests of Run on the hand-written components of testdata/ (gen.sh assembles them and records
// what Wasmtime 44 decides for each in <case>.oracle.json), and of its refusals. They need no
// toolchain: the binaries and the oracle's answers are committed.

import (
	"context"
	"encoding/json"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/native"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
)

const testDescriptor = `schema: mcpg.dev/plugin/v1
id: com.example.wasm-runtime-test
name: Wasm Runtime Test
license: Apache-2.0
description: A plugin-harness wasm runtime test component.
class: tool_gate
runtime: wasi-v1
protocol_version: "1.0"
`

func testDesc(t testing.TB, edits ...string) *descriptor.Descriptor {
	t.Helper()
	text := testDescriptor
	for i := 0; i+1 < len(edits); i += 2 {
		text = strings.Replace(text, edits[i], edits[i+1], 1)
	}
	d, err := descriptor.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func runTestdata(t *testing.T, wasm string, desc *descriptor.Descriptor, args []string, opts Options) *fixtureRun {
	t.Helper()
	plan, limits := planFromArgs(t, args)
	rec := &recorder{}
	out, err := Run(context.Background(), readTestdata(t, wasm), desc, plan, limits, opts, rec)
	return &fixtureRun{outcome: out, err: err, calls: rec.calls}
}

// TestTestdataMatchesOracle: each testdata case decides as Wasmtime 44 did, on both engines.
func TestTestdataMatchesOracle(t *testing.T) {
	for _, c := range []struct {
		name, wasm string
		args       []string
	}{
		{"resources", "resources.wasm", nil},
		{"sites", "sites.wasm", nil},
		{"spin", "spin.wasm", nil},
		{"core-gate", "core-gate.wasm", nil},
		{"resources-memory0", "resources.wasm", []string{"--limits", `{"memory_mb":0}`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var want oracleReport
			if err := json.Unmarshal(readTestdata(t, c.name+".oracle.json"), &want); err != nil {
				t.Fatal(err)
			}
			for _, e := range []Engine{EngineCompiler, EngineInterpreter} {
				t.Run(e.String(), func(t *testing.T) {
					got := runTestdata(t, c.wasm, testDesc(t), c.args, Options{Engine: e})
					compareWithOracle(t, &want, got)
				})
			}
		})
	}
}

// TestFuelStopsSpin: a guest that never returns runs out of fuel, fast, with Wasmtime's trap
// (TestTestdataMatchesOracle compares its frames); the run goes on to the next call.
func TestFuelStopsSpin(t *testing.T) {
	for _, e := range []Engine{EngineCompiler, EngineInterpreter} {
		start := time.Now()
		got := runTestdata(t, "spin.wasm", testDesc(t), nil, Options{Engine: e})
		if got.err != nil {
			t.Fatal(got.err)
		}
		if d := time.Since(start); d > 4*time.Second {
			t.Errorf("%s: the run took %s", e, d)
		}
		pre := got.call("evaluate_pre_dispatch")
		if pre == nil || !strings.Contains(string(pre.Output), `call failed: error while executing at wasm backtrace:\n    0:     0xc8 - m!spin`) ||
			len(pre.Violations) == 0 || !strings.Contains(pre.Violations[0], "ran out of fuel (limits.fuel 10000000)") ||
			pre.FuelUsed == nil || *pre.FuelUsed != 10_000_000 {
			t.Errorf("%s: pre: %+v", e, pre)
		}
		if post := got.call("evaluate_post_dispatch"); post == nil || string(post.Output) != `{"decision":"allow","metadata":{"resource":"ok"}}` {
			t.Errorf("%s: post: %+v", e, post)
		}
		if len(got.outcome.Notes) != 0 && e == EngineCompiler {
			t.Errorf("%s: notes: %q", e, got.outcome.Notes)
		}
	}
}

// TestGuardStopsSpin: with fuel enough for hours, a spinning guest is stopped by the guard (on
// compiled code through the fuel checks, on the interpreter by wazero) and given the decision
// the gateway's deadline gives it; its fuel up to there is reported. It runs on one P while the
// garbage collector is asked to run again and again: compiled code that never gave Go a moment
// would hold up both the collector's stop of the world and the guard's timer for good.
func TestGuardStopsSpin(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.GC()
			}
		}
	}()
	for _, e := range []Engine{EngineCompiler, EngineInterpreter} {
		start := time.Now()
		got := runTestdata(t, "spin.wasm", testDesc(t), []string{"--limits", `{"fuel": 1000000000000000}`}, Options{Engine: e, Guard: 200 * time.Millisecond})
		if got.err != nil {
			t.Fatal(got.err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: the run took %s", e, d)
		}
		pre := got.call("evaluate_pre_dispatch")
		if pre == nil || !strings.HasSuffix(string(pre.Output), `call failed: error while executing at wasm backtrace:"}`) ||
			len(pre.Violations) == 0 || !strings.Contains(pre.Violations[0], "stopped") || pre.FuelUsed == nil {
			t.Errorf("%s: pre: %+v", e, pre)
		}
		if e == EngineCompiler && (pre == nil || pre.FuelUsed == nil || *pre.FuelUsed < 1_000_000) {
			t.Errorf("%s: the guest ran 200 ms compiled and used only %v fuel", e, pre.FuelUsed)
		}
		if post := got.call("evaluate_post_dispatch"); post == nil || string(post.Output) != `{"decision":"allow","metadata":{"resource":"ok"}}` {
			t.Errorf("%s: post: %+v", e, post)
		}
	}
}

// TestCoreModule: the gateway refuses a core module at compile; with AllowCoreModule it runs,
// with a warning.
func TestCoreModule(t *testing.T) {
	got := runTestdata(t, "core-gate.wasm", testDesc(t), nil, Options{})
	r, ok := got.err.(*Refusal)
	if !ok || r.Stage != "compile" || r.Error() != "failed to compile wasm component: plugin.wasm: failed to parse WebAssembly module" ||
		!strings.Contains(r.Detail, "attempted to parse a wasm module with a component parser") {
		t.Fatalf("got %#v", got.err)
	}
	got = runTestdata(t, "core-gate.wasm", testDesc(t), nil, Options{AllowCoreModule: true})
	if got.err != nil {
		t.Fatal(got.err)
	}
	if len(got.outcome.Warnings) == 0 || !strings.Contains(got.outcome.Warnings[0], "core module") {
		t.Errorf("warnings: %q", got.outcome.Warnings)
	}
	for _, slot := range []string{"evaluate_pre_dispatch", "evaluate_post_dispatch"} {
		if c := got.call(slot); c == nil || string(c.Output) != `{"decision":"allow","metadata":{"resource":"ok"}}` {
			t.Errorf("%s: %+v", slot, c)
		}
	}
}

// TestRefusals: the gateway's load-time refusals, in its words.
func TestRefusals(t *testing.T) {
	cases := []struct {
		name, wasm string
		desc       []string
		stage      string
		chain      []string
	}{
		{"schema", "resources.wasm", []string{"schema", "mcpg.dev/plugin/v2"}, "descriptor",
			[]string{`plugin descriptor for "com.example.wasm-runtime-test" declares schema "mcpg.dev/plugin/v2"; host supports "mcpg.dev/plugin/v1"`}},
		{"class", "resources.wasm", []string{"class: tool_gate", "class: audit_sink"}, "register",
			[]string{`registering first-party plugin "com.example.wasm-runtime-test"`, "packaged wasm plugin declared unsupported class: audit_sink"}},
		{"world", "resources.wasm", []string{"class: tool_gate", "class: identity_provider"}, "manifest",
			[]string{`registering first-party plugin "com.example.wasm-runtime-test"`,
				"failed to instantiate identity-plugin for manifest read: no exported instance named `mcpg:plugin/identity@0.1.0`"}},
		{"id", "resources.wasm", []string{"id: com.example.wasm-runtime-test", "id: com.example.other"}, "descriptor",
			[]string{`descriptor / runtime-manifest cross-check for plugin "com.example.other"`, "descriptor refers to unregistered plugin id: com.example.other"}},
		{"name", "resources.wasm", []string{"name: Wasm Runtime Test", "name: Other"}, "descriptor",
			[]string{`descriptor / runtime-manifest cross-check for plugin "com.example.wasm-runtime-test"`,
				"descriptor / manifest mismatch: plugin descriptor disagrees with in-code manifest: field=name, descriptor=Other, manifest=Wasm Runtime Test"}},
		{"protocol major", "resources.wasm", []string{`protocol_version: "1.0"`, `protocol_version: "2.0"`}, "descriptor",
			[]string{`descriptor / runtime-manifest cross-check for plugin "com.example.wasm-runtime-test"`,
				"descriptor / manifest mismatch: plugin descriptor disagrees with in-code manifest: field=protocol_version, descriptor=2.0, manifest=1.0"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := testDesc(t)
			if c.desc[0] == "schema" { // descriptor.Parse refuses another schema; the gateway's own check is tested here
				d.Schema = c.desc[1]
			} else {
				d = testDesc(t, c.desc...)
			}
			got := runTestdata(t, c.wasm, d, nil, Options{})
			r, ok := got.err.(*Refusal)
			if !ok {
				t.Fatalf("want a refusal, got %v", got.err)
			}
			if r.Stage != c.stage || strings.Join(r.Chain, "\n") != strings.Join(c.chain, "\n") {
				t.Errorf("got %s %q\nwant %s %q", r.Stage, r.Chain, c.stage, c.chain)
			}
		})
	}
}

// TestNotWasm: bytes that are no component are refused at compile with Wasmtime's reasons.
func TestNotWasm(t *testing.T) {
	// The causes are the component reader's (wasm/component CompileError).
	for in, cause := range map[string]string{
		"":                         "magic header",
		"hello world":              "magic header not detected: bad magic number (at offset 0x0)",
		"\x00asm\x02\x00\x00\x00":  "unknown binary version",
		"\x00asm\x01\x00\x00\x00":  "attempted to parse a wasm module with a component parser",
		"\x00asm\x0d\x00\x01\x00x": "",
	} {
		plan, limits := planFromArgs(t, nil)
		_, err := Run(context.Background(), []byte(in), testDesc(t), plan, limits, Options{Engine: EngineInterpreter}, &recorder{})
		r, ok := err.(*Refusal)
		if !ok || r.Stage != "compile" || !strings.HasPrefix(r.Error(), "failed to compile wasm component: plugin.wasm: ") ||
			!strings.Contains(r.Detail, cause) {
			t.Errorf("%q: got %#v", in, err)
		}
	}
}

// TestRepeat: every repetition is a fresh instance, timed; the first is reported.
func TestRepeat(t *testing.T) {
	plan, limits := planFromArgs(t, nil)
	plan.Repeat = 5
	rec := &recorder{}
	if _, err := Run(context.Background(), readTestdata(t, "resources.wasm"), testDesc(t), plan, limits, Options{}, rec); err != nil {
		t.Fatal(err)
	}
	var pre *native.Call
	for _, c := range rec.calls {
		if c.Slot == "evaluate_pre_dispatch" {
			pre = c
		}
	}
	// A handle that leaked into the next instance would make the second call's first handle 2.
	if pre == nil || pre.Timing == nil || pre.Timing.Runs != 5 || string(pre.Output) != `{"decision":"allow","metadata":{"resource":"ok"}}` {
		t.Fatalf("%+v", pre)
	}
	if got := strings.Join(rec.phases, ","); got != "compile,manifest,evaluate_pre_dispatch,evaluate_post_dispatch" {
		t.Errorf("phases %s", got)
	}
}

// TestCanceledContext: a run whose context ends stops promptly with the context's error.
func TestCanceledContext(t *testing.T) {
	plan, limits := planFromArgs(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, readTestdata(t, "spin.wasm"), testDesc(t), plan, limits, Options{}, &recorder{})
	if err == nil {
		t.Fatal("no error")
	}
}

func TestParseLimits(t *testing.T) {
	for in, want := range map[string]Limits{
		``:                                      DefaultLimits(),
		`{}`:                                    DefaultLimits(),
		`{"fuel": 100000000000}`:                {MemoryMB: 64, Fuel: 100_000_000_000, TimeoutMS: 100},
		`{"memory_mb": 128, "fuel": null}`:      {MemoryMB: 128, Fuel: 10_000_000, TimeoutMS: 100},
		"memory_mb: 1 # small\ntimeout_ms: 5\n": {MemoryMB: 1, Fuel: 10_000_000, TimeoutMS: 5},
		"---\nfuel: 0\n":                        {MemoryMB: 64, Fuel: 0, TimeoutMS: 100},
		"{memory_mb: 32, timeout_ms: ~}":        {MemoryMB: 32, Fuel: 10_000_000, TimeoutMS: 100},
		`{"memory_mb": 4294967295}`:             {MemoryMB: 1<<32 - 1, Fuel: 10_000_000, TimeoutMS: 100},
	} {
		got, err := ParseLimits([]byte(in))
		if err != nil || got != want {
			t.Errorf("%q: got %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{`{"memory": 1}`, `{"fuel": -1}`, `{"fuel": 1.5}`, `{"memory_mb": 4294967296}`, `{"fuel": "1"}`,
		`[1]`, `{"fuel": 1} x`, "fuel: ten", "fuel: 1_000", "limits:\n  fuel: 1", "fuel: 1\nfuel: 2", "fuel 1"} {
		if _, err := ParseLimits([]byte(in)); err == nil {
			t.Errorf("%q: accepted", in)
		}
	}
}
