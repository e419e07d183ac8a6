package fileio

import (
	"os"
	"path/filepath"
	"testing"
)

func TestOutputPath(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.zip")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ value, def, want string }{
		{"", "d.zip", "d.zip"},
		{"-", "d.zip", "-"},
		{"x.zip", "d.zip", "x.zip"},
		{"missing/", "d.zip", "missing/d.zip"},
		{dir, "d.zip", filepath.Join(dir, "d.zip")},
		{dir + "/", "d.zip", dir + "/d.zip"},
		{file, "d.zip", file},                       // an existing file is replaced, not entered
		{"missing/x.zip", "d.zip", "missing/x.zip"}, // its parent is made on create
		{dir, "", dir},                              // no default name: creating it says "it is a directory"
	} {
		if got := OutputPath(c.value, c.def); got != c.want {
			t.Errorf("OutputPath(%q, %q) = %q, want %q", c.value, c.def, got, c.want)
		}
	}
}

func TestCreateAtomicDirs(t *testing.T) {
	dir := t.TempDir()

	// Commit keeps the directories it made.
	path := filepath.Join(dir, "a", "b", "out")
	out, err := CreateAtomicDirs(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	out.Write([]byte("x"))
	if err := out.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "x" {
		t.Fatalf("after Commit: %q, %v", b, err)
	}

	// Abort removes the directories it made, and only those.
	path = filepath.Join(dir, "a", "c", "d", "out")
	out, err = CreateAtomicDirs(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a", "c", "d")); err != nil {
		t.Fatalf("parent not created: %v", err)
	}
	out.Abort()
	if _, err := os.Stat(filepath.Join(dir, "a", "c")); !os.IsNotExist(err) {
		t.Errorf("a/c left behind after Abort: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a", "b", "out")); err != nil {
		t.Errorf("Abort removed what it did not make: %v", err)
	}

	// A parent that is a regular file cannot be made: an I/O error, nothing left behind.
	if _, err := CreateAtomicDirs(filepath.Join(dir, "a", "b", "out", "x", "y"), 0o644); err == nil {
		t.Error("CreateAtomicDirs under a regular file succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "a", "b", "out")); err != nil {
		t.Errorf("the regular file was disturbed: %v", err)
	}
}
