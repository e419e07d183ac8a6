package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

// Distinctive secrets; every output of every test is searched for them.
const (
	authTestPass  = "Kx7-auth-test-PASSWORD"
	authTestB64   = "bWFsbG9yeTpLeDctYXV0aC10ZXN0LVBBU1NXT1JE" // base64("mallory:Kx7-auth-test-PASSWORD")
	authTestStdin = "Rr2-stdin-PASSWORD"
)

var authSecrets = []string{authTestPass, authTestB64, authTestStdin, "wonderland", "YWxpY2U6d29uZGVybGFuZA=="}

type authCase struct {
	args   []string
	vars   map[string]string // the environment; PATH gets /usr/bin:/bin appended
	stdin  string
	pkgStd bool // the package comes from stdin
	host   string
}

type authOutcome struct {
	cfg            *authn.AuthConfig // nil: anonymous
	err            error
	stderr, source string
	opts           *authOptions
}

func runAuth(t *testing.T, c authCase) authOutcome {
	t.Helper()
	var o authOptions
	o.helperTimeout = 2 * time.Second
	fs := cli.NewFlagSet("plugin-oci push", "help", &bytes.Buffer{})
	o.register(fs)
	if _, err := fs.Parse(c.args); err != nil {
		t.Fatalf("parse %v: %v", c.args, err)
	}
	o.packageFromStdin = c.pkgStd
	var stderr bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(c.stdin), Stdout: &bytes.Buffer{}, Stderr: &stderr,
		Getenv: func(k string) string {
			if k == "PATH" {
				return c.vars["PATH"] + ":/usr/bin:/bin"
			}
			return c.vars[k]
		}}
	host := c.host
	if host == "" {
		host = "registry.example:5000"
	}
	a, err := o.authFor(env, host)
	r := authOutcome{err: err, stderr: stderr.String(), source: o.authSource(host), opts: &o}
	if err == nil {
		if a == authn.Anonymous {
			if !strings.HasPrefix(r.source, "anonymous") {
				t.Errorf("anonymous but source %q", r.source)
			}
		} else {
			r.cfg, _ = a.Authorization()
			for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
				assertNoSecrets(t, "formatted authenticator", fmt.Sprintf(f, a))
			}
		}
	}
	assertNoSecrets(t, "stderr", r.stderr)
	assertNoSecrets(t, "source", r.source)
	assertNoSecrets(t, "hint", o.unauthorizedHint(host))
	if err != nil {
		assertNoSecrets(t, "error", err.Error())
		assertNoSecrets(t, "error", fmt.Sprintf("%+v", err))
	}
	return r
}

func assertNoSecrets(t *testing.T, what, s string) {
	t.Helper()
	for _, sec := range authSecrets {
		if strings.Contains(s, sec) {
			t.Errorf("%s leaks secret %q: %q", what, sec, s)
		}
	}
}

func writeAuthFile(t *testing.T, path, content string, perm os.FileMode) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	return path
}

func (r authOutcome) basic(t *testing.T, user, pass string) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("error: %v", r.err)
	}
	if r.cfg == nil || r.cfg.Username != user || r.cfg.Password != pass || r.cfg.IdentityToken != "" {
		t.Errorf("got %+v, want %s:%s", r.cfg, user, pass)
	}
}

func (r authOutcome) anonymous(t *testing.T) {
	t.Helper()
	if r.err != nil || r.cfg != nil {
		t.Errorf("got %+v, %v; want anonymous", r.cfg, r.err)
	}
}

func (r authOutcome) fails(t *testing.T, code int, msg string) {
	t.Helper()
	if r.err == nil {
		t.Fatalf("no error, want %q", msg)
	}
	if got := r.err.Error(); got != msg && !strings.HasPrefix(msg, "~") || strings.HasPrefix(msg, "~") && !strings.Contains(got, msg[1:]) {
		t.Errorf("error %q, want %q", got, msg)
	}
	if cli.CodeOf(r.err) != code {
		t.Errorf("exit code %d, want %d", cli.CodeOf(r.err), code)
	}
}

