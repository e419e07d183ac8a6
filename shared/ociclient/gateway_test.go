package ociclient

import (
	"strings"
	"testing"
)

func TestPlan(t *testing.T) {
	g := &Gateway{Platform: "linux-amd64", DefaultRegistry: "registry.corp/plugins", Mirrors: []string{"cache.local:5000"}}
	pin := "sha256:" + strings.Repeat("ab", 32)
	plan := g.Plan("gate@" + pin)
	if len(plan) != 2 {
		t.Fatalf("plan %+v", plan)
	}
	for _, c := range plan {
		if c.Err != nil || c.Target.Pin != pin || c.Target.Ident != pin || !c.Target.StrictIndexPin || c.Target.Platform != "linux-amd64" {
			t.Errorf("candidate %+v", c)
		}
	}
	if plan[0].Ref.Registry != "cache.local:5000" || plan[1].Ref.Registry != "registry.corp" {
		t.Errorf("order: %s, then %s", plan[0].Ref, plan[1].Ref)
	}
}
