package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/digestcache"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

// outputPath is -o resolved the way every command does (fileio.OutputPath): the canonical name
// by default or inside an -o directory.
func (p *packRun) outputPath(desc *descriptor.Descriptor, art *packArtifact) string {
	canonical := descriptor.CanonicalFilename(descriptor.ShortName(desc.ID), p.o.version, art.goos, art.arch)
	return fileio.OutputPath(p.o.output, canonical)
}

// write packs the inputs, running the whole-artifact checks on the bytes being compressed, and
// commits the zip only if they all pass.
func (p *packRun) write(in packInputs) error {
	path := p.outputPath(in.desc, in.art)
	ob, tee := p.newObservers(in)
	var embedded string
	if path == "-" && tee != nil {
		// Nothing can be taken back from stdout: finish every check before the first byte.
		if _, err := io.CopyBuffer(tee, in.art.content(), make([]byte, 1<<20)); err != nil {
			return in.art.fail(err)
		}
		var err error
		if embedded, err = p.verdict(in, ob); err != nil {
			return err
		}
		tee = nil
	}
	out, err := cli.CreateOutput(p.inputs(in), "-o", path, 0o644, p.env.Stdout)
	if err != nil {
		return err
	}
	defer out.Abort()
	// The zip's digest is always taken: --json reports it, and the digest cache hands it to a
	// following push, which then neither hashes nor re-validates the package.
	zipSHA := sha256.New()
	w := io.MultiWriter(out, zipSHA)
	res, err := pkgzip.Pack(w, pkgzip.PackInput{
		Descriptor: in.desc.Raw, Artifact: in.art.content(), ArtifactName: in.art.entry,
		Signature: in.sig.raw, License: in.lic.text, ModTime: p.o.modTime, Tee: tee,
	})
	if err != nil {
		var ce *cli.Error
		if errors.As(err, &ce) {
			return err
		}
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Op == "read" {
			return fileio.IOError("read", in.art.name, pe.Err)
		}
		if errors.As(err, &pe) {
			return fileio.IOError("write", out.Name(), pe.Err)
		}
		return cli.Failf("%s: %v", out.Name(), err)
	}
	if tee != nil {
		if embedded, err = p.verdict(in, ob); err != nil {
			return err
		}
	}
	art := res.Entries[1]
	if lim := pkgzip.DefaultLimits.MaxRatio; art.Size > 1<<20 && float64(art.Size) > lim*float64(art.CompressedSize) {
		err := cli.Failf("%s: compresses %d bytes to %d (ratio %.0f:1), above the %.0f:1 that unpack accepts as a guard against zip bombs",
			in.art.name, art.Size, art.CompressedSize, float64(art.Size)/float64(art.CompressedSize), lim)
		return cli.WithHint(err, "is it mostly zeros?")
	}
	var written os.FileInfo
	if af, ok := out.(*fileio.AtomicFile); ok {
		written, _ = af.File().Stat()
	}
	if err := out.Commit(); err != nil {
		return err
	}
	var zipDigest digest.Digest
	copy(zipDigest[:], zipSHA.Sum(nil))
	if written != nil {
		rememberPackage(path, written, zipDigest)
	}
	if p.o.json {
		return cli.WriteJSON(p.env.Stdout, p.report(in, ob, packed{path: path, res: res, digest: zipDigest, embedded: embedded}))
	}
	receipt := p.env.Stdout
	if path == "-" {
		receipt = p.env.Stderr
	}
	fmt.Fprintf(receipt, "packed: %s (%d bytes)\n", out.Name(), res.Size)
	return nil
}

// inputs are the files the package is made of, which the output must not replace.
func (p *packRun) inputs(in packInputs) *fileio.Inputs {
	ins := &fileio.Inputs{Command: "plugin-pack pack"}
	ins.Add("the --descriptor", p.o.descriptor)
	ins.Add("the --artifact", p.o.artifact)
	ins.Add("the --signature", p.o.signature)
	ins.Add("the license", in.lic.path)
	ins.Add("the --key file", strings.TrimPrefix(p.o.key, "file:"))
	return ins
}

// rememberPackage records in the digest cache that the package just written at path is valid and
// has this digest — if path is still the file written (nothing replaced it after the rename).
func rememberPackage(path string, written os.FileInfo, d digest.Digest) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !os.SameFile(st, written) {
		return
	}
	cache := digestcache.Default()
	cache.Store(f, d)
	cache.Vouch(f, pkgzip.ValidClaim())
}
