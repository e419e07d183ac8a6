package wasm

// Tables, bounded as the gateway's Wasmtime bounds them, in memory the worker can afford.
//
// The gateway's ResourceLimiter refuses memory past memory_mb but allows every table growth
// (mcpg-plugin-host src/wasm.rs, table_growing), so Wasmtime 44's own behaviour decides. Measured
// with scripts/wasm-oracle (the wat-table-grow and wat-table-min fixtures pin it):
//   - a table's elements take 8 bytes each, allocated whole: for its minimum when the table is
//     made (lazily: zeroed pages, so a table of 100 M elements costs nothing until used), and
//     again by every table.grow, which writes each new element (about 6 ns an element on the
//     oracle's host: 10 M in 63 ms; 20 M pass the 100 ms deadline, 50 M the 200 ms backstop);
//   - table.grow answers -1 only past the table's maximum (the declared one, else 2^32-1
//     elements), before allocating;
//   - an allocation the host refuses is an error, never -1: the plugin fails to instantiate
//     ("out of memory (failed to allocate N bytes)"), or table.grow fails the call with that
//     message (deny 500 for a gate, no backtrace). Linux's default overcommit heuristic refuses
//     one mapping larger than RAM + swap: a table of 2^32-1 elements (32 GiB) loads on a larger
//     host;
//   - a table64 minimum of 2^60 elements or more is "invalid parameters to
//     Layout::from_size_align", and of 2^61 or more (its size in bytes overflows) a panic.
//
// wazero makes every table a Go slice of its whole size, at every instantiation (one per call),
// and grows it by appending: the worker would really allocate a large table, and a table of 2^32
// elements would crash it (Go cannot recover from running out of memory). So tables are bounded
// before wazero sees them. The minimums of all the component's tables may add up to
// maxTableElements. Every table.grow is rewritten into a call of a function added to the module
// (with the sites.go machinery): past the table's maximum it answers -1, as Wasmtime does; past
// the table's share of maxTableElements it stores the size asked for in a global of its own and
// traps, and that trap becomes Wasmtime's decision: the out-of-memory error when this host would
// refuse the allocation, else the gateway's backstop (504), since filling that many elements
// takes Wasmtime longer than its deadline and grace.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/component"
)

// maxTableElements bounds the elements of all the tables of one call (8 bytes each in wazero:
// 128 MiB). It is about what Wasmtime fills within its 100 ms deadline.
const maxTableElements = 1 << 24

// growGlobal is the export under which a rewritten module keeps the table size that its refused
// table.grow asked for.
const growGlobal = "mcpg:harness/table-grow-size"

// tableRef names a table: core instance and table index.
type tableRef struct {
	inst  int
	index uint32
}

// tableDecl is one table of a core module, in table-index order (imports first).
type tableDecl struct {
	elem          []byte // the element type as encoded
	min, max      uint64
	hasMax, is64  bool
	importOrdinal int // the import's position among all the module's imports; -1 when defined
}

// maxSize is the size past which table.grow answers -1.
func (d tableDecl) maxSize() uint64 {
	switch {
	case d.hasMax:
		return d.max
	case d.is64:
		return 1<<64 - 1
	}
	return 1<<32 - 1
}

// tableBounds is what the load learned of the program's tables.
type tableBounds struct {
	decls [][]tableDecl        // by instance
	def   [][]tableRef         // the table each table index is, by instance (inst -1: unknown)
	limit map[tableRef]uint64  // a defined table's size limit here
	share uint64               // the limit of a table whose definition is unknown
	grows map[int]*growHelpers // by instance, where table.grow was rewritten
	names map[int]string       // the name section's module name, by instance
	exps  []map[string]uint32  // table exports, by instance
	code  []*codeIndex         // each instance's module as built, indexed (codeindex.go)
	grown []bool               // whether each instance's module may have a table.grow
	alloc func() (uint64, string)
}

// growHelpers are the functions added to one module for its table.grow instructions.
type growHelpers struct {
	first  uint32
	tables []uint32 // the table each helper grows
}

