package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/keys"
)

const listHelp = `Usage: plugin-hash list [--json] [dir]

List the plugins in a directory (default: $MCPG_PLUGIN_DIR if set and non-empty, else "."):

  loose artifacts (*.so, *.dylib, *.dll, *.wasm), one line each, as the reference CLI prints them:
    <name> (native|wasm) sha256:<first 16 hex> [signed]
  where [signed] means the signature sidecar the gateway looks for exists (libfoo.so.sig);

  then packages (*.zip), with the descriptor's id, class and runtime, the short digest of the
  artifact inside (what plugins[].signature.sha256 pins) and whether plugin.sig is present:
    <name> (package) <id> <class> <runtime> sha256:<first 16 hex> [signed|unsigned]
  ([malformed signature: …] when plugin.sig is not the 64 bytes the gateway requires). A zip that
  is not a valid package is listed as [invalid: <reason>].

Entries are sorted by name. A symbolic link is listed with " -> <target>" after it and the file it
points to is hashed, as the gateway would load that file. Files that cannot be read are listed with
[unreadable: <reason>]; they do not stop the listing.

Flags:
  --json      print one JSON object: dir, artifacts[] (name, path, kind, artifact_sha256,
              artifact_size, signed, sidecar, symlink, error) and packages[] (name, path, kind,
              id, class, runtime, artifact_entry, artifact_sha256 and artifact_size of the
              artifact inside, package_sha256 and package_size of the zip, signature:
              signed|unsigned|malformed, symlink, error); digests are bare lowercase hex
  -h, --help  show this help

Examples:
  plugin-hash list
  plugin-hash list /etc/mcpg/plugins
  MCPG_PLUGIN_DIR=dist plugin-hash list --json | jq -r '.packages[] | .id + " " + .artifact_sha256'

Exit status: 0 listed (even with invalid entries); 1 not a directory; 2 usage; 3 unreadable directory.
`

type listArtifact struct {
	Name string `json:"name"`
	Path string `json:"path"`
	Kind string `json:"kind"` // native | wasm
	*artifactFields
	Signed  bool   `json:"signed"`
	Sidecar string `json:"sidecar"` // where the gateway looks for the signature
	Symlink string `json:"symlink,omitempty"`
	Error   string `json:"error,omitempty"`
}

type listPackage struct {
	Name            string `json:"name"`
	Path            string `json:"path"`
	Kind            string `json:"kind"` // package
	ID              string `json:"id,omitempty"`
	Class           string `json:"class,omitempty"`
	Runtime         string `json:"runtime,omitempty"`
	ArtifactEntry   string `json:"artifact_entry,omitempty"`
	*artifactFields        // the artifact inside: what the gateway pins
	*packageFields         // the zip
	Signature       string `json:"signature,omitempty"` // signed | unsigned | malformed
	Symlink         string `json:"symlink,omitempty"`
	Error           string `json:"error,omitempty"`
	unreadable      bool   // Error is an I/O failure, not an invalid package
	sigSize         int
}

type listResult struct {
	Dir       string         `json:"dir"`
	Artifacts []listArtifact `json:"artifacts"`
	Packages  []listPackage  `json:"packages"`
}

// artifactKind maps the extensions the reference CLI lists to their kind ("" = not listed).
func artifactKind(name string) string {
	switch {
	case strings.HasSuffix(name, ".wasm"):
		return "wasm"
	case strings.HasSuffix(name, ".so"), strings.HasSuffix(name, ".dylib"), strings.HasSuffix(name, ".dll"):
		return "native"
	}
	return ""
}

// isPackageName follows the gateway, which treats a source.path as a package when it ends in
// ".zip" (case-sensitive).
func isPackageName(name string) bool { return strings.HasSuffix(name, ".zip") }

func runList(env *cli.Env, args []string) error {
	fs := cli.NewFlagSet("plugin-hash list", listHelp, env.Stdout)
	var asJSON bool
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if err := cli.CheckArgs("plugin-hash list", pos, 0, 1, "[dir]"); err != nil {
		return err
	}
	dir := "."
	if v := env.Getenv("MCPG_PLUGIN_DIR"); v != "" {
		dir = v
	}
	if len(pos) == 1 {
		dir = pos[0]
	}
	res, err := listDir(dir)
	if err != nil {
		return err
	}
	if asJSON {
		return cli.WriteJSON(env.Stdout, res)
	}
	printList(env.Stdout, res)
	return nil
}

func listDir(dir string) (*listResult, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fileio.IOError("read", dir, err)
	}
	if !st.IsDir() {
		return nil, cli.WithHint(cli.Failf("not a directory: %s", dir), "plugin-hash list takes a directory of plugins; 'plugin-hash hash' hashes a file")
	}
	entries, err := os.ReadDir(dir) // sorted by name (the reference prints readdir order)
	if err != nil {
		return nil, fileio.IOError("read", dir, err)
	}
	res := &listResult{Dir: dir, Artifacts: []listArtifact{}, Packages: []listPackage{}}
	var artifacts, packages []fs.DirEntry
	for _, e := range entries {
		switch {
		case artifactKind(e.Name()) != "":
			artifacts = append(artifacts, e)
		case isPackageName(e.Name()):
			packages = append(packages, e)
		}
	}
	// Each file is checked on its own core; the slots keep the directory's order. A directory or
	// device with a plugin-like name leaves its slot empty and is not listed.
	files := slices.Concat(artifacts, packages)
	listed := make([]bool, len(files))
	as, ps := make([]listArtifact, len(artifacts)), make([]listPackage, len(packages))
	inOrder(len(files), func(i int) {
		e := files[i]
		name := e.Name()
		path := filepath.Join(dir, name)
		link, target, err := resolve(path, e)
		if err == nil && !target.Mode().IsRegular() {
			return
		}
		listed[i] = true
		if i < len(artifacts) {
			as[i] = listOneArtifact(path, name, artifactKind(name), link, err)
		} else {
			ps[i-len(artifacts)] = listOnePackage(path, name, link, err)
		}
	}, func(i int) {
		switch {
		case !listed[i]:
		case i < len(artifacts):
			res.Artifacts = append(res.Artifacts, as[i])
		default:
			res.Packages = append(res.Packages, ps[i-len(artifacts)])
		}
	})
	return res, nil
}