const aliceCfg = `{"auths":{"registry.example:5000":{"auth":"YWxpY2U6d29uZGVybGFuZA=="}}}`

func TestAuthFlags(t *testing.T) {
	home := t.TempDir()
	writeAuthFile(t, filepath.Join(home, ".docker", "config.json"), aliceCfg, 0o600)
	vars := map[string]string{"HOME": home, "PW": authTestPass}

	runAuth(t, authCase{args: []string{"-u", "mallory", "-p", authTestPass}, vars: vars}).basic(t, "mallory", authTestPass)
	runAuth(t, authCase{args: []string{"--username", "mallory", "--password", "env:PW"}, vars: vars}).basic(t, "mallory", authTestPass)
	runAuth(t, authCase{args: []string{"--username=mallory", "--password=env:PW"}, vars: vars}).basic(t, "mallory", authTestPass)
	// the docker config would give alice; flags win
	r := runAuth(t, authCase{args: []string{"-u", "mallory", "-p", "env:PW", "--docker-config", filepath.Join(home, ".docker", "config.json")}, vars: vars})
	r.basic(t, "mallory", authTestPass)
	if r.source != `user "mallory" from --username/--password` {
		t.Errorf("source %q", r.source)
	}
	// an explicitly empty password is still a password, as in the reference
	runAuth(t, authCase{args: []string{"-u", "mallory", "-p", ""}, vars: vars}).basic(t, "mallory", "")

	runAuth(t, authCase{args: []string{"-u", "mallory"}, vars: vars}).fails(t, cli.ExitUsage, "--username and --password must be supplied together")
	runAuth(t, authCase{args: []string{"-p", authTestPass}, vars: vars}).fails(t, cli.ExitUsage, "--username and --password must be supplied together")
	runAuth(t, authCase{args: []string{"-u", "m", "-p", "env:NOPE"}, vars: vars}).fails(t, cli.ExitUsage, "env var NOPE not set")
	runAuth(t, authCase{args: []string{"-u", "m", "-p", "env:"}, vars: vars}).fails(t, cli.ExitUsage, "env var  not set")
}

func TestPasswordStdin(t *testing.T) {
	vars := map[string]string{"HOME": t.TempDir()}
	for name, stdin := range map[string]string{
		"newline":     authTestStdin + "\n",
		"no newline":  authTestStdin,
		"CRLF":        authTestStdin + "\r\n",
		"second line": authTestStdin + "\nsecond line\n",
	} {
		t.Run(name, func(t *testing.T) {
			r := runAuth(t, authCase{args: []string{"-u", "mallory", "--password-stdin"}, vars: vars, stdin: stdin})
			r.basic(t, "mallory", authTestStdin)
		})
	}
	// spaces are part of the password; only the line end goes
	runAuth(t, authCase{args: []string{"-u", "m", "--password-stdin"}, vars: vars, stdin: " p w \n"}).basic(t, "m", " p w ")

	fails := []struct {
		name string
		c    authCase
		msg  string
		code int
	}{
		{"empty stdin", authCase{args: []string{"-u", "m", "--password-stdin"}, stdin: ""}, "--password-stdin: no password on stdin", cli.ExitUsage},
		{"empty first line", authCase{args: []string{"-u", "m", "--password-stdin"}, stdin: "\n" + authTestStdin}, "--password-stdin: no password on stdin", cli.ExitUsage},
		{"line too long", authCase{args: []string{"-u", "m", "--password-stdin"}, stdin: strings.Repeat("x", 64<<10+1)}, "--password-stdin: the first line of stdin is longer than 64 KiB", cli.ExitUsage},
		{"with --password", authCase{args: []string{"-u", "m", "-p", authTestPass, "--password-stdin"}, stdin: authTestStdin}, "--password and --password-stdin cannot be used together", cli.ExitUsage},
		{"without --username", authCase{args: []string{"--password-stdin"}, stdin: authTestStdin}, "--password-stdin needs --username", cli.ExitUsage},
		{"package on stdin", authCase{args: []string{"-u", "m", "--password-stdin"}, stdin: authTestStdin, pkgStd: true}, "--password-stdin cannot be used when the package is read from stdin", cli.ExitUsage},
	}
	for _, f := range fails {
		t.Run(f.name, func(t *testing.T) {
			f.c.vars = vars
			runAuth(t, f.c).fails(t, f.code, f.msg)
		})
	}
}

