package wasm

// Marker functions, so that a backtrace can say which instruction a frame was at.
//
// Wasmtime prints, for every frame, the offset of the call (or of the trapping instruction). The
// code index knows it whenever a function calls its callee from one place only. Where a function
// calls the same callee from several places (or makes several indirect calls, or has several
// `unreachable`s), the module is compiled with each such instruction routed through a marker: a
// small function added at the end of the module that forwards the call (or traps). A marker is
// shared by every site of the same callee and ordinal — the j-th call to f in any function goes
// through the marker (f, j) — so there are few of them; a marker frame in wazero's stack trace
// then names the site exactly: the j-th call to f in the function below it. Markers change no
// behaviour of the guest, only its call depth by one frame at those sites.

import (
	"fmt"
	"sort"
)

type markKind uint8

const (
	markCall markKind = iota
	markIndirect
	markUnreachable
)

// mark is one marker function: the kind of site it stands for, the callee (direct calls) or the
// type and table (indirect calls), and the ordinal of the site among its function's sites of
// the same kind and callee.
type mark struct {
	kind    markKind
	target  uint32
	table   uint32
	ordinal int
}

// siteMarks describes the markers added to a module.
type siteMarks struct {
	first uint32 // the function index of the first marker
	marks []mark
}

// marker returns the marker a function index is, if it is one.
func (s *siteMarks) marker(fn uint32) (mark, bool) {
	if s == nil || fn < s.first || int(fn-s.first) >= len(s.marks) {
		return mark{}, false
	}
	return s.marks[fn-s.first], true
}

// siteOf finds the site a marker stands for in function fn: its offset, or -1.
func (ix *codeIndex) siteOf(fn uint32, m mark) int64 {
	fc := ix.funcs[fn]
	if fc == nil {
		return -1
	}
	j := 0
	for _, s := range fc.sites {
		if matchesMark(s, m) {
			if j == m.ordinal {
				return s.offset
			}
			j++
		}
	}
	return -1
}

func matchesMark(s site, m mark) bool {
	switch m.kind {
	case markCall:
		return s.op == opCall && s.target == m.target
	case markIndirect:
		return s.op == opCallIndirect && s.target == m.target && s.table == m.table
	}
	return s.op == opUnreachable
}

// maxMarkers bounds the functions added to one module.
const maxMarkers = 50_000

