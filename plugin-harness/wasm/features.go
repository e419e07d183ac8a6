package wasm

// What the gateway's Wasmtime 44 refuses to compile, and what it accepts that wazero cannot run.
//
// The gateway builds wasmtime without its `gc` and `threads` cargo features, and Wasmtime 44
// leaves exceptions, function references and custom page sizes off; its validator then refuses,
// when the component is compiled ("failed to compile wasm component: plugin.wasm: failed to parse
// WebAssembly module"; the root cause is not in the gateway's message):
//   - every reference type but funcref: externref and the other abstract heap types ("gc types
//     are disallowed but found type which requires gc"), typed and non-nullable references
//     ("function references required …"), GC type definitions;
//   - shared memories and tables ("threads must be enabled for shared memories");
//   - exception tags ("exceptions proposal not enabled");
//   - custom page sizes.
// wazero accepts externref and typed references, and words the rest its own way, so the module
// is checked here first (the wat-externref and wat-shared-memory fixtures pin Wasmtime's answer).
//
// Wasmtime 44 accepts memory64, table64 and several memories in one module (on by default);
// wazero implements none of them, so such a module is a limit of the harness, not a refusal.

import "fmt"

// checkFeatures reads core module m (whose code index is ix: the code was scanned with it) and
// says why the gateway's Wasmtime refuses to compile it (refusal), or else why the harness cannot
// run it although Wasmtime can (limitation). A module the reader cannot parse gets neither:
// checkBounds and wazero report it.
func checkFeatures(m []byte, ix *codeIndex) (refusal, limitation string) {
	secs, err := sections(m)
	if err != nil {
		return "", ""
	}
	var base int
	ref := func(at int, nullable bool, heap int64) {
		if refusal == "" {
			refusal = refusedRefType(int64(base+at), nullable, heap)
		}
	}
	memories := 0
	limits := func(r *binReader, what string) {
		at := r.pos
		flags := r.byte()
		if r.err != nil || flags&^0x0f != 0 {
			return // checkBounds and wazero refuse it
		}
		switch {
		case flags&0x02 != 0 && refusal == "":
			refusal = fmt.Sprintf("a shared %s at byte %d: the gateway's Wasmtime 44 has no threads", what, base+at)
		case flags&0x08 != 0 && refusal == "":
			refusal = fmt.Sprintf("a custom page size at byte %d: Wasmtime 44 does not enable custom page sizes", base+at)
		case flags&0x04 != 0 && limitation == "":
			limitation = fmt.Sprintf("a 64-bit %s at byte %d (the memory64 proposal): Wasmtime 44 runs it, wazero cannot", what, base+at)
		}
		bits := uint(32)
		if flags&0x04 != 0 {
			bits = 64
		}
		r.uleb(bits)
		if flags&0x01 != 0 {
			r.uleb(bits)
		}
		if flags&0x08 != 0 {
			r.u32()
		}
	}
	tag := func(at int) {
		if refusal == "" {
			refusal = fmt.Sprintf("an exception tag at byte %d: Wasmtime 44 does not enable exceptions", at)
		}
	}
	for _, s := range secs {
		base = s.start
		r := &binReader{b: s.contents, refType: ref}
		switch s.id {
		case 1: // types
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil && refusal == ""; i++ {
				if form := r.byte(); form != 0x60 {
					refusal = fmt.Sprintf("type %d is a GC type (form 0x%02x): the gateway's Wasmtime 44 has no GC", i, form)
					break
				}
				r.valTypes()
				r.valTypes()
			}
		case 2: // imports
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil; i++ {
				r.name()
				r.name()
				switch kind := r.byte(); kind {
				case 0x00:
					r.u32()
				case 0x01:
					r.skipValType()
					limits(r, "table")
				case 0x02:
					memories++
					limits(r, "memory")
				case 0x03:
					r.skipValType()
					r.byte()
				case 0x04:
					tag(base + r.pos)
					r.byte()
					r.u32()
				default:
					r.fail("import kind 0x%02x", kind)
				}
			}
		case 4: // tables
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil; i++ {
				init := len(r.b) > r.pos && r.b[r.pos] == 0x40
				if init { // 0x40 0x00 tabletype expr
					r.byte()
					r.byte()
				}
				r.skipValType()
				limits(r, "table")
				if init {
					r.constExpr()
				}
			}
		case 5: // memories
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil; i++ {
				memories++
				limits(r, "memory")
			}
		case 6: // globals
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil; i++ {
				r.skipValType()
				r.byte()
				r.constExpr()
			}
		case 9: // elements
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil; i++ {
				r.element()
			}
		case 10: // code: locals and every instruction that names a type, as indexCode found them
			if refusal == "" {
				refusal = ix.refused
			}
		case 13: // tags
			tag(base)
		}
		if refusal != "" {
			return refusal, ""
		}
	}
	if memories > 1 && limitation == "" {
		limitation = fmt.Sprintf("%d memories (multi-memory): Wasmtime 44 runs them, wazero runs one memory per module", memories)
	}
	return "", limitation
}

// refusedRefType says why the gateway's Wasmtime refuses a reference type at byte at, or ""
// when it is funcref (also spelt (ref null func)).
func refusedRefType(at int64, nullable bool, heap int64) string {
	var what string
	switch {
	case heap == -0x10 && nullable:
		return ""
	case heap >= 0:
		what = "a typed function reference"
	case heap == -0x10:
		what = "a non-nullable reference"
	default:
		what = "reference type " + refTypeName(heap)
	}
	return fmt.Sprintf("%s at byte %d: the gateway's Wasmtime 44 supports no reference type but funcref", what, at)
}

// refTypeName names an abstract heap type by its s33 value.
func refTypeName(heap int64) string {
	names := map[int64]string{-0x11: "externref", -0x12: "anyref", -0x13: "eqref", -0x14: "i31ref", -0x15: "structref",
		-0x16: "arrayref", -0x17: "exnref", -0x0f: "nullref", -0x0e: "nullexternref", -0x0d: "nullfuncref", -0x0c: "nullexnref"}
	if n, ok := names[heap]; ok {
		return n
	}
	return fmt.Sprintf("with heap type 0x%02x", byte(heap+0x80))
}

// s33 reads a signed LEB128 of at most 33 bits (a heap type or block type).
func (r *binReader) s33() int64 {
	var v int64
	for shift := uint(0); ; shift += 7 {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		if shift >= 33 {
			r.fail("integer too large for 33 bits")
			return 0
		}
		v |= int64(c&0x7f) << shift
		if c&0x80 == 0 {
			if shift+7 < 64 && c&0x40 != 0 {
				v |= -1 << (shift + 7)
			}
			return v
		}
	}
}
