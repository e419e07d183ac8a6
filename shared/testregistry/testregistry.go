// Package testregistry starts the real CNCF distribution registry binary (installed by
// scripts/install-test-tools into .tools/bin) on 127.0.0.1 for tests, and makes real package zips
// to push to it.
package testregistry

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Options select the flavour: plain HTTP, htpasswd basic auth, TLS with a CA made at test time,
// mTLS requiring a client certificate.
type Options struct {
	Htpasswd map[string]string // user → password; empty: no auth
	TLS      bool
	MTLS     bool // implies TLS
}

// Registry is a running registry; Stop is registered with t.Cleanup.
type Registry struct {
	Host     string // 127.0.0.1:PORT
	URL      string // http://Host or https://Host
	CAFile   string // PEM of the CA that signed the server cert (TLS only)
	CertFile string // client certificate (MTLS only)
	KeyFile  string // client key (MTLS only)

	// Client talks to the registry directly (trusting CAFile, presenting the client certificate
	// under MTLS), for tests that check what landed on the server.
	Client *http.Client

	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	logs *syncBuffer
}

// ToolsDir is where the test tools are: $MCPG_TEST_TOOLS, else <repo root>/.tools/bin found by
// walking up from the working directory. It returns "" when neither exists.
func ToolsDir() string {
	if d := os.Getenv("MCPG_TEST_TOOLS"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		cand := filepath.Join(dir, ".tools", "bin")
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Tool returns the path of an installed test tool (registry, crane, oras), or "" if it is missing.
func Tool(name string) string {
	dir := ToolsDir()
	if dir == "" {
		return ""
	}
	p := filepath.Join(dir, name)
	if st, err := os.Stat(p); err != nil || st.IsDir() {
		return ""
	}
	return p
}

// Start runs a registry for the test, failing it if the binary is not installed.
func Start(t testing.TB, opts Options) *Registry {
	t.Helper()
	bin := Tool("registry")
	if bin == "" {
		t.Fatal("testregistry: the distribution registry binary is not installed: run scripts/install-test-tools (or set MCPG_TEST_TOOLS)")
	}
	dir := t.TempDir()
	r := &Registry{}
	var tlsConf *tls.Config
	if opts.TLS || opts.MTLS {
		var err error
		if tlsConf, err = r.makeCerts(dir, opts.MTLS); err != nil {
			t.Fatalf("testregistry: certificates: %v", err)
		}
	}
	htpasswd := ""
	if len(opts.Htpasswd) > 0 {
		htpasswd = filepath.Join(dir, "htpasswd")
		if err := writeHtpasswd(htpasswd, opts.Htpasswd); err != nil {
			t.Fatalf("testregistry: htpasswd: %v", err)
		}
	}
	r.Client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: tlsConf}}

	// A free port can be taken between our probe and the registry's bind: try a few.
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freePort()
		if err != nil {
			t.Fatalf("testregistry: %v", err)
		}
		r.Host = fmt.Sprintf("127.0.0.1:%d", port)
		r.URL = "http://" + r.Host
		if tlsConf != nil {
			r.URL = "https://" + r.Host
		}
		conf := filepath.Join(dir, "config.yml")
		if err := os.WriteFile(conf, []byte(r.config(filepath.Join(dir, "storage"), htpasswd, opts.MTLS)), 0o600); err != nil {
			t.Fatalf("testregistry: %v", err)
		}
		if lastErr = r.launch(bin, conf); lastErr == nil {
			t.Cleanup(r.stop)
			return r
		}
	}
	t.Fatalf("testregistry: could not start %s: %v", bin, lastErr)
	return nil
}

func (r *Registry) config(storage, htpasswd string, mtls bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n")
	fmt.Fprintf(&b, "storage:\n  filesystem:\n    rootdirectory: %q\n  delete:\n    enabled: true\n", storage)
	fmt.Fprintf(&b, "http:\n  addr: %q\n  secret: testregistry-not-secret\n", r.Host)
	if r.CAFile != "" {
		fmt.Fprintf(&b, "  tls:\n    certificate: %q\n    key: %q\n", filepath.Join(filepath.Dir(r.CAFile), "server.pem"), filepath.Join(filepath.Dir(r.CAFile), "server.key"))
		if mtls {
			fmt.Fprintf(&b, "    clientcas:\n      - %q\n", r.CAFile)
		}
	}
	if htpasswd != "" {
		fmt.Fprintf(&b, "auth:\n  htpasswd:\n    realm: testregistry\n    path: %q\n", htpasswd)
	}
	return b.String()
}

// launch starts the process and waits until /v2/ answers, or the process exits (port taken).
func (r *Registry) launch(bin, conf string) error {
	r.logs = &syncBuffer{}
	cmd := exec.Command(bin, "serve", conf)
	cmd.Stdout, cmd.Stderr = r.logs, r.logs
	// No tracing exporter (v3 otherwise tries to reach a collector), no debug server.
	cmd.Env = append(os.Environ(), "OTEL_TRACES_EXPORTER=none", "OTEL_SDK_DISABLED=true")
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	r.cmd, r.done = cmd, make(chan struct{})
	go func() { cmd.Wait(); close(r.done) }()

	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-r.done:
			return fmt.Errorf("registry exited at start-up: %s", strings.TrimSpace(r.logs.String()))
		default:
		}
		resp, err := r.Client.Get(r.URL + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized {
				return nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.stop()
	return errors.New("registry did not answer /v2/ within 15 s")
}

func (r *Registry) stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	r.cmd.Process.Kill()
	<-r.done
}

// Logs returns what the registry printed (errors only), for failure messages.
func (r *Registry) Logs() string { return r.logs.String() }

// syncBuffer collects the registry's output, written by exec's copying goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func writeHtpasswd(path string, users map[string]string) error {
	var b strings.Builder
	for user, pass := range users {
		// MinCost keeps start-up fast; the registry accepts any bcrypt cost.
		h, err := bcrypt.GenerateFromPassword([]byte(pass), bcrypt.MinCost)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s:%s\n", user, h)
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// CertPool returns a pool holding the test CA (TLS only).
func (r *Registry) CertPool() *x509.CertPool {
	pem, err := os.ReadFile(r.CAFile)
	if err != nil {
		return nil
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	return pool
}
