package component

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden plan files")

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustPlan(t *testing.T, b []byte) *Plan {
	t.Helper()
	c, err := Parse(b, ParseOptions{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	p, err := c.Plan(ParseOptions{})
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return p
}

type oracleVerdict struct {
	Stage string `json:"stage"`
	Error string `json:"error"`
}

func loadOracle(t *testing.T) map[string]oracleVerdict {
	t.Helper()
	var o map[string]oracleVerdict
	if err := json.Unmarshal(readFixture(t, "oracle.json"), &o); err != nil {
		t.Fatal(err)
	}
	return o
}

// splitChain turns Wasmtime's printed error ("msg\n\nCaused by:\n    0: a\n    1: b\n") into
// the message and its causes.
func splitChain(s string) (string, []string) {
	head, rest, _ := strings.Cut(s, "\n\nCaused by:\n")
	var causes []string
	for _, l := range strings.Split(rest, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if i := strings.Index(l, ": "); i > 0 && strings.Trim(l[:i], "0123456789") == "" {
			l = l[i+2:]
		}
		causes = append(causes, l)
	}
	return strings.TrimSpace(head), causes
}

// TestLinkAgainstWasmtime compares CheckImports with what Wasmtime 44 said when instantiating
// each fixture with a WASI p2 linker (testdata/oracle.json, written by testdata/gen.py).
func TestLinkAgainstWasmtime(t *testing.T) {
	oracle := loadOracle(t)
	n := 0
	for name, want := range oracle {
		if !strings.HasSuffix(name, ".wasm") {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			b := readFixture(t, name)
			c, err := Parse(b, ParseOptions{})
			if want.Stage == "compile" {
				if err == nil {
					t.Fatalf("Wasmtime refuses to compile it (%q) but Parse accepted it", want.Error)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			p, err := c.Plan(ParseOptions{})
			if err != nil {
				t.Fatalf("Plan: %v", err)
			}
			got := CheckImports(p.Imports)
			if want.Stage == "ok" {
				if got != nil {
					t.Fatalf("Wasmtime links it, CheckImports says %q", got.Full())
				}
				return
			}
			if got == nil {
				t.Fatalf("Wasmtime refuses it (%q), CheckImports accepts it", want.Error)
			}
			msg, causes := splitChain(want.Error)
			if got.Message != msg {
				t.Errorf("message\n got %q\nwant %q", got.Message, msg)
			}
			if strings.Join(got.Causes, " | ") != strings.Join(causes, " | ") {
				t.Errorf("causes\n got %q\nwant %q", got.Causes, causes)
			}
		})
	}
	if n < 20 {
		t.Fatalf("only %d oracle cases", n)
	}
}

func TestCoreModuleRefusedLikeWasmtime(t *testing.T) {
	core := []byte{0, 'a', 's', 'm', 1, 0, 0, 0}
	_, err := Parse(core, ParseOptions{})
	if !errors.Is(err, ErrCoreModule) {
		t.Fatalf("Parse(core module) = %v, want ErrCoreModule", err)
	}
	if !strings.Contains(err.Error(), CoreModuleMessage) {
		t.Errorf("error %q does not carry Wasmtime's text", err)
	}
	want := loadOracle(t)["core-module"]
	msg, causes := splitChain(want.Error)
	le := CompileError(core)
	if le == nil || le.Message != msg || strings.Join(le.Causes, "|") != strings.Join(causes, "|") {
		t.Fatalf("CompileError = %+v, Wasmtime said %q", le, want.Error)
	}
	if le.Message != CoreModuleContext || causes[0] != CoreModuleMessage {
		t.Errorf("constants drifted from Wasmtime: %q / %q", CoreModuleContext, CoreModuleMessage)
	}
	if CompileError(readFixture(t, "gate.wasm")) != nil {
		t.Error("CompileError refuses a component header")
	}
	for _, b := range [][]byte{nil, []byte("\x00as"), []byte("\x00asm\x02\x00\x00\x00"), []byte("hello world")} {
		if CompileError(b) == nil {
			t.Errorf("CompileError(%q) = nil", b)
		}
		if _, err := Parse(b, ParseOptions{}); err == nil {
			t.Errorf("Parse(%q) succeeded", b)
		}
	}
}

// TestGatePlan pins the instance graph of a wit-component-shaped tool gate.
func TestGatePlan(t *testing.T) {
	p := mustPlan(t, readFixture(t, "gate.wasm"))
	golden(t, "gate.plan.txt", DescribePlan(p))

	if len(p.Instances) != 3 || p.Instances[0].Module.Index != 1 || p.Instances[1].Module.Index != 0 || p.Instances[2].Module.Index != 2 {
		t.Fatalf("instantiation order: %s", DescribePlan(p))
	}
	main := p.Instances[1]
	if d := main.Args[0].Def; d.Kind != DefLowered || p.Lowerings[d.Index].Name() != "wasi:cli/stdout@0.2.0#get-stdout" {
		t.Errorf("get-stdout <- %v", d)
	}
	if d := main.Args[1].Def; d.Kind != DefExport || d.Instance != 0 || d.Name != "0" {
		t.Errorf("blocking-write-and-flush <- %v, want the shim's export 0", d)
	}
	drop := main.Args[2].Def
	if drop.Kind != DefResourceDrop || drop.Resource.Import != "wasi:io/streams@0.2.0" || drop.Resource.Name != "output-stream" {
		t.Errorf("resource-drop <- %v", drop)
	}
	// The resource the stdout import re-exports is the streams import's resource, not a copy.
	get := p.Lowerings[main.Args[0].Def.Index]
	if get.Type.Result.(*DefinedType).Resource != drop.Resource {
		t.Error("get-stdout's own<output-stream> is not the resource that resource.drop drops")
	}
	write := p.Instances[2].Args[1].Def
	lw := p.Lowerings[write.Index]
	if write.Kind != DefLowered || lw.Options.Memory == nil || *lw.Options.Memory != (CoreDef{Kind: DefExport, Instance: 1, Name: "memory"}) {
		t.Errorf("fixup's function 0 <- %v with %+v", write, lw.Options)
	}
	if lw.Options.StringEncoding != UTF8 || lw.Options.Realloc != nil {
		t.Errorf("write options %+v", lw.Options)
	}

	gate, le := p.CheckWorld(WorldForClass("tool_gate"))
	if le == nil || le.Message != "instance export `mcpg:plugin/tool-gate@0.1.0` does not have export `evaluate-pre-dispatch`" {
		t.Fatalf("CheckWorld = %v, %v", gate, le)
	}
	if _, le := p.CheckWorld(WorldForClass("transform")); le == nil || le.Message != "no exported instance named `mcpg:plugin/transform@0.1.0`" {
		t.Fatalf("CheckWorld(transform) = %v", le)
	}
	if ws := p.ExportedWorlds(); len(ws) != 1 || ws[0].Name != "tool-gate-plugin" {
		t.Errorf("ExportedWorlds = %v", ws)
	}
	m := p.Export("mcpg:plugin/tool-gate@0.1.0").Function("manifest")
	if m == nil || m.Func == nil {
		t.Fatal("manifest not exported")
	}
	o := m.Func.Options
	if m.Func.Func != (CoreDef{Kind: DefExport, Instance: 1, Name: "mcpg:plugin/tool-gate@0.1.0#manifest"}) ||
		o.Memory == nil || o.Realloc == nil || o.Realloc.Name != "cabi_realloc" ||
		o.PostReturn == nil || o.PostReturn.Name != "cabi_post_mcpg:plugin/tool-gate@0.1.0#manifest" {
		t.Errorf("manifest lift: %+v", m.Func)
	}
	rec := m.Func.Type.Result.(*DefinedType)
	if rec.Kind != KindRecord || len(rec.Fields) != 2 || rec.Fields[1].Name != "protocol-version" || rec.Fields[1].Type != String {
		t.Errorf("manifest result %s", TypeString(rec))
	}
}

// TestNestedPlan pins inlining: two instantiations of a nested component, outer aliases, its own
// resource (distinct per instantiation), an adapter for a lower of a lifted function.
func TestNestedPlan(t *testing.T) {
	p := mustPlan(t, readFixture(t, "nested.wasm"))
	golden(t, "nested.plan.txt", DescribePlan(p))
	if len(p.Instances) != 5 || len(p.Lowerings) != 2 || len(p.Adapters) != 1 {
		t.Fatalf("plan:\n%s", DescribePlan(p))
	}
	newA, newB := p.Instances[1].Args[2].Def, p.Instances[3].Args[2].Def
	if newA.Kind != DefResourceNew || newB.Kind != DefResourceNew || newA.Resource == newB.Resource {
		t.Errorf("each instantiation must define its own resource: %v %v", newA.Resource, newB.Resource)
	}
	if dA, dB := p.Instances[1].Args[1].Def, p.Instances[3].Args[1].Def; dA.Resource != dB.Resource || dA.Resource.Import != "host:demo/things@1.0.0" {
		t.Errorf("both instantiations drop the host's resource: %v %v", dA, dB)
	}
	if p.Instances[3].Args[3].Def != (CoreDef{Kind: DefExport, Instance: 2, Name: "double"}) {
		t.Errorf("second instantiation uses its own library instance: %v", p.Instances[3].Args[3].Def)
	}
	if a := p.Adapters[0]; a.Lifted.Func != (CoreDef{Kind: DefExport, Instance: 1, Name: "run"}) {
		t.Errorf("adapter lifts %v", a.Lifted.Func)
	}
	c, _ := Parse(readFixture(t, "nested.wasm"), ParseOptions{})
	if _, err := c.Nested[0].Plan(ParseOptions{}); err == nil {
		t.Error("Plan of a nested component must be refused")
	}
	if len(p.Resources) != 2 {
		t.Errorf("Resources = %v", p.Resources)
	}
	api := p.Export("demo:nested/api@0.1.0")
	if api == nil || len(api.Funcs) != 2 || api.Funcs[1].Func.Func.Instance != 3 {
		t.Errorf("export: %+v", api)
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestLinkedWASIVersions(t *testing.T) {
	for name, want := range map[string]bool{
		"wasi:io/streams@0.2.6":          true,
		"wasi:io/streams@0.2.0":          true,
		"wasi:io/streams@0.2.12":         true,
		"wasi:io/streams@0.2.9+abc":      true,
		"wasi:io/streams@0.2.01":         false,
		"wasi:io/streams@0.2.0-rc-1":     false,
		"wasi:io/streams@0.3.0":          false,
		"wasi:io/streams":                false,
		"wasi:http/types@0.2.6":          false,
		"wasi:clocks/timezone@0.2.6":     false,
		"wasi:sockets/tcp@0.2.3":         true,
		"wasi:cli/terminal-stdout@0.2.1": true,
	} {
		if _, got := LinkedWASI(name); got != want {
			t.Errorf("LinkedWASI(%q) = %v, want %v", name, got, want)
		}
	}
	if k, _ := alternateKey("a:b/c@1.2.3"); k != "a:b/c@1" {
		t.Errorf("alternateKey = %q", k)
	}
	if _, ok := alternateKey("a:b/c@0.0.3"); ok {
		t.Error("0.0.x has no compatible track")
	}
}

func TestWorldLookupIsSemverCompatible(t *testing.T) {
	p := &Plan{Exports: []PlanExport{
		{Name: "mcpg:plugin/identity@0.1.2", Sort: SortInstance, Funcs: []PlanFunc{{Name: "manifest"}, {Name: "resolve-identity"}}},
		{Name: "mcpg:plugin/identity@0.1.7", Sort: SortInstance, Funcs: []PlanFunc{{Name: "manifest"}}},
	}}
	_, le := p.CheckWorld(WorldForClass("identity_provider"))
	// The highest compatible version wins, and it lacks resolve-identity.
	if le == nil || le.Message != "instance export `mcpg:plugin/identity@0.1.0` does not have export `resolve-identity`" {
		t.Fatalf("CheckWorld = %v", le)
	}
	if WorldForClass("auth_provider") != nil {
		t.Error("only three classes have a Wasm world")
	}
}

// TestRealComponents parses components built by real toolchains when they are on this machine
// (MCPG_WASM_COMPONENTS, a directory; else the Rust fixture build directory).
func TestRealComponents(t *testing.T) {
	dir := os.Getenv("MCPG_WASM_COMPONENTS")
	if dir == "" {
		dir = "../../../.tools/cargo-target-wasm/wasm32-wasip2/release"
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.wasm"))
	if len(files) == 0 {
		t.Skipf("no components in %s", dir)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if IsCoreModule(b) {
			continue
		}
		c, err := Parse(b, ParseOptions{})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		p, err := c.Plan(ParseOptions{})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if le := CheckImports(p.Imports); le != nil {
			t.Errorf("%s: %s", f, le.Full())
		}
		for _, in := range p.Instances {
			for _, a := range in.Args {
				if a.Def.Kind == DefLowered && p.Lowerings[a.Def.Index].Type == nil {
					t.Errorf("%s: lowering without a type", f)
				}
			}
		}
		t.Logf("%s: %d modules, %d instances, %d lowerings, worlds %d", filepath.Base(f), len(p.Modules), len(p.Instances), len(p.Lowerings), len(p.ExportedWorlds()))
	}
}
