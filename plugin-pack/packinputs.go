package main

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/keys"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

// packInputs is everything that goes into the package, each part checked as far as it can be
// before writing; the checks that need the artifact's whole content run while it is compressed.
type packInputs struct {
	desc *descriptor.Descriptor
	art  *packArtifact
	sig  packSignature
	lic  packLicense
}

// packSignature is --signature's bytes and, with --key, the key that must verify them.
type packSignature struct {
	raw []byte            // nil: the package is unsigned
	pub ed25519.PublicKey // nil: no --key, nothing to verify
}

// packLicense is the LICENSE entry's text and where it came from.
type packLicense struct {
	text []byte // nil: the package has no LICENSE
	path string
	auto bool // found beside the descriptor rather than given with -l
}

func (p *packRun) loadDescriptor() (*descriptor.Descriptor, error) {
	data, err := fileio.ReadSmall(p.o.descriptor, descriptor.MaxSize, "a descriptor")
	if err != nil {
		return nil, err
	}
	d, err := descriptor.Parse(data)
	if err != nil {
		var probs descriptor.Problems
		if errors.As(err, &probs) {
			return nil, p.problems(probs)
		}
		return nil, cli.Failf("%s: %v", p.o.descriptor, err)
	}
	return d, nil
}

// problems prints every descriptor finding, one line each, and fails if any is an error.
func (p *packRun) problems(probs descriptor.Problems) error {
	seen := map[string]bool{}
	var errs []string
	for _, q := range probs {
		line := problemLine(p.o.descriptor, q)
		if seen[line] {
			continue
		}
		seen[line] = true
		if q.Warning {
			p.warn.add("%s", line)
		} else {
			errs = append(errs, line)
		}
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return cli.Failf("%s", errs[0])
	}
	for _, e := range errs[:len(errs)-1] {
		fmt.Fprintf(p.env.Stderr, "error: %s\n", e)
	}
	return cli.Failf("%s", errs[len(errs)-1])
}

func (p *packRun) loadSignature() (packSignature, error) {
	if p.o.signature == "" {
		if side := keys.SidecarPath(p.o.artifact); p.o.artifact != "-" {
			if st, err := os.Stat(side); err == nil && st.Mode().IsRegular() {
				p.warn.add("%s lies beside the artifact but no --signature was given: the package will be unsigned (add -s %s to include it)", side, side)
			}
		}
		return packSignature{}, nil
	}
	sig, err := fileio.ReadSmall(p.o.signature, 1<<10, "a signature")
	if err != nil {
		return packSignature{}, err
	}
	if len(sig) != keys.SignatureSize {
		found := fmt.Sprintf("%d bytes", len(sig))
		if len(sig) == 0 {
			found += " (an empty file)"
		}
		err := cli.Failf("%s: expected a raw %d-byte Ed25519 signature, found %s", p.o.signature, keys.SignatureSize, found)
		if hint := keys.SignatureHint(sig); hint != "" {
			err = cli.WithHint(err, hint)
		}
		return packSignature{}, err
	}
	if p.o.key == "" {
		return packSignature{raw: sig}, nil
	}
	pub, err := loadPublicKey(p.o.key)
	if err != nil {
		return packSignature{}, err
	}
	return packSignature{raw: sig, pub: pub}, nil
}

func (p *packRun) loadLicense() (packLicense, error) {
	path, auto := p.o.license, false
	if path == "" {
		cand := filepath.Join(filepath.Dir(p.o.descriptor), "LICENSE")
		if st, err := os.Stat(cand); err != nil || !st.Mode().IsRegular() {
			return packLicense{}, nil
		}
		path, auto = cand, true
	}
	data, err := fileio.ReadSmall(path, pkgzip.DefaultLimits.MaxSmallSize, "a LICENSE entry")
	if err != nil {
		return packLicense{}, err
	}
	if len(data) == 0 {
		return packLicense{}, cli.Failf("%s: the licence file is empty; expected the licence text", path)
	}
	return packLicense{text: data, path: path, auto: auto}, nil
}
