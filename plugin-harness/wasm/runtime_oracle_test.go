package wasm

// The runtime held to the oracle: every case of oracleCases (oracle_test.go, which pins what
// Wasmtime 44 decides for every fixture) is run through Run, and its load verdict, manifest and
// decisions must equal the oracle's report.
//
// The fuel every call used must be Wasmtime's too, to the unit (compareFuel).
//
// Normalisations, each because the harness cannot know what Wasmtime knows, never because it
// decides differently:
//   - a call Wasmtime stopped by the epoch deadline (failure kind deadline) is stopped here by
//     the guard: the decision is the same, but its message ends after "error while executing at
//     wasm backtrace:" — the frames of Wasmtime's interrupt are not reproduced;
//   - when the oracle ran without serde-json-echo ("serde": "approximate"), it words serde_json's
//     errors itself; then a "wasm transform returned invalid JSON: …" message is compared up to
//     the colon (the harness's own serde_json port words it exactly).

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/native"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/serdejson"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/cabi"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
)

var engineFlag = flag.String("wasm-engine", "", "run the oracle comparison on this engine only (compiler, interpreter)")

// recorder keeps the calls a run reports.
type recorder struct {
	phases []string
	calls  []*native.Call
}

func (r *recorder) Phase(p string)      { r.phases = append(r.phases, p) }
func (r *recorder) Call(c *native.Call) { r.calls = append(r.calls, c) }
func (r *recorder) Abandoned(string)    {}

// fixtureRun is what Run made of one fixture, in the oracle report's shape.
type fixtureRun struct {
	outcome *Outcome
	err     error
	calls   []*native.Call
}

func readPackage(t testing.TB, path string) ([]byte, *descriptor.Descriptor) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var wasm, yaml []byte
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		switch f.Name {
		case "plugin.wasm":
			wasm = b
		case "plugin.yaml":
			yaml = b
		}
	}
	d, err := descriptor.Parse(yaml)
	if err != nil {
		t.Fatalf("%s: plugin.yaml: %v", path, err)
	}
	return wasm, d
}

// planFromArgs reads the oracle's flags as plugin-harness test reads them (inputs.go).
func planFromArgs(t testing.TB, args []string) (*native.Plan, Limits) {
	t.Helper()
	subject, provider := "tester@example.com", "mcpg-plugin-test"
	p := &native.Plan{Context: native.Context{RequestID: "mcpg-plugin-test", ToolName: "test.tool", Surface: "tool", Transport: "http",
		Identity: native.Identity{Kind: "verified", TrustLevel: "verified", SubjectID: &subject, AuthProvider: &provider}},
		Arguments: "{}", Config: "{}", Result: "null", DurationMS: 1, Repeat: 1}
	limits := DefaultLimits()
	reencode := func(flag, v string) string {
		out, err := serdejson.Reencode(v)
		if err != nil {
			t.Fatalf("%s %s: %v", flag, v, err)
		}
		return string(out)
	}
	var tool string
	headersSet := false
	for i := 0; i+1 < len(args); i += 2 {
		v := args[i+1]
		switch args[i] {
		case "--tool":
			tool = v
		case "--arguments":
			p.Arguments = reencode(args[i], v)
		case "--config":
			p.Config = reencode(args[i], v)
		case "--result":
			p.Result = reencode(args[i], v)
		case "--meta":
			m := reencode(args[i], v)
			p.Meta = &m
		case "--execution-duration-ms":
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			p.DurationMS = n
		case "--context":
			var c native.Context
			c.Surface = "tool"
			if err := json.Unmarshal([]byte(v), &c); err != nil {
				t.Fatal(err)
			}
			p.Context = c
		case "--headers":
			headersSet = true
			var pairs [][2]string
			if json.Unmarshal([]byte(v), &pairs) == nil {
				p.Headers = pairs
				break
			}
			var obj map[string]string
			if err := json.Unmarshal([]byte(v), &obj); err != nil {
				t.Fatal(err)
			}
			for _, k := range slices.Sorted(maps.Keys(obj)) {
				p.Headers = append(p.Headers, [2]string{k, obj[k]})
			}
		case "--limits":
			l, err := ParseLimits([]byte(v))
			if err != nil {
				t.Fatal(err)
			}
			limits = l
		default:
			t.Fatalf("planFromArgs: unknown flag %s", args[i])
		}
	}
	if tool != "" {
		p.Context.ToolName = tool
	}
	if !headersSet {
		id := p.Context.Identity
		if id.SubjectID != nil {
			p.Headers = append(p.Headers, [2]string{"X-Mcpg-Test-Subject", *id.SubjectID})
		}
		if id.AuthProvider != nil {
			p.Headers = append(p.Headers, [2]string{"X-Mcpg-Test-AuthProvider", *id.AuthProvider})
		}
		for _, k := range slices.Sorted(maps.Keys(id.Attributes)) {
			p.Headers = append(p.Headers, [2]string{"X-Mcpg-Attr-" + k, id.Attributes[k]})
		}
	}
	return p, limits
}

