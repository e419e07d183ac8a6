package main

import (
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/plugin-oci/internal/faultproxy"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

// TestPushManifestDigestAnswered: a registry that answers the manifest PUT with another
// Docker-Content-Digest than the manifest pushed stored something else (or says it did): the
// push fails (exit 1, a failed check, never retried) and says so, rather than reporting success.
func TestPushManifestDigestAnswered(t *testing.T) {
	f := newFaultEnv(t, false)
	for _, c := range []struct {
		name string
		rule faultproxy.Rule
	}{
		{"the registry stores other bytes", faultproxy.Rule{Method: "PUT", Path: "/manifests/", Fault: faultproxy.StoreOther{}}},
		{"the header lies", faultproxy.Rule{Method: "PUT", Path: "/manifests/", Fault: faultproxy.LieDigest{}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, ref := f.proxy(t, c.rule)
			r := f.push(t, ref, "--retries", "1")
			r.wantError(t, cli.ExitFailed, "Docker-Content-Digest", "stored something else")
			if puts := p.Requests("PUT", "/manifests/"); len(puts) != 1 {
				t.Errorf("%d manifest PUTs, want 1 (a failed check is not retried):%s", len(puts), p.Dump())
			}
		})
	}
	// Through a proxy that changes nothing, the same push succeeds: the check compares, it does
	// not refuse registries that answer the header.
	_, ref := f.proxy(t)
	f.push(t, ref).wantOK(t)
}
