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
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mcpg-dev/mcpg-plugins/shared/yamlscalar"
	yaml "go.yaml.in/yaml/v4"
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

// Limits on one layer's YAML. The first two are serde_yaml 0.9's own (de.rs): 128 nested
// collections, and at most 100 alias expansions per event of the document. The third is ours, a
// memory bound the gateway does not have.
const (
	maxDepth        = 128
	jumpsPerEvent   = 100
	maxExpansion    = 200_000 // nodes built from one layer, aliases expanded
	expansionReason = "YAML document too large after expanding aliases (over 200000 nodes; a limit of this tool, not the gateway's)"
)

// converter turns a YAML document into nodes the way figment reads a layer: serde_yaml 0.9
// deserializes it into figment's Value, so its errors carry serde_yaml's path ("plugins[0].id") and
// mark, and its limits apply.
type converter struct {
	file     string
	budget   int // nodes left (maxExpansion)
	jumps    int // aliases followed so far
	maxJumps int
	err      *Diagnostic
}

func (c *converter) fail(n *yaml.Node, msg string) {
	if c.err == nil {
		c.err = &Diagnostic{File: c.file, Line: n.Line, Col: n.Column, Index: -1, Message: msg}
	}
}

// failAt records serde_yaml's Message error as it prints it: the path unless it is the root, the
// message, and the node's mark unless it is the very start of the file.
func (c *converter) failAt(n *yaml.Node, path, msg string) {
	if path != "." {
		msg = path + ": " + msg
	}
	c.fail(n, msg+markSuffix(n.Line, n.Column))
}

func (c *converter) pos(n *yaml.Node) Pos { return Pos{File: c.file, Line: n.Line, Col: n.Column} }

// markSuffix is serde_yaml's " at line L column C", left out at line 1 column 1 (libyaml's zero mark).
func markSuffix(line, col int) string {
	if line <= 1 && col <= 1 {
		return ""
	}
	return fmt.Sprintf(" at line %d column %d", line, col)
}

// serde_yaml's Path display: "." for the root, "key", "parent.key", "parent[3]", "parent.?" for a
// value under a key that is not a scalar.
func childPath(parent, key string) string {
	if parent == "." {
		return key
	}
	return parent + "." + key
}

func indexPath(parent string, i int) string { return parent + "[" + strconv.Itoa(i) + "]" }

// follow resolves an alias as serde_yaml's jump does, counting it against the repetition limit.
func (c *converter) follow(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			c.fail(n, "unknown anchor"+markSuffix(n.Line, n.Column))
			return nil
		}
		c.jumps++
		if c.jumps > c.maxJumps {
			c.fail(n, "repetition limit exceeded")
			return nil
		}
		n = n.Alias
	}
	return n
}

