package wasm

// Loading: a component (or, on request, a core module) becomes a program — compiled core
// modules whose imports are renamed to point at what the component's instance graph wires them
// to, a host module for the lowered WASI functions and resource built-ins, and the lifted
// exports of the class's world — or a Refusal in the gateway's words.

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/cabi"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/component"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/wasip2"
)

// hostModuleName is the wazero module holding every host function; core instances are named
// coreModuleName(i). Neither can clash with a guest's names: imports are renamed to them.
const hostModuleName = "mcpg:harness/host"

func coreModuleName(i int) string { return "mcpg:harness/core-instance-" + strconv.Itoa(i) }

// argKind says what satisfies a core import.
type argKind uint8

const (
	argExport argKind = iota // an export of an earlier core instance
	argHost                  // a function of the host module
)

type arg struct {
	kind argKind
	inst int    // argExport: the core instance
	name string // argExport: its export; argHost: the host function's field name
}

// coreInst is one core instance of the program, compiled with its imports renamed.
type coreInst struct {
	name     string
	compiled wazero.CompiledModule
	bytes    []byte // the module as the guest built it
	offset   int64  // where bytes start in plugin.wasm: Wasmtime's backtrace offsets count from the component's start
	args     []arg  // what satisfies each import, in import order
	names    moduleNames
	marks    *siteMarks // the marker functions added to the compiled module, if any
	code     *codeIndex // see index
	codeOnce sync.Once
}

// index is the code index of the module as the guest built it, made when first needed: a run
// that takes the rewritten module from the cache needs it only to place a trap.
func (ci *coreInst) index() *codeIndex {
	ci.codeOnce.Do(func() {
		if ci.code == nil {
			ci.code = indexCode(ci.bytes)
		}
	})
	return ci.code
}

// hostFn is one function of the host module; bind makes its body for one call.
type hostFn struct {
	field           string
	what            string // for messages: "wasi:io/streams@0.2.6#[method]output-stream.write"
	params, results []api.ValueType
	bind            func(st *callState) api.GoFunction
}

// ref names a core item: an export of a core instance.
type ref struct {
	inst int
	name string
}

// lifted is one function of the world's interface: the core function and its canonical options.
type lifted struct {
	fn       ref
	memory   *ref
	realloc  *ref
	post     *ref
	encoding cabi.StringEncoding
}

// program is a loaded plugin, ready to be instantiated once per call.
type program struct {
	rt      wazero.Runtime
	engine  Engine
	world   *cabi.World
	insts   []*coreInst
	host    wazero.CompiledModule
	hostFns []*hostFn
	// fuel is the module holding a call's fuel (fuel.go), budget the fuel each call gets.
	fuel   wazero.CompiledModule
	budget uint64
	funcs  map[string]*lifted // by WIT function name
	// typeErr is Wasmtime's refusal of the exported functions' types, raised when the world's
	// functions are loaded after instantiation ("failed to convert function to given type").
	typeErr string
	// frames maps a function's wazero debug name to where it is, for backtraces.
	frames   map[string]frameSite
	warnings []string
	// memoryLimit is memory_mb in pages: a memory may never be larger.
	memoryLimit uint64
	// defined are the resource types the component defines, by the plan's identity.
	defined map[*component.ResourceType]*wasip2.ResourceType
	// tables are the bounds put on the guest's tables (tables.go).
	tables *tableBounds
	// prepared is what this load rewrote, for the code cache; nil when it came from the cache.
	prepared *preparedProgram
	// names are each instance's name section, read by preflight.
	names []moduleNames

	cur *callState // the call in progress; calls are sequential
}

// Refusal is the gateway refusing to load the plugin: Stage is where (compile, descriptor,
// register, manifest), Chain the gateway's error chain, outermost first, as its log prints it
// with {:#}; Detail adds what the harness knows beyond the gateway's words.
type Refusal struct {
	Stage  string   `json:"stage"`
	Chain  []string `json:"error_chain"`
	Detail string   `json:"detail,omitempty"`
}

func (r *Refusal) Error() string { return strings.Join(r.Chain, ": ") }

