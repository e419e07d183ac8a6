package wasm

// Where instructions are, for backtraces. wazero's stack trace names the functions on the
// stack but not where in them the guest was; Wasmtime prints the offset of the trapping
// instruction (innermost frame) and of each call instruction (the frames below). This index
// records, per function, the offsets of its calls (with their targets) and of the instructions
// that can trap, so a frame's offset is known whenever the function has exactly one candidate.

import (
	"bytes"
	"strings"
)

// site is one instruction of interest.
type site struct {
	offset int64  // from the start of the module
	end    int64  // the offset after the instruction
	op     byte   // the kind: opCall, opMemory, … (see below)
	target uint32 // call: the function index; call_indirect: the type index
	table  uint32 // call_indirect, table.grow: the table index
}

// funcCode is one function body: where it is and its sites. complete is false when the scanner
// stopped early (an instruction it does not know): its sites are then only a prefix.
type funcCode struct {
	start, end int64 // the body (locals and instructions) in the module
	sites      []site
	// entry and loops are where Wasmtime checks fuel (fuel.go): on entry, which its backtraces
	// place at the last declaration of locals (at start when there is none), and at the loop
	// instructions, in order.
	entry    int64
	loops    []int64
	complete bool
}

// codeIndex is a module's instruction sites, by function index (imports included).
type codeIndex struct {
	// imports are the module's function imports, in function-index order: their ordinal among
	// all the module's imports.
	imports []importRef
	// exports maps an exported function's name to its index.
	exports map[string]uint32
	funcs   map[uint32]*funcCode
	// types are the type section's entries (nil for one that is not a plain function type), and
	// funcTypes every function's type index.
	types     []*rawFuncType
	funcTypes []uint32
	// plainTypes: every type section entry is a plain function type (no GC recursion groups), so
	// a type appended at the end gets the next index.
	plainTypes bool
	// refused is the first reference type in the code that the gateway's Wasmtime refuses
	// (features.go), "" when there is none.
	refused string
}

// rawFuncType is a function type's parameter and result types as encoded.
type rawFuncType struct {
	params, results [][]byte
}

type importRef struct {
	ordinal      int
	module, name string
}

// Site kinds beyond the plain opcodes.
const (
	opUnreachable  = 0x00
	opCall         = 0x10
	opCallIndirect = 0x11
	opCallRef      = 0x14
	opMemory       = 0xf0 // a load, store or bulk memory instruction (a pseudo-opcode)
	opDivide       = 0xf1 // an integer division or remainder
	opTable        = 0xf2 // an instruction that indexes a table
	opConvert      = 0xf3 // a trapping float-to-int conversion
	opTableGrow    = 0xf4 // table.grow (site.table is the table): tables.go bounds it
)

// indexCode scans every function body of module m. A module it cannot read entirely (an opcode
// it does not know) keeps what it read before; frames in the rest get no offset.
func indexCode(m []byte) *codeIndex {
	ix := &codeIndex{exports: map[string]uint32{}, funcs: map[uint32]*funcCode{}}
	secs, err := sections(m)
	if err != nil {
		return ix
	}
	for _, s := range secs {
		switch s.id {
		case 1:
			ix.types, ix.plainTypes = readTypes(s.contents)
		case 2:
			imps, err := readImports(s.contents)
			if err != nil {
				return ix
			}
			for i, imp := range imps {
				if len(imp.desc) > 0 && imp.desc[0] == 0x00 {
					ix.imports = append(ix.imports, importRef{ordinal: i, module: imp.module, name: imp.name})
					tr := &binReader{b: imp.desc[1:]}
					ix.funcTypes = append(ix.funcTypes, tr.u32())
				}
			}
		case 3:
			r := &binReader{b: s.contents}
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil; i++ {
				t := r.u32()
				if r.err == nil {
					ix.funcTypes = append(ix.funcTypes, t)
				}
			}
		case 7:
			r := &binReader{b: s.contents}
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil; i++ {
				name := r.name()
				kind := r.byte()
				idx := r.u32()
				if r.err == nil && kind == 0x00 {
					ix.exports[name] = idx
				}
			}
		case 10:
			r := &binReader{b: s.contents}
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil; i++ {
				size := r.u32()
				start := r.pos
				body := r.bytes(uint64(size))
				if r.err != nil {
					break
				}
				fn := uint32(len(ix.imports)) + i
				base := int64(s.start + start)
				fc := &funcCode{start: base, end: base + int64(len(body))}
				fc.sites, fc.complete = scanCode(&binReader{b: body, refType: func(at int, nullable bool, heap int64) {
					if ix.refused == "" {
						ix.refused = refusedRefType(base+int64(at), nullable, heap)
					}
				}}, base, fc)
				ix.funcs[fn] = fc
			}
		}
	}
	return ix
}

