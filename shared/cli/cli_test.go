package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/buildinfo"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/hint"
)

func TestFlagsInterspersed(t *testing.T) {
	var out bytes.Buffer
	fs := NewFlagSet("plugin-x cmd", "HELP TEXT\n", &out)
	var key, o string
	var js bool
	fs.StringVarP(&key, "key", "k", "", "")
	fs.StringVarP(&o, "output", "o", "", "")
	fs.BoolVar(&js, "json", false, "")
	pos, err := fs.Parse([]string{"a", "--key", "K", "-", "-o", "-", "--json", "b", "--", "--c", "-d"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "-", "b", "--c", "-d"}; !reflect.DeepEqual(pos, want) {
		t.Errorf("positional = %q, want %q", pos, want)
	}
	if key != "K" || o != "-" || !js {
		t.Errorf("key=%q o=%q json=%v", key, o, js)
	}
}

func TestFlagsErrorsAndHelp(t *testing.T) {
	var out bytes.Buffer
	fs := NewFlagSet("plugin-x cmd", "HELP TEXT\n", &out)
	var key string
	fs.StringVar(&key, "key", "", "")
	_, err := fs.Parse([]string{"--nope"})
	if CodeOf(err) != ExitUsage || !strings.Contains(err.Error(), "unknown flag --nope") {
		t.Errorf("unknown flag: %v (code %d)", err, CodeOf(err))
	}
	_, err = fs.Parse([]string{"x", "--key"})
	if CodeOf(err) != ExitUsage || !strings.Contains(err.Error(), "flag --key needs a value") {
		t.Errorf("missing value: %v", err)
	}
	_, err = fs.Parse([]string{"x", "--help"})
	if !errors.Is(err, ErrHelp) || out.String() != "HELP TEXT\n" {
		t.Errorf("help: %v, printed %q", err, out.String())
	}
	if fs.Visited("key") {
		t.Error("Visited")
	}
}

func TestReportAndCodes(t *testing.T) {
	var buf bytes.Buffer
	if code := Report(&buf, nil); code != 0 || buf.Len() != 0 {
		t.Error("nil error")
	}
	if code := Report(&buf, ErrHelp); code != 0 || buf.Len() != 0 {
		t.Error("help")
	}
	code := Report(&buf, WithHint(Usagef("pack: --version is required"), "pass -v 1.2.3"))
	if code != ExitUsage || buf.String() != "error: pack: --version is required\nhint: pass -v 1.2.3\n" {
		t.Errorf("code %d, %q", code, buf.String())
	}
	buf.Reset()
	if code := Report(&buf, &SilentError{Code: 1}); code != 1 || buf.Len() != 0 {
		t.Error("silent")
	}
	if CodeOf(errors.New("plain")) != ExitFailed {
		t.Error("plain errors are failures")
	}
}

// Libraries return *fileio.Error and bare *fs.PathError values; the exit codes are decided here.
func TestCodesOfLibraryErrors(t *testing.T) {
	enospc := &os.PathError{Op: "write", Path: "/tmp/.out.zip.tmp-1", Err: syscall.ENOSPC}
	ioErr := fileio.IOError("write", "out.zip", enospc)
	bare := &fs.PathError{Op: "open", Path: "k", Err: syscall.ENOENT}
	for _, c := range []struct {
		name string
		err  error
		code int
		msg  string
	}{
		{"fileio error", ioErr, ExitIO, "cannot write out.zip: no space left on device"},
		{"wrapped fileio error", fmt.Errorf("pull: %w", ioErr), ExitIO, "pull: cannot write out.zip: no space left on device"},
		{"bare path error", bare, ExitIO, "cannot open k: no such file or directory"},
		{"wrapped path error stays a failure", fmt.Errorf("digest: %w", bare), ExitFailed, "digest: open k: no such file or directory"},
		{"cli error outside a fileio error", &Error{Code: ExitNetwork, Msg: "net", Err: ioErr}, ExitNetwork, "net"},
		{"fileio error outside a cli error", fileio.IOError("read", "x", Failf("inner")), ExitIO, "cannot read x: inner"},
		{"hint keeps the code", WithHint(ioErr, "free some space"), ExitIO, "cannot write out.zip: no space left on device"},
		{"hint on a bare path error", WithHint(bare, "h"), ExitIO, "cannot open k: no such file or directory"},
		{"plain", errors.New("plain"), ExitFailed, "plain"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if code := Report(&buf, c.err); code != c.code || CodeOf(c.err) != c.code {
				t.Errorf("exit %d (CodeOf %d), want %d", code, CodeOf(c.err), c.code)
			}
			if line, _, _ := strings.Cut(buf.String(), "\n"); line != "error: "+c.msg {
				t.Errorf("printed %q, want %q", line, "error: "+c.msg)
			}
		})
	}
	if !HasCode(ioErr) || !HasCode(Failf("x")) || HasCode(bare) || HasCode(errors.New("x")) {
		t.Error("HasCode")
	}
}

