//go:build linux && (amd64 || arm64)

package native

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ebitengine/purego"
)

// fixturePath builds the C fixture (or takes $MCPG_BENCH_PLUGIN, e.g. the Rust fixture).
func fixturePath(b *testing.B) string {
	if p := os.Getenv("MCPG_BENCH_PLUGIN"); p != "" {
		return p
	}
	cc := cCompiler(b)
	src, _ := filepath.Abs("../testdata/fixture/fixture.c")
	out := filepath.Join(b.TempDir(), "plugin.so")
	cmd := exec.Command(cc, "-shared", "-fPIC", "-O2", "-o", out, src)
	cmd.Dir = filepath.Dir(src)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", cc, err, msg)
	}
	return out
}

type quiet struct{}

func (quiet) Phase(string)     {}
func (quiet) Call(*Call)       {}
func (quiet) Abandoned(string) {}

// openGate loads the fixture and makes its tool_gate with config "{}".
func openGate(b *testing.B, path string) (*Library, *instance) {
	lib, err := Open(path, func(string) {})
	if err != nil {
		b.Fatal(err)
	}
	inst := lib.entity(0, "tool_gate")
	theHost.alloc = lib.alloc
	if !inst.make("{}", quiet{}) {
		b.Fatal("make returned null")
	}
	return lib, inst
}

// BenchmarkLoad is the gateway's load: dlopen + register + make, then drop (the target:
// < 1 ms; the gateway measures 686 µs). Each iteration dlcloses the library, so the next dlopen
// maps, relocates and initialises it again, from the page cache as a gateway loading a package it
// has just verified does. BenchmarkReload keeps it open: a second dlopen of a loaded path.
func BenchmarkLoad(b *testing.B) { benchmarkLoad(b, true) }

func BenchmarkReload(b *testing.B) { benchmarkLoad(b, false) }

func benchmarkLoad(b *testing.B, unload bool) {
	path := fixturePath(b)
	for b.Loop() {
		lib, inst := openGate(b, path)
		inst.drop(quiet{})
		lib.Close()
		if unload {
			if err := purego.Dlclose(lib.handle); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkEvaluatePreDispatch is one call in the worker, including building the context, the
// call, decoding and freeing the decision and its JSON marshalling (target: < 3 µs; the gateway
// measures 1.69 µs inline, 34 µs ferried).
func BenchmarkEvaluatePreDispatch(b *testing.B) {
	_, inst := openGate(b, fixturePath(b))
	p := &Plan{Context: benchContext(), Arguments: `{"name":"bob"}`, Config: "{}", Result: "null", Repeat: 1}
	_, do := inst.evaluatePre(p)
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		if o := do(); len(o.violations) > 0 {
			b.Fatal(o.violations)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "median-ns/call")
}

func benchContext() Context {
	subject, provider := "tester@example.com", "mcpg-plugin-test"
	return Context{RequestID: "mcpg-plugin-test", ToolName: "test.tool", Surface: "tool", Transport: "http",
		Identity: Identity{Kind: "verified", TrustLevel: "verified", SubjectID: &subject, AuthProvider: &provider}}
}

// BenchmarkPlanSlot is one planned call per kind group (plans.go), in the worker as --repeat times
// it: encoding the argument with the plugin's allocator, the call, reading, judging and dropping
// the answer, and its JSON marshalling — next to BenchmarkEvaluatePreDispatch.
func BenchmarkPlanSlot(b *testing.B) {
	for _, c := range []struct{ kind, slot string }{
		{"audit_sink", "emit"}, {"log_sink", "emit"}, {"secret_provider", "get"}, {"store", "get"}, {"cache", "delete"},
	} {
		b.Run(c.kind+"."+c.slot, func(b *testing.B) {
			lib, err := Open(kindsFixturePath(b), func(string) {})
			if err != nil {
				b.Fatal(err)
			}
			idx := slices.IndexFunc(lib.Reg.Entities, func(e Entity) bool { return e.Kind == c.kind })
			if idx < 0 {
				b.Fatalf("the fixture exports no %s", c.kind)
			}
			inst := lib.entity(idx, c.kind)
			theHost.alloc = lib.alloc
			if !inst.make("{}", quiet{}) {
				b.Fatal("make returned null")
			}
			k := Kind(c.kind)
			var input PlannedCall
			for _, pc := range k.Default {
				if pc.Slot == c.slot {
					input = pc
				}
			}
			_, do := inst.planned(k.Slot(c.slot), input.Input)(&Plan{})
			var times []time.Duration
			for b.Loop() {
				start := time.Now()
				if o := do(); len(o.violations) > 0 || o.panicked {
					b.Fatal(o.violations)
				}
				times = append(times, time.Since(start))
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "median-ns/call")
		})
	}
}

// kindsFixturePath builds the C fixture with the kinds of kinds.c (or takes $MCPG_BENCH_KINDS_PLUGIN).
func kindsFixturePath(b *testing.B) string {
	if p := os.Getenv("MCPG_BENCH_KINDS_PLUGIN"); p != "" {
		return p
	}
	src, _ := filepath.Abs("../testdata/fixture/fixture.c")
	out := filepath.Join(b.TempDir(), "kinds.so")
	cmd := exec.Command(cCompiler(b), "-shared", "-fPIC", "-O2", "-DWITH_KINDS", "-o", out, src)
	cmd.Dir = filepath.Dir(src)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%v\n%s", err, msg)
	}
	return out
}
