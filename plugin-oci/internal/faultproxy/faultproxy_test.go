package faultproxy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/testregistry"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

type seeded struct {
	blob, manifest []byte
	blobDigest     string
	manifestDigest string
}

// seed uploads a 1 MiB blob, a config and a manifest tagged "v1" into repo "t/r".
func seed(t *testing.T, base string) seeded {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	blob := make([]byte, 1<<20)
	for i := range blob {
		blob[i] = byte(r.Uint32())
	}
	config := []byte(`{"id":"x"}`)
	upload := func(b []byte) {
		resp, err := http.Post(base+"/v2/t/r/blobs/uploads/", "", nil)
		if err != nil || resp.StatusCode != 202 {
			t.Fatalf("POST upload: %v %v", err, resp)
		}
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		sep := "?"
		if strings.Contains(loc, "?") {
			sep = "&"
		}
		if strings.HasPrefix(loc, "/") {
			loc = base + loc
		}
		req, _ := http.NewRequest("PUT", loc+sep+"digest="+sha(b), bytes.NewReader(b))
		resp, err = http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 201 {
			t.Fatalf("PUT blob: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	upload(blob)
	upload(config)
	manifest := fmt.Appendf(nil, `{"artifactType":"application/vnd.mcpg.plugin.v1","config":{"digest":"%s","mediaType":"application/vnd.mcpg.plugin.config.v1+json","size":%d},"layers":[{"digest":"%s","mediaType":"application/vnd.mcpg.plugin.package.v1+zip","size":%d}],"schemaVersion":2}`,
		sha(config), len(config), sha(blob), len(blob))
	req, _ := http.NewRequest("PUT", base+"/v2/t/r/manifests/v1", bytes.NewReader(manifest))
	req.Header.Set("Content-Type", "application/vnd.oci.image.manifest.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("PUT manifest: %v %v", err, resp)
	}
	resp.Body.Close()
	return seeded{blob: blob, manifest: manifest, blobDigest: sha(blob), manifestDigest: sha(manifest)}
}

func get(t *testing.T, c *http.Client, method, url string) (*http.Response, []byte, error) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	req.Header.Set("Accept", "application/vnd.oci.image.manifest.v1+json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func setup(t *testing.T, rules ...Rule) (*Proxy, seeded) {
	reg := testregistry.Start(t, testregistry.Options{})
	s := seed(t, reg.URL)
	return Start(t, reg.URL, rules...), s
}

var client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

func TestForwardUntouched(t *testing.T) {
	p, s := setup(t)
	resp, body, err := get(t, client, "GET", p.URL+"/v2/t/r/blobs/"+s.blobDigest)
	if err != nil || resp.StatusCode != 200 || !bytes.Equal(body, s.blob) {
		t.Fatalf("blob through the proxy: %v %v, %d bytes", err, resp, len(body))
	}
	resp, body, _ = get(t, client, "GET", p.URL+"/v2/t/r/manifests/v1")
	if !bytes.Equal(body, s.manifest) || resp.Header.Get("Docker-Content-Digest") != s.manifestDigest {
		t.Fatalf("manifest through the proxy: %s", body)
	}
	// Uploads through the proxy work too: the Location the registry builds points at the proxy.
	resp, err = http.Post(p.URL+"/v2/t/other/blobs/uploads/", "", nil)
	if err != nil || !strings.HasPrefix(resp.Header.Get("Location"), p.URL) && !strings.HasPrefix(resp.Header.Get("Location"), "/") {
		t.Fatalf("upload Location %q does not point at the proxy %s", resp.Header.Get("Location"), p.URL)
	}
	resp.Body.Close()
	if n := len(p.Requests("GET", "")); n != 2 {
		t.Fatalf("%d GETs logged, want 2: %v", n, p.Log())
	}
}

func TestStatusNth(t *testing.T) {
	p, s := setup(t, Rule{Method: "GET", Path: "/blobs/", Nth: 2, Fault: Fail(500)}, Rule{Path: "/manifests/", Fault: TooMany("1")})
	url := p.URL + "/v2/t/r/blobs/" + s.blobDigest
	var codes []int
	for range 3 {
		resp, _, err := get(t, client, "GET", url)
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, resp.StatusCode)
	}
	if fmt.Sprint(codes) != "[200 500 200]" {
		t.Fatalf("statuses %v, want [200 500 200]", codes)
	}
	resp, _, _ := get(t, client, "GET", p.URL+"/v2/t/r/manifests/v1")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("manifest: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if log := p.Requests("GET", "/blobs/"); len(log) != 3 || log[1].Fault == "" || log[1].Status != 500 {
		t.Fatalf("log: %v", log)
	}
}

func TestCutResponse(t *testing.T) {
	p, s := setup(t, Rule{Path: "/blobs/sha256:", Fault: Cut{After: 1000}})
	_, body, err := get(t, client, "GET", p.URL+"/v2/t/r/blobs/"+s.blobDigest)
	if err == nil || len(body) > 1000 {
		t.Fatalf("cut blob: err %v, %d bytes", err, len(body))
	}
}

func TestCutUpload(t *testing.T) {
	p, _ := setup(t, Rule{Method: "PATCH", Fault: Cut{After: 100 << 10}})
	resp, err := http.Post(p.URL+"/v2/t/r/blobs/uploads/", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req, _ := http.NewRequest("PATCH", resp.Header.Get("Location"), bytes.NewReader(make([]byte, 4<<20)))
	if resp, err = client.Do(req); err == nil {
		t.Fatalf("cut upload answered %d", resp.StatusCode)
	}
}

func TestCorrupt(t *testing.T) {
	p, s := setup(t, Rule{Path: "/blobs/", Fault: Corrupt{At: -1}})
	resp, body, err := get(t, client, "GET", p.URL+"/v2/t/r/blobs/"+s.blobDigest)
	if err != nil || len(body) != len(s.blob) || resp.Header.Get("Docker-Content-Digest") != s.blobDigest {
		t.Fatalf("corrupt blob: %v, %d bytes, digest header %q", err, len(body), resp.Header.Get("Docker-Content-Digest"))
	}
	diff := 0
	for i := range body {
		if body[i] != s.blob[i] {
			diff++
		}
	}
	if diff != 1 {
		t.Fatalf("%d bytes differ, want 1", diff)
	}
}

func TestForeignLayer(t *testing.T) {
	p, s := setup(t, Rule{Path: "/manifests/", Fault: ForeignLayer()})
	resp, body, _ := get(t, client, "GET", p.URL+"/v2/t/r/manifests/v1")
	dg := resp.Header.Get("Docker-Content-Digest")
	if !bytes.Contains(body, []byte("vnd.oci.image.layer.v1.tar+gzip")) || bytes.Contains(body, []byte("package.v1+zip")) || dg != sha(body) || dg == s.manifestDigest {
		t.Fatalf("rewritten manifest %s, digest %s", body, dg)
	}
	if want := len(s.manifest) - len("application/vnd.mcpg.plugin.package.v1+zip") + len("application/vnd.oci.image.layer.v1.tar+gzip"); len(body) != want {
		t.Fatalf("%d bytes, want %d: more than the layer type changed", len(body), want)
	}
	// The made-up digest resolves, by HEAD and GET.
	resp, _, _ = get(t, client, "HEAD", p.URL+"/v2/t/r/manifests/"+dg)
	if resp.StatusCode != 200 || resp.Header.Get("Docker-Content-Digest") != dg {
		t.Fatalf("HEAD by rewritten digest: %d %q", resp.StatusCode, resp.Header.Get("Docker-Content-Digest"))
	}
	resp, body2, _ := get(t, client, "GET", p.URL+"/v2/t/r/manifests/"+dg)
	if resp.StatusCode != 200 || !bytes.Equal(body, body2) {
		t.Fatalf("GET by rewritten digest: %d", resp.StatusCode)
	}
}

func TestRedirect(t *testing.T) {
	p, s := setup(t, Rule{Method: "GET", Path: "/blobs/", Fault: Redirect{}})
	req, _ := http.NewRequest("GET", p.URL+"/v2/t/r/blobs/"+s.blobDigest, nil)
	req.SetBasicAuth("alice", "secret")
	resp, err := http.DefaultClient.Do(req) // Go's client follows, dropping Authorization across origins
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(body, s.blob) {
		t.Fatalf("redirected blob: %d bytes", len(body))
	}
	hits := p.Requests("GET", "^redirect:")
	if len(hits) != 1 || hits[0].HadAuth || hits[0].Status != 200 {
		t.Fatalf("redirect target log: %v", hits)
	}
	if !p.Requests("GET", "/blobs/")[0].HadAuth {
		t.Fatal("the registry request lost its Authorization")
	}
}

func TestHuge(t *testing.T) {
	const size = 8 << 20
	p, _ := setup(t, Rule{Path: "/manifests/", Fault: Huge{Size: size}})
	resp, body, err := get(t, client, "GET", p.URL+"/v2/t/r/manifests/v1")
	if err != nil || len(body) != size || resp.Header.Get("Docker-Content-Digest") != sha(body) {
		t.Fatalf("huge manifest: %v, %d bytes", err, len(body))
	}
}

func TestLieDigest(t *testing.T) {
	p, s := setup(t, Rule{Path: "/manifests/", Fault: LieDigest{}})
	resp, body, _ := get(t, client, "GET", p.URL+"/v2/t/r/manifests/v1")
	if !bytes.Equal(body, s.manifest) || resp.Header.Get("Docker-Content-Digest") == s.manifestDigest || resp.Header.Get("Docker-Content-Digest") == "" {
		t.Fatalf("lying digest: header %q", resp.Header.Get("Docker-Content-Digest"))
	}
}

func TestRequestsTiming(t *testing.T) {
	p, s := setup(t)
	before := time.Now()
	get(t, client, "GET", p.URL+"/v2/t/r/blobs/"+s.blobDigest)
	if e := p.Requests("GET", "/blobs/"); len(e) != 1 || e[0].Time.Before(before) {
		t.Fatalf("log %v", e)
	}
}

// shortClient gives up after a short silence: the silences below must hold past it.
var shortClient = &http.Client{Timeout: 500 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}

func wantSilence(t *testing.T, err error, start time.Time) {
	t.Helper()
	var ne interface{ Timeout() bool }
	if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("want the client's timeout, got %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("the client's timeout took %s", d)
	}
}

func TestHang(t *testing.T) {
	p, s := setup(t, Rule{Path: "/manifests/", Fault: Hang{}})
	start := time.Now()
	_, _, err := get(t, shortClient, "GET", p.URL+"/v2/t/r/manifests/v1")
	wantSilence(t, err, start)
	// Only the matching requests hang; the log does not wait for the silent one.
	if resp, body, err := get(t, client, "GET", p.URL+"/v2/t/r/blobs/"+s.blobDigest); err != nil || !bytes.Equal(body, s.blob) {
		t.Fatalf("blob: %v %v", err, resp)
	}
	start = time.Now()
	if n := len(p.Requests("GET", "/blobs/")); n != 1 || time.Since(start) > time.Second {
		t.Fatalf("%d blob GETs logged in %s", n, time.Since(start))
	}
}

func TestTrickle(t *testing.T) {
	p, _ := setup(t, Rule{Path: "/manifests/", Fault: Trickle{Every: 50 * time.Millisecond}})
	conn, err := net.Dial("tcp", p.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /v2/t/r/manifests/v1 HTTP/1.1\r\nHost: %s\r\n\r\n", p.Host)
	conn.SetReadDeadline(time.Now().Add(time.Second))
	var got []byte
	buf := make([]byte, 64)
	for {
		n, err := conn.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			break
		}
		if n > 1 {
			t.Fatalf("read %d bytes at once: %q", n, buf[:n])
		}
	}
	// About 20 bytes in a second, one at a time, and the header never ends.
	if len(got) < 10 || len(got) > 30 || !strings.HasPrefix("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Faultproxy-Trickle: ", string(got)) {
		t.Fatalf("trickled %d bytes in a second: %q", len(got), got)
	}
}

func TestStallResponse(t *testing.T) {
	p, s := setup(t, Rule{Path: "/blobs/sha256:", Fault: Stall{After: 1000}})
	resp, err := client.Get(p.URL + "/v2/t/r/blobs/" + s.blobDigest)
	if err != nil || resp.ContentLength != int64(len(s.blob)) {
		t.Fatalf("stalled blob: %v %v", err, resp)
	}
	defer resp.Body.Close()
	got := make(chan int, 1)
	go func() {
		n, _ := io.Copy(io.Discard, resp.Body)
		got <- int(n)
	}()
	select {
	case n := <-got:
		t.Fatalf("the body ended after %d bytes; it should stall after 1000", n)
	case <-time.After(500 * time.Millisecond):
	}
	resp.Body.Close()
	if n := <-got; n != 1000 {
		t.Fatalf("%d bytes before the stall, want 1000", n)
	}
}

func TestStallUpload(t *testing.T) {
	p, _ := setup(t, Rule{Method: "PATCH", Fault: Stall{After: 100 << 10}})
	resp, err := http.Post(p.URL+"/v2/t/r/blobs/uploads/", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// More than the kernel buffers: the client's write blocks until its timeout.
	req, _ := http.NewRequest("PATCH", resp.Header.Get("Location"), bytes.NewReader(make([]byte, 16<<20)))
	start := time.Now()
	_, err = shortClient.Do(req)
	wantSilence(t, err, start)
}