// A library attaches advice with hint.Wrap; Report prints it on the hint line, and neither the
// message nor the exit code changes.
func TestReportLibraryHints(t *testing.T) {
	ioErr := fileio.IOError("write", "out.zip", syscall.ENOSPC)
	bare := &fs.PathError{Op: "open", Path: "k", Err: syscall.ENOENT}
	plain := errors.New("k: the key is encrypted")
	for _, c := range []struct {
		name string
		err  error
		code int
		out  string
	}{
		{"plain error", hint.Wrap(plain, "use --passphrase-file"), ExitFailed,
			"error: k: the key is encrypted\nhint: use --passphrase-file\n"},
		{"wrapped by the tool", fmt.Errorf("sign: %w", hint.Wrap(plain, "use --passphrase-file")), ExitFailed,
			"error: sign: k: the key is encrypted\nhint: use --passphrase-file\n"},
		{"fileio error", hint.Wrap(ioErr, "free some space"), ExitIO,
			"error: cannot write out.zip: no space left on device\nhint: free some space\n"},
		{"bare path error", hint.Wrap(bare, "pass a key file"), ExitIO,
			"error: cannot open k: no such file or directory\nhint: pass a key file\n"},
		{"inside a cli error", &Error{Code: ExitUnsupported, Msg: "unsupported", Err: hint.Wrap(plain, "library advice")}, ExitUnsupported,
			"error: unsupported\nhint: library advice\n"},
		{"the tool's hint wins", WithHint(hint.Wrap(plain, "library advice"), "tool advice"), ExitFailed,
			"error: k: the key is encrypted\nhint: tool advice\n"},
		{"WithHint keeps the code", WithHint(hint.Wrap(bare, "library advice"), "tool advice"), ExitIO,
			"error: cannot open k: no such file or directory\nhint: tool advice\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if code := Report(&buf, c.err); code != c.code || CodeOf(c.err) != c.code {
				t.Errorf("exit %d (CodeOf %d), want %d", code, CodeOf(c.err), c.code)
			}
			if buf.String() != c.out {
				t.Errorf("printed %q, want %q", buf.String(), c.out)
			}
		})
	}
}

func TestKeyArgError(t *testing.T) {
	missing := fileio.IOError("read", "k.pub", &fs.PathError{Op: "stat", Path: "k.pub", Err: syscall.ENOENT})
	var buf bytes.Buffer
	if code := Report(&buf, KeyArgError(missing)); code != ExitIO ||
		buf.String() != "error: cannot read k.pub: no such file or directory\nhint: --key takes a key file, or the public key as 64 hex digits\n" {
		t.Errorf("exit %d, %q", code, buf.String())
	}
	if plain := errors.New("not a key"); KeyArgError(plain) != plain || KeyArgError(nil) != nil {
		t.Error("other errors must pass unchanged")
	}
}