// newRuntime makes the wazero runtime of one run: its engine, the memory limit, and, for the
// interpreter, the context-done closing that lets the guard stop a guest (compiled code is
// stopped through its fuel checks instead: wazero's context checks make its loops many times
// slower). cacheDir, when set, is wazero's compilation cache.
func newRuntime(ctx context.Context, limits Limits, engine Engine, cacheDir string) (wazero.Runtime, error) {
	cfg := wazero.NewRuntimeConfigInterpreter()
	if engine == EngineCompiler {
		cfg = wazero.NewRuntimeConfigCompiler()
	}
	// Wasmtime 44 enables tail calls and extended constant expressions by default; wazero has
	// them behind flags.
	cfg = cfg.WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesTailCall | experimental.CoreFeaturesExtendedConst).
		WithCloseOnContextDone(engine == EngineInterpreter || benchMode == benchGuarded).
		WithMemoryLimitPages(memoryPages(limits.MemoryMB))
	if cacheDir != "" && engine == EngineCompiler {
		cache, err := wazero.NewCompilationCacheWithDir(cacheDir)
		if err != nil {
			return nil, fmt.Errorf("opening the compilation cache %s: %v", cacheDir, err)
		}
		cfg = cfg.WithCompilationCache(cache)
	}
	return wazero.NewRuntimeWithConfig(ctx, cfg), nil
}

// memoryPages is memory_mb in 64 KiB pages, within wazero's 4 GiB ceiling. The gateway's limiter
// allows growth to exactly memory_mb MiB.
func memoryPages(mb uint32) uint32 {
	pages := uint64(mb) * 16
	if pages > 65536 {
		return 65536
	}
	return uint32(pages)
}

// loadComponent compiles a component the way the gateway's load does, up to the checks
// instantiation makes. A *Refusal is the gateway's; another error is the harness's own.
// prepared, when not nil, is what an earlier run prepared of this artifact under these limits
// (cache.go): its rewritten modules are compiled as they are. Otherwise the rewriting is done
// here and p.prepared holds it for the cache.
func loadComponent(ctx context.Context, rt wazero.Runtime, engine Engine, artifact []byte, world *cabi.World, limits Limits, prepared *preparedProgram) (*program, error) {
	c, err := component.Parse(artifact, component.ParseOptions{})
	if err != nil {
		return nil, &Refusal{Stage: "compile", Chain: []string{"failed to compile wasm component: plugin.wasm: " + compileMessage(err)},
			Detail: err.Error()}
	}
	plan, err := c.Plan(component.ParseOptions{})
	if err != nil {
		return nil, &Refusal{Stage: "compile", Chain: []string{"failed to compile wasm component: plugin.wasm: " + compileMessage(err)},
			Detail: err.Error()}
	}
	// Instantiating the world: the linker's imports first (instantiate_pre), then the bindings'
	// lookup of the exported interface.
	if le := component.CheckImports(plan.Imports); le != nil {
		return nil, &instantiateRefusal{msg: le.Message}
	}
	if _, le := plan.CheckWorld(component.WorldForClass(world.Class)); le != nil {
		return nil, &instantiateRefusal{msg: le.Message}
	}
	p := newProgram(rt, engine, world, limits)
	if len(plan.Adapters) > 0 {
		return nil, errors.New("the component calls functions it lifts itself (a composed component: canon lower of a " +
			"lifted function); this harness does not run component-to-component adapters yet")
	}
	for _, r := range plan.Resources {
		p.defined[r] = wasip2.NewResourceType(r.Name, nil)
	}
	// Host functions, one per lowering or resource built-in the instances import.
	hostIdx := map[string]int{}
	hostArg := func(key string, make func() (*hostFn, error)) (arg, error) {
		if i, ok := hostIdx[key]; ok {
			return arg{kind: argHost, name: p.hostFns[i].field}, nil
		}
		h, err := make()
		if err != nil {
			return arg{}, err
		}
		h.field = fmt.Sprintf("%d", len(p.hostFns))
		hostIdx[key] = len(p.hostFns)
		p.hostFns = append(p.hostFns, h)
		return arg{kind: argHost, name: h.field}, nil
	}
	specs := make([][]arg, len(plan.Instances))
	for i, in := range plan.Instances {
		for _, a := range in.Args {
			var x arg
			var err error
			switch d := a.Def; d.Kind {
			case component.DefExport:
				if d.Instance < 0 || d.Instance >= i {
					return nil, fmt.Errorf("core instance %d imports %q %q from core instance %d, which is not instantiated before it", i, a.Module, a.Name, d.Instance)
				}
				x = arg{kind: argExport, inst: d.Instance, name: d.Name}
			case component.DefLowered:
				l := plan.Lowerings[d.Index]
				x, err = hostArg(fmt.Sprintf("lower %d", d.Index), func() (*hostFn, error) { return p.lowering(l) })
			case component.DefResourceNew, component.DefResourceDrop, component.DefResourceRep:
				x, err = hostArg(fmt.Sprintf("%d %p", d.Kind, d.Resource), func() (*hostFn, error) { return p.resourceBuiltin(d.Kind, d.Resource) })
			default:
				err = fmt.Errorf("core instance %d imports %q %q from %s, which this harness cannot provide", i, a.Module, a.Name, d)
			}
			if err != nil {
				return nil, err
			}
			if x.kind == argHost {
				h := p.hostFns[hostIdx[hostKey(a.Def)]]
				if err := checkHostImport(h, a); err != nil {
					return nil, fmt.Errorf("core instance %d (module %d) imports %q %q: %v", i, in.Module.Index, a.Module, a.Name, err)
				}
			}
			specs[i] = append(specs[i], x)
		}
	}
	if prepared != nil && len(prepared.Insts) != len(plan.Instances) {
		prepared = nil // not this component's: prepare it afresh
	}
	if err := p.compile(ctx, plan.Instances, specs, prepared); err != nil {
		return nil, err
	}
	if err := p.findExports(plan); err != nil {
		return nil, err
	}
	return p, nil
}