// preflight checks the program's core modules in the gateway's order: what Wasmtime refuses to
// compile (features.go), then, instance by instance, the allocations instantiation makes that
// Wasmtime refuses (memories past memory_mb; tables the host cannot allocate), and last what
// the harness cannot run although Wasmtime can. It records the tables' limits for boundGrowth.
// With prepared (a run's rewriting from the code cache, made only when every check passed), the
// code is not read again.
func (p *program) preflight(instances []*component.CoreInstance, specs [][]arg, prepared *preparedProgram) error {
	var limitation string
	tb := &tableBounds{limit: map[tableRef]uint64{}, grows: map[int]*growHelpers{}, names: map[int]string{}, alloc: allocLimit}
	p.tables = tb
	for i, in := range instances {
		if prepared != nil {
			tb.code = append(tb.code, nil)
			tb.grown = append(tb.grown, prepared.Insts[i].Grown)
			continue
		}
		ix := indexCode(in.Module.Bytes)
		tb.code = append(tb.code, ix)
		tb.grown = append(tb.grown, hasTableGrow(ix, in.Module.Bytes))
		refusal, lim := checkFeatures(in.Module.Bytes, ix)
		if refusal != "" {
			return &Refusal{Stage: "compile", Chain: []string{"failed to compile wasm component: plugin.wasm: failed to parse WebAssembly module"},
				Detail: fmt.Sprintf("core module %d: %s (Wasmtime's root cause is not reproduced)", in.Module.Index, refusal)}
		}
		if limitation == "" && lim != "" {
			limitation = fmt.Sprintf("core module %d has %s", in.Module.Index, lim)
		}
	}
	var sum uint64
	var defined []tableRef
	for i, in := range instances {
		// Wasmtime makes an instance's memories, then its tables.
		for _, min := range memoryMinimums(in.Module.Bytes) {
			if min > p.memoryLimit {
				return &instantiateRefusal{msg: fmt.Sprintf("memory minimum size of %d pages exceeds memory limits", min)}
			}
		}
		decls, exports := readTables(in.Module.Bytes)
		tb.decls = append(tb.decls, decls)
		tb.exps = append(tb.exps, exports)
		names := readNames(in.Module.Bytes)
		p.names = append(p.names, names)
		tb.names[i] = names.module
		defs := make([]tableRef, len(decls))
		for t, d := range decls {
			defs[t] = tableRef{inst: -1}
			if d.importOrdinal >= 0 {
				if d.importOrdinal < len(specs[i]) {
					defs[t] = tb.resolve(specs[i][d.importOrdinal])
				}
				continue
			}
			defs[t] = tableRef{inst: i, index: uint32(t)}
			switch limit, how := tb.alloc(); {
			case d.min >= 1<<61:
				return fmt.Errorf("core module %d defines a table of %d elements: Wasmtime 44 panics instantiating it (its size in bytes "+
					"overflows), so the gateway would not survive loading this plugin; there is no decision to show", in.Module.Index, d.min)
			case d.min >= 1<<60:
				return &instantiateRefusal{msg: "invalid parameters to Layout::from_size_align"}
			case d.min*8 > limit:
				return &instantiateRefusal{msg: fmt.Sprintf("out of memory (failed to allocate %d bytes)", d.min*8),
					detail: fmt.Sprintf("Wasmtime allocates the table's %d elements at once, 8 bytes each; %s. On a gateway host with more "+
						"memory the plugin loads", d.min, how)}
			}
			sum = min(sum+d.min, 1<<62) // each below 2^60 here
			defined = append(defined, defs[t])
		}
		tb.def = append(tb.def, defs)
		// Then it writes the active element segments, then the data segments.
		if trap := segmentTrap(in.Module.Bytes, decls); trap != "" {
			return &instantiateRefusal{msg: trap}
		}
	}
	if limitation != "" {
		return fmt.Errorf("%s; the harness cannot run it", limitation)
	}
	if sum > maxTableElements {
		return fmt.Errorf("the component's tables have %d elements in all at instantiation; the harness runs at most %d (wazero "+
			"allocates them whole for every call), so it cannot run this plugin — the gateway's Wasmtime allocates them lazily and loads it", sum, maxTableElements)
	}
	tb.share = tb.shareOut(defined, maxTableElements-sum)
	return nil
}

