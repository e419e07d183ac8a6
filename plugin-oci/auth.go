package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/dockercfg"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/ociclient"
)

// authHelp is the help section on credentials for push and pull (the reference CLI's
// "Authentication, in priority order:" block, plus what this tool adds).
const authHelp = `Authentication, in priority order:
  1. -u/--username <user> with -p/--password <pw|env:VAR>, or with --password-stdin
  2. --docker-config <path>    (an explicit docker config.json)
  3. $DOCKER_CONFIG/config.json, else ~/.docker/config.json, unless --no-docker-config (which
     also ignores --docker-config). The gateway itself never reads $DOCKER_CONFIG
  4. anonymous
A docker config is searched for the registry host H (host[:port]) under the keys H, https://H and
http://H: credHelpers, then auths ("auth", then "username"/"password"), then credsStore. Helpers
run as docker-credential-<name> from $PATH (30 s limit); "credentials not found" from one means
anonymous. A broken config (bad JSON or base64, a failing helper) prints a warning and falls back
to anonymous; --strict-auth makes it an error (exit 5). No credential is ever printed.
`

// authFlagsHelp documents authOptions.register's flags (the reference CLI's order of precedence).
const authFlagsHelp = `  -u, --username <user>, -p, --password <pw|env:VAR>
                        credentials (both together); env:VAR reads the password from $VAR
      --password-stdin  read the password from stdin (not with a package on stdin)
      --docker-config <path>
                        credentials from this docker config.json
      --no-docker-config
                        do not read ~/.docker/config.json ($DOCKER_CONFIG/config.json)
      --strict-auth     fail on a broken docker config instead of warning and going anonymous
`

// authOptions are the credential flags shared by push and pull, in the reference CLI's order of
// precedence (docs/contract.md §5.5): -u/-p (-p env:VAR) or --password-stdin → --docker-config PATH →
// $DOCKER_CONFIG or ~/.docker/config.json unless --no-docker-config → anonymous.
type authOptions struct {
	username, password string
	passwordStdin      bool
	dockerConfig       string
	noDockerConfig     bool
	strict             bool

	// packageFromStdin is set by the caller when the package is read from stdin ("-"): then
	// --password-stdin is refused, stdin cannot carry both.
	packageFromStdin bool
	// helperTimeout bounds a docker-credential helper run; 0 is dockercfg.DefaultHelperTimeout.
	helperTimeout time.Duration

	fs       *cli.FlagSet
	mu       sync.Mutex
	prepared bool
	prepErr  error
	explicit bool                 // -u with -p or --password-stdin: no docker config is read
	hosts    map[string]*hostAuth // authFor results, so helpers run and warnings print once per host
	secrets  []string             // every secret handed out, for redact
}

// hostAuth is the outcome of authFor for one host.
type hostAuth struct {
	auth   authn.Authenticator
	err    error
	source string // where the credentials came from, secret-free
}

// register adds the credential flags to fs.
func (o *authOptions) register(fs *cli.FlagSet) {
	o.fs = fs
	fs.StringVarP(&o.username, "username", "u", "", "registry user name")
	fs.StringVarP(&o.password, "password", "p", "", "password or token, or env:VAR")
	fs.BoolVar(&o.passwordStdin, "password-stdin", false, "read the password from stdin")
	fs.StringVar(&o.dockerConfig, "docker-config", "", "docker config.json to read credentials from")
	fs.BoolVar(&o.noDockerConfig, "no-docker-config", false, "read no docker config")
	fs.BoolVar(&o.strict, "strict-auth", false, "a broken docker config is an error")
}

// prepare checks the flag combination and reads the password (env:VAR, stdin) once. authFor calls
// it; callers may call it right after parsing to fail before any work. Errors are usage errors.
func (o *authOptions) prepare(env *cli.Env) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.prepared {
		o.prepared = true
		o.prepErr = o.readPassword(env)
	}
	return o.prepErr
}

func (o *authOptions) readPassword(env *cli.Env) error {
	userSet, passSet := o.username != "", o.password != ""
	if o.fs != nil { // an explicitly empty value counts as given, as in the reference
		userSet, passSet = o.fs.Visited("username", "u"), o.fs.Visited("password", "p")
	}
	switch {
	case o.passwordStdin && passSet:
		return cli.Usagef("--password and --password-stdin cannot be used together")
	case o.passwordStdin && o.packageFromStdin:
		return cli.WithHint(cli.Usagef("--password-stdin cannot be used when the package is read from stdin"),
			"use --password env:VAR or a docker config instead")
	case o.passwordStdin && !userSet:
		return cli.Usagef("--password-stdin needs --username")
	case !o.passwordStdin && userSet != passSet:
		return cli.Usagef("--username and --password must be supplied together")
	}
	o.explicit = userSet
	switch {
	case o.passwordStdin:
		pw, err := readLine(env.Stdin)
		if err != nil {
			return err
		}
		o.password = pw
	case passSet:
		if name, ok := strings.CutPrefix(o.password, "env:"); ok {
			v := env.Getenv(name)
			if v == "" {
				return cli.Usagef("env var %s not set", name)
			}
			o.password = v
		}
	}
	return nil
}

