//go:build linux

package fileio

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// shortPipeWait shortens PipeWait for one test, so a silent pipe costs milliseconds.
func shortPipeWait(t *testing.T, d time.Duration) {
	old := PipeWait
	PipeWait = d
	t.Cleanup(func() { PipeWait = old })
}

func mkfifo(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// writePipe plays the program at the other end of the pipe: it opens path for writing once a
// reader has it open, writes data, and keeps the pipe open until release is called (hold) or
// closes it at once. It never blocks: it gives up when no reader comes within a few seconds.
func writePipe(t *testing.T, path string, data []byte, hold bool) (release func()) {
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		deadline := time.Now().Add(5 * time.Second)
		var fd int
		var err error
		for {
			fd, err = syscall.Open(path, syscall.O_WRONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
			if err != syscall.ENXIO || time.Now().After(deadline) { // ENXIO: no reader yet
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		if err != nil {
			return
		}
		defer syscall.Close(fd)
		if len(data) > 0 {
			syscall.Write(fd, data)
		}
		if hold {
			<-stop
		}
	}()
	var once sync.Once
	release = func() { once.Do(func() { close(stop); <-done }) }
	t.Cleanup(release)
	return release
}

// bounded runs read and checks that it ends with a silent pipe's error, within the wait.
func bounded(t *testing.T, path string, read func() error) {
	t.Helper()
	start := time.Now()
	err := read()
	took := time.Since(start)
	var fe *Error
	var silent *SilentPipeError
	if !errors.As(err, &fe) || !errors.As(err, &silent) {
		t.Fatalf("%v (%T), want a silent pipe's *Error", err, err)
	}
	if want := "cannot read " + path + ": it is a pipe that sent nothing in 200ms"; err.Error() != want {
		t.Errorf("%q, want %q", err, want)
	}
	if took < PipeWait || took > PipeWait+2*time.Second {
		t.Errorf("ended after %v; the wait is %v", took, PipeWait)
	}
}

func TestPipeWithoutWriterEndsInTime(t *testing.T) {
	shortPipeWait(t, 200*time.Millisecond)
	p := mkfifo(t)
	bounded(t, p, func() error { _, err := ReadSmall(p, 1<<10, "a key file"); return err })
	bounded(t, p, func() error { _, _, err := OpenFile(p, nil); return err })
	bounded(t, p, func() error { _, err := OpenInput(p, nil); return err })
	link := filepath.Join(t.TempDir(), "link")
	os.Symlink(p, link)
	bounded(t, link, func() error { _, err := ReadSmall(link, 1<<10, "a key file"); return err })
}

func TestPipeWhoseWriterSendsNothingEndsInTime(t *testing.T) {
	shortPipeWait(t, 200*time.Millisecond)
	p := mkfifo(t)
	writePipe(t, p, nil, true)
	bounded(t, p, func() error { _, err := ReadSmall(p, 1<<10, "a passphrase file"); return err })
}

func TestPipeWithDataIsRead(t *testing.T) {
	shortPipeWait(t, 5*time.Second) // a slow machine's writer still comes in time
	p := mkfifo(t)

	writePipe(t, p, []byte("secret\n"), false)
	if data, err := ReadSmall(p, 1<<10, "a key file"); err != nil || string(data) != "secret\n" {
		t.Errorf("ReadSmall: %q, %v", data, err)
	}

	release := writePipe(t, p, []byte("artifact bytes"), true) // still open: more may come, as on stdin
	in, err := OpenInput(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	if n, err := in.Read(buf); err != nil || string(buf[:n]) != "artifact bytes" {
		t.Errorf("OpenInput: %q, %v", buf[:n], err)
	}
	in.Close()
	release()

	writePipe(t, p, []byte("zip bytes"), false)
	f, closeFn, err := OpenFile(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	spoolName := f.Name()
	b := make([]byte, 9)
	if _, err := f.ReadAt(b, 0); err != nil || string(b) != "zip bytes" || !IsSpool(f) {
		t.Errorf("OpenFile of a pipe: %q, %v, spooled %v", b, err, IsSpool(f))
	}
	closeFn()
	if _, err := os.Stat(spoolName); !os.IsNotExist(err) {
		t.Error("spool file left behind")
	}

	writePipe(t, p, nil, false) // opens and closes: an empty input, not a silent one
	if data, err := ReadSmall(p, 1<<10, "a key file"); err != nil || len(data) != 0 {
		t.Errorf("a pipe closed empty: %q, %v", data, err)
	}
}

func TestDevicesAndSocketsAreRefusedUnopened(t *testing.T) {
	shortPipeWait(t, 200*time.Millisecond)
	sock := filepath.Join(t.TempDir(), "s")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, c := range []struct{ path, kind string }{
		{"/dev/null", "a character device"},
		{"/dev/zero", "a character device"},
		{sock, "a socket"},
	} {
		var ke *KindError
		var fe *Error
		_, err := ReadSmall(c.path, 1<<10, "a key file")
		if !errors.As(err, &ke) || errors.As(err, &fe) || err.Error() != "cannot read "+c.path+": it is "+c.kind+", not a key file" {
			t.Errorf("ReadSmall(%s): %v", c.path, err)
		}
		if !strings.Contains(ke.Hint(), "regular files and pipes") {
			t.Errorf("hint %q", ke.Hint())
		}
		if _, _, err := OpenFile(c.path, nil); err == nil || err.Error() != "cannot read "+c.path+": it is "+c.kind {
			t.Errorf("OpenFile(%s): %v", c.path, err)
		}
		if _, err := OpenInput(c.path, nil); err == nil || err.Error() != "cannot read "+c.path+": it is "+c.kind {
			t.Errorf("OpenInput(%s): %v", c.path, err)
		}
	}
	dir := t.TempDir()
	if _, err := Open(dir, ""); err == nil || err.Error() != "cannot read "+dir+": it is a directory" || (&KindError{Kind: "a directory"}).Hint() != "" {
		t.Errorf("directory: %v", err)
	}
}

func TestLinkToRegularFileIsRead(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "key")
	os.WriteFile(target, []byte("k"), 0o600)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if data, err := ReadSmall(link, 1<<10, "a key file"); err != nil || string(data) != "k" {
		t.Errorf("ReadSmall: %q, %v", data, err)
	}
	f, closeFn, err := OpenFile(link, nil)
	if err != nil || IsSpool(f) || IsPipe(f) {
		t.Fatalf("OpenFile: %v (spooled %v)", err, err == nil && IsSpool(f))
	}
	defer closeFn()
	if b, _ := io.ReadAll(f); string(b) != "k" {
		t.Errorf("read %q", b)
	}
	if PipeWait != 10*time.Second {
		t.Errorf("PipeWait defaults to %v; the documented default is 10s", PipeWait)
	}
}

func TestRequireRegular(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plugin.so")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.so")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	for _, ok := range []string{file, link} {
		if err := RequireRegular(ok, "a plugin file"); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for path, want := range map[string]string{
		mkfifo(t):   "cannot read %s: it is a named pipe, not a plugin file",
		dir:         "cannot read %s: it is a directory, not a plugin file",
		"/dev/null": "cannot read %s: it is a character device, not a plugin file",
	} {
		err := RequireRegular(path, "a plugin file")
		var ke *KindError
		if !errors.As(err, &ke) || err.Error() != strings.ReplaceAll(want, "%s", path) {
			t.Errorf("%s: got %v, want a *KindError %q", path, err, want)
		}
	}
	if err := RequireRegular(filepath.Join(dir, "missing"), "a plugin file"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: got %v, want fs.ErrNotExist", err)
	}
}
