package dockercfg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// Bounds on a credential helper run: helpers talk to keychains and daemons that can hang.
const (
	DefaultHelperTimeout   = 30 * time.Second
	DefaultMaxHelperOutput = 1 << 20
	maxHelperStderr        = 64 << 10
	maxQuoted              = 300 // runes of a helper's own message quoted in an error
)

// tokenUsername is the Username a helper returns when Secret is an identity token
// (docker-credential-helpers' convention).
const tokenUsername = "<token>"

// Runner runs docker-credential-<name> helpers.
type Runner struct {
	// Getenv supplies PATH, which is searched for the helper and handed to it. Nil: os.Getenv.
	Getenv    func(string) string
	Timeout   time.Duration // 0: DefaultHelperTimeout
	MaxOutput int           // bytes of stdout accepted; 0: DefaultMaxHelperOutput
}

// runHelper runs `docker-credential-<name> get` with host on stdin (no newline) and reads
// {"Username":…,"Secret":…} from its stdout. src names the config entry for messages.
func (c *Config) runHelper(ctx context.Context, run Runner, src, name, host string) (Credential, error) {
	fail := func(format string, a ...any) (Credential, error) {
		return Credential{}, &Error{Path: c.Path, Source: src, Reason: fmt.Sprintf(format, a...)}
	}
	if name == "." || name == ".." || strings.ContainsAny(name, `/\`+"\x00") {
		return fail("%q is not a credential helper name", name)
	}
	bin := "docker-credential-" + name
	getenv := run.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	pathEnv := getenv("PATH")
	path, ok := lookPath(bin, pathEnv)
	if !ok {
		return fail("%s not found in $PATH", bin)
	}

	timeout := run.Timeout
	if timeout <= 0 {
		timeout = DefaultHelperTimeout
	}
	maxOut := run.MaxOutput
	if maxOut <= 0 {
		maxOut = DefaultMaxHelperOutput
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	stdout := &capped{max: maxOut}
	stderr := &capped{max: maxHelperStderr, truncate: true}
	cmd := exec.CommandContext(ctx, path, "get")
	cmd.Env = withPath(os.Environ(), pathEnv)
	cmd.Stdin = strings.NewReader(host)
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	cmd.WaitDelay = time.Second // a grandchild holding the pipes open must not outlive the timeout
	err := cmd.Run()

	switch {
	case ctx.Err() != nil:
		return fail("%s get did not answer within %s", bin, timeout)
	case stdout.overflow:
		return fail("%s get printed more than %d bytes", bin, maxOut)
	case err != nil:
		if notFound(stdout.String()) || notFound(stderr.String()) {
			return Credential{}, nil
		}
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return fail("cannot run %s: %s", bin, fileio.Reason(err))
		}
		msg := c.quote(stderr.String())
		if msg == "" && !strings.HasPrefix(strings.TrimSpace(stdout.String()), "{") {
			msg = c.quote(stdout.String()) // helpers of docker-credential-helpers report on stdout
		}
		if msg == "" {
			return fail("%s get failed: %s", bin, exit.ProcessState)
		}
		return fail("%s get failed: %s: %s", bin, exit.ProcessState, msg)
	}

	var resp struct {
		Username *string `json:"Username"`
		Secret   *string `json:"Secret"`
	}
	if json.Unmarshal(stdout.Bytes(), &resp) != nil || resp.Username == nil || resp.Secret == nil {
		if notFound(stdout.String()) {
			return Credential{}, nil
		}
		return fail(`%s get printed no credential JSON ({"Username":…,"Secret":…})`, bin)
	}
	switch {
	case *resp.Username == "" && *resp.Secret == "":
		return Credential{}, nil
	case *resp.Username == tokenUsername:
		return Credential{IdentityToken: *resp.Secret, From: src}, nil
	}
	return Credential{Username: *resp.Username, Password: *resp.Secret, From: src}, nil
}

// notFound recognises the helpers' "credentials not found in native keychain" answer, which
// means anonymous rather than failure.
func notFound(out string) bool {
	return strings.Contains(strings.ToLower(out), "credentials not found")
}

// quote turns a helper's message into one short line with every secret of the config masked.
func (c *Config) quote(msg string) string {
	for _, s := range c.secrets() {
		msg = strings.ReplaceAll(msg, s, "***")
	}
	msg = strings.Join(strings.FieldsFunc(msg, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
	if r := []rune(msg); len(r) > maxQuoted {
		msg = string(r[:maxQuoted]) + "…"
	}
	return msg
}

// lookPath finds bin in the absolute directories of pathEnv. Relative entries (and the empty one,
// meaning ".") are skipped: a helper must not be picked up from the working directory.
func lookPath(bin, pathEnv string) (string, bool) {
	for _, dir := range filepath.SplitList(pathEnv) {
		if !filepath.IsAbs(dir) {
			continue
		}
		p := filepath.Join(dir, bin)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 {
			return p, true
		}
	}
	return "", false
}

// withPath is environ with PATH set to path: the helper sees the PATH it was looked up in.
func withPath(environ []string, path string) []string {
	out := make([]string, 0, len(environ)+1)
	for _, kv := range environ {
		if !strings.HasPrefix(kv, "PATH=") {
			out = append(out, kv)
		}
	}
	return append(out, "PATH="+path)
}

// capped is a bounded output buffer. Past max it either drops the rest (truncate) or fails the
// write, which closes the pipe on the helper.
type capped struct {
	buf      []byte
	max      int
	truncate bool
	overflow bool
}

var errOverflow = errors.New("output limit exceeded")

func (c *capped) Write(p []byte) (int, error) {
	room := c.max - len(c.buf)
	if len(p) <= room {
		c.buf = append(c.buf, p...)
		return len(p), nil
	}
	c.buf = append(c.buf, p[:max(room, 0)]...)
	if c.truncate {
		return len(p), nil
	}
	c.overflow = true
	return 0, errOverflow
}

func (c *capped) Bytes() []byte  { return c.buf }
func (c *capped) String() string { return string(c.buf) }
