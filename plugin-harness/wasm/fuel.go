package wasm

// Fuel, metered as the gateway's Wasmtime 44 meters it.
//
// Wasmtime charges fuel as the guest runs and stops it ("wasm trap: all fuel consumed by
// WebAssembly") only at two kinds of places. Measured with wasmtime-py 44.0.0 on hand-written
// modules (testdata/fuel.wat and fuel-start.wat; Wasmtime's answers, which fuel_test.go holds the
// harness to, in testdata/fuel.oracle.json):
//   - every invocation of a Wasm function costs 1, charged on entry; every executed instruction
//     costs 1, except nop, drop, block, loop, else, end, return and unreachable, which cost 0
//     (memory.fill and memory.copy cost 1 whatever their length; host functions cost nothing but
//     the call instruction, and what they call back into Wasm is charged as any call);
//   - the check: on entering a function (its 1 included) and at every loop header (each time
//     control reaches the loop instruction, first entry and back edges), the guest traps when the
//     fuel consumed so far — every instruction executed before that point — has reached the
//     budget. Between checks a guest may overrun its budget: straight-line code runs to the next
//     check, and a call that finishes before one succeeds;
//   - the backtrace of that trap points at the check: the loop instruction, or, for an entry
//     check, the function's last declaration of locals (the start of its body when it declares
//     none); the frames below are call sites;
//   - what the store says was consumed (the oracle's fuel_used) is written back only before a
//     call, on return, at `unreachable` and when the fuel runs out, and is capped at the budget:
//     after another trap it reads what was last written back, after a fuel trap the whole budget;
//   - one store, one budget: start functions, the export, the realloc calls that lower its
//     arguments and the post-return function all draw on it.
//
// Every guest core module is rewritten before it is compiled: it imports three globals from a
// small module the harness instantiates first for each call — the fuel consumed minus the budget
// (an i64, negative while fuel remains), the site where it ran out, and a limit — and each
// function keeps that count in a local of its own, loaded on entry and after every call, charged
// once per straight-line run of instructions (the sum of their costs, before the branch or join
// that ends the run) and written back where Wasmtime writes it back. At the checks the count is
// compared with the limit: zero, or less, so that every chunk of fuel a check calls a helper added
// to the module (yieldBody), which gives Go a moment (native code cannot be preempted: a guest
// with a large budget would otherwise hold up the garbage collector and the guard) and decides
// whether the guest is to trap: its fuel is gone, or the guard stopped it. Then the check writes
// the site (the offset Wasmtime's backtrace gives it, in the module as the guest built it) and
// executes `unreachable`, which failure.go turns into Wasmtime's trap. Function indices are
// unchanged (the imports are globals, the helper comes last), so every frame still names the
// guest's function; the module's own globals move up by three, and every reference to them is
// renumbered. The functions the harness adds (sites.go's markers, tables.go's helpers, the fuel
// helper) are not charged: a call through a marker costs what the call it stands for costs.

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// fuelModuleName is the module holding a call's fuel; its globals are fuelGlobal, siteGlobal and
// limitGlobal.
const (
	fuelModuleName = "mcpg:harness/fuel"
	fuelGlobal     = "fuel"
	siteGlobal     = "site"
	limitGlobal    = "limit"
)

// benchMode, set by benchmarks only (bench_test.go), runs the guest unmetered: its modules
// compiled as they are, stopped by wazero's context checks (benchGuarded, the harness before fuel
// was metered) or not at all (benchBare, wazero's own speed).
var benchMode = benchOff

const (
	benchOff = iota
	benchGuarded
	benchBare
)

// noFuelSite is the site global's value until a check fails.
const noFuelSite = -1

// fuelModule is the binary of the fuel module: fuel (mut i64) = 0, site (mut i32) = -1 and
// limit (mut i64) = 0, the counter's value at which a check calls the helper (yieldBody).
func fuelModule() []byte {
	m := []byte("\x00asm\x01\x00\x00\x00")
	globals := []byte{0x03, 0x7e, 0x01, 0x42, 0x00, 0x0b, 0x7f, 0x01, 0x41, 0x7f, 0x0b, 0x7e, 0x01, 0x42, 0x00, 0x0b}
	m = append(appendULEB(append(m, 6), uint64(len(globals))), globals...)
	exports := appendULEB(nil, 3)
	exports = append(appendName(exports, fuelGlobal), 0x03, 0x00)
	exports = append(appendName(exports, siteGlobal), 0x03, 0x01)
	exports = append(appendName(exports, limitGlobal), 0x03, 0x02)
	return append(appendULEB(append(m, 7), uint64(len(exports))), exports...)
}

