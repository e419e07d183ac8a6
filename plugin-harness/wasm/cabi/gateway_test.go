package cabi

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/native"
)

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The decisions print as the gateway's serde forms do (the shapes the native harness reports).
func TestGateDecisionGateway(t *testing.T) {
	for _, c := range []struct {
		d        GateDecision
		json     string
		warnings []string
	}{
		{GateDecision{Case: GateAllowCase}, `{"decision":"allow"}`, nil},
		{GateDecision{Case: GateAllowCase, Allow: GateAllow{
			Metadata: ptrTo(`{"b":1, "a":2.50}`), ModifiedArguments: ptrTo(""), ModifiedResult: ptrTo("null"),
		}}, `{"decision":"allow","modified_result":null,"metadata":{"a":2.5,"b":1}}`, nil},
		{GateDecision{Case: GateAllowCase, Allow: GateAllow{ModifiedArguments: ptrTo("nope")}}, `{"decision":"allow"}`,
			[]string{`evaluate_pre_dispatch's allow modified-arguments is not JSON ("nope": expected ident at line 1 column 2); the gateway drops it`}},
		{GateDecision{Case: GateDenyCase, Deny: GateDenial{403, -32001, "no", nil}},
			`{"decision":"deny","http_status":403,"code":-32001,"message":"no"}`, nil},
		{GateDecision{Case: GateDenyCase, Deny: GateDenial{65535, 0, "", ptrTo(`[1, {"z":0,"y":1}]`)}},
			`{"decision":"deny","http_status":65535,"code":0,"message":"","error_data":[1,{"y":1,"z":0}]}`, nil},
		{GateDecision{Case: GateDenyCase, Deny: GateDenial{400, 1, "m", ptrTo("")}},
			`{"decision":"deny","http_status":400,"code":1,"message":"m"}`,
			[]string{`evaluate_pre_dispatch's deny error-data is not JSON ("": EOF while parsing a value at line 1 column 0); the gateway drops it`}},
		{GateDecision{Case: GateChallengeCase, Challenge: GateChallenge{402, -1, "pay", `{"amount":5}`}},
			`{"decision":"challenge","http_status":402,"code":-1,"message":"pay","challenge_data":{"amount":5}}`, nil},
		{GateDecision{Case: GateChallengeCase, Challenge: GateChallenge{402, -1, "pay", `{`}},
			`{"decision":"challenge","http_status":402,"code":-1,"message":"pay","challenge_data":null}`,
			[]string{`evaluate_pre_dispatch's challenge challenge-data is not JSON ("{": EOF while parsing an object at line 1 column 1); the gateway puts null in its place`}},
	} {
		g, warnings := c.d.Gateway("evaluate_pre_dispatch")
		if got := marshal(t, g); got != c.json {
			t.Errorf("%+v:\n got %s\nwant %s", c.d, got, c.json)
		}
		if !reflect.DeepEqual(warnings, c.warnings) {
			t.Errorf("%+v: warnings %q, want %q", c.d, warnings, c.warnings)
		}
	}
	if g, _ := (GateDecision{Case: 7}).Gateway("x"); g.Decision != "gate-decision case 7" {
		t.Error(g.Decision)
	}
}

func TestTransformResultGateway(t *testing.T) {
	for r, want := range map[TransformResult]string{
		{Case: TransformUnchanged}:                          `{"outcome":"unchanged"}`,
		{Case: TransformModified, Text: `{"b":[],"a":"x"}`}: `{"outcome":"modified","value":{"a":"x","b":[]}}`,
		{Case: TransformModified, Text: `null`}:             `{"outcome":"modified","value":null}`,
		{Case: TransformModified, Text: `nope`}:             `{"outcome":"error","message":"wasm transform returned invalid JSON: expected ident at line 1 column 2"}`,
		{Case: TransformModified, Text: ``}:                 `{"outcome":"error","message":"wasm transform returned invalid JSON: EOF while parsing a value at line 1 column 0"}`,
		{Case: TransformError, Text: "boom"}:                `{"outcome":"error","message":"boom"}`,
		{Case: 5}:                                           `{"outcome":"transform-result case 5"}`,
	} {
		if got := marshal(t, r.Gateway()); got != want {
			t.Errorf("%+v:\n got %s\nwant %s", r, got, want)
		}
	}
}

