package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
	"github.com/mcpg-dev/mcpg-plugins/shared/testregistry"
)

// Proxies come from the environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY). Go never proxies
// loopback addresses and reads the variables once per process, so this runs the real binary
// against a made-up host that only a forward proxy in front of the real registry can reach.
func TestProxyFromEnvironment(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{})
	target, err := url.Parse(reg.URL)
	if err != nil {
		t.Fatal(err)
	}
	const host = "registry.test:5000"
	var relayed atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Host != host { // a forward proxy sees the absolute URL in the request line
			http.Error(w, "proxy: unexpected target "+r.URL.String(), http.StatusBadGateway)
			return
		}
		relayed.Add(1)
		out := r.Clone(r.Context())
		out.URL.Scheme, out.URL.Host, out.RequestURI = "http", target.Host, ""
		resp, err := http.DefaultTransport.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	defer proxy.Close()

	bin := filepath.Join(t.TempDir(), "plugin-oci") // testscript.Main runs the tool for this name
	if err := os.Symlink(os.Args[0], bin); err != nil {
		t.Fatal(err)
	}
	zip := filepath.Join(t.TempDir(), "gate.zip")
	testregistry.WritePackage(t, zip, 256<<10, 3)
	_, want := expectedManifest(t, zip, false)

	cmd := exec.Command(bin, "push", zip, host+"/proxied/gate:1", "--insecure-registry", host, "--retries", "0")
	cmd.Env = append(os.Environ(), "HTTP_PROXY="+proxy.URL, "http_proxy="+proxy.URL, "NO_PROXY=", "no_proxy=",
		"XDG_CACHE_HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("push through the proxy: %v\n%s", err, out)
	}
	if relayed.Load() == 0 || !strings.Contains(string(out), "manifest-digest: "+want) {
		t.Fatalf("%d requests went through the proxy; push printed:\n%s", relayed.Load(), out)
	}
	if resp, _ := regGet(t, reg, "/v2/proxied/gate/manifests/1", oci.ManifestMediaType); resp.Header.Get("Docker-Content-Digest") != want {
		t.Fatalf("registry holds %s, want %s", resp.Header.Get("Docker-Content-Digest"), want)
	}

	// Without the proxy the made-up host does not resolve: the proxy was really used.
	cmd = exec.Command(bin, "push", zip, host+"/proxied/gate:2", "--insecure-registry", host, "--retries", "0")
	cmd.Env = append(os.Environ(), "HTTP_PROXY=", "http_proxy=", "XDG_CACHE_HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("push to %s without a proxy succeeded:\n%s", host, out)
	}
}