// resolve returns the link text when e is a symbolic link and the info of the file it leads to.
func resolve(path string, e fs.DirEntry) (link string, info fs.FileInfo, err error) {
	if e.Type()&fs.ModeSymlink != 0 {
		link, _ = os.Readlink(path)
		info, err = os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return link, nil, errors.New("broken symbolic link")
		}
		return link, info, err
	}
	info, err = e.Info()
	return "", info, err
}

// reason turns err into the short text shown in brackets, without the path the line already
// shows, and says whether it was an I/O failure (unreadable) rather than bad content (invalid).
func reason(path string, err error) (msg string, unreadable bool) {
	var pe *fs.PathError
	if errors.As(err, &pe) && !cli.HasCode(err) {
		err = fileio.IOError("read", path, err)
	}
	unreadable = cli.CodeOf(err) == cli.ExitIO || errors.As(err, &pe)
	msg = err.Error()
	for _, prefix := range []string{"cannot read " + path + ": ", path + ": "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return msg, unreadable
}

func listOneArtifact(path, name, kind, link string, statErr error) listArtifact {
	a := listArtifact{Name: name, Path: path, Kind: kind, Sidecar: keys.SidecarPath(path), Symlink: link}
	if statErr != nil {
		a.Error, _ = reason(path, statErr)
		return a
	}
	if _, err := os.Stat(a.Sidecar); err == nil {
		a.Signed = true
	}
	f, err := fileio.Open(path, "an artifact") // refuses what is no longer a regular file
	if err != nil {
		a.Error, _ = reason(path, err)
		return a
	}
	defer f.Close()
	d, n, err := hashStream(f)
	if err != nil {
		a.Error, _ = reason(path, err)
		return a
	}
	a.artifactFields = newSum(d, n).artifactFields()
	return a
}

func listOnePackage(path, name, link string, statErr error) listPackage {
	p := listPackage{Name: name, Path: path, Kind: "package", Symlink: link}
	if statErr != nil {
		p.Error, p.unreadable = reason(path, statErr)
		return p
	}
	f, err := fileio.Open(path, "a package")
	if err != nil {
		p.Error, p.unreadable = reason(path, err)
		return p
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		p.Error, p.unreadable = reason(path, err)
		return p
	}
	sums, openErr, err := hashPackage(f, st.Size(), path)
	if err == nil {
		err = openErr
	}
	if err != nil {
		p.Error, p.unreadable = reason(path, err)
		return p
	}
	d := sums.pkg.Descriptor
	p.ID, p.Class, p.Runtime = d.ID, d.Class, d.Runtime
	p.ArtifactEntry = sums.pkg.ArtifactName
	p.artifactFields, p.packageFields = sums.artifact.artifactFields(), sums.zip.packageFields()
	p.sigSize = len(sums.pkg.Signature)
	switch sig := sums.pkg.Signature; {
	case sig == nil:
		p.Signature = "unsigned"
	case len(sig) != keys.SignatureSize:
		p.Signature = "malformed" // the gateway rejects any signature that is not 64 bytes
	default:
		p.Signature = "signed"
	}
	return p
}

func printList(w io.Writer, res *listResult) {
	fmt.Fprintf(w, "Plugins in %s:\n\n", res.Dir)
	if len(res.Artifacts) == 0 && len(res.Packages) == 0 {
		fmt.Fprintln(w, "  (no plugin artifacts found)")
		return
	}
	for _, a := range res.Artifacts {
		fmt.Fprintf(w, "  %s (%s)", a.Name, a.Kind)
		switch {
		case a.Error != "":
			fmt.Fprintf(w, " [unreadable: %s]", a.Error)
		case a.Signed:
			fmt.Fprintf(w, " sha256:%s [signed]", a.SHA256[:16])
		default:
			fmt.Fprintf(w, " sha256:%s", a.SHA256[:16])
		}
		printLink(w, a.Symlink)
	}
	for _, p := range res.Packages {
		fmt.Fprintf(w, "  %s (package)", p.Name)
		switch {
		case p.Error != "" && p.unreadable:
			fmt.Fprintf(w, " [unreadable: %s]", p.Error)
		case p.Error != "":
			fmt.Fprintf(w, " [invalid: %s]", p.Error)
		default:
			fmt.Fprintf(w, " %s %s %s sha256:%s", p.ID, p.Class, p.Runtime, p.artifactFields.SHA256[:16])
			if p.Signature == "malformed" {
				fmt.Fprintf(w, " [malformed signature: %d bytes, the gateway needs %d]", p.sigSize, keys.SignatureSize)
			} else {
				fmt.Fprintf(w, " [%s]", p.Signature)
			}
		}
		printLink(w, p.Symlink)
	}
}

func printLink(w io.Writer, link string) {
	if link != "" {
		fmt.Fprintf(w, " -> %s", link)
	}
	fmt.Fprintln(w)
}