// shareOut divides the headroom between the defined tables: in turn from the one that can grow
// least (its declared maximum), each gets an equal part of what is left, or all it can use. A
// table with a small maximum so leaves the rest to the others. It returns an equal part of the
// whole, the limit of a table whose definition is unknown.
func (tb *tableBounds) shareOut(defined []tableRef, headroom uint64) uint64 {
	room := func(r tableRef) uint64 {
		d := tb.decls[r.inst][r.index]
		return d.maxSize() - min(d.min, d.maxSize())
	}
	order := append([]tableRef(nil), defined...)
	sort.SliceStable(order, func(i, j int) bool { return room(order[i]) < room(order[j]) })
	left := headroom
	for i, r := range order {
		part := min(left/uint64(len(order)-i), room(r))
		tb.limit[r] = tb.decls[r.inst][r.index].min + part
		left -= part
	}
	return headroom / uint64(max(len(defined), 1))
}

// segmentTrap is the trap Wasmtime raises instantiating module m, whose tables are decls,
// when an active element or data segment with a constant offset does not fit in a table or
// memory the module defines (so of its minimum size), or "". wazero ignores such an element
// segment (and every one after it); a data segment it refuses itself, with its own words (see
// boundsFailure). Segments into imported tables and memories, or at an offset read from a
// global, are left to wazero: their size is only known once the instances before are made.
func segmentTrap(m []byte, decls []tableDecl) string {
	secs, err := sections(m)
	if err != nil {
		return ""
	}
	var memories []uint64 // bytes; 0 with ok false for an imported memory
	var definedMemory []bool
	offset := func(r *binReader) (uint64, bool) {
		if len(r.b)-r.pos >= 3 && r.b[r.pos] == 0x41 {
			save := r.pos
			r.pos++
			v := r.s33()
			if r.err == nil && r.pos < len(r.b) && r.b[r.pos] == 0x0b {
				r.pos++
				return uint64(uint32(v)), true
			}
			r.pos, r.err = save, nil
		}
		r.constExpr()
		return 0, false
	}
	for _, s := range secs {
		r := &binReader{b: s.contents}
		switch s.id {
		case 2:
			imps, _ := readImports(s.contents)
			for _, imp := range imps {
				if len(imp.desc) > 0 && imp.desc[0] == 0x02 {
					memories, definedMemory = append(memories, 0), append(definedMemory, false)
				}
			}
		case 5:
			for _, pages := range memoryMinimums(m) {
				memories, definedMemory = append(memories, pages*65536), append(definedMemory, true)
			}
		case 9:
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil; i++ {
				flags := r.u32()
				if flags > 7 {
					return ""
				}
				active := flags&0x01 == 0
				table := uint32(0)
				if active && flags&0x02 != 0 {
					table = r.u32()
				}
				var off uint64
				known := false
				if active {
					off, known = offset(r)
				}
				if flags&0x03 != 0 {
					r.skipValType() // element kind or reference type
				}
				count := r.count()
				for j := uint32(0); j < count && r.err == nil; j++ {
					if flags&0x04 != 0 {
						r.constExpr()
					} else {
						r.u32()
					}
				}
				if r.err == nil && active && known && int(table) < len(decls) && decls[table].importOrdinal < 0 && off+uint64(count) > decls[table].min {
					return "wasm trap: undefined element: out of bounds table access"
				}
			}
		case 11:
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil; i++ {
				flags := r.u32()
				if flags > 2 {
					return ""
				}
				if flags == 1 { // passive
					r.bytes(r.uleb(32))
					continue
				}
				mem := uint32(0)
				if flags == 2 {
					mem = r.u32()
				}
				off, known := offset(r)
				size := r.uleb(32)
				r.bytes(size)
				if r.err == nil && known && int(mem) < len(memories) && definedMemory[mem] && off+size > memories[mem] {
					return "wasm trap: out of bounds memory access"
				}
			}
		}
		if r.err != nil {
			return ""
		}
	}
	return ""
}