// maxPasswordLine bounds --password-stdin; registry tokens (JWTs, ECR passwords) are a few KiB.
const maxPasswordLine = 64 << 10

// readLine reads one line byte by byte, so nothing after it is consumed, without echoing it.
func readLine(r io.Reader) (string, error) {
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := r.Read(b)
		if n == 1 {
			if b[0] == '\n' {
				break
			}
			if len(line) == maxPasswordLine {
				return "", cli.Usagef("--password-stdin: the first line of stdin is longer than %d KiB", maxPasswordLine>>10)
			}
			line = append(line, b[0])
			continue
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", fileio.IOError("read", "stdin", err)
		}
	}
	pw := strings.TrimSuffix(string(line), "\r")
	if pw == "" {
		return "", cli.Usagef("--password-stdin: no password on stdin")
	}
	return pw, nil
}

// authFor returns the credentials to use for registry host (host[:port], as in the reference).
// Warnings (a broken config.json falling back to anonymous) go to env.Stderr. Errors never contain
// a secret.
func (o *authOptions) authFor(env *cli.Env, host string) (authn.Authenticator, error) {
	if err := o.prepare(env); err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if h, ok := o.hosts[host]; ok {
		return h.auth, h.err
	}
	h := o.resolve(env, host)
	if o.hosts == nil {
		o.hosts = map[string]*hostAuth{}
	}
	o.hosts[host] = h
	return h.auth, h.err
}

func (o *authOptions) resolve(env *cli.Env, host string) *hostAuth {
	if o.explicit {
		return o.credential(dockercfg.Credential{Username: o.username, Password: o.password, From: "--username/--password"})
	}
	if o.noDockerConfig {
		return &hostAuth{auth: authn.Anonymous, source: "anonymous: --no-docker-config"}
	}
	cred, path, err := ociclient.DockerCredential(context.Background(), o.dockerConfig, host, env.Getenv,
		dockercfg.Runner{Getenv: env.Getenv, Timeout: o.helperTimeout})
	switch {
	case err != nil && o.strict:
		return &hostAuth{err: &cli.Error{Code: cli.ExitAuth, Msg: "docker config resolution failed: " + err.Error(),
			Hint: "fix the file, or use --username/--password or --no-docker-config", Err: err}}
	case err != nil:
		fmt.Fprintf(env.Stderr, "warning: docker config resolution failed: %s\n", err)
		fmt.Fprintf(env.Stderr, "         falling back to anonymous; use --username/--password to override\n")
		return &hostAuth{auth: authn.Anonymous, source: "anonymous: the docker config " + path + " failed"}
	case cred.Anonymous():
		return &hostAuth{auth: authn.Anonymous, source: fmt.Sprintf("anonymous: no credentials for %s in %s", host, path)}
	}
	cred.From = path + ": " + cred.From
	return o.credential(cred)
}

// credential wraps c for go-containerregistry and remembers its secrets for redact.
func (o *authOptions) credential(c dockercfg.Credential) *hostAuth {
	for _, s := range []string{c.Password, c.IdentityToken, base64.StdEncoding.EncodeToString([]byte(c.Username + ":" + c.Password))} {
		if len(s) >= 4 { // masking a 1-3 character password would garble every message instead
			o.secrets = append(o.secrets, s)
		}
	}
	return &hostAuth{auth: ociclient.Credentials(c), source: c.String()}
}

// authSource says, without any secret, where authFor(host) took the credentials from: for
// --json reports and for hints after a 401. Empty before authFor(host).
func (o *authOptions) authSource(host string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if h, ok := o.hosts[host]; ok {
		return h.source
	}
	return ""
}

// unauthorizedHint is the hint for a registry's 401/403 on host, after authFor(host).
func (o *authOptions) unauthorizedHint(host string) string {
	src := o.authSource(host)
	if why, ok := strings.CutPrefix(src, "anonymous: "); ok || src == "" {
		if why != "" {
			why = " (" + why + ")"
		}
		return fmt.Sprintf("%s wants credentials and none were sent%s: use --username with --password env:VAR or --password-stdin, or 'docker login %s'", host, why, host)
	}
	return fmt.Sprintf("%s refused the credentials (%s)", host, src)
}

// redact masks every secret authFor handed out in msg, for messages built from a registry's
// answer (which could echo a request).
func (o *authOptions) redact(msg string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, s := range o.secrets {
		msg = strings.ReplaceAll(msg, s, "***")
	}
	return msg
}
