package wasip2

import (
	"context"

	"github.com/tetratelabs/wazero/api"
)

// Memory is the guest side of a lowering's canonical options: the linear memory named by
// `(memory …)` and the function named by `(realloc …)`. Both are looked up when a call needs
// them, not when the function is bound: a component lowers its imports before the core
// instance that exports the memory exists (wit-component's shim/fixup modules).
type Memory interface {
	// Memory is the guest's linear memory; nil if the lowering names none.
	Memory() api.Memory
	// Realloc calls the guest's cabi_realloc. An error (a trap in the guest, or no realloc in
	// the options) fails the host call with it.
	Realloc(ctx context.Context, oldPtr, oldSize, align, newSize uint32) (uint32, error)
}

// Variant is a lifted or to-be-lowered value of a variant, enum, option (case 0 none, 1 some)
// or result (case 0 ok, 1 err).
type Variant struct {
	Case uint32
	Val  any
}

func some(v any) Variant     { return Variant{Case: 1, Val: v} }
func ok(v any) Variant       { return Variant{Case: 0, Val: v} }
func errv(v any) Variant     { return Variant{Case: 1, Val: v} }
func enumv(c uint32) Variant { return Variant{Case: c} }

var none = Variant{Case: 0}

// fillBytes is a list<u8> result the host writes straight into guest memory after realloc,
// so a large get-random-bytes is never held on the Go heap.
type fillBytes struct {
	n    uint32
	fill func([]byte) error
}

// Wasmtime gives each host call 128 MiB of "hostcall fuel" for the data it lifts out of the
// guest (runtime/component/store.rs DEFAULT_HOSTCALL_FUEL), charged as the host-side size of
// what is lifted.
const hostcallFuel = 128 << 20

const maxStringByteLength = 1<<31 - 1

// call is one host function invocation: Wasmtime's LiftContext and LowerContext together.
type call struct {
	ctx   context.Context
	h     *Host
	table *Table
	mem   Memory
	fuel  int64
	lent  []uint32
}

func (c *call) memory() (api.Memory, error) {
	if c.mem == nil {
		return nil, errNoMemory
	}
	m := c.mem.Memory()
	if m == nil {
		return nil, errNoMemory
	}
	return m, nil
}

func (c *call) consume(n uint64) error {
	if n > uint64(c.fuel) {
		c.fuel = 0
		return trapf("too much data is being copied between the host and the guest: fuel allocated for hostcalls has been exhausted")
	}
	c.fuel -= int64(n)
	return nil
}

// hostSize approximates the size of a lifted value in Wasmtime's Rust representation, which
// is what hostcall fuel charges for list elements.
func hostSize(t *Type) uint64 {
	switch t.Kind {
	case KindBool, KindU8:
		return 1
	case KindU16:
		return 2
	case KindU32, KindEnum:
		return 4
	case KindU64:
		return 8
	case KindString, KindList:
		return 24 // String / Vec
	case KindOwn, KindBorrow:
		return 16 // wasmtime::component::Resource<T>
	case KindTuple, KindRecord:
		var s uint64
		for _, f := range t.Fields {
			s += hostSize(f.Type)
		}
		return s
	}
	var s uint64
	for _, c := range t.cases() {
		if c != nil {
			s = max(s, hostSize(c))
		}
	}
	return s + 4
}
