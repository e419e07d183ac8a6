package wasip2

import (
	"fmt"
	"strings"

	"github.com/tetratelabs/wazero/api"
)

// Kind is a WIT type constructor. Only those WASI 0.2 uses are here: no floats, no signed
// integers, no char.
type Kind uint8

const (
	KindBool Kind = iota
	KindU8
	KindU16
	KindU32
	KindU64
	KindString
	KindList
	KindTuple
	KindRecord
	KindVariant
	KindEnum
	KindFlags
	KindOption
	KindResult
	KindOwn
	KindBorrow
)

// Type is a WIT value type.
type Type struct {
	Kind Kind
	// Name is the WIT name of a named type (record, variant, enum, flags), for messages.
	Name string
	// Elem is a list's or an option's element.
	Elem *Type
	// Fields are a record's fields or a tuple's members (then without names).
	Fields []Field
	// Cases are a variant's cases (Type nil when a case has no payload) or an enum's names.
	Cases []Field
	// Flags are a flags type's names.
	Flags []string
	// Ok and Err are a result's payloads; nil for `_`.
	Ok, Err *Type
	// Resource is the resource of an own or borrow handle.
	Resource *ResourceType
}

// Field is a named member of a record, or a case of a variant or enum.
type Field struct {
	Name string
	Type *Type
}

var (
	tBool   = &Type{Kind: KindBool}
	tU8     = &Type{Kind: KindU8}
	tU16    = &Type{Kind: KindU16}
	tU32    = &Type{Kind: KindU32}
	tU64    = &Type{Kind: KindU64}
	tString = &Type{Kind: KindString}
	tBytes  = listOf(tU8)
)

func listOf(t *Type) *Type   { return &Type{Kind: KindList, Elem: t} }
func optionOf(t *Type) *Type { return &Type{Kind: KindOption, Elem: t} }
func own(r *ResourceType) *Type {
	return &Type{Kind: KindOwn, Resource: r}
}
func borrow(r *ResourceType) *Type {
	return &Type{Kind: KindBorrow, Resource: r}
}
func resultOf(ok, err *Type) *Type { return &Type{Kind: KindResult, Ok: ok, Err: err} }

func tupleOf(ts ...*Type) *Type {
	fs := make([]Field, len(ts))
	for i, t := range ts {
		fs[i] = Field{Type: t}
	}
	return &Type{Kind: KindTuple, Fields: fs}
}

// record takes alternating names and types.
func record(name string, fields ...any) *Type {
	return &Type{Kind: KindRecord, Name: name, Fields: pairs(fields)}
}

// variant takes alternating case names and payload types (nil: no payload).
func variant(name string, cases ...any) *Type {
	return &Type{Kind: KindVariant, Name: name, Cases: pairs(cases)}
}

func enum(name string, cases ...string) *Type {
	fs := make([]Field, len(cases))
	for i, c := range cases {
		fs[i] = Field{Name: c}
	}
	return &Type{Kind: KindEnum, Name: name, Cases: fs}
}

func flags(name string, names ...string) *Type {
	return &Type{Kind: KindFlags, Name: name, Flags: names}
}

func pairs(xs []any) []Field {
	fs := make([]Field, 0, len(xs)/2)
	for i := 0; i+1 < len(xs); i += 2 {
		t, _ := xs[i+1].(*Type)
		fs = append(fs, Field{Name: xs[i].(string), Type: t})
	}
	return fs
}

// String is the type in WIT syntax (named types by name).
func (t *Type) String() string {
	if t == nil {
		return "_"
	}
	switch t.Kind {
	case KindBool:
		return "bool"
	case KindU8:
		return "u8"
	case KindU16:
		return "u16"
	case KindU32:
		return "u32"
	case KindU64:
		return "u64"
	case KindString:
		return "string"
	case KindList:
		return "list<" + t.Elem.String() + ">"
	case KindOption:
		return "option<" + t.Elem.String() + ">"
	case KindResult:
		switch {
		case t.Ok == nil && t.Err == nil:
			return "result"
		case t.Err == nil:
			return "result<" + t.Ok.String() + ">"
		}
		return "result<" + t.Ok.String() + ", " + t.Err.String() + ">"
	case KindTuple:
		parts := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			parts[i] = f.Type.String()
		}
		return "tuple<" + strings.Join(parts, ", ") + ">"
	case KindOwn:
		return t.Resource.Name
	case KindBorrow:
		return "borrow<" + t.Resource.Name + ">"
	}
	return t.Name
}

// The canonical ABI's layout of a type in linear memory and as flat core values
// (component-model design/mvp/CanonicalABI.md, "Alignment", "Element Size", "Flattening").

// discSize is the byte width of a variant discriminant for n cases.
func discSize(n int) uint32 {
	switch {
	case n <= 1<<8:
		return 1
	case n <= 1<<16:
		return 2
	}
	return 4
}

// cases is the variant view of a variant, enum, option or result (the ABI's despecialisation).
func (t *Type) cases() []*Type {
	switch t.Kind {
	case KindVariant:
		ts := make([]*Type, len(t.Cases))
		for i, c := range t.Cases {
			ts[i] = c.Type
		}
		return ts
	case KindEnum:
		return make([]*Type, len(t.Cases))
	case KindOption:
		return []*Type{nil, t.Elem}
	case KindResult:
		return []*Type{t.Ok, t.Err}
	}
	return nil
}

func (t *Type) isVariantLike() bool {
	switch t.Kind {
	case KindVariant, KindEnum, KindOption, KindResult:
		return true
	}
	return false
}

func alignTo(n, a uint32) uint32 { return (n + a - 1) / a * a }

