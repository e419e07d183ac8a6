package main

import (
	"encoding/hex"
	"fmt"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

// packed is what writing the package produced.
type packed struct {
	path     string
	res      *pkgzip.PackResult
	digest   digest.Digest // of the zip
	embedded string        // the embedded-descriptor verdict: exact, differs, none or not_checked
}

type packReport struct {
	Path string `json:"path"`
	packageDigests
	ID                 string       `json:"id"`
	Version            string       `json:"version"`
	OS                 string       `json:"os"`
	Arch               string       `json:"arch"`
	Runtime            string       `json:"runtime"`
	Artifact           artifactJSON `json:"artifact"`
	Signature          *fileJSON    `json:"signature"`
	License            *fileJSON    `json:"license"`
	EmbeddedDescriptor string       `json:"embedded_descriptor"`
	Entries            []entryJSON  `json:"entries"`
	Warnings           []string     `json:"warnings"`
}

// packageDigests are a package's two digests and sizes, named as in every command's --json:
// artifact_sha256 is the plugin.so/plugin.wasm inside (what plugins[].signature.sha256 pins),
// package_sha256 the zip itself (the OCI layer digest's hex). Both are bare lowercase hex.
type packageDigests struct {
	ArtifactSHA256 string `json:"artifact_sha256"`
	ArtifactSize   int64  `json:"artifact_size"`
	PackageSHA256  string `json:"package_sha256"`
	PackageSize    int64  `json:"package_size"`
}

// artifactJSON names the artifact; its digest and size are in packageDigests.
type artifactJSON struct {
	Path   string `json:"path,omitempty"`
	Entry  string `json:"entry"`
	Format string `json:"format,omitempty"`
}

type fileJSON struct {
	Path     string `json:"path"`
	Size     int64  `json:"size"`
	Auto     bool   `json:"auto,omitempty"`     // LICENSE picked up beside the descriptor
	Verified *bool  `json:"verified,omitempty"` // signature checked with --key
}

type entryJSON struct {
	Name           string `json:"name"`
	Size           int64  `json:"size"`
	CompressedSize int64  `json:"compressed_size"`
	Method         string `json:"method"`
	CRC32          string `json:"crc32"`
	Mode           string `json:"mode"`
}

func entriesJSON(es []pkgzip.Entry) []entryJSON {
	out := []entryJSON{}
	for _, e := range es {
		m := "deflate"
		if e.Method == 0 {
			m = "stored"
		}
		out = append(out, entryJSON{Name: e.Name, Size: e.Size, CompressedSize: e.CompressedSize, Method: m,
			CRC32: fmt.Sprintf("%08x", e.CRC32), Mode: fmt.Sprintf("%04o", e.Mode.Perm())})
	}
	return out
}

// report is the --json report of a package that passed every check.
func (p *packRun) report(in packInputs, ob *observers, out packed) packReport {
	r := packReport{
		Path: out.path, ID: in.desc.ID, Version: p.o.version,
		OS: in.art.goos, Arch: in.art.arch, Runtime: in.desc.Runtime, EmbeddedDescriptor: out.embedded,
		Entries: entriesJSON(out.res.Entries), Warnings: p.warn.all(),
		Artifact:       artifactJSON{Path: in.art.name, Entry: in.art.entry, Format: in.art.format},
		packageDigests: packageDigests{ArtifactSize: in.art.size, PackageSHA256: out.digest.Hex(), PackageSize: out.res.Size},
	}
	if ob.sha != nil { // always with --json, the only time a report is made
		r.ArtifactSHA256 = hex.EncodeToString(ob.sha.Sum(nil))
	}
	if in.sig.raw != nil {
		r.Signature = &fileJSON{Path: p.o.signature, Size: int64(len(in.sig.raw))}
		if ob.verifier != nil {
			ok := true // a failed verification never reaches the report
			r.Signature.Verified = &ok
		}
	}
	if in.lic.text != nil {
		r.License = &fileJSON{Path: in.lic.path, Size: int64(len(in.lic.text)), Auto: in.lic.auto}
	}
	return r
}
