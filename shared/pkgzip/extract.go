package pkgzip

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// Extract writes the entries into dir (created if missing) atomically: everything is written into
// a temporary directory on the same file system and moved into place only when complete; on
// failure nothing is left. Entries replace files of the same names in dir; the other package
// entry names (say a plugin.sig left by an earlier, signed version) are removed, so dir holds
// exactly this package; unrelated files are left alone.
//
// Files get the default mode 0666 minus the umask, like the gateway's own unpack (which does not
// restore the artifact's 0755: dlopen and wasmtime need no exec bit). Nothing is fsynced, like the
// gateway and unzip: the rename makes the result atomic for readers, not durable across a crash.
func (p *Package) Extract(dir string) (err error) {
	if dir == "" {
		return &fs.PathError{Op: "extract into", Path: dir, Err: fs.ErrInvalid}
	}
	dir = filepath.Clean(dir) // "out/" must name out, not a directory inside it
	st, statErr := os.Stat(dir)
	switch {
	case statErr == nil && !st.IsDir():
		return &fs.PathError{Op: "extract into", Path: dir, Err: errors.New("not a directory")}
	case statErr != nil && !errors.Is(statErr, fs.ErrNotExist):
		return statErr
	}
	fresh := statErr != nil

	var staging, created string
	if fresh {
		// Build the whole directory beside its final place and rename it in one step.
		parent := filepath.Dir(dir)
		if created, err = fileio.MkdirAllTracked(parent); err != nil {
			return err
		}
		staging, err = fileio.MkdirTemp(parent, "."+filepath.Base(dir)+".unpack-")
	} else {
		for _, e := range p.Entries {
			if st, err := os.Lstat(filepath.Join(dir, e.Name)); err == nil && st.IsDir() {
				return &fs.PathError{Op: "replace", Path: filepath.Join(dir, e.Name), Err: errors.New("it is a directory")}
			}
		}
		staging, err = fileio.MkdirTemp(dir, ".plugin-unpack-")
	}
	if err != nil {
		return err
	}
	cleanup := func() {
		os.RemoveAll(staging)
		if created != "" {
			os.RemoveAll(created)
		}
	}
	unregister := fileio.OnInterrupt(cleanup)
	defer unregister()
	defer func() {
		if err != nil {
			cleanup()
		}
	}()

	buf := make([]byte, 1<<20)
	for _, e := range p.Entries {
		if err := p.extractEntry(e.Name, filepath.Join(staging, e.Name), filepath.Join(dir, e.Name), buf); err != nil {
			return err
		}
	}
	if fresh {
		if err := os.Rename(staging, dir); err != nil {
			return &fs.PathError{Op: "create", Path: dir, Err: unwrapLink(err)}
		}
		return nil
	}
	for _, e := range p.Entries {
		if err := os.Rename(filepath.Join(staging, e.Name), filepath.Join(dir, e.Name)); err != nil {
			return &fs.PathError{Op: "replace", Path: filepath.Join(dir, e.Name), Err: unwrapLink(err)}
		}
	}
	for _, name := range Allowed {
		if p.files[name] == nil {
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return &fs.PathError{Op: "remove stale", Path: filepath.Join(dir, name), Err: unwrapLink(err)}
			}
		}
	}
	os.Remove(staging)
	return nil
}

// extractEntry streams one entry to path; I/O errors name final, where the file will end up.
func (p *Package) extractEntry(name, path, final string, buf []byte) error {
	rc, err := p.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	f, err := createFile(path)
	if err != nil {
		return &fs.PathError{Op: "write", Path: final, Err: unwrapLink(err)}
	}
	_, err = io.CopyBuffer(onlyWriter{f}, onlyReader{rc}, buf)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		var fe *FormatError
		if errors.As(err, &fe) {
			return err
		}
		return &fs.PathError{Op: "write", Path: final, Err: unwrapLink(err)}
	}
	return nil
}

// onlyWriter and onlyReader hide ReadFrom/WriteTo so io.CopyBuffer uses our buffer and the errors
// stay attributable: read errors come from the entry, write errors from the file.
type onlyWriter struct{ io.Writer }
type onlyReader struct{ io.Reader }

func unwrapLink(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}
