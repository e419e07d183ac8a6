package fileio

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStageDirCommit(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b", "crate")
	s, err := StageDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.Path, "f"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the target exists before Commit: %v", err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "f")); err != nil || string(b) != "x" {
		t.Fatalf("after Commit: %q, %v", b, err)
	}
	s.Abort() // after Commit: nothing
	if _, err := os.Stat(filepath.Join(dir, "f")); err != nil {
		t.Fatal("Abort after Commit removed the tree")
	}
	assertOnly(t, filepath.Dir(dir), "crate")
}

func TestStageDirAbortRemovesWhatItMade(t *testing.T) {
	root := t.TempDir()
	s, err := StageDir(filepath.Join(root, "new", "parents", "crate"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(s.Path, "f"), []byte("x"), 0o644)
	s.Abort()
	assertOnly(t, root)
}

func TestStageDirCommitReplacesOnlyAnEmptyDirectory(t *testing.T) {
	root := t.TempDir()
	empty := filepath.Join(root, "empty")
	os.Mkdir(empty, 0o755)
	s, _ := StageDir(empty)
	os.WriteFile(filepath.Join(s.Path, "f"), []byte("x"), 0o644)
	if err := s.Commit(); err != nil {
		t.Fatalf("an empty directory is replaced: %v", err)
	}

	full := filepath.Join(root, "full")
	os.Mkdir(full, 0o755)
	s, _ = StageDir(full)
	// Filled after the caller checked it: Commit still refuses, and changes nothing.
	os.WriteFile(filepath.Join(full, "mine"), []byte("keep"), 0o644)
	err := s.Commit()
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("Commit over a non-empty directory: %v", err)
	}
	s.Abort()
	if b, _ := os.ReadFile(filepath.Join(full, "mine")); string(b) != "keep" {
		t.Fatal("the existing directory was touched")
	}

	file := filepath.Join(root, "file")
	os.WriteFile(file, []byte("keep"), 0o644)
	s, _ = StageDir(file)
	if err := s.Commit(); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("Commit over a file: %v", err)
	}
	s.Abort()
	assertOnly(t, root, "empty", "file", "full")
}

func TestStageDirUnderAFile(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "file"), nil, 0o644)
	if _, err := StageDir(filepath.Join(root, "file", "crate")); err == nil {
		t.Fatal("staging under a regular file succeeded")
	}
	assertOnly(t, root, "file")
}
