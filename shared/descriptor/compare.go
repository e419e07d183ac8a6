package descriptor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/textclip"
)

// Mismatch is a field on which a package's plugin.yaml and the descriptor embedded in its artifact
// disagree. The gateway derives the plugin's runtime manifest from the embedded copy and refuses the
// plugin on the first such field (host validate_descriptor, docs/contract.md §2.4 and §8.2).
type Mismatch struct {
	Field    string // id, name, class, protocol_version or provides
	Packaged string // the package's plugin.yaml ("descriptor" in the gateway's message)
	Embedded string // the artifact's embedded copy ("manifest")
}

// Error is the gateway's ManifestMismatch text, with values longer than any real one clipped.
func (m Mismatch) Error() string {
	return fmt.Sprintf("plugin descriptor disagrees with in-code manifest: field=%s, descriptor=%s, manifest=%s",
		m.Field, textclip.Clip(m.Packaged), textclip.Clip(m.Embedded))
}

// Compare returns every field validate_descriptor would refuse, in the order it checks them: id,
// name, class, protocol_version by major version (the text before the first '.'), and provides as
// a set. Nothing else is compared (not license, tags, description or capabilities).
func Compare(packaged, embedded *Descriptor) []Mismatch {
	var out []Mismatch
	add := func(field, p, e string) { out = append(out, Mismatch{Field: field, Packaged: p, Embedded: e}) }
	if packaged.ID != embedded.ID {
		add("id", packaged.ID, embedded.ID)
	}
	if packaged.Name != embedded.Name {
		add("name", packaged.Name, embedded.Name)
	}
	if packaged.Class != embedded.Class {
		add("class", packaged.Class, embedded.Class)
	}
	if major(packaged.ProtocolVersion) != major(embedded.ProtocolVersion) {
		add("protocol_version", packaged.ProtocolVersion, embedded.ProtocolVersion)
	}
	if !sameSet(packaged.Provides, embedded.Provides) {
		add("provides", strings.Join(packaged.Provides, ","), strings.Join(embedded.Provides, ","))
	}
	return out
}

func major(version string) string {
	m, _, _ := strings.Cut(version, ".")
	return m
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
