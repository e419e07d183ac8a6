package fileio

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

func TestErrorNamesTheFileOnce(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"disk full", IOError("write", "out.zip", &os.PathError{Op: "write", Path: "/tmp/.out.zip.tmp-1", Err: syscall.ENOSPC}), "cannot write out.zip: no space left on device"},
		{"missing", IOError("read", "k", &os.PathError{Op: "open", Path: "k", Err: syscall.ENOENT}), "cannot read k: no such file or directory"},
		{"rename", IOError("write", "o", &os.LinkError{Op: "rename", Old: "a", New: "o", Err: syscall.EACCES}), "cannot write o: permission denied"},
		{"other", IOError("lock", "d/.lock", errors.New("resource busy")), "cannot lock d/.lock: resource busy"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.err.Error() != c.want {
				t.Errorf("%q, want %q", c.err, c.want)
			}
		})
	}
	if err := IOError("read", "k", &os.PathError{Op: "open", Path: "k", Err: syscall.ENOENT}); !errors.Is(err, fs.ErrNotExist) {
		t.Error("the cause must stay visible to errors.Is")
	}
}

func TestAtomicCommitAndAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := CreateAtomic(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	out.Write([]byte("new data"))
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatal("target changed before commit")
	}
	out.Abort()
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatal("abort changed the target")
	}
	assertOnly(t, dir, "out.bin")

	out, _ = CreateAtomic(path, 0o755)
	out.Write([]byte("new data"))
	if err := out.Commit(); err != nil {
		t.Fatal(err)
	}
	out.Abort() // after commit: no effect
	if b, _ := os.ReadFile(path); string(b) != "new data" {
		t.Fatalf("after commit: %q", b)
	}
	if st, _ := os.Stat(path); st.Mode().Perm()&0o100 == 0 {
		t.Errorf("mode %v: exec bit lost", st.Mode())
	}
	if err := out.Commit(); err == nil {
		t.Error("second commit accepted")
	}
	assertOnly(t, dir, "out.bin")

	if err := WriteFileAtomic(filepath.Join(dir, "x"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	var fe *Error
	if _, err := CreateAtomic(dir, 0o644); !errors.As(err, &fe) || err.Error() != "cannot write "+dir+": it is a directory" {
		t.Errorf("writing over a directory is an I/O error: %v", err)
	}
	if _, err := CreateAtomic(filepath.Join(dir, "missing", "f"), 0o644); !errors.As(err, &fe) {
		t.Errorf("missing directory: %v", err)
	}
}

func TestInterruptRemovesPartialFiles(t *testing.T) {
	dir := t.TempDir()
	out, err := CreateAtomic(filepath.Join(dir, "out.bin"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	unregister := OnInterrupt(func() { ran++ })
	unregister()
	RunInterruptCleanups()
	if ran != 0 {
		t.Error("an unregistered cleanup ran")
	}
	assertOnly(t, dir)
	out.Abort() // the temporary file is gone already; Abort must not mind
}

func TestOpenFileSpoolsStdin(t *testing.T) {
	f, closeFn, err := OpenFile("-", strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	name := f.Name()
	b := make([]byte, 5)
	if _, err := f.ReadAt(b, 0); err != nil || string(b) != "hello" {
		t.Fatalf("spooled %q, %v", b, err)
	}
	closeFn()
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Error("spool file left behind")
	}
	var fe *Error
	if _, _, err := OpenFile(t.TempDir(), nil); err == nil || errors.As(err, &fe) || !strings.HasSuffix(err.Error(), ": it is a directory") {
		t.Errorf("directory: %v", err)
	}
	if _, _, err := OpenFile(filepath.Join(t.TempDir(), "nope"), nil); !errors.As(err, &fe) {
		t.Errorf("missing: %v", err)
	}
	if _, err := OpenInput(t.TempDir(), nil); err == nil || errors.As(err, &fe) || !strings.HasSuffix(err.Error(), ": it is a directory") {
		t.Errorf("OpenInput of a directory: %v", err)
	}
	if DisplayName("-") != "stdin" || DisplayName("a.zip") != "a.zip" {
		t.Error("DisplayName")
	}
}

func TestReadSmall(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, size int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	exact, over := write("exact", 1024), write("over", 1025)
	dash := filepath.Join(dir, "-")
	os.WriteFile(dash, []byte("a file named -"), 0o644)
	for _, c := range []struct {
		name, path string
		limit      int64
		size       int    // of the data, when it is read
		msg        string // of the error, when refused
		ioErr      bool
	}{
		{"at the limit", exact, 1 << 10, 1024, "", false},
		{"over the limit", over, 1 << 10, 0, over + ": larger than 1 KiB, too large for a key file", false},
		{"odd limit in bytes", over, 1000, 0, over + ": larger than 1000 bytes, too large for a key file", false},
		{"limit in MiB", exact, 1 << 20, 1024, "", false},
		{"directory", dir, 1 << 10, 0, "cannot read " + dir + ": it is a directory, not a key file", false},
		{"missing", filepath.Join(dir, "nope"), 1 << 10, 0, "cannot read " + filepath.Join(dir, "nope") + ": no such file or directory", true},
		{"unreadable", "/proc/self/mem", 1 << 10, 0, "cannot read /proc/self/mem: ", true}, // the reason is the kernel's
		{"dash is a file name", dash, 1 << 10, len("a file named -"), "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			data, err := ReadSmall(c.path, c.limit, "a key file")
			if c.msg == "" {
				if err != nil || len(data) != c.size {
					t.Fatalf("%d bytes, %v; want %d bytes", len(data), err, c.size)
				}
				return
			}
			var fe *Error
			worded := err != nil && (err.Error() == c.msg || strings.HasSuffix(c.msg, ": ") && strings.HasPrefix(err.Error(), c.msg))
			if !worded || errors.As(err, &fe) != c.ioErr {
				t.Errorf("%v (%T), want %q (I/O error: %v)", err, err, c.msg, c.ioErr)
			}
		})
	}
	if _, err := ReadSmall(filepath.Join(dir, "nope"), 1, "x"); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a missing file must say so to errors.Is")
	}
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !reflect.DeepEqual(got, names) {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}
