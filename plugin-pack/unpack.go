package main

import (
	"errors"
	"fmt"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

const unpackHelp = `Usage: plugin-pack unpack [--json] <archive|-> <target-dir>

Check a package zip and extract it into target-dir (created if missing).

The package must pass the gateway's own unpack rules, with the gateway's messages: only
plugin.yaml, plugin.so or plugin.wasm, plugin.sig and LICENSE, at the archive root, and a
plugin.yaml that parses. Beyond the gateway, unpack also refuses duplicate entries, symbolic
links, encrypted entries, compression other than stored and deflate, data before or after the
zip, a plugin.sig that is not 64 bytes, an empty artifact, and zip bombs: at most 2 GiB for the
artifact, 1 MiB for each small entry, 4 GiB in all, a ratio of at most 200:1 for entries over
1 MiB, with every entry's data checked against its declared size and CRC-32.

Extraction is atomic: files are written into a temporary directory and moved into place when all
are complete, so a rejected or unreadable package leaves nothing behind. Files of the same names
in target-dir are replaced and package files this package lacks (say an old plugin.sig) are
removed; other files are left alone. Files get mode 0666 minus the umask, as from the gateway.
Descriptor findings the gateway tolerates are printed as warnings.

"-" reads the zip from stdin.

Flags:
  --json      print a JSON report on stdout instead of the lines below
  -h, --help  show this help

Output (the reference CLI's lines):
  unpacked: <archive>
    target:     <target-dir>
    id:, name:, class:, runtime:, protocol:
    artifact:   <target-dir>/plugin.so
    signature:  <target-dir>/plugin.sig, or (none — unsigned)
    license:    <target-dir>/LICENSE, or (none)

Examples:
  plugin-pack unpack mcpg-plugin-gate_1.2.0_linux_amd64.zip ./gate
  curl -sL https://example.com/gate.zip | plugin-pack unpack - ./gate

Exit status: 0 extracted; 1 the package was rejected (nothing was written); 2 usage, or a file
to extract is the archive itself (by any name or link); 3 a file or stdout could not be read or
written.
`

func runUnpack(env *cli.Env, args []string) error {
	fs := cli.NewFlagSet("plugin-pack unpack", unpackHelp, env.Stdout)
	var asJSON bool
	fs.BoolVar(&asJSON, "json", false, "")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if err := cli.CheckArgs("plugin-pack unpack", pos, 2, 2, "<archive|-> <target-dir>"); err != nil {
		return err
	}
	archive, target := pos[0], pos[1]
	if target == "" {
		return cli.Usagef("plugin-pack unpack: the target directory is an empty string")
	}
	pkg, closePkg, err := pkgzip.OpenFile(archive, env.Stdin, pkgzip.DefaultLimits)
	if err != nil {
		return err
	}
	defer closePkg()
	warn := &warnings{env: env}
	if err := checkPackage(pkg, warn); err != nil {
		return err
	}
	// Extract replaces or removes every package file name in target: none may be the archive.
	inputs := &fileio.Inputs{Command: "plugin-pack unpack"}
	inputs.Add("the archive", archive)
	for _, name := range pkgzip.Allowed {
		if err := inputs.Check("the extracted file", joinPath(target, name)); err != nil {
			return err
		}
	}
	if err := pkg.Extract(target); err != nil {
		return err
	}

	d := pkg.Descriptor
	artifactPath := joinPath(target, pkg.ArtifactName)
	sigPath, licPath := optionalPath(pkg.Signature != nil, target, pkgzip.EntrySignature), optionalPath(pkg.License != nil, target, pkgzip.EntryLicense)
	if asJSON {
		files := []unpackedFile{}
		for _, e := range pkg.Entries {
			files = append(files, unpackedFile{Name: e.Name, Path: joinPath(target, e.Name), Size: e.Size})
		}
		return cli.WriteJSON(env.Stdout, unpackReport{
			Archive: fileio.DisplayName(archive), Target: target, ID: d.ID, Name: d.Name, Class: d.Class,
			Runtime: d.Runtime, ProtocolVersion: d.ProtocolVersion, Artifact: artifactPath,
			Signature: sigPath, License: licPath, Files: files, Warnings: warn.all(),
		})
	}
	w := env.Stdout
	fmt.Fprintf(w, "unpacked: %s\n", fileio.DisplayName(archive))
	fmt.Fprintf(w, "  target:     %s\n", target)
	fmt.Fprintf(w, "  id:         %s\n", d.ID)
	fmt.Fprintf(w, "  name:       %s\n", d.Name)
	fmt.Fprintf(w, "  class:      %s\n", d.Class)
	fmt.Fprintf(w, "  runtime:    %s\n", d.Runtime)
	fmt.Fprintf(w, "  protocol:   %s\n", d.ProtocolVersion)
	fmt.Fprintf(w, "  artifact:   %s\n", artifactPath)
	if sigPath != nil {
		fmt.Fprintf(w, "  signature:  %s\n", *sigPath)
	} else {
		fmt.Fprintf(w, "  signature:  (none — unsigned)\n")
	}
	if licPath != nil {
		fmt.Fprintf(w, "  license:    %s\n", *licPath)
	} else {
		fmt.Fprintf(w, "  license:    (none)\n")
	}
	return nil
}

type unpackReport struct {
	Archive         string         `json:"archive"`
	Target          string         `json:"target"`
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Class           string         `json:"class"`
	Runtime         string         `json:"runtime"`
	ProtocolVersion string         `json:"protocol_version"`
	Artifact        string         `json:"artifact"`
	Signature       *string        `json:"signature"`
	License         *string        `json:"license"`
	Files           []unpackedFile `json:"files"`
	Warnings        []string       `json:"warnings"`
}

type unpackedFile struct {
	Name string `json:"name"`
	Path string `json:"path"`
	Size int64  `json:"size"`
}

func optionalPath(present bool, dir, name string) *string {
	if !present {
		return nil
	}
	p := joinPath(dir, name)
	return &p
}

// checkPackage applies what unpack refuses beyond pkgzip.Open (the signature length, the verdict
// every tool shares) and prints the descriptor findings the gateway tolerates as warnings.
func checkPackage(pkg *pkgzip.Package, warn *warnings) error {
	if err := pkg.CheckSignature(false); err != nil {
		return err
	}
	descriptorWarnings(pkg, warn)
	return nil
}

// descriptorWarnings reports what the gateway will refuse or frown on at load, though its unpack
// accepts the package.
func descriptorWarnings(pkg *pkgzip.Package, warn *warnings) {
	probs := pkg.Descriptor.Validate()
	if err := descriptor.CheckArtifactRuntime(pkg.Descriptor, pkg.ArtifactName); err != nil {
		var more descriptor.Problems
		if errors.As(err, &more) {
			probs = append(probs, more...)
		}
	}
	seen := map[string]bool{}
	for _, q := range probs {
		line := problemLine(pkg.Name+": "+pkgzip.EntryDescriptor, q)
		if !seen[line] {
			seen[line] = true
			warn.add("%s", line)
		}
	}
}
