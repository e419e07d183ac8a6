package wasip2

import (
	"unicode/utf8"

	"github.com/tetratelabs/wazero/api"
)

// Lifting: guest values out of core arguments and linear memory, with Wasmtime's checks and
// trap messages (runtime/component/func/typed.rs).

// flatIter reads flat core values, each of the core type the signature gives its slot.
type flatIter struct {
	vals  []uint64
	types []api.ValueType
	i     int
}

func (it *flatIter) next(want api.ValueType) uint64 {
	v, have := it.vals[it.i], it.types[it.i]
	it.i++
	if have == api.ValueTypeI64 && want == api.ValueTypeI32 {
		return uint64(uint32(v)) // the ABI's wrap_i64_to_i32 for a joined variant slot
	}
	if want == api.ValueTypeI32 {
		return uint64(uint32(v))
	}
	return v
}

func discTrap(t *Type, d uint32) error {
	switch t.Kind {
	case KindOption:
		return trapf("invalid option discriminant")
	case KindResult:
		return trapf("invalid expected discriminant")
	}
	return trapf("unexpected discriminant: %d", d)
}

// liftFlat lifts one value of type t from flat values (the ABI's lift_flat).
func (c *call) liftFlat(t *Type, it *flatIter) (any, error) {
	switch t.Kind {
	case KindBool:
		return it.next(api.ValueTypeI32) != 0, nil
	case KindU8:
		return uint64(uint8(it.next(api.ValueTypeI32))), nil
	case KindU16:
		return uint64(uint16(it.next(api.ValueTypeI32))), nil
	case KindU32:
		return it.next(api.ValueTypeI32), nil
	case KindU64:
		return it.next(api.ValueTypeI64), nil
	case KindFlags:
		return it.next(api.ValueTypeI32), nil
	case KindString, KindList:
		ptr := uint32(it.next(api.ValueTypeI32))
		n := uint32(it.next(api.ValueTypeI32))
		if t.Kind == KindString {
			return c.liftString(ptr, n)
		}
		return c.liftList(t.Elem, ptr, n)
	case KindTuple, KindRecord:
		vals := make([]any, len(t.Fields))
		for i, f := range t.Fields {
			v, err := c.liftFlat(f.Type, it)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
		return vals, nil
	case KindOwn, KindBorrow:
		return c.liftHandle(t, uint32(it.next(api.ValueTypeI32)))
	}
	d := uint32(it.next(api.ValueTypeI32))
	cases := t.cases()
	if int(d) >= len(cases) {
		return nil, discTrap(t, d)
	}
	joined := len(t.flat()) - 1
	used := 0
	var val any
	if ct := cases[d]; ct != nil {
		start := it.i
		v, err := c.liftFlat(ct, it)
		if err != nil {
			return nil, err
		}
		val, used = v, it.i-start
	}
	it.i += joined - used
	return Variant{Case: d, Val: val}, nil
}

func (c *call) liftHandle(t *Type, idx uint32) (any, error) {
	if t.Kind == KindOwn {
		return c.table.take(idx, t.Resource)
	}
	r, own, err := c.table.lend(idx, t.Resource)
	if err != nil {
		return nil, err
	}
	if own {
		c.lent = append(c.lent, idx)
	}
	return r, nil
}

// releaseLends ends the call's borrows of own handles (Wasmtime's validate_scope_exit).
func (c *call) releaseLends() {
	for _, idx := range c.lent {
		c.table.unlend(idx)
	}
	c.lent = c.lent[:0]
}

func (c *call) liftString(ptr, n uint32) (any, error) {
	m, err := c.memory()
	if err != nil {
		return nil, err
	}
	if uint64(ptr)+uint64(n) > uint64(m.Size()) {
		return nil, trapf("string pointer/length out of bounds of memory")
	}
	if err := c.consume(uint64(n)); err != nil {
		return nil, err
	}
	b, _ := m.Read(ptr, n)
	if err := checkUTF8(b); err != nil {
		return nil, err
	}
	return string(b), nil
}

// checkUTF8 fails as Rust's str::from_utf8 does, which is what Wasmtime reports.
func checkUTF8(b []byte) error {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || size > 1 {
			i += size
			continue
		}
		n := invalidLen(b[i:])
		if n == 0 {
			return trapf("incomplete utf-8 byte sequence from index %d", i)
		}
		return trapf("invalid utf-8 sequence of %d bytes from index %d", n, i)
	}
	return nil
}

// invalidLen is the length of the maximal invalid prefix at the start of b (Rust's
// Utf8Error::error_len), or 0 when b is a valid sequence cut short by its end.
func invalidLen(b []byte) int {
	first := b[0]
	var need int
	lo, hi := byte(0x80), byte(0xBF)
	switch {
	case first >= 0xC2 && first <= 0xDF:
		need = 1
	case first == 0xE0:
		need, lo = 2, 0xA0
	case first >= 0xE1 && first <= 0xEC, first == 0xEE, first == 0xEF:
		need = 2
	case first == 0xED:
		need, hi = 2, 0x9F
	case first == 0xF0:
		need, lo = 3, 0x90
	case first >= 0xF1 && first <= 0xF3:
		need = 3
	case first == 0xF4:
		need, hi = 3, 0x8F
	default:
		return 1
	}
	for k := 1; k <= need; k++ {
		if k >= len(b) {
			return 0
		}
		c := b[k]
		if k == 1 {
			if c < lo || c > hi {
				return 1
			}
		} else if c < 0x80 || c > 0xBF {
			return k
		}
	}
	return 1 // unreachable for a sequence DecodeRune rejected
}