// TestFileOutput: a path is written through fileio's atomic file (fileio's tests cover commit and
// abort); here, what the CLI adds: the exit codes of its failures.
func TestFileOutput(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	out, err := CreateOutput(nil, "-o", path, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	out.Write([]byte("new data"))
	if err := out.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new data" || out.Name() != path {
		t.Fatalf("after commit: %q (%s)", b, out.Name())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%s holds %d entries after commit, want only out.bin", dir, len(entries))
	}

	if _, err := CreateOutput(nil, "-o", dir, 0o644, nil); err == nil || CodeOf(err) != ExitIO {
		t.Errorf("writing over a directory is an I/O error: %v", err)
	}
	if _, err := CreateOutput(nil, "-o", filepath.Join(path, "f"), 0o644, nil); CodeOf(err) != ExitIO {
		t.Errorf("a directory that is a file: %v", err)
	}
	// A missing directory is created (issue 10: one -o rule), and removed again by Abort.
	out, err = CreateOutput(nil, "-o", filepath.Join(dir, "missing", "f"), 0o644, nil)
	if err != nil {
		t.Fatalf("missing directory: %v", err)
	}
	out.Abort()
	if _, err := os.Stat(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("the directory made for the output outlived Abort: %v", err)
	}

	// An output that is an input, under another name, is a usage error, and nothing is written.
	inputs := &fileio.Inputs{Command: "plugin-x"}
	inputs.Add("the artifact", path)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	_, err = CreateOutput(inputs, "-o", link, 0o644, nil)
	if CodeOf(err) != ExitUsage || Message(err) != "plugin-x: -o "+link+" would replace the artifact "+path+" (the same file)" {
		t.Errorf("output through a link to an input: %v (exit %d)", err, CodeOf(err))
	}
	if out, err := CreateOutput(inputs, "-o", "-", 0o644, io.Discard); err != nil || out.Name() != "stdout" {
		t.Errorf("stdout is never an input: %v", err)
	}
}

func TestStdoutOutput(t *testing.T) {
	var buf bytes.Buffer
	out, err := CreateOutput(nil, "-o", "-", 0o644, &buf)
	if err != nil || out.Name() != "stdout" {
		t.Fatal(err)
	}
	out.Write([]byte("abc"))
	if out.Commit() != nil || buf.String() != "abc" {
		t.Fatal("stdout output")
	}
}

func TestSuggest(t *testing.T) {
	cmds := []string{"hash", "list", "sign", "verify", "pack", "unpack", "inspect"}
	for in, want := range map[string]string{"verfy": "verify", "hsah": "hash", "unpak": "unpack", "insp": "inspect", "zzz": "", "deploy": ""} {
		t.Run(in, func(t *testing.T) {
			if got := Suggest(in, cmds); got != want {
				t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func TestToolRun(t *testing.T) {
	var out, errb bytes.Buffer
	env := &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	called := ""
	tool := Tool{Name: "plugin-x", Summary: "does x", Commands: []Command{
		{Name: "verify", Summary: "checks", Run: func(env *Env, args []string) error { called = strings.Join(args, ","); return nil }},
	}}
	if err := tool.Run(env, []string{"verify", "a", "b"}); err != nil || called != "a,b" {
		t.Fatalf("dispatch: %v %q", err, called)
	}
	err := tool.Run(env, []string{"verfy"})
	var e *Error
	if !errors.As(err, &e) || e.Code != ExitUsage || !strings.Contains(e.Hint, "plugin-x verify") {
		t.Errorf("typo: %#v", err)
	}
	if err := tool.Run(env, []string{"--version"}); err != nil || !strings.HasPrefix(out.String(), "plugin-x "+buildinfo.Version+"\nbuild: go") {
		t.Errorf("--version: %q", out.String())
	}
	out.Reset()
	if err := tool.Run(env, []string{"--help"}); err != nil || !strings.Contains(out.String(), "verify     checks") {
		t.Errorf("--help: %q", out.String())
	}
	if err := tool.Run(env, nil); CodeOf(err) != ExitUsage || !strings.Contains(errb.String(), "Usage: plugin-x") {
		t.Errorf("no args: %v", err)
	}
}