func runFixture(t *testing.T, pkg string, args []string, opts Options) *fixtureRun {
	t.Helper()
	wasm, desc := readPackage(t, pkg)
	plan, limits := planFromArgs(t, args)
	rec := &recorder{}
	out, err := Run(context.Background(), wasm, desc, plan, limits, opts, rec)
	return &fixtureRun{outcome: out, err: err, calls: rec.calls}
}

func (f *fixtureRun) call(slot string) *native.Call {
	for _, c := range f.calls {
		if c.Slot == slot {
			return c
		}
	}
	return nil
}

// compareWithOracle checks a run against the oracle's report of the same fixture and inputs.
func compareWithOracle(t *testing.T, want *oracleReport, got *fixtureRun) {
	t.Helper()
	refusal, _ := got.err.(*Refusal)
	if got.err != nil && refusal == nil {
		t.Fatalf("the harness failed: %v", got.err)
	}
	switch want.Status {
	case "refused":
		if refusal == nil {
			t.Fatalf("the oracle refused the plugin at %s (%q); the harness loaded it", want.Load.Stage, want.Load.ErrorChain)
		}
		if refusal.Stage != want.Load.Stage || strings.Join(refusal.Chain, "\n") != strings.Join(want.Load.ErrorChain, "\n") {
			t.Errorf("refusal:\n got  %s %q\n want %s %q", refusal.Stage, refusal.Chain, want.Load.Stage, want.Load.ErrorChain)
		}
	case "loaded":
		if refusal != nil {
			t.Fatalf("the oracle loaded the plugin; the harness refused it at %s: %q (%s)", refusal.Stage, refusal.Chain, refusal.Detail)
		}
	}
	if want.Manifest != nil {
		m := got.outcome.Manifest
		if m == nil {
			t.Fatalf("no manifest; the oracle read %v", want.Manifest)
		}
		gotM := map[string]string{"id": m.ID, "version": m.Version, "name": m.Name, "plugin_class": m.PluginClass, "protocol_version": m.ProtocolVersion}
		if !maps.Equal(gotM, want.Manifest) {
			t.Errorf("manifest:\n got  %v\n want %v", gotM, want.Manifest)
		}
	}
	for _, wc := range want.Calls {
		gc := got.call(wc.Slot)
		if wc.Slot != "manifest" && gc == nil {
			t.Errorf("%s: the harness made no such call", wc.Slot)
			continue
		}
		if gc != nil {
			compareFuel(t, wc, gc)
		}
		if wc.Slot != "manifest" {
			compareDecision(t, wc, gc, want.Serde == "serde_json")
		}
	}
	if want.Status == "loaded" {
		for _, gc := range got.calls {
			if gc.Slot != "manifest" && !slices.ContainsFunc(want.Calls, func(c oracleCall) bool { return c.Slot == gc.Slot }) {
				t.Errorf("%s: the harness made a call the oracle did not", gc.Slot)
			}
		}
	}
}

// compareFuel: the fuel a call used is Wasmtime's, to the unit, whenever Wasmtime's count is
// exact (it is not after its epoch deadline fired, nor after a backstop timeout) and the guest
// stopped where it stops on Wasmtime (a deep recursion runs out of wazero's stack, or memory,
// elsewhere: doc.go).
func compareFuel(t *testing.T, want oracleCall, got *native.Call) {
	t.Helper()
	if want.FuelUsed == nil || (want.Failure != nil && (oracleWallClockKinds[want.Failure.Kind] ||
		want.Failure.RootCause == "wasm trap: call stack exhausted")) {
		return
	}
	if got.FuelUsed == nil {
		t.Errorf("%s: the harness reports no fuel used; Wasmtime used %d", want.Slot, *want.FuelUsed)
		return
	}
	if *got.FuelUsed != *want.FuelUsed {
		t.Errorf("%s: fuel used %d, Wasmtime's %d (%+d)", want.Slot, *got.FuelUsed, *want.FuelUsed, int64(*got.FuelUsed)-int64(*want.FuelUsed))
	}
}

