package mcpgconfig

// Reading a layer's events the way figment does: serde_yaml 0.9 deserializes the document into
// figment's Value (de.rs), so its errors carry serde_yaml's path ("plugins[0].id") and mark, its
// limits apply, its tags mean what they mean to it, and the first problem in event order wins.

import (
	"fmt"
	"github.com/mcpg-dev/mcpg-plugins/shared/rustfmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/yamlscalar"
)

// Limits on one layer's YAML. The first two are serde_yaml 0.9's own (de.rs): 128 nested
// collections, and at most 100 alias expansions per event of the document. The third is ours, a
// memory bound the gateway does not have.
const (
	maxDepth        = 128
	jumpsPerEvent   = 100
	maxExpansion    = 200_000 // nodes built from one layer, aliases expanded
	expansionReason = "YAML document too large after expanding aliases (over 200000 nodes; a limit of this tool, not the gateway's)"
)

const coreTag = "tag:yaml.org,2002:"

type converter struct {
	file     string
	budget   int // nodes left (maxExpansion)
	jumps    int // aliases followed so far
	maxJumps int
	parseErr *Diagnostic // where the document's events stop
	err      *Diagnostic
}

// readDoc turns a composed document into the layer's tree, or the first problem serde_yaml meets.
func readDoc(file string, doc *ydoc) (*node, *Diagnostic) {
	events := doc.events
	if events == 0 {
		events = 1 // Event::Void
	}
	c := &converter{file: file, budget: maxExpansion, maxJumps: jumpsPerEvent * events, parseErr: doc.err}
	root := c.root(doc.root)
	if c.err == nil && doc.err != nil {
		c.err = doc.err // the events stopped after a whole top-level value
	}
	if c.err != nil {
		d := *c.err
		d.File = file
		return nil, &d
	}
	if doc.more {
		return nil, &Diagnostic{File: file, Line: doc.moreLine, Col: doc.moreCol, Index: -1,
			Message: "deserializing from YAML containing more than one document is not supported"}
	}
	return root, nil
}

func (c *converter) fail(n *ynode, msg string) {
	if c.err == nil {
		c.err = &Diagnostic{File: c.file, Line: n.line, Col: n.col, Index: -1, Message: msg}
	}
}

// failAt records serde_yaml's Message error as it prints it: the path unless it is the root, the
// message, and the node's mark unless it is the very start of the file.
func (c *converter) failAt(n *ynode, path, msg string) {
	if path != "." {
		msg = path + ": " + msg
	}
	c.fail(n, msg+markSuffix(n.line, n.col))
}

// reachedParseError: the walk has come to where the events stop.
func (c *converter) reachedParseError() {
	if c.err == nil {
		c.err = c.parseErr
	}
}

func (c *converter) pos(n *ynode) Pos { return Pos{File: c.file, Line: n.line, Col: n.col} }

// serde_yaml's Path display: "." for the root, "key", "parent.key", "parent[3]", "parent.?" for a
// value under a key that is an alias.
func childPath(parent, key string) string {
	if parent == "." {
		return key
	}
	return parent + "." + key
}

func indexPath(parent string, i int) string { return parent + "[" + strconv.Itoa(i) + "]" }

// follow resolves an alias as serde_yaml's jump does, counting it against the repetition limit.
func (c *converter) follow(n *ynode) *ynode {
	for n.kind == yAlias {
		c.jumps++
		if c.jumps > c.maxJumps {
			c.fail(n, "repetition limit exceeded")
			return nil
		}
		n = n.target
	}
	return n
}

// enumTag is the tag serde_yaml reads as an externally tagged enum (parse_tag): one that starts
// with "!" — "!foo" names the variant "foo", a lone "!" names it "!". Core tags
// ("tag:yaml.org,2002:str") and other global ones are not.
func enumTag(n *ynode) (string, bool) {
	switch {
	case n.tag == "!":
		return "!", true
	case strings.HasPrefix(n.tag, "!"):
		return n.tag[1:], true
	}
	return "", false
}

// nest is figment's util::nest: "a.b" wraps v as {a: {b: v}}; an empty segment stops the nesting.
func nest(tag string, p Pos, v *node) *node {
	segs := strings.Split(tag, ".")
	var build func(i int) *node
	build = func(i int) *node {
		if i == len(segs) || segs[i] == "" {
			return v
		}
		return &node{kind: kMap, pos: p, m: []*mapEntry{{key: segs[i], keyPos: p, val: build(i + 1)}}}
	}
	return build(0)
}

// convert reads n at path (deserialize_any); depth counts the collections around it.
func (c *converter) convert(n *ynode, path string, depth int) *node {
	if c.err != nil {
		return nil
	}
	if n = c.follow(n); n == nil {
		return nil
	}
	c.budget--
	if c.budget < 0 {
		c.fail(n, expansionReason)
		return nil
	}
	if tag, ok := enumTag(n); ok {
		v := c.untagged(n, path, depth, true)
		if v == nil {
			return nil
		}
		return nest(tag, c.pos(n), v)
	}
	return c.untagged(n, path, depth, false)
}

