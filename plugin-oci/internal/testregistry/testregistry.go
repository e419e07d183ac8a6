// Package testregistry starts the real CNCF distribution registry binary (installed by
// scripts/install-test-tools into .tools/bin) on 127.0.0.1 for tests (owner: the test-infra engineer).
package testregistry

import "testing"

// Options select the flavour: plain HTTP, htpasswd basic auth, TLS with a CA made at test time,
// mTLS requiring a client certificate.
type Options struct {
	Htpasswd map[string]string // user → password; empty: no auth
	TLS      bool
	MTLS     bool
}

// Registry is a running registry; Stop is registered with t.Cleanup.
type Registry struct {
	Host     string // 127.0.0.1:PORT
	CAFile   string // PEM of the CA that signed the server cert (TLS only)
	CertFile string // client certificate (MTLS only)
	KeyFile  string // client key (MTLS only)
}

// Start runs a registry for the test, failing it if the binary is not installed.
func Start(t testing.TB, opts Options) *Registry { t.Fatal("testregistry: not implemented yet"); return nil }