func (c *call) liftList(elem *Type, ptr, n uint32) (any, error) {
	m, err := c.memory()
	if err != nil {
		return nil, err
	}
	size := uint64(elem.size())
	if uint64(ptr)+uint64(n)*size > uint64(m.Size()) {
		return nil, trapf("list pointer/length out of bounds of memory")
	}
	if err := c.consume(uint64(n) * hostSize(elem)); err != nil {
		return nil, err
	}
	if ptr%elem.align() != 0 {
		return nil, trapf("list pointer is not aligned")
	}
	if elem.Kind == KindU8 {
		b, _ := m.Read(ptr, n) // a view: the function reads it before anything reallocs
		return b, nil
	}
	vals := make([]any, n)
	for i := range vals {
		v, err := c.load(elem, ptr+uint32(i)*uint32(size))
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	return vals, nil
}

// load lifts a value of type t from memory at ptr, which the caller has bounds-checked.
func (c *call) load(t *Type, ptr uint32) (any, error) {
	m, err := c.memory()
	if err != nil {
		return nil, err
	}
	switch t.Kind {
	case KindBool:
		b, _ := m.ReadByte(ptr)
		return b != 0, nil
	case KindU8:
		b, _ := m.ReadByte(ptr)
		return uint64(b), nil
	case KindU16:
		v, _ := m.ReadUint16Le(ptr)
		return uint64(v), nil
	case KindU32:
		v, _ := m.ReadUint32Le(ptr)
		return uint64(v), nil
	case KindU64:
		v, _ := m.ReadUint64Le(ptr)
		return v, nil
	case KindFlags:
		switch t.size() {
		case 1:
			b, _ := m.ReadByte(ptr)
			return uint64(b), nil
		case 2:
			v, _ := m.ReadUint16Le(ptr)
			return uint64(v), nil
		}
		v, _ := m.ReadUint32Le(ptr)
		return uint64(v), nil
	case KindString, KindList:
		p, _ := m.ReadUint32Le(ptr)
		n, _ := m.ReadUint32Le(ptr + 4)
		if t.Kind == KindString {
			return c.liftString(p, n)
		}
		return c.liftList(t.Elem, p, n)
	case KindTuple, KindRecord:
		vals := make([]any, len(t.Fields))
		var off uint32
		for i, f := range t.Fields {
			off = alignTo(off, f.Type.align())
			v, err := c.load(f.Type, ptr+off)
			if err != nil {
				return nil, err
			}
			vals[i] = v
			off += f.Type.size()
		}
		return vals, nil
	case KindOwn, KindBorrow:
		idx, _ := m.ReadUint32Le(ptr)
		return c.liftHandle(t, idx)
	}
	cases := t.cases()
	var d uint32
	switch discSize(len(cases)) {
	case 1:
		b, _ := m.ReadByte(ptr)
		d = uint32(b)
	case 2:
		v, _ := m.ReadUint16Le(ptr)
		d = uint32(v)
	default:
		d, _ = m.ReadUint32Le(ptr)
	}
	if int(d) >= len(cases) {
		return nil, discTrap(t, d)
	}
	var val any
	if ct := cases[d]; ct != nil {
		v, err := c.load(ct, ptr+t.payloadOffset())
		if err != nil {
			return nil, err
		}
		val = v
	}
	return Variant{Case: d, Val: val}, nil
}

// liftParams lifts a function's arguments from the core stack, or from the memory the single
// pointer argument points to when they do not fit in 16 flat values.
func (c *call) liftParams(ft *FuncType, params []api.ValueType, inMemory bool, stack []uint64) ([]any, error) {
	if inMemory {
		tup := ft.paramTuple()
		ptr := uint32(stack[0])
		if err := c.checkPointer(tup, ptr); err != nil {
			return nil, err
		}
		v, err := c.load(tup, ptr)
		if err != nil {
			return nil, err
		}
		return v.([]any), nil
	}
	it := &flatIter{vals: stack, types: params}
	args := make([]any, len(ft.Params))
	for i, p := range ft.Params {
		v, err := c.liftFlat(p.Type, it)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	return args, nil
}

// checkPointer is Wasmtime's validate_inbounds for a spilled parameter tuple or a return area.
func (c *call) checkPointer(t *Type, ptr uint32) error {
	m, err := c.memory()
	if err != nil {
		return err
	}
	if ptr%t.align() != 0 {
		return trapf("pointer not aligned")
	}
	if uint64(ptr)+uint64(t.size()) > uint64(m.Size()) {
		return trapf("pointer out of bounds")
	}
	return nil
}
