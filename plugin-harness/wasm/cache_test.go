package wasm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

func wasmFixture(t *testing.T, name string) string {
	t.Helper()
	dir := os.Getenv("MCPG_WASM_FIXTURES")
	if dir == "" {
		t.Skip("needs MCPG_WASM_FIXTURES (scripts/build-wasm-fixtures)")
	}
	return filepath.Join(dir, name, "package.zip")
}

// decisions is a run as compared here: everything but the durations.
var durations = regexp.MustCompile(`"(duration_ns|min_ns|median_ns|mean_ns|max_ns)":\d+`)

func decisions(t *testing.T, r *fixtureRun) string {
	t.Helper()
	out, err := json.Marshal(struct {
		Outcome *Outcome
		Err     string
		Calls   any
	}{r.outcome, errText(r.err), r.calls})
	if err != nil {
		t.Fatal(err)
	}
	return durations.ReplaceAllString(string(out), `"$1":0`)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// A run from the prepared entry decides exactly as the run that prepared it: the same decisions,
// fuel, traps and backtraces (placed through the code index made only when a trap needs it), table
// growth bounded by the same helpers.
func TestPreparedRunDecidesAsFresh(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		args    []string
		grows   bool
	}{
		{fixture: "gate"},
		{fixture: "gate", args: []string{"--tool", "debug_dump"}},
		{fixture: "gate-trap"},
		{fixture: "gate-spin"},
		{fixture: "gate-recurse"},
		{fixture: "transform-trap"},
		{fixture: "wat-table-grow", args: []string{"--tool", "table.grow.5"}, grows: true},
		{fixture: "py-gate", args: []string{"--tool", "guest.throw"}},
	} {
		t.Run(tc.fixture+"/"+filepath.Base(filepath.Join(tc.args...)), func(t *testing.T) {
			pkg := wasmFixture(t, tc.fixture)
			cache := t.TempDir()
			opts := Options{Engine: EngineInterpreter, CacheDir: cache}
			fresh := runFixture(t, pkg, tc.args, opts)
			if fresh.err != nil || len(fresh.calls) == 0 {
				t.Fatalf("the fixture did not run: %v", fresh.err)
			}
			artifact, _ := readPackage(t, pkg)
			_, limits := planFromArgs(t, tc.args)
			rc, warning := openRunCache(artifact, limits, opts, false)
			if warning != "" || rc.prepared == nil {
				t.Fatalf("no prepared entry after a run (%s)", warning)
			}
			grows := false
			for _, in := range rc.prepared.Insts {
				grows = grows || in.GrowHelpers
			}
			if grows != tc.grows {
				t.Errorf("table.grow helpers in the entry: %t, want %t", grows, tc.grows)
			}
			hit := runFixture(t, pkg, tc.args, opts)
			if a, b := decisions(t, fresh), decisions(t, hit); a != b {
				t.Errorf("from the prepared entry:\n%s\nfresh:\n%s", b, a)
			}
		})
	}
}

// A damaged entry — its description or a module changed on disk — is a miss, prepared again.
func TestDamagedEntryIsAMiss(t *testing.T) {
	pkg := wasmFixture(t, "gate")
	artifact, _ := readPackage(t, pkg)
	_, limits := planFromArgs(t, nil)
	for _, damage := range []string{"meta", "module", "module-missing"} {
		t.Run(damage, func(t *testing.T) {
			cache := t.TempDir()
			opts := Options{Engine: EngineInterpreter, CacheDir: cache}
			want := decisions(t, runFixture(t, pkg, nil, opts))
			rc, _ := openRunCache(artifact, limits, opts, false)
			meta := filepath.Join(rc.cc.dir, "prepared", rc.key)
			modules, _ := filepath.Glob(filepath.Join(rc.cc.dir, "modules", "*"))
			if rc.prepared == nil || len(modules) == 0 {
				t.Fatal("no entry was stored")
			}
			switch damage {
			case "meta":
				flipByte(t, meta, -1)
			case "module":
				flipByte(t, modules[0], 100)
			case "module-missing":
				os.Remove(modules[0])
			}
			if again, _ := openRunCache(artifact, limits, opts, false); again.prepared != nil {
				t.Fatal("the damaged entry was read")
			}
			if got := decisions(t, runFixture(t, pkg, nil, opts)); got != want {
				t.Errorf("after the damage:\n%s\nwant:\n%s", got, want)
			}
			if again, _ := openRunCache(artifact, limits, opts, false); again.prepared == nil {
				t.Error("the entry was not prepared again")
			}
		})
	}
}

