package cabi

import (
	"slices"
	"testing"
)

// The layouts of the worlds' types, as the spec's rules give them (and as wit-component's --dummy
// modules and componentize-js guests use them).
func TestLayouts(t *testing.T) {
	for _, c := range []struct {
		t           *witType
		size, align uint32
		flat        int
		offsets     []uint32 // records: field offsets; variants: [payload offset]
	}{
		{tString, 8, 4, 2, nil},
		{tStrings, 8, 4, 2, nil},
		{tU16, 2, 2, 1, nil},
		{tS32, 4, 4, 1, nil},
		{tU64, 8, 8, 1, nil},
		{tOptString, 12, 4, 3, []uint32{4}},
		{tPair, 16, 4, 4, []uint32{0, 8}},
		{tIdentity, 84, 4, 21, []uint32{0, 8, 16, 28, 40, 52, 60, 68, 76}},
		{tContext, 128, 4, 32, []uint32{0, 8, 20, 28, 36, 120}},
		{tManifest, 40, 4, 10, []uint32{0, 8, 16, 24, 32}},
		{tGateAllow, 36, 4, 9, []uint32{0, 12, 24}},
		{tGateDenial, 28, 4, 7, []uint32{0, 4, 8, 16}},
		{tGateChallenge, 24, 4, 6, []uint32{0, 4, 8, 16}},
		{tGateDecision, 40, 4, 10, []uint32{4}},
		{tTransformResult, 12, 4, 3, []uint32{4}},
		{tIdentityResolution, 88, 4, 22, []uint32{4}},
		{FuncEvaluatePreDispatch.paramTuple(), 156, 4, 39, []uint32{0, 128, 136, 148}},
		{FuncEvaluatePostDispatch.paramTuple(), 160, 8, 39, []uint32{0, 128, 136, 144, 152}},
		{FuncTransformArguments.paramTuple(), 144, 4, 36, []uint32{0, 128, 136}},
		{FuncTransformOutput.paramTuple(), 144, 4, 36, []uint32{0, 128, 136}},
		{FuncResolveIdentity.paramTuple(), 16, 4, 4, []uint32{0, 8}},
	} {
		if got := c.t.Size(); got != c.size {
			t.Errorf("%s: size %d, want %d", c.t.Name, got, c.size)
		}
		if got := c.t.Align(); got != c.align {
			t.Errorf("%s: align %d, want %d", c.t.Name, got, c.align)
		}
		if got := len(c.t.Flat()); got != c.flat {
			t.Errorf("%s: %d flat values, want %d", c.t.Name, got, c.flat)
		}
		var offs []uint32
		switch c.t.kind {
		case kindRecord:
			offs = c.t.FieldOffsets()
		case kindVariant:
			offs = []uint32{c.t.PayloadOffset()}
		}
		if !slices.Equal(offs, c.offsets) {
			t.Errorf("%s: offsets %v, want %v", c.t.Name, offs, c.offsets)
		}
	}
	// Every flat value of these worlds is an i32 but the post-dispatch duration.
	for _, ty := range []*witType{tIdentity, tContext, tGateDecision, tIdentityResolution} {
		for i, v := range ty.Flat() {
			if v != I32 {
				t.Errorf("%s flat[%d] = %s", ty.Name, i, v)
			}
		}
	}
	if f := FuncEvaluatePostDispatch.paramTuple().Flat(); f[36] != I64 {
		t.Errorf("post-dispatch flat[36] = %s, want i64 (the duration)", f[36])
	}
}