// fuelState is one call's fuel: the instance of the fuel module and the budget it was given.
type fuelState struct {
	mod    api.Module
	budget uint64
}

// active is the part of the budget the counter holds: an i64 cannot hold more than 2^63-1, which
// no guest can consume (with 2^64-1, Wasmtime counts as with any other large budget:
// fuel.oracle.json's "huge" outcomes).
func (f *fuelState) active() uint64 { return min(f.budget, math.MaxInt64) }

// newFuel instantiates the fuel module for one call with budget.
func newFuel(ctx context.Context, rt wazero.Runtime, compiled wazero.CompiledModule, budget uint64) (*fuelState, error) {
	mod, err := rt.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName(fuelModuleName).WithStartFunctions())
	if err != nil {
		return nil, fmt.Errorf("instantiating the fuel module: %w", err)
	}
	f := &fuelState{mod: mod, budget: budget}
	g, ok := mod.ExportedGlobal(fuelGlobal).(api.MutableGlobal)
	if !ok {
		_ = mod.Close(ctx)
		return nil, errors.New("the fuel module's counter is not a mutable global")
	}
	g.Set(-f.active()) // two's complement: consumed minus budget
	mod.ExportedGlobal(limitGlobal).(api.MutableGlobal).Set(uint64(yieldLimit(-int64(f.active()))))
	return f, nil
}

// used is the fuel the call consumed as Wasmtime's store reports it: what was last written back,
// at most the budget.
func (f *fuelState) used() uint64 {
	if f == nil {
		return 0
	}
	consumed := f.mod.ExportedGlobal(fuelGlobal).Get() + f.active() // wraps back to the true count
	return min(consumed, f.budget)
}

// stop makes the guest trap at its next check (a function entry or a loop header): how the
// harness's guard ends compiled code, which wazero's own context checks slow down many times.
// Called from another goroutine (the compiled code reads both globals itself): the site tells the
// helper to trap, the limit makes the next check call it.
func (f *fuelState) stop() {
	f.mod.ExportedGlobal(siteGlobal).(api.MutableGlobal).Set(api.EncodeI32(-2))
	f.mod.ExportedGlobal(limitGlobal).(api.MutableGlobal).Set(1 << 63) // math.MinInt64
}

// trapped says whether a check failed, where (the offset in the core module as the guest built
// it, or -1 when the harness could not tell), and whether the fuel had run out (else stop made it
// fail).
func (f *fuelState) trapped() (offset int64, outOfFuel, ok bool) {
	if f == nil {
		return 0, false, false
	}
	site := int32(uint32(f.mod.ExportedGlobal(siteGlobal).Get()))
	if site == noFuelSite {
		return 0, false, false
	}
	offset = int64(site)
	if site <= 0 {
		offset = -1
	}
	// A check writes the counter back before it traps: it has reached zero only if fuel ran out.
	return offset, int64(f.mod.ExportedGlobal(fuelGlobal).Get()) >= 0, true
}

// fuelOrigin is what the metering of a module needs to know of it as the guest built it.
type fuelOrigin struct {
	code  *codeIndex // the guest's module, indexed
	marks *siteMarks // the markers added to it (sites.go), or nil
}

// guestEnd is the first function index the harness added (markers, table.grow helpers).
func (o fuelOrigin) guestEnd() uint32 { return uint32(len(o.code.funcTypes)) }

// entrySite is where Wasmtime's backtrace places a fuel trap on entering function fn; 0 when not
// known.
func (o fuelOrigin) entrySite(fn uint32) int64 {
	if fc := o.code.funcs[fn]; fc != nil {
		return fc.entry
	}
	return 0
}

// loopSite is the offset of the k-th loop instruction of function fn; 0 when not known.
func (o fuelOrigin) loopSite(fn uint32, k int) int64 {
	if fc := o.code.funcs[fn]; fc != nil && k < len(fc.loops) {
		return fc.loops[k]
	}
	return 0
}

