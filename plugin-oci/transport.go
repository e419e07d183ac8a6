package main

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/buildinfo"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/ociclient"
)

// The connection flags (docs/contract.md §5.2, issue item 5): the library keeps HTTPS everywhere
// except loopback and the hosts listed here; TLS verification is switched off only on request.

// transportOptions are the connection flags shared by push and pull.
type transportOptions struct {
	insecureRegistries []string
	skipTLSVerify      bool
	caFile             string
	certFile, keyFile  string
	retries            int
	responseTimeout    cli.Seconds
	stallTimeout       cli.Seconds
	// notices is where retries are announced (stderr; nil: silent).
	notices io.Writer
}

// testBase, when set by a test, replaces the network under the policy transport.
var testBase http.RoundTripper

const transportFlagsHelp = `      --insecure-registry <host[:port]>
                        talk plain HTTP to this registry (exact match, repeatable); localhost,
                        127.0.0.1 and ::1 always may. Every other host, private addresses
                        included, is HTTPS only
      --insecure-skip-tls-verify
                        do not verify the registry's TLS certificate (still HTTPS)
      --ca-file <pem>   also trust the CA certificates in this PEM file
      --cert-file <pem>, --key-file <pem>
                        client certificate and key for registries that require mTLS
      --retries <n>     retry a failed request up to n times (default 3): network errors, 5xx,
                        408 and 429, waiting as long as Retry-After asks (up to 30 s); each
                        retry is announced on stderr
      --response-timeout <duration>
                        give up on an attempt when connecting, or then receiving the whole
                        response header, takes longer (default 30s; 90s, 2m or plain seconds)
      --stall-timeout <duration>
                        give up on an attempt when no byte of an upload or a download moves
                        for this long (default 30s). A registry gone silent fails a request
                        (exit 4) after (retries+1) × the timeout plus the backoff waits:
                        about 2 minutes with the defaults
`

func (o *transportOptions) register(fs *cli.FlagSet) {
	fs.StringsVar(&o.insecureRegistries, "insecure-registry", "")
	fs.BoolVar(&o.skipTLSVerify, "insecure-skip-tls-verify", false, "")
	fs.StringVar(&o.caFile, "ca-file", "", "")
	fs.StringVar(&o.certFile, "cert-file", "", "")
	fs.StringVar(&o.keyFile, "key-file", "", "")
	fs.IntVar(&o.retries, "retries", 3, "")
	o.responseTimeout = cli.Seconds(ociclient.DefaultResponseTimeout)
	o.stallTimeout = cli.Seconds(ociclient.DefaultStallTimeout)
	fs.Var(&o.responseTimeout, "response-timeout", "")
	fs.Var(&o.stallTimeout, "stall-timeout", "")
}

// check validates the flag values without touching the network.
func (o *transportOptions) check() error {
	if o.retries < 0 {
		return cli.Usagef("--retries must be 0 or more, not %d", o.retries)
	}
	for _, t := range []struct {
		name string
		d    cli.Seconds
	}{{"--response-timeout", o.responseTimeout}, {"--stall-timeout", o.stallTimeout}} {
		if t.d <= 0 {
			return cli.Usagef("%s must be more than 0, not %s", t.name, time.Duration(t.d))
		}
	}
	if (o.certFile == "") != (o.keyFile == "") {
		return cli.Usagef("--cert-file and --key-file go together (a client certificate needs its key)")
	}
	for _, h := range o.insecureRegistries {
		if h == "" || strings.Contains(h, "/") {
			return cli.Usagef("--insecure-registry %q: expected host or host:port, without scheme or path", h)
		}
	}
	return nil
}

// maxTLSFile bounds a PEM file of certificates or a key (a large CA bundle is a few hundred KiB).
const maxTLSFile = 4 << 20

// tlsConfig builds the client TLS settings from the flags.
func (o *transportOptions) tlsConfig() (*tls.Config, error) {
	conf := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.skipTLSVerify}
	if o.caFile != "" {
		pem, err := fileio.ReadSmall(o.caFile, maxTLSFile, "a CA certificate file")
		if err != nil {
			return nil, err
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, cli.Usagef("--ca-file %s: no PEM certificate found in it", o.caFile)
		}
		conf.RootCAs = pool
	}
	if o.certFile != "" {
		cert, err := fileio.ReadSmall(o.certFile, maxTLSFile, "a client certificate file")
		if err != nil {
			return nil, err
		}
		key, err := fileio.ReadSmall(o.keyFile, maxTLSFile, "a client key file")
		if err != nil {
			return nil, err
		}
		pair, err := tls.X509KeyPair(cert, key)
		if err != nil {
			return nil, cli.Usagef("--cert-file %s / --key-file %s: %v", o.certFile, o.keyFile, err)
		}
		conf.Certificates = []tls.Certificate{pair}
	}
	return conf, nil
}

// config is the library's view of the flags: plain-HTTP hosts, TLS, retries, timeouts.
func (o *transportOptions) config() (*ociclient.Config, error) {
	conf, err := o.tlsConfig()
	if err != nil {
		return nil, err
	}
	return &ociclient.Config{PlainHTTP: o.insecureRegistries, TLS: conf, Retries: o.retries, UserAgent: userAgent(), Base: testBase,
		ResponseTimeout: time.Duration(o.responseTimeout), StallTimeout: time.Duration(o.stallTimeout),
		OnRetry: o.announceRetry("")}, nil
}

// userAgent is sent with every request.
func userAgent() string { return "mcpg-plugins/" + buildinfo.Version }
