package cabi

import (
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"
)

// liftFuncs lift each result type from the same image, with the type to store a value back as.
var liftFuncs = []struct {
	ty   *witType
	lift func(Options, []uint64) (any, error)
}{
	{tManifest, liftAny(LiftManifest)},
	{tGateDecision, liftAny(LiftGateDecision)},
	{tTransformResult, liftAny(LiftTransformResult)},
	{tIdentityResolution, liftAny(LiftIdentityResolution)},
}

// FuzzLift feeds arbitrary memory images and return pointers to every lift: each must end in a
// value or a Trap — never a panic, never another error (the memory here never fails) — and a
// value must survive being stored back and lifted again, and converting to the gateway's form.
func FuzzLift(f *testing.F) {
	for _, seed := range []struct {
		ty  *witType
		v   any
		enc StringEncoding
	}{
		{tManifest, Manifest{"a", "b", "c", "d", "1.0"}, UTF8},
		{tGateDecision, GateDecision{Case: GateDenyCase, Deny: GateDenial{403, -1, "no", ptrTo("{}")}}, UTF8},
		{tGateDecision, GateDecision{Case: GateAllowCase, Allow: GateAllow{ptrTo("1"), nil, ptrTo("é")}}, Latin1UTF16},
		{tTransformResult, TransformResult{Case: TransformModified, Text: `{"😀":1}`}, UTF16},
		{tIdentityResolution, IdentityResolution{Case: ResolutionResolved, Identity: sampleIdentity}, UTF8},
		{tIdentityResolution, IdentityResolution{Case: ResolutionInvalid, Reason: "€"}, Latin1UTF16},
	} {
		mem, area, err := buildResult(seed.enc, seed.ty, seed.v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(mem.b, area, uint8(seed.enc), uint32(0))
	}
	f.Add([]byte{3, 0, 0, 0}, uint32(0), uint8(0), uint32(0))
	f.Add(make([]byte, 96), uint32(4), uint8(1), uint32(10))
	f.Fuzz(func(t *testing.T, data []byte, ptr uint32, enc uint8, fuel uint32) {
		if len(data) > 1<<16 {
			data = data[:1<<16]
		}
		if len(data) > 0 && ptr >= uint32(len(data)) && ptr%7 != 0 {
			ptr %= uint32(len(data)) // mostly in bounds, sometimes not
		}
		o := Options{Memory: &testMem{b: data}, Encoding: StringEncoding(enc % 3), HostcallFuel: uint64(fuel)}
		for _, lf := range liftFuncs {
			v, err := lf.lift(o, []uint64{uint64(ptr)})
			if err != nil {
				if _, ok := AsTrap(err); !ok {
					t.Fatalf("%s: %v is not a Trap", lf.ty.Name, err)
				}
				continue
			}
			mem, area, err := buildResult(o.Encoding, lf.ty, v)
			if err != nil {
				t.Fatalf("%s: storing %#v back: %v", lf.ty.Name, v, err)
			}
			back, err := lf.lift(Options{Memory: mem, Encoding: o.Encoding}, []uint64{uint64(area)})
			if err != nil || !reflect.DeepEqual(back, v) {
				t.Fatalf("%s: %#v came back as %#v, %v", lf.ty.Name, v, back, err)
			}
			var out any
			switch x := v.(type) {
			case GateDecision:
				out, _ = x.Gateway("slot")
			case TransformResult:
				out = x.Gateway()
			case IdentityResolution:
				out = x.Gateway()
			default:
				out = v
			}
			if b, err := json.Marshal(out); err != nil || !json.Valid(b) {
				t.Fatalf("%s: the gateway form of %#v: %v", lf.ty.Name, v, err)
			}
		}
	})
}

// FuzzLowerRoundTrip lowers arbitrary strings in every encoding and reads them back as the guest
// would see them.
func FuzzLowerRoundTrip(f *testing.F) {
	f.Add("req", "{}", "a€😀", uint8(0), uint64(5))
	f.Add("", "", "", uint8(2), uint64(0))
	f.Add("é", "\u00ff\u0100", "x", uint8(1), uint64(1<<63))
	f.Fuzz(func(t *testing.T, a, b, c string, enc uint8, dur uint64) {
		mem := newMem(1024, 0x55)
		bp := newBump(mem, 4)
		o := bp.options(StringEncoding(enc % 3))
		ctx := Context{RequestID: a, SessionID: &b, ToolName: c, Surface: a,
			Identity: Identity{Kind: b, Roles: []string{a, b, c}, Attributes: []Pair{{a, c}}}, Transport: c}
		args := PostDispatchArgs{Ctx: ctx, Arguments: a, Result: b, ExecutionDurationMS: dur, Config: c}
		flat, err := LowerPostDispatch(o, args)
		valid := utf8.ValidString(a) && utf8.ValidString(b) && utf8.ValidString(c)
		if !valid {
			if err == nil {
				t.Fatal("invalid UTF-8 was lowered")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		got := liftArgs(t, o, &FuncEvaluatePostDispatch, flat)
		if want := []any{ctx, a, b, dur, c}; !reflect.DeepEqual(got, want) {
			t.Fatalf("got %#v\nwant %#v", got, want)
		}
		hflat, err := LowerResolveIdentity(o, ResolveIdentityArgs{Headers: []Pair{{a, b}, {c, ""}}, Config: c})
		if err != nil {
			t.Fatal(err)
		}
		if got := liftArgs(t, o, &FuncResolveIdentity, hflat); !reflect.DeepEqual(got, []any{[]Pair{{a, b}, {c, ""}}, c}) {
			t.Fatalf("headers came back as %#v", got)
		}
	})
}