func hostKey(d component.CoreDef) string {
	if d.Kind == component.DefLowered {
		return fmt.Sprintf("lower %d", d.Index)
	}
	return fmt.Sprintf("%d %p", d.Kind, d.Resource)
}

func newProgram(rt wazero.Runtime, engine Engine, world *cabi.World, limits Limits) *program {
	return &program{rt: rt, engine: engine, world: world, funcs: map[string]*lifted{}, frames: map[string]frameSite{},
		defined: map[*component.ResourceType]*wasip2.ResourceType{}, memoryLimit: uint64(limits.MemoryMB) * 16, budget: limits.Fuel}
}

// compileMessage is Wasmtime's outermost message for a binary its parser refuses. The
// component reader's own messages say more; Wasmtime's exact text for every malformed binary is
// not reproduced (the detail carries ours).
func compileMessage(err error) string {
	var le *component.LoadError
	if errors.As(err, &le) {
		return le.Message
	}
	return "failed to parse WebAssembly component"
}

// checkHostImport compares a core import's declared type with the host function it gets.
func checkHostImport(h *hostFn, a component.ImportArg) error {
	if a.Type.Sort != component.CoreFunc || a.Type.Func == nil {
		return fmt.Errorf("expected a function import for %s, found a %s", h.what, a.Type.Sort)
	}
	params := make([]api.ValueType, len(a.Type.Func.Params))
	for i, t := range a.Type.Func.Params {
		params[i] = api.ValueType(t) // the same type bytes as the binary format
	}
	results := make([]api.ValueType, len(a.Type.Func.Results))
	for i, t := range a.Type.Func.Results {
		results[i] = api.ValueType(t)
	}
	if sig(params, results) != sig(h.params, h.results) {
		return fmt.Errorf("declared as %s, but %s lowers to %s", sig(params, results), h.what, sig(h.params, h.results))
	}
	return nil
}

func sig(params, results []api.ValueType) string {
	name := func(ts []api.ValueType) string {
		parts := make([]string, len(ts))
		for i, t := range ts {
			parts[i] = api.ValueTypeName(t)
		}
		return strings.Join(parts, ", ")
	}
	return "(" + name(params) + ") -> (" + name(results) + ")"
}

// lowering is the host function for a canon lower of a WASI import.
func (p *program) lowering(l *component.Lowering) (*hostFn, error) {
	if len(l.Path) != 1 {
		return nil, fmt.Errorf("the component lowers %s, which is not a function of a WASI interface", l.Name())
	}
	f, err := wasip2.Lookup(l.Import, l.Path[0])
	if err != nil {
		return nil, fmt.Errorf("the component lowers %s: %v", l.Name(), err)
	}
	if l.Options.StringEncoding != component.UTF8 {
		return nil, fmt.Errorf("the component lowers %s with string-encoding=%s; the harness's WASI host speaks utf8 only", l.Name(), l.Options.StringEncoding)
	}
	var mem, realloc *ref
	if o := l.Options.Memory; o != nil {
		mem = &ref{o.Instance, o.Name}
	}
	if o := l.Options.Realloc; o != nil {
		realloc = &ref{o.Instance, o.Name}
	}
	if f.NeedsMemory() && mem == nil {
		return nil, fmt.Errorf("the component lowers %s without a memory option, which it needs", l.Name())
	}
	if f.NeedsRealloc() && realloc == nil {
		return nil, fmt.Errorf("the component lowers %s without a realloc option, which it needs", l.Name())
	}
	return &hostFn{what: l.Name(), params: f.Params, results: f.Results, bind: func(st *callState) api.GoFunction {
		return st.host.Bind(f, wasip2.Options{Memory: &guestMemory{st: st, mem: mem, realloc: realloc}})
	}}, nil
}

