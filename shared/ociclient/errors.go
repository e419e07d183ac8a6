package ociclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// CheckError is content that failed a check — a digest, a size, a media type, a manifest's
// shape — or a layout that is not one. It is never retried, and nothing was written.
type CheckError struct{ Msg string }

func (e *CheckError) Error() string { return e.Msg }

func failf(format string, a ...any) error { return &CheckError{Msg: fmt.Sprintf(format, a...)} }

// isFinal: a failed check or a local I/O failure, which no retry cures and no registry caused.
func isFinal(err error) bool {
	var ce *CheckError
	var ioe *fileio.Error
	return errors.As(err, &ce) || errors.As(err, &ioe)
}

// RegistryError is a failure talking to a registry, classified for the caller to word and to map
// onto exit codes: an interruption, an HTTP status (Auth when the registry refused), a refused
// plain-HTTP request, or the network.
type RegistryError struct {
	Host        string
	Interrupted bool             // the context was cancelled
	Status      *transport.Error // the registry answered with an error status
	Auth        bool             // the status is 401 or 403
	// RetryAfter is the wait a 429 asked for when it was longer than the transport takes.
	RetryAfter time.Duration
	PlainHTTP  *PlainHTTPError // refused before anything was sent
	// Network: the connection failed (Unreachable: it could not even be set up — dial or TLS).
	Network, Unreachable bool
	// Timeout: the registry kept silent too long (a Network failure).
	Timeout *TimeoutError
	// Err is the cause: the transport's own network failure when go-containerregistry's error
	// only quoted it.
	Err error
}

func (e *RegistryError) Error() string { return e.Err.Error() }
func (e *RegistryError) Unwrap() error { return e.Err }

// Classify turns err from talking to host into a *RegistryError; failed checks and local I/O
// failures (and nil) are returned as they are.
func Classify(err error, host string) error {
	return classify(err, host, nil)
}

func classify(err error, host string, pt *policyTransport) error {
	var re *RegistryError
	if err == nil || isFinal(err) || errors.As(err, &re) {
		return err
	}
	e := &RegistryError{Host: host, Err: err}
	if errors.Is(err, context.Canceled) {
		e.Interrupted = true
		return e
	}
	// ggcr's ping joins the https and http attempts into one error, e.g. a certificate failure
	// and the plain-HTTP attempt's 400 from a TLS-only port; the transport kept the network
	// cause, which is the one to report (a refused plain-HTTP attempt never reaches the network).
	if pt != nil {
		pt.mu.Lock()
		last := pt.lastNetErr
		pt.mu.Unlock()
		if last != nil && strings.Contains(err.Error(), last.Error()) {
			e.Err = last
		}
	}
	if se := statusErrorOf(e.Err); se != nil {
		e.Status = se
		e.Auth = se.StatusCode == http.StatusUnauthorized || se.StatusCode == http.StatusForbidden
		if se.StatusCode == http.StatusTooManyRequests && pt != nil {
			pt.mu.Lock()
			e.RetryAfter = pt.rateLimited
			pt.mu.Unlock()
		}
		return e
	}
	if errors.As(e.Err, &e.PlainHTTP) {
		return e
	}
	if IsNetworkError(e.Err) || errors.Is(e.Err, io.EOF) || errors.Is(e.Err, io.ErrUnexpectedEOF) {
		e.Network = true
		errors.As(e.Err, &e.Timeout)
		var oe *net.OpError
		e.Unreachable = errors.As(e.Err, &oe) && oe.Op == "dial" || IsTLSError(e.Err)
	}
	return e
}

func statusErrorOf(err error) *transport.Error {
	var te *transport.Error
	if errors.As(err, &te) {
		return te
	}
	return nil
}

// IsNetworkError: the error came from the connection (or its TLS), not from an answer.
func IsNetworkError(err error) bool {
	var ne net.Error
	var ue *url.Error
	var oe *net.OpError
	return errors.As(err, &ne) || errors.As(err, &ue) || errors.As(err, &oe) || IsTLSError(err)
}

// IsTLSError: a certificate, handshake or TLS record failure.
func IsTLSError(err error) bool {
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var recordErr tls.RecordHeaderError
	var alert tls.AlertError
	var oe *net.OpError
	return errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) ||
		errors.As(err, &invalid) || errors.As(err, &recordErr) || errors.As(err, &alert) ||
		errors.As(err, &oe) && oe.Op == "remote error" // a TLS alert from the server
}