func (t *Type) align() uint32 {
	switch t.Kind {
	case KindBool, KindU8:
		return 1
	case KindU16:
		return 2
	case KindU32, KindString, KindList, KindOwn, KindBorrow:
		return 4
	case KindU64:
		return 8
	case KindTuple, KindRecord:
		a := uint32(1)
		for _, f := range t.Fields {
			a = max(a, f.Type.align())
		}
		return a
	case KindFlags:
		switch n := len(t.Flags); {
		case n <= 8:
			return 1
		case n <= 16:
			return 2
		}
		return 4
	}
	cs := t.cases()
	a := discSize(len(cs))
	for _, c := range cs {
		if c != nil {
			a = max(a, c.align())
		}
	}
	return a
}

func (t *Type) size() uint32 {
	switch t.Kind {
	case KindBool, KindU8:
		return 1
	case KindU16:
		return 2
	case KindU32, KindOwn, KindBorrow:
		return 4
	case KindU64, KindString, KindList:
		return 8
	case KindTuple, KindRecord:
		var s uint32
		for _, f := range t.Fields {
			s = alignTo(s, f.Type.align()) + f.Type.size()
		}
		return alignTo(s, t.align())
	case KindFlags:
		switch n := len(t.Flags); {
		case n <= 8:
			return 1
		case n <= 16:
			return 2
		default:
			return 4 * uint32((n+31)/32)
		}
	}
	return alignTo(t.payloadOffset()+t.maxCaseSize(), t.align())
}

// payloadOffset is where a variant's payload starts after its discriminant.
func (t *Type) payloadOffset() uint32 {
	cs := t.cases()
	var a uint32 = 1
	for _, c := range cs {
		if c != nil {
			a = max(a, c.align())
		}
	}
	return alignTo(discSize(len(cs)), a)
}

func (t *Type) maxCaseSize() uint32 {
	var s uint32
	for _, c := range t.cases() {
		if c != nil {
			s = max(s, c.size())
		}
	}
	return s
}

// flat is the type's flattening into core value types.
func (t *Type) flat() []api.ValueType {
	switch t.Kind {
	case KindBool, KindU8, KindU16, KindU32, KindEnum, KindOwn, KindBorrow:
		return []api.ValueType{api.ValueTypeI32}
	case KindU64:
		return []api.ValueType{api.ValueTypeI64}
	case KindString, KindList:
		return []api.ValueType{api.ValueTypeI32, api.ValueTypeI32}
	case KindTuple, KindRecord:
		var out []api.ValueType
		for _, f := range t.Fields {
			out = append(out, f.Type.flat()...)
		}
		return out
	case KindFlags:
		n := (len(t.Flags) + 31) / 32
		out := make([]api.ValueType, n)
		for i := range out {
			out[i] = api.ValueTypeI32
		}
		return out
	}
	var joined []api.ValueType
	for _, c := range t.cases() {
		if c == nil {
			continue
		}
		for i, ft := range c.flat() {
			if i < len(joined) {
				joined[i] = join(joined[i], ft)
			} else {
				joined = append(joined, ft)
			}
		}
	}
	return append([]api.ValueType{api.ValueTypeI32}, joined...)
}

// join is the canonical ABI's join of two flat types; only i32 and i64 occur in WASI 0.2.
func join(a, b api.ValueType) api.ValueType {
	if a == b {
		return a
	}
	return api.ValueTypeI64
}

// hasHeap reports whether lowering a value of the type into the guest needs realloc.
func (t *Type) hasHeap() bool {
	if t == nil {
		return false
	}
	switch t.Kind {
	case KindString, KindList:
		return true
	case KindTuple, KindRecord:
		for _, f := range t.Fields {
			if f.Type.hasHeap() {
				return true
			}
		}
	case KindVariant, KindEnum, KindOption, KindResult:
		for _, c := range t.cases() {
			if c.hasHeap() {
				return true
			}
		}
	}
	return false
}

// FuncType is a WIT function type: named parameters and at most one result.
type FuncType struct {
	Params []Field
	Result *Type // nil: no result
}

func (ft *FuncType) String() string {
	parts := make([]string, len(ft.Params))
	for i, p := range ft.Params {
		parts[i] = p.Name + ": " + p.Type.String()
	}
	s := "func(" + strings.Join(parts, ", ") + ")"
	if ft.Result != nil {
		s += " -> " + ft.Result.String()
	}
	return s
}

// Canonical ABI limits for a synchronous lowering.
const (
	maxFlatParams  = 16
	maxFlatResults = 1
)

// coreSignature is the core function type `canon lower` gives the WIT function: the flat
// parameters (or one pointer when there are more than 16), plus a return pointer when the
// result flattens to more than one value.
func (ft *FuncType) coreSignature() (params, results []api.ValueType, paramsInMemory, resultInMemory bool) {
	for _, p := range ft.Params {
		params = append(params, p.Type.flat()...)
	}
	if len(params) > maxFlatParams {
		params = []api.ValueType{api.ValueTypeI32}
		paramsInMemory = true
	}
	if ft.Result != nil {
		results = ft.Result.flat()
	}
	if len(results) > maxFlatResults {
		params = append(params, api.ValueTypeI32)
		results = nil
		resultInMemory = true
	}
	return params, results, paramsInMemory, resultInMemory
}

// paramTuple is the parameters as one tuple, the shape they have in memory when spilled.
func (ft *FuncType) paramTuple() *Type {
	ts := make([]*Type, len(ft.Params))
	for i, p := range ft.Params {
		ts[i] = p.Type
	}
	return tupleOf(ts...)
}

func sigString(params, results []api.ValueType) string {
	name := func(ts []api.ValueType) string {
		parts := make([]string, len(ts))
		for i, t := range ts {
			parts[i] = api.ValueTypeName(t)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprintf("(%s) -> (%s)", name(params), name(results))
}
