package wasip2

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// LinkedVersion is the version wasmtime-wasi 44 defines its WASI interfaces at; an import at any
// other 0.2.x version links to them too (see Lookup).
const LinkedVersion = "0.2.6"

// impl is a host function body: the lifted arguments in, the result value out. An error traps.
type impl func(c *call, args []any) (any, error)

type funcDef struct {
	name string // the import name inside its interface, e.g. "[method]output-stream.write"
	typ  *FuncType
	body impl
	// drop, for a "[resource-drop]R" entry, is R: the function is `canon resource.drop`.
	drop *ResourceType
}

type ifaceDef struct {
	name  string // "wasi:io/streams"
	funcs map[string]*funcDef
	// resources are the resource types the interface defines or uses (its type exports).
	resources map[string]*ResourceType
}

var registry = map[string]*ifaceDef{}

// define registers an interface: the resources it defines (each with its drop), those it uses
// from other interfaces, and its functions. Each interface file calls it from init.
func define(name string, defined, used []*ResourceType, funcs ...*funcDef) {
	d := &ifaceDef{name: name, funcs: map[string]*funcDef{}, resources: map[string]*ResourceType{}}
	for _, r := range used {
		d.resources[r.Name] = r
	}
	for _, r := range defined {
		if r.Interface != name {
			panic("wasip2: " + name + " defines " + r.String())
		}
		d.resources[r.Name] = r
		drop := "[resource-drop]" + r.Name
		d.funcs[drop] = &funcDef{name: drop, drop: r,
			typ: &FuncType{Params: []Field{{Name: "self", Type: own(r)}}}}
	}
	for _, f := range funcs {
		if _, dup := d.funcs[f.name]; dup {
			panic("wasip2: " + name + " defines " + f.name + " twice")
		}
		d.funcs[f.name] = f
	}
	registry[name] = d
}

// fn is a freestanding function; params alternate names and types.
func fn(name string, params []any, result *Type, body impl) *funcDef {
	return &funcDef{name: name, typ: &FuncType{Params: pairs(params), Result: result}, body: body}
}

// method is a resource method: its first parameter is `self: borrow<r>`.
func method(r *ResourceType, name string, params []any, result *Type, body impl) *funcDef {
	ps := append([]Field{{Name: "self", Type: borrow(r)}}, pairs(params)...)
	return &funcDef{name: "[method]" + r.Name + "." + name, typ: &FuncType{Params: ps, Result: result}, body: body}
}

func args(xs ...any) []any { return xs }

// UnknownImportError is an import the gateway's linker does not define: Wasmtime refuses to
// instantiate such a component.
type UnknownImportError struct {
	Instance string // the instance import name, e.g. "wasi:http/types@0.2.0"
	Name     string // the function or type inside it; empty when the instance itself is unknown
	Reason   string
}

func (e *UnknownImportError) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("import %q: %s", e.Instance, e.Reason)
	}
	return fmt.Sprintf("import %q of instance %q: %s", e.Name, e.Instance, e.Reason)
}

// splitImportName parses "ns:pkg/iface@version" into the interface and its version, and says
// whether Wasmtime's linker would match it to the interface defined at LinkedVersion: the same
// version, or one on the same semver track — 0.2.z for any z, build metadata allowed, a
// pre-release never (wasmtime-environ component/names.rs alternate_lookup_key).
func splitImportName(name string) (iface, version string, err error) {
	at := strings.IndexByte(name, '@')
	if at < 0 {
		return name, "", errors.New("has no version; the gateway links WASI interfaces at @" + LinkedVersion)
	}
	iface, version = name[:at], name[at+1:]
	core, _, _ := strings.Cut(version, "+")
	if strings.Contains(core, "-") {
		return iface, version, fmt.Errorf("is a pre-release version, which links only to exactly itself; the gateway defines @%s", LinkedVersion)
	}
	parts := strings.Split(core, ".")
	if len(parts) != 3 || !semverNumber(parts[0]) || !semverNumber(parts[1]) || !semverNumber(parts[2]) {
		return iface, version, fmt.Errorf("has version %q, which is not semver", version)
	}
	if parts[0] != "0" || parts[1] != "2" {
		return iface, version, fmt.Errorf("is at version %s, not semver-compatible with the gateway's @%s", version, LinkedVersion)
	}
	return iface, version, nil
}

