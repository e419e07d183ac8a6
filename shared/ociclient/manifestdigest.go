package ociclient

import (
	"net/http"
	"strings"
	"sync"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
)

// putDigestRecorder notes the Docker-Content-Digest a registry answers a manifest PUT with.
// go-containerregistry's Put discards the response; yet it is the only place where a registry
// that stored other bytes than those pushed (a proxy re-serialising JSON, a broken mirror) says so.
type putDigestRecorder struct {
	inner http.RoundTripper
	mu    sync.Mutex
	last  string // of the last successful manifest PUT
}

func (m *putDigestRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := m.inner.RoundTrip(req)
	if err == nil && req.Method == http.MethodPut && strings.Contains(req.URL.Path, "/manifests/") && resp.StatusCode/100 == 2 {
		m.mu.Lock()
		m.last = strings.TrimSpace(resp.Header.Get("Docker-Content-Digest"))
		m.mu.Unlock()
	}
	return resp, err
}

// take returns the digest answered since the last take, "" when none was.
func (m *putDigestRecorder) take() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	last := m.last
	m.last = ""
	return last
}

// checkStoredManifest compares the digest a registry answered a manifest PUT with against the
// manifest pushed. No header, or another algorithm than sha256, cannot be compared and passes
// (the header is optional); any other difference means the registry holds something else under
// ref now, which is a failed check.
func checkStoredManifest(answered string, pushed digest.Digest, ref string) error {
	if answered == "" || !strings.HasPrefix(strings.ToLower(answered), digest.Prefix) || strings.EqualFold(answered, pushed.String()) {
		return nil
	}
	return failf("manifest %s: the registry answered the push with Docker-Content-Digest %s, but the manifest pushed is %s: it stored something else under that name; do not use it until a push succeeds",
		ref, clip(answered), pushed)
}
