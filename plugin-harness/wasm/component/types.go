package component

import (
	"fmt"
	"strings"
)

// Sort is the kind of a component-level item: which index space it lives in.
type Sort uint8

const (
	SortCoreModule Sort = iota // only in imports/exports/aliases, written 0x00 0x11
	SortFunc
	SortValue
	SortType
	SortComponent
	SortInstance
)

func (s Sort) String() string {
	switch s {
	case SortCoreModule:
		return "module"
	case SortFunc:
		return "func"
	case SortValue:
		return "value"
	case SortType:
		return "type"
	case SortComponent:
		return "component"
	case SortInstance:
		return "instance"
	}
	return fmt.Sprintf("sort(%d)", uint8(s))
}

// CoreSort is the kind of a core item: what a core instance exports and a core module imports.
type CoreSort uint8

const (
	CoreFunc CoreSort = iota
	CoreTable
	CoreMemory
	CoreGlobal
	CoreTag
	CoreTypeSort     // 0x10, only in aliases
	CoreModuleSort   // 0x11
	CoreInstanceSort // 0x12
)

func (s CoreSort) String() string {
	return [...]string{"func", "table", "memory", "global", "tag", "type", "module", "instance"}[s]
}

func coreSortFromByte(b byte) (CoreSort, bool) {
	switch b {
	case 0x00:
		return CoreFunc, true
	case 0x01:
		return CoreTable, true
	case 0x02:
		return CoreMemory, true
	case 0x03:
		return CoreGlobal, true
	case 0x04:
		return CoreTag, true
	case 0x10:
		return CoreTypeSort, true
	case 0x11:
		return CoreModuleSort, true
	case 0x12:
		return CoreInstanceSort, true
	}
	return 0, false
}

// ---- core types ----

// CoreValType is a core value type byte (0x7f i32, 0x7e i64, 0x7d f32, 0x7c f64, 0x7b v128,
// 0x70 funcref, 0x6f externref); typed references are kept as RefOther.
type CoreValType uint8

const (
	I32       CoreValType = 0x7f
	I64       CoreValType = 0x7e
	F32       CoreValType = 0x7d
	F64       CoreValType = 0x7c
	V128      CoreValType = 0x7b
	FuncRef   CoreValType = 0x70
	ExternRef CoreValType = 0x6f
	RefOther  CoreValType = 0x01 // (ref null? ht) with a concrete or other abstract heap type
)

func (t CoreValType) String() string {
	switch t {
	case I32:
		return "i32"
	case I64:
		return "i64"
	case F32:
		return "f32"
	case F64:
		return "f64"
	case V128:
		return "v128"
	case FuncRef:
		return "funcref"
	case ExternRef:
		return "externref"
	}
	return "ref"
}

// CoreFuncType is a core function signature.
type CoreFuncType struct {
	Params, Results []CoreValType
}

func (f *CoreFuncType) String() string {
	var b strings.Builder
	b.WriteString("(")
	for i, p := range f.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.String())
	}
	b.WriteString(") -> (")
	for i, p := range f.Results {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.String())
	}
	b.WriteString(")")
	return b.String()
}

// Equal reports whether two signatures are the same.
func (f *CoreFuncType) Equal(g *CoreFuncType) bool {
	if f == nil || g == nil {
		return f == g
	}
	if len(f.Params) != len(g.Params) || len(f.Results) != len(g.Results) {
		return false
	}
	for i := range f.Params {
		if f.Params[i] != g.Params[i] {
			return false
		}
	}
	for i := range f.Results {
		if f.Results[i] != g.Results[i] {
			return false
		}
	}
	return true
}

// Limits are the size bounds of a memory (in pages) or table (in elements).
type Limits struct {
	Min    uint64
	Max    uint64
	HasMax bool
	Shared bool
	Is64   bool
	// PageSizeLog2 is set by the custom-page-sizes proposal; 16 (64 KiB) when absent.
	PageSizeLog2 uint32
}

// CoreExternType is the type of a core import or export.
type CoreExternType struct {
	Sort    CoreSort
	Func    *CoreFuncType // CoreFunc, CoreTag
	Elem    CoreValType   // CoreTable
	Limits  Limits        // CoreTable, CoreMemory
	Global  CoreValType   // CoreGlobal
	Mutable bool          // CoreGlobal
}

