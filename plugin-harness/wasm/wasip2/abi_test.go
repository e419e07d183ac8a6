package wasip2

import (
	"context"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

func TestReturnPointerIsCheckedAfterTheCall(t *testing.T) {
	h, g := New(Config{}), newGuest(t)
	out := uint64(handleOf(t, h, g, stdout, "get-stdout"))
	g.write(2048, []byte("side effect"))
	_, err := invoke(t, h, g, streams, "[method]output-stream.write", out, 2048, 11, retptr+2)
	wantTrap(t, err, "pointer not aligned")
	// Wasmtime validates the return area only after the host function ran.
	if h.Stdout().String() != "side effect" {
		t.Errorf("stdout %q", h.Stdout())
	}
	size := uint64(g.Memory().Size())
	_, err = invoke(t, h, g, streams, "[method]output-stream.check-write", out, size-8)
	wantTrap(t, err, "pointer out of bounds")
	_, err = invoke(t, h, g, streams, "[method]output-stream.check-write", out, 1<<32-8)
	wantTrap(t, err, "pointer out of bounds")
}

func TestLiftingBadStringsAndLists(t *testing.T) {
	h, g := New(Config{}), newGuest(t)
	network := uint64(handleOf(t, h, g, netI, "instance-network"))
	size := uint64(g.Memory().Size())
	_, err := invoke(t, h, g, dnsI, "resolve-addresses", network, size-2, 3, retptr)
	wantTrap(t, err, "string pointer/length out of bounds of memory")
	_, err = invoke(t, h, g, dnsI, "resolve-addresses", network, 1<<32-1, 1<<32-1, retptr)
	wantTrap(t, err, "string pointer/length out of bounds of memory")
	for in, msg := range map[string]string{
		"ab\xffcd":       "invalid utf-8 sequence of 1 bytes from index 2",
		"a\xe2\x82":      "incomplete utf-8 byte sequence from index 1",
		"\xe2\x28\xa1":   "invalid utf-8 sequence of 1 bytes from index 0",
		"xy\xf0\x90\x28": "invalid utf-8 sequence of 2 bytes from index 2",
		"\xed\xa0\x80":   "invalid utf-8 sequence of 1 bytes from index 0", // a surrogate
		"ok\xc0\xaf":     "invalid utf-8 sequence of 1 bytes from index 2", // overlong
	} {
		g.write(8192, []byte(in))
		_, err := invoke(t, h, g, dnsI, "resolve-addresses", network, 8192, uint64(len(in)), retptr)
		wantTrap(t, err, msg)
	}

	_, err = invoke(t, h, g, pollI, "poll", 4098, 1, retptr)
	wantTrap(t, err, "list pointer is not aligned")
	_, err = invoke(t, h, g, pollI, "poll", size-4, 2, retptr)
	wantTrap(t, err, "list pointer/length out of bounds of memory")
	_, err = invoke(t, h, g, pollI, "poll", 0, 1<<31, retptr)
	wantTrap(t, err, "list pointer/length out of bounds of memory")
	pollList(g, 4096, 1, 2)
	_, err = invoke(t, h, g, pollI, "poll", 4096, 2, retptr)
	wantTrap(t, err, "handle index 1 used with the wrong type, expected guest-defined resource but found a different guest-defined resource")

	// A list longer than Wasmtime's hostcall fuel allows (128 MiB of 16-byte handles) traps
	// before any element is read.
	if _, ok := g.Memory().Grow(520); !ok {
		t.Skip("cannot grow the test memory")
	}
	_, err = invoke(t, h, g, pollI, "poll", 0, 8388609, retptr)
	wantTrap(t, err, "too much data is being copied between the host and the guest: fuel allocated for hostcalls has been exhausted")
}

func TestReallocMisbehaving(t *testing.T) {
	h, g := New(Config{}), newGuest(t)
	g.realloc = func(ctx context.Context, old, oldSize, align, size uint32) (uint32, error) { return 4097, nil }
	_, err := invoke(t, h, g, env, "get-environment", retptr)
	wantTrap(t, err, "realloc return: result not aligned")
	g.realloc = func(ctx context.Context, old, oldSize, align, size uint32) (uint32, error) {
		return g.Memory().Size() - 4, nil
	}
	_, err = invoke(t, h, g, random, "get-random-bytes", 16, retptr)
	wantTrap(t, err, "realloc return: beyond end of memory")
	boom := errors.New("guest trapped in cabi_realloc")
	g.realloc = func(ctx context.Context, old, oldSize, align, size uint32) (uint32, error) { return 0, boom }
	_, err = invoke(t, h, g, random, "get-random-bytes", 16, retptr)
	if !errors.Is(err, boom) {
		t.Errorf("realloc's own failure: %v", err)
	}
	// Guest code run by realloc while results are lowered may not call out of the instance.
	out, _ := Lookup(stdout, "get-stdout")
	reenter := h.Bind(out, Options{Memory: g})
	g.realloc = func(ctx context.Context, old, oldSize, align, size uint32) (p uint32, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = r.(error)
			}
		}()
		reenter.Call(ctx, make([]uint64, 1))
		return 4096, nil
	}
	_, err = invoke(t, h, g, random, "get-random-bytes", 16, retptr)
	wantTrap(t, err, "cannot leave component instance")
	// ... and the instance may call out again afterwards.
	g.realloc = nil
	mustInvoke(t, h, g, stdout, "get-stdout")
	// Without memory a function that needs it fails plainly.
	_, err = invoke(t, h, nil, random, "get-random-bytes", 16, retptr)
	if !errors.Is(err, errNoMemory) {
		t.Errorf("no memory: %v", err)
	}
}