// untagged reads n, its enum tag (if any) already taken (serde_yaml's tagged_already).
func (c *converter) untagged(n *ynode, path string, depth int, taggedAlready bool) *node {
	switch n.kind {
	case yScalar:
		return c.scalar(n, path, taggedAlready)
	case ySeq:
		if depth >= maxDepth {
			c.fail(n, "recursion limit exceeded"+markSuffix(n.line, n.col))
			return nil
		}
		out := &node{kind: kSeq, pos: c.pos(n)}
		for i, it := range n.content {
			v := c.convert(it, indexPath(path, i), depth+1)
			if c.err != nil {
				return nil
			}
			out.seq = append(out.seq, v)
		}
		if n.open {
			c.reachedParseError()
			return nil
		}
		return out
	case yMap:
		if depth >= maxDepth {
			c.fail(n, "recursion limit exceeded"+markSuffix(n.line, n.col))
			return nil
		}
		out := &node{kind: kMap, pos: c.pos(n)}
		for i := 0; i < len(n.content); i += 2 {
			k := n.content[i]
			// figment's Dict has string keys: serde_yaml's deserialize_str takes any scalar's text
			// (tags ignored) and follows an alias. serde_yaml 0.9 has no merge keys: `<<` is an
			// ordinary key.
			kd := c.follow(k)
			if kd == nil {
				return nil
			}
			if kd.kind != yScalar {
				c.failAt(kd, path, "invalid type: "+kindWord(kd)+", expected a string") // an alias: the anchored node's mark
				return nil
			}
			if i+1 == len(n.content) {
				c.reachedParseError() // the events stopped between a key and its value
				return nil
			}
			vpath := childPath(path, kd.value)
			if k.kind == yAlias {
				vpath = childPath(path, "?") // serde_yaml knows a key's text only from a scalar event
			}
			val := c.convert(n.content[i+1], vpath, depth+1)
			if c.err != nil {
				return nil
			}
			// A duplicate key: figment reads a layer into a BTreeMap, so the later entry wins.
			out.set(kd.value, c.pos(k), val)
		}
		if n.open {
			c.reachedParseError()
			return nil
		}
		return out
	}
	return nil
}

func kindWord(n *ynode) string {
	switch n.kind {
	case yMap:
		return "map"
	case ySeq:
		return "sequence"
	}
	return "scalar"
}

// scalar types a scalar as serde_yaml 0.9's visit_scalar does: a core tag (!!bool, !!int, !!float,
// !!null) forces the type or fails; a plain scalar with no tag, or under an enum tag, is typed from
// its text (YAML 1.2 core schema with serde_yaml's spellings); anything else (quoted, block, !!str,
// !!binary, a global tag) is a string.
func (c *converter) scalar(n *ynode, path string, taggedAlready bool) *node {
	p := c.pos(n)
	s := n.value
	plain := n.style == plainStyle
	invalid := func(expected string) *node {
		c.failAt(n, path, fmt.Sprintf("invalid value: string %s, expected %s", rustfmt.DebugString(s), expected))
		return nil
	}
	if n.tag != "" && !taggedAlready {
		switch n.tag {
		case coreTag + "null":
			if yamlscalar.IsNull(s) {
				return &node{kind: kNull, pos: p, str: s}
			}
			return invalid("null")
		case coreTag + "bool":
			if b, ok := yamlscalar.Bool(s); ok {
				return &node{kind: kBool, pos: p, str: s, b: b}
			}
			return invalid("a boolean")
		case coreTag + "int":
			if i, ok := yamlscalar.Int(s); ok {
				return &node{kind: kInt, pos: p, str: s, i: i}
			}
			return invalid("an integer")
		case coreTag + "float":
			if f, ok := floatText(s); ok {
				return &node{kind: kFloat, pos: p, str: s, f: f}
			}
			if i, ok := yamlscalar.Int(s); ok {
				f, _ := new(big.Float).SetInt(i).Float64()
				return &node{kind: kFloat, pos: p, str: s, f: f}
			}
			return invalid("a float")
		}
		if !strings.HasPrefix(n.tag, "!") || !plain {
			return &node{kind: kString, pos: p, str: s}
		}
	} else if !plain {
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

// root reads the document as figment asks serde_yaml for it, deserialize_map into a Dict: a
// mapping (its tag, if any, ignored), or an empty map for no document or an empty plain scalar;
// anything else is the wrong type.
func (c *converter) root(n *ynode) *node {
	if n == nil {
		if c.parseErr != nil {
			c.reachedParseError()
			return nil
		}
		return &node{kind: kMap, pos: Pos{File: c.file, Line: 1, Col: 1}}
	}
	switch n.kind {
	case yMap:
		return c.untagged(n, ".", 0, false)
	case yScalar:
		if n.value == "" && n.style == plainStyle {
			return &node{kind: kMap, pos: c.pos(n)}
		}
		_, enum := enumTag(n)
		v := c.scalar(n, ".", enum)
		if v == nil {
			return nil
		}
		c.failAt(n, ".", "invalid type: "+serdeUnexpected(v)+", expected a map")
		return nil
	}
	c.failAt(n, ".", "invalid type: "+kindWord(n)+", expected a map")
	return nil
}

// serdeUnexpected renders a value as serde's Unexpected does in serde_yaml's own errors ("unit
// value", "integer `5`", "floating point `1.0`", "string \"x\"").
func serdeUnexpected(n *node) string {
	switch n.kind {
	case kNull:
		return "unit value"
	case kBool:
		return "boolean `" + strconv.FormatBool(n.b) + "`"
	case kInt:
		switch {
		case n.i.IsUint64() || n.i.IsInt64():
			return "integer `" + n.i.String() + "`"
		case n.i.Sign() < 0:
			return "integer `" + n.i.String() + "` as i128"
		}
		return "integer `" + n.i.String() + "` as u128"
	case kFloat:
		s := rustFloatString(n.f)
		if !math.IsInf(n.f, 0) && !math.IsNaN(n.f) && !strings.Contains(s, ".") {
			s += ".0" // serde's WithDecimalPoint
		}
		return "floating point `" + s + "`"
	case kString:
		return "string " + rustfmt.DebugString(n.str)
	case kSeq:
		return "sequence"
	}
	return "map"
}