// addMarkers returns module m (with its code index ix) with its ambiguous sites routed through
// marker functions, or m unchanged (and nil marks) when it has none or cannot be rewritten.
func addMarkers(m []byte, ix *codeIndex) ([]byte, *siteMarks, error) {
	if !ix.plainTypes || len(ix.types) == 0 {
		return m, nil, nil
	}
	type rewrite struct {
		s    site
		mark int
	}
	byKey := map[mark]int{}
	var marks []mark
	markOf := func(k mark) int {
		if i, ok := byKey[k]; ok {
			return i
		}
		byKey[k] = len(marks)
		marks = append(marks, k)
		return len(marks) - 1
	}
	rewrites := map[uint32][]rewrite{}
	fns := make([]uint32, 0, len(ix.funcs))
	for fn := range ix.funcs {
		fns = append(fns, fn)
	}
	sort.Slice(fns, func(i, j int) bool { return fns[i] < fns[j] })
	for _, fn := range fns {
		fc := ix.funcs[fn]
		if !fc.complete {
			continue
		}
		count := map[mark]int{}
		for _, s := range fc.sites {
			if k, ok := siteKey(s); ok {
				count[k]++
			}
		}
		seen := map[mark]int{}
		for _, s := range fc.sites {
			k, ok := siteKey(s)
			if !ok || count[k] < 2 {
				continue
			}
			if k.kind == markIndirect && (int(k.target) >= len(ix.types) || ix.types[k.target] == nil) {
				continue
			}
			if k.kind == markCall && (int(k.target) >= len(ix.funcTypes) || int(ix.funcTypes[k.target]) >= len(ix.types) ||
				ix.types[ix.funcTypes[k.target]] == nil) {
				continue
			}
			ordinal := seen[k]
			seen[k]++
			km := k
			km.ordinal = ordinal
			rewrites[fn] = append(rewrites[fn], rewrite{s: s, mark: markOf(km)})
		}
	}
	if len(marks) == 0 || len(marks) > maxMarkers {
		return m, nil, nil
	}
	first := uint32(len(ix.funcTypes))
	// New types: () -> () for the unreachable markers, and each indirect marker's type with an
	// i32 (the table index) added.
	var newTypes [][]byte
	typeOfMark := make([]uint32, len(marks))
	unitType := int64(-1)
	for i, k := range marks {
		switch k.kind {
		case markCall:
			typeOfMark[i] = ix.funcTypes[k.target]
		case markUnreachable:
			if unitType < 0 {
				unitType = int64(len(ix.types) + len(newTypes))
				newTypes = append(newTypes, []byte{0x60, 0, 0})
			}
			typeOfMark[i] = uint32(unitType)
		case markIndirect:
			t := ix.types[k.target]
			if t == nil {
				return m, nil, nil
			}
			b := appendULEB([]byte{0x60}, uint64(len(t.params)+1))
			for _, p := range t.params {
				b = append(b, p...)
			}
			b = append(b, 0x7f)
			b = appendULEB(b, uint64(len(t.results)))
			for _, r := range t.results {
				b = append(b, r...)
			}
			typeOfMark[i] = uint32(len(ix.types) + len(newTypes))
			newTypes = append(newTypes, b)
		}
	}
	// Marker bodies.
	bodies := make([][]byte, len(marks))
	for i, k := range marks {
		body := []byte{0} // no locals
		switch k.kind {
		case markUnreachable:
			body = append(body, 0x00)
		case markCall:
			t := ix.types[ix.funcTypes[k.target]]
			if t == nil {
				return m, nil, nil
			}
			for p := range t.params {
				body = appendULEB(append(body, 0x20), uint64(p))
			}
			body = appendULEB(append(body, 0x10), uint64(k.target))
		case markIndirect:
			t := ix.types[k.target]
			for p := 0; p <= len(t.params); p++ {
				body = appendULEB(append(body, 0x20), uint64(p))
			}
			body = appendULEB(append(body, 0x11), uint64(k.target))
			body = appendULEB(body, uint64(k.table))
		}
		bodies[i] = append(body, 0x0b)
	}
	secs, err := sections(m)
	if err != nil {
		return nil, nil, err
	}
	out := append([]byte(nil), m[:8]...)
	emit := func(id byte, contents []byte) {
		out = append(out, id)
		out = appendULEB(out, uint64(len(contents)))
		out = append(out, contents...)
	}
	sawFunc, sawCode := false, false
	for _, s := range secs {
		switch s.id {
		case 1:
			r := &binReader{b: s.contents}
			n := r.u32()
			c := appendULEB(nil, uint64(n)+uint64(len(newTypes)))
			c = append(c, s.contents[r.pos:]...)
			for _, t := range newTypes {
				c = append(c, t...)
			}
			emit(1, c)
		case 3:
			sawFunc = true
			r := &binReader{b: s.contents}
			n := r.u32()
			c := appendULEB(nil, uint64(n)+uint64(len(marks)))
			c = append(c, s.contents[r.pos:]...)
			for _, t := range typeOfMark {
				c = appendULEB(c, uint64(t))
			}
			emit(3, c)
		case 10:
			sawCode = true
			c, err := rewriteCode(s, ix, func(fn uint32) []site {
				rs := rewrites[fn]
				out := make([]site, len(rs))
				for i, r := range rs {
					out[i] = r.s
					out[i].target = first + uint32(r.mark) // the marker to call instead
				}
				return out
			}, bodies)
			if err != nil {
				return nil, nil, err
			}
			emit(10, c)
		default:
			emit(s.id, s.contents)
		}
	}
	if !sawFunc || !sawCode {
		return m, nil, nil
	}
	return out, &siteMarks{first: first, marks: marks}, nil
}

func siteKey(s site) (mark, bool) {
	switch s.op {
	case opCall:
		return mark{kind: markCall, target: s.target}, true
	case opCallIndirect:
		return mark{kind: markIndirect, target: s.target, table: s.table}, true
	case opUnreachable:
		return mark{kind: markUnreachable}, true
	}
	return mark{}, false
}

// rewriteCode re-encodes the code section: each site of a function's rewrite list becomes a call
// of its marker (site.target), an `unreachable` a marker call followed by `unreachable` (the
// instruction after it must still see an unreachable stack), and the marker bodies are appended.
func rewriteCode(s section, ix *codeIndex, sitesOf func(uint32) []site, markers [][]byte) ([]byte, error) {
	r := &binReader{b: s.contents}
	n := r.u32()
	out := appendULEB(nil, uint64(n)+uint64(len(markers)))
	for i := uint32(0); i < n; i++ {
		size := r.u32()
		body := r.bytes(uint64(size))
		if r.err != nil {
			return nil, fmt.Errorf("code section: %v", r.err)
		}
		fn := uint32(len(ix.imports)) + i
		rs := sitesOf(fn)
		if len(rs) == 0 {
			out = appendULEB(out, uint64(len(body)))
			out = append(out, body...)
			continue
		}
		// Sites are offsets in the module as built; the body's bytes are the same here.
		base := ix.funcs[fn].start
		var nb []byte
		at := int64(0)
		for _, x := range rs {
			lo, hi := x.offset-base, x.end-base
			if lo < at || hi > int64(len(body)) || lo >= hi {
				return nil, fmt.Errorf("function %d: site at %d is out of order", fn, x.offset)
			}
			nb = append(nb, body[at:lo]...)
			nb = appendULEB(append(nb, 0x10), uint64(x.target))
			if x.op == opUnreachable {
				nb = append(nb, 0x00)
			}
			at = hi
		}
		nb = append(nb, body[at:]...)
		out = appendULEB(out, uint64(len(nb)))
		out = append(out, nb...)
	}
	for _, b := range markers {
		out = appendULEB(out, uint64(len(b)))
		out = append(out, b...)
	}
	return out, nil
}
