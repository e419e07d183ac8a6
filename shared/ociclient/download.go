package ociclient

import (
	"io"
	"os"
	"path/filepath"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// Download is the temporary file a layer is received into: beside the output file (renamed into
// place by Commit), or in the temp dir when the zip goes only to stdout or the cache. Abort
// removes whatever it created; an interrupt does too.
type Download struct {
	f       *os.File
	name    string
	out     *fileio.AtomicFile
	remove  func()
	created []string // directories made for the output, deepest first, removed again on failure
}

// NewDownload prepares to receive into outPath ("" or "-": a temporary file only).
func NewDownload(outPath string) (*Download, error) {
	if outPath != "" && outPath != "-" {
		d := &Download{name: outPath}
		// Missing directories are created, as the host does; a failed pull removes them again.
		for dir := filepath.Dir(outPath); dir != "." && dir != "/"; dir = filepath.Dir(dir) {
			if _, err := os.Lstat(dir); err == nil {
				break
			}
			d.created = append(d.created, dir)
		}
		if len(d.created) > 0 {
			if err := os.MkdirAll(d.created[0], 0o777); err != nil {
				return nil, fileio.IOError("create", d.created[0], err)
			}
		}
		out, err := fileio.CreateAtomic(outPath, 0o644)
		if err != nil {
			d.Abort()
			return nil, err
		}
		d.f, d.out = out.File(), out
		return d, nil
	}
	f, err := os.CreateTemp("", ".plugin-oci-pull-*")
	if err != nil {
		return nil, fileio.IOError("create", "a temporary file", err)
	}
	name := f.Name()
	unregister := fileio.OnInterrupt(func() { os.Remove(name) })
	return &Download{f: f, name: "a temporary file", remove: func() { f.Close(); os.Remove(name); unregister() }}, nil
}

// reset empties the file for a (new) attempt and returns where to write.
func (d *Download) reset() (io.Writer, error) {
	if err := d.f.Truncate(0); err != nil {
		return nil, fileio.IOError("write", d.name, err)
	}
	if _, err := d.f.Seek(0, io.SeekStart); err != nil {
		return nil, fileio.IOError("write", d.name, err)
	}
	return writeErrs{d.f, d.name}, nil
}

// Reader reads what was received, from the start.
func (d *Download) Reader() io.Reader {
	d.f.Seek(0, io.SeekStart)
	return d.f
}

// Commit puts the output file in place.
func (d *Download) Commit() error {
	if err := d.out.Commit(); err != nil {
		return err
	}
	d.created = nil
	return nil
}

// Abort removes what was received and the directories made for it; after Commit it does nothing.
func (d *Download) Abort() {
	if d.out != nil {
		d.out.Abort()
	}
	if d.remove != nil {
		d.remove()
	}
	for _, dir := range d.created {
		os.Remove(dir) // only if still empty
	}
	d.created = nil
}

// writeErrs reports a failed local write as the I/O error it is (not retried like the network).
type writeErrs struct {
	f    *os.File
	name string
}

func (w writeErrs) Write(b []byte) (int, error) {
	n, err := w.f.Write(b)
	if err != nil {
		return n, fileio.IOError("write", w.name, err)
	}
	return n, nil
}