// resolve finds the table an import is satisfied with: an earlier instance's export, itself
// perhaps an import.
func (tb *tableBounds) resolve(a arg) tableRef {
	if a.kind != argExport || a.inst < 0 || a.inst >= len(tb.def) {
		return tableRef{inst: -1}
	}
	t, ok := tb.exps[a.inst][a.name]
	if !ok || int(t) >= len(tb.def[a.inst]) {
		return tableRef{inst: -1}
	}
	return tb.def[a.inst][t]
}

// readTables reads a module's tables (imports first) and its table exports. A module it cannot
// read yields what it read: checkBounds and wazero refuse such a module.
func readTables(m []byte) ([]tableDecl, map[string]uint32) {
	var out []tableDecl
	exports := map[string]uint32{}
	secs, err := sections(m)
	if err != nil {
		return nil, exports
	}
	for _, s := range secs {
		switch s.id {
		case 2:
			imps, err := readImports(s.contents)
			if err != nil {
				return out, exports
			}
			for i, imp := range imps {
				if len(imp.desc) > 0 && imp.desc[0] == 0x01 {
					r := &binReader{b: imp.desc[1:]}
					if d, ok := readTableType(r); ok {
						d.importOrdinal = i
						out = append(out, d)
					}
				}
			}
		case 4:
			r := &binReader{b: s.contents}
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil; i++ {
				init := len(r.b) > r.pos && r.b[r.pos] == 0x40
				if init {
					r.bytes(2)
				}
				d, ok := readTableType(r)
				if !ok {
					break
				}
				if init {
					r.constExpr()
				}
				d.importOrdinal = -1
				out = append(out, d)
			}
		case 7:
			r := &binReader{b: s.contents}
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil; i++ {
				name := r.name()
				kind := r.byte()
				idx := r.u32()
				if r.err == nil && kind == 0x01 {
					exports[name] = idx
				}
			}
		}
	}
	return out, exports
}

func readTableType(r *binReader) (tableDecl, bool) {
	start := r.pos
	r.skipValType()
	d := tableDecl{elem: r.b[start:min(r.pos, len(r.b))]}
	flags := r.byte()
	d.is64 = flags&0x04 != 0
	bits := uint(32)
	if d.is64 {
		bits = 64
	}
	d.min = r.uleb(bits)
	if flags&0x01 != 0 {
		d.hasMax, d.max = true, r.uleb(bits)
	}
	return d, r.err == nil
}

