package cabi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
)

// testMem is a linear memory backed by a byte slice.
type testMem struct{ b []byte }

func newMem(size int, fill byte) *testMem {
	m := &testMem{b: make([]byte, size)}
	for i := range m.b {
		m.b[i] = fill
	}
	return m
}

func (m *testMem) Size() uint32 { return uint32(len(m.b)) }

func (m *testMem) Read(off, n uint32) ([]byte, bool) {
	if uint64(off)+uint64(n) > uint64(len(m.b)) {
		return nil, false
	}
	return m.b[off : off+n], true
}

func (m *testMem) Write(off uint32, v []byte) bool {
	if uint64(off)+uint64(len(v)) > uint64(len(m.b)) {
		return false
	}
	copy(m.b[off:], v)
	return true
}

// sparseMem claims a large size without backing it: its first 4 KiB are real, the rest reads as
// zeros. It lets a test give a length that passes the bounds check without allocating what the
// length says.
type sparseMem struct {
	size uint32
	head [4096]byte
}

func (m *sparseMem) Size() uint32 { return m.size }

func (m *sparseMem) Read(off, n uint32) ([]byte, bool) {
	if uint64(off)+uint64(n) > uint64(m.size) {
		return nil, false
	}
	if n > 1<<20 {
		panic(fmt.Sprintf("sparseMem: a read of %d bytes at 0x%x: the lift allocated from a length it had not budgeted", n, off))
	}
	out := make([]byte, n)
	if off < uint32(len(m.head)) {
		copy(out, m.head[off:])
	}
	return out, true
}

func (m *sparseMem) Write(off uint32, v []byte) bool {
	copy(m.head[off:], v)
	return true
}

type reallocCall struct{ old, oldSize, align, newSize uint32 }

func (c reallocCall) String() string {
	return fmt.Sprintf("realloc(%d,%d,%d,%d)", c.old, c.oldSize, c.align, c.newSize)
}

// bump is a guest allocator: every call returns a fresh aligned block past the last one, copying
// the old block's bytes as a realloc must; it grows the memory when it runs out.
type bump struct {
	mem   *testMem
	next  uint32
	calls []reallocCall
}

func newBump(mem *testMem, start uint32) *bump { return &bump{mem: mem, next: start} }

func (b *bump) realloc(old, oldSize, align, newSize uint32) (uint32, error) {
	b.calls = append(b.calls, reallocCall{old, oldSize, align, newSize})
	p := alignTo(b.next, align)
	b.next = p + newSize
	for uint32(len(b.mem.b)) < b.next {
		b.mem.b = append(b.mem.b, make([]byte, 65536)...)
	}
	copy(b.mem.b[p:p+min(oldSize, newSize)], b.mem.b[old:])
	return p, nil
}

func (b *bump) options(enc StringEncoding) Options {
	return Options{Memory: b.mem, Realloc: b.realloc, Encoding: enc}
}

// image builds a memory image by hand.
type image struct{ m *testMem }

func newImage(size int) image { return image{newMem(size, 0)} }

func (im image) u8(addr uint32, v byte) image { im.m.b[addr] = v; return im }

func (im image) u16(addr uint32, v uint16) image {
	binary.LittleEndian.PutUint16(im.m.b[addr:], v)
	return im
}

func (im image) u32(addr uint32, v uint32) image {
	binary.LittleEndian.PutUint32(im.m.b[addr:], v)
	return im
}

// pair writes a (pointer, length) pair.
func (im image) pair(addr, ptr, n uint32) image { return im.u32(addr, ptr).u32(addr+4, n) }

func (im image) bytes(addr uint32, b []byte) image { copy(im.m.b[addr:], b); return im }

// str stores s's bytes at data and its pair at addr.
func (im image) str(addr, data uint32, s string) image {
	return im.bytes(data, []byte(s)).pair(addr, data, uint32(len(s)))
}

func (im image) opts(enc StringEncoding) Options { return Options{Memory: im.m, Encoding: enc} }

func ptrTo(s string) *string { return &s }

// wantTrap checks that err is a Trap with Wasmtime's message msg about field.
func wantTrap(t *testing.T, err error, msg, field string) *Trap {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want the trap %q", msg)
	}
	tr, ok := AsTrap(err)
	if !ok {
		t.Fatalf("error %v (%T) is not a Trap, want %q", err, err, msg)
	}
	if tr.Message != msg || tr.Error() != msg {
		t.Errorf("trap message %q, want %q (%s)", tr.Message, msg, tr.Explain())
	}
	if field != "" && tr.Field != field {
		t.Errorf("trap field %q, want %q (%s)", tr.Field, field, tr.Explain())
	}
	return tr
}

func wantNoErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		if tr, ok := AsTrap(err); ok {
			t.Fatalf("trap: %s", tr.Explain())
		}
		t.Fatal(err)
	}
}

var errGuest = errors.New("error while executing at wasm backtrace: unreachable")

// liftArgs reads back what a Lower* call stored, as the guest would see it: the spilled tuple, or
// the four flat values of resolve-identity.
func liftArgs(t *testing.T, o Options, f *Func, flat []uint64) []any {
	t.Helper()
	l := &lifter{mem: o.Memory, size: uint64(o.Memory.Size()), enc: o.Encoding, fuel: DefaultHostcallFuel, budget: DefaultHostcallFuel}
	var out []any
	if !f.SpillsParams {
		if f != &FuncResolveIdentity || len(flat) != 4 {
			t.Fatalf("flat args %v", flat)
		}
		out = append(out, l.pairsRange(uint32(flat[0]), uint32(flat[1]), "headers"),
			l.strRange(uint32(flat[2]), uint32(flat[3]), "config", -1, ""))
		wantNoErr(t, l.err)
		return out
	}
	if len(flat) != 1 {
		t.Fatalf("spilled args are one pointer, got %v", flat)
	}
	ptr := uint32(flat[0])
	tt := f.paramTuple()
	if ptr%tt.Align() != 0 {
		t.Fatalf("tuple at 0x%x, not aligned to %d", ptr, tt.Align())
	}
	offs := tt.FieldOffsets()
	for i, p := range f.params {
		a := ptr + offs[i]
		switch p.t {
		case tContext:
			out = append(out, l.context(a, p.name))
		case tString:
			out = append(out, l.str(a, p.name))
		case tOptString:
			out = append(out, l.optStr(a, p.name))
		case tU64:
			out = append(out, binary.LittleEndian.Uint64(l.read(a, 8, p.name)))
		default:
			t.Fatalf("param %s of type %s", p.name, p.t.Name)
		}
	}
	wantNoErr(t, l.err)
	return out
}