// harnessCall says what a call of fn stands for when fn is a function the harness added: a call
// through a marker is the call it forwards (or, for a marker standing for `unreachable`, that
// instruction: free); any other added function is a table.grow helper (tables.go), an instruction
// that costs 1 and, unlike a call, does not write the counter back.
func (o fuelOrigin) harnessCall(fn uint32) (cost int64, isCall bool) {
	if fn < o.guestEnd() {
		return 1, true
	}
	if m, ok := o.marks.marker(fn); ok {
		if m.kind == markUnreachable {
			return 0, true
		}
		return 1, true
	}
	return 1, false
}

// meterFuel returns module m (the guest's module with its imports renamed, markers and helpers
// added) rewritten to meter fuel as Wasmtime does.
func meterFuel(m []byte, origin fuelOrigin) ([]byte, error) {
	secs, err := sections(m)
	if err != nil {
		return nil, err
	}
	var importedFuncs, importedGlobals uint32
	var types []*rawFuncType
	var funcTypes []uint32
	plainTypes := true
	for _, s := range secs {
		switch s.id {
		case 1:
			types, plainTypes = readTypes(s.contents)
		case 2:
			imps, err := readImports(s.contents)
			if err != nil {
				return nil, err
			}
			for _, imp := range imps {
				if len(imp.desc) == 0 {
					continue
				}
				switch imp.desc[0] {
				case 0x00:
					importedFuncs++
					funcTypes = append(funcTypes, (&binReader{b: imp.desc[1:]}).u32())
				case 0x03:
					importedGlobals++
				}
			}
		case 3:
			r := &binReader{b: s.contents}
			n := r.count()
			for i := uint32(0); i < n && r.err == nil; i++ {
				funcTypes = append(funcTypes, r.u32())
			}
			if r.err != nil {
				return nil, fmt.Errorf("function section: %v", r.err)
			}
		}
	}
	// The helper is added to a module that defines functions (only they have checks).
	hasCode := uint32(len(funcTypes)) > importedFuncs
	if hasCode && !plainTypes {
		return nil, errors.New("its type section has GC types, so the type of the fuel helper cannot be added")
	}
	mt := &meter{origin: origin, fuel: importedGlobals, site: importedGlobals + 1, limit: importedGlobals + 2, shift: importedGlobals,
		types: types, funcTypes: funcTypes, importedFuncs: importedFuncs,
		yield: uint32(len(funcTypes)), yieldType: uint32(len(types))}
	out := append([]byte(nil), m[:8]...)
	emit := func(id byte, contents []byte) {
		out = append(out, id)
		out = appendULEB(out, uint64(len(contents)))
		out = append(out, contents...)
	}
	imports := func(contents []byte) []byte {
		n := uint32(0)
		rest := []byte(nil)
		if contents != nil {
			r := &binReader{b: contents}
			n = r.u32()
			rest = contents[r.pos:]
		}
		c := append(appendULEB(nil, uint64(n)+3), rest...)
		c = append(appendName(appendName(c, fuelModuleName), fuelGlobal), 0x03, 0x7e, 0x01)
		c = append(appendName(appendName(c, fuelModuleName), siteGlobal), 0x03, 0x7f, 0x01)
		return append(appendName(appendName(c, fuelModuleName), limitGlobal), 0x03, 0x7e, 0x01)
	}
	// A module without imports gets them after its types, or first of all without types; one with
	// code but no element section gets one (for the helper's declaration) before the data count,
	// code and data sections.
	hasImports, hasTypes, hasElements := false, false, false
	for _, s := range secs {
		hasImports = hasImports || s.id == 2
		hasTypes = hasTypes || s.id == 1
		hasElements = hasElements || s.id == 9
	}
	if !hasImports && !hasTypes {
		emit(2, imports(nil))
	}
	for _, s := range secs {
		if hasCode && !hasElements && (s.id == 12 || s.id == 10 || s.id == 11) {
			emit(9, appendEntry(nil, mt.yieldDeclaration()))
			hasElements = true
		}
		var c []byte
		var err error
		switch s.id {
		case 1:
			c = s.contents
			if hasCode {
				c = appendEntry(c, []byte{0x60, 0x01, 0x7e, 0x01, 0x7f}) // (i64) -> (i32)
			}
		case 3:
			c = s.contents
			if hasCode {
				c = appendEntry(c, appendULEB(nil, uint64(mt.yieldType)))
			}
		case 2:
			c = imports(s.contents)
		case 4:
			c, err = mt.tables(s.contents)
		case 6:
			c, err = mt.globals(s.contents)
		case 7:
			c, err = mt.exports(s.contents)
		case 9:
			if c, err = mt.elements(s.contents); err == nil && hasCode {
				c = appendEntry(c, mt.yieldDeclaration())
			}
		case 10:
			if c, err = mt.code(s.contents); err == nil && hasCode {
				c = appendEntry(c, mt.yieldBody())
			}
		case 11:
			c, err = mt.data(s.contents)
		default:
			c = s.contents
		}
		if err != nil {
			return nil, err
		}
		emit(s.id, c)
		if s.id == 1 && !hasImports {
			emit(2, imports(nil))
		}
	}
	return out, nil
}

