package component

import (
	"fmt"
	"strings"
)

// Plan is the outermost component flattened into what a core runtime executes: the core modules,
// the core instances in the order they must be instantiated (nested component instantiations
// inlined), what satisfies each core import, the host functions the guest calls (canon lower of
// an imported function) and the guest functions the host calls (canon lift reached from an
// export). Indices in CoreDef refer to Instances, Lowerings and Adapters of the same Plan.
//
// A runtime drives it like this: compile every Module once; per call, walk Instances in order,
// instantiate each one's Module with the imports its Args describe (an export of an earlier
// instance, a host function for a Lowering, a resource intrinsic), then call an exported Lifted
// function using its canonical ABI options.
type Plan struct {
	// Imports are the outermost component's imports, resources made concrete.
	Imports []Import
	// Exports are the outermost component's exports, resolved.
	Exports []PlanExport
	// Modules are all core modules of the binary (nested components included), by Module.Index.
	Modules []*Module
	// Instances are the core module instantiations in the order they must happen.
	Instances []*CoreInstance
	// Lowerings are the imported functions the guest calls, one per canon lower.
	Lowerings []*Lowering
	// Adapters are canon lowers of functions lifted inside the component (component-to-component
	// calls, only in composed components).
	Adapters []*Adapter
	// Resources are the resource types the component defines (one per instantiation of the
	// defining component).
	Resources []*ResourceType
}

// CoreInstance is one instantiation of a core module.
type CoreInstance struct {
	Index  int
	Module *Module
	// Args satisfy the module's imports, one per import in the module's import order.
	Args []ImportArg
}

// ImportArg says what satisfies one core import.
type ImportArg struct {
	Module, Name string
	Type         CoreExternType
	Def          CoreDef
}

// CoreDefKind says where a core item comes from.
type CoreDefKind uint8

const (
	// DefExport is the export Name of Instances[Instance].
	DefExport CoreDefKind = iota
	// DefLowered is the host function Lowerings[Index].
	DefLowered
	// DefResourceNew, DefResourceDrop and DefResourceRep are the canonical resource intrinsics
	// for Resource: new(rep i32) -> handle, drop(handle), rep(handle) -> i32.
	DefResourceNew
	DefResourceDrop
	DefResourceRep
	// DefAdapter is Adapters[Index].
	DefAdapter
)

// CoreDef is a core function, table, memory or global as the component wires it.
type CoreDef struct {
	Kind     CoreDefKind
	Instance int
	Name     string
	Index    int
	Resource *ResourceType
}

func (d CoreDef) String() string {
	switch d.Kind {
	case DefExport:
		return fmt.Sprintf("instance %d export %q", d.Instance, d.Name)
	case DefLowered:
		return fmt.Sprintf("lowering %d", d.Index)
	case DefResourceNew:
		return "resource.new " + TypeString(d.Resource)
	case DefResourceDrop:
		return "resource.drop " + TypeString(d.Resource)
	case DefResourceRep:
		return "resource.rep " + TypeString(d.Resource)
	case DefAdapter:
		return fmt.Sprintf("adapter %d", d.Index)
	}
	return "?"
}

// ABIOptions are canonical ABI options resolved to core definitions (nil when absent).
type ABIOptions struct {
	StringEncoding StringEncoding
	Memory         *CoreDef
	Realloc        *CoreDef
	PostReturn     *CoreDef
}

// Lowering is a host function the guest imports: the function Path inside the outermost import
// Import (Path is empty when the import is itself a function), lowered with Options.
type Lowering struct {
	Index   int
	Import  string
	Path    []string
	Type    *FuncType
	Options ABIOptions
}

// Name is "<import>#<function>", as WASI hosts name their functions.
func (l *Lowering) Name() string {
	if len(l.Path) == 0 {
		return l.Import
	}
	return l.Import + "#" + strings.Join(l.Path, "/")
}

// Lifted is a guest function the host may call: core function Func lifted to Type with Options.
type Lifted struct {
	Func    CoreDef
	Type    *FuncType
	Options ABIOptions
}

// Adapter is a canon lower of a function the component lifted itself.
type Adapter struct {
	Index   int
	Lifted  *Lifted
	Options ABIOptions
}

// PlanExport is one export of the outermost component.
type PlanExport struct {
	Name string
	Sort Sort
	// Func is set for an exported function the component lifts.
	Func *Lifted
	// Funcs are the functions of an exported instance, in export order.
	Funcs []PlanFunc
	// Type is the export's type.
	Type any
}

// PlanFunc is one function of an exported instance.
type PlanFunc struct {
	Name string
	// Func is the lifted guest function; nil when the component re-exports an imported one
	// (then Import names it).
	Func   *Lifted
	Import string
	Type   *FuncType
}

