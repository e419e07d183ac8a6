package fileio

import (
	"errors"
	"os"
	"path/filepath"
)

// errIsDir words EISDIR the way the tools have always said it.
var errIsDir = errors.New("it is a directory")

// AtomicFile is a file written under a temporary name in the target's directory and renamed into
// place by Commit, so readers never see a partial file and an interrupted or failed command leaves
// the previous state untouched.
type AtomicFile struct {
	f          *os.File
	path       string
	perm       os.FileMode
	done       bool
	unregister func()
	created    []string // directories made for the file, innermost first: Abort removes them
}

// CreateAtomic starts writing path; perm is applied (minus the umask) on Commit. The temporary file
// is removed if the process is interrupted.
func CreateAtomic(path string, perm os.FileMode) (*AtomicFile, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, IOError("write", path, errIsDir)
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, IOError("write", path, err)
	}
	a := &AtomicFile{f: f, path: path, perm: perm}
	tmp := f.Name()
	a.unregister = OnInterrupt(func() { os.Remove(tmp) })
	return a, nil
}

// CreateAtomicDirs is CreateAtomic that first creates path's missing parent directories, as an
// output named with -o gets them; Abort removes those directories again if they are still empty.
func CreateAtomicDirs(path string, perm os.FileMode) (*AtomicFile, error) {
	var created []string
	for dir := filepath.Dir(path); dir != "." && dir != "/"; dir = filepath.Dir(dir) {
		if _, err := os.Lstat(dir); err == nil {
			break
		}
		created = append(created, dir)
	}
	if len(created) > 0 {
		if err := os.MkdirAll(created[0], 0o777); err != nil {
			return nil, IOError("create", created[0], err)
		}
	}
	a, err := CreateAtomic(path, perm)
	if err != nil {
		removeEmptyDirs(created)
		return nil, err
	}
	a.created = created
	return a, nil
}

// removeEmptyDirs removes dirs, innermost first, each only if empty.
func removeEmptyDirs(dirs []string) {
	for _, dir := range dirs {
		os.Remove(dir)
	}
}

// Name is the target path (what messages call the file).
func (a *AtomicFile) Name() string { return a.path }

// File exposes the underlying temporary file (for WriterAt/Seek users such as zip writers).
func (a *AtomicFile) File() *os.File { return a.f }

func (a *AtomicFile) Write(p []byte) (int, error) {
	n, err := a.f.Write(p)
	if err != nil {
		return n, IOError("write", a.path, err)
	}
	return n, nil
}

// Commit flushes the data to disk, sets the mode and renames the file into place.
func (a *AtomicFile) Commit() error {
	if a.done {
		return errors.New("atomic file committed twice")
	}
	a.done = true
	defer a.unregister()
	tmp := a.f.Name()
	err := a.f.Sync()
	if err == nil {
		err = a.f.Chmod(a.perm &^ umask())
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, a.path)
	}
	if err != nil {
		os.Remove(tmp)
		removeEmptyDirs(a.created)
		return IOError("write", a.path, err)
	}
	return nil
}

// Abort discards the temporary file; it does nothing after Commit, so it is safe to defer.
func (a *AtomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.f.Close()
	os.Remove(a.f.Name())
	removeEmptyDirs(a.created)
	a.unregister()
}

// WriteFileAtomic writes data to path atomically.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	out, err := CreateAtomic(path, perm)
	if err != nil {
		return err
	}
	defer out.Abort()
	if _, err := out.Write(data); err != nil {
		return err
	}
	return out.Commit()
}
