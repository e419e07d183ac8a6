package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

const hashHelp = `Usage: plugin-hash hash [--json] <file|->...

Print the SHA-256 of plugin artifacts the way the gateway computes it: over the whole file,
lowercase hex. The first line is sha256:<hex>; the comment after it is the config snippet the
gateway really reads (plugins[].signature.sha256, bare hex, compared as an exact string).

A plugin package (a zip holding plugin.yaml and plugin.so or plugin.wasm, recognised by its
content, not its name) has two digests, printed on labelled lines:
  artifact  the plugin.so/plugin.wasm inside: what plugins[].signature.sha256 pins
  package   the zip itself: the OCI layer digest and the gateway's unpack-cache key
and the snippet pins the artifact. Pinning the zip digest makes the gateway refuse to boot.

"-" reads stdin (streamed; a package on stdin is spooled to a temporary file). With several
files each gets its own block, and loose files are named after their digest.

Flags:
  --json      print one JSON array, an object per file in the order given: path, kind
              (artifact, package, or zip for a zip that is not a valid package); an artifact or
              package has artifact_sha256 (bare hex: what to pin) and artifact_size; a package
              adds artifact_entry and package_sha256 and package_size (the zip); a non-package
              zip has only package_sha256, package_size and package_error. A file that could not
              be hashed is listed with path and error (and the exit status says it failed)
  -h, --help  show this help

Examples:
  plugin-hash hash target/release/libgate.so
  plugin-hash hash mcpg-plugin-gate_1.0.0_linux_amd64.zip
  cat gate.wasm | plugin-hash hash -
  plugin-hash hash --json dist/*.zip | jq -r '.[].artifact_sha256'

Exit status: 0 all hashed; 1 an input was rejected (a directory, a package whose artifact is
corrupt); 2 usage; 3 a file could not be read. The other files are still hashed.
`

// hashResult is one file's --json object. artifact_sha256 is only ever the artifact's digest, so
// it is always safe to paste into plugins[].signature.sha256; a zip that is not a package has none.
type hashResult struct {
	Path          string `json:"path"`
	Kind          string `json:"kind,omitempty"` // artifact | package | zip; none when it failed
	ArtifactEntry string `json:"artifact_entry,omitempty"`
	*artifactFields
	*packageFields
	PackageError string `json:"package_error,omitempty"`
	Error        string `json:"error,omitempty"` // why the file could not be hashed
	file         sum    // what the text output prints: the artifact, or the file of a zip
}

const (
	kindArtifact = "artifact"
	kindPackage  = "package"
	kindZip      = "zip"
)

func runHash(env *cli.Env, args []string) error {
	fs := cli.NewFlagSet("plugin-hash hash", hashHelp, env.Stdout)
	var asJSON bool
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	files, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if err := cli.CheckArgs("plugin-hash hash", files, 1, -1, "<file|->..."); err != nil {
		return err
	}
	if countStdin(files) > 1 {
		return cli.Usagef("plugin-hash hash: stdin (-) given more than once; it can be read only once")
	}

	results := []hashResult{}
	var firstErr error
	printed := 0
	hashed := make([]hashResult, len(files))
	errs := make([]error, len(files))
	inOrder(len(files), func(i int) {
		hashed[i], errs[i] = hashOne(env, files[i])
	}, func(i int) {
		name, r, err := files[i], hashed[i], errs[i]
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			cli.Report(env.Stderr, err)
			if asJSON {
				msg, _ := reason(fileio.DisplayName(name), err)
				results = append(results, hashResult{Path: name, Error: msg})
			}
			return
		}
		if r.PackageError != "" {
			env.Warnf("%s is a zip but not a valid plugin package (%s); printed the digest of the file itself", fileio.DisplayName(name), r.PackageError)
		}
		if asJSON {
			results = append(results, r)
			return
		}
		if printed > 0 {
			fmt.Fprintln(env.Stdout)
		}
		printHash(env.Stdout, r, len(files) > 1)
		printed++
	})
	if asJSON {
		if err := cli.WriteJSON(env.Stdout, results); err != nil {
			return err
		}
	}
	if firstErr != nil {
		// Each failure was reported as it happened; exit with the first one's code.
		return &cli.SilentError{Code: cli.CodeOf(firstErr)}
	}
	return nil
}

func countStdin(files []string) int {
	n := 0
	for _, f := range files {
		if f == "-" {
			n++
		}
	}
	return n
}