func flipByte(t *testing.T, path string, at int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if at < 0 {
		at += len(data)
	}
	data[at] ^= 0x40
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// memory_mb decides a load, so it is in the key: an entry stored under 64 MiB does not let a
// run under 1 MiB past the gateway's refusal.
func TestMemoryLimitIsInTheKey(t *testing.T) {
	pkg := wasmFixture(t, "gate")
	cache := t.TempDir()
	opts := Options{Engine: EngineInterpreter, CacheDir: cache}
	refusedFresh := decisions(t, runFixture(t, pkg, []string{"--limits", `{"memory_mb": 1}`}, opts))
	if ok := runFixture(t, pkg, nil, opts); ok.err != nil {
		t.Fatal(ok.err)
	}
	refused := runFixture(t, pkg, []string{"--limits", `{"memory_mb": 1}`}, opts)
	if refused.err == nil {
		t.Fatal("the gate loaded with memory_mb 1")
	}
	if got := decisions(t, refused); got != refusedFresh {
		t.Errorf("with an entry for 64 MiB stored:\n%s\nwithout:\n%s", got, refusedFresh)
	}
	a := preparedKey([32]byte{1}, Limits{MemoryMB: 64, Fuel: 1}, false)
	if b := preparedKey([32]byte{1}, Limits{MemoryMB: 64, Fuel: 2, TimeoutMS: 7}, false); a != b {
		t.Error("fuel and timeout_ms change the key: every budget would prepare and compile anew")
	}
	if b := preparedKey([32]byte{1}, Limits{MemoryMB: 65, Fuel: 1}, false); a == b {
		t.Error("memory_mb does not change the key")
	}
	if b := preparedKey([32]byte{2}, Limits{MemoryMB: 64, Fuel: 1}, false); a == b {
		t.Error("the artifact does not change the key")
	}
}

// A version keeps its keptPrepared most recently used entries and the modules they name.
func TestPruneKeepsTheRecent(t *testing.T) {
	cc, err := openCodeCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	shared := []byte("\x00asm\x01\x00\x00\x00shared")
	old := time.Now().Add(-time.Hour)
	for i := 0; i < keptPrepared+4; i++ {
		own := []byte("\x00asm\x01\x00\x00\x00 " + strconv.Itoa(i))
		pp := &preparedProgram{Modules: [][]byte{shared, own}, Insts: []preparedInst{{Module: 0}, {Module: 1}}}
		key := "entry" + strconv.Itoa(i)
		if err := cc.store(key, pp); err != nil {
			t.Fatal(err)
		}
		// Entries 0 to 3 used longest ago.
		at := old.Add(time.Duration(i) * time.Minute)
		os.Chtimes(filepath.Join(cc.dir, "prepared", key), at, at)
	}
	cc.prune()
	for i := 0; i < keptPrepared+4; i++ {
		pp, ok := cc.load("entry" + strconv.Itoa(i))
		if want := i >= 4; ok != want {
			t.Errorf("entry %d kept: %t, want %t", i, ok, want)
		}
		if ok && string(pp.Modules[1]) != "\x00asm\x01\x00\x00\x00 "+strconv.Itoa(i) {
			t.Errorf("entry %d has module %q", i, pp.Modules[1])
		}
	}
	modules, _ := os.ReadDir(filepath.Join(cc.dir, "modules"))
	if len(modules) != keptPrepared+1 {
		t.Errorf("%d modules kept, want %d (one each and the shared one)", len(modules), keptPrepared+1)
	}
}

// SweepCache removes staging directories of the given process and of dead ones, and other
// versions unused for a week; it keeps a live process's compile and recent versions.
func TestSweepCache(t *testing.T) {
	root := t.TempDir()
	cc, err := openCodeCache(root)
	if err != nil {
		t.Fatal(err)
	}
	mine, live, dead := os.Getpid(), os.Getppid(), deadPid(t)
	dirs := map[string]bool{ // path: survives
		filepath.Join(cc.dir, stagingPrefix(mine)+"1"): false,
		filepath.Join(cc.dir, stagingPrefix(live)+"1"): true,
		filepath.Join(cc.dir, stagingPrefix(dead)+"1"): false,
		filepath.Join(root, "0.0.1-old"):               false,
		filepath.Join(root, "0.0.2-recent"):            true,
	}
	for d := range dirs {
		if err := os.MkdirAll(filepath.Join(d, "x"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	week := time.Now().Add(-staleVersionAge - time.Hour)
	os.Chtimes(filepath.Join(root, "0.0.1-old"), week, week)
	SweepCache(root, mine)
	for d, survives := range dirs {
		if _, err := os.Stat(d); (err == nil) != survives {
			t.Errorf("%s: survives %t, want %t", d, err == nil, survives)
		}
	}
	if _, err := os.Stat(cc.dir); err != nil {
		t.Errorf("the current version's cache went: %v", err)
	}
}

// deadPid is a pid no process has: a child that has exited and been reaped.
func deadPid(t *testing.T) int {
	t.Helper()
	p, err := os.StartProcess("/bin/true", []string{"true"}, &os.ProcAttr{})
	if err != nil {
		t.Skip("cannot start /bin/true")
	}
	if _, err := p.Wait(); err != nil {
		t.Fatal(err)
	}
	return p.Pid
}
