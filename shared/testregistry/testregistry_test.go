package testregistry

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

func get(t *testing.T, c *http.Client, url, user, pass string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestPlain(t *testing.T) {
	start := time.Now()
	r := Start(t, Options{})
	t.Logf("started in %s", time.Since(start))
	if code := get(t, r.Client, r.URL+"/v2/", "", ""); code != 200 {
		t.Fatalf("/v2/ = %d, want 200", code)
	}
	if r.CAFile != "" || r.URL != "http://"+r.Host {
		t.Fatalf("plain registry: URL %q CAFile %q", r.URL, r.CAFile)
	}
}

func TestHtpasswd(t *testing.T) {
	r := Start(t, Options{Htpasswd: map[string]string{"alice": "wonderland"}})
	for _, c := range []struct {
		user, pass string
		want       int
	}{{"", "", 401}, {"alice", "wrong", 401}, {"alice", "wonderland", 200}} {
		t.Run(fmt.Sprintf("%q:%q", c.user, c.pass), func(t *testing.T) {
			if code := get(t, r.Client, r.URL+"/v2/", c.user, c.pass); code != c.want {
				t.Errorf("/v2/ as %q/%q = %d, want %d", c.user, c.pass, code, c.want)
			}
		})
	}
}

func TestTLS(t *testing.T) {
	r := Start(t, Options{TLS: true})
	if code := get(t, r.Client, r.URL+"/v2/", "", ""); code != 200 {
		t.Fatalf("/v2/ = %d", code)
	}
	// A client without the CA must not connect.
	if _, err := http.Get(r.URL + "/v2/"); err == nil {
		t.Fatal("a client without the test CA connected")
	}
}

func TestMTLS(t *testing.T) {
	r := Start(t, Options{MTLS: true})
	if r.CertFile == "" || r.KeyFile == "" {
		t.Fatal("no client certificate")
	}
	if code := get(t, r.Client, r.URL+"/v2/", "", ""); code != 200 {
		t.Fatalf("/v2/ with client cert = %d", code)
	}
	noCert := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: r.CertPool()}}}
	if resp, err := noCert.Get(r.URL + "/v2/"); err == nil {
		resp.Body.Close()
		t.Fatalf("a client without a certificate got %d", resp.StatusCode)
	}
}

func TestParallelInstances(t *testing.T) {
	a, b := Start(t, Options{}), Start(t, Options{})
	if a.Host == b.Host {
		t.Fatalf("two registries on %s", a.Host)
	}
}

func TestWritePackage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.zip")
	d1 := WritePackage(t, path, 100<<10, 7)
	p, closeFn, err := pkgzip.OpenFile(path, nil, pkgzip.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	if p.ArtifactSize != 100<<10 || p.Descriptor == nil {
		t.Fatalf("artifact size %d", p.ArtifactSize)
	}
	if st, _ := os.Stat(path); st.Size() < 100<<10 {
		t.Fatalf("zip of %d bytes: the artifact should not compress", st.Size())
	}
	if d2 := WritePackage(t, path+"2", 100<<10, 8); d2 == d1 {
		t.Fatal("different seeds gave the same package")
	}
	if d3 := WritePackage(t, path+"3", 100<<10, 7); d3 != d1 {
		t.Fatal("the same seed gave different packages")
	}
}