func (t CoreExternType) String() string {
	switch t.Sort {
	case CoreFunc:
		if t.Func != nil {
			return "func " + t.Func.String()
		}
	case CoreMemory:
		return fmt.Sprintf("memory (min %d pages)", t.Limits.Min)
	case CoreGlobal:
		if t.Mutable {
			return "global mut " + t.Global.String()
		}
		return "global " + t.Global.String()
	}
	return t.Sort.String()
}

// CoreModuleType is a core module type from a core type section (imports and exports).
type CoreModuleType struct {
	Imports []CoreImport
	Exports []CoreExport
}

// CoreType is an entry in a core type index space: *CoreFuncType or *CoreModuleType.
type CoreType interface{ isCoreType() }

func (*CoreFuncType) isCoreType()   {}
func (*CoreModuleType) isCoreType() {}

// ---- component types ----

// Type is an entry of a component's type index space: Primitive, *DefinedType, *FuncType,
// *InstanceType, *ComponentType or *ResourceType.
type Type interface{ isType() }

// ValType is a component value type: Primitive or *DefinedType.
type ValType interface {
	Type
	isValType()
}

// Primitive is a primitive value type (bool, integers, floats, char, string, error-context).
type Primitive uint8

const (
	Bool Primitive = iota + 1
	S8
	U8
	S16
	U16
	S32
	U32
	S64
	U64
	F32Prim
	F64Prim
	Char
	String
	ErrorContext
)

var primNames = [...]string{"", "bool", "s8", "u8", "s16", "u16", "s32", "u32", "s64", "u64",
	"f32", "f64", "char", "string", "error-context"}

func (p Primitive) String() string {
	if int(p) < len(primNames) {
		return primNames[p]
	}
	return "?"
}

func primitiveFromByte(b byte) (Primitive, bool) {
	if b >= 0x73 && b <= 0x7f {
		return Primitive(0x7f-b) + Bool, true
	}
	if b == 0x64 {
		return ErrorContext, true
	}
	return 0, false
}

// DefKind says which shape a DefinedType has.
type DefKind uint8

const (
	KindRecord DefKind = iota + 1
	KindVariant
	KindList
	KindFixedList
	KindTuple
	KindFlags
	KindEnum
	KindOption
	KindResult
	KindOwn
	KindBorrow
	KindMap
	KindFuture
	KindStream
)

var defKindNames = [...]string{"", "record", "variant", "list", "list (fixed)", "tuple", "flags",
	"enum", "option", "result", "own", "borrow", "map", "future", "stream"}

func (k DefKind) String() string { return defKindNames[k] }

// Field is a named record field or function parameter.
type Field struct {
	Name string
	Type ValType
}

// Case is a variant case; Type is nil for a case without payload.
type Case struct {
	Name string
	Type ValType
}

// DefinedType is a structured value type. Which fields are set depends on Kind.
type DefinedType struct {
	Kind     DefKind
	Fields   []Field       // record
	Cases    []Case        // variant
	Elem     ValType       // list, fixed list, option, map value, future/stream payload (may be nil)
	Key      ValType       // map key
	Len      uint32        // fixed list
	Types    []ValType     // tuple
	Names    []string      // flags, enum
	Ok, Err  ValType       // result; nil when absent
	Resource *ResourceType // own, borrow
	depth    int
}

// FuncType is a component function type.
type FuncType struct {
	Params []Field
	Result ValType // nil: no result
	Async  bool
}

// ExternDesc is one named import or export of a component or instance type.
type ExternDesc struct {
	Name string
	Sort Sort
	// Type is *FuncType, *InstanceType, *ComponentType, *CoreModuleType, a ValType (values), or
	// for SortType the exported type itself (a fresh *ResourceType for "sub resource").
	Type any
}

// InstanceType lists what an instance exports.
type InstanceType struct {
	Exports []ExternDesc
	// declared are the resources this instance type itself declares ("sub resource" exports);
	// each import of the type gets its own copies.
	declared []*ResourceType
}

// Export returns the export named name, or nil.
func (t *InstanceType) Export(name string) *ExternDesc {
	for i := range t.Exports {
		if t.Exports[i].Name == name {
			return &t.Exports[i]
		}
	}
	return nil
}

// ComponentType lists a component's imports and exports.
type ComponentType struct {
	Imports []ExternDesc
	Exports []ExternDesc
}

