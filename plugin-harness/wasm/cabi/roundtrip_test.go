package cabi

import (
	"reflect"
	"testing"
)

// A guest written with this package: it reads its arguments where the canonical ABI put them and
// answers in a return area of its own; the host lifts the answer. Every function of every world,
// in every string encoding.
func TestCallRoundTrip(t *testing.T) {
	ctx := sampleContext()
	for _, enc := range []StringEncoding{UTF8, UTF16, Latin1UTF16} {
		mem := newMem(4096, 0x77)
		b := newBump(mem, 0)
		o := b.options(enc)
		answer := func(ty *witType, v any) []uint64 {
			t.Helper()
			w := &lowerer{o: &o}
			area, err := w.realloc("return area", 0, 0, ty.Align(), uint64(ty.Size()))
			wantNoErr(t, err)
			wantNoErr(t, w.store(ty, v, area, ty.Name))
			return []uint64{uint64(area)}
		}

		m := Manifest{"dev.mcpg.x", "1.2.3", "X ü", "tool-gate", "1.0"}
		got, err := LiftManifest(o, answer(tManifest, m))
		wantNoErr(t, err)
		if got != m {
			t.Errorf("%s manifest %+v", enc, got)
		}

		flat, err := LowerPreDispatch(o, PreDispatchArgs{Ctx: ctx, Arguments: `{"q":"€"}`, Config: "{}"})
		wantNoErr(t, err)
		in := liftArgs(t, o, &FuncEvaluatePreDispatch, flat)
		deny := GateDecision{Case: GateDenyCase, Deny: GateDenial{403, -32001, in[0].(Context).ToolName + " " + in[1].(string), in[2].(*string)}}
		d, err := LiftGateDecision(o, answer(tGateDecision, deny))
		wantNoErr(t, err)
		if !reflect.DeepEqual(d, deny) || d.Deny.Message != `search {"q":"€"}` {
			t.Errorf("%s pre-dispatch %+v", enc, d)
		}

		flat, err = LowerPostDispatch(o, PostDispatchArgs{Ctx: ctx, Arguments: "[]", Result: `"r"`, ExecutionDurationMS: 42, Config: "{}"})
		wantNoErr(t, err)
		in = liftArgs(t, o, &FuncEvaluatePostDispatch, flat)
		allow := GateDecision{Case: GateAllowCase, Allow: GateAllow{ModifiedResult: ptrTo(in[2].(string))}}
		if d, err = LiftGateDecision(o, answer(tGateDecision, allow)); err != nil || !reflect.DeepEqual(d, allow) || in[3] != uint64(42) {
			t.Errorf("%s post-dispatch %+v %v %v", enc, d, err, in[3])
		}

		for _, lower := range []func(Options, TransformArgs) ([]uint64, error){LowerTransformArguments, LowerTransformOutput} {
			flat, err = lower(o, TransformArgs{Ctx: ctx, Value: `{"ssn":"1"}`, Config: `{"mask":"*"}`})
			wantNoErr(t, err)
			in = liftArgs(t, o, &FuncTransformArguments, flat)
			mod := TransformResult{Case: TransformModified, Text: in[1].(string) + in[2].(string)}
			if r, err := LiftTransformResult(o, answer(tTransformResult, mod)); err != nil || r != mod {
				t.Errorf("%s transform %+v %v", enc, r, err)
			}
		}

		flat, err = LowerResolveIdentity(o, ResolveIdentityArgs{Headers: []Pair{{"authorization", "Bearer ü"}}, Config: "{}"})
		wantNoErr(t, err)
		in = liftArgs(t, o, &FuncResolveIdentity, flat)
		res := IdentityResolution{Case: ResolutionResolved, Identity: Identity{Kind: "user", TrustLevel: "t",
			SubjectID: ptrTo(in[0].([]Pair)[0].Value), Attributes: in[0].([]Pair)}}
		if r, err := LiftIdentityResolution(o, answer(tIdentityResolution, res)); err != nil || !reflect.DeepEqual(r, res) {
			t.Errorf("%s resolve-identity %+v %v", enc, r, err)
		}
	}
}
