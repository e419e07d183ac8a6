package faultproxy

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// A Fault is what the proxy does instead of forwarding a request untouched.
type Fault interface {
	name() string
	serve(p *Proxy, w http.ResponseWriter, r *http.Request)
}

// Status answers Code (with Header) without forwarding, with a registry-style JSON error body.
type Status struct {
	Code   int
	Header http.Header
}

// Fail answers code, e.g. Fail(500).
func Fail(code int) Status { return Status{Code: code} }

// TooMany answers 429 with Retry-After: retryAfter (seconds or an HTTP date).
func TooMany(retryAfter string) Status {
	return Status{Code: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {retryAfter}}}
}

func (s Status) name() string { return fmt.Sprintf("status %d", s.Code) }

func (s Status) serve(_ *Proxy, w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body) // so the client is not cut off mid-upload: it must see the status
	copyHeader(w.Header(), s.Header)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(s.Code)
	fmt.Fprintf(w, `{"errors":[{"code":"UNAVAILABLE","message":"faultproxy: injected %d"}]}`, s.Code)
}

// Cut closes the connection abruptly after After bytes of the blob: of the request body for an
// upload (PATCH, PUT or POST with a body; nothing is forwarded), else of the upstream's response
// body, sent with its full Content-Length so the client sees a truncated transfer.
type Cut struct{ After int64 }

func (c Cut) name() string { return fmt.Sprintf("cut after %d bytes", c.After) }

func (c Cut) serve(p *Proxy, w http.ResponseWriter, r *http.Request) {
	if r.ContentLength != 0 && r.Method != http.MethodGet && r.Method != http.MethodHead {
		io.CopyN(io.Discard, r.Body, c.After)
		panic(http.ErrAbortHandler) // net/http closes the connection without a response
	}
	p.forward(w, r, func(w http.ResponseWriter, resp *http.Response) {
		w.WriteHeader(resp.StatusCode)
		io.CopyN(w, resp.Body, c.After)
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	})
}

// Corrupt forwards the request and flips one byte of the response body, at offset At (negative:
// the middle of the body). Headers, sizes and digests are left as the registry sent them.
type Corrupt struct{ At int64 }

func (c Corrupt) name() string { return "corrupt one byte" }

func (c Corrupt) serve(p *Proxy, w http.ResponseWriter, r *http.Request) {
	p.forward(w, r, func(w http.ResponseWriter, resp *http.Response) {
		w.WriteHeader(resp.StatusCode)
		at := c.At
		if at < 0 {
			at = resp.ContentLength / 2
		}
		if resp.StatusCode != http.StatusOK || r.Method == http.MethodHead {
			io.Copy(w, resp.Body)
			return
		}
		io.CopyN(w, resp.Body, at)
		b := make([]byte, 1)
		if n, _ := io.ReadFull(resp.Body, b); n == 1 {
			b[0] ^= 0x55
			w.Write(b)
		}
		io.Copy(w, resp.Body)
	})
}

// LieDigest forwards the request and replaces the Docker-Content-Digest header with the digest of
// other bytes; the body is untouched.
type LieDigest struct{}

func (LieDigest) name() string { return "lying Docker-Content-Digest" }

func (LieDigest) serve(p *Proxy, w http.ResponseWriter, r *http.Request) {
	p.forward(w, r, func(w http.ResponseWriter, resp *http.Response) {
		sum := sha256.Sum256([]byte("faultproxy: not the body"))
		w.Header().Set("Docker-Content-Digest", "sha256:"+hex.EncodeToString(sum[:]))
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	})
}

var manifestPath = regexp.MustCompile(`^(/v2/.+/manifests/)([^/]+)$`)

// fetchManifest GETs the manifest r asks for (whatever r's method), mapping a digest this
// proxy made up back to the registry's.
func (p *Proxy) fetchManifest(r *http.Request, original map[string]string) (*http.Response, []byte, error) {
	path := r.URL.Path
	if m := manifestPath.FindStringSubmatch(path); m != nil {
		p.mu.Lock()
		if orig, ok := original[m[2]]; ok {
			path = m[1] + orig
		}
		p.mu.Unlock()
	}
	resp, err := p.roundTrip(r, http.MethodGet, path, nil)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return resp, body, err
}

// RewriteManifest replaces a manifest body by Edit(body), with Content-Length and
// Docker-Content-Digest made consistent with the new bytes, so only what Edit changed is wrong.
// Later requests for the new digest are answered with the same rewritten manifest.
type RewriteManifest struct {
	Label string
	Edit  func([]byte) []byte

	original map[string]string // made-up digest → registry's digest
}