// resourceBuiltin is canon resource.new, resource.drop or resource.rep of resource r.
func (p *program) resourceBuiltin(kind component.CoreDefKind, r *component.ResourceType) (*hostFn, error) {
	i32 := api.ValueTypeI32
	if r.Import != "" {
		if kind != component.DefResourceDrop {
			return nil, fmt.Errorf("resource.new and resource.rep apply only to a resource the component defines, not %s of %s", r.Name, r.Import)
		}
		f, err := wasip2.ResourceDrop(r.Import, r.Name)
		if err != nil {
			return nil, fmt.Errorf("resource.drop of %s: %v", component.TypeString(r), err)
		}
		return &hostFn{what: "resource.drop " + component.TypeString(r), params: f.Params, results: f.Results,
			bind: func(st *callState) api.GoFunction { return st.host.Bind(f, wasip2.Options{}) }}, nil
	}
	rt := p.defined[r]
	if rt == nil {
		rt = wasip2.NewResourceType(r.Name, nil)
		p.defined[r] = rt
	}
	// The destructor (canon resource.new's dtor) is not run: the plan does not resolve it, and
	// the three MCPG worlds export no resources, so only a component's internal resources have one.
	switch kind {
	case component.DefResourceNew:
		return &hostFn{what: "resource.new " + r.Name, params: []api.ValueType{i32}, results: []api.ValueType{i32},
			bind: func(st *callState) api.GoFunction {
				return api.GoFunc(func(ctx context.Context, stack []uint64) {
					h, err := st.host.Table().InsertOwn(&wasip2.Resource{Type: rt, Value: uint32(stack[0])})
					if err != nil {
						panic(err)
					}
					stack[0] = uint64(h)
				})
			}}, nil
	case component.DefResourceRep:
		return &hostFn{what: "resource.rep " + r.Name, params: []api.ValueType{i32}, results: []api.ValueType{i32},
			bind: func(st *callState) api.GoFunction {
				return api.GoFunc(func(ctx context.Context, stack []uint64) {
					res, err := st.host.Table().Get(uint32(stack[0]), rt)
					if err != nil {
						panic(err)
					}
					stack[0] = uint64(res.Value.(uint32))
				})
			}}, nil
	}
	return &hostFn{what: "resource.drop " + r.Name, params: []api.ValueType{i32},
		bind: func(st *callState) api.GoFunction {
			return api.GoFunc(func(ctx context.Context, stack []uint64) {
				if err := st.host.Table().Drop(uint32(stack[0]), rt); err != nil {
					panic(err)
				}
			})
		}}, nil
}

