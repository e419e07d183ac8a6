package wasm

// A core module run as if it were a component (Options.AllowCoreModule): the gateway refuses
// it, but a plugin author may want to see what its canonical-ABI exports do before wrapping it.
// The module's exports must carry the names wit-component gives them ("<interface>#<function>",
// "cabi_post_<export>", "memory", a realloc), and its imports must be WASI 0.2 functions under
// their component names (as wit-component's own input modules import them).

import (
	"context"
	"fmt"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/cabi"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/component"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/wasip2"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// reallocNames are the realloc exports looked for, in order: wit-bindgen's current name, its
// older one, and those of other toolchains.
var reallocNames = []string{"cabi_export_realloc", "cabi_realloc", "cm32p2_realloc", "canonical_abi_realloc"}

func loadCoreModule(ctx context.Context, rt wazero.Runtime, engine Engine, artifact []byte, world *cabi.World, limits Limits) (*program, error) {
	p := newProgram(rt, engine, world, limits)
	if err := checkBounds(artifact); err != nil {
		return nil, fmt.Errorf("plugin.wasm: %v", err)
	}
	for _, min := range memoryMinimums(artifact) {
		if min > p.memoryLimit {
			return nil, &instantiateRefusal{msg: fmt.Sprintf("memory minimum size of %d pages exceeds memory limits", min)}
		}
	}
	secs, err := sections(artifact)
	if err != nil {
		return nil, fmt.Errorf("plugin.wasm: %v", err)
	}
	var imports []importEntry
	for _, s := range secs {
		if s.id == 2 {
			if imports, err = readImports(s.contents); err != nil {
				return nil, fmt.Errorf("plugin.wasm: %v", err)
			}
		}
	}
	// Export names first: the lowerings' options need the memory and realloc.
	probe, err := rt.CompileModule(ctx, artifact)
	if err != nil {
		return nil, &Refusal{Stage: "compile", Chain: []string{"plugin.wasm: " + err.Error()}, Detail: "wazero refused the core module"}
	}
	defer probe.Close(ctx)
	funcs := probe.ExportedFunctions()
	if _, ok := probe.ExportedMemories()["memory"]; !ok {
		return nil, fmt.Errorf("plugin.wasm: the core module exports no memory named \"memory\"")
	}
	realloc := ""
	for _, name := range reallocNames {
		if _, ok := funcs[name]; ok {
			realloc = name
			break
		}
	}
	mem := &ref{0, "memory"}
	var reallocRef *ref
	if realloc != "" {
		reallocRef = &ref{0, realloc}
	}
	var args []arg
	for _, imp := range imports {
		if len(imp.desc) == 0 || imp.desc[0] != 0x00 {
			return nil, fmt.Errorf("plugin.wasm imports %q %q, which is not a function; a core module run here may import only WASI 0.2 functions", imp.module, imp.name)
		}
		f, err := wasip2.Lookup(imp.module, imp.name)
		if err != nil {
			return nil, fmt.Errorf("plugin.wasm imports %q %q: %v (a core module run here may import only WASI 0.2 functions under their component names)", imp.module, imp.name, err)
		}
		if f.NeedsRealloc() && reallocRef == nil {
			return nil, fmt.Errorf("plugin.wasm imports %q %q, whose results need a realloc export (one of %v), and has none", imp.module, imp.name, reallocNames)
		}
		field := fmt.Sprintf("%d", len(p.hostFns))
		p.hostFns = append(p.hostFns, &hostFn{field: field, what: imp.module + "#" + imp.name, params: f.Params, results: f.Results,
			bind: func(st *callState) api.GoFunction {
				return st.host.Bind(f, wasip2.Options{Memory: &guestMemory{st: st, mem: mem, realloc: reallocRef}})
			}})
		args = append(args, arg{kind: argHost, name: field})
	}
	in := &component.CoreInstance{Module: &component.Module{Bytes: artifact}}
	if err := p.compile(ctx, []*component.CoreInstance{in}, [][]arg{args}, nil); err != nil {
		return nil, err
	}
	for i, def := range p.insts[0].compiled.ImportedFunctions() {
		h := p.hostFns[i]
		if sig(def.ParamTypes(), def.ResultTypes()) != sig(h.params, h.results) {
			return nil, fmt.Errorf("plugin.wasm imports %s as %s, but the canonical ABI lowers it to %s", h.what,
				sig(def.ParamTypes(), def.ResultTypes()), sig(h.params, h.results))
		}
	}
	for _, f := range world.Funcs {
		name := world.Interface + "#" + f.Name
		if _, ok := funcs[name]; !ok {
			return nil, fmt.Errorf("plugin.wasm exports no function %q (the core name of %s)", name, f.Name)
		}
		l := &lifted{fn: ref{0, name}, memory: mem, realloc: reallocRef}
		if _, ok := funcs["cabi_post_"+name]; ok {
			l.post = &ref{0, "cabi_post_" + name}
		}
		if err := p.checkCore(f, l); err != nil {
			return nil, err
		}
		p.funcs[f.Name] = l
	}
	return p, nil
}