// Unused stdin is left alone: only the first line is read.
func TestPasswordStdinReadsOneLine(t *testing.T) {
	in := strings.NewReader("pw\nrest")
	if pw, err := readLine(in); err != nil || pw != "pw" {
		t.Fatalf("got %q, %v", pw, err)
	}
	if in.Len() != len("rest") {
		t.Errorf("consumed %d bytes past the line", len("rest")-in.Len())
	}
}

func TestDockerConfigSelection(t *testing.T) {
	home, dc, other := t.TempDir(), t.TempDir(), t.TempDir()
	writeAuthFile(t, filepath.Join(home, ".docker", "config.json"), aliceCfg, 0o600)
	writeAuthFile(t, filepath.Join(dc, "config.json"), `{"auths":{"https://registry.example:5000":{"auth":"Ym9iOmJ1aWxk"}}}`, 0o600)
	explicit := writeAuthFile(t, filepath.Join(other, "my.json"), `{"auths":{"http://registry.example:5000":{"username":"carol","password":"`+authTestPass+`"}}}`, 0o600)

	// default: ~/.docker/config.json
	r := runAuth(t, authCase{vars: map[string]string{"HOME": home}})
	r.basic(t, "alice", "wonderland")
	if want := `user "alice" from ` + filepath.Join(home, ".docker", "config.json") + `: auths["registry.example:5000"].auth`; r.source != want {
		t.Errorf("source %q, want %q", r.source, want)
	}
	// $DOCKER_CONFIG wins over HOME
	runAuth(t, authCase{vars: map[string]string{"HOME": home, "DOCKER_CONFIG": dc}}).basic(t, "bob", "build")
	// --docker-config wins over both
	runAuth(t, authCase{args: []string{"--docker-config", explicit}, vars: map[string]string{"HOME": home, "DOCKER_CONFIG": dc}}).basic(t, "carol", authTestPass)
	// $DOCKER_CONFIG without a config.json: anonymous, HOME's is not consulted (the docker CLI's rule)
	runAuth(t, authCase{vars: map[string]string{"HOME": home, "DOCKER_CONFIG": t.TempDir()}}).anonymous(t)
	// --no-docker-config: anonymous, even with --docker-config (as the reference)
	runAuth(t, authCase{args: []string{"--no-docker-config"}, vars: map[string]string{"HOME": home}}).anonymous(t)
	r = runAuth(t, authCase{args: []string{"--no-docker-config", "--docker-config", explicit}, vars: map[string]string{"HOME": home}})
	r.anonymous(t)
	if r.source != "anonymous: --no-docker-config" {
		t.Errorf("source %q", r.source)
	}
	// no config file at all: anonymous, silently
	r = runAuth(t, authCase{vars: map[string]string{"HOME": t.TempDir()}, args: []string{"--strict-auth"}})
	r.anonymous(t)
	if r.stderr != "" {
		t.Errorf("stderr %q", r.stderr)
	}
	// a host the config does not know: anonymous
	r = runAuth(t, authCase{vars: map[string]string{"HOME": home}, host: "ghcr.io"})
	r.anonymous(t)
	if want := "anonymous: no credentials for ghcr.io in " + filepath.Join(home, ".docker", "config.json"); r.source != want {
		t.Errorf("source %q, want %q", r.source, want)
	}
	if want := "ghcr.io wants credentials and none were sent (no credentials for ghcr.io in " + filepath.Join(home, ".docker", "config.json") +
		"): use --username with --password env:VAR or --password-stdin, or 'docker login ghcr.io'"; r.opts.unauthorizedHint("ghcr.io") != want {
		t.Errorf("hint %q\nwant %q", r.opts.unauthorizedHint("ghcr.io"), want)
	}
}

