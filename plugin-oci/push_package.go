package main

import (
	"context"
	"fmt"
	"hash"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/digestcache"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
	"github.com/mcpg-dev/mcpg-plugins/shared/ociclient"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

// pushPackage is a validated package and the artifact that publishes it.
type pushPackage struct {
	name  string // for messages
	size  int64
	pkg   *pkgzip.Package
	art   *ociclient.Artifact
	close func()
}

// openPushPackage opens the zip (spooling stdin once, hashing it on the way), and checks it as the
// gateway's unpack would: structure, descriptor, and every entry's data against its CRC. Then a
// file is hashed in the background, alongside the upload, which needs the digest only to commit.
func openPushPackage(env *cli.Env, arg string) (*pushPackage, error) {
	name := fileio.DisplayName(arg)
	var stdinHash *hashingReader
	in := env.Stdin
	if arg == "-" {
		stdinHash = &hashingReader{r: env.Stdin, h: digest.New()}
		in = stdinHash
	}
	f, closeF, err := fileio.OpenFile(arg, in)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		closeF()
		return nil, fileio.IOError("read", name, err)
	}
	size := st.Size()

	cache := digestcache.Default()
	if fileio.IsSpool(f) { // stdin or a pipe: its spool file is gone after this push, nothing to remember it by
		cache = nil
	}
	pkg, err := pkgzip.Open(newReadAhead(f, size, 1<<20), size, name, pkgzip.DefaultLimits)
	if err == nil && !cache.Vouched(f, pkgzip.ValidClaim()) { // pack, or an earlier push, read this very file through
		if err = checkEntries(pkg); err == nil {
			cache.Vouch(f, pkgzip.ValidClaim())
		}
	}
	if err != nil {
		closeF()
		return nil, fileio.Named(err)
	}
	// The zip's own digest is only needed to commit the upload: the hash runs while the bytes go
	// out, not before (for stdin it was taken while spooling).
	hash := func() *ociclient.DigestFuture {
		return ociclient.ComputeDigest(func() (digest.Digest, error) {
			d, n, err := digest.FromReader(io.NewSectionReader(f, 0, size))
			if err == nil && n != size {
				err = fmt.Errorf("read %d bytes of %d", n, size)
			}
			if err != nil {
				return d, fileio.IOError("read", name, err)
			}
			cache.Store(f, d)
			return d, nil
		})
	}
	hasSig := slices.ContainsFunc(pkg.Entries, func(e pkgzip.Entry) bool { return e.Name == pkgzip.EntrySignature })
	configJSON := oci.ConfigJSON(pkg.Descriptor, hasSig)
	path := f.Name() // reopened for each upload attempt (the spool file for stdin)
	art := &ociclient.Artifact{Size: size, ConfigJSON: configJSON, Config: oci.DescriptorOf(oci.ConfigMediaType, configJSON),
		Open: func() (io.ReadCloser, error) {
			f, err := os.Open(path)
			if err != nil {
				return nil, fileio.IOError("read", name, err)
			}
			return f, nil
		}}
	if stdinHash != nil {
		art.LayerDigest = ociclient.KnownDigest(digest.FromHash(stdinHash.h))
	} else if d, ok := cache.Lookup(f); ok { // only a claim until a registry accepts it
		art.LayerDigest = ociclient.KnownDigest(d)
		art.Rehash = func() *ociclient.DigestFuture { cache.Forget(f); return hash() }
	} else {
		art.LayerDigest = hash()
	}
	warnPackage(env, pkg)

	p := &pushPackage{name: name, size: size, pkg: pkg, art: art}
	p.close = func() { p.art.LayerDigest.Wait(context.Background()); closeF() }
	return p, nil
}

// checkEntries reads every entry through its CRC check, as the gateway's unpack writes them out.
func checkEntries(pkg *pkgzip.Package) error {
	rc, err := pkg.Artifact()
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.CopyBuffer(io.Discard, rc, make([]byte, digest.BufferSize))
	return err
}