// enumTag is the tag serde_yaml reads as an externally tagged enum: a local tag ("!foo" gives
// "foo") or the non-specific "!" (which stays "!"). Core tags ("!!str") and global ones
// ("tag:example.com,2000:x") are not.
func enumTag(n *yaml.Node) (string, bool) {
	switch t := n.Tag; {
	case t == "!":
		return "!", true
	case n.Style&yaml.TaggedStyle != 0 && strings.HasPrefix(t, "!") && !strings.HasPrefix(t, "!!"):
		return t[1:], true
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

// convert reads n at path; depth counts the collections around it.
func (c *converter) convert(n *yaml.Node, path string, depth int) *node {
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

// untagged reads n ignoring an enum tag already taken (serde_yaml's tagged_already).
func (c *converter) untagged(n *yaml.Node, path string, depth int, taggedAlready bool) *node {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return &node{kind: kNull, pos: c.pos(n)}
		}
		return c.convert(n.Content[0], path, depth)
	case yaml.MappingNode, yaml.SequenceNode:
		if depth >= maxDepth {
			c.fail(n, "recursion limit exceeded"+markSuffix(n.Line, n.Column))
			return nil
		}
		if n.Kind == yaml.SequenceNode {
			out := &node{kind: kSeq, pos: c.pos(n)}
			for i, it := range n.Content {
				v := c.convert(it, indexPath(path, i), depth+1)
				if c.err != nil {
					return nil
				}
				out.seq = append(out.seq, v)
			}
			return out
		}
		out := &node{kind: kMap, pos: c.pos(n)}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			// figment's Dict has string keys: serde_yaml's deserialize_str takes any scalar's text
			// (tags ignored) and follows an alias. serde_yaml 0.9 has no merge keys: `<<` is an
			// ordinary key.
			kd := c.follow(k)
			if kd == nil {
				return nil
			}
			if kd.Kind != yaml.ScalarNode {
				c.failAt(k, path, "invalid type: "+kindWord(kd)+", expected a string")
				return nil
			}
			val := c.convert(v, childPath(path, kd.Value), depth+1)
			if c.err != nil {
				return nil
			}
			// A duplicate key: figment reads a layer into a BTreeMap, so the later entry wins.
			out.set(kd.Value, c.pos(k), val)
		}
		return out
	case yaml.ScalarNode:
		return c.scalar(n, path, taggedAlready)
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

// scalar types a scalar as serde_yaml 0.9's visit_scalar does: a core tag (!!bool, !!int,
// !!float, !!null) forces the type or fails; a plain scalar untagged, or under an enum tag already
// taken, is typed from its text (YAML 1.2 core schema with serde_yaml's spellings); anything else
// (quoted, block, !!str, !!binary, a global tag) is a string.
func (c *converter) scalar(n *yaml.Node, path string, taggedAlready bool) *node {
	p := c.pos(n)
	s := n.Value
	plain := isPlain(n)
	invalid := func(expected string) *node {
		c.failAt(n, path, fmt.Sprintf("invalid value: string %q, expected %s", s, expected))
		return nil
	}
	if n.Style&yaml.TaggedStyle != 0 && !taggedAlready {
		switch n.Tag {
		case "!!null":
			if yamlscalar.IsNull(s) {
				return &node{kind: kNull, pos: p, str: s}
			}
			return invalid("null")
		case "!!bool":
			if b, ok := yamlscalar.Bool(s); ok {
				return &node{kind: kBool, pos: p, str: s, b: b}
			}
			return invalid("a boolean")
		case "!!int":
			if i, ok := yamlscalar.Int(s); ok {
				return &node{kind: kInt, pos: p, str: s, i: i}
			}
			return invalid("an integer")
		case "!!float":
			if f, ok := floatText(s); ok {
				return &node{kind: kFloat, pos: p, str: s, f: f}
			}
			if i, ok := yamlscalar.Int(s); ok {
				f, _ := new(big.Float).SetInt(i).Float64()
				return &node{kind: kFloat, pos: p, str: s, f: f}
			}
			return invalid("a float")
		}
		return &node{kind: kString, pos: p, str: s}
	}
	if !plain {
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

// parseLayer reads one layer's YAML into a tree, as figment's Yaml provider does: the file read as
// UTF-8 text, then serde_yaml::from_str. A layer holds one document; an empty one is an empty layer.
// Errors are worded as the gateway prints them (libyaml's problem and context with their marks,
// serde_yaml's own errors with path and mark).
func parseLayer(file string, data []byte) (*node, *Diagnostic) {
	if !utf8Valid(data) {
		line, col := firstBadUTF8(data)
		// std::fs::read_to_string's error, as figment reports it
		return nil, &Diagnostic{File: file, Line: line, Col: col, Index: -1, Message: "stream did not contain valid UTF-8"}
	}
	budget := maxReparses
	return readLayer(file, data, &budget)
}

// maxReparses bounds the prefixes read again to find the first problem of a broken layer.
const maxReparses = 24

func readLayer(file string, data []byte, reparses *int) (*node, *Diagnostic) {
	loader, err := yaml.NewLoader(bytes.NewReader(data))
	if err != nil {
		return nil, &Diagnostic{File: file, Index: -1, Message: err.Error()}
	}
	var doc yaml.Node
	if err := loader.Load(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &node{kind: kMap, pos: Pos{File: file, Line: 1, Col: 1}}, nil
		}
		return nil, firstProblem(file, data, err, reparses)
	}
	c := &converter{file: file, budget: maxExpansion, maxJumps: jumpsPerEvent * countEvents(&doc)}
	root := c.root(&doc)
	if c.err != nil {
		return nil, c.err
	}
	// serde_yaml deserializes the first document before it looks for a second; a second one, even
	// an empty or a broken one, is refused.
	var next yaml.Node
	if err := loader.Load(&next); !errors.Is(err, io.EOF) {
		line, col := next.Line, next.Column
		var le *yaml.LoadError
		if errors.As(err, &le) {
			line, col = le.Mark.Line, le.Mark.Column
		}
		return nil, &Diagnostic{File: file, Line: line, Col: col, Index: -1,
			Message: "deserializing from YAML containing more than one document is not supported"}
	}
	return root, nil
}

// firstProblem finds what serde_yaml reports for a layer go-yaml cannot parse. libyaml hands
// serde_yaml its events one by one, and its scanner reads no further than its parser needs, so
// the gateway reports the first problem in reading order: a deserialization error (a key that is
// not a string, `!!bool yes`, the wrong type at the top) in the events before the parse error, or
// an earlier parse error go-yaml's look-ahead went past. So the text is cut where the failing
// token starts and the part before it read again: an error there, before the cut, comes first.
func firstProblem(file string, data []byte, err error, reparses *int) *Diagnostic {
	diag := syntaxDiagnostic(file, err)
	var le *yaml.LoadError
	if !errors.As(err, &le) {
		return diag
	}
	if le.Message == "did not find expected <document start>" {
		// libyaml says so only after a first document has ended; serde_yaml reads that document,
		// then refuses the second one it cannot even parse.
		if cut := byteOffset(data, le.Mark.Index); cut > 0 && cut <= len(data) && *reparses > 0 {
			*reparses--
			if _, first := readLayer(file, data[:cut], reparses); first != nil {
				return first
			}
		}
		return &Diagnostic{File: file, Line: le.Mark.Line, Col: le.Mark.Column, Index: -1,
			Message: "deserializing from YAML containing more than one document is not supported"}
	}
	start := le.Mark
	if le.Stage == yaml.ScannerStage && le.ContextMark.Line > 0 {
		start = le.ContextMark // the token being scanned started there
	}
	// Cut where the failing token starts; if nothing comes before that (or the error is at the
	// end of the text), where the construct it was parsing starts, then at the start of the
	// error's line and of the line before.
	lineStart := lineOffset(data, start.Line)
	cuts := []int{byteOffset(data, start.Index), byteOffset(data, le.ContextMark.Index), lineStart, lineOffset(data, start.Line-1)}
	tried := map[int]bool{}
	for i, cut := range cuts {
		if cut <= 0 || cut >= len(data) || tried[cut] || *reparses <= 0 {
			continue
		}
		tried[cut] = true
		*reparses--
		_, earlier := readLayer(file, data[:cut], reparses)
		// a cut at a line start may split a construct: only a deserialization error counts there
		if earlier != nil && earlier.Line > 0 && (i < 2 || !earlier.syntax) &&
			(earlier.Line < start.Line || (earlier.Line == start.Line && earlier.Col < start.Column)) {
			return earlier
		}
	}
	return diag
}

// lineOffset is the byte offset where 1-based line starts (0 for line 1 or before).
func lineOffset(data []byte, line int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return len(data)
		}
		off += i + 1
	}
	return off
}

// byteOffset turns a mark's index (in characters, as libyaml counts them) into a byte offset.
func byteOffset(data []byte, chars int) int {
	off := 0
	for i := 0; i < chars && off < len(data); i++ {
		_, size := utf8.DecodeRune(data[off:])
		off += size
	}
	return off
}

// root reads the document as figment asks serde_yaml for it, deserialize_map into a Dict: a
// mapping (its tag, if any, ignored), or an empty map for an empty document or an empty plain
// scalar; anything else is the wrong type.
func (c *converter) root(doc *yaml.Node) *node {
	if len(doc.Content) == 0 {
		return &node{kind: kMap, pos: Pos{File: c.file, Line: 1, Col: 1}}
	}
	n := doc.Content[0]
	switch n.Kind {
	case yaml.MappingNode:
		return c.untagged(n, ".", 0, false)
	case yaml.ScalarNode:
		if n.Value == "" && isPlain(n) {
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

func isPlain(n *yaml.Node) bool {
	return n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0
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
		return "string " + rustDebugString(n.str)
	case kSeq:
		return "sequence"
	}
	return "map"
}

// countEvents is the number of parser events serde_yaml keeps for a document (a scalar or an
// alias is one, a collection its start and its end), the base of its repetition limit.
func countEvents(n *yaml.Node) int {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return 1 // Event::Void
		}
		return countEvents(n.Content[0])
	case yaml.MappingNode, yaml.SequenceNode:
		total := 2
		for _, c := range n.Content {
			total += countEvents(c)
		}
		return total
	}
	return 1
}

// valueSuffix is the " (value: N)" go-yaml adds to a reader error; libyaml keeps the value apart.
var valueSuffix = regexp.MustCompile(` \(value: -?\d+\)$`)

// syntaxDiagnostic words a parse error as serde_yaml prints libyaml's (libyaml/error.rs): the
// problem, " at line L column C" (or " at position N" when the mark is the file's start), then
// ", <context>" and its mark when it differs. go-yaml marks are 1-based, libyaml's 0-based.
func syntaxDiagnostic(file string, err error) *Diagnostic {
	var le *yaml.LoadError
	if !errors.As(err, &le) {
		return &Diagnostic{File: file, Index: -1, Message: err.Error()}
	}
	msg := valueSuffix.ReplaceAllString(le.Message, "")
	if le.Stage == yaml.ComposerStage && strings.HasPrefix(msg, "unknown anchor") {
		// serde_yaml resolves aliases itself: ErrorImpl::UnknownAnchor(mark)
		return &Diagnostic{File: file, Line: le.Mark.Line, Col: le.Mark.Column, Index: -1,
			Message: "unknown anchor" + markSuffix(le.Mark.Line, le.Mark.Column), syntax: true}
	}
	if ctx, ok := libyamlContext[msg]; ok && le.ContextMsg != "" {
		le.ContextMsg = ctx
	}
	at := func(m yaml.Mark) string {
		if m.Line > 1 || m.Column > 1 {
			return fmt.Sprintf(" at line %d column %d", m.Line, m.Column)
		}
		if m.Index != 0 {
			return fmt.Sprintf(" at position %d", m.Index)
		}
		return ""
	}
	text := msg + at(le.Mark)
	if le.ContextMsg != "" {
		text += ", " + le.ContextMsg
		if (le.ContextMark.Line > 1 || le.ContextMark.Column > 1) && le.ContextMark != le.Mark &&
			(le.ContextMark.Line != le.Mark.Line || le.ContextMark.Column != le.Mark.Column) {
			text += " at line " + strconv.Itoa(le.ContextMark.Line) + " column " + strconv.Itoa(le.ContextMark.Column)
		}
	}
	return &Diagnostic{File: file, Line: le.Mark.Line, Col: le.Mark.Column, Index: -1, Message: text, syntax: true}
}

// libyamlContext holds the contexts libyaml words differently from go-yaml: the escapes of a
// double-quoted scalar are "while parsing a quoted scalar" in libyaml's scanner.c.
var libyamlContext = map[string]string{
	"found unknown escape character":              "while parsing a quoted scalar",
	"did not find expected hexadecimal number":    "while parsing a quoted scalar",
	"found invalid Unicode character escape code": "while parsing a quoted scalar",
}

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