// ForeignLayer rewrites the MCPG layer media type of a manifest to an image layer's.
func ForeignLayer() *RewriteManifest {
	return &RewriteManifest{Label: "foreign layer media type", Edit: func(b []byte) []byte {
		return bytes.ReplaceAll(b, []byte(`"application/vnd.mcpg.plugin.package.v1+zip"`), []byte(`"application/vnd.oci.image.layer.v1.tar+gzip"`))
	}}
}

func (m *RewriteManifest) name() string { return "rewrite manifest: " + m.Label }

func (m *RewriteManifest) serve(p *Proxy, w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	if m.original == nil {
		m.original = map[string]string{}
	}
	p.mu.Unlock()
	resp, body, err := p.fetchManifest(r, m.original)
	if err != nil {
		http.Error(w, "faultproxy: upstream: "+err.Error(), http.StatusBadGateway)
		return
	}
	copyHeader(w.Header(), resp.Header)
	if resp.StatusCode == http.StatusOK {
		orig := resp.Header.Get("Docker-Content-Digest")
		body = m.Edit(body)
		sum := sha256.Sum256(body)
		dgst := "sha256:" + hex.EncodeToString(sum[:])
		p.mu.Lock()
		m.original[dgst] = orig
		p.mu.Unlock()
		w.Header().Set("Docker-Content-Digest", dgst)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(resp.StatusCode)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// Huge answers a manifest request with the registry's manifest padded with trailing whitespace
// to Size bytes — still valid JSON, with a correct Content-Length and Docker-Content-Digest, so
// only its size is wrong. The body is generated as it is sent.
type Huge struct{ Size int64 }

func (h Huge) name() string { return fmt.Sprintf("huge manifest (%d bytes)", h.Size) }

func (h Huge) serve(p *Proxy, w http.ResponseWriter, r *http.Request) {
	resp, body, err := p.fetchManifest(r, nil)
	if err != nil {
		http.Error(w, "faultproxy: upstream: "+err.Error(), http.StatusBadGateway)
		return
	}
	copyHeader(w.Header(), resp.Header)
	if resp.StatusCode != http.StatusOK || int64(len(body)) >= h.Size {
		w.WriteHeader(resp.StatusCode)
		w.Write(body)
		return
	}
	pad := bytes.Repeat([]byte{' '}, 64<<10)
	padded := func(out io.Writer) {
		out.Write(body)
		for left := h.Size - int64(len(body)); left > 0; {
			n := min(left, int64(len(pad)))
			if _, err := out.Write(pad[:n]); err != nil {
				return
			}
			left -= n
		}
	}
	sum := sha256.New()
	padded(sum)
	w.Header().Set("Docker-Content-Digest", "sha256:"+hex.EncodeToString(sum.Sum(nil)))
	w.Header().Set("Content-Length", strconv.FormatInt(h.Size, 10))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		padded(w)
	}
}

// Redirect answers 302 to the proxy's second listener (Target, as http://localhost:PORT: another
// host), which serves
// the registry's response to the original request, the way registries hand blob downloads to a
// storage host. The target fetches from the registry with the original request's credentials
// itself (as a presigned URL would), so the client must never send its own there.
type Redirect struct{}

type redirect struct {
	path, query string
	header      http.Header
}

func (Redirect) name() string { return "redirect to another host" }

func (Redirect) serve(p *Proxy, w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	token := make([]byte, 12)
	rand.Read(token)
	id := hex.EncodeToString(token)
	p.mu.Lock()
	p.redirects[id] = redirect{path: r.URL.Path, query: r.URL.RawQuery, header: r.Header.Clone()}
	p.mu.Unlock()
	// "localhost", not the proxy's 127.0.0.1: another host name, not only another port (Go's
	// client keeps Authorization on a redirect to the same host name on any port).
	w.Header().Set("Location", strings.Replace(p.Target.URL, "127.0.0.1", "localhost", 1)+"/blobstore/"+id)
	w.WriteHeader(http.StatusFound)
}

func (p *Proxy) serveRedirected(w http.ResponseWriter, r *http.Request) {
	p.begin()
	e := Entry{Time: time.Now(), Method: r.Method, Path: "redirect:" + r.URL.Path, HadAuth: r.Header.Get("Authorization") != ""}
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		e.Status, e.Elapsed = sw.status, time.Since(e.Time)
		p.record(e)
	}()
	p.mu.Lock()
	red, ok := p.redirects[strings.TrimPrefix(r.URL.Path, "/blobstore/")]
	p.mu.Unlock()
	if !ok {
		http.NotFound(sw, r)
		return
	}
	orig, _ := http.NewRequestWithContext(r.Context(), r.Method, p.upstream+red.path, nil)
	orig.URL.RawQuery = red.query
	orig.Header = red.header
	orig.Host = ""
	resp, err := p.roundTrip(orig, r.Method, red.path, nil)
	relay(sw, resp, err)
}
