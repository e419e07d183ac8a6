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
	Path               string       `json:"path"`
	Size               int64        `json:"size"`
	Digest             string       `json:"digest"`
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

type artifactJSON struct {
	Path   string `json:"path,omitempty"`
	Entry  string `json:"entry"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256,omitempty"`
	Digest string `json:"digest,omitempty"`
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
		Path: out.path, Size: out.res.Size, Digest: out.digest.String(), ID: in.desc.ID, Version: p.o.version,
		OS: in.art.goos, Arch: in.art.arch, Runtime: in.desc.Runtime, EmbeddedDescriptor: out.embedded,
		Entries: entriesJSON(out.res.Entries), Warnings: p.warn.all(),
		Artifact: artifactJSON{Path: in.art.name, Entry: in.art.entry, Size: in.art.size, Format: in.art.format},
	}
	if ob.sha != nil {
		sum := ob.sha.Sum(nil)
		r.Artifact.SHA256 = hex.EncodeToString(sum)
		r.Artifact.Digest = digest.Prefix + r.Artifact.SHA256
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
