package fileio

import (
	"io/fs"
	"os"
	"path/filepath"
)

// Inputs is the set of files a command reads, remembered by identity (device and inode, as
// os.SameFile compares them) so that no output replaces one of them: not under the same name, nor
// through a symbolic link or another hard link to it. `pack -o plugin.so` would otherwise swap the
// artifact for the zip, and `sign --key sk -o sk` the private key for the signature.
//
// The zero value is ready to use; a nil *Inputs checks nothing.
type Inputs struct {
	// Command prefixes the messages, as the command's other errors are ("plugin-sign sign").
	Command string
	files   []input
}

type input struct {
	what string // "the artifact", "the --key file"
	path string
	info fs.FileInfo
}

// Add records the file at path as an input described by what ("the artifact"). "-" (stdin) and a
// path that cannot be stat'ed are not files an output could replace, and are skipped: opening
// them reports the problem.
func (in *Inputs) Add(what, path string) {
	if in == nil || path == "" || path == "-" {
		return
	}
	if st, err := os.Stat(path); err == nil {
		in.files = append(in.files, input{what: what, path: path, info: st})
	}
}

// AddTree records every regular file under dir (an OCI layout's blobs, say) as an input.
func (in *Inputs) AddTree(what, dir string) {
	if in == nil || dir == "" {
		return
	}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if st, err := d.Info(); err == nil {
				in.files = append(in.files, input{what: what, path: path, info: st})
			}
		}
		return nil
	})
}

// Check returns a *SameFileError if writing path (an output described by what: "-o", "the
// signature") would replace one of the inputs; nil if path is "-", does not exist yet, or is none
// of them.
func (in *Inputs) Check(what, path string) error {
	if in == nil || path == "" || path == "-" || len(in.files) == 0 {
		return nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil
	}
	for _, f := range in.files {
		if os.SameFile(st, f.info) {
			return &SameFileError{Command: in.Command, Output: what, OutputPath: path, Input: f.what, InputPath: f.path}
		}
	}
	return nil
}

// CreateAtomic is fileio.CreateAtomic for an output described by what, refused if it is one of
// the inputs.
func (in *Inputs) CreateAtomic(what, path string, perm os.FileMode) (*AtomicFile, error) {
	if err := in.Check(what, path); err != nil {
		return nil, err
	}
	return CreateAtomic(path, perm)
}

// WriteFileAtomic is fileio.WriteFileAtomic, refused if path is one of the inputs.
func (in *Inputs) WriteFileAtomic(what, path string, data []byte, perm os.FileMode) error {
	if err := in.Check(what, path); err != nil {
		return err
	}
	return WriteFileAtomic(path, data, perm)
}

// SameFileError is an output refused because it is one of the command's inputs. It is a mistake
// in the command line (shared/cli maps it to the usage exit code), found before anything is
// written.
type SameFileError struct {
	Command    string // message prefix, may be empty
	Output     string // "-o", "the signature"
	OutputPath string
	Input      string // "the artifact", "the --key file"
	InputPath  string
}

func (e *SameFileError) Error() string {
	msg := e.Output
	if e.OutputPath != e.InputPath {
		msg += " " + e.OutputPath
	}
	msg += " would replace " + e.Input + " " + e.InputPath
	if e.OutputPath != e.InputPath {
		msg += " (the same file)"
	}
	if e.Command != "" {
		msg = e.Command + ": " + msg
	}
	return msg
}

// CreateAtomicDirs is CreateAtomicDirs for an output described by what, refused if it is one of
// the inputs.
func (in *Inputs) CreateAtomicDirs(what, path string, perm os.FileMode) (*AtomicFile, error) {
	if err := in.Check(what, path); err != nil {
		return nil, err
	}
	return CreateAtomicDirs(path, perm)
}
