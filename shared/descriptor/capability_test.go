package descriptor

import "testing"

// Covers is mcpg-plugin-protocol's Capability::covers (its own test cases): no-args kinds by
// equality, args kinds by a superset of the same kind, an unknown kind never.
func TestCapabilityCovers(t *testing.T) {
	fsRead := func(p ...string) Capability { return Capability{Type: "filesystem_read"}.WithArgs(p) }
	secrets := func(s ...string) Capability { return Capability{Type: "secrets_read"}.WithArgs(s) }
	for _, tc := range []struct {
		granted, required Capability
		want              bool
	}{
		{Capability{Type: "network_outbound"}, Capability{Type: "network_outbound", Bare: true}, true},
		{Capability{Type: "network_outbound"}, Capability{Type: "audit_write"}, false},
		{fsRead("/a", "/b"), fsRead("/a"), true},
		{fsRead("/a"), fsRead("/a", "/b"), false},
		{fsRead("/a"), fsRead("/b"), false},
		{fsRead("/a"), fsRead(), true},
		{fsRead("/a"), Capability{Type: "filesystem_write"}.WithArgs([]string{"/a"}), false},
		{secrets("vault", "env", "file"), secrets("vault"), true},
		{secrets("vault", "env", "file"), secrets("aws-sm"), false},
		{Capability{Type: "totally_future_capability"}, Capability{Type: "totally_future_capability"}, false},
	} {
		if got := tc.granted.Covers(tc.required); got != tc.want {
			t.Errorf("%v covers %v: %v, want %v", tc.granted, tc.required, got, tc.want)
		}
	}
	if c := (Capability{Type: "credential_issue"}).WithArgs([]string{"jwt"}); len(c.Kinds) != 1 || c.Paths != nil || c.Schemes != nil {
		t.Errorf("WithArgs on credential_issue: %+v", c)
	}
	if c := (Capability{Type: "audit_write"}).WithArgs([]string{"x"}); c.Args() != nil || c.Paths != nil || c.Schemes != nil || c.Kinds != nil {
		t.Errorf("WithArgs on a no-args kind: %+v", c)
	}
}
