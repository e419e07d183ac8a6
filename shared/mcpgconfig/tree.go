package mcpgconfig

// The merged config tree. Each layer's YAML becomes a tree of nodes that remember where they were
// written; layers are merged the way figment's Figment::merge does (mcpg src/config/mod.rs
// load_sources): mappings union key by key, recursively; anything else — a sequence, a scalar, a
// null, or a mapping meeting a non-mapping — is replaced wholesale by the later layer.
//
// Scalars keep their YAML text and style; they are typed (null, bool, int, float, string) the way
// serde_yaml 0.9's deserialize_any types them, because figment reads every layer into its own
// untyped Value first and only then extracts the typed config (so `id: 123` is a number, which a
// String field refuses).

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mcpg-dev/mcpg-plugins/shared/yamlscalar"
	yaml "go.yaml.in/yaml/v3"
)

type nodeKind int

const (
	kNull nodeKind = iota
	kBool
	kInt // integer (Num); big holds the value
	kFloat
	kString
	kMap
	kSeq
)

type mapEntry struct {
	key    string
	keyPos Pos
	val    *node
}

type node struct {
	kind nodeKind
	pos  Pos
	str  string   // kString: the text; other scalars: the source text
	b    bool     // kBool
	i    *big.Int // kInt
	f    float64  // kFloat
	m    []*mapEntry
	seq  []*node
}

func (n *node) get(key string) *node {
	if n == nil || n.kind != kMap {
		return nil
	}
	for _, e := range n.m {
		if e.key == key {
			return e.val
		}
	}
	return nil
}

func (n *node) entry(key string) *mapEntry {
	if n == nil || n.kind != kMap {
		return nil
	}
	for _, e := range n.m {
		if e.key == key {
			return e
		}
	}
	return nil
}

// set inserts or replaces key (keeping the first position of the key's order, as a BTreeMap does
// not care about order anyway).
func (n *node) set(key string, keyPos Pos, v *node) {
	if e := n.entry(key); e != nil {
		e.val, e.keyPos = v, keyPos
		return
	}
	n.m = append(n.m, &mapEntry{key: key, keyPos: keyPos, val: v})
}

// merge returns a merged with b (b wins), figment's Order::Merge.
func merge(a, b *node) *node {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	if a.kind != kMap || b.kind != kMap {
		return b
	}
	out := &node{kind: kMap, pos: b.pos}
	for _, e := range a.m {
		out.m = append(out.m, &mapEntry{key: e.key, keyPos: e.keyPos, val: e.val})
	}
	for _, e := range b.m {
		if o := out.entry(e.key); o != nil {
			o.val = merge(o.val, e.val)
			o.keyPos = e.keyPos
			continue
		}
		out.m = append(out.m, &mapEntry{key: e.key, keyPos: e.keyPos, val: e.val})
	}
	return out
}

// Limits on one layer's YAML.
const (
	maxDepth     = 128     // nesting of sequences and mappings
	maxExpansion = 200_000 // nodes built from one layer, aliases expanded (billion-laughs guard)
)

// converter turns a yaml.v3 document into nodes.
type converter struct {
	file   string
	budget int
	err    *Diagnostic
}

func (c *converter) fail(n *yaml.Node, msg string) {
	if c.err == nil {
		c.err = &Diagnostic{File: c.file, Line: n.Line, Col: n.Column, Index: -1, Message: msg}
	}
}

func (c *converter) pos(n *yaml.Node) Pos { return Pos{File: c.file, Line: n.Line, Col: n.Column} }

func (c *converter) convert(n *yaml.Node, depth int) *node {
	if c.err != nil {
		return nil
	}
	c.budget--
	if c.budget < 0 {
		c.fail(n, "YAML document too large after expanding aliases (over "+strconv.Itoa(maxExpansion)+" nodes)")
		return nil
	}
	if depth > maxDepth {
		c.fail(n, "YAML nested too deeply (over "+strconv.Itoa(maxDepth)+" levels)")
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return &node{kind: kNull, pos: c.pos(n)}
		}
		return c.convert(n.Content[0], depth)
	case yaml.AliasNode:
		if n.Alias == nil {
			c.fail(n, "unknown anchor")
			return nil
		}
		v := c.convert(n.Alias, depth+1)
		return v
	case yaml.MappingNode:
		out := &node{kind: kMap, pos: c.pos(n)}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			// serde_yaml 0.9 has no merge keys: `<<` is an ordinary key named "<<".
			kd := k
			for kd.Kind == yaml.AliasNode && kd.Alias != nil {
				kd = kd.Alias
			}
			if kd.Kind != yaml.ScalarNode {
				c.fail(k, "invalid type: found "+kindWord(kd)+", expected a string")
				return nil
			}
			val := c.convert(v, depth+1)
			if c.err != nil {
				return nil
			}
			// A duplicate key: figment reads a layer into a BTreeMap, so the later entry wins.
			out.set(kd.Value, c.pos(k), val)
		}
		return out
	case yaml.SequenceNode:
		out := &node{kind: kSeq, pos: c.pos(n)}
		for _, it := range n.Content {
			v := c.convert(it, depth+1)
			if c.err != nil {
				return nil
			}
			out.seq = append(out.seq, v)
		}
		return out
	case yaml.ScalarNode:
		return c.scalar(n)
	}
	c.fail(n, "unsupported YAML node")
	return nil
}

func kindWord(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "map"
	case yaml.SequenceNode:
		return "sequence"
	}
	return "scalar"
}