// appendEntry appends an entry to a section that is a vector, counting it (contents nil: a new
// section).
func appendEntry(contents, entry []byte) []byte {
	r := &binReader{b: contents}
	n := uint32(0)
	if len(contents) > 0 {
		n = r.u32()
	}
	c := appendULEB(nil, uint64(n)+1)
	c = append(c, contents[r.pos:]...)
	return append(c, entry...)
}

// yieldChunk is how much fuel a guest runs between two exits to Go (see yieldBody).
const yieldChunk = 1 << 16

// yieldLimit is the first limit of a counter starting at start: a chunk of fuel on, never past
// zero.
func yieldLimit(start int64) int64 { return min(start+yieldChunk, 0) }

// yieldDeclaration is the declarative element segment that lets the helper take its own
// reference.
func (mt *meter) yieldDeclaration() []byte {
	return appendULEB([]byte{0x03, 0x00, 0x01}, uint64(mt.yield)) // declarative, funcref, one function
}

// yieldBody is the helper a failed check calls with the counter. It takes a reference to itself,
// which wazero's compiled code gets from Go: a point where Go can preempt the goroutine, stop the
// world to collect garbage and run the guard (native code cannot be preempted, so a long loop
// without one would hold them all up). Then it answers 1 when the guest is to trap — its fuel is
// gone, or the guard stopped it (the site is set) — else moves the limit a chunk further (never
// past zero) and answers 0.
func (mt *meter) yieldBody() []byte {
	b := []byte{0x00}                                 // no locals
	b = appendULEB(append(b, 0xd2), uint64(mt.yield)) // ref.func (the helper)
	b = append(b, 0x1a, 0x20, 0x00, 0x42, 0x00, 0x59) // drop, local.get 0, i64.const 0, i64.ge_s
	b = appendULEB(append(b, 0x23), uint64(mt.site))  // global.get site
	b = append(b, 0x41, 0x7f, 0x47, 0x72)             // i32.const -1, i32.ne, i32.or
	b = append(b, 0x04, 0x40, 0x41, 0x01, 0x0f, 0x0b) // if: i32.const 1, return, end
	b = append(b, 0x20, 0x00)                         // local.get 0
	b = appendSLEB64(append(b, 0x42), yieldChunk)     // i64.const chunk
	b = append(b, 0x7c, 0x22, 0x00, 0x42, 0x00)       // i64.add, local.tee 0, i64.const 0
	b = append(b, 0x20, 0x00, 0x42, 0x00, 0x53, 0x1b) // local.get 0, i64.const 0, i64.lt_s, select
	b = appendULEB(append(b, 0x24), uint64(mt.limit)) // global.set limit
	b = append(b, 0x41, 0x00, 0x0b)                   // i32.const 0, end
	return append(appendULEB(nil, uint64(len(b))), b...)
}

// meter rewrites one module's sections.
type meter struct {
	origin fuelOrigin
	// fuel, site and limit are the imported globals' indices; globals from shift on move up by three.
	fuel, site, limit, shift uint32
	types                    []*rawFuncType
	funcTypes                []uint32
	importedFuncs            uint32
	// yield is the index of the helper a failed check calls (added after every other function),
	// yieldType the index of its type.
	yield, yieldType uint32
}