const fallbackLine = "         falling back to anonymous; use --username/--password to override\n"

func TestBrokenDockerConfig(t *testing.T) {
	bin := t.TempDir()
	writeAuthFile(t, filepath.Join(bin, "docker-credential-desk"), "#!/bin/sh\ncat >/dev/null\necho \"desktop is not running ("+authTestPass+")\" >&2\nexit 1\n", 0o755)
	writeAuthFile(t, filepath.Join(bin, "docker-credential-none"), "#!/bin/sh\ncat >/dev/null\necho 'credentials not found in native keychain'\nexit 1\n", 0o755)
	dir := t.TempDir()
	cfg := func(name, json string) string { return writeAuthFile(t, filepath.Join(dir, name), json, 0o600) }
	tests := []struct {
		path, want string
	}{
		{cfg("json.json", "{\"auths\": {\"registry.example:5000\": {\"auth\": \""+authTestB64+"\"}},\n oops}"), "not valid JSON: line 2, column 2"},
		{cfg("b64.json", `{"auths":{"registry.example:5000":{"auth":"`+authTestB64[1:]+`"}}}`), `auths["registry.example:5000"].auth: not valid base64`},
		{cfg("colon.json", `{"auths":{"registry.example:5000":{"auth":"S3g3LWF1dGgtdGVzdC1QQVNTV09SRA=="}}}`), `auths["registry.example:5000"].auth: decoded value is not user:password (no ':')`},
		{cfg("helper.json", `{"auths":{"x.io":{"auth":"`+authTestB64+`"}},"credsStore":"desk"}`), `credsStore=desk: docker-credential-desk get failed: exit status 1: desktop is not running (***)`},
		{cfg("missing-helper.json", `{"credHelpers":{"registry.example:5000":"gone"}}`), `credHelpers["registry.example:5000"]=gone: docker-credential-gone not found in $PATH`},
		{filepath.Join(dir, "absent.json"), "cannot read: no such file or directory"},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			vars := map[string]string{"PATH": bin, "HOME": t.TempDir()}
			r := runAuth(t, authCase{args: []string{"--docker-config", tc.path}, vars: vars})
			r.anonymous(t)
			want := "warning: docker config resolution failed: " + tc.path + ": " + tc.want + "\n" + fallbackLine
			if r.stderr != want {
				t.Errorf("stderr:\n got  %q\n want %q", r.stderr, want)
			}
			r = runAuth(t, authCase{args: []string{"--docker-config", tc.path, "--strict-auth"}, vars: vars})
			r.fails(t, cli.ExitAuth, "docker config resolution failed: "+tc.path+": "+tc.want)
			if r.stderr != "" {
				t.Errorf("strict stderr %q", r.stderr)
			}
			// the same file found as the default config behaves the same, except a missing one
			home := t.TempDir()
			if data, err := os.ReadFile(tc.path); err == nil {
				writeAuthFile(t, filepath.Join(home, ".docker", "config.json"), string(data), 0o600)
				r = runAuth(t, authCase{vars: map[string]string{"PATH": bin, "HOME": home}})
				if !strings.HasSuffix(r.stderr, tc.want+"\n"+fallbackLine) {
					t.Errorf("default config stderr %q", r.stderr)
				}
			}
		})
	}

	// "credentials not found" is anonymous, not a failure, even when strict
	p := cfg("none.json", `{"credsStore":"none"}`)
	r := runAuth(t, authCase{args: []string{"--docker-config", p, "--strict-auth"}, vars: map[string]string{"PATH": bin}})
	r.anonymous(t)
	if r.stderr != "" {
		t.Errorf("stderr %q", r.stderr)
	}

	// no HOME, no DOCKER_CONFIG: warn, or fail when strict
	r = runAuth(t, authCase{})
	r.anonymous(t)
	if want := "warning: docker config resolution failed: HOME is not set: cannot locate ~/.docker/config.json\n" + fallbackLine; r.stderr != want {
		t.Errorf("stderr %q", r.stderr)
	}
	runAuth(t, authCase{args: []string{"--strict-auth"}}).fails(t, cli.ExitAuth, "docker config resolution failed: HOME is not set: cannot locate ~/.docker/config.json")
}