// Function finds function name in an exported instance, or nil.
func (e *PlanExport) Function(name string) *PlanFunc {
	for i := range e.Funcs {
		if e.Funcs[i].Name == name {
			return &e.Funcs[i]
		}
	}
	return nil
}

// Export finds an export by exact name, or nil.
func (p *Plan) Export(name string) *PlanExport {
	for i := range p.Exports {
		if p.Exports[i].Name == name {
			return &p.Exports[i]
		}
	}
	return nil
}

// ---- flattening ----

type importRef struct {
	imp  int
	path []string
	ty   any
}

type fval struct {
	lifted *Lifted
	imp    *importRef
}

type item struct {
	sort   Sort
	fn     *fval
	inst   *ival
	typ    any
	comp   *Component
	module *Module
}

type ival struct {
	imp     *importRef
	exports map[string]item
	order   []string
}

type coreInst struct {
	plan    int // index in Plan.Instances, -1 for an instance made of exports
	exports map[string]CoreDef
}

type frame struct {
	c             *Component
	args          map[string]item
	subst         map[*ResourceType]*ResourceType
	funcs         []*fval
	coreFuncs     []CoreDef
	coreItems     [5][]CoreDef
	coreInstances []*coreInst
	instances     []*ival
}

type flattener struct {
	p     *parser
	r     *reader
	plan  *Plan
	root  *Component
	depth int
}

// MaxPlanInstances bounds the core instances a plan may hold after nested instantiations are
// inlined.
const MaxPlanInstances = 10_000

// Plan flattens c (which must be the outermost component returned by Parse) into an instance
// graph. opts bounds the work, as for Parse.
func (c *Component) Plan(opts ParseOptions) (*Plan, error) {
	if !c.root {
		return nil, &Error{Section: c.label, Offset: c.Offset, Msg: "Plan needs the outermost component Parse returned"}
	}
	p := &parser{opts: opts.withDefaults()}
	f := &flattener{p: p, r: newReader(nil, c.Offset, "instantiation"), plan: &Plan{Imports: c.Imports}, root: c}
	f.plan.Modules = c.allModules
	fr := &frame{c: c, subst: map[*ResourceType]*ResourceType{}}
	f.plan.Resources = append(f.plan.Resources, c.definedResources...)
	f.run(fr)
	if err := f.r.Err(); err != nil {
		return nil, err
	}
	for _, e := range c.Exports {
		it := f.lookup(fr, e.Sort, e.Index)
		pe := PlanExport{Name: e.Name, Sort: e.Sort, Type: e.Type}
		switch e.Sort {
		case SortFunc:
			if it.fn != nil {
				pe.Func = it.fn.lifted
			}
		case SortInstance:
			if it.inst != nil && it.inst.imp == nil {
				for _, name := range it.inst.order {
					x := it.inst.exports[name]
					if x.sort != SortFunc || x.fn == nil {
						continue
					}
					pf := PlanFunc{Name: name, Func: x.fn.lifted}
					if ft, ok := x.typ.(*FuncType); ok {
						pf.Type = ft
					}
					if x.fn.imp != nil {
						pf.Import = c.Imports[x.fn.imp.imp].Name
					}
					pe.Funcs = append(pe.Funcs, pf)
				}
			}
		}
		f.plan.Exports = append(f.plan.Exports, pe)
	}
	if err := f.r.Err(); err != nil {
		return nil, err
	}
	return f.plan, nil
}

func (f *flattener) fail(c *Component, format string, args ...any) {
	f.r.section = c.label
	f.r.failAt(c.Offset, format, args...)
}

func (fr *frame) resource(r *ResourceType) *ResourceType {
	if x, ok := fr.subst[r]; ok {
		return x
	}
	return r
}

// run evaluates every index-space entry of fr.c in declaration order.
func (f *flattener) run(fr *frame) {
	c, sc := fr.c, fr.c.sc
	fr.funcs = make([]*fval, len(sc.funcs))
	fr.coreFuncs = make([]CoreDef, len(sc.coreFuncs))
	for k := range fr.coreItems {
		fr.coreItems[k] = make([]CoreDef, len(sc.coreItems[k]))
	}
	fr.coreInstances = make([]*coreInst, len(sc.coreInstances))
	fr.instances = make([]*ival, len(sc.instances))
	for _, st := range c.steps {
		if !f.r.ok() || !f.p.spend(f.r, 1) {
			return
		}
		switch st.kind {
		case stepFunc:
			fr.funcs[st.idx] = f.evalFunc(fr, st.idx)
		case stepCoreFunc:
			fr.coreFuncs[st.idx] = f.evalCoreFunc(fr, st.idx)
		case stepCoreItem:
			e := sc.coreItems[st.sort][st.idx]
			fr.coreItems[st.sort][st.idx] = f.coreExport(fr, e.inst, e.name)
		case stepCoreInstance:
			fr.coreInstances[st.idx] = f.evalCoreInstance(fr, st.idx)
		case stepInstance:
			fr.instances[st.idx] = f.evalInstance(fr, st.idx)
		}
	}
}

