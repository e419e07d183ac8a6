package main

import (
	"crypto/sha256"
	"errors"
	"hash"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/artifact"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/hint"
	"github.com/mcpg-dev/mcpg-plugins/shared/keys"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

// packArtifact is the artifact as its headers describe it: what it is, and the platform it is
// packed for.
type packArtifact struct {
	file   *os.File
	size   int64
	name   string // for messages
	entry  string // plugin.so or plugin.wasm
	format string // elf, mach-o, pe, wasm-component or wasm-module (for --json)
	goos   string
	arch   string
}

// content reads the artifact from its start, as often as needed.
func (a *packArtifact) content() *io.SectionReader { return io.NewSectionReader(a.file, 0, a.size) }

// fail reports an error met reading or checking the artifact: a read error as an I/O failure, any
// other as a failed check.
func (a *packArtifact) fail(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fileio.IOError("read", a.name, pe.Err)
	}
	return cli.WithHint(cli.Failf("%s: %v", a.name, err), hint.Of(err))
}

// checkArtifact decides the artifact's kind and platform and runs the checks that need only its
// headers; the whole-content checks run alongside compression (see write).
func (p *packRun) checkArtifact(desc *descriptor.Descriptor, f *os.File) (*packArtifact, error) {
	a := &packArtifact{file: f, name: fileio.DisplayName(p.o.artifact)}
	st, err := f.Stat()
	if err != nil {
		return nil, fileio.IOError("read", a.name, err)
	}
	a.size = st.Size()
	rt, byName := descriptor.ArtifactRuntime(p.o.artifact)
	if !byName {
		rt = artifact.SniffRuntime(f)
	}
	switch rt {
	case descriptor.RuntimeNative:
		a.entry = pkgzip.EntryNative
	case descriptor.RuntimeWasm:
		a.entry = pkgzip.EntryWasm
	default:
		return nil, cli.Failf("cannot infer artifact kind from %s: expected a .so/.dylib/.dll or .wasm file name, or native library or WebAssembly content", a.name)
	}
	kindName := p.o.artifact
	if !byName {
		kindName = a.entry
	}
	probs := desc.Validate()
	if err := descriptor.CheckArtifactRuntime(desc, kindName); err != nil {
		var more descriptor.Problems
		if errors.As(err, &more) {
			probs = append(probs, more...)
		} else {
			return nil, cli.Failf("%s: %v", p.o.descriptor, err)
		}
	}
	if err := p.problems(probs); err != nil {
		return nil, err
	}
	switch {
	case a.size == 0:
		return nil, cli.Failf("%s: the artifact is empty; expected a native library or a WebAssembly component", a.name)
	case a.size > pkgzip.DefaultLimits.MaxEntrySize:
		return nil, cli.Failf("%s: the artifact is %d bytes; packages hold at most %d (unpack refuses larger entries)", a.name, a.size, pkgzip.DefaultLimits.MaxEntrySize)
	}
	if a.entry == pkgzip.EntryWasm {
		a.goos, a.arch, a.format, err = p.checkWasm(a)
	} else {
		a.goos, a.arch, a.format, err = p.checkNative(a)
	}
	if err != nil {
		return nil, err
	}
	return a, nil
}

// checkNative reads a native library's headers and works out the platform it is packed for.
func (p *packRun) checkNative(a *packArtifact) (goos, arch, format string, err error) {
	n, err := artifact.InspectNative(a.file, a.size)
	if err != nil {
		return "", "", "", a.fail(err)
	}
	goos, arch = p.o.goos, p.o.arch
	if goos == "" {
		goos = n.OS
	}
	if arch == "" {
		switch {
		case len(n.Arches) == 1 && n.Arches[0] == "":
			return "", "", "", cli.Failf("%s: is built for %s; the gateway runs on amd64 and arm64 only", a.name, n.Machine[0])
		case len(n.Arches) == 1:
			arch = n.Arches[0]
		case slices.Contains(n.Arches, runtime.GOARCH):
			arch = runtime.GOARCH
		default:
			return "", "", "", cli.WithHint(cli.Usagef("plugin-pack pack: %s holds several architectures (%s)", a.name, strings.Join(n.Machine, ", ")), "choose one with --arch")
		}
		if n.Libc == "musl" && goos == "linux" {
			arch = "musl-" + arch
		}
	}
	if err := n.Check(goos, arch); err != nil {
		return "", "", "", cli.WithHint(cli.Failf("%s: %v", a.name, err), hint.Of(err))
	}
	return goos, arch, n.Format, nil
}

// checkWasm reads a WebAssembly binary's preamble; its platform is wasi-wasm unless the flags say
// otherwise (which only warns).
func (p *packRun) checkWasm(a *packArtifact) (goos, arch, format string, err error) {
	goos, arch = p.o.goos, p.o.arch
	if goos == "" {
		goos = "wasi"
	}
	if arch == "" {
		arch = "wasm"
	}
	if goos != "wasi" || arch != "wasm" {
		p.warn.add("%s: a WebAssembly component runs on every platform; the gateway looks for it under the platform wasi-wasm, not %s-%s", a.name, goos, arch)
	}
	isComponent, err := artifact.CheckWasm(a.content())
	if err != nil {
		return "", "", "", a.fail(err)
	}
	if !isComponent {
		p.warn.add("%s: %s", a.name, artifact.CoreModuleWarning)
		return goos, arch, "wasm-module", nil
	}
	return goos, arch, "wasm-component", nil
}

// observers are the whole-artifact checks; they read the bytes compression reads.
type observers struct {
	scan     *artifact.Scanner
	verifier *keys.Verifier
	sha      hash.Hash
}

func (p *packRun) newObservers(in packInputs) (*observers, io.Writer) {
	ob := &observers{}
	var ws []io.Writer
	if in.art.entry == pkgzip.EntryNative {
		ob.scan = artifact.NewScanner(in.desc.Raw)
		ws = append(ws, ob.scan)
	}
	if in.sig.pub != nil {
		ob.verifier, _ = keys.NewVerifier(in.sig.pub, in.sig.raw)
		ws = append(ws, ob.verifier)
	}
	if p.o.json {
		ob.sha = sha256.New()
		ws = append(ws, ob.sha)
	}
	if len(ws) == 0 {
		return ob, nil
	}
	return ob, io.MultiWriter(ws...)
}

// verdict turns what the observers saw into warnings or the first failed check.
func (p *packRun) verdict(in packInputs, ob *observers) (embedded string, err error) {
	embedded = "not_checked"
	if ob.scan != nil {
		res := ob.scan.Result()
		warning, err := res.Verdict(in.desc)
		if err != nil {
			return "", cli.WithHint(cli.Failf("%s: %v", in.art.name, err), hint.Of(err))
		}
		switch {
		case res.Exact:
			embedded = "exact"
		case warning != "" && len(res.Candidates) == 0:
			embedded = "none"
		default:
			embedded = "differs"
		}
		if warning != "" {
			p.warn.add("%s: %s", in.art.name, warning)
		}
	}
	if ob.verifier != nil && !ob.verifier.Verify() {
		return "", cli.Failf("%s: the signature does not verify: it was not made over %s with the key %s", p.o.signature, in.art.name, p.o.key)
	}
	return embedded, nil
}