// compile renames every instance's imports, adds the site markers, bounds table growth and
// meters fuel (or takes all that from prepared), compiles the modules (once per distinct result)
// and the host module.
func (p *program) compile(ctx context.Context, instances []*component.CoreInstance, specs [][]arg, prepared *preparedProgram) error {
	for _, in := range instances {
		if err := checkBounds(in.Module.Bytes); err != nil {
			return &Refusal{Stage: "compile", Chain: []string{"failed to compile wasm component: plugin.wasm: failed to parse WebAssembly module"},
				Detail: fmt.Sprintf("core module %d: %v (Wasmtime's root cause is not reproduced)", in.Module.Index, err)}
		}
	}
	// What Wasmtime refuses to compile or to instantiate (a memory past memory_mb, a table the
	// host cannot allocate), what wazero cannot run; the tables' bounds.
	if err := p.preflight(instances, specs, prepared); err != nil {
		return err
	}
	if prepared == nil {
		p.prepared = &preparedProgram{}
	}
	byModule := map[int]wazero.CompiledModule{} // by the prepared module's index
	byDigest := map[[32]byte]int{}
	for i, in := range instances {
		var metered []byte
		var marks *siteMarks
		var code *codeIndex
		var module int
		if prepared != nil {
			pi := prepared.Insts[i]
			module, metered = pi.Module, prepared.Modules[pi.Module]
			marks = pi.siteMarks()
			if pi.GrowHelpers {
				p.tables.grows[i] = &growHelpers{first: pi.GrowFirst, tables: pi.GrowTables}
			}
		} else {
			var err error
			code = p.tables.code[i] // indexCode(in.Module.Bytes), made by preflight
			if metered, marks, err = p.rewrite(ctx, i, in, specs[i], code); err != nil {
				return err
			}
			sum := sha256.Sum256(metered)
			var seen bool
			if module, seen = byDigest[sum]; !seen {
				module = len(p.prepared.Modules)
				byDigest[sum] = module
				p.prepared.Modules = append(p.prepared.Modules, metered)
			}
			p.prepared.Insts = append(p.prepared.Insts, preparedInstOf(module, marks, p.tables, i))
		}
		cm := byModule[module]
		if cm == nil {
			var err error
			if cm, err = p.rt.CompileModule(ctx, metered); err != nil {
				return p.wazeroRefusal(ctx, in, fmt.Errorf("core module %d: the harness cannot run its rewritten module: %v", in.Module.Index, err))
			}
			byModule[module] = cm
		}
		ci := &coreInst{name: coreModuleName(i), compiled: cm, bytes: in.Module.Bytes, offset: int64(in.Module.Offset), args: specs[i],
			names: p.names[i], code: code, marks: marks}
		p.insts = append(p.insts, ci)
		p.indexFrames(ci)
	}
	fuel, err := p.rt.CompileModule(ctx, fuelModule())
	if err != nil {
		return fmt.Errorf("compiling the fuel module: %v", err)
	}
	p.fuel = fuel
	b := p.rt.NewHostModuleBuilder(hostModuleName)
	for i, h := range p.hostFns {
		i := i
		b.NewFunctionBuilder().WithGoFunction(api.GoFunc(func(ctx context.Context, stack []uint64) {
			p.cur.bound[i].Call(ctx, stack)
		}), h.params, h.results).WithName(h.what).Export(h.field)
	}
	host, err := b.Compile(ctx)
	if err != nil {
		return fmt.Errorf("compiling the host module: %v", err)
	}
	p.host = host
	return nil
}

// rewrite makes instance i's module as it is compiled: its imports renamed to what satisfies
// them (args), the site markers added (sites.go), table growth bounded (tables.go), fuel metered
// (fuel.go). code indexes the module as the guest built it.
func (p *program) rewrite(ctx context.Context, i int, in *component.CoreInstance, args []arg, code *codeIndex) ([]byte, *siteMarks, error) {
	names := make([][2]string, len(args))
	for j, a := range args {
		if a.kind == argHost {
			names[j] = [2]string{hostModuleName, a.name}
		} else {
			names[j] = [2]string{coreModuleName(a.inst), a.name}
		}
	}
	renamed, err := renameImports(in.Module.Bytes, names)
	if err != nil {
		return nil, nil, fmt.Errorf("core module %d: %v", in.Module.Index, err)
	}
	marked, marks, err := addMarkers(renamed, code)
	if err != nil {
		return nil, nil, fmt.Errorf("core module %d: adding site markers: %v", in.Module.Index, err)
	}
	if marked, err = p.tables.boundGrowth(i, marked); err != nil {
		return nil, nil, fmt.Errorf("core module %d: the harness cannot bound its tables' growth: %v", in.Module.Index, err)
	}
	if benchMode != benchOff {
		return marked, marks, nil
	}
	metered, err := meterFuel(marked, fuelOrigin{code: code, marks: marks})
	if err != nil {
		return nil, nil, p.wazeroRefusal(ctx, in, fmt.Errorf("core module %d: the harness cannot meter its fuel: %v", in.Module.Index, err))
	}
	return metered, marks, nil
}

// wazeroRefusal is what wazero says of instance in's module as the guest built it, when it refuses
// it (the gateway's Wasmtime would have refused it too, in words of its own); else err, the
// harness's failure with its rewriting.
func (p *program) wazeroRefusal(ctx context.Context, in *component.CoreInstance, err error) error {
	probe, perr := p.rt.CompileModule(ctx, in.Module.Bytes)
	if perr != nil {
		return &Refusal{Stage: "compile", Chain: []string{"failed to compile wasm component: plugin.wasm: " + perr.Error()},
			Detail: fmt.Sprintf("wazero refused core module %d: %v (Wasmtime's wording is not reproduced)", in.Module.Index, perr)}
	}
	_ = probe.Close(ctx)
	return err
}