// readTypes reads a type section's function types; ok is false when an entry is not a plain
// function type (a GC recursion group or subtype), after which type indices are not counted here.
func readTypes(contents []byte) ([]*rawFuncType, bool) {
	r := &binReader{b: contents}
	n := r.u32()
	var out []*rawFuncType
	valTypes := func() [][]byte {
		k := r.u32()
		if uint64(k) > uint64(len(r.b)) {
			r.fail("too many value types")
			return nil
		}
		ts := make([][]byte, 0, k)
		for j := uint32(0); j < k && r.err == nil; j++ {
			at := r.pos
			r.skipValType()
			if r.err == nil {
				ts = append(ts, r.b[at:r.pos])
			}
		}
		return ts
	}
	for i := uint32(0); i < n && r.err == nil; i++ {
		if r.byte() != 0x60 {
			return out, false
		}
		ft := &rawFuncType{params: valTypes()}
		ft.results = valTypes()
		out = append(out, ft)
	}
	return out, r.err == nil
}

// scanBody reads one function body (locals, then instructions) and returns its sites; base is
// the body's offset in the module. ok is false when it could not read the whole body.
func scanBody(body []byte, base int64) (sites []site, ok bool) {
	return scanCode(&binReader{b: body}, base, nil)
}

// scanCode is scanBody with a reader of the caller's (features.go passes one with a refType hook);
// when fc is not nil, its entry and loops are recorded.
func scanCode(r *binReader, base int64, fc *funcCode) (sites []site, ok bool) {
	entry := base + int64(r.pos)
	groups := r.u32()
	for i := uint32(0); i < groups && r.err == nil; i++ {
		entry = base + int64(r.pos)
		r.u32()
		r.skipValType()
	}
	if fc != nil {
		fc.entry = entry
	}
	var out []site
	defer func() {
		ok = r.err == nil
		for i := range out {
			if out[i].end == 0 {
				out[i].end = out[i].offset + 1
			}
		}
		sites = out
	}()
	last := -1 // the site whose end is the next instruction's start
	for !r.eof() {
		if last >= 0 && last < len(out) {
			out[last].end = base + int64(r.pos)
		}
		last = len(out)
		at := base + int64(r.pos)
		op := r.byte()
		switch {
		case op == 0x00:
			out = append(out, site{offset: at, op: opUnreachable})
		case op == 0x02 || op == 0x03 || op == 0x04 || op == 0x06:
			if op == 0x03 && fc != nil {
				fc.loops = append(fc.loops, at)
			}
			r.blockType()
		case op == 0x07 || op == 0x08 || op == 0x09 || op == 0x18 || (op >= 0x0c && op <= 0x0d) ||
			(op >= 0x20 && op <= 0x24) || op == 0xd4 || op == 0xd6:
			r.u32()
		case op == 0x25 || op == 0x26:
			r.u32()
			out = append(out, site{offset: at, op: opTable})
		case op == 0x0e:
			n := r.u32()
			for j := uint32(0); j <= n && r.err == nil; j++ {
				r.u32()
			}
		case op == 0x10 || op == 0x12:
			t := r.u32()
			if op == 0x10 {
				out = append(out, site{offset: at, op: opCall, target: t})
			}
		case op == 0x11 || op == 0x13:
			t := r.u32()
			tab := r.u32()
			if op == 0x11 {
				out = append(out, site{offset: at, op: opCallIndirect, target: t, table: tab})
			}
		case op == 0x14 || op == 0x15:
			r.u32()
			if op == 0x14 {
				out = append(out, site{offset: at, op: opCallRef})
			}
		case op == 0x1c:
			n := r.u32()
			for j := uint32(0); j < n && r.err == nil; j++ {
				r.skipValType()
			}
		case op == 0x1f:
			r.blockType()
			n := r.u32()
			for j := uint32(0); j < n && r.err == nil; j++ {
				switch r.byte() {
				case 0x00, 0x01:
					r.u32()
					r.u32()
				default:
					r.u32()
				}
			}
		case op >= 0x28 && op <= 0x3e:
			r.memarg()
			out = append(out, site{offset: at, op: opMemory})
		case op == 0x3f || op == 0x40:
			r.u32()
		case op == 0x41:
			r.sleb(32)
		case op == 0x42:
			r.sleb(64)
		case op == 0x43:
			r.bytes(4)
		case op == 0x44:
			r.bytes(8)
		case op == 0x6d || op == 0x6e || op == 0x6f || op == 0x70 || op == 0x7f || op == 0x80 || op == 0x81 || op == 0x82:
			out = append(out, site{offset: at, op: opDivide})
		case op >= 0xa8 && op <= 0xb1:
			out = append(out, site{offset: at, op: opConvert})
		case op == 0xd0:
			r.heapType()
		case op == 0xd2:
			r.u32()
		case op == 0xfc:
			if s, ok := r.prefixFC(at); ok {
				out = append(out, s)
			}
		case op == 0xfd:
			if r.prefixFD() {
				out = append(out, site{offset: at, op: opMemory})
			}
		case op == 0xfe:
			sub := r.u32()
			if sub == 0x03 {
				r.byte()
			} else {
				r.memarg()
				out = append(out, site{offset: at, op: opMemory})
			}
		case op <= 0xd6 && op != 0xfb && knownPlain(op):
		default:
			r.fail("opcode 0x%02x is not known to the harness's scanner", op)
		}
	}
	if last >= 0 && last < len(out) {
		out[last].end = base + int64(r.pos)
	}
	return
}

