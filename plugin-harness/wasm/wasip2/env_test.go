package wasip2

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// memWasm is (module (memory (export "memory") 1)): a guest that is only a linear memory.
var memWasm = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
	0x05, 0x03, 0x01, 0x00, 0x01, // memory section: one memory, min 1 page
	0x07, 0x0a, 0x01, 0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00, // export "memory"
}

// guest is a test stand-in for a lowering's options: a real wazero memory and a bump realloc
// written in Go, which records its calls and can be made to misbehave.
type guest struct {
	t        testing.TB
	mod      api.Module
	next     uint32
	reallocs [][4]uint32
	// realloc, when set, replaces the bump allocator.
	realloc func(ctx context.Context, old, oldSize, align, size uint32) (uint32, error)
}

func newGuest(t testing.TB) *guest {
	t.Helper()
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	t.Cleanup(func() { r.Close(ctx) })
	mod, err := r.Instantiate(ctx, memWasm)
	if err != nil {
		t.Fatal(err)
	}
	return &guest{t: t, mod: mod, next: 32 << 10}
}

func (g *guest) Memory() api.Memory { return g.mod.Memory() }

func (g *guest) Realloc(ctx context.Context, old, oldSize, align, size uint32) (uint32, error) {
	g.reallocs = append(g.reallocs, [4]uint32{old, oldSize, align, size})
	if g.realloc != nil {
		return g.realloc(ctx, old, oldSize, align, size)
	}
	p := alignTo(g.next, align)
	g.next = p + size
	for uint64(g.next) > uint64(g.Memory().Size()) {
		if _, ok := g.Memory().Grow(1); !ok {
			return 0, errors.New("test realloc: out of memory")
		}
	}
	return p, nil
}

func (g *guest) write(ptr uint32, b []byte) {
	if !g.Memory().Write(ptr, b) {
		g.t.Fatalf("write at %d out of bounds", ptr)
	}
}

func (g *guest) u8(ptr uint32) uint8 {
	v, _ := g.Memory().ReadByte(ptr)
	return v
}

func (g *guest) u32(ptr uint32) uint32 {
	v, _ := g.Memory().ReadUint32Le(ptr)
	return v
}

func (g *guest) u64(ptr uint32) uint64 {
	v, _ := g.Memory().ReadUint64Le(ptr)
	return v
}

func (g *guest) bytes(ptr, n uint32) []byte {
	b, ok := g.Memory().Read(ptr, n)
	if !ok {
		g.t.Fatalf("read [%d, +%d) out of bounds", ptr, n)
	}
	return append([]byte{}, b...)
}

// retptr is a scratch return area, 8-aligned.
const retptr = 1024

// invoke calls instance/name bound to g on h and returns the stack and what the call raised.
func invoke(t testing.TB, h *Host, g *guest, instance, name string, args ...uint64) ([]uint64, error) {
	t.Helper()
	return invokeCtx(context.Background(), t, h, g, instance, name, args...)
}

func invokeCtx(ctx context.Context, t testing.TB, h *Host, g *guest, instance, name string, args ...uint64) (stack []uint64, err error) {
	t.Helper()
	f, lerr := Lookup(instance, name)
	if lerr != nil {
		t.Fatal(lerr)
	}
	if len(args) != len(f.Params) {
		t.Fatalf("%s %s takes %d core arguments %s, test passes %d", instance, name, len(f.Params), f.Signature(), len(args))
	}
	stack = make([]uint64, max(len(f.Params), len(f.Results)))
	copy(stack, args)
	var opts Options
	if g != nil {
		opts.Memory = g
	}
	fn := h.Bind(f, opts)
	defer func() {
		if r := recover(); r != nil {
			e, isErr := r.(error)
			if !isErr {
				panic(r)
			}
			err = e
		}
	}()
	fn.Call(ctx, stack)
	return stack, nil
}

// mustInvoke is invoke for a call that must not trap.
func mustInvoke(t testing.TB, h *Host, g *guest, instance, name string, args ...uint64) []uint64 {
	t.Helper()
	stack, err := invoke(t, h, g, instance, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v", instance, name, err)
	}
	return stack
}

// wantTrap checks that err is a *Trap with exactly msg.
func wantTrap(t testing.TB, err error, msg string) {
	t.Helper()
	var tr *Trap
	if !errors.As(err, &tr) {
		t.Fatalf("want trap %q, got %v", msg, err)
	}
	if tr.Msg != msg {
		t.Fatalf("trap %q, want %q", tr.Msg, msg)
	}
}

func handleOf(t testing.TB, h *Host, g *guest, instance, name string) uint32 {
	t.Helper()
	return uint32(mustInvoke(t, h, g, instance, name)[0])
}

func (g *guest) String() string { return fmt.Sprintf("guest(next %d)", g.next) }