func (mt *meter) global(i uint32) uint32 {
	if i >= mt.shift {
		return i + 3
	}
	return i
}

// patcher copies a section's contents, replacing the global indices it is told of.
type patcher struct {
	r    *binReader
	out  []byte
	last int
}

func newPatcher(contents []byte) *patcher {
	return &patcher{r: &binReader{b: contents}, out: make([]byte, 0, len(contents)+16)}
}

// globalIndex reads a global index at the reader's position and writes it renumbered.
func (p *patcher) globalIndex(mt *meter) {
	at := p.r.pos
	i := p.r.u32()
	if p.r.err != nil {
		return
	}
	p.out = append(p.out, p.r.b[p.last:at]...)
	p.out = appendULEB(p.out, uint64(mt.global(i)))
	p.last = p.r.pos
}

func (p *patcher) done(what string) ([]byte, error) {
	if p.r.err != nil {
		return nil, fmt.Errorf("%s: %v", what, p.r.err)
	}
	if p.r.pos != len(p.r.b) {
		return nil, fmt.Errorf("%s: %d bytes after its last entry", what, len(p.r.b)-p.r.pos)
	}
	return append(p.out, p.r.b[p.last:]...), nil
}

// constExpr reads a constant expression, renumbering its global.get.
func (p *patcher) constExpr(mt *meter) {
	r := p.r
	for r.err == nil {
		switch op := r.byte(); op {
		case 0x0b:
			return
		case 0x41:
			r.sleb(32)
		case 0x42:
			r.sleb(64)
		case 0x43:
			r.bytes(4)
		case 0x44:
			r.bytes(8)
		case 0xd0:
			r.heapType()
		case 0xd2:
			r.u32()
		case 0x23:
			p.globalIndex(mt)
		case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e: // extended constant expressions
		case 0xfd:
			if r.u32() != 12 {
				r.fail("a constant expression has a vector instruction other than v128.const")
			}
			r.bytes(16)
		default:
			r.fail("opcode 0x%02x in a constant expression", op)
		}
	}
}

func (mt *meter) globals(contents []byte) ([]byte, error) {
	p := newPatcher(contents)
	n := p.r.count()
	for i := uint32(0); i < n && p.r.err == nil; i++ {
		p.r.skipValType()
		p.r.byte()
		p.constExpr(mt)
	}
	return p.done("global section")
}

func (mt *meter) exports(contents []byte) ([]byte, error) {
	p := newPatcher(contents)
	n := p.r.count()
	for i := uint32(0); i < n && p.r.err == nil; i++ {
		p.r.name()
		if p.r.byte() == 0x03 {
			p.globalIndex(mt)
		} else {
			p.r.u32()
		}
	}
	return p.done("export section")
}

func (mt *meter) tables(contents []byte) ([]byte, error) {
	p := newPatcher(contents)
	n := p.r.count()
	for i := uint32(0); i < n && p.r.err == nil; i++ {
		init := len(p.r.b)-p.r.pos >= 2 && p.r.b[p.r.pos] == 0x40 && p.r.b[p.r.pos+1] == 0x00
		if init {
			p.r.bytes(2)
		}
		p.r.skipValType()
		p.r.skipLimits()
		if init {
			p.constExpr(mt)
		}
	}
	return p.done("table section")
}

func (mt *meter) elements(contents []byte) ([]byte, error) {
	p := newPatcher(contents)
	r := p.r
	n := r.count()
	for i := uint32(0); i < n && r.err == nil; i++ {
		flags := r.u32()
		if flags > 7 {
			r.fail("element segment %d has flags %d", i, flags)
			break
		}
		if flags&0x01 == 0 { // active
			if flags&0x02 != 0 {
				r.u32()
			}
			p.constExpr(mt)
		}
		if flags&0x03 != 0 {
			r.byte() // element kind or reference type (one byte without the GC proposal)
		}
		k := r.count()
		for j := uint32(0); j < k && r.err == nil; j++ {
			if flags&0x04 != 0 {
				p.constExpr(mt)
			} else {
				r.u32()
			}
		}
	}
	return p.done("element section")
}