// knownPlain: opcodes without immediates.
func knownPlain(op byte) bool {
	switch {
	case op == 0x01, op == 0x05, op == 0x0a, op == 0x0b, op == 0x0f, op == 0x19, op == 0x1a, op == 0x1b:
		return true
	case op >= 0x45 && op <= 0xc4:
		return true
	case op == 0xd1, op == 0xd3, op == 0xd5:
		return true
	}
	return false
}

func (r *binReader) blockType() {
	if r.err != nil || r.pos >= len(r.b) {
		r.fail("missing block type")
		return
	}
	switch c := r.b[r.pos]; {
	case c == 0x40: // empty
		r.pos++
	case c == 0x63 || c == 0x64 || c > 0x40 && c <= 0x7f: // (ref null? ht), or a one-byte value type (negative as an s33)
		r.skipValType()
	default: // a type index
		r.sleb(33)
	}
}

func (r *binReader) heapType() {
	if r.refType == nil {
		r.sleb(33)
		return
	}
	at := r.pos
	if h := r.s33(); r.err == nil {
		r.refType(at, true, h)
	}
}

func (r *binReader) memarg() {
	align := r.u32()
	if align&0x40 != 0 {
		r.u32() // multi-memory: the memory index
	}
	r.uleb(64)
}

// prefixFC reads a 0xfc instruction: saturating conversions and bulk memory/table operations.
func (r *binReader) prefixFC(at int64) (site, bool) {
	sub := r.u32()
	switch {
	case sub <= 7:
		return site{}, false
	case sub == 8: // memory.init
		r.u32()
		r.u32()
		return site{offset: at, op: opMemory}, true
	case sub == 9 || sub == 13: // data.drop, elem.drop
		r.u32()
	case sub == 10: // memory.copy
		r.u32()
		r.u32()
		return site{offset: at, op: opMemory}, true
	case sub == 11: // memory.fill
		r.u32()
		return site{offset: at, op: opMemory}, true
	case sub == 12 || sub == 14: // table.init, table.copy
		r.u32()
		r.u32()
		return site{offset: at, op: opTable}, true
	case sub >= 15 && sub <= 17: // table.grow, size, fill
		t := r.u32()
		switch sub {
		case 15:
			return site{offset: at, op: opTableGrow, table: t}, true
		case 17:
			return site{offset: at, op: opTable}, true
		}
	default:
		r.fail("0xfc %d is not known to the harness's scanner", sub)
	}
	return site{}, false
}

