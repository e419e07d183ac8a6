package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/ociclient"
	"github.com/mcpg-dev/mcpg-plugins/shared/textclip"
)

// Registry failures become one-line errors with the shared exit codes: 5 when the registry
// refused the credentials, 4 for everything else the network or the registry did, 1 for content
// that failed a check (kept as the *cli.Error it already is). No message ever carries a secret:
// URLs lose their user info and query, and every credential the authenticator knows is masked.

// registryError turns err from talking to host (while doing what, e.g. "push to ghcr.io/x/y:1")
// into a *cli.Error. err is best already classified by the registry it came from
// (ociclient.Registry.Classify), which knows what its transport saw.
func registryError(err error, what, host string, creds authn.Authenticator) error {
	if err == nil {
		return nil
	}
	if e, ok := settled(err); ok {
		return e
	}
	var re *ociclient.RegistryError
	if !errors.As(err, &re) {
		if !errors.As(ociclient.Classify(err, host), &re) {
			return err
		}
	}
	e := describe(re, what, host, creds != nil && creds != authn.Anonymous)
	e.Msg = scrub(e.Msg, creds)
	e.Hint = scrub(e.Hint, creds)
	return e
}

// settled: an error already worded for the command line — or a local I/O failure, which
// classifies itself as exit 3 — passes as it is; a failed check is exit 1 with its own message.
func settled(err error) (error, bool) {
	var ce *cli.Error
	var same *fileio.SameFileError
	if errors.As(err, &ce) || errors.As(err, &same) || cli.CodeOf(err) == cli.ExitIO {
		return err, true
	}
	var fe *ociclient.CheckError
	if errors.As(err, &fe) {
		return cli.Failf("%s", textclip.ClipN(fe.Msg, 1000)), true
	}
	return nil, false
}

func describe(re *ociclient.RegistryError, what, host string, hadCreds bool) *cli.Error {
	err := re.Err
	switch {
	case re.Interrupted:
		return &cli.Error{Code: cli.ExitInterrupted, Msg: what + ": interrupted", Err: re}
	case re.Status != nil:
		return statusError(re, what, host, hadCreds)
	case re.PlainHTTP != nil: // nothing else failed: e.g. a redirect down to plain HTTP
		return &cli.Error{Code: cli.ExitNetwork, Msg: fmt.Sprintf("%s: %s", what, re.PlainHTTP.Error()),
			Hint: fmt.Sprintf("pass --insecure-registry %s to allow it", re.PlainHTTP.Host), Err: re}
	case re.Timeout != nil: // the message names the host and what was awaited
		e := &cli.Error{Code: cli.ExitNetwork, Msg: fmt.Sprintf("%s: %s", what, re.Timeout.Error()), Err: re}
		flag := "--stall-timeout"
		if re.Timeout.Waiting == ociclient.WaitingHeaders {
			flag = "--response-timeout"
		}
		e.Hint = fmt.Sprintf("if the registry is only slow, give it longer with %s (now %s)", flag, re.Timeout.After)
		return e
	case re.Network:
		verb := "the connection to registry %s failed"
		if re.Unreachable {
			verb = "cannot reach registry %s"
		}
		e := &cli.Error{Code: cli.ExitNetwork, Msg: fmt.Sprintf("%s: "+verb+": %s", what, host, netReason(err)), Err: re}
		var rhe tls.RecordHeaderError
		switch {
		case errors.As(err, &rhe):
			e.Hint = fmt.Sprintf("the registry seems to speak plain HTTP; if that is intended, pass --insecure-registry %s", host)
		case clientCertWanted(err):
			e.Hint = "the registry wants a client certificate it trusts: pass --cert-file and --key-file"
		case ociclient.IsTLSError(err):
			e.Hint = "pass --ca-file with the registry's CA, or --insecure-skip-tls-verify if you must"
		}
		return e
	}
	return &cli.Error{Code: cli.ExitNetwork, Msg: fmt.Sprintf("%s: %s", what, textclip.ClipN(err.Error(), 1000)), Err: re}
}