func printHash(w io.Writer, r hashResult, several bool) {
	display := fileio.DisplayName(r.Path)
	switch r.Kind {
	case kindPackage:
		fmt.Fprintf(w, "artifact  %s  (%s inside %s — pin this in plugins[].signature.sha256)\n", r.file.d, r.ArtifactEntry, display)
		fmt.Fprintf(w, "package   %s  (the zip itself — OCI layer digest)\n", digest.Prefix+r.packageFields.SHA256)
	default:
		if several {
			fmt.Fprintf(w, "%s  %s\n", r.file.d, display)
		} else {
			fmt.Fprintln(w, r.file.d)
		}
	}
	if r.Kind == kindZip {
		return // the gateway refuses such a zip: there is nothing to pin
	}
	fmt.Fprintf(w, "\n# Pin in the gateway config (plugins[].signature.sha256):\n#   signature:\n#     sha256: %q\n", r.file.d.Hex())
}

// hashOne hashes the file name ("-" = stdin): a regular file in place, anything else as a stream.
func hashOne(env *cli.Env, name string) (hashResult, error) {
	if name == "-" {
		if f, size, ok := regularAtStart(env.Stdin); ok && hasZipMagic(f) {
			return hashZipFile(f, size, name) // `< pkg.zip`: no need to spool
		}
		return hashStreamInput(env.Stdin, name)
	}
	in, err := fileio.OpenInput(name, env.Stdin)
	if err != nil {
		return hashResult{}, err
	}
	defer in.Close()
	f := in.(*os.File)
	st, err := f.Stat()
	if err != nil {
		return hashResult{}, fileio.IOError("read", name, err)
	}
	if !st.Mode().IsRegular() { // a FIFO or device: read it once, like stdin
		return hashStreamInput(f, name)
	}
	if hasZipMagic(f) {
		return hashZipFile(f, st.Size(), name)
	}
	return hashPlain(f, name)
}

// regularAtStart reports whether stdin is a regular file not yet read from, which can then be
// read at random like a named file.
func regularAtStart(r io.Reader) (*os.File, int64, bool) {
	f, ok := r.(*os.File)
	if !ok {
		return nil, 0, false
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil, 0, false
	}
	off, err := f.Seek(0, io.SeekCurrent)
	return f, st.Size(), err == nil && off == 0
}

func hashPlain(r io.Reader, name string) (hashResult, error) {
	d, n, err := hashStream(r)
	if err != nil {
		return hashResult{}, fileio.IOError("read", fileio.DisplayName(name), err)
	}
	s := newSum(d, n)
	return hashResult{Path: name, Kind: kindArtifact, artifactFields: s.artifactFields(), file: s}, nil
}

// hashStreamInput peeks at the first bytes of a stream: a zip is spooled so its central directory
// can be read, anything else is hashed as it streams by.
func hashStreamInput(r io.Reader, name string) (hashResult, error) {
	head := make([]byte, 4)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return hashResult{}, fileio.IOError("read", fileio.DisplayName(name), err)
	}
	r = io.MultiReader(bytes.NewReader(head[:n]), r)
	if !isZipMagic(head[:n]) {
		return hashPlain(r, name)
	}
	f, cleanup, err := fileio.Spool(r)
	if err != nil {
		return hashResult{}, err
	}
	defer cleanup()
	st, err := f.Stat()
	if err != nil {
		return hashResult{}, fileio.IOError("read", "the stdin spool file", err)
	}
	return hashZipFile(f, st.Size(), name)
}

func hashZipFile(f *os.File, size int64, name string) (hashResult, error) {
	display := fileio.DisplayName(name)
	p, openErr, err := hashPackage(f, size, display)
	if err != nil {
		return hashResult{}, artifactError(display, err)
	}
	if openErr != nil {
		r, err := hashPlain(io.NewSectionReader(f, 0, size), name)
		// Not a package: the gateway refuses it, so there is no artifact digest to pin.
		r.Kind, r.PackageError = kindZip, strings.TrimPrefix(openErr.Error(), display+": ")
		r.packageFields, r.artifactFields = r.file.packageFields(), nil
		return r, err
	}
	return hashResult{
		Path:           name,
		Kind:           kindPackage,
		ArtifactEntry:  p.pkg.ArtifactName,
		artifactFields: p.artifact.artifactFields(),
		packageFields:  p.zip.packageFields(),
		file:           p.artifact,
	}, nil
}

// artifactError makes a read failure inside a package name the package: reading the zip itself is
// an I/O error, a bad entry (CRC, limits) is a rejected input.
func artifactError(name string, err error) error {
	if cli.HasCode(err) {
		return err
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fileio.IOError("read", name, err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, name) {
		msg = name + ": " + msg
	}
	return cli.Failf("%s", msg)
}