func (mt *meter) data(contents []byte) ([]byte, error) {
	p := newPatcher(contents)
	r := p.r
	n := r.count()
	for i := uint32(0); i < n && r.err == nil; i++ {
		switch flags := r.u32(); flags {
		case 0:
			p.constExpr(mt)
		case 1:
		case 2:
			r.u32()
			p.constExpr(mt)
		default:
			r.fail("data segment %d has flags %d", i, flags)
		}
		r.bytes(r.uleb(32))
	}
	return p.done("data section")
}

// code rewrites the code section: each function of the guest's is metered, the harness's own
// functions only have their global indices renumbered.
func (mt *meter) code(contents []byte) ([]byte, error) {
	r := &binReader{b: contents}
	n := r.count()
	out := appendULEB(make([]byte, 0, len(contents)+len(contents)/4), uint64(n))
	for i := uint32(0); i < n; i++ {
		size := r.u32()
		body := r.bytes(uint64(size))
		if r.err != nil {
			return nil, fmt.Errorf("code section: %v", r.err)
		}
		fn := mt.importedFuncs + i
		nb, err := mt.function(fn, body)
		if err != nil {
			return nil, fmt.Errorf("function %d: %v", fn, err)
		}
		out = appendULEB(out, uint64(len(nb)))
		out = append(out, nb...)
	}
	if r.pos != len(contents) {
		return nil, fmt.Errorf("code section: %d bytes after the last body", len(contents)-r.pos)
	}
	return out, nil
}

// ctlFrame is an open block, loop, if or the function's body while a function is metered.
type ctlFrame struct {
	op byte // 0x02 block, 0x03 loop, 0x04 if; 0 for the function's body
	// live: its start is reachable. Code in a dead frame never runs and is left as it is.
	live bool
	// targeted: a reachable branch goes to its end (blocks and ifs).
	targeted bool
	hasElse  bool
	// thenFalls: the if's then-arm reaches its else by falling through.
	thenFalls bool
}

