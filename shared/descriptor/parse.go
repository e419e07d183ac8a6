package descriptor

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/mcpg-dev/mcpg-plugins/shared/yamlscalar"
	yaml "go.yaml.in/yaml/v3"
)

// fields are the descriptor's keys in PluginDescriptor order; required ones first.
var fields = []string{
	"schema", "id", "name", "license", "description", "class", "runtime", "protocol_version",
	"required_capabilities", "tags", "provides", "provides_schemes",
}

var requiredFields = []string{"schema", "id", "name", "class", "runtime", "protocol_version"}

// expectations say what a required field should hold, for "missing" messages.
var expectations = map[string]string{
	"schema":           `"` + Schema + `"`,
	"id":               `a reverse-DNS id such as "com.example.hello"`,
	"name":             "a display name",
	"class":            "a plugin class such as tool_gate",
	"runtime":          RuntimeNative + " or " + RuntimeWasm,
	"protocol_version": `a quoted version such as "1.0"`,
}

// Parse parses plugin.yaml bytes as the gateway does (libyaml's events through shared/yamlevents,
// read as serde_yaml reads them). The returned error is a Problems value.
//
// Beyond the gateway, and on purpose, Parse refuses input larger than MaxSize, nesting deeper than
// 64 levels and alias expansion beyond 100,000 nodes (a recursive alias included) anywhere in the
// document (the gateway skips the values of unknown keys without looking at them).
func Parse(data []byte) (*Descriptor, error) {
	if len(data) > MaxSize {
		return nil, Problems{{Msg: fmt.Sprintf("file is %d bytes; a descriptor may be at most %d bytes", len(data), MaxSize)}}
	}
	if p := checkText(data); p != nil {
		return nil, Problems{*p}
	}
	d, probs := parse(data)
	if probs != nil {
		if bytes.HasPrefix(data, []byte(utf8BOM)) {
			probs = append(Problems{{Line: 1, Msg: "the file starts with a UTF-8 byte-order mark, which the gateway's YAML reader counts as indentation; remove it"}}, probs...)
		}
		return nil, probs
	}
	d.Raw = bytes.Clone(data)
	return d, nil
}

const utf8BOM = "\ufeff"

func parse(data []byte) (*Descriptor, Problems) {
	doc, second, prob := loadDocument(data)
	switch {
	case prob != nil:
		return nil, Problems{*prob}
	case second != nil:
		return nil, Problems{{Line: second.Line, Msg: "found a second YAML document (---); plugin.yaml must hold exactly one"}}
	case doc == nil:
		return nil, Problems{{Line: 1, Msg: "document is empty; expected a mapping with " + strings.Join(requiredFields, ", ")}}
	}
	if te := checkTree(doc); te != nil {
		return nil, Problems{{Line: te.line, Msg: te.msg}}
	}

	root := deref(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.Value == "" && isPlain(root) {
		// serde_yaml reads an empty document ("---" alone) as an empty mapping.
		root = &yaml.Node{Kind: yaml.MappingNode, Line: root.Line, Column: root.Column}
	}
	if root.Kind != yaml.MappingNode {
		return nil, Problems{{Line: root.Line, Msg: "expected a mapping of plugin.yaml fields, found " + describe(root)}}
	}

	p := &parser{src: &source{root: root, values: map[string]*yaml.Node{}, keys: map[string]*yaml.Node{}}}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := deref(root.Content[i])
		if k.Kind != yaml.ScalarNode {
			p.add("", k.Line, "mapping key must be a field name, found "+kindName(k))
			continue
		}
		if !slices.Contains(fields, k.Value) {
			p.src.unknown = append(p.src.unknown, k)
			continue
		}
		if first, dup := p.src.keys[k.Value]; dup {
			p.add(k.Value, k.Line, fmt.Sprintf("duplicate key (first on line %d); the gateway rejects duplicate fields", first.Line))
			continue
		}
		p.src.keys[k.Value] = k
		p.src.values[k.Value] = deref(root.Content[i+1])
	}
	for _, f := range requiredFields {
		if _, ok := p.src.values[f]; !ok {
			p.add(f, root.Line, "required field is missing; expected "+expectations[f])
		}
	}

	d := &Descriptor{}
	v := p.src.values
	d.Schema = p.str("schema", v["schema"])
	d.ID = p.str("id", v["id"])
	d.Name = p.str("name", v["name"])
	d.License = p.optionalStr("license", v["license"])
	d.Description = p.str("description", v["description"])
	d.Class = p.enum("class", v["class"], Classes, ClassSuggestion)
	d.Runtime = p.enum("runtime", v["runtime"], Runtimes, RuntimeSuggestion)
	d.ProtocolVersion = p.str("protocol_version", v["protocol_version"])
	d.RequiredCapabilities = p.capabilities(v["required_capabilities"])
	d.Tags = p.strList("tags", v["tags"])
	d.Provides = p.strList("provides", v["provides"])
	d.ProvidesSchemes = p.strList("provides_schemes", v["provides_schemes"])
	if n := v["schema"]; n != nil && n.Kind == yaml.ScalarNode && d.Schema != Schema {
		p.add("schema", n.Line, fmt.Sprintf("schema mismatch: expected %q, found %s", Schema, quote(d.Schema)))
	}
	if len(p.probs) > 0 {
		sort.SliceStable(p.probs, func(i, j int) bool { return p.probs[i].Line < p.probs[j].Line })
		return nil, p.probs
	}
	d.src = p.src
	d.src.snapshot = d.exported()
	return d, nil
}