func TestHelperIdentityToken(t *testing.T) {
	bin := t.TempDir()
	writeAuthFile(t, filepath.Join(bin, "docker-credential-tok"), "#!/bin/sh\ncat >/dev/null\nprintf '{\"Username\":\"<token>\",\"Secret\":\""+authTestPass+"\"}'\n", 0o755)
	p := writeAuthFile(t, filepath.Join(t.TempDir(), "c.json"), `{"credHelpers":{"registry.example:5000":"tok"}}`, 0o600)
	r := runAuth(t, authCase{args: []string{"--docker-config", p}, vars: map[string]string{"PATH": bin}})
	if r.err != nil || r.cfg == nil || r.cfg.IdentityToken != authTestPass || r.cfg.Password != "" {
		t.Errorf("got %+v, %v", r.cfg, r.err)
	}
}

// authFor resolves each host once: a helper runs once and a warning prints once.
func TestAuthForCachesPerHost(t *testing.T) {
	bin, dir := t.TempDir(), t.TempDir()
	count := filepath.Join(dir, "count")
	writeAuthFile(t, filepath.Join(bin, "docker-credential-cnt"), "#!/bin/sh\ncat >/dev/null\necho x >> "+count+"\nprintf '{\"Username\":\"u\",\"Secret\":\"s\"}'\n", 0o755)
	p := writeAuthFile(t, filepath.Join(dir, "c.json"), `{"credsStore":"cnt"}`, 0o600)
	bad := writeAuthFile(t, filepath.Join(dir, "bad.json"), `{`, 0o600)
	var stderr bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &stderr,
		Getenv: func(k string) string { return map[string]string{"PATH": bin + ":/usr/bin:/bin"}[k] }}

	o := authOptions{dockerConfig: p}
	for _, h := range []string{"a.io", "a.io", "b.io", "a.io"} {
		if _, err := o.authFor(env, h); err != nil {
			t.Fatal(err)
		}
	}
	if data, _ := os.ReadFile(count); string(data) != "x\nx\n" {
		t.Errorf("helper ran %d times for 2 hosts", strings.Count(string(data), "x"))
	}
	o = authOptions{dockerConfig: bad}
	o.authFor(env, "a.io")
	o.authFor(env, "a.io")
	if n := strings.Count(stderr.String(), "warning:"); n != 1 {
		t.Errorf("%d warnings: %q", n, stderr.String())
	}
}

func TestRedact(t *testing.T) {
	o := authOptions{username: "mallory", password: authTestPass}
	env := &cli.Env{Stdin: strings.NewReader(""), Stderr: &bytes.Buffer{}, Getenv: func(string) string { return "" }}
	if _, err := o.authFor(env, "h"); err != nil {
		t.Fatal(err)
	}
	got := o.redact("registry said: bad " + authTestPass + " in Basic " + authTestB64)
	if got != "registry said: bad *** in Basic ***" {
		t.Errorf("got %q", got)
	}
	if want := `h refused the credentials (user "mallory" from --username/--password)`; o.unauthorizedHint("h") != want {
		t.Errorf("hint %q", o.unauthorizedHint("h"))
	}
}

func TestAuthHelpNamesEveryFlag(t *testing.T) {
	var o authOptions
	fs := cli.NewFlagSet("x", "", &bytes.Buffer{})
	o.register(fs)
	fs.VisitAll(func(f *flag.Flag) {
		name := "--" + f.Name
		if len(f.Name) == 1 {
			name = "-" + f.Name + "/"
		}
		if !strings.Contains(authHelp, name) {
			t.Errorf("authHelp does not mention %s", name)
		}
	})
}
