package cabi

// The three worlds of mcpg:plugin@0.1.0, their exported interfaces and functions, and the core
// signature each function has once lifted (CanonicalABI.md flatten_functype, context "lift").

import "slices"

// CoreSig is a core function type.
type CoreSig struct {
	Params  []ValType
	Results []ValType
}

// Equal reports whether two signatures have the same params and results.
func (s CoreSig) Equal(o CoreSig) bool {
	return slices.Equal(s.Params, o.Params) && slices.Equal(s.Results, o.Results)
}

func (s CoreSig) String() string {
	out := "("
	for i, p := range s.Params {
		if i > 0 {
			out += ", "
		}
		out += p.String()
	}
	out += ") -> ("
	for i, r := range s.Results {
		if i > 0 {
			out += ", "
		}
		out += r.String()
	}
	return out + ")"
}

// Signatures of the core functions around a call: the guest's allocator and initialiser.
var (
	ReallocSig    = CoreSig{Params: []ValType{I32, I32, I32, I32}, Results: []ValType{I32}}
	InitializeSig = CoreSig{}
)

type param struct {
	name string
	t    *witType
}

// Func is one function of an exported interface.
type Func struct {
	Name string // the WIT name, e.g. "evaluate-pre-dispatch"
	// Core is the signature the core function under `canon lift` must have.
	Core CoreSig
	// PostReturn is the signature of its optional post-return function: the flat results, nothing back.
	PostReturn CoreSig
	// SpillsParams: the parameters flatten to more than MaxFlatParams values, so they are stored
	// as one tuple in guest memory and the core function takes its address.
	SpillsParams bool
	// NeedsRealloc: lowering the parameters allocates guest memory, so the lift must name a realloc.
	NeedsRealloc bool
	// NeedsMemory: lowering or lifting touches linear memory, so the lift must name a memory.
	NeedsMemory bool

	params []param
	result *witType
}

func newFunc(name string, result *witType, params ...param) Func {
	f := Func{Name: name, params: params, result: result}
	var flatParams []ValType
	for _, p := range params {
		flatParams = append(flatParams, p.t.Flat()...)
		if usesMemory(p.t) {
			f.NeedsRealloc = true
		}
	}
	if len(flatParams) > MaxFlatParams {
		flatParams = []ValType{I32}
		f.SpillsParams, f.NeedsRealloc = true, true
	}
	flatResults := result.Flat()
	if len(flatResults) > MaxFlatResults {
		flatResults = []ValType{I32} // the address of the result, in memory the guest owns
	}
	f.NeedsMemory = f.NeedsRealloc || len(result.Flat()) > MaxFlatResults || usesMemory(result)
	f.Core = CoreSig{Params: flatParams, Results: flatResults}
	f.PostReturn = CoreSig{Params: flatResults}
	return f
}

// usesMemory: values of t hold strings or lists, which live in linear memory.
func usesMemory(t *witType) bool {
	switch t.kind {
	case kindString, kindList:
		return true
	case kindRecord:
		for _, f := range t.fields {
			if usesMemory(f.t) {
				return true
			}
		}
	case kindVariant:
		for _, c := range t.cases {
			if c.t != nil && usesMemory(c.t) {
				return true
			}
		}
	}
	return false
}

// paramTuple is the tuple of a function's parameter types: its layout is the spilled parameters'.
func (f *Func) paramTuple() *witType {
	ts := make([]*witType, len(f.params))
	for i, p := range f.params {
		ts[i] = p.t
	}
	return tuple(ts...)
}

// World is one of the worlds a Wasm plugin implements; it exports exactly one interface.
type World struct {
	Name      string // "tool-gate-plugin"
	Interface string // the exported instance's name, "mcpg:plugin/tool-gate@0.1.0"
	Class     string // the descriptor class that selects this world, "tool_gate"
	Funcs     []Func
}

// Func finds a function of the world's interface by its WIT name.
func (w *World) Func(name string) (*Func, bool) {
	for i := range w.Funcs {
		if w.Funcs[i].Name == name {
			return &w.Funcs[i], true
		}
	}
	return nil, false
}

// Package is the WIT package all three worlds belong to.
const Package = "mcpg:plugin@0.1.0"

// The functions, shared where interfaces share them (manifest is in all three).
var (
	FuncManifest            = newFunc("manifest", tManifest)
	FuncEvaluatePreDispatch = newFunc("evaluate-pre-dispatch", tGateDecision,
		param{"ctx", tContext}, param{"arguments", tString}, param{"meta", tOptString}, param{"config", tString})
	FuncEvaluatePostDispatch = newFunc("evaluate-post-dispatch", tGateDecision,
		param{"ctx", tContext}, param{"arguments", tString}, param{"result", tString},
		param{"execution-duration-ms", tU64}, param{"config", tString})
	FuncTransformArguments = newFunc("transform-arguments", tTransformResult,
		param{"ctx", tContext}, param{"arguments", tString}, param{"config", tString})
	FuncTransformOutput = newFunc("transform-output", tTransformResult,
		param{"ctx", tContext}, param{"result", tString}, param{"config", tString})
	FuncResolveIdentity = newFunc("resolve-identity", tIdentityResolution,
		param{"headers", tPairs}, param{"config", tString})
)

// The worlds, keyed by the descriptor class that picks them.
var (
	ToolGateWorld = World{Name: "tool-gate-plugin", Interface: "mcpg:plugin/tool-gate@0.1.0", Class: "tool_gate",
		Funcs: []Func{FuncManifest, FuncEvaluatePreDispatch, FuncEvaluatePostDispatch}}
	TransformWorld = World{Name: "transform-plugin", Interface: "mcpg:plugin/transform@0.1.0", Class: "transform",
		Funcs: []Func{FuncManifest, FuncTransformArguments, FuncTransformOutput}}
	IdentityWorld = World{Name: "identity-plugin", Interface: "mcpg:plugin/identity@0.1.0", Class: "identity_provider",
		Funcs: []Func{FuncManifest, FuncResolveIdentity}}
)

// TypesInterface is the interface the worlds' types come from; components import it for its types
// only.
const TypesInterface = "mcpg:plugin/types@0.1.0"

// WorldForClass is the world a descriptor class selects; only the three Tier-1 classes have one.
func WorldForClass(class string) (*World, bool) {
	for _, w := range []*World{&ToolGateWorld, &TransformWorld, &IdentityWorld} {
		if w.Class == class {
			return w, true
		}
	}
	return nil, false
}