// scalar types a scalar as serde_yaml 0.9 deserialize_any does: quoted scalars are strings; plain
// ones are null, bool, int, float (YAML 1.2 core schema with serde_yaml's spellings) or strings;
// explicit core tags force the type.
func (c *converter) scalar(n *yaml.Node) *node {
	p := c.pos(n)
	s := n.Value
	tag := ""
	if n.Style&yaml.TaggedStyle != 0 {
		tag = n.Tag
	}
	quoted := n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0
	switch tag {
	case "!!str":
		return &node{kind: kString, pos: p, str: s}
	case "!!null":
		if s == "" || yamlscalar.IsNull(s) {
			return &node{kind: kNull, pos: p, str: s}
		}
		c.fail(n, fmt.Sprintf("invalid value: string %q, expected null", s))
		return nil
	case "!!bool":
		if b, ok := yamlscalar.Bool(s); ok {
			return &node{kind: kBool, pos: p, str: s, b: b}
		}
		c.fail(n, fmt.Sprintf("invalid value: string %q, expected a boolean", s))
		return nil
	case "!!int":
		if i, ok := yamlscalar.Int(s); ok {
			return &node{kind: kInt, pos: p, str: s, i: i}
		}
		c.fail(n, fmt.Sprintf("invalid value: string %q, expected an integer", s))
		return nil
	case "!!float":
		if f, ok := floatText(s); ok {
			return &node{kind: kFloat, pos: p, str: s, f: f}
		}
		if i, ok := yamlscalar.Int(s); ok {
			f, _ := new(big.Float).SetInt(i).Float64()
			return &node{kind: kFloat, pos: p, str: s, f: f}
		}
		c.fail(n, fmt.Sprintf("invalid value: string %q, expected a float", s))
		return nil
	case "", "!":
	default:
		if strings.HasPrefix(tag, "!!") {
			// other core tags (!!binary, !!timestamp, …): serde_yaml keeps the text as a string
			return &node{kind: kString, pos: p, str: s}
		}
		// A local tag (`!foo value`) is an externally tagged enum to serde_yaml; figment's Value
		// reads it as a one-key map {foo: value}.
		inner := c.scalarUntagged(n, quoted)
		return &node{kind: kMap, pos: p, m: []*mapEntry{{key: strings.TrimPrefix(tag, "!"), keyPos: p, val: inner}}}
	}
	return c.scalarUntagged(n, quoted)
}

func (c *converter) scalarUntagged(n *yaml.Node, quoted bool) *node {
	p := c.pos(n)
	s := n.Value
	if quoted {
		return &node{kind: kString, pos: p, str: s}
	}
	if s == "" || yamlscalar.IsNull(s) {
		return &node{kind: kNull, pos: p, str: s}
	}
	if b, ok := yamlscalar.Bool(s); ok {
		return &node{kind: kBool, pos: p, str: s, b: b}
	}
	if i, ok := yamlscalar.Int(s); ok {
		return &node{kind: kInt, pos: p, str: s, i: i}
	}
	if f, ok := floatText(s); ok {
		return &node{kind: kFloat, pos: p, str: s, f: f}
	}
	return &node{kind: kString, pos: p, str: s}
}

// floatText is serde_yaml 0.9's float reading (shared/yamlscalar); as this tree reads them a float
// is never spelt with a leading zero (digits_but_not_number), even under !!float.
func floatText(s string) (float64, bool) {
	if yamlscalar.LeadingZeroDigits(s) {
		return 0, false
	}
	return yamlscalar.Float(s)
}

// parseLayer reads one layer's YAML into a tree. A layer holds one document (serde_yaml refuses
// more: "deserializing from YAML containing more than one document is not supported"); an empty
// document is an empty layer.
func parseLayer(file string, data []byte) (*node, *Diagnostic) {
	if !utf8Valid(data) {
		line, col := firstBadUTF8(data)
		return nil, &Diagnostic{File: file, Line: line, Col: col, Index: -1,
			Message: "invalid UTF-8 in YAML layer (the gateway reads configs as UTF-8 text)"}
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	var docs []*yaml.Node
	for {
		var d yaml.Node
		err := dec.Decode(&d)
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			line := 0
			msg := err.Error()
			if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
				line, _ = strconv.Atoi(m[1])
				msg = yamlLineRe.ReplaceAllString(msg, "")
			}
			msg = strings.TrimPrefix(msg, "yaml: ")
			return nil, &Diagnostic{File: file, Line: line, Col: 0, Index: -1, Message: "invalid YAML: " + msg}
		}
		docs = append(docs, &d)
		if len(docs) > 1 {
			return nil, &Diagnostic{File: file, Line: d.Line, Col: d.Column, Index: -1,
				Message: "deserializing from YAML containing more than one document is not supported"}
		}
	}
	if len(docs) == 0 {
		return &node{kind: kMap, pos: Pos{File: file, Line: 1, Col: 1}}, nil
	}
	c := &converter{file: file, budget: maxExpansion}
	root := c.convert(docs[0], 0)
	if c.err != nil {
		return nil, c.err
	}
	if root.kind == kNull {
		return &node{kind: kMap, pos: root.pos}, nil
	}
	return root, nil
}

var yamlLineRe = regexp.MustCompile(`line (\d+): `)

func utf8Valid(b []byte) bool { return utf8.Valid(b) }

// firstBadUTF8 returns the 1-based line and column (in bytes) of the first invalid UTF-8 byte.
func firstBadUTF8(b []byte) (line, col int) {
	line, col = 1, 1
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			return line, col
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		b = b[size:]
	}
	return line, col
}
