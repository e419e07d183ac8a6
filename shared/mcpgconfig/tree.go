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
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

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
	yd := &ydoc{root: fromV4(&doc, map[*yaml.Node]*ynode{}), events: countEvents(&doc)}
	// serde_yaml deserializes the first document before it looks for a second; a second one, even
	// an empty or a broken one, is refused.
	var next yaml.Node
	if err := loader.Load(&next); !errors.Is(err, io.EOF) {
		yd.more, yd.moreLine, yd.moreCol = true, next.Line, next.Column
		var le *yaml.LoadError
		if errors.As(err, &le) {
			yd.moreLine, yd.moreCol = le.Mark.Line, le.Mark.Column
		}
	}
	return readDoc(file, yd)
}

// fromV4 turns a go-yaml node into the events' tree, with libyaml's tags and styles.
func fromV4(n *yaml.Node, seen map[*yaml.Node]*ynode) *ynode {
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		return fromV4(n.Content[0], seen)
	}
	if y, ok := seen[n]; ok {
		return y
	}
	y := &ynode{line: n.Line, col: n.Column, value: n.Value, style: plainStyle}
	seen[n] = y
	switch {
	case n.Tag == "!":
		y.tag = "!"
	case n.Style&yaml.TaggedStyle == 0:
	case strings.HasPrefix(n.Tag, "!!"):
		y.tag = coreTag + n.Tag[2:]
	default:
		y.tag = n.Tag
	}
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		y.style = doubleQuotedStyle
	case n.Style&yaml.SingleQuotedStyle != 0:
		y.style = singleQuotedStyle
	case n.Style&yaml.LiteralStyle != 0:
		y.style = literalStyle
	case n.Style&yaml.FoldedStyle != 0:
		y.style = foldedStyle
	}
	switch n.Kind {
	case yaml.AliasNode:
		y.kind, y.target = yAlias, fromV4(n.Alias, seen)
	case yaml.SequenceNode:
		y.kind = ySeq
	case yaml.MappingNode:
		y.kind = yMap
	}
	for _, c := range n.Content {
		y.content = append(y.content, fromV4(c, seen))
	}
	return y
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
