package ociclient

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testSilence = 300 * time.Millisecond
	blobDigest  = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

// silentServer runs handler; handlers that keep silent return when the test ends (done).
func silentServer(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, done <-chan struct{})) *httptest.Server {
	t.Helper()
	done := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler(w, r, done) }))
	srv.Listener = smallBuffers{srv.Listener}
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(done); srv.CloseClientConnections() })
	return srv
}

// smallBuffers keeps the kernel from absorbing megabytes of an upload the server does not read.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetReadBuffer(64 << 10)
	}
	return c, err
}

type retryLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *retryLog) hook(_ int, _ time.Duration, err error) {
	l.mu.Lock()
	l.errs = append(l.errs, err)
	l.mu.Unlock()
}

// silenceClient is a client over the policy transport with short silences, retries retries
// and a tiny backoff; its retries are logged.
func silenceClient(retries int) (*http.Client, *policyTransport, *retryLog) {
	log := &retryLog{}
	cfg := &Config{Retries: retries, RetryBaseDelay: 10 * time.Millisecond, ResponseTimeout: testSilence, StallTimeout: testSilence,
		UserAgent: testUserAgent, OnRetry: log.hook}
	pt := newPolicyTransport(cfg, cfg.baseTransport())
	return &http.Client{Transport: pt}, pt, log
}

// wantTimeout checks err is a *TimeoutError waiting for what, after testSilence, naming the host
// and message.
func wantTimeout(t *testing.T, err error, what Waiting, host, message string) *TimeoutError {
	t.Helper()
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("want a *TimeoutError, got %T: %v", err, err)
	}
	if te.Waiting != what || te.Host != host || te.After != testSilence {
		t.Errorf("got %+v, want waiting %d on %s after %s", te, what, host, testSilence)
	}
	if !strings.Contains(te.Error(), message) {
		t.Errorf("message %q does not contain %q", te.Error(), message)
	}
	var re *RegistryError
	if !errors.As(Classify(err, host), &re) || !re.Network || re.Unreachable || re.Timeout == nil || re.Interrupted {
		t.Errorf("classified as %+v, want a network timeout", re)
	}
	return te
}

func within(t *testing.T, start time.Time, limit time.Duration) {
	t.Helper()
	if d := time.Since(start); d > limit {
		t.Errorf("took %s, want at most %s", d, limit)
	}
}

func TestSilentHeaders(t *testing.T) {
	t.Parallel()
	never := func(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}
	// Every read brings a byte: only a deadline over the whole header catches this.
	trickle := func(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		head := "HTTP/1.1 200 OK\r\nX-Trickle: "
		for i := 0; ; i++ {
			b := byte('a')
			if i < len(head) {
				b = head[i]
			}
			if _, err := conn.Write([]byte{b}); err != nil {
				return
			}
			select {
			case <-time.After(20 * time.Millisecond):
			case <-done:
				return
			}
		}
	}
	for name, handler := range map[string]func(http.ResponseWriter, *http.Request, <-chan struct{}){"never": never, "trickle": trickle} {
		t.Run(name, func(t *testing.T) {
			srv := silentServer(t, handler)
			client, _, log := silenceClient(1)
			host := strings.TrimPrefix(srv.URL, "http://")
			start := time.Now()
			_, err := client.Get(srv.URL + "/v2/r/manifests/1.0?token=secret")
			within(t, start, 5*testSilence)
			wantTimeout(t, err, WaitingHeaders, host, "registry "+host+" sent no response headers in 300ms (GET /v2/r/manifests/1.0)")
			var done *retriesExhausted
			if !errors.As(err, &done) || Retryable(err) {
				t.Errorf("the transport's retries were spent (%v); no second round: Retryable = %v", err, Retryable(err))
			}
			if len(log.errs) != 1 {
				t.Fatalf("want 1 retry, got %v", log.errs)
			}
			var ae *AttemptError
			if !errors.As(log.errs[0], &ae) || ae.Method != "GET" || ae.URL != srv.URL+"/v2/r/manifests/1.0" {
				t.Errorf("retry hook heard %#v, want the request without its query", log.errs[0])
			}
			var te *TimeoutError
			if !errors.As(log.errs[0], &te) {
				t.Errorf("retry hook heard %v, want the timeout as the reason", log.errs[0])
			}
		})
	}
}

func TestStalledDownload(t *testing.T) {
	t.Parallel()
	srv := silentServer(t, func(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
		w.Header().Set("Content-Length", "1000")
		w.Write(make([]byte, 10))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-done:
		}
	})
	client, _, _ := silenceClient(3)
	host := strings.TrimPrefix(srv.URL, "http://")
	resp, err := client.Get(srv.URL + "/v2/r/blobs/" + blobDigest)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	start := time.Now()
	n, err := io.Copy(io.Discard, resp.Body)
	within(t, start, 3*testSilence)
	if n != 10 {
		t.Errorf("read %d bytes before the stall, want 10", n)
	}
	te := wantTimeout(t, err, WaitingBody, host, "registry "+host+" sent nothing for 300ms while downloading blob "+blobDigest)
	if te.Digest != blobDigest || !Retryable(err) || !midStream(err) {
		t.Errorf("digest %q; a stalled body should be fetched again like a cut one (Retryable %v, midStream %v)", te.Digest, Retryable(err), midStream(err))
	}
}

// A caller slow to read is not a stalled registry: the clock runs only while a read waits.
func TestSlowReaderIsNoStall(t *testing.T) {
	t.Parallel()
	srv := silentServer(t, func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) {
		w.Write(bytes.Repeat([]byte("x"), 3000))
	})
	client, _, _ := silenceClient(0)
	resp, err := client.Get(srv.URL + "/v2/r/blobs/" + blobDigest)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 1000)
	for range 3 {
		time.Sleep(testSilence + 100*time.Millisecond)
		if _, err := io.ReadFull(resp.Body, buf); err != nil {
			t.Fatalf("a slow reader was cut off: %v", err)
		}
	}
}

func TestStalledUpload(t *testing.T) {
	t.Parallel()
	srv := silentServer(t, func(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
		io.CopyN(io.Discard, r.Body, 64<<10)
		<-done // net/http cannot see the client leave while the body is unread
	})
	client, _, _ := silenceClient(0)
	host := strings.TrimPrefix(srv.URL, "http://")
	// More than the kernel buffers on both ends.
	body := bytes.NewReader(make([]byte, 16<<20))
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/v2/r/blobs/uploads/abc?digest="+blobDigest, body)
	start := time.Now()
	_, err := client.Do(req)
	within(t, start, 5*testSilence)
	wantTimeout(t, err, WaitingUpload, host, "registry "+host+" accepted no data for 300ms while uploading blob "+blobDigest+" (PUT /v2/r/blobs/uploads/abc)")
}

// slowSource produces its bytes more slowly than the stall timeout: our side, not a stall.
type slowSource struct{ left int }

func (s *slowSource) Read(p []byte) (int, error) {
	if s.left == 0 {
		return 0, io.EOF
	}
	time.Sleep(testSilence + 100*time.Millisecond)
	n := min(len(p), s.left, 100)
	s.left -= n
	return n, nil
}

func TestSlowUploadSourceIsNoStall(t *testing.T) {
	t.Parallel()
	srv := silentServer(t, func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusCreated)
	})
	client, _, _ := silenceClient(0)
	req, _ := http.NewRequest(http.MethodPatch, srv.URL+"/v2/r/blobs/uploads/abc", io.NopCloser(&slowSource{left: 300}))
	req.ContentLength = 300
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("a slow source was cut off: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d", resp.StatusCode)
	}
}