type parser struct {
	src   *source
	probs Problems
}

func (p *parser) add(path string, line int, msg string) {
	p.probs = append(p.probs, Problem{Path: path, Line: line, Msg: msg})
}

// str reads a String field: any scalar's text (serde_yaml ignores style and tags here).
func (p *parser) str(field string, n *yaml.Node) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		p.add(field, n.Line, "expected a string, found "+kindName(n))
		return ""
	}
	return n.Value
}

// optionalStr reads an Option<String> field; null reads as absent.
func (p *parser) optionalStr(field string, n *yaml.Node) string {
	if n == nil || isPlainNull(n) {
		return ""
	}
	if n.Kind == yaml.ScalarNode && explicitTag(n) == "!!null" && isPlain(n) {
		if !yamlscalar.IsNull(n.Value) {
			p.add(field, n.Line, "YAML tag !!null needs ~ or null, found "+quote(n.Value))
		}
		return ""
	}
	return p.str(field, n)
}

// enum reads class or runtime: the scalar's text, or the variant named by a local tag (`!wasi-v1`)
// whose value must then be null.
func (p *parser) enum(field string, n *yaml.Node, allowed []string, suggestion func(string) string) string {
	if n == nil {
		return ""
	}
	what := map[string]string{"class": "a plugin class", "runtime": "a runtime"}[field]
	variant := n.Value
	if tag := explicitTag(n); isLocalTag(tag) {
		variant = strings.TrimPrefix(tag, "!")
		if n.Kind != yaml.ScalarNode || !isPlain(n) || (n.Value != "" && !yamlscalar.IsNull(n.Value)) {
			found := kindName(n)
			if n.Kind == yaml.ScalarNode {
				found = quote(n.Value)
			}
			p.add(field, n.Line, fmt.Sprintf("YAML tag %s selects %s, so its value must be empty; found %s (write %s: %s)",
				clip(tag), quote(variant), found, field, clip(variant)))
			return ""
		}
	} else if n.Kind != yaml.ScalarNode {
		p.add(field, n.Line, fmt.Sprintf("expected %s name such as %s, found %s", what, allowed[1], kindName(n)))
		return ""
	}
	if slices.Contains(allowed, variant) {
		return variant
	}
	msg := fmt.Sprintf("%s is not %s", quote(variant), what)
	if s := suggestion(variant); s != "" {
		msg += didYouMean(s)
	} else {
		msg += "; expected one of " + strings.Join(allowed, ", ")
	}
	p.add(field, n.Line, msg)
	return ""
}

// strList reads a Vec<String> field: a list of scalars (their text), or an empty plain value.
func (p *parser) strList(field string, n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	switch {
	case n.Kind == yaml.SequenceNode:
	case n.Kind == yaml.ScalarNode && n.Value == "" && isPlain(n):
		return []string{}
	default:
		hint := ""
		if n.Kind == yaml.ScalarNode && yamlscalar.IsNull(n.Value) {
			hint = "; write [] or remove the key"
		}
		p.add(field, n.Line, "expected a list of strings, found "+describe(n)+hint)
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for i, c := range n.Content {
		c = deref(c)
		if c.Kind != yaml.ScalarNode {
			p.add(fmt.Sprintf("%s[%d]", field, i), c.Line, "expected a string, found "+kindName(c))
			continue
		}
		out = append(out, c.Value)
	}
	return out
}

// capabilities reads required_capabilities: a list whose items become JSON values first.
func (p *parser) capabilities(n *yaml.Node) []Capability {
	const field = "required_capabilities"
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode && n.Value == "" && isPlain(n) {
		return []Capability{}
	}
	if n.Kind != yaml.SequenceNode {
		hint := ""
		if n.Kind == yaml.ScalarNode && yamlscalar.IsNull(n.Value) {
			hint = "; write [] or remove the key"
		}
		p.add(field, n.Line, "expected a list of capabilities, found "+describe(n)+hint)
		return nil
	}
	out := make([]Capability, 0, len(n.Content))
	for i, c := range n.Content {
		cp, probs := parseCapability(fmt.Sprintf("%s[%d]", field, i), c)
		p.probs = append(p.probs, probs...)
		out = append(out, cp)
	}
	return out
}

// checkText refuses what the gateway's read_to_string and YAML reader refuse before parsing:
// invalid UTF-8 and control characters, located by line and column.
func checkText(data []byte) *Problem {
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return &Problem{Line: line, Msg: fmt.Sprintf("not valid UTF-8 (byte 0x%02x at column %d); plugin.yaml must be UTF-8 text", data[i], col)}
		case !yamlPrintable(r):
			return &Problem{Line: line, Msg: fmt.Sprintf("control character %U at column %d is not allowed in YAML", r, col)}
		}
		if r == '\n' {
			line, col = line+1, 0
		}
		i += size
		col++
	}
	return nil
}

// yamlPrintable is YAML's c-printable set, which libyaml enforces on input.
func yamlPrintable(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0x7e) || r == 0x85 ||
		(r >= 0xa0 && r <= 0xd7ff) || (r >= 0xe000 && r <= 0xfffd) || (r >= 0x10000 && r <= 0x10ffff)
}
