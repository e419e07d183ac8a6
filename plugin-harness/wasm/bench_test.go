package wasm

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkGateCall measures one evaluate_pre_dispatch of the Rust gate fixture as the gateway
// makes it: a fresh instance, the call, the decision. Loading (compilation) is outside the loop.
// Needs MCPG_WASM_FIXTURES. go test -bench GateCall -run '^$' ./wasm/
func BenchmarkGateCall(b *testing.B) {
	dir := os.Getenv("MCPG_WASM_FIXTURES")
	if dir == "" {
		b.Skip("needs MCPG_WASM_FIXTURES (scripts/build-wasm-fixtures)")
	}
	for _, e := range []Engine{EngineCompiler, EngineInterpreter} {
		b.Run(e.String(), func(b *testing.B) {
			wasm, desc := readPackage(b, filepath.Join(dir, "gate", "package.zip"))
			plan, limits := planFromArgs(b, nil)
			plan.Repeat = b.N
			rec := &recorder{}
			b.ResetTimer()
			if _, err := Run(context.Background(), wasm, desc, plan, limits, Options{Engine: e}, rec); err != nil {
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
