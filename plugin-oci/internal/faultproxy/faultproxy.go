// Package faultproxy is an in-process HTTP reverse proxy in front of a real registry that injects
// faults chosen per request — error statuses, 429 with Retry-After, connections cut mid-blob,
// corrupted blobs, rewritten manifests, cross-host redirects, huge manifests, lying digest headers,
// silences (no answer, headers trickled, a body stopped either way) — and records every request so
// tests can count attempts and check timing.
package faultproxy

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Rule injects Fault into the requests it matches.
type Rule struct {
	Method string // "" matches every method
	Path   string // regexp matched against the URL path; "" matches every path
	Nth    int    // inject only into the Nth matching request (1-based); 0: into every one
	Fault  Fault

	path *regexp.Regexp
	seen int
}

// Entry is one request the proxy (or its redirect target) received.
type Entry struct {
	Time    time.Time     // when the request arrived
	Elapsed time.Duration // until the handler returned
	Method  string
	Path    string
	Status  int    // status answered (0 when the connection was cut before a response)
	Fault   string // the fault injected, "" when forwarded untouched
	HadAuth bool   // the request carried an Authorization header
}

// Proxy forwards to a registry, injecting faults. Its Host (127.0.0.1:PORT) is a loopback address,
// so clients talk plain HTTP to it.
type Proxy struct {
	URL, Host string
	// Target is the second host that Redirect sends clients to ("another host": a different
	// origin); its requests are logged with Path prefixed by "redirect:".
	Target *httptest.Server

	upstream string
	client   *http.Client
	srv      *httptest.Server

	closing chan struct{} // closed when the test ends: silent handlers return

	mu        sync.Mutex
	rules     []*Rule
	log       []Entry
	inflight  int // handlers that have not recorded their entry yet
	holding   int // of those, handlers keeping silent until the client leaves
	redirects map[string]redirect
}

// Start runs a proxy in front of the registry at upstream (a URL such as http://127.0.0.1:5000)
// for the test; it is closed by t.Cleanup.
func Start(t testing.TB, upstream string, rules ...Rule) *Proxy {
	t.Helper()
	p := &Proxy{
		upstream:  strings.TrimSuffix(upstream, "/"),
		redirects: map[string]redirect{},
		closing:   make(chan struct{}),
		client: &http.Client{
			// The client under test must see the upstream's redirects itself.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Transport:     &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 16},
		},
	}
	for i := range rules {
		r := rules[i]
		if r.Fault == nil {
			t.Fatalf("faultproxy: rule %d has no fault", i)
		}
		if r.Path != "" {
			re, err := regexp.Compile(r.Path)
			if err != nil {
				t.Fatalf("faultproxy: rule %d: %v", i, err)
			}
			r.path = re
		}
		p.rules = append(p.rules, &r)
	}
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(p.serve))
	p.srv.Listener = smallWindowListener{p.srv.Listener}
	p.srv.Start()
	p.Target = httptest.NewServer(http.HandlerFunc(p.serveRedirected))
	p.URL = p.srv.URL
	p.Host = strings.TrimPrefix(p.srv.URL, "http://")
	t.Cleanup(func() {
		close(p.closing)
		p.srv.CloseClientConnections()
		p.srv.Close()
		p.Target.CloseClientConnections()
		p.Target.Close()
	})
	return p
}

// Requests returns the logged requests whose method equals method ("" for any) and whose path
// matches the regexp path ("" for any), in arrival order.
func (p *Proxy) Requests(method, path string) []Entry {
	re := regexp.MustCompile(path)
	var out []Entry
	for _, e := range p.Log() {
		if (method == "" || e.Method == method) && re.MatchString(e.Path) {
			out = append(out, e)
		}
	}
	return out
}

// Log returns every logged request, for failure messages.
func (p *Proxy) Log() []Entry {
	p.settle()
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Entry(nil), p.log...)
}

// settle waits (a little) for handlers still running: a client can read a whole response before
// its handler returns and records the entry, and a test reading the log right after would miss it.
// Handlers keeping silent are not waited for: they end when their client leaves.
func (p *Proxy) settle() {
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		p.mu.Lock()
		n := p.inflight - p.holding
		p.mu.Unlock()
		if n == 0 {
			return
		}
	}
}