func compareDecision(t *testing.T, want oracleCall, got *native.Call, exactSerde bool) {
	t.Helper()
	w, g := canonical(t, want.Output), canonical(t, got.Output)
	if w == g {
		return
	}
	var wd, gd map[string]any
	_ = json.Unmarshal([]byte(w), &wd)
	_ = json.Unmarshal([]byte(g), &gd)
	wm, _ := wd["message"].(string)
	gm, _ := gd["message"].(string)
	const head = "error while executing at wasm backtrace:"
	if want.Failure != nil && want.Failure.Kind == "deadline" {
		// The guard stopped it here: compare up to the backtrace's header.
		if i := strings.Index(wm, head); i >= 0 && gm == wm[:i+len(head)] {
			wd["message"], gd["message"] = nil, nil
			if canonical(t, mustJSON(wd)) == canonical(t, mustJSON(gd)) {
				return
			}
		}
	}
	const badJSON = "wasm transform returned invalid JSON: "
	if !exactSerde && strings.HasPrefix(wm, badJSON) && strings.HasPrefix(gm, badJSON) {
		return
	}
	t.Errorf("%s:\n got  %s\n want %s%s", want.Slot, g, w, failureHint(want, got))
}

func failureHint(want oracleCall, got *native.Call) string {
	var b strings.Builder
	if want.Failure != nil {
		fmt.Fprintf(&b, "\n oracle failure: %s: %s", want.Failure.Kind, want.Failure.RootCause)
	}
	for _, v := range got.Violations {
		fmt.Fprintf(&b, "\n harness: %s", v)
	}
	for _, v := range got.Warnings {
		fmt.Fprintf(&b, "\n harness warning: %s", v)
	}
	return b.String()
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

func canonical(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	if len(raw) == 0 {
		return "null"
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, raw)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func engines() []Engine {
	switch *engineFlag {
	case "compiler":
		return []Engine{EngineCompiler}
	case "interpreter":
		return []Engine{EngineInterpreter}
	}
	return []Engine{EngineCompiler, EngineInterpreter}
}

// TestRuntimeMatchesOracle runs every oracle case through Run, on each engine.
func TestRuntimeMatchesOracle(t *testing.T) {
	env := newOracleEnv(t)
	interpreted := map[string]bool{}
	for _, c := range oracleCases() {
		// The JavaScript and Python guests (12–18 MB, a million instructions a call) run their
		// cases side by side, and on the interpreter only in each fixture's first case: it
		// compiles them afresh every run, and what it decides is pinned by the Rust and WAT
		// fixtures' cases on both engines.
		guestToolchain := strings.HasPrefix(c.fixture, "js-") || strings.HasPrefix(c.fixture, "py-")
		interpret := !guestToolchain || !interpreted[c.fixture]
		interpreted[c.fixture] = true
		t.Run(c.name, func(t *testing.T) {
			if c.skip != nil {
				if why := c.skip(); why != "" {
					t.Skip(why)
				}
			}
			if guestToolchain {
				t.Parallel()
			}
			want := env.run(t, c.fixture, c.wallClock, c.args...)
			for _, e := range engines() {
				if e == EngineInterpreter && !interpret {
					continue
				}
				t.Run(e.String(), func(t *testing.T) {
					// A guest Wasmtime stopped by its deadline is stopped by the guard here; a short one
					// keeps the test fast. The others get the default.
					// wazero's compiled code is kept between runs (as plugin-harness test keeps it
					// under the user cache dir): the 12–18 MB JavaScript and Python guests would
					// otherwise be compiled again for every case.
					opts := Options{Engine: e, CacheDir: filepath.Join(env.root, ".tools", "wazero-test-cache")}
					for _, c := range want.Calls {
						if c.Failure != nil && c.Failure.Kind == "deadline" {
							opts.Guard = 300 * time.Millisecond
						}
					}
					got := runFixture(t, filepath.Join(env.fixtures, c.fixture, "package.zip"), c.args, opts)
					compareWithOracle(t, want, got)
				})
			}
		})
	}
}

// TestFixtureStdoutIsKept: what a trapping Rust guest writes to stderr (the panic message) is
// kept for the report, though the gateway discards it.
func TestFixtureStdoutIsKept(t *testing.T) {
	env := newOracleEnv(t)
	got := runFixture(t, filepath.Join(env.fixtures, "gate-trap", "package.zip"), nil, Options{})
	if got.err != nil {
		t.Fatal(got.err)
	}
	var stderr bytes.Buffer
	for _, o := range got.outcome.Output {
		stderr.WriteString(o.Stderr)
	}
	if !strings.Contains(stderr.String(), "panicked") {
		t.Errorf("stderr %q, want the guest's panic message", stderr.String())
	}
}

// TestFuelBoundary: a call given exactly the fuel it needs passes, one less runs out, on the
// gateway and here. The harness finds the smallest budget with which evaluate_pre_dispatch of the
// Rust and JavaScript gates finishes (loading each once and calling it with budget after budget);
// the oracle is asked about that budget and the one below it, and the harness must decide both as
// it does. (The smallest budget is not the fuel the call uses: Wasmtime checks fuel only on
// entering a function and at loop headers, so a call may end a little past its budget.)
func TestFuelBoundary(t *testing.T) {
	env := newOracleEnv(t)
	for _, fixture := range []string{"gate", "js-gate"} {
		t.Run(fixture, func(t *testing.T) {
			pkg := filepath.Join(env.fixtures, fixture, "package.zip")
			need := fuelNeeded(t, pkg, Options{Engine: EngineCompiler, CacheDir: filepath.Join(env.root, ".tools", "wazero-test-cache")})
			for _, budget := range []uint64{need, need - 1} {
				args := []string{"--limits", fmt.Sprintf(`{"fuel": %d}`, budget)}
				want := env.run(t, fixture, false, args...)
				c := want.call(t, "evaluate_pre_dispatch")
				if ok := c.Failure == nil; ok != (budget == need) {
					t.Fatalf("with %d fuel the oracle's evaluate_pre_dispatch failed: %v, want %v (%+v)", budget, !ok, budget != need, c.Failure)
				}
				if budget != need && c.Failure.Kind != "out_of_fuel" {
					t.Errorf("with %d fuel: %+v", budget, c.Failure)
				}
				for _, e := range engines() {
					if e == EngineInterpreter && fixture != "gate" {
						continue // the interpreter compiles the 12 MB guest afresh each run; the Rust gate pins it
					}
					got := runFixture(t, pkg, args, Options{Engine: e, CacheDir: filepath.Join(env.root, ".tools", "wazero-test-cache")})
					compareWithOracle(t, want, got)
				}
			}
		})
	}
}

// fuelNeeded is the smallest budget with which evaluate_pre_dispatch of the gate in pkg finishes.
func fuelNeeded(t *testing.T, pkg string, opts Options) uint64 {
	t.Helper()
	ctx := context.Background()
	wasm, desc := readPackage(t, pkg)
	plan, limits := planFromArgs(t, nil)
	cache, _ := openRunCache(wasm, limits, opts, false)
	engine := opts.Engine.resolve()
	rt, err := newRuntime(ctx, limits, engine, cache.wazeroDir(engine))
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	world, _ := cabi.WorldForClass(desc.Class)
	p, err := loadComponent(ctx, rt, engine, wasm, world, limits, cache.preparedProgram())
	if err != nil {
		t.Fatal(err)
	}
	cache.loaded(p, engine)
	r := &runner{p: p, out: &Outcome{}, limits: limits, opts: opts, world: world, events: &recorder{}, plan: plan}
	s := classSlots[desc.Class][0]
	_, lower := r.inputs(s)
	call := func(budget uint64) attempt {
		p.budget = budget
		return r.callOnce(ctx, s.export, lower, liftFor(s.slot))
	}
	a := call(limits.Fuel)
	if a.fail != nil {
		t.Fatalf("%s with %d fuel: %s", s.slot, limits.Fuel, a.fail.root)
	}
	lo, hi := uint64(0), a.fuel+1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if a := call(mid); a.fail == nil {
			hi = mid
		} else if a.fail.kind != kindFuel {
			t.Fatalf("%s with %d fuel: %s", s.slot, mid, a.fail.root)
		} else {
			lo = mid + 1
		}
	}
	t.Logf("%s: %s uses %d fuel and needs a budget of %d", filepath.Base(filepath.Dir(pkg)), s.slot, a.fuel, lo)
	return lo
}