// boundGrowth rewrites core instance inst's module m (as it will be compiled) so that each
// table.grow calls a helper added at the end of the module; m unchanged when it has none.
func (tb *tableBounds) boundGrowth(inst int, m []byte) ([]byte, error) {
	if !tb.grown[inst] {
		return m, nil
	}
	ix := indexCode(m) // m has the marker functions (sites.go) besides the guest's
	var tables []uint32
	helperOf := map[uint32]int{}
	count := 0
	for fn := uint32(len(ix.imports)); int(fn) < len(ix.funcTypes); fn++ {
		fc := ix.funcs[fn]
		if fc == nil {
			continue
		}
		if !fc.complete && mayGrow(m, fc) {
			return nil, fmt.Errorf("function %d could not be read to its end, so its table.grow instructions cannot be bounded", fn)
		}
		for _, s := range fc.sites {
			if s.op != opTableGrow {
				continue
			}
			count++
			if _, ok := helperOf[s.table]; !ok {
				helperOf[s.table] = len(tables)
				tables = append(tables, s.table)
			}
		}
	}
	if count == 0 {
		return m, nil
	}
	if !ix.plainTypes {
		return nil, errors.New("its type section has GC types, so no helper type can be added for its table.grow instructions")
	}
	decls := tb.decls[inst]
	first := uint32(len(ix.funcTypes))
	secs, err := sections(m)
	if err != nil {
		return nil, err
	}
	globals := uint32(0)
	for _, s := range secs {
		switch s.id {
		case 2:
			imps, _ := readImports(s.contents)
			for _, imp := range imps {
				if len(imp.desc) > 0 && imp.desc[0] == 0x03 {
					globals++
				}
			}
		case 6:
			globals += (&binReader{b: s.contents}).u32()
		case 7:
			r := &binReader{b: s.contents}
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil; i++ {
				if r.name() == growGlobal {
					return nil, fmt.Errorf("it exports %q itself", growGlobal)
				}
				r.byte()
				r.u32()
			}
		}
	}
	// One helper per table grown, of type (elem, i32) -> i32, each with a type of its own.
	var newTypes, bodies [][]byte
	for _, t := range tables {
		if int(t) >= len(decls) {
			return nil, fmt.Errorf("table.grow names table %d; the module has %d", t, len(decls))
		}
		d := decls[t]
		if d.is64 {
			return nil, errors.New("it grows a 64-bit table")
		}
		limit, max := tb.share, d.maxSize()
		if r := tb.def[inst][t]; r.inst >= 0 {
			limit, max = tb.limit[r], tb.decls[r.inst][r.index].maxSize()
		}
		ty := append([]byte{0x60, 0x02}, d.elem...)
		newTypes = append(newTypes, append(ty, 0x7f, 0x01, 0x7f))
		bodies = append(bodies, growHelperBody(t, max, limit, globals))
	}
	out := append([]byte(nil), m[:8]...)
	emit := func(id byte, contents []byte) {
		out = append(out, id)
		out = appendULEB(out, uint64(len(contents)))
		out = append(out, contents...)
	}
	// The new global and its export go where their sections belong (global after memory and
	// tag, export after global), made when the module has none.
	global := []byte{0x7e, 0x01, 0x42, 0x00, 0x0b} // mut i64 = 0
	export := append(appendName(nil, growGlobal), 0x03)
	export = appendULEB(export, uint64(globals))
	order := map[byte]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13}
	doneGlobal, doneExport := false, false
	flush := func(before byte) { // before 0: the end of the module
		if !doneGlobal && (before == 0 || order[before] > order[6]) {
			emit(6, append(appendULEB(nil, 1), global...))
			doneGlobal = true
		}
		if !doneExport && (before == 0 || order[before] > order[7]) {
			emit(7, append(appendULEB(nil, 1), export...))
			doneExport = true
		}
	}
	appendEntries := func(contents []byte, n int, entries ...[]byte) []byte {
		r := &binReader{b: contents}
		c := appendULEB(nil, uint64(r.u32())+uint64(n))
		c = append(c, contents[r.pos:]...)
		for _, e := range entries {
			c = append(c, e...)
		}
		return c
	}
	for _, s := range secs {
		if order[s.id] > 0 {
			flush(s.id)
		}
		switch s.id {
		case 1:
			emit(1, appendEntries(s.contents, len(newTypes), newTypes...))
		case 3:
			var idx [][]byte
			for h := range tables {
				idx = append(idx, appendULEB(nil, uint64(len(ix.types)+h)))
			}
			emit(3, appendEntries(s.contents, len(idx), idx...))
		case 6:
			emit(6, appendEntries(s.contents, 1, global))
			doneGlobal = true
		case 7:
			emit(7, appendEntries(s.contents, 1, export))
			doneExport = true
		case 10:
			c, err := rewriteCode(s, ix, func(fn uint32) []site {
				var out []site
				if ix.funcs[fn] == nil {
					return nil
				}
				for _, x := range ix.funcs[fn].sites {
					if x.op == opTableGrow {
						x.target = first + uint32(helperOf[x.table])
						out = append(out, x)
					}
				}
				return out
			}, bodies)
			if err != nil {
				return nil, err
			}
			emit(10, c)
		default:
			emit(s.id, s.contents)
		}
	}
	flush(0)
	tb.grows[inst] = &growHelpers{first: first, tables: tables}
	return out, nil
}