// begin counts a handler in flight until record takes its entry.
func (p *Proxy) begin() {
	p.mu.Lock()
	p.inflight++
	p.mu.Unlock()
}

// Dump is the log, one request per line, for failure messages.
func (p *Proxy) Dump() string {
	var b strings.Builder
	for _, e := range p.Log() {
		b.WriteString("\n  " + e.String())
	}
	return b.String()
}

func (e Entry) String() string {
	s := fmt.Sprintf("%s %s %s → %d in %s", e.Time.Format("15:04:05.000"), e.Method, e.Path, e.Status, e.Elapsed.Round(time.Millisecond))
	if e.Fault != "" {
		s += " [" + e.Fault + "]"
	}
	return s
}

func (p *Proxy) record(e Entry) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight--
	// Entries are recorded when their handler returns; keep them in arrival order.
	i := len(p.log)
	for i > 0 && p.log[i-1].Time.After(e.Time) {
		i--
	}
	p.log = slices.Insert(p.log, i, e)
}

// match returns the fault for r, counting r against every rule it matches.
func (p *Proxy) match(r *http.Request) Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	var hit Fault
	for _, rule := range p.rules {
		if rule.Method != "" && rule.Method != r.Method || rule.path != nil && !rule.path.MatchString(r.URL.Path) {
			continue
		}
		rule.seen++
		if hit == nil && (rule.Nth == 0 || rule.Nth == rule.seen) {
			hit = rule.Fault
		}
	}
	return hit
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	p.begin()
	e := Entry{Time: time.Now(), Method: r.Method, Path: r.URL.Path, HadAuth: r.Header.Get("Authorization") != ""}
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		e.Status, e.Elapsed = sw.status, time.Since(e.Time)
		p.record(e)
	}()
	if f := p.match(r); f != nil {
		e.Fault = f.name()
		f.serve(p, sw, r)
		return
	}
	p.forward(sw, r, nil)
}

// roundTrip sends r (with its path possibly replaced) to the upstream, keeping the client's Host
// header so the registry builds upload Location URLs that point back at the proxy.
func (p *Proxy) roundTrip(r *http.Request, method, path string, body io.Reader) (*http.Response, error) {
	u := p.upstream + path
	if r.URL.RawQuery != "" {
		u += "?" + r.URL.RawQuery
	}
	out, err := http.NewRequestWithContext(r.Context(), method, u, body)
	if err != nil {
		return nil, err
	}
	for k, vs := range r.Header {
		if !hopByHop[k] {
			out.Header[k] = vs
		}
	}
	out.Host = r.Host
	if body != nil {
		out.ContentLength = r.ContentLength
	}
	return p.client.Do(out)
}

var hopByHop = map[string]bool{"Connection": true, "Keep-Alive": true, "Proxy-Connection": true,
	"Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true}

// forward proxies r untouched, passing the response body through body (nil: copy verbatim).
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, body func(w http.ResponseWriter, resp *http.Response)) {
	var in io.Reader
	if r.ContentLength != 0 {
		in = r.Body
	}
	resp, err := p.roundTrip(r, r.Method, r.URL.Path, in)
	if body == nil {
		relay(w, resp, err)
		return
	}
	if err != nil {
		http.Error(w, "faultproxy: upstream: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	copyHeader(w.Header(), resp.Header)
	body(w, resp)
}

// relay answers w with the upstream response as it came (a 502 when there was none).
func relay(w http.ResponseWriter, resp *http.Response, err error) {
	if err != nil {
		http.Error(w, "faultproxy: upstream: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	copyHeader(w.Header(), resp.Header)
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

func copyHeader(dst, src http.Header) {
	for k, vs := range src {
		if !hopByHop[k] {
			dst[k] = vs
		}
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (Trickle hijacks it).
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// smallWindowListener gives every connection a small, fixed receive buffer: the kernel would
// otherwise take megabytes of an upload the proxy has stopped reading, and the client would not
// notice the stall until it had sent everything.
type smallWindowListener struct{ net.Listener }

func (l smallWindowListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetReadBuffer(128 << 10)
	}
	return c, err
}
