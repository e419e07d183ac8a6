package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/ociclient"
)

// A retry is announced on stderr, so a slow or failing registry is never a silent wait.

// announceRetry says on the notices writer, in one line, what is retried, when and why:
// "retrying GET https://… in 1.0s: connection refused (attempt 2 of 4)". what names the
// operation when the error does not name the request.
func (o *transportOptions) announceRetry(what string) func(attempt int, wait time.Duration, err error) {
	if o.notices == nil {
		return nil
	}
	return func(attempt int, wait time.Duration, err error) {
		subject, reason := retrySubject(err, what), retryReason(err)
		if subject != "" {
			subject += " "
		}
		line := fmt.Sprintf("retrying %sin %.1fs: %s (attempt %d of %d)", subject, wait.Seconds(), reason, attempt+2, o.retries+1)
		if cli.IsTerminal(o.notices) {
			line = "\r\033[K" + line // over a progress line, which redraws itself below
		}
		fmt.Fprintln(o.notices, scrub(line, nil))
	}
}

// retrySubject is what a retry repeats: the request ("GET https://…"); a blob upload, which
// starts again from its first request, as "the blob upload" followed by the request that
// failed; else what.
func retrySubject(err error, what string) string {
	var ae *ociclient.AttemptError
	if errors.As(err, &ae) {
		return ae.Method + " " + ae.URL
	}
	req := ""
	var ue *url.Error
	var te *ociclient.TimeoutError
	switch {
	case errors.As(err, &ue):
		req = strings.ToUpper(ue.Op) + " " + ue.URL
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.User, u.RawQuery, u.ForceQuery = nil, "", false
			req = strings.ToUpper(ue.Op) + " " + u.String()
		}
	case errors.As(err, &te):
		req = te.Method + " " + te.Host + te.Path
	default:
		return what
	}
	if strings.Contains(req, "/blobs/uploads/") {
		return "the blob upload (" + req + ")"
	}
	return req
}

// retryReason is why: a status, the registry's silence, or the network failure's own words.
func retryReason(err error) string {
	var ae *ociclient.AttemptError
	if errors.As(err, &ae) {
		if ae.Status != 0 {
			return fmt.Sprintf("%d %s", ae.Status, http.StatusText(ae.Status))
		}
		err = ae.Err // the request is the subject already
	}
	var te *ociclient.TimeoutError
	if errors.As(err, &te) {
		return te.Reason()
	}
	return shortNetReason(err)
}

// shortNetReason is the innermost words of a network failure: "connection refused", not
// "dial tcp 127.0.0.1:1: connect: connection refused".
func shortNetReason(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		err = oe.Err
		var se *os.SyscallError
		if errors.As(err, &se) {
			err = se.Err
		}
		return err.Error()
	}
	return netReason(err)
}
