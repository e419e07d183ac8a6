package ociclient

import (
	"io"
	"os"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// Download is the temporary file a layer is received into: beside the output file (renamed into
// place by Commit), or in the temp dir when the zip goes only to stdout or the cache. Abort
// removes whatever it created; an interrupt does too.
type Download struct {
	f      *os.File
	name   string
	out    *fileio.AtomicFile // made with its missing directories, removed again on failure
	remove func()
}

// NewDownload prepares to receive into outPath ("" or "-": a temporary file only).
func NewDownload(outPath string) (*Download, error) {
	if outPath != "" && outPath != "-" {
		// Missing directories are created, as for every -o; a failed pull removes them again.
		out, err := fileio.CreateAtomicDirs(outPath, 0o644)
		if err != nil {
			return nil, err
		}
		return &Download{f: out.File(), name: outPath, out: out}, nil
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
	return d.out.Commit()
}

// Abort removes what was received and the directories made for it; after Commit it does nothing.
func (d *Download) Abort() {
	if d.out != nil {
		d.out.Abort()
	}
	if d.remove != nil {
		d.remove()
	}
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