func (f *flattener) coreExport(fr *frame, inst uint32, name string) CoreDef {
	ci := fr.coreInstances[inst]
	if ci == nil {
		f.fail(fr.c, "core instance %d is used before it is defined", inst)
		return CoreDef{}
	}
	d, ok := ci.exports[name]
	if !ok {
		f.fail(fr.c, "core instance %d has no export named `%s`", inst, name)
	}
	return d
}

func (f *flattener) evalFunc(fr *frame, idx int) *fval {
	e := fr.c.sc.funcs[idx]
	switch e.kind {
	case 'i':
		if fr.args == nil {
			return &fval{imp: &importRef{imp: e.imp, ty: e.ty}}
		}
		return f.arg(fr, e.imp).fn
	case 'a':
		return f.instanceExport(fr, e.inst, e.name).fn
	case 'l':
		return &fval{lifted: &Lifted{Func: fr.coreFuncs[e.core], Type: f.substFunc(fr, e.ty), Options: f.options(fr, e.opts)}}
	case 's':
		return fr.funcs[e.same]
	}
	return nil
}

func (f *flattener) substFunc(fr *frame, ft *FuncType) *FuncType {
	if len(fr.subst) == 0 {
		return ft
	}
	out, _ := f.p.subst(f.r, ft, fr.subst, map[any]any{}).(*FuncType)
	return out
}

func (f *flattener) arg(fr *frame, imp int) item {
	name := fr.c.Imports[imp].Name
	it, ok := fr.args[name]
	if !ok {
		f.fail(fr.c, "missing import named `%s`", name)
	}
	return it
}

func (f *flattener) instanceExport(fr *frame, inst uint32, name string) item {
	iv := fr.instances[inst]
	if iv == nil {
		f.fail(fr.c, "instance %d is used before it is defined", inst)
		return item{}
	}
	if iv.imp != nil {
		var ex *ExternDesc
		if it, ok := iv.imp.ty.(*InstanceType); ok {
			ex = it.Export(name)
		}
		if ex == nil {
			f.fail(fr.c, "imported instance has no export named `%s`", name)
			return item{}
		}
		ref := &importRef{imp: iv.imp.imp, path: append(append([]string(nil), iv.imp.path...), name), ty: ex.Type}
		switch ex.Sort {
		case SortFunc:
			return item{sort: SortFunc, fn: &fval{imp: ref}, typ: ex.Type}
		case SortInstance:
			return item{sort: SortInstance, inst: &ival{imp: ref}, typ: ex.Type}
		}
		return item{sort: ex.Sort, typ: ex.Type}
	}
	it, ok := iv.exports[name]
	if !ok {
		f.fail(fr.c, "instance %d has no export named `%s`", inst, name)
	}
	return it
}

func (f *flattener) options(fr *frame, o CanonOptions) ABIOptions {
	out := ABIOptions{StringEncoding: o.StringEncoding}
	if o.Memory >= 0 {
		d := fr.coreItems[CoreMemory][o.Memory]
		out.Memory = &d
	}
	if o.Realloc >= 0 {
		d := fr.coreFuncs[o.Realloc]
		out.Realloc = &d
	}
	if o.PostReturn >= 0 {
		d := fr.coreFuncs[o.PostReturn]
		out.PostReturn = &d
	}
	return out
}

func (f *flattener) evalCoreFunc(fr *frame, idx int) CoreDef {
	e := fr.c.sc.coreFuncs[idx]
	switch e.kind {
	case 'a':
		return f.coreExport(fr, e.inst, e.name)
	case 'l':
		fv := fr.funcs[e.fn]
		if fv == nil {
			f.fail(fr.c, "function %d is lowered before it is defined", e.fn)
			return CoreDef{}
		}
		opts := f.options(fr, e.opts)
		if fv.imp != nil {
			ft, _ := fv.imp.ty.(*FuncType)
			l := &Lowering{Index: len(f.plan.Lowerings), Import: f.root.Imports[fv.imp.imp].Name, Path: fv.imp.path, Type: ft, Options: opts}
			f.plan.Lowerings = append(f.plan.Lowerings, l)
			return CoreDef{Kind: DefLowered, Index: l.Index}
		}
		a := &Adapter{Index: len(f.plan.Adapters), Lifted: fv.lifted, Options: opts}
		f.plan.Adapters = append(f.plan.Adapters, a)
		return CoreDef{Kind: DefAdapter, Index: a.Index}
	case 'n':
		return CoreDef{Kind: DefResourceNew, Resource: fr.resource(e.resource)}
	case 'd':
		return CoreDef{Kind: DefResourceDrop, Resource: fr.resource(e.resource)}
	case 'r':
		return CoreDef{Kind: DefResourceRep, Resource: fr.resource(e.resource)}
	}
	return CoreDef{}
}