// warnPackage says what the gateway will refuse at load although its unpack (and push) accept it.
func warnPackage(env *cli.Env, pkg *pkgzip.Package) {
	if err := descriptor.CheckArtifactRuntime(pkg.Descriptor, pkg.ArtifactName); err != nil {
		env.Warnf("%s: %v (the gateway will refuse to load it)", pkg.Name, err)
	}
	if pkg.Descriptor.Runtime == descriptor.RuntimeStatic {
		env.Warnf("%s: runtime %s cannot be loaded from a package (the gateway refuses it)", pkg.Name, descriptor.RuntimeStatic)
	}
}

type hashingReader struct {
	r io.Reader
	h hash.Hash
}

func (h *hashingReader) Read(b []byte) (int, error) {
	n, err := h.r.Read(b)
	h.h.Write(b[:n])
	return n, err
}

// packageName is what --gateway-tags and --annotate-title need to know about a package: the parts
// of its canonical file name (docs/contract.md §1.4) and its platform token (§5.4.1).
type packageName struct {
	name, version, goos, arch string
	platform                  string
}

// gatewayTags are <version>-<platform> and protocol-1-<platform> (docs/contract.md §5.4.6).
func (n packageName) gatewayTags() []string {
	return []string{n.version + "-" + n.platform, "protocol-" + oci.ProtocolMajor + "-" + n.platform}
}

// canonical is mcpg-plugin-<name>_<version>_<os>_<arch>.zip.
func (n packageName) canonical() string {
	return descriptor.CanonicalFilename(n.name, n.version, n.goos, n.arch)
}

// namePackage works out the package's version and platform, from the canonical file name unless
// given, and its name, from the file name or else the descriptor's id. flag is the option that
// needs them, for the messages.
func namePackage(p *pushPackage, arg, version, goos, arch, flag string) (packageName, error) {
	canon, named := descriptor.ParseCanonicalFilename(arg)
	n := packageName{name: descriptor.ShortName(p.pkg.Descriptor.ID), version: version}
	if named {
		n.name = canon.Name
	}
	if n.version == "" {
		if !named {
			return n, cli.Usagef("%s: give --version: %s is not named mcpg-plugin-<name>_<version>_<os>_<arch>.zip", flag, p.name)
		}
		n.version = canon.Version
	}
	if checkTagArg(n.version) != nil || len(n.version) > oci.MaxTagLength-len("-linux-musl-amd64") {
		return n, cli.Usagef("%s: version %q cannot start a tag (letters, digits, '_', '.' and '-' (not first))", flag, n.version)
	}
	wasm := p.pkg.ArtifactName == pkgzip.EntryWasm
	switch {
	case wasm:
		if goos != "" && goos != "wasi" || arch != "" && arch != "wasm" {
			return n, cli.Usagef("%s: %s holds plugin.wasm, whose platform is always wasi-wasm (not --os %q --arch %q)", flag, p.name, goos, arch)
		}
		n.goos, n.arch = "wasi", "wasm"
	case goos != "" || arch != "":
		if goos == "" || arch == "" {
			return n, cli.WithHint(cli.Usagef("%s: --os and --arch go together", flag), "e.g. --os linux --arch musl-amd64")
		}
		n.goos, n.arch = goos, arch
	case named:
		n.goos, n.arch = canon.OS, canon.Arch
	default:
		return n, cli.WithHint(cli.Usagef("%s: cannot tell the platform of native package %s (glibc or musl?) without --os and --arch", flag, p.name),
			"pass --os and --arch as given to plugin-pack pack, or push the file under its canonical name mcpg-plugin-<name>_<version>_<os>_<arch>.zip")
	}
	n.platform = oci.PlatformToken(n.goos, n.arch)
	if !wasm && n.platform == oci.WasmPlatform {
		return n, cli.Usagef("%s: %s holds plugin.so, but its platform would be wasi-wasm", flag, p.name)
	}
	if !oci.IsPlatformToken(n.platform) {
		return n, cli.Usagef("%s: platform %q is not one the gateway resolves (%s)", flag, n.platform, strings.Join(oci.PlatformTokens, ", "))
	}
	return n, nil
}

func dedupe(s []string) []string {
	var out []string
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
