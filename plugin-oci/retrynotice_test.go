package main

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/ociclient"
)

func TestRetryNotice(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	for _, c := range []struct {
		what    string
		attempt int
		err     error
		want    string
	}{
		{"", 0, &ociclient.AttemptError{Method: "GET", URL: "https://r.example/v2/", Err: refused},
			"retrying GET https://r.example/v2/ in 0.5s: connection refused (attempt 2 of 4)\n"},
		{"", 1, &ociclient.AttemptError{Method: "GET", URL: "https://r.example/v2/a/manifests/1", Status: 503, Err: errors.New("retryable status")},
			"retrying GET https://r.example/v2/a/manifests/1 in 0.5s: 503 Service Unavailable (attempt 3 of 4)\n"},
		{"", 0, &ociclient.AttemptError{Method: "GET", URL: "https://r.example/v2/", Err: errors.New("net/http: TLS handshake timeout")},
			"retrying GET https://r.example/v2/ in 0.5s: net/http: TLS handshake timeout (attempt 2 of 4)\n"},
		{"", 2, &url.Error{Op: "Patch", URL: "http://u:pw@r.example/v2/a/blobs/uploads/u1?_state=SECRET",
			Err: &ociclient.TimeoutError{Host: "r.example", Method: "PATCH", Path: "/v2/a/blobs/uploads/u1", Waiting: ociclient.WaitingUpload, After: time.Second}},
			"retrying the blob upload (PATCH http://r.example/v2/a/blobs/uploads/u1) in 0.5s: the registry accepted no data for 1s (attempt 4 of 4)\n"},
		{"the download", 0, io.ErrUnexpectedEOF,
			"retrying the download in 0.5s: the connection was closed before the answer was complete (attempt 2 of 4)\n"},
	} {
		var out bytes.Buffer
		o := &transportOptions{retries: 3, notices: &out}
		o.announceRetry(c.what)(c.attempt, 500*time.Millisecond, c.err)
		if out.String() != c.want {
			t.Errorf("notice for %v:\n got %q\nwant %q", c.err, out.String(), c.want)
		}
	}
	if (&transportOptions{}).announceRetry("") != nil {
		t.Error("without a notices writer, retries are not announced")
	}
}