// hasTableGrow says whether module m (indexed as ix) has a table.grow, or may have one in code
// the index could not read to its end.
func hasTableGrow(ix *codeIndex, m []byte) bool {
	for _, fc := range ix.funcs {
		if !fc.complete && mayGrow(m, fc) {
			return true
		}
		for _, s := range fc.sites {
			if s.op == opTableGrow {
				return true
			}
		}
	}
	return false
}

// mayGrow says whether a function body has the bytes table.grow starts with (0xfc and 15, as a
// one-byte LEB128 or a longer one).
func mayGrow(m []byte, fc *funcCode) bool {
	if fc.start < 0 || fc.end > int64(len(m)) || fc.start > fc.end {
		return true
	}
	body := m[fc.start:fc.end]
	return bytes.Contains(body, []byte{0xfc, 0x0f}) || bytes.Contains(body, []byte{0xfc, 0x8f})
}

// growHelperBody is the helper for table t: (init, delta) -> old size or -1, as table.grow, but
// trapping, with the size asked for in global g, before growing the table past limit elements.
func growHelperBody(t uint32, max, limit uint64, g uint32) []byte {
	b := []byte{0x01, 0x01, 0x7e}                           // one i64 local: the size asked for
	b = appendULEB(append(b, 0xfc, 0x10), uint64(t))        // table.size t
	b = append(b, 0xad, 0x20, 0x01, 0xad, 0x7c)             // i64.extend_i32_u, local.get 1, i64.extend_i32_u, i64.add
	b = append(b, 0x22, 0x02)                               // local.tee 2
	b = appendSLEB64(append(b, 0x42), int64(max))           // i64.const max
	b = append(b, 0x56, 0x04, 0x40, 0x41, 0x7f, 0x0f, 0x0b) // i64.gt_u if: i32.const -1, return, end
	b = append(b, 0x20, 0x02)                               // local.get 2
	b = appendSLEB64(append(b, 0x42), int64(limit))         // i64.const limit
	b = append(b, 0x56, 0x04, 0x40, 0x20, 0x02, 0x24)       // i64.gt_u if: local.get 2, global.set g
	b = appendULEB(b, uint64(g))
	b = append(b, 0x00, 0x0b)                         // unreachable, end
	b = append(b, 0x20, 0x00, 0x20, 0x01, 0xfc, 0x0f) // local.get 0, local.get 1, table.grow t
	b = appendULEB(b, uint64(t))
	return append(b, 0x0b)
}

func appendSLEB64(out []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(out, c)
		}
		out = append(out, c|0x80)
	}
}

// dataSegmentError is wazero's instantiation error for an active data segment out of bounds.
var dataSegmentError = regexp.MustCompile(`^data\[\d+\]: out of bounds memory access$`)

// boundsFailure is the decision for an error of this file's making, or nil when err is not one:
// a trap raised by a table.grow helper (Wasmtime's out-of-memory error when this host would
// refuse the allocation, else the gateway's backstop), or wazero's refusal of a data segment
// (Wasmtime's trap).
func (p *program) boundsFailure(err error) *failure {
	msg := err.Error()
	if dataSegmentError.MatchString(msg) {
		return &failure{kind: kindError, text: "wasm trap: out of bounds memory access", root: "wasm trap: out of bounds memory access (" + msg + ")"}
	}
	tb := p.tables
	if tb == nil || len(tb.grows) == 0 {
		return nil
	}
	i := strings.Index(msg, wazeroStackTrace)
	if i < 0 || msg[:i] != "wasm error: unreachable" {
		return nil
	}
	line, _, _ := strings.Cut(msg[i+len(wazeroStackTrace):], "\n")
	text := strings.TrimPrefix(line, "\t")
	loc := signatureSuffix.FindStringIndex(text)
	if loc == nil {
		return nil
	}
	debugName := text[:loc[0]]
	dot := strings.LastIndex(debugName, ".$")
	if dot < 0 {
		return nil
	}
	fn, perr := strconv.ParseUint(debugName[dot+2:], 10, 32)
	if perr != nil {
		return nil
	}
	for inst, g := range tb.grows {
		if tb.names[inst] != debugName[:dot] || fn < uint64(g.first) || fn-uint64(g.first) >= uint64(len(g.tables)) {
			continue
		}
		table := g.tables[fn-uint64(g.first)]
		var size uint64
		if st := p.cur; st != nil && inst < len(st.mods) && st.mods[inst] != nil {
			if gl := st.mods[inst].ExportedGlobal(growGlobal); gl != nil {
				size = gl.Get()
			}
		}
		return tb.growFailure(inst, table, size)
	}
	return nil
}