func semverNumber(s string) bool {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// Interface is one WASI interface as the gateway links it.
type Interface struct {
	// Name is the instance import name it was looked up by, version included.
	Name string
	def  *ifaceDef
}

// Interfaces are the names (without version) of the interfaces the gateway links, sorted.
func Interfaces() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LookupInterface resolves a component's instance import name ("wasi:io/streams@0.2.0").
func LookupInterface(instance string) (*Interface, error) {
	iface, _, err := splitImportName(instance)
	d, known := registry[iface]
	if !known {
		reason := "not an interface the gateway links (wasmtime-wasi 44 p2: wasi:cli, clocks, filesystem, io, random, sockets)"
		if strings.HasPrefix(iface, "wasi:") {
			reason = "not a WASI interface the gateway links (it has no " + iface + "; wasmtime-wasi 44 p2 links wasi:cli, clocks, filesystem, io, random, sockets)"
		}
		return nil, &UnknownImportError{Instance: instance, Reason: reason}
	}
	if err != nil {
		return nil, &UnknownImportError{Instance: instance, Reason: err.Error()}
	}
	return &Interface{Name: instance, def: d}, nil
}

// Funcs are the names of the interface's functions, resource drops included, sorted.
func (i *Interface) Funcs() []string {
	names := make([]string, 0, len(i.def.funcs))
	for n := range i.def.funcs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Resource is the interface's resource type of that name (a type export of the instance):
// one it defines, or one it uses from another interface. Type exports that are value types
// (records, variants, enums, flags) need no definition: Wasmtime checks them structurally
// where functions use them, and this package's function types are the WIT ones.
func (i *Interface) Resource(name string) (*ResourceType, error) {
	if r, ok := i.def.resources[name]; ok {
		return r, nil
	}
	return nil, &UnknownImportError{Instance: i.Name, Name: name, Reason: "no such resource in " + i.def.name}
}

// Func is the interface's function of that name: "get-stdout", "[method]output-stream.write",
// "[resource-drop]output-stream".
func (i *Interface) Func(name string) (*Func, error) {
	d, ok := i.def.funcs[name]
	if !ok {
		return nil, &UnknownImportError{Instance: i.Name, Name: name,
			Reason: fmt.Sprintf("no such function in %s as the gateway links it (@%s, unstable features off)", i.def.name, LinkedVersion)}
	}
	f := &Func{Instance: i.Name, Name: name, Type: d.typ, def: d}
	f.Params, f.Results, f.paramsInMemory, f.resultInMemory = d.typ.coreSignature()
	return f, nil
}

// Lookup resolves one import to a host function: the instance name a component imports
// ("wasi:io/streams@0.2.0") and the function's name in it. An import the gateway does not
// link is an *UnknownImportError.
func Lookup(instance, name string) (*Func, error) {
	i, err := LookupInterface(instance)
	if err != nil {
		return nil, err
	}
	return i.Func(name)
}

// ResourceDrop is `canon resource.drop` of the resource a component imports as that type
// export of that instance.
func ResourceDrop(instance, resource string) (*Func, error) {
	i, err := LookupInterface(instance)
	if err != nil {
		return nil, err
	}
	r, err := i.Resource(resource)
	if err != nil {
		return nil, err
	}
	// A type an interface uses (wasi:cli/stdout's output-stream) is its defining interface's.
	d := registry[r.Interface].funcs["[resource-drop]"+r.Name]
	f := &Func{Instance: instance, Name: d.name, Type: d.typ, def: d}
	f.Params, f.Results, f.paramsInMemory, f.resultInMemory = d.typ.coreSignature()
	return f, nil
}

// Func is a WASI function as a core function: its WIT type and the flattened core signature
// `canon lower` gives it.
type Func struct {
	Instance string
	Name     string
	Type     *FuncType
	// Params and Results are the core signature.
	Params, Results []api.ValueType

	paramsInMemory, resultInMemory bool
	def                            *funcDef
}

// Signature is the core signature as text, e.g. "(i32, i32, i32, i32) -> ()".
func (f *Func) Signature() string { return sigString(f.Params, f.Results) }

// NeedsMemory says whether the lowering's options must name a memory: the function reads or
// writes guest memory.
func (f *Func) NeedsMemory() bool {
	if f.def.drop != nil {
		return false
	}
	if f.paramsInMemory || f.resultInMemory || f.Type.Result.hasHeap() {
		return true
	}
	for _, p := range f.Type.Params {
		if p.Type.hasHeap() {
			return true
		}
	}
	return false
}

// NeedsRealloc says whether the lowering's options must name a realloc: a result holds a
// string or list.
func (f *Func) NeedsRealloc() bool { return f.def.drop == nil && f.Type.Result.hasHeap() }

// CheckSignature compares the core signature a module imports the function with to the one
// `canon lower` gives it.
func (f *Func) CheckSignature(params, results []api.ValueType) error {
	if sigString(params, results) != f.Signature() {
		return fmt.Errorf("%s %s: imported with core signature %s, but canon lower of %s gives %s",
			f.Instance, f.Name, sigString(params, results), f.Type, f.Signature())
	}
	return nil
}

// Options are a lowering's canonical options as the runtime resolves them.
type Options struct {
	// Memory gives the memory and realloc; it may be nil for a function that needs neither.
	Memory Memory
	// Table is the component instance's handle table; nil for the host's default one.
	Table *Table
}

// Bind makes the core function for one lowering of f on host h. Errors raised inside it are
// panics wazero turns into the guest call's error: a *Trap, *ExitError, *BlockedError, or an
// error from the guest's realloc.
func (h *Host) Bind(f *Func, opts Options) api.GoFunction {
	table := opts.Table
	if table == nil {
		table = h.table
	}
	d := f.def
	return api.GoFunc(func(ctx context.Context, stack []uint64) {
		if d.drop != nil {
			// canon resource.drop is the instance's own built-in: no may_leave check.
			if err := table.Drop(uint32(stack[0]), d.drop); err != nil {
				panic(err)
			}
			return
		}
		if table.leaveDenied {
			panic(trapf("cannot leave component instance"))
		}
		c := &call{ctx: ctx, h: h, table: table, mem: opts.Memory, fuel: hostcallFuel}
		if err := h.invoke(c, f, stack); err != nil {
			panic(err)
		}
	})
}

// invoke is Wasmtime's call_sync_lower: lift the arguments, run the function, check the return
// area (after the call, as Wasmtime does), end the call's borrows, lower the result.
func (h *Host) invoke(c *call, f *Func, stack []uint64) error {
	defer c.releaseLends()
	nflat := len(f.Params)
	if f.resultInMemory {
		nflat--
	}
	argv, err := c.liftParams(f.Type, f.Params[:nflat], f.paramsInMemory, stack[:nflat])
	if err != nil {
		return err
	}
	ret, err := f.def.body(c, argv)
	if err != nil {
		return err
	}
	var retptr uint32
	if f.resultInMemory {
		retptr = uint32(stack[nflat])
		if err := c.checkPointer(f.Type.Result, retptr); err != nil {
			return err
		}
	}
	c.releaseLends()
	if f.Type.Result == nil {
		return nil
	}
	c.table.leaveDenied = true
	defer func() { c.table.leaveDenied = false }()
	if f.resultInMemory {
		return c.store(f.Type.Result, retptr, ret)
	}
	v, err := c.lowerFlat(f.Type.Result, ret)
	if err != nil {
		return err
	}
	stack[0] = v
	return nil
}

// Export is one function of a host module: the field name a core module imports it by, the
// function, and its lowering's options.
type Export struct {
	Name    string
	Func    *Func
	Options Options
}

// Instantiate builds a wazero host module named moduleName exporting the given functions, for
// core modules to import.
func (h *Host) Instantiate(ctx context.Context, r wazero.Runtime, moduleName string, exports []Export) (api.Module, error) {
	b := r.NewHostModuleBuilder(moduleName)
	seen := map[string]bool{}
	for _, e := range exports {
		if seen[e.Name] {
			return nil, fmt.Errorf("host module %q: export %q given twice", moduleName, e.Name)
		}
		seen[e.Name] = true
		b.NewFunctionBuilder().
			WithGoFunction(h.Bind(e.Func, e.Options), e.Func.Params, e.Func.Results).
			WithName(e.Func.Instance + "#" + e.Func.Name).
			Export(e.Name)
	}
	return b.Instantiate(ctx)
}
