package wasm

// A pre-flight check of a core module's counts and lengths, before wazero sees it. wazero's
// decoder sizes its slices and maps by the counts it reads (imports, functions, elements, data
// bytes, locals, names…) before reading the entries, so a hostile count of 2^32 makes it
// allocate gigabytes. Every count here must fit in the bytes that are left for it — each entry
// takes at least one byte — and a function's locals are bounded as Wasmtime's validator bounds
// them. Nothing else is validated: wazero does that once it can do so cheaply.

import (
	"errors"
	"fmt"
)

// maxFunctionLocals is wasmparser's MAX_WASM_FUNCTION_LOCALS, which Wasmtime enforces.
const maxFunctionLocals = 50_000

// checkBounds refuses a module with a count or length its bytes cannot hold.
func checkBounds(m []byte) error {
	secs, err := sections(m)
	if err != nil {
		return err
	}
	for _, s := range secs {
		r := &binReader{b: s.contents}
		switch s.id {
		case 0:
			if s.customTag == "name" {
				r.name()
				checkNameSection(r)
			}
		case 1:
			n := r.count()
			for i := uint32(0); i < n && r.err == nil; i++ {
				if r.byte() != 0x60 {
					break // not a plain function type: wazero refuses it before allocating by it
				}
				r.valTypes()
				r.valTypes()
			}
		case 2:
			_, err := readImports(s.contents)
			if err != nil {
				return err
			}
		case 3, 4, 5, 6, 13:
			r.count()
		case 7:
			n := r.count()
			for i := uint32(0); i < n && r.err == nil; i++ {
				r.name()
				r.byte()
				r.u32()
			}
		case 9:
			n := r.count()
			for i := uint32(0); i < n && r.err == nil; i++ {
				r.element()
			}
		case 10:
			n := r.count()
			for i := uint32(0); i < n && r.err == nil; i++ {
				body := &binReader{b: r.bytes(r.uleb(32))}
				groups := body.count()
				var locals uint64
				for j := uint32(0); j < groups && body.err == nil; j++ {
					locals += body.uleb(32)
					body.skipValType()
				}
				if body.err == nil && locals > maxFunctionLocals {
					body.fail("function %d declares %d locals; at most %d are allowed", i, locals, maxFunctionLocals)
				}
				if body.err != nil {
					return fmt.Errorf("code section, function body %d: %v", i, body.err)
				}
			}
		case 11:
			n := r.count()
			for i := uint32(0); i < n && r.err == nil; i++ {
				switch flags := r.u32(); flags {
				case 0:
					r.constExpr()
				case 1:
				case 2:
					r.u32()
					r.constExpr()
				default:
					r.fail("data segment %d has flags %d", i, flags)
				}
				r.bytes(r.uleb(32))
			}
		}
		if r.err != nil {
			return fmt.Errorf("%s section: %v", sectionName(s.id), r.err)
		}
	}
	return nil
}

func sectionName(id byte) string {
	names := []string{"custom", "type", "import", "function", "table", "memory", "global", "export", "start",
		"element", "code", "data", "data count", "tag"}
	if int(id) < len(names) {
		return names[id]
	}
	return fmt.Sprintf("unknown (id %d)", id)
}

// count reads a vector's length, which must fit in the bytes left.
func (r *binReader) count() uint32 {
	n := r.u32()
	if r.err == nil && uint64(n) > uint64(len(r.b)-r.pos) {
		r.fail("a count of %d cannot fit in the %d bytes left", n, len(r.b)-r.pos)
		return 0
	}
	return n
}

func (r *binReader) valTypes() {
	n := r.count()
	for i := uint32(0); i < n && r.err == nil; i++ {
		r.skipValType()
	}
}

// constExpr skips a constant expression (the instructions wazero accepts in one).
func (r *binReader) constExpr() {
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
		case 0x23, 0xd2:
			r.u32()
		case 0xd0:
			r.heapType()
		case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e:
		case 0xfd:
			if r.u32() != 12 {
				r.fail("a constant expression has a SIMD instruction other than v128.const")
			}
			r.bytes(16)
		default:
			if r.err == nil {
				r.fail("a constant expression has opcode 0x%02x", op)
			}
		}
	}
}

// element skips one element segment, checking its vectors.
func (r *binReader) element() {
	flags := r.u32()
	if flags > 7 {
		r.fail("an element segment has flags %d", flags)
		return
	}
	if flags&0x02 != 0 && flags&0x01 == 0 {
		r.u32() // table index
	}
	if flags&0x01 == 0 {
		r.constExpr() // offset
	}
	exprs := flags&0x04 != 0
	if flags&0x03 != 0 {
		if exprs {
			r.skipValType() // reference type
		} else {
			r.byte() // element kind
		}
	}
	n := r.count()
	for i := uint32(0); i < n && r.err == nil; i++ {
		if exprs {
			r.constExpr()
		} else {
			r.u32()
		}
	}
}

// checkNameSection checks the counts of the name section's function and local name maps.
func checkNameSection(r *binReader) {
	for !r.eof() {
		id := r.byte()
		sub := &binReader{b: r.bytes(r.uleb(32))}
		switch id {
		case 1:
			n := sub.count()
			for i := uint32(0); i < n && sub.err == nil; i++ {
				sub.u32()
				sub.name()
			}
		case 2:
			n := sub.count()
			for i := uint32(0); i < n && sub.err == nil; i++ {
				sub.u32()
				k := sub.count()
				for j := uint32(0); j < k && sub.err == nil; j++ {
					sub.u32()
					sub.name()
				}
			}
		}
		if sub.err != nil {
			r.err = errors.New("name subsection " + fmt.Sprint(id) + ": " + sub.err.Error())
			return
		}
	}
}
