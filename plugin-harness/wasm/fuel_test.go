package wasm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/component"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/wasip2"
)

// fuelOracle is testdata/fuel.oracle.json: Wasmtime 44's fuel on the core modules fuel*.wasm
// (testdata/fuel-oracle.py).
type fuelOracle struct {
	Cases []struct {
		Module, Export string
		Args           []int32
		Large, Zero    fuelOutcome
		Huge           *fuelOutcome
		Threshold      *uint64
		AtThreshold    *fuelOutcome `json:"at_threshold"`
		BelowThreshold *fuelOutcome `json:"below_threshold"`
	}
}

type fuelOutcome struct {
	Status        string // ok, trap
	Result        *int32
	Error, Trap   string
	Instantiating bool
	FuelUsed      uint64 `json:"fuel_used"`
}

func (o fuelOutcome) String() string {
	if o.Status == "ok" {
		return fmt.Sprintf("ok %d, fuel used %d", *o.Result, o.FuelUsed)
	}
	return fmt.Sprintf("%s (instantiating: %v), fuel used %d:\n%s", o.Trap, o.Instantiating, o.FuelUsed, o.Error)
}

// coreProgram loads a core module as the harness loads a component's: after a module that
// exports the immutable i32 global "base" (2), with its imports env.host (a host function that
// does nothing) and env.base wired by position, markers, helpers and metering added.
func coreProgram(t *testing.T, engine Engine, wasm []byte) *program {
	t.Helper()
	ctx := context.Background()
	limits := DefaultLimits()
	engine = engine.resolve()
	rt, err := newRuntime(ctx, limits, engine, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(ctx) })
	p := newProgram(rt, engine, nil, limits)
	p.hostFns = []*hostFn{{field: "0", what: "env.host", bind: func(*callState) api.GoFunction {
		return api.GoFunc(func(context.Context, []uint64) {})
	}}}
	provider := []byte("\x00asm\x01\x00\x00\x00")
	provider = append(provider, 6, 6, 1, 0x7f, 0x00, 0x41, 0x02, 0x0b)   // global i32 = 2
	provider = append(provider, 7, 8, 1, 4, 'b', 'a', 's', 'e', 0x03, 0) // export "base"
	var args []arg
	for _, imp := range readImportsOf(t, wasm) {
		if imp.name == "host" {
			args = append(args, arg{kind: argHost, name: "0"})
		} else {
			args = append(args, arg{kind: argExport, inst: 0, name: "base"})
		}
	}
	instances := []*component.CoreInstance{{Module: &component.Module{Bytes: provider}}, {Index: 1, Module: &component.Module{Index: 1, Bytes: wasm}}}
	if err := p.compile(ctx, instances, [][]arg{nil, args}, nil); err != nil {
		t.Fatal(err)
	}
	return p
}

func readImportsOf(t *testing.T, m []byte) []importEntry {
	secs, err := sections(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secs {
		if s.id == 2 {
			imps, err := readImports(s.contents)
			if err != nil {
				t.Fatal(err)
			}
			return imps
		}
	}
	return nil
}

// callCore instantiates p with budget and calls export, as a Wasm call of the harness is made.
func callCore(t *testing.T, p *program, budget uint64, export string, args []int32) fuelOutcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p.budget = budget
	st, err := p.instantiate(ctx, wasip2.Config{})
	defer st.close()
	out := fuelOutcome{Status: "trap", Instantiating: err != nil}
	if err == nil {
		params := make([]uint64, len(args))
		for i, a := range args {
			params[i] = api.EncodeI32(a)
		}
		var res []uint64
		if res, err = st.mods[1].ExportedFunction(export).Call(ctx, params...); err == nil {
			out.Status = "ok"
			r := api.DecodeI32(res[0])
			out.Result = &r
		}
	}
	if err != nil {
		f := p.classify(err, nil)
		out.Trap, out.Error = f.root, f.text
		if f.kind == kindTrap && !strings.HasPrefix(f.text, "error while executing") {
			out.Error = ""
		}
	}
	out.FuelUsed = st.fuel.used()
	return out
}

func sameOutcome(got, want fuelOutcome) bool {
	if got.Status != want.Status || got.FuelUsed != want.FuelUsed {
		return false
	}
	if got.Status == "ok" {
		return *got.Result == *want.Result
	}
	return got.Trap == want.Trap && got.Error == want.Error && got.Instantiating == want.Instantiating
}