// prefixFD reads a SIMD instruction and says whether it accesses memory.
func (r *binReader) prefixFD() bool {
	sub := r.u32()
	switch {
	case sub <= 11 || sub == 92 || sub == 93:
		r.memarg()
		return true
	case sub == 12 || sub == 13:
		r.bytes(16)
	case sub >= 21 && sub <= 34:
		r.byte()
	case sub >= 84 && sub <= 91:
		r.memarg()
		r.byte()
		return true
	}
	return false
}

// callSite is the offset of the one call instruction in function fn whose target matches; -1
// when there is none or more than one (then Wasmtime's offset cannot be known from the code).
// An indirect call counts when no direct call matches and it is the function's only one.
func (ix *codeIndex) callSite(fn uint32, matches func(uint32) bool) int64 {
	fc := ix.funcs[fn]
	if fc == nil {
		return -1
	}
	sites := fc.sites
	found, indirect, nIndirect := int64(-1), int64(-1), 0
	n := 0
	for _, s := range sites {
		switch s.op {
		case opCall:
			if matches(s.target) {
				found = s.offset
				n++
			}
		case opCallIndirect, opCallRef:
			indirect = s.offset
			nIndirect++
		}
	}
	switch {
	case n == 1:
		return found
	case n == 0 && nIndirect == 1:
		return indirect
	case n == 0 && nIndirect > 1:
		return ix.indirectSiteFor(fc, matches)
	}
	return -1
}

// indirectSiteFor is the offset of the one indirect call in fc whose type is the callee's (the
// first function matches accepts), compared structurally as Wasm compares signatures; -1 when
// none or several are. (Sites sharing a type index with another are routed through markers.)
func (ix *codeIndex) indirectSiteFor(fc *funcCode, matches func(uint32) bool) int64 {
	var want *rawFuncType
	for f, t := range ix.funcTypes {
		if matches(uint32(f)) {
			if int(t) < len(ix.types) {
				want = ix.types[t]
			}
			break
		}
	}
	if want == nil {
		return -1
	}
	found, n := int64(-1), 0
	for _, s := range fc.sites {
		if s.op == opCallIndirect && int(s.target) < len(ix.types) && want.equal(ix.types[s.target]) {
			found = s.offset
			n++
		}
	}
	if n == 1 {
		return found
	}
	return -1
}

func (t *rawFuncType) equal(u *rawFuncType) bool {
	if t == nil || u == nil || len(t.params) != len(u.params) || len(t.results) != len(u.results) {
		return false
	}
	for i := range t.params {
		if !bytes.Equal(t.params[i], u.params[i]) {
			return false
		}
	}
	for i := range t.results {
		if !bytes.Equal(t.results[i], u.results[i]) {
			return false
		}
	}
	return true
}

// trapSite is the offset of the instruction in function fn that raised the trap root, when
// only one instruction of its kind is there; -1 otherwise. A stack overflow is reported at the
// function's entry, where Wasmtime gives no offset.
func (ix *codeIndex) trapSite(fn uint32, root string) int64 {
	var want byte
	switch {
	case strings.Contains(root, "`unreachable`"):
		want = opUnreachable
	case strings.Contains(root, "out of bounds memory access"):
		want = opMemory
	case strings.Contains(root, "integer divide by zero"), strings.Contains(root, "integer overflow"):
		want = opDivide
	case strings.Contains(root, "invalid conversion to integer"):
		want = opConvert
	case strings.Contains(root, "indirect call type mismatch"), strings.Contains(root, "uninitialized element"):
		want = opCallIndirect
	case strings.Contains(root, "out of bounds table access"):
		want = opTable
	default:
		return -1
	}
	fc := ix.funcs[fn]
	if fc == nil {
		return -1
	}
	found, n := int64(-1), 0
	for _, s := range fc.sites {
		if s.op == want || (want == opTable && s.op == opCallIndirect) {
			found = s.offset
			n++
		}
	}
	if n == 1 {
		return found
	}
	return -1
}
