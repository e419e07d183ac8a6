package fileio

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// StagedDir is a directory tree built beside its final place and renamed into it by Commit, so an
// interrupted or failed command leaves neither a partial tree nor the parent directories it made.
type StagedDir struct {
	Path       string // the staging directory to fill
	dir        string
	created    string // topmost parent directory made for dir, removed on Abort
	committed  bool
	unregister func()
}

// StageDir prepares dir, which must not exist yet or be an empty directory, creating its missing
// parents. The staging directory is removed if the process is interrupted.
func StageDir(dir string) (*StagedDir, error) {
	dir = filepath.Clean(dir)
	s := &StagedDir{dir: dir}
	parent := filepath.Dir(dir)
	var err error
	if s.created, err = MkdirAllTracked(parent); err != nil {
		return nil, err
	}
	if s.Path, err = MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-"); err != nil {
		s.removeCreated()
		return nil, err
	}
	s.unregister = OnInterrupt(s.cleanup)
	return s, nil
}

// Commit moves the staged tree to its final place. An empty directory there is replaced; a
// non-empty one, or anything else, is an error and nothing is changed.
func (s *StagedDir) Commit() error {
	if st, err := os.Lstat(s.dir); err == nil {
		if !st.IsDir() {
			return &fs.PathError{Op: "create", Path: s.dir, Err: errors.New("it exists and is not a directory")}
		}
		// Remove fails on a directory that is not empty, which also covers one filled meanwhile.
		if err := os.Remove(s.dir); err != nil {
			return &fs.PathError{Op: "create", Path: s.dir, Err: errors.New("it exists and is not empty")}
		}
	}
	if err := os.Rename(s.Path, s.dir); err != nil {
		var le *os.LinkError
		if errors.As(err, &le) {
			err = le.Err
		}
		return &fs.PathError{Op: "create", Path: s.dir, Err: err}
	}
	s.committed = true
	s.unregister()
	return nil
}

// Abort removes the staging directory and the parents StageDir made; after Commit it does nothing.
func (s *StagedDir) Abort() {
	if s.committed {
		return
	}
	s.unregister()
	s.cleanup()
}

func (s *StagedDir) cleanup() {
	os.RemoveAll(s.Path)
	s.removeCreated()
}

func (s *StagedDir) removeCreated() {
	if s.created != "" {
		os.RemoveAll(s.created)
	}
}

// MkdirTemp creates a fresh directory whose mode follows the umask (os.MkdirTemp forces 0700,
// which would become the final directory's mode after a rename).
func MkdirTemp(parent, prefix string) (string, error) {
	for range 100 {
		name := filepath.Join(parent, fmt.Sprintf("%s%08x", prefix, rand.Uint32()))
		err := os.Mkdir(name, 0o777)
		if err == nil {
			return name, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	return "", &fs.PathError{Op: "create a temporary directory in", Path: parent, Err: fs.ErrExist}
}

// MkdirAllTracked is os.MkdirAll that returns the topmost directory it created ("" if none), so
// a failure can remove exactly what it made.
func MkdirAllTracked(dir string) (string, error) {
	top := ""
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		top = d
		if filepath.Dir(d) == d {
			break
		}
	}
	if top == "" {
		return "", nil
	}
	return top, os.MkdirAll(dir, 0o777)
}