// TestFuelMatchesWasmtime: on every case of fuel.oracle.json the harness's metering gives
// Wasmtime's outcome — the result or the trap with its backtrace, and the fuel the store reports
// — with a large budget, with none, with the largest, at the smallest budget that lets the call
// finish and one below it; on both engines.
func TestFuelMatchesWasmtime(t *testing.T) {
	var oracle fuelOracle
	if err := json.Unmarshal(readTestdata(t, "fuel.oracle.json"), &oracle); err != nil {
		t.Fatal(err)
	}
	if len(oracle.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, e := range []Engine{EngineCompiler, EngineInterpreter} {
		t.Run(e.String(), func(t *testing.T) {
			programs := map[string]*program{}
			for _, c := range oracle.Cases {
				p := programs[c.Module]
				if p == nil {
					p = coreProgram(t, e, readTestdata(t, c.Module))
					programs[c.Module] = p
				}
				name := fmt.Sprintf("%s/%s%v", c.Module, c.Export, c.Args)
				check := func(what string, budget uint64, want fuelOutcome) {
					if got := callCore(t, p, budget, c.Export, c.Args); !sameOutcome(got, want) {
						t.Errorf("%s with %s (%d):\n got  %s\n want %s", name, what, budget, got, want)
					}
				}
				check("a large budget", 10_000_000, c.Large)
				check("no fuel", 0, c.Zero)
				if c.Huge != nil {
					check("the largest budget", math.MaxUint64, *c.Huge)
				}
				if c.Threshold != nil {
					check("the smallest budget that suffices", *c.Threshold, *c.AtThreshold)
					check("one less", *c.Threshold-1, *c.BelowThreshold)
				}
			}
		})
	}
}

// FuzzMeterFuel: metering never panics on hostile input, and a module wazero accepts is still
// accepted once markers are added and it is metered (as compile does it).
func FuzzMeterFuel(f *testing.F) {
	for _, name := range []string{"fuel.wasm", "fuel-start.wasm", "core-gate.wasm"} {
		f.Add(readTestdata(f, name))
	}
	for _, name := range []string{"sites.wasm", "resources.wasm", "spin.wasm"} {
		for _, m := range coreModulesOf(f, name) {
			f.Add(m)
		}
	}
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter().
		WithCoreFeatures(api.CoreFeaturesV2|experimental.CoreFeaturesTailCall|experimental.CoreFeaturesExtendedConst))
	fuel, err := r.CompileModule(ctx, fuelModule())
	if err != nil {
		f.Fatal(err)
	}
	if _, err := r.InstantiateModule(ctx, fuel, wazero.NewModuleConfig().WithName(fuelModuleName)); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, m []byte) {
		ix := indexCode(m)
		marked, marks, err := addMarkers(m, ix)
		if err != nil {
			return
		}
		out, err := meterFuel(marked, fuelOrigin{code: ix, marks: marks})
		if err != nil || checkBounds(m) != nil {
			return // wazero would allocate by the module's hostile counts
		}
		if cm, err := r.CompileModule(ctx, m); err == nil {
			cm.Close(ctx)
			cm2, err := r.CompileModule(ctx, out)
			if err != nil {
				t.Fatalf("valid module made invalid by metering: %v", err)
			}
			cm2.Close(ctx)
		}
	})
}

// TestMeterFuelRefuses: what metering cannot read is an error, never a module run unmetered.
func TestMeterFuelRefuses(t *testing.T) {
	valid := readTestdata(t, "fuel-start.wasm")
	ix := indexCode(valid)
	if _, err := meterFuel(valid, fuelOrigin{code: ix}); err != nil {
		t.Fatalf("fuel-start.wasm: %v", err)
	}
	// A body with an atomic instruction (threads: wazero runs none here), an unknown opcode, and
	// one cut short.
	for _, body := range [][]byte{{0x00, 0xfe, 0x03, 0x00, 0x0b}, {0x00, 0xff, 0x0b}, {0x00, 0x02, 0x40, 0x0b}} {
		m := []byte("\x00asm\x01\x00\x00\x00")
		m = append(m, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0)
		m = append(m, 10, byte(len(body)+2), 1, byte(len(body)))
		m = append(m, body...)
		if _, err := meterFuel(m, fuelOrigin{code: indexCode(m)}); err == nil {
			t.Errorf("body %x: metered", body)
		}
	}
}

// TestFuelOracleIsCurrent: testdata/fuel.oracle.json is what Wasmtime 44 answers today for
// fuel*.wasm (the recorded answers TestFuelMatchesWasmtime holds the harness to). It runs
// wherever the oracle does: scripts/test's full runs.
func TestFuelOracleIsCurrent(t *testing.T) {
	env := newOracleEnv(t) // skips without the Wasm fixtures and the oracle
	version := exec.Command("python3", filepath.Join(env.root, "scripts", "wasm-oracle"), "version")
	if out, err := version.CombinedOutput(); err != nil { // makes the oracle's virtualenv on first use
		t.Fatalf("scripts/wasm-oracle version: %v\n%s", err, out)
	}
	python := filepath.Join(env.root, ".tools", "wasm-oracle-venv", "bin", "python")
	cmd := exec.Command(python, filepath.Join("testdata", "fuel-oracle.py"), "testdata")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("testdata/fuel-oracle.py: %v\n%s", err, stderr.String())
	}
	var gotV, wantV any
	if err := json.Unmarshal(got, &gotV); err != nil {
		t.Fatalf("testdata/fuel-oracle.py printed no JSON: %v", err)
	}
	if err := json.Unmarshal(readTestdata(t, "fuel.oracle.json"), &wantV); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotV, wantV) {
		t.Errorf("testdata/fuel.oracle.json is not what Wasmtime 44 answers now: run testdata/gen.sh and look at the difference")
	}
}