func (tb *tableBounds) growFailure(inst int, table uint32, size uint64) *failure {
	limit, how := tb.alloc()
	what := fmt.Sprintf("table.grow of table %d of core instance %d", table, inst)
	if size == 0 { // a start function's, whose instance wazero discards
		what += " past the harness's bound"
	} else {
		what += fmt.Sprintf(" to %d elements", size)
	}
	if size > 0 && size*8 > limit {
		text := fmt.Sprintf("out of memory (failed to allocate %d bytes)", size*8)
		return &failure{kind: kindError, text: text, root: what + ": " + text,
			note: fmt.Sprintf("Wasmtime allocates the grown table at once, 8 bytes an element; %s. On a gateway host with more memory "+
				"the growth goes ahead and writes every new element", how)}
	}
	return &failure{kind: kindTimeout, text: "timed out",
		root: fmt.Sprintf("%s: the gateway's Wasmtime writes every element it adds (about 6 ns each), past its deadline and "+
			"backstop for a growth this large; the harness grows no table past %d elements", what, maxTableElements),
		note: "the harness stopped a table growth it cannot hold and gave it the decision of the gateway's backstop; on a fast " +
			"host a growth just past the bound may instead hit the deadline (deny 500) or finish, and with a larger timeout_ms " +
			"the gateway may complete it"}
}

// allocLimit is hostAllocLimit; tests put a host of their own in its place.
var allocLimit = hostAllocLimit

// hostAllocLimit is the largest single allocation this host grants, as Wasmtime meets it: on
// Linux with the default overcommit heuristic a mapping larger than RAM + swap is refused;
// with overcommit always on only the 128 TiB address space bounds it; in strict mode the commit
// limit left. Elsewhere the address space is assumed. how says which, for messages.
func hostAllocLimit() (uint64, string) {
	hostAlloc.once.Do(func() {
		hostAlloc.limit, hostAlloc.how = 1<<47, "this host is assumed to grant any allocation within the 128 TiB address space"
		if runtime.GOOS != "linux" {
			return
		}
		mode, err := os.ReadFile("/proc/sys/vm/overcommit_memory")
		if err != nil {
			return
		}
		info, err := os.ReadFile("/proc/meminfo")
		if err != nil {
			return
		}
		kb := func(key string) uint64 {
			for _, line := range strings.Split(string(info), "\n") {
				if rest, ok := strings.CutPrefix(line, key+":"); ok {
					f := strings.Fields(rest)
					if len(f) > 0 {
						n, _ := strconv.ParseUint(f[0], 10, 64)
						return n * 1024
					}
				}
			}
			return 0
		}
		switch strings.TrimSpace(string(mode)) {
		case "0":
			hostAlloc.limit = kb("MemTotal") + kb("SwapTotal")
			hostAlloc.how = fmt.Sprintf("Linux's default overcommit heuristic refuses a mapping larger than RAM + swap, %d bytes on this host", hostAlloc.limit)
		case "1":
			hostAlloc.how = "this host always overcommits (vm.overcommit_memory=1): only the 128 TiB address space bounds an allocation"
		case "2":
			if limit, used := kb("CommitLimit"), kb("Committed_AS"); limit > used {
				hostAlloc.limit = limit - used
			} else {
				hostAlloc.limit = 0
			}
			hostAlloc.how = fmt.Sprintf("this host does not overcommit (vm.overcommit_memory=2): %d bytes were left to commit", hostAlloc.limit)
		}
	})
	return hostAlloc.limit, hostAlloc.how
}

var hostAlloc struct {
	once  sync.Once
	limit uint64
	how   string
}
