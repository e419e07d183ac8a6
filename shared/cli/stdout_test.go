package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
)

// failAfter accepts n bytes, then fails every write with ENOSPC, as /dev/full or a full disk does.
type failAfter struct {
	n   int
	got bytes.Buffer
}

func (f *failAfter) Write(p []byte) (int, error) {
	if f.got.Len()+len(p) > f.n {
		return 0, &os.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.ENOSPC}
	}
	return f.got.Write(p)
}

func TestCheckedWriter(t *testing.T) {
	dst := &failAfter{n: 4}
	w := NewCheckedWriter(dst)
	if _, err := io.WriteString(w, "abc"); err != nil || w.Err() != nil {
		t.Fatalf("a write that fits: %v, %v", err, w.Err())
	}
	_, first := io.WriteString(w, "defg")
	if first == nil {
		t.Fatal("the failed write was not reported to its caller")
	}
	if _, err := io.WriteString(w, "h"); err != first {
		t.Errorf("a write after the failure must fail with the first error, got %v", err)
	}
	if dst.got.String() != "abc" {
		t.Errorf("written %q", dst.got.String())
	}
	err := w.Err()
	if err == nil || err.Error() != "cannot write stdout: no space left on device" || CodeOf(err) != ExitIO {
		t.Errorf("Err() = %v (exit %d)", err, CodeOf(err))
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Err() hides the cause: %v", err)
	}

	// io.Copy goes through ReadFrom; a failure there is recorded too.
	w = NewCheckedWriter(&failAfter{n: 2})
	if _, err := io.Copy(w, strings.NewReader("too long")); err == nil || w.Err() == nil {
		t.Errorf("ReadFrom failure: %v, recorded %v", err, w.Err())
	}
	// A short write without an error is a lost byte all the same.
	w = NewCheckedWriter(shortWriter{})
	if _, err := w.Write([]byte("ab")); !errors.Is(err, io.ErrShortWrite) || w.Err() == nil {
		t.Errorf("short write: %v", err)
	}
}

type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return len(p) - 1, nil }

// TestReportStdout: lost output is exit 3, whatever the command thought of its own run, unless it
// failed for a reason of its own that is not 1 or 3.
func TestReportStdout(t *testing.T) {
	w := NewCheckedWriter(&failAfter{})
	_, raw := w.Write([]byte("x"))
	lost := w.Err()
	cases := []struct {
		name   string
		err    error
		code   int
		stderr string
	}{
		{"success", nil, ExitIO, "error: cannot write stdout: no space left on device\n"},
		{"help", ErrHelp, ExitIO, "error: cannot write stdout: no space left on device\n"},
		{"the write itself, passed up", raw, ExitIO, "error: cannot write stdout: no space left on device\n"},
		{"the write, reworded", Failf("writing the report: %v", raw), ExitIO,
			"error: writing the report: write /dev/stdout: no space left on device\nerror: cannot write stdout: no space left on device\n"},
		{"verdict unseen", &SilentError{Code: ExitFailed}, ExitIO, "error: cannot write stdout: no space left on device\n"},
		{"usage", Usagef("bad flag"), ExitUsage, "error: bad flag\nerror: cannot write stdout: no space left on device\n"},
		{"network", &Error{Code: ExitNetwork, Msg: "registry down"}, ExitNetwork, "error: registry down\nerror: cannot write stdout: no space left on device\n"},
	}
	for _, c := range cases {
		var stderr bytes.Buffer
		if got := ReportStdout(&stderr, c.err, lost); got != c.code || stderr.String() != c.stderr {
			t.Errorf("%s: exit %d, stderr %q; want %d, %q", c.name, got, stderr.String(), c.code, c.stderr)
		}
	}
	var stderr bytes.Buffer
	if got := ReportStdout(&stderr, Failf("x"), nil); got != ExitFailed || stderr.String() != "error: x\n" {
		t.Errorf("without a stdout error it is Report: %d %q", got, stderr.String())
	}
}

func TestIsTerminalThroughCheckedWriter(t *testing.T) {
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	if IsTerminal(NewCheckedWriter(f)) != IsTerminal(f) {
		t.Error("the wrapper changes what IsTerminal sees")
	}
}
