package wasm

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkGateCall measures one evaluate_pre_dispatch as the gateway makes it — a fresh instance,
// the call, the decision — of the Rust gate fixture and the componentize-js one (12 MB, about
// 1.6 M fuel a call), on each engine: with fuel metered (the harness as it runs), unmetered with
// wazero's context checks (the harness before fuel was metered) and unmetered without them
// (wazero's own speed, what metering costs). Loading (compilation) is outside the loop; the JS guest's code is
// kept in the same cache as the oracle tests'. Needs MCPG_WASM_FIXTURES.
// go test -bench GateCall -run '^$' ./wasm/
func BenchmarkGateCall(b *testing.B) {
	dir := os.Getenv("MCPG_WASM_FIXTURES")
	if dir == "" {
		b.Skip("needs MCPG_WASM_FIXTURES (scripts/build-wasm-fixtures)")
	}
	cache := ""
	if root, err := filepath.Abs("../.."); err == nil {
		cache = filepath.Join(root, ".tools", "wazero-test-cache")
	}
	for _, fixture := range []string{"gate", "js-gate"} {
		for _, e := range []Engine{EngineCompiler, EngineInterpreter} {
			for _, mode := range []int{benchOff, benchGuarded, benchBare} {
				name := fixture + "/" + e.String() + "/" + []string{"metered", "unmetered-guarded", "unmetered-bare"}[mode]
				b.Run(name, func(b *testing.B) {
					wasm, desc := readPackage(b, filepath.Join(dir, fixture, "package.zip"))
					plan, limits := planFromArgs(b, nil)
					plan.Repeat = b.N
					rec := &recorder{}
					benchMode = mode
					defer func() { benchMode = benchOff }()
					b.ResetTimer()
					if _, err := Run(context.Background(), wasm, desc, plan, limits, Options{Engine: e, CacheDir: cache}, rec); err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					for _, c := range rec.calls {
						if c.Slot == "evaluate_pre_dispatch" && c.Timing != nil {
							b.ReportMetric(float64(c.Timing.MedianNS), "median-ns/call")
						}
					}
				})
			}
		}
	}
}

// BenchmarkWarmRun measures a whole Run of the componentize-js gate — load, manifest, one call a
// slot — with its compiled code in the cache: what a warm `test` spends inside the worker.
// go test -bench WarmRun -run '^$' ./wasm/
func BenchmarkWarmRun(b *testing.B) {
	dir := os.Getenv("MCPG_WASM_FIXTURES")
	if dir == "" {
		b.Skip("needs MCPG_WASM_FIXTURES (scripts/build-wasm-fixtures)")
	}
	cache := b.TempDir()
	wasm, desc := readPackage(b, filepath.Join(dir, "js-gate", "package.zip"))
	plan, limits := planFromArgs(b, nil)
	opts := Options{Engine: EngineCompiler, CacheDir: cache}
	if _, err := Run(context.Background(), wasm, desc, plan, limits, opts, &recorder{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Run(context.Background(), wasm, desc, plan, limits, opts, &recorder{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInterpretedRun measures a whole Run of the componentize-js gate on the interpreter,
// which a cold `test` reports from.
// go test -bench InterpretedRun -run '^$' ./wasm/
func BenchmarkInterpretedRun(b *testing.B) {
	dir := os.Getenv("MCPG_WASM_FIXTURES")
	if dir == "" {
		b.Skip("needs MCPG_WASM_FIXTURES (scripts/build-wasm-fixtures)")
	}
	fixture := os.Getenv("BENCH_FIXTURE")
	if fixture == "" {
		fixture = "js-gate"
	}
	wasm, desc := readPackage(b, filepath.Join(dir, fixture, "package.zip"))
	plan, limits := planFromArgs(b, nil)
	opts := Options{Engine: EngineInterpreter}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Run(context.Background(), wasm, desc, plan, limits, opts, &recorder{}); err != nil {
			b.Fatal(err)
		}
	}
}