// function meters one function body (or, for a function the harness added, renumbers its
// global indices only).
func (mt *meter) function(fn uint32, body []byte) ([]byte, error) {
	metered := fn < mt.origin.guestEnd()
	r := &binReader{b: body}
	groups := r.count()
	groupsAt := r.pos
	var locals uint64
	for i := uint32(0); i < groups && r.err == nil; i++ {
		locals += uint64(r.u32())
		r.skipValType()
	}
	if r.err != nil {
		return nil, fmt.Errorf("locals: %v", r.err)
	}
	e := &emitter{mt: mt, out: make([]byte, 0, len(body)+len(body)/3+32)}
	if metered {
		if int(fn) >= len(mt.funcTypes) || int(mt.funcTypes[fn]) >= len(mt.types) || mt.types[mt.funcTypes[fn]] == nil {
			return nil, errors.New("its type is not a function type the harness can read")
		}
		params := uint64(len(mt.types[mt.funcTypes[fn]].params))
		if params+locals >= math.MaxUint32 {
			return nil, fmt.Errorf("it has %d locals: no index is left for the fuel counter", params+locals)
		}
		e.local = uint32(params + locals)
		e.out = appendULEB(e.out, uint64(groups)+1)
		e.out = append(e.out, body[groupsAt:r.pos]...)
		e.out = append(e.out, 0x01, 0x7e) // the fuel counter: one i64
		// Entry: load the counter, charge the invocation, check.
		e.op(0x23, mt.fuel)
		e.i64(1)
		e.out = append(e.out, 0x7c) // i64.add
		e.op(0x22, e.local)         // local.tee
		e.check(mt.origin.entrySite(fn), true)
	} else {
		e.out = append(e.out, body[:r.pos]...)
	}
	stack := []ctlFrame{{live: true}}
	reach := true
	loops := 0
	for !r.eof() {
		if len(stack) == 0 {
			return nil, errors.New("instructions after the function's end")
		}
		at := r.pos
		op := r.byte()
		top := &stack[len(stack)-1]
		copyOp := func() { e.out = append(e.out, body[at:r.pos]...) }
		if !metered {
			switch op {
			case 0x23, 0x24:
				i := r.u32()
				e.op(op, mt.global(i))
			default:
				if err := skipImmediates(r, op, at); err != nil {
					return nil, err
				}
				copyOp()
			}
			if op == 0x02 || op == 0x03 || op == 0x04 {
				stack = append(stack, ctlFrame{op: op})
			} else if op == 0x0b {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		switch op {
		case 0x02, 0x03, 0x04: // block, loop, if
			r.blockType()
			live := reach
			switch {
			case op == 0x03 && reach:
				e.flush()
			case op == 0x04 && reach:
				e.pending++
				e.flush()
			}
			copyOp()
			if op == 0x03 {
				if reach {
					e.check(mt.origin.loopSite(fn, loops), false)
				}
				loops++
			}
			stack = append(stack, ctlFrame{op: op, live: live})
		case 0x05: // else
			if top.op != 0x04 || top.hasElse {
				return nil, errors.New("else outside an if")
			}
			top.hasElse = true
			if top.live {
				if reach {
					e.flush()
				}
				top.thenFalls = reach
				reach = true
				e.pending = 0
			}
			copyOp()
		case 0x0b: // end
			fr := *top
			stack = stack[:len(stack)-1]
			switch {
			case len(stack) == 0:
				if reach {
					e.save(false)
				}
			case !fr.live:
			case fr.op == 0x02:
				if fr.targeted {
					if reach {
						e.flush()
					}
					e.pending = 0
					reach = true
				}
			case fr.op == 0x04:
				if reach {
					e.flush()
				}
				e.pending = 0
				reach = !fr.hasElse || fr.thenFalls || reach || fr.targeted
			}
			// A loop's end joins nothing (its branches go to its start): the run goes on.
			copyOp()
		case 0x0c, 0x0d: // br, br_if
			l := r.u32()
			if r.err != nil {
				break
			}
			if uint64(l) >= uint64(len(stack)) {
				return nil, fmt.Errorf("a branch at byte %d to label %d, outside the function", at, l)
			}
			if reach {
				e.pending++
				tgt := &stack[len(stack)-1-int(l)]
				switch {
				case tgt.op == 0 && op == 0x0c:
					e.save(false)
				case tgt.op == 0:
					e.save(true)
				default:
					e.flush()
					tgt.targeted = true
				}
			}
			copyOp()
			if op == 0x0c {
				reach = false
			}
		case 0x0e: // br_table
			n := r.count()
			labels := make([]uint32, 0, min(int(n)+1, len(r.b)))
			for j := uint32(0); j <= n && r.err == nil; j++ {
				labels = append(labels, r.u32())
			}
			if r.err != nil {
				break
			}
			if reach {
				e.pending++
				toFunction := false
				for _, l := range labels {
					if uint64(l) >= uint64(len(stack)) {
						return nil, fmt.Errorf("a br_table at byte %d to label %d, outside the function", at, l)
					}
					tgt := &stack[len(stack)-1-int(l)]
					tgt.targeted = true
					toFunction = toFunction || tgt.op == 0
				}
				if toFunction {
					e.save(true)
				} else {
					e.flush()
				}
			}
			copyOp()
			reach = false
		case 0x0f, 0x00: // return, unreachable
			if reach {
				e.save(false)
			}
			copyOp()
			reach = false
		case 0x10, 0x12: // call, return_call
			callee := r.u32()
			if r.err != nil {
				break
			}
			cost, isCall := mt.origin.harnessCall(callee)
			if !isCall && op == 0x10 {
				if reach {
					e.pending += cost
				}
				copyOp()
				break
			}
			if reach {
				e.pending += cost
				e.save(false)
			}
			copyOp()
			if op == 0x12 {
				reach = false
			} else if reach {
				e.reload()
			}
		case 0x11, 0x13: // call_indirect, return_call_indirect
			r.u32()
			r.u32()
			if r.err != nil {
				break
			}
			if reach {
				e.pending++
				e.save(false)
			}
			copyOp()
			if op == 0x13 {
				reach = false
			} else if reach {
				e.reload()
			}
		case 0x23, 0x24: // global.get, global.set
			i := r.u32()
			if reach {
				e.pending++
			}
			e.op(op, mt.global(i))
		default:
			if err := skipImmediates(r, op, at); err != nil {
				return nil, err
			}
			if reach && op != 0x01 && op != 0x1a { // nop and drop are free
				e.pending++
			}
			copyOp()
		}
		if r.err != nil {
			return nil, r.err
		}
	}
	if len(stack) != 0 {
		return nil, errors.New("the body ends before its last end")
	}
	return e.out, nil
}

// skipImmediates reads the immediates of an instruction that needs no rewriting: those of every
// instruction wazero runs (the core features of Wasm 2.0, tail calls, extended constants); other
// opcodes are refused.
func skipImmediates(r *binReader, op byte, at int) error {
	switch {
	case op == 0x00, op == 0x01, op == 0x05, op == 0x0b, op == 0x0f, op == 0x1a, op == 0x1b, op == 0xd1:
	case op >= 0x45 && op <= 0xc4:
	case op == 0x02 || op == 0x03 || op == 0x04:
		r.blockType()
	case op == 0x0c || op == 0x0d || op == 0x10 || op == 0x12 || (op >= 0x20 && op <= 0x26) || op == 0x3f || op == 0x40 || op == 0xd2:
		r.u32()
	case op == 0x0e:
		n := r.count()
		for j := uint32(0); j <= n && r.err == nil; j++ {
			r.u32()
		}
	case op == 0x11 || op == 0x13:
		r.u32()
		r.u32()
	case op == 0x1c:
		n := r.count()
		for j := uint32(0); j < n && r.err == nil; j++ {
			r.skipValType()
		}
	case op >= 0x28 && op <= 0x3e:
		r.memarg()
	case op == 0x41:
		r.sleb(32)
	case op == 0x42:
		r.sleb(64)
	case op == 0x43:
		r.bytes(4)
	case op == 0x44:
		r.bytes(8)
	case op == 0xd0:
		r.heapType()
	case op == 0xfc:
		r.prefixFC(int64(at))
	case op == 0xfd:
		r.prefixFD()
	default:
		return fmt.Errorf("opcode 0x%02x at byte %d is not one the harness can meter fuel for", op, at)
	}
	return r.err
}

// emitter writes a metered body: the guest's instructions and the metering between them.
type emitter struct {
	mt    *meter
	out   []byte
	local uint32 // the fuel counter's local
	// pending is the cost of the instructions since the counter was last charged.
	pending int64
}

func (e *emitter) op(op byte, index uint32) { e.out = appendULEB(append(e.out, op), uint64(index)) }

func (e *emitter) i64(v int64) { e.out = appendSLEB64(append(e.out, 0x42), v) }

// flush charges the pending cost to the counter.
func (e *emitter) flush() {
	if e.pending > 0 {
		e.op(0x20, e.local)
		e.i64(e.pending)
		e.out = append(e.out, 0x7c)
		e.op(0x21, e.local)
	}
	e.pending = 0
}

// save charges the pending cost and writes the counter back to the fuel global, keeping the
// local up to date when the code after it may still use it (keep).
func (e *emitter) save(keep bool) {
	e.op(0x20, e.local)
	if e.pending > 0 {
		e.i64(e.pending)
		e.out = append(e.out, 0x7c)
		if keep {
			e.op(0x22, e.local)
		}
	}
	e.op(0x24, e.mt.fuel)
	e.pending = 0
}

// reload reads the counter back after a call, which may have charged it.
func (e *emitter) reload() {
	e.op(0x23, e.mt.fuel)
	e.op(0x21, e.local)
}

// check is Wasmtime's fuel check. When the counter has reached the limit (the next exit to Go, at
// most zero), the helper is called; when it answers that the guest is to trap, the counter is
// written back, the site recorded, and `unreachable` executed. The counter is on the stack
// already (onStack) or read from the local.
func (e *emitter) check(site int64, onStack bool) {
	if !onStack {
		e.op(0x20, e.local)
	}
	e.op(0x23, e.mt.limit)
	e.out = append(e.out, 0x59, 0x04, 0x40) // i64.ge_s, if
	e.op(0x20, e.local)
	e.op(0x10, e.mt.yield)
	e.out = append(e.out, 0x04, 0x40) // if
	e.op(0x20, e.local)
	e.op(0x24, e.mt.fuel)
	if site <= 0 || site > math.MaxInt32 {
		site = 0
	}
	e.out = appendSLEB64(append(e.out, 0x41), site)
	e.op(0x24, e.mt.site)
	e.out = append(e.out, 0x00, 0x0b, 0x0b) // unreachable, end, end
}