// TestLowerGrowsMemory: a realloc that grows memory must not leave the host writing through a
// stale view.
func TestLowerGrowsMemory(t *testing.T) {
	h, g := New(Config{}), newGuest(t)
	g.next = g.Memory().Size() - 8
	mustInvoke(t, h, g, random, "get-random-bytes", 100000, retptr)
	p, n := g.u32(retptr), g.u32(retptr+4)
	if n != 100000 || p+n > g.Memory().Size() {
		t.Fatalf("%d bytes at %d in %d", n, p, g.Memory().Size())
	}
	zeros := 0
	for _, b := range g.bytes(p, n) {
		if b == 0 {
			zeros++
		}
	}
	if zeros > 1000 {
		t.Errorf("%d zero bytes in 100000 random ones: not written through the grown memory", zeros)
	}
}

// TestParamsSpilledToMemory drives the >16 flat parameters path with a synthetic function,
// since no WASI 0.2 function has that many.
func TestParamsSpilledToMemory(t *testing.T) {
	var got []any
	params := make([]any, 0, 34)
	for i := range 17 {
		params = append(params, string(rune('a'+i)), tU32)
	}
	d := fn("wide", params, tU32, func(c *call, a []any) (any, error) {
		got = a
		return uint64(len(a)), nil
	})
	f := &Func{Instance: "test", Name: "wide", Type: d.typ, def: d}
	f.Params, f.Results, f.paramsInMemory, f.resultInMemory = d.typ.coreSignature()
	if f.Signature() != "(i32) -> (i32)" {
		t.Fatalf("signature %s", f.Signature())
	}
	h, g := New(Config{}), newGuest(t)
	for i := range 17 {
		g.Memory().WriteUint32Le(4096+uint32(i)*4, uint32(100+i))
	}
	stack := []uint64{4096}
	h.Bind(f, Options{Memory: g}).Call(context.Background(), stack)
	if stack[0] != 17 || got[16].(uint64) != 116 {
		t.Errorf("result %d, args %v", stack[0], got)
	}
	defer func() {
		if r := recover(); r == nil {
			t.Error("misaligned spilled params did not trap")
		} else {
			wantTrap(t, r.(error), "pointer not aligned")
		}
	}()
	h.Bind(f, Options{Memory: g}).Call(context.Background(), []uint64{4098})
}

func TestInvalidUTF8Index(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "",
		"héllo":            "",
		"\xf4\x90\x80\x80": "invalid utf-8 sequence of 1 bytes from index 0", // past U+10FFFF
		"\xf0\x9f\x98":     "incomplete utf-8 byte sequence from index 0",
		"\xe0\x80\x80":     "invalid utf-8 sequence of 1 bytes from index 0",
		"\xe1\x80\x41":     "invalid utf-8 sequence of 2 bytes from index 0",
	} {
		err := checkUTF8([]byte(in))
		if want == "" && err != nil || want != "" && (err == nil || err.Error() != want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

// FuzzHostCalls calls every linked function with arbitrary core arguments on a guest memory
// filled with arbitrary bytes: a call may trap, exit or be cut short, but must never fail in
// any other way (a Go runtime error would be a host bug a hostile guest could trigger).
func FuzzHostCalls(f *testing.F) {
	f.Add(uint16(0), []byte{}, uint64(1))
	f.Add(uint16(7), []byte{1, 0, 0, 0, 2, 0, 0, 0}, uint64(42))
	f.Add(uint16(100), []byte{0xff, 0xff, 0xff, 0xff}, uint64(1<<63))
	var all []*Func
	var names []string
	for name := range registry {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		i, _ := LookupInterface(name + "@0.2.0")
		for _, fn := range i.Funcs() {
			fu, _ := i.Func(fn)
			all = append(all, fu)
		}
	}
	f.Fuzz(func(t *testing.T, which uint16, mem []byte, seed uint64) {
		h, g := New(Config{MaxBlock: time.Millisecond, MaxHandles: 64}), newGuest(t)
		g.write(0, mem[:min(len(mem), 60000)])
		rng := rand.New(rand.NewPCG(seed, uint64(which)))
		// Some handles to aim at.
		for _, get := range [][2]string{{stdout, "get-stdout"}, {stdin, "get-stdin"}, {netI, "instance-network"}, {mono, "subscribe-duration"}} {
			fu, _ := Lookup(get[0], get[1])
			st := []uint64{rng.Uint64N(2000)}
			h.Bind(fu, Options{Memory: g}).Call(context.Background(), st)
		}
		for k := range 4 {
			fu := all[(int(which)+k*31)%len(all)]
			stack := make([]uint64, max(len(fu.Params), len(fu.Results)))
			for j := range stack {
				switch rng.IntN(4) {
				case 0:
					stack[j] = rng.Uint64N(6)
				case 1:
					stack[j] = uint64(binary.LittleEndian.Uint32(append(mem, 0, 0, 0, 0)[j%max(len(mem), 1):]))
				case 2:
					stack[j] = rng.Uint64N(70000)
				default:
					stack[j] = rng.Uint64()
				}
			}
			func() {
				defer func() {
					r := recover()
					if r == nil {
						return
					}
					err, isErr := r.(error)
					var tr *Trap
					var ee *ExitError
					var be *BlockedError
					var ae *AbortError
					if !isErr || !(errors.As(err, &tr) || errors.As(err, &ee) || errors.As(err, &be) || errors.As(err, &ae) || errors.Is(err, errNoMemory)) {
						t.Fatalf("%s %s%v: %v", fu.Instance, fu.Name, stack, r)
					}
					if tr != nil && len(tr.Msg) > 9 && tr.Msg[:9] == "internal:" {
						t.Fatalf("%s %s%v: %v", fu.Instance, fu.Name, stack, r)
					}
				}()
				h.Bind(fu, Options{Memory: g}).Call(context.Background(), stack)
			}()
		}
	})
}