// The general rules on shapes these worlds do not have: discriminant widths, a payload aligned to
// 8, the join of i32 and i64.
func TestRules(t *testing.T) {
	cases := func(n int) []vcase { return make([]vcase, n) }
	for n, want := range map[int]uint32{1: 1, 2: 1, 256: 1, 257: 2, 65536: 2, 65537: 4} {
		if got := discriminantSize(n); got != want {
			t.Errorf("discriminant of %d cases: %d bytes, want %d", n, got, want)
		}
	}
	big := variant("big", cases(300)...)
	if big.Size() != 2 || big.Align() != 2 || big.PayloadOffset() != 2 {
		t.Errorf("300 empty cases: size %d align %d payload %d", big.Size(), big.Align(), big.PayloadOffset())
	}
	v := variant("v", vcase{"a", tU16}, vcase{"b", tU64}, vcase{"c", nil})
	if v.Size() != 16 || v.Align() != 8 || v.PayloadOffset() != 8 {
		t.Errorf("variant{u16, u64}: size %d align %d payload %d", v.Size(), v.Align(), v.PayloadOffset())
	}
	if got := v.Flat(); !slices.Equal(got, []ValType{I32, I64}) {
		t.Errorf("variant{u16, u64} flat %v", got)
	}
	w := variant("w", vcase{"a", tString}, vcase{"b", tU64})
	if got := w.Flat(); !slices.Equal(got, []ValType{I32, I64, I32}) {
		t.Errorf("variant{string, u64} flat %v, want [i32 i64 i32]", got)
	}
	r := record("r", field{"a", tU16}, field{"b", tU64}, field{"c", tU16})
	if r.Size() != 24 || !slices.Equal(r.FieldOffsets(), []uint32{0, 8, 16}) {
		t.Errorf("record{u16, u64, u16}: size %d offsets %v", r.Size(), r.FieldOffsets())
	}
}

func TestCoreSignatures(t *testing.T) {
	i32 := []ValType{I32}
	for _, c := range []struct {
		f                                 *Func
		core                              CoreSig
		spills, needsRealloc, needsMemory bool
	}{
		{&FuncManifest, CoreSig{nil, i32}, false, false, true},
		{&FuncEvaluatePreDispatch, CoreSig{i32, i32}, true, true, true},
		{&FuncEvaluatePostDispatch, CoreSig{i32, i32}, true, true, true},
		{&FuncTransformArguments, CoreSig{i32, i32}, true, true, true},
		{&FuncTransformOutput, CoreSig{i32, i32}, true, true, true},
		{&FuncResolveIdentity, CoreSig{[]ValType{I32, I32, I32, I32}, i32}, false, true, true},
	} {
		if !c.f.Core.Equal(c.core) {
			t.Errorf("%s: core %s, want %s", c.f.Name, c.f.Core, c.core)
		}
		if want := (CoreSig{Params: i32}); !c.f.PostReturn.Equal(want) {
			t.Errorf("%s: post-return %s, want %s", c.f.Name, c.f.PostReturn, want)
		}
		if c.f.SpillsParams != c.spills || c.f.NeedsRealloc != c.needsRealloc || c.f.NeedsMemory != c.needsMemory {
			t.Errorf("%s: spills %v realloc %v memory %v", c.f.Name, c.f.SpillsParams, c.f.NeedsRealloc, c.f.NeedsMemory)
		}
	}
	if got := FuncEvaluatePreDispatch.Core.String(); got != "(i32) -> (i32)" {
		t.Errorf("String() = %q", got)
	}
	if got := ReallocSig.String(); got != "(i32, i32, i32, i32) -> (i32)" {
		t.Errorf("ReallocSig = %q", got)
	}
	if (CoreSig{Params: i32}).Equal(CoreSig{Params: []ValType{I64}}) {
		t.Error("(i32) equals (i64)")
	}
	if ValType(0x7d).String() != "valtype(0x7d)" {
		t.Error(ValType(0x7d).String())
	}
}

func TestWorlds(t *testing.T) {
	for class, want := range map[string][]string{
		"tool_gate":         {"tool-gate-plugin", "mcpg:plugin/tool-gate@0.1.0", "manifest", "evaluate-pre-dispatch", "evaluate-post-dispatch"},
		"transform":         {"transform-plugin", "mcpg:plugin/transform@0.1.0", "manifest", "transform-arguments", "transform-output"},
		"identity_provider": {"identity-plugin", "mcpg:plugin/identity@0.1.0", "manifest", "resolve-identity"},
	} {
		w, ok := WorldForClass(class)
		if !ok {
			t.Fatalf("no world for %s", class)
		}
		got := []string{w.Name, w.Interface}
		for _, f := range w.Funcs {
			got = append(got, f.Name)
			if g, ok := w.Func(f.Name); !ok || g.Name != f.Name {
				t.Errorf("%s.Func(%q) = %v, %v", w.Name, f.Name, g, ok)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", class, got, want)
		}
		if _, ok := w.Func("nope"); ok {
			t.Errorf("%s has a function nope", w.Name)
		}
	}
	for _, class := range []string{"backend", "", "Tool_gate"} {
		if _, ok := WorldForClass(class); ok {
			t.Errorf("a world for class %q", class)
		}
	}
}
