package component

import "fmt"

// Module is a core module embedded in the component. Bytes is the module's own binary (a
// sub-slice of the input; do not modify it), ready for wazero's CompileModule. Imports and
// Exports are read from it so the instance graph can say what satisfies each import.
type Module struct {
	Index   int // position in Plan.Modules (the order modules appear in the binary, depth first)
	Offset  int // offset of the module's first byte in the input
	Bytes   []byte
	Imports []CoreImport
	Exports []CoreExport
}

// CoreImport is one import of a core module.
type CoreImport struct {
	Module, Name string
	Type         CoreExternType
}

// CoreExport is one export of a core module or core instance.
type CoreExport struct {
	Name string
	Type CoreExternType
}

// Export returns the export named name, or nil.
func (m *Module) Export(name string) *CoreExport {
	for i := range m.Exports {
		if m.Exports[i].Name == name {
			return &m.Exports[i]
		}
	}
	return nil
}

const (
	maxCoreTypes   = 1_000_000
	maxCoreImports = 1_000_000
	maxCoreFuncs   = 1_000_000
	maxCoreExports = 1_000_000
	maxCoreTables  = 100
	maxCoreMems    = 100
	maxCoreGlobals = 1_000_000
	maxFuncParams  = 1000
)

// readCoreModule reads the import and export shape of the core module in b (which starts with
// its header). It does not validate code: Wasmtime and wazero do that when they compile it.
func readCoreModule(b []byte, base int, label string) (*Module, error) {
	m := &Module{Offset: base, Bytes: b}
	r := newReader(b, base, label+" header")
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		r.fail("magic header not detected")
		return nil, r.Err()
	}
	if b[4] != 1 || b[5] != 0 || b[6] != 0 || b[7] != 0 {
		r.failAt(base+4, "expected a core module (version 01 00 00 00), found %02x %02x %02x %02x", b[4], b[5], b[6], b[7])
		return nil, r.Err()
	}
	r.pos = 8
	var types []*CoreFuncType
	var funcs []*CoreFuncType // function index space: imported then defined
	var tables, mems []CoreExternType
	var globals []CoreExternType
	var tags []CoreExternType
	for !r.eof() && r.ok() {
		id := r.u8()
		size := r.u32()
		s := r.sub(int(size), fmt.Sprintf("%s section %d", label, id))
		if !r.ok() {
			break
		}
		switch id {
		case 1: // type
			s.section = label + " type section"
			n := s.count("type", maxCoreTypes, 1)
			for i := 0; i < n && s.ok(); i++ {
				types = append(types, readCoreTypeEntry(s)...)
			}
		case 2: // import
			s.section = label + " import section"
			n := s.count("import", maxCoreImports, 3)
			for i := 0; i < n && s.ok(); i++ {
				imp := CoreImport{Module: s.name("import module name"), Name: s.name("import name")}
				imp.Type = readCoreTypeRef(s, types)
				if !s.ok() {
					break
				}
				switch imp.Type.Sort {
				case CoreFunc:
					funcs = append(funcs, imp.Type.Func)
				case CoreTable:
					tables = append(tables, imp.Type)
				case CoreMemory:
					mems = append(mems, imp.Type)
				case CoreGlobal:
					globals = append(globals, imp.Type)
				case CoreTag:
					tags = append(tags, imp.Type)
				}
				m.Imports = append(m.Imports, imp)
			}
		case 3: // function
			s.section = label + " function section"
			n := s.count("function", maxCoreFuncs, 1)
			for i := 0; i < n && s.ok(); i++ {
				funcs = append(funcs, coreFuncTypeAt(s, types, s.u32()))
			}
		case 4: // table
			s.section = label + " table section"
			n := s.count("table", maxCoreTables, 2)
			for i := 0; i < n && s.ok(); i++ {
				if s.peek() == 0x40 { // table with an init expression
					s.u8()
					s.u8()
					t := readTableType(s)
					skipConstExpr(s)
					tables = append(tables, t)
					continue
				}
				tables = append(tables, readTableType(s))
			}
		case 5: // memory
			s.section = label + " memory section"
			n := s.count("memory", maxCoreMems, 2)
			for i := 0; i < n && s.ok(); i++ {
				mems = append(mems, CoreExternType{Sort: CoreMemory, Limits: readLimits(s, true)})
			}
		case 6: // global
			s.section = label + " global section"
			n := s.count("global", maxCoreGlobals, 3)
			for i := 0; i < n && s.ok(); i++ {
				g := readGlobalType(s)
				skipConstExpr(s)
				globals = append(globals, g)
			}
		case 7: // export
			s.section = label + " export section"
			n := s.count("export", maxCoreExports, 3)
			for i := 0; i < n && s.ok(); i++ {
				name := s.name("export name")
				kindOff := s.off()
				kind := s.u8()
				idx := s.u32()
				if !s.ok() {
					break
				}
				var t CoreExternType
				var space []CoreExternType
				switch kind {
				case 0x00:
					if uint64(idx) >= uint64(len(funcs)) {
						s.failAt(kindOff, "export %q refers to function %d of %d", name, idx, len(funcs))
						break
					}
					t = CoreExternType{Sort: CoreFunc, Func: funcs[idx]}
				case 0x01:
					space = tables
				case 0x02:
					space = mems
				case 0x03:
					space = globals
				case 0x04:
					space = tags
				default:
					s.failAt(kindOff, "invalid leading byte (0x%02x) for external kind", kind)
				}
				if kind >= 0x01 && kind <= 0x04 {
					if uint64(idx) >= uint64(len(space)) {
						s.failAt(kindOff, "export %q refers to %s %d of %d", name, [...]string{"", "table", "memory", "global", "tag"}[kind], idx, len(space))
						break
					}
					t = space[idx]
				}
				m.Exports = append(m.Exports, CoreExport{Name: name, Type: t})
			}
		case 13: // tag
			s.section = label + " tag section"
			n := s.count("tag", maxCoreFuncs, 2)
			for i := 0; i < n && s.ok(); i++ {
				s.u8() // attribute
				tags = append(tags, CoreExternType{Sort: CoreTag, Func: coreFuncTypeAt(s, types, s.u32())})
			}
		default:
			// custom (0), start, element, code, data, data count: nothing we need.
			continue
		}
		if s.ok() {
			s.done()
		}
		if !s.ok() {
			return nil, s.Err()
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

func coreFuncTypeAt(r *reader, types []*CoreFuncType, idx uint32) *CoreFuncType {
	if !r.ok() {
		return nil
	}
	if uint64(idx) >= uint64(len(types)) {
		r.fail("type index %d out of bounds (%d types)", idx, len(types))
		return nil
	}
	if types[idx] == nil {
		r.fail("type index %d is not a function type", idx)
		return nil
	}
	return types[idx]
}

// readCoreTypeEntry reads one core type-section entry; a recursion group yields several types.
// Struct and array types (GC) are recorded as nil so later indices stay right.
func readCoreTypeEntry(r *reader) []*CoreFuncType {
	switch r.peek() {
	case 0x4e: // rec group
		r.u8()
		n := r.count("recursion group type", maxCoreTypes, 1)
		var out []*CoreFuncType
		for i := 0; i < n && r.ok(); i++ {
			out = append(out, readSubType(r))
		}
		return out
	default:
		return []*CoreFuncType{readSubType(r)}
	}
}

func readSubType(r *reader) *CoreFuncType {
	switch r.peek() {
	case 0x50, 0x4f: // sub, sub final
		r.u8()
		n := r.count("supertype", 1, 1)
		for i := 0; i < n; i++ {
			r.u32()
		}
	}
	return readCompositeType(r)
}

func readCompositeType(r *reader) *CoreFuncType {
	off := r.off()
	switch r.u8() {
	case 0x60:
		f := &CoreFuncType{}
		n := r.count("function parameter", maxFuncParams, 1)
		for i := 0; i < n && r.ok(); i++ {
			f.Params = append(f.Params, readCoreValType(r))
		}
		n = r.count("function result", maxFuncParams, 1)
		for i := 0; i < n && r.ok(); i++ {
			f.Results = append(f.Results, readCoreValType(r))
		}
		return f
	case 0x5f: // struct
		n := r.count("struct field", 10_000, 2)
		for i := 0; i < n && r.ok(); i++ {
			readStorageType(r)
			r.u8()
		}
		return nil
	case 0x5e: // array
		readStorageType(r)
		r.u8()
		return nil
	default:
		if r.ok() {
			r.failAt(off, "invalid leading byte (0x%02x) for type", r.b[off-r.base])
		}
		return nil
	}
}

func readStorageType(r *reader) {
	switch r.peek() {
	case 0x78, 0x77: // i8, i16
		r.u8()
	default:
		readCoreValType(r)
	}
}

// readCoreValType reads a value type; typed references (0x63/0x64 + heap type) and the GC
// abbreviations are accepted and reported as RefOther.
func readCoreValType(r *reader) CoreValType {
	off := r.off()
	b := r.u8()
	switch b {
	case 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f:
		return CoreValType(b)
	case 0x63, 0x64:
		readHeapType(r)
		return RefOther
	case 0x71, 0x72, 0x73, 0x74, 0x6e, 0x6d, 0x6b, 0x6a, 0x6c, 0x69, 0x68, 0x65:
		return RefOther
	}
	if r.ok() {
		r.failAt(off, "invalid value type 0x%02x", b)
	}
	return 0
}

func readHeapType(r *reader) {
	b := r.peek()
	if b >= 0x65 && b <= 0x74 {
		r.u8()
		return
	}
	if v := r.sleb(33); v < 0 && r.ok() {
		r.fail("invalid heap type")
	}
}

func readLimits(r *reader, memory bool) Limits {
	off := r.off()
	flags := r.u8()
	max := byte(0b111)
	if memory {
		max = 0b1111
	}
	if flags&^max != 0 {
		r.failAt(off, "invalid %s limits flags 0x%02x", map[bool]string{true: "memory", false: "table"}[memory], flags)
		return Limits{}
	}
	l := Limits{HasMax: flags&1 != 0, Shared: flags&2 != 0, Is64: flags&4 != 0, PageSizeLog2: 16}
	l.Min = r.u64()
	if l.HasMax {
		l.Max = r.u64()
	}
	if memory && flags&8 != 0 {
		l.PageSizeLog2 = r.u32()
		if l.PageSizeLog2 >= 64 && r.ok() {
			r.failAt(off, "invalid custom page size")
		}
	}
	return l
}

func readTableType(r *reader) CoreExternType {
	t := CoreExternType{Sort: CoreTable, Elem: readCoreValType(r)}
	t.Limits = readLimits(r, false)
	return t
}

func readGlobalType(r *reader) CoreExternType {
	t := CoreExternType{Sort: CoreGlobal, Global: readCoreValType(r)}
	off := r.off()
	switch r.u8() {
	case 0:
	case 1:
		t.Mutable = true
	default:
		if r.ok() {
			r.failAt(off, "malformed mutability")
		}
	}
	return t
}

// readCoreTypeRef reads an import description (func/table/memory/global/tag).
func readCoreTypeRef(r *reader, types []*CoreFuncType) CoreExternType {
	off := r.off()
	switch k := r.u8(); k {
	case 0x00:
		return CoreExternType{Sort: CoreFunc, Func: coreFuncTypeAt(r, types, r.u32())}
	case 0x01:
		return readTableType(r)
	case 0x02:
		return CoreExternType{Sort: CoreMemory, Limits: readLimits(r, true)}
	case 0x03:
		return readGlobalType(r)
	case 0x04:
		r.u8()
		return CoreExternType{Sort: CoreTag, Func: coreFuncTypeAt(r, types, r.u32())}
	default:
		if r.ok() {
			r.failAt(off, "invalid leading byte (0x%02x) for external kind", k)
		}
	}
	return CoreExternType{}
}

// skipConstExpr skips a constant expression up to and including its `end`. Only the
// instructions a constant expression may hold are understood.
func skipConstExpr(r *reader) {
	for steps := 0; r.ok(); steps++ {
		if steps > 10_000 {
			r.fail("constant expression too long")
			return
		}
		off := r.off()
		op := r.u8()
		switch op {
		case 0x0b: // end
			return
		case 0x41: // i32.const
			r.sleb(32)
		case 0x42: // i64.const
			r.sleb(64)
		case 0x43:
			r.bytes(4)
		case 0x44:
			r.bytes(8)
		case 0x23, 0xd2: // global.get, ref.func
			r.u32()
		case 0xd0: // ref.null
			readHeapType(r)
		case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e: // extended-const arithmetic
		case 0xfd: // v128.const
			if r.u32() != 12 && r.ok() {
				r.failAt(off, "unsupported SIMD instruction in constant expression")
				return
			}
			r.bytes(16)
		case 0xfb: // GC constant instructions: struct.new & co.
			sub := r.u32()
			switch sub {
			case 0, 1, 6, 7: // struct.new(_default), array.new(_default)
				r.u32()
			case 8: // array.new_fixed
				r.u32()
				r.u32()
			case 26, 27, 28: // any.convert_extern, extern.convert_any, ref.i31
			default:
				if r.ok() {
					r.failAt(off, "unsupported instruction 0xfb %d in constant expression", sub)
				}
				return
			}
		default:
			if r.ok() {
				r.failAt(off, "unsupported instruction 0x%02x in constant expression", op)
			}
			return
		}
	}
}
