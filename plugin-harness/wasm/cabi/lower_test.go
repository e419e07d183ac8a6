package cabi

import (
	"encoding/binary"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func sampleContext() Context {
	return Context{
		RequestID: "req-1",
		SessionID: ptrTo("sess"),
		ToolName:  "search",
		Surface:   "tool",
		Identity: Identity{
			Kind: "user", TrustLevel: "authenticated",
			SubjectID: ptrTo("alice"), AuthProvider: nil, Issuer: ptrTo("https://idp"),
			Roles: []string{"admin", "dev"}, Groups: nil, Scopes: []string{"read"},
			Attributes: []Pair{{"dept", "eng"}, {"tier", "gold"}},
		},
		Transport: "http",
	}
}

// The realloc calls, in Wasmtime's order, for evaluate-pre-dispatch: the tuple, then every string
// and list as the fields are stored.
func TestLowerPreDispatchOrder(t *testing.T) {
	mem := newMem(65536, 0xAA)
	b := newBump(mem, 16)
	args := PreDispatchArgs{Ctx: sampleContext(), Arguments: `{"q":"x"}`, Meta: ptrTo(`{"m":1}`), Config: `{}`}
	flat, err := LowerPreDispatch(b.options(UTF8), args)
	wantNoErr(t, err)
	s := func(str string) reallocCall { return reallocCall{0, 0, 1, uint32(len(str))} }
	want := []reallocCall{
		{0, 0, 4, 156},
		s("req-1"), s("sess"), s("search"), s("tool"),
		s("user"), s("authenticated"), s("alice"), s("https://idp"),
		{0, 0, 4, 16}, s("admin"), s("dev"), // roles
		{0, 0, 4, 0}, // groups: an empty list still allocates
		{0, 0, 4, 8}, s("read"),
		{0, 0, 4, 32}, s("dept"), s("eng"), s("tier"), s("gold"),
		s("http"), s(`{"q":"x"}`), s(`{"m":1}`), s(`{}`),
	}
	if !slices.Equal(b.calls, want) {
		t.Errorf("realloc calls\n got %v\nwant %v", b.calls, want)
	}
	if len(flat) != 1 || uint32(flat[0]) != 16 {
		t.Fatalf("flat %v, want [16] (the tuple's address)", flat)
	}
	got := liftArgs(t, b.options(UTF8), &FuncEvaluatePreDispatch, flat)
	if !reflect.DeepEqual(got, []any{args.Ctx, args.Arguments, args.Meta, args.Config}) {
		t.Errorf("read back %#v", got)
	}
	// Padding is never written: option discriminants are one byte followed by three of padding,
	// the auth-provider option is none and has no payload written at all.
	tuple := uint32(16)
	for _, pad := range []uint32{
		offContext[ctxSessionID] + 1, offContext[ctxSessionID] + 3,
		offContext[ctxIdentity] + offIdentity[idAuthProvider] + 1,
		offContext[ctxIdentity] + offIdentity[idAuthProvider] + 4, // the none's payload
		offContext[ctxIdentity] + offIdentity[idAuthProvider] + 11,
		136 + 1, 136 + 3, // meta's padding
	} {
		if v := mem.b[tuple+pad]; v != 0xAA {
			t.Errorf("byte %d of the tuple was written: 0x%02x", pad, v)
		}
	}
	if mem.b[tuple+offContext[ctxIdentity]+offIdentity[idAuthProvider]] != 0 {
		t.Error("auth-provider's discriminant is not 0 (none)")
	}
}

func TestLowerPostDispatch(t *testing.T) {
	mem := newMem(4096, 0)
	b := newBump(mem, 4) // the tuple needs alignment 8
	args := PostDispatchArgs{Ctx: Context{}, Arguments: "[]", Result: `{"ok":true}`, ExecutionDurationMS: 0x0102030405060708, Config: "null"}
	flat, err := LowerPostDispatch(b.options(UTF8), args)
	wantNoErr(t, err)
	if b.calls[0] != (reallocCall{0, 0, 8, 160}) {
		t.Errorf("first realloc %v, want the tuple's (align 8, 160 bytes)", b.calls[0])
	}
	ptr := uint32(flat[0])
	if ptr != 8 {
		t.Errorf("tuple at %d, want 8", ptr)
	}
	if got := binary.LittleEndian.Uint64(mem.b[ptr+144:]); got != args.ExecutionDurationMS {
		t.Errorf("duration 0x%x", got)
	}
	got := liftArgs(t, b.options(UTF8), &FuncEvaluatePostDispatch, flat)
	if !reflect.DeepEqual(got, []any{args.Ctx, args.Arguments, args.Result, args.ExecutionDurationMS, args.Config}) {
		t.Errorf("read back %#v", got)
	}
}

func TestLowerTransform(t *testing.T) {
	for name, lower := range map[string]func(Options, TransformArgs) ([]uint64, error){
		"transform-arguments": LowerTransformArguments, "transform-output": LowerTransformOutput,
	} {
		mem := newMem(4096, 0)
		b := newBump(mem, 0)
		args := TransformArgs{Ctx: sampleContext(), Value: `{"ssn":"1"}`, Config: `{"policy":"strict"}`}
		flat, err := lower(b.options(UTF8), args)
		wantNoErr(t, err)
		if b.calls[0] != (reallocCall{0, 0, 4, 144}) {
			t.Errorf("%s: first realloc %v", name, b.calls[0])
		}
		f, _ := TransformWorld.Func(name)
		if got := liftArgs(t, b.options(UTF8), f, flat); !reflect.DeepEqual(got, []any{args.Ctx, args.Value, args.Config}) {
			t.Errorf("%s: read back %#v", name, got)
		}
	}
}

// resolve-identity's four flat values need no tuple: the header array, each header, the config.
func TestLowerResolveIdentity(t *testing.T) {
	mem := newMem(4096, 0)
	b := newBump(mem, 0)
	args := ResolveIdentityArgs{Headers: []Pair{{"authorization", "Bearer x"}, {"x-id", ""}}, Config: "{}"}
	flat, err := LowerResolveIdentity(b.options(UTF8), args)
	wantNoErr(t, err)
	want := []reallocCall{{0, 0, 4, 32}, {0, 0, 1, 13}, {0, 0, 1, 8}, {0, 0, 1, 4}, {0, 0, 1, 0}, {0, 0, 1, 2}}
	if !slices.Equal(b.calls, want) {
		t.Errorf("realloc calls %v, want %v", b.calls, want)
	}
	if len(flat) != 4 || flat[1] != 2 || flat[3] != 2 {
		t.Fatalf("flat %v", flat)
	}
	if got := liftArgs(t, b.options(UTF8), &FuncResolveIdentity, flat); !reflect.DeepEqual(got, []any{args.Headers, args.Config}) {
		t.Errorf("read back %#v", got)
	}
	// No headers: an empty list is still allocated (0 bytes) and passed with length 0.
	b = newBump(newMem(64, 0), 8)
	flat, err = LowerResolveIdentity(b.options(UTF8), ResolveIdentityArgs{Config: ""})
	wantNoErr(t, err)
	if !slices.Equal(flat, []uint64{8, 0, 8, 0}) || len(b.calls) != 2 {
		t.Errorf("flat %v after %v", flat, b.calls)
	}
}

// What realloc answers is checked as Wasmtime checks it; its own failures pass through.
func TestLowerReallocChecks(t *testing.T) {
	args := PreDispatchArgs{Ctx: sampleContext(), Arguments: "{}", Config: "{}"}
	run := func(realloc Realloc) error {
		mem := newMem(1024, 0)
		_, err := LowerPreDispatch(Options{Memory: mem, Realloc: realloc}, args)
		return err
	}
	wantTrap(t, run(func(_, _, _, _ uint32) (uint32, error) { return 2, nil }),
		"realloc return: result not aligned", "evaluate-pre-dispatch parameters")
	wantTrap(t, run(func(_, _, _, _ uint32) (uint32, error) { return 1024 - 152, nil }),
		"realloc return: beyond end of memory", "evaluate-pre-dispatch parameters")
	wantTrap(t, run(func(_, _, _, _ uint32) (uint32, error) { return 0xFFFFFFFC, nil }),
		"realloc return: beyond end of memory", "")
	// The tuple is fine, a string is not: 1 byte short of the memory's end.
	n := 0
	tr := wantTrap(t, run(func(_, _, _, size uint32) (uint32, error) {
		n++
		if n == 1 {
			return 0, nil
		}
		return 1024 - size + 1, nil
	}), "realloc return: beyond end of memory", "ctx.request-id")
	if !strings.Contains(tr.Explain(), "ctx.request-id: realloc(0, 0, 1, 5) returned") {
		t.Errorf("Explain() = %q", tr.Explain())
	}
	// A string's allocation may be misaligned only when it asks for alignment 1.
	n = 0
	wantNoErr(t, run(func(_, _, align, _ uint32) (uint32, error) {
		n++
		if align == 1 {
			return uint32(n*200)%800 + 1, nil
		}
		return uint32(n*200) % 800, nil
	}))
	// A list's must be aligned to 4.
	n = 0
	wantTrap(t, run(func(_, _, align, _ uint32) (uint32, error) {
		n++
		if align == 4 && n > 1 {
			return 402, nil
		}
		return uint32(n*8) % 400, nil
	}), "realloc return: result not aligned", "ctx.identity.roles")
	// A trap inside the guest's realloc is the call's error, unchanged.
	if err := run(func(_, _, _, _ uint32) (uint32, error) { return 0, errGuest }); !errors.Is(err, errGuest) {
		t.Errorf("error %v, want the guest's own", err)
	}
	// Ending exactly at the memory's end is fine, and realloc may grow the memory first.
	mem := newMem(156, 0)
	grow := func(_, _, _, size uint32) (uint32, error) {
		if size == 156 {
			return 0, nil
		}
		p := uint32(len(mem.b))
		mem.b = append(mem.b, make([]byte, size)...)
		return p, nil
	}
	_, err := LowerPreDispatch(Options{Memory: mem, Realloc: grow}, args)
	wantNoErr(t, err)
}

func TestLowerOptionsAndInputs(t *testing.T) {
	mem := newMem(1024, 0)
	if _, err := LowerPreDispatch(Options{Memory: mem}, PreDispatchArgs{}); err == nil || !strings.Contains(err.Error(), "Options.Realloc is nil") {
		t.Errorf("no realloc: %v", err)
	}
	b := newBump(mem, 0)
	if _, err := LowerPreDispatch(Options{Realloc: b.realloc}, PreDispatchArgs{}); err == nil || !strings.Contains(err.Error(), "Options.Memory is nil") {
		t.Errorf("no memory: %v", err)
	}
	if _, err := LiftManifest(Options{}, []uint64{0}); err == nil || !strings.Contains(err.Error(), "Options.Memory is nil") {
		t.Errorf("lift without memory: %v", err)
	}
	if _, err := LowerPreDispatch(Options{Memory: mem, Realloc: b.realloc, Encoding: 7}, PreDispatchArgs{}); err == nil || !strings.Contains(err.Error(), "unknown string encoding 7") {
		t.Errorf("encoding 7: %v", err)
	}
	_, err := LowerPreDispatch(b.options(UTF8), PreDispatchArgs{Arguments: "ok \xff"})
	if err == nil || !strings.Contains(err.Error(), "arguments: the host string is not UTF-8") {
		t.Errorf("invalid host string: %v", err)
	} else if _, ok := AsTrap(err); ok {
		t.Error("a bad host string is the harness's fault, not a trap")
	}
	// Values of the wrong Go type for a WIT type are refused, not panicked on.
	w := &lowerer{o: &Options{Memory: mem, Realloc: b.realloc}}
	for _, c := range []struct {
		t *witType
		v any
	}{
		{tString, 3}, {tU16, "x"}, {tS32, uint16(1)}, {tU64, 1}, {tStrings, []Pair{}}, {tPairs, []string{}},
		{tStrings, "x"}, {tIdentity, Context{}}, {tOptString, "x"}, {tGateDecision, ptrTo("x")},
		{tContext, 1}, {tGateDecision, GateDecision{Case: 9}}, {tIdentity, Pair{}},
	} {
		if err := w.store(c.t, c.v, 0, "v"); err == nil {
			t.Errorf("store %s ← %T: no error", c.t.Name, c.v)
		}
		if _, err := w.flat(c.t, c.v, "v"); err == nil {
			t.Errorf("flat %s ← %T: no error", c.t.Name, c.v)
		}
	}
}

// A memory whose Write refuses what its Size allows is reported, not ignored.
type lyingMem struct{ *testMem }

func (lyingMem) Write(uint32, []byte) bool { return false }

func TestLowerBrokenMemory(t *testing.T) {
	mem := lyingMem{newMem(1024, 0)}
	_, err := LowerResolveIdentity(Options{Memory: mem, Realloc: func(_, _, _, _ uint32) (uint32, error) { return 0, nil }},
		ResolveIdentityArgs{Config: "x"})
	if err == nil || !strings.Contains(err.Error(), "writing 1 bytes at 0x0 failed") {
		t.Errorf("err %v", err)
	}
}

// utf16 and latin1+utf16 follow Wasmtime's lower_string call for call.
func TestLowerStringEncodings(t *testing.T) {
	for _, c := range []struct {
		enc   StringEncoding
		s     string
		calls []reallocCall // with the bump's addresses, starting at 0
		units uint32
		bytes []byte
	}{
		{UTF16, "ab", []reallocCall{{0, 0, 2, 4}}, 2, []byte{'a', 0, 'b', 0}},
		{UTF16, "é", []reallocCall{{0, 0, 2, 4}, {0, 4, 2, 2}}, 1, []byte{0xE9, 0}},
		{UTF16, "😀", []reallocCall{{0, 0, 2, 8}, {0, 8, 2, 4}}, 2, []byte{0x3D, 0xD8, 0x00, 0xDE}},
		{UTF16, "", []reallocCall{{0, 0, 2, 0}}, 0, nil},
		{Latin1UTF16, "abc", []reallocCall{{0, 0, 2, 3}}, 3, []byte("abc")},
		{Latin1UTF16, "é!", []reallocCall{{0, 0, 2, 3}, {0, 3, 2, 2}}, 2, []byte{0xE9, '!'}},
		{Latin1UTF16, "a€", []reallocCall{{0, 0, 2, 4}, {0, 4, 2, 8}, {4, 8, 2, 4}}, 2 | utf16Tag, []byte{'a', 0, 0xAC, 0x20}},
		{Latin1UTF16, "€", []reallocCall{{0, 0, 2, 3}, {0, 3, 2, 6}, {4, 6, 2, 2}}, 1 | utf16Tag, []byte{0xAC, 0x20}},
		{Latin1UTF16, "ab😀", []reallocCall{{0, 0, 2, 6}, {0, 6, 2, 12}, {6, 12, 2, 8}}, 4 | utf16Tag, []byte{'a', 0, 'b', 0, 0x3D, 0xD8, 0x00, 0xDE}},
		{Latin1UTF16, "", []reallocCall{{0, 0, 2, 0}}, 0, nil},
		{UTF8, "é", []reallocCall{{0, 0, 1, 2}}, 2, []byte("é")},
	} {
		mem := newMem(256, 0)
		b := newBump(mem, 0)
		w := &lowerer{o: &Options{Memory: mem, Realloc: b.realloc, Encoding: c.enc}}
		ptr, units, err := w.lowerString(c.s, "s")
		wantNoErr(t, err)
		if !slices.Equal(b.calls, c.calls) {
			t.Errorf("%s %q: calls %v, want %v", c.enc, c.s, b.calls, c.calls)
		}
		if units != c.units {
			t.Errorf("%s %q: length 0x%x, want 0x%x", c.enc, c.s, units, c.units)
		}
		got := mem.b[ptr : ptr+uint32(len(c.bytes))]
		if !slices.Equal(got, c.bytes) {
			t.Errorf("%s %q: bytes % x, want % x", c.enc, c.s, got, c.bytes)
		}
		l := &lifter{mem: mem, size: uint64(mem.Size()), enc: c.enc, fuel: 1 << 20, budget: 1 << 20}
		if back := l.strRange(ptr, units, "s", -1, ""); back != c.s || l.err != nil {
			t.Errorf("%s %q: lifted back %q, %v", c.enc, c.s, back, l.err)
		}
	}
}

// Sizes Wasmtime cannot hand to a 32-bit realloc fail with its conversion error.
func TestLowerHugeAllocation(t *testing.T) {
	w := &lowerer{o: &Options{Memory: newMem(16, 0), Realloc: func(_, _, _, _ uint32) (uint32, error) {
		t.Fatal("realloc called")
		return 0, nil
	}}}
	_, err := w.realloc("headers", 0, 0, 4, 1<<32)
	wantTrap(t, err, "out of range integral type conversion attempted", "headers")
}

// Flat lowering of the shapes only spilled parameters use today: a variant is its discriminant,
// its case's payload, and zeros up to the width all cases share.
func TestFlatLowering(t *testing.T) {
	mem := newMem(1024, 0)
	b := newBump(mem, 0)
	w := &lowerer{o: &Options{Memory: mem, Realloc: b.realloc}}
	deny := GateDecision{Case: GateDenyCase, Deny: GateDenial{403, -1, "no", nil}}
	got, err := w.flat(tGateDecision, deny, "d")
	wantNoErr(t, err)
	if want := []uint64{1, 403, 0xFFFFFFFF, 0, 2, 0, 0, 0, 0, 0}; !slices.Equal(got, want) {
		t.Errorf("deny flat %v, want %v", got, want)
	}
	got, err = w.flat(tTransformResult, TransformResult{Case: TransformUnchanged}, "t")
	wantNoErr(t, err)
	if !slices.Equal(got, []uint64{0, 0, 0}) {
		t.Errorf("unchanged flat %v", got)
	}
	got, err = w.flat(FuncEvaluatePostDispatch.paramTuple(), PostDispatchArgs{ExecutionDurationMS: 1 << 40}, "p")
	wantNoErr(t, err)
	if len(got) != 39 || got[36] != 1<<40 {
		t.Errorf("post-dispatch flat: %d values, duration %d", len(got), got[36])
	}
	for i, ty := range tGateDecision.Flat() {
		if ty != I32 {
			t.Errorf("flat[%d] %s", i, ty)
		}
	}
}

// A realloc that fails midway through a UTF-16 or latin1+utf16 string ends the lowering with
// its error.
func TestLowerStringReallocFailures(t *testing.T) {
	for _, c := range []struct {
		enc    StringEncoding
		s      string
		failAt int
	}{
		{UTF16, "é", 2}, {Latin1UTF16, "é", 2}, {Latin1UTF16, "a€", 2}, {Latin1UTF16, "a€", 3}, {Latin1UTF16, "€", 1},
	} {
		mem := newMem(256, 0)
		b := newBump(mem, 0)
		n := 0
		realloc := func(old, oldSize, align, newSize uint32) (uint32, error) {
			if n++; n == c.failAt {
				return 0, errGuest
			}
			return b.realloc(old, oldSize, align, newSize)
		}
		w := &lowerer{o: &Options{Memory: mem, Realloc: realloc, Encoding: c.enc}}
		if _, _, err := w.lowerString(c.s, "s"); !errors.Is(err, errGuest) {
			t.Errorf("%s %q failing call %d: %v", c.enc, c.s, c.failAt, err)
		}
	}
}