func statusError(re *ociclient.RegistryError, what, host string, hadCreds bool) *cli.Error {
	se := re.Status
	status := fmt.Sprintf("%d %s", se.StatusCode, http.StatusText(se.StatusCode))
	detail := diagnostics(se)
	if detail != "" {
		detail = ": " + detail
	}
	switch se.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		e := &cli.Error{Code: cli.ExitAuth, Err: re}
		if hadCreds {
			e.Msg = fmt.Sprintf("%s: registry %s refused the credentials (%s%s)", what, host, status, detail)
			e.Hint = "check -u/-p, --password-stdin or the docker config entry for " + host
		} else {
			e.Msg = fmt.Sprintf("%s: registry %s requires credentials (%s%s)", what, host, status, detail)
			e.Hint = "log in: -u USER with -p env:VAR or --password-stdin, or a docker config with an entry for " + host
		}
		return e
	case http.StatusNotFound:
		return &cli.Error{Code: cli.ExitNetwork, Msg: fmt.Sprintf("%s: not found on %s (%s%s)", what, host, status, detail), Err: re}
	case http.StatusTooManyRequests:
		e := &cli.Error{Code: cli.ExitNetwork, Msg: fmt.Sprintf("%s: registry %s is rate limiting (%s%s)", what, host, status, detail), Err: re}
		if re.RetryAfter > 0 {
			e.Msg += fmt.Sprintf("; it asks to retry after %s", re.RetryAfter)
		}
		return e
	}
	return &cli.Error{Code: cli.ExitNetwork, Msg: fmt.Sprintf("%s: registry %s answered %s%s", what, host, status, detail), Err: re}
}

// diagnostics is the registry's own explanation (error codes and messages), never the request.
func diagnostics(se *transport.Error) string {
	var parts []string
	for _, d := range se.Errors {
		s := string(d.Code)
		if d.Message != "" {
			s += ": " + d.Message
		}
		parts = append(parts, s)
	}
	return textclip.ClipN(strings.Join(parts, "; "), 300)
}

// clientCertWanted: the server's alert says it wants (another) client certificate.
func clientCertWanted(err error) bool {
	s := err.Error()
	return strings.Contains(s, "tls: certificate required") || strings.Contains(s, "tls: bad certificate") ||
		strings.Contains(s, "tls: unknown certificate authority")
}

// netReason is the innermost useful text of a network error, without the URL.
func netReason(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var re tls.RecordHeaderError
	switch {
	case errors.As(err, &re):
		return "the server does not speak TLS (plain HTTP?)"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return "the connection was closed before the answer was complete"
	}
	return err.Error()
}

var (
	urlUserinfo = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s"]*@`)
	urlQuery    = regexp.MustCompile(`(?i)\b(https?://[^\s?"]+)\?[^\s"]*`)
)

// scrub removes what must never be shown: URL user info, URL queries (signed redirect URLs carry
// tokens) and any secret the authenticator holds.
func scrub(msg string, creds authn.Authenticator) string {
	msg = urlUserinfo.ReplaceAllString(msg, "$1")
	msg = urlQuery.ReplaceAllString(msg, "$1")
	for _, s := range secretsOf(creds) {
		msg = strings.ReplaceAll(msg, s, "***")
	}
	return msg
}

func secretsOf(creds authn.Authenticator) []string {
	if creds == nil || creds == authn.Anonymous {
		return nil
	}
	cfg, err := creds.Authorization()
	if err != nil || cfg == nil {
		return nil
	}
	var out []string
	for _, s := range []string{cfg.Password, cfg.Auth, cfg.IdentityToken, cfg.RegistryToken} {
		if len(s) >= 3 {
			out = append(out, s)
		}
	}
	return out
}