func TestIdentityResolutionGateway(t *testing.T) {
	for _, c := range []struct {
		r    IdentityResolution
		json string
	}{
		{IdentityResolution{Case: ResolutionNone}, `{"outcome":"none"}`},
		{IdentityResolution{Case: ResolutionInvalid, Reason: "expired"}, `{"outcome":"invalid","reason":"expired"}`},
		{IdentityResolution{Case: ResolutionResolved, Identity: Identity{Kind: "anonymous", TrustLevel: "unauthenticated"}},
			`{"outcome":"resolved","identity":{"kind":"anonymous","trust_level":"unauthenticated","subject_id":null,"auth_provider":null,"issuer":null}}`},
		{IdentityResolution{Case: ResolutionResolved, Identity: sampleIdentity},
			`{"outcome":"resolved","identity":{"kind":"user","trust_level":"verified","subject_id":"sub-1","auth_provider":"","issuer":null,` +
				`"roles":["a","","ü"],"groups":["g"],"attributes":{"":"","k":"w"}}}`},
		{IdentityResolution{Case: 4}, `{"outcome":"identity-resolution case 4"}`},
	} {
		if got := marshal(t, c.r.Gateway()); got != c.json {
			t.Errorf("%+v:\n got %s\nwant %s", c.r, got, c.json)
		}
	}
}

func TestFromNative(t *testing.T) {
	nc := native.Context{
		RequestID: "r", SessionID: ptrTo("s"), ToolName: "t", Surface: "tool", Transport: "stdio",
		Identity: native.Identity{
			Kind: "user", TrustLevel: "t", Roles: []string{"x"},
			Attributes: map[string]string{"zeta": "1", "Alpha": "2", "alpha": "3", "é": "4"},
		},
	}
	c := ContextFromNative(nc)
	want := []Pair{{"Alpha", "2"}, {"alpha", "3"}, {"zeta", "1"}, {"é", "4"}}
	if !reflect.DeepEqual(c.Identity.Attributes, want) {
		t.Errorf("attributes %v, want byte order %v", c.Identity.Attributes, want)
	}
	if c.RequestID != "r" || *c.SessionID != "s" || c.ToolName != "t" || c.Surface != "tool" || c.Transport != "stdio" ||
		!reflect.DeepEqual(c.Identity.Roles, []string{"x"}) {
		t.Errorf("%+v", c)
	}
	// Converting back gives the same identity (what the gateway logs is what it sent).
	if back := c.Identity.native(); !reflect.DeepEqual(back, nc.Identity) {
		t.Errorf("round trip %+v", back)
	}
	h := HeadersFromNative([][2]string{{"b", "1"}, {"a", "2"}, {"b", "3"}})
	if !reflect.DeepEqual(h, []Pair{{"b", "1"}, {"a", "2"}, {"b", "3"}}) {
		t.Errorf("headers %v: order and duplicates are kept", h)
	}
}

func TestCheckProtocolVersion(t *testing.T) {
	if err := (Manifest{ID: "p", ProtocolVersion: "1.0"}).CheckProtocolVersion(); err != nil {
		t.Error(err)
	}
	for _, v := range []string{"1", "1.0.0", "2.0", "", "1.0 "} {
		err := (Manifest{ID: "dev.x", ProtocolVersion: v}).CheckProtocolVersion()
		want := "wasm plugin 'dev.x' reports protocol_version '" + v + "' but the host requires '1.0'; rebuild the guest against the current protocol"
		if err == nil || err.Error() != want {
			t.Errorf("%q: %v", v, err)
		}
	}
	if !strings.HasPrefix(InvalidJSONPrefix, "wasm transform") {
		t.Error(InvalidJSONPrefix)
	}
}