func (f *flattener) evalCoreInstance(fr *frame, idx int) *coreInst {
	sc := fr.c.sc
	e := sc.coreInstances[idx]
	if e.module < 0 {
		ci := &coreInst{plan: -1, exports: map[string]CoreDef{}}
		for _, it := range e.items {
			var d CoreDef
			if it.sort == CoreFunc {
				d = fr.coreFuncs[it.idx]
			} else {
				d = fr.coreItems[it.sort][it.idx]
			}
			ci.exports[it.name] = d
		}
		return ci
	}
	if len(f.plan.Instances) >= MaxPlanInstances {
		f.fail(fr.c, "more than %d core instances after inlining nested components", MaxPlanInstances)
		return &coreInst{}
	}
	m := sc.modules[e.module]
	inst := &CoreInstance{Index: len(f.plan.Instances), Module: m}
	for _, imp := range m.Imports {
		var d CoreDef
		for _, a := range e.args {
			if a.name == imp.Module {
				d = f.coreExport(fr, a.inst, imp.Name)
				break
			}
		}
		inst.Args = append(inst.Args, ImportArg{Module: imp.Module, Name: imp.Name, Type: imp.Type, Def: d})
	}
	f.plan.Instances = append(f.plan.Instances, inst)
	ci := &coreInst{plan: inst.Index, exports: make(map[string]CoreDef, len(m.Exports))}
	for _, ex := range m.Exports {
		ci.exports[ex.Name] = CoreDef{Kind: DefExport, Instance: inst.Index, Name: ex.Name}
	}
	return ci
}

func (f *flattener) lookup(fr *frame, srt Sort, idx uint32) item {
	sc := fr.c.sc
	switch srt {
	case SortFunc:
		return item{sort: srt, fn: fr.funcs[idx], typ: sc.funcs[idx].ty}
	case SortInstance:
		return item{sort: srt, inst: fr.instances[idx], typ: sc.instances[idx].ty}
	case SortType:
		return item{sort: srt, typ: sc.types[idx]}
	case SortComponent:
		return item{sort: srt, comp: sc.components[idx]}
	case SortCoreModule:
		return item{sort: srt, module: sc.modules[idx]}
	}
	return item{sort: srt}
}

func (f *flattener) evalInstance(fr *frame, idx int) *ival {
	sc := fr.c.sc
	e := sc.instances[idx]
	switch e.kind {
	case 'i':
		if fr.args == nil {
			return &ival{imp: &importRef{imp: e.imp, ty: e.ty}}
		}
		return f.arg(fr, e.imp).inst
	case 'a':
		return f.instanceExport(fr, e.inst, e.name).inst
	case 's':
		return fr.instances[e.same]
	case 'e':
		iv := &ival{exports: map[string]item{}}
		for _, a := range e.args {
			iv.exports[a.name] = f.lookup(fr, a.sort, a.idx)
			iv.order = append(iv.order, a.name)
		}
		return iv
	case 'n':
		nc := sc.components[e.comp]
		if f.depth+1 >= f.p.opts.MaxDepth {
			f.fail(fr.c, "nested instantiations more than %d deep", f.p.opts.MaxDepth)
			return &ival{}
		}
		child := &frame{c: nc, args: map[string]item{}, subst: map[*ResourceType]*ResourceType{}}
		for _, a := range e.args {
			child.args[a.name] = f.lookup(fr, a.sort, a.idx)
		}
		for k, v := range e.subst {
			child.subst[k] = fr.resource(v)
		}
		for _, r := range nc.definedResources {
			f.plan.Resources = append(f.plan.Resources, child.resource(r))
		}
		f.depth++
		f.run(child)
		f.depth--
		iv := &ival{exports: map[string]item{}}
		for _, ex := range nc.Exports {
			it := f.lookup(child, ex.Sort, ex.Index)
			if ex.Sort == SortFunc {
				// The export's ascribed type is what the outside sees.
				it.typ = ex.Type
			}
			iv.exports[ex.Name] = it
			iv.order = append(iv.order, ex.Name)
		}
		return iv
	}
	return nil
}