// findExports resolves the world's functions to lifted core functions, and checks what
// Wasmtime checks when the gateway's bindings look them up.
func (p *program) findExports(plan *component.Plan) error {
	cw := component.WorldForClass(p.world.Class)
	if cw == nil {
		return fmt.Errorf("no world for class %s", p.world.Class)
	}
	e, le := plan.CheckWorld(cw)
	if le != nil {
		return &instantiateRefusal{msg: le.Message}
	}
	for _, f := range p.world.Funcs {
		pf := e.Function(f.Name)
		if pf.Func == nil {
			return fmt.Errorf("the component exports %s#%s by re-exporting its import %s; the harness runs only functions it lifts", p.world.Interface, f.Name, pf.Import)
		}
		if p.typeErr == "" && !witTypeMatches(f.Name, pf.Func.Type) {
			p.typeErr = "failed to convert function to given type"
		}
		lf := pf.Func
		if lf.Func.Kind != component.DefExport {
			return fmt.Errorf("%s#%s lifts %s, not a core function a module exports", p.world.Interface, f.Name, lf.Func)
		}
		l := &lifted{fn: ref{lf.Func.Instance, lf.Func.Name}, encoding: cabi.StringEncoding(lf.Options.StringEncoding)}
		for _, o := range []struct {
			def *component.CoreDef
			dst **ref
		}{{lf.Options.Memory, &l.memory}, {lf.Options.Realloc, &l.realloc}, {lf.Options.PostReturn, &l.post}} {
			if o.def == nil {
				continue
			}
			if o.def.Kind != component.DefExport {
				return fmt.Errorf("%s#%s: a canonical option names %s; the harness supports options that are exports of core instances", p.world.Interface, f.Name, o.def)
			}
			*o.dst = &ref{o.def.Instance, o.def.Name}
		}
		if err := p.checkCore(f, l); err != nil {
			return err
		}
		p.funcs[f.Name] = l
	}
	return nil
}

// checkCore compares the lifted core function's signature with the one the canonical ABI gives
// the WIT function (Wasmtime refuses such a component when it validates it). Only checked when the
// WIT type matched: a component built from another contract fails the type check first.
func (p *program) checkCore(f cabi.Func, l *lifted) error {
	if p.typeErr != "" {
		return nil
	}
	in := p.insts[l.fn.inst]
	def, ok := in.compiled.ExportedFunctions()[l.fn.name]
	if !ok {
		return fmt.Errorf("%s#%s lifts %q of core instance %d, which exports no such function", p.world.Interface, f.Name, l.fn.name, l.fn.inst)
	}
	want := sig(coreTypes(f.Core.Params), coreTypes(f.Core.Results))
	if got := sig(def.ParamTypes(), def.ResultTypes()); got != want {
		return &Refusal{Stage: "compile", Chain: []string{"failed to compile wasm component: plugin.wasm: type mismatch with result type"},
			Detail: fmt.Sprintf("%s#%s lifts a core function of type %s; the canonical ABI needs %s", p.world.Interface, f.Name, got, want)}
	}
	if l.post != nil {
		pd, ok := p.insts[l.post.inst].compiled.ExportedFunctions()[l.post.name]
		if ok && sig(pd.ParamTypes(), pd.ResultTypes()) != sig(coreTypes(f.PostReturn.Params), coreTypes(f.PostReturn.Results)) {
			return &Refusal{Stage: "compile", Chain: []string{"failed to compile wasm component: plugin.wasm: type mismatch with post-return"},
				Detail: fmt.Sprintf("%s#%s's post-return has type %s, expected %s", p.world.Interface, f.Name,
					sig(pd.ParamTypes(), pd.ResultTypes()), sig(coreTypes(f.PostReturn.Params), coreTypes(f.PostReturn.Results)))}
		}
	}
	if f.NeedsMemory && l.memory == nil {
		return fmt.Errorf("%s#%s is lifted without the memory option its values need", p.world.Interface, f.Name)
	}
	if f.NeedsRealloc && l.realloc == nil {
		return fmt.Errorf("%s#%s is lifted without the realloc option its parameters need", p.world.Interface, f.Name)
	}
	return nil
}

func coreTypes(ts []cabi.ValType) []api.ValueType {
	out := make([]api.ValueType, len(ts))
	for i, t := range ts {
		out[i] = api.ValueType(t)
	}
	return out
}

// instantiateRefusal is a failure Wasmtime reports when instantiating the world (its message
// goes after "failed to instantiate <world>…: ").
type instantiateRefusal struct{ msg, detail string }

func (e *instantiateRefusal) Error() string { return e.msg }