// ResourceType is a resource. Its identity is the pointer: two handles are of the same resource
// type exactly when their *ResourceType is the same.
type ResourceType struct {
	// Name is the export or import name that introduced the resource ("output-stream").
	Name string
	// Import is the root import that supplies an imported resource ("wasi:io/streams@0.2.0");
	// empty for a resource the component defines itself.
	Import string
	// Defined resources: Rep is the core representation (i32) and Dtor the core function index,
	// in the defining component's core func index space, of the destructor (-1 when none).
	Defined bool
	Rep     CoreValType
	Dtor    int64
	// abstract marks a resource declared by "sub resource" in a type or import that a use site
	// substitutes.
	abstract bool
}

func (*DefinedType) isType()    {}
func (Primitive) isType()       {}
func (*FuncType) isType()       {}
func (*InstanceType) isType()   {}
func (*ComponentType) isType()  {}
func (*ResourceType) isType()   {}
func (*DefinedType) isValType() {}
func (Primitive) isValType()    {}

// TypeString renders a type in WIT-like text for messages and tests.
func TypeString(t any) string {
	var b strings.Builder
	writeType(&b, t, 0)
	return b.String()
}

func writeType(b *strings.Builder, t any, depth int) {
	if depth > 20 {
		b.WriteString("…")
		return
	}
	switch t := t.(type) {
	case nil:
		b.WriteString("_")
	case Primitive:
		b.WriteString(t.String())
	case *ResourceType:
		if t.Import != "" {
			b.WriteString(t.Import + "/")
		}
		b.WriteString(t.Name)
		if t.Name == "" {
			b.WriteString("resource")
		}
	case *DefinedType:
		switch t.Kind {
		case KindRecord:
			b.WriteString("record{")
			for i, f := range t.Fields {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(f.Name + ": ")
				writeType(b, f.Type, depth+1)
			}
			b.WriteString("}")
		case KindVariant:
			b.WriteString("variant{")
			for i, c := range t.Cases {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(c.Name)
				if c.Type != nil {
					b.WriteString("(")
					writeType(b, c.Type, depth+1)
					b.WriteString(")")
				}
			}
			b.WriteString("}")
		case KindList, KindOption, KindFuture, KindStream:
			b.WriteString(t.Kind.String() + "<")
			writeType(b, t.Elem, depth+1)
			b.WriteString(">")
		case KindFixedList:
			b.WriteString("list<")
			writeType(b, t.Elem, depth+1)
			fmt.Fprintf(b, ", %d>", t.Len)
		case KindMap:
			b.WriteString("map<")
			writeType(b, t.Key, depth+1)
			b.WriteString(", ")
			writeType(b, t.Elem, depth+1)
			b.WriteString(">")
		case KindTuple:
			b.WriteString("tuple<")
			for i, e := range t.Types {
				if i > 0 {
					b.WriteString(", ")
				}
				writeType(b, e, depth+1)
			}
			b.WriteString(">")
		case KindFlags, KindEnum:
			b.WriteString(t.Kind.String() + "{" + strings.Join(t.Names, ", ") + "}")
		case KindResult:
			b.WriteString("result<")
			writeType(b, t.Ok, depth+1)
			b.WriteString(", ")
			writeType(b, t.Err, depth+1)
			b.WriteString(">")
		case KindOwn, KindBorrow:
			b.WriteString(t.Kind.String() + "<")
			writeType(b, t.Resource, depth+1)
			b.WriteString(">")
		}
	case *FuncType:
		b.WriteString("func(")
		for i, p := range t.Params {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(p.Name + ": ")
			writeType(b, p.Type, depth+1)
		}
		b.WriteString(")")
		if t.Result != nil {
			b.WriteString(" -> ")
			writeType(b, t.Result, depth+1)
		}
	case *InstanceType:
		b.WriteString("instance{")
		for i, e := range t.Exports {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(e.Sort.String() + " " + e.Name)
		}
		b.WriteString("}")
	case *ComponentType:
		fmt.Fprintf(b, "component{%d imports, %d exports}", len(t.Imports), len(t.Exports))
	case *CoreModuleType:
		fmt.Fprintf(b, "core module{%d imports, %d exports}", len(t.Imports), len(t.Exports))
	default:
		fmt.Fprintf(b, "%T", t)
	}
}

// typeDepth is the nesting depth of a value type (primitives and resources are 1).
func typeDepth(t Type) int {
	if d, ok := t.(*DefinedType); ok {
		return d.depth
	}
	return 1
}
