//go:build linux && (amd64 || arm64)

package native

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
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
		{"backend", "execute"}, {"cluster", "kv_get"}, {"http_route", "handle"},
	} {
		b.Run(c.kind+"."+c.slot, func(b *testing.B) {
			inst := openKind(b, c.kind)
			_, do := inst.planned(inst.spec.Slot(c.slot), defaultInput(b, c.kind, c.slot))(&Plan{})
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

// openKind makes the kinds fixture's entity of kind with config "{}", as Drive does.
func openKind(b *testing.B, kind string) *instance {
	lib, err := Open(kindsFixturePath(b), func(string) {})
	if err != nil {
		b.Fatal(err)
	}
	idx := slices.IndexFunc(lib.Reg.Entities, func(e Entity) bool { return e.Kind == kind })
	if idx < 0 {
		b.Skipf("the fixture exports no %s", kind)
	}
	inst := lib.entity(idx, kind)
	limits := DefaultFFILimits()
	inst.limits = &limits
	theHost.alloc, theHost.driver = lib.alloc, threadID()
	if !inst.make("{}", quiet{}) {
		b.Fatal("make returned null")
	}
	return inst
}

// defaultInput is slot's input in kind's default plan (absent when the plan does not call it).
func defaultInput(b *testing.B, kind, slot string) json.RawMessage {
	calls, err := ResolveCalls(kind, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, pc := range calls {
		if pc.Slot == slot {
			return pc.Input
		}
	}
	return nil
}

// BenchmarkStreamCycle is one whole stream, watch or handle of each kind that has them, opened
// and closed as the gateway does (the event, bytes or dispatch callbacks from the fixture's
// threads, the cancel, close and drop) — without the harness's listening (watchWait) and late-
// callback grace (cancelGrace), which are waits of its own, not the plugin's time.
func BenchmarkStreamCycle(b *testing.B) {
	defer func(w, g time.Duration) { watchWait, cancelGrace = w, g }(watchWait, cancelGrace)
	watchWait, cancelGrace = 0, 0
	for _, c := range []struct {
		kind  string
		slots []string
	}{
		{"backend", []string{"execute_streaming", "cancel_stream"}},
		{"secret_provider", []string{"watch", "cancel_watch"}},
		{"watch_strategy", []string{"watch", "cancel"}},
		{"http_route", []string{"handle_streaming", "cancel_stream"}},
		{"cluster", []string{"subscribe", "cancel_stream"}},
		{"cluster", []string{"try_acquire_leadership", "lease_renew", "lease_release", "lease_drop"}},
		{"transport", []string{"start", "transport_handle_close", "transport_handle_drop"}},
	} {
		b.Run(c.kind+"."+strings.Join(c.slots, "+"), func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			inst := openKind(b, c.kind)
			var dos []func() outcome
			for _, slot := range c.slots {
				_, do := inst.planned(inst.spec.Slot(slot), defaultInput(b, c.kind, slot))(&Plan{})
				dos = append(dos, do)
			}
			var times []time.Duration
			for b.Loop() {
				start := time.Now()
				for k, do := range dos {
					if o := do(); len(o.violations) > 0 || o.panicked {
						b.Fatal(c.slots[k], o.violations)
					}
				}
				times = append(times, time.Since(start))
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "median-ns/cycle")
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
	cmd := exec.Command(cCompiler(b), "-shared", "-fPIC", "-O2", "-DWITH_KINDS", "-DWITH_BACKEND", "-DWITH_HTTP_ROUTE",
		"-DWITH_WATCH_STRATEGY", "-DWITH_CLUSTER", "-o", out, src)
	cmd.Dir = filepath.Dir(src)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%v\n%s", err, msg)
	}
	return out
}
