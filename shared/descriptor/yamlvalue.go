package descriptor

// This file reproduces how serde_yaml 0.9 (the gateway's YAML layer) reads scalars, checked
// against serde_yaml 0.9.34 itself (testdata/serde_yaml_0.9.txtar and scalar_test.go):
//
//   - Into a String field (deserialize_str) every scalar is taken as its text, whatever its style or
//     tag: `id: 123` → "123", `name: true` → "true", `protocol_version: 1.0` → "1.0", `name: ~` →
//     "~", `name:` → "", `!!binary aGk=` → "aGk=". Lists and mappings are type errors.
//   - Option<String> (license) is None for a plain, untagged null ("", ~, null, Null, NULL) or a
//     `!!null`-tagged null, else Some(text).
//   - Vec fields accept a sequence or an empty plain scalar (`tags:` → []); null (`~`) and any other
//     scalar are type errors. Tags on the sequence are ignored.
//   - Enum fields (class, runtime) take the scalar's text as the variant; a local tag `!tool_gate`
//     names the variant itself and then the value must be a plain null.
//   - Untyped values (required_capabilities items, read as serde_json::Value) resolve plain scalars
//     with YAML 1.2 core-schema rules (yamlJSON below); `!!int`/`!!bool`/`!!float`/`!!null` force a
//     type, local tags (`!foo`) are errors, and the result must be representable in JSON.
//
// yaml.v3 resolves scalars with its own, YAML-1.1-flavoured rules (it calls 0123 and 1_000
// integers), so this file never uses yaml.v3's implicit tags, only the text, the style and an
// explicit tag (Style&TaggedStyle).

import (
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/yamlscalar"
	yaml "go.yaml.in/yaml/v3"
)

// Limits on the YAML tree. Real descriptors nest 4 levels and use no aliases.
const (
	maxDepth     = 64      // nesting of lists and mappings
	maxExpansion = 100_000 // nodes added by expanding aliases (billion-laughs guard)
)

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

const quotedStyles = yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle | yaml.LiteralStyle | yaml.FoldedStyle

func isPlain(n *yaml.Node) bool { return n.Style&quotedStyles == 0 }

// explicitTag returns the tag written in the source ("" if none). yaml.v3 fills Tag for every node,
// so only TaggedStyle says whether the author wrote it.
func explicitTag(n *yaml.Node) string {
	if n.Style&yaml.TaggedStyle == 0 {
		return ""
	}
	return n.Tag
}

// isLocalTag is true for `!foo` (serde_yaml reads it as an enum variant), false for core `!!x` tags
// and URI tags.
func isLocalTag(tag string) bool { return strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!") }

// isPlainNull is serde_yaml's test for "this untagged plain scalar is null".
func isPlainNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && isPlain(n) && explicitTag(n) == "" && (n.Value == "" || yamlscalar.IsNull(n.Value))
}

func kindName(n *yaml.Node) string {
	switch deref(n).Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.DocumentNode:
		return "a document"
	}
	return "a scalar"
}

// describe says what a node holds, for "found …" in messages, as YAML would type it.
func describe(n *yaml.Node) string {
	n = deref(n)
	if n.Kind != yaml.ScalarNode {
		return kindName(n)
	}
	if tag := explicitTag(n); isLocalTag(tag) {
		return "a value tagged " + clip(tag)
	}
	v, err := scalarJSON(n)
	if err != nil {
		return quote(n.Value)
	}
	return describeJSON(v, n.Value)
}

func describeJSON(v any, text string) string {
	switch v := v.(type) {
	case nil:
		if text == "" {
			return "an empty value (null)"
		}
		return "null (" + clip(text) + ")"
	case bool:
		return "a boolean (" + text + ")"
	case int64, uint64, float64:
		return "a number (" + clip(text) + ")"
	case string:
		return quote(v)
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return "a value"
}

// jsonError is a failure converting YAML to JSON, located at a node.
type jsonError struct {
	node *yaml.Node
	path string // relative to the converted value: "", ".x", "[2]"
	msg  string
}

// yamlJSON converts a node to a JSON value (nil, bool, int64, uint64, float64, string, []any,
// map[string]any) as serde_yaml 0.9 does for serde_json::Value: duplicate mapping keys keep the
// last value, keys are their scalar text, non-scalar keys and local tags are errors.
// The tree was bounded by checkTree, so recursion is safe.
func yamlJSON(n *yaml.Node) (any, *jsonError) {
	n = deref(n)
	if tag := explicitTag(n); isLocalTag(tag) {
		return nil, &jsonError{node: n, msg: fmt.Sprintf("YAML tag %s is not allowed here (expected a plain value)", clip(tag))}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		v, err := scalarJSON(n)
		if err != nil {
			return nil, &jsonError{node: n, msg: err.Error()}
		}
		return v, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			v, err := yamlJSON(c)
			if err != nil {
				err.path = fmt.Sprintf("[%d]%s", i, err.path)
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := deref(n.Content[i])
			if k.Kind != yaml.ScalarNode {
				return nil, &jsonError{node: k, msg: "mapping key must be a string, found " + kindName(k)}
			}
			v, err := yamlJSON(n.Content[i+1])
			if err != nil {
				err.path = "." + clip(k.Value) + err.path
				return nil, err
			}
			out[k.Value] = v
		}
		return out, nil
	}
	return nil, &jsonError{node: n, msg: "unexpected YAML node"}
}

// scalarJSON types one scalar as serde_yaml's deserialize_any does.
func scalarJSON(n *yaml.Node) (any, error) {
	v := n.Value
	switch tag := explicitTag(n); {
	case tag == "!!bool":
		if b, ok := yamlscalar.Bool(v); ok {
			return b, nil
		}
		return nil, fmt.Errorf("YAML tag !!bool needs true or false, found %s", quote(v))
	case tag == "!!int":
		x, ok, err := parseInt(v)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("YAML tag !!int needs an integer, found %s", quote(v))
		}
		return x, nil
	case tag == "!!float":
		if f, ok := yamlscalar.Float(v); ok {
			return jsonFloat(f), nil
		}
		return nil, fmt.Errorf("YAML tag !!float needs a number, found %s", quote(v))
	case tag == "!!null":
		if yamlscalar.IsNull(v) {
			return nil, nil
		}
		return nil, fmt.Errorf("YAML tag !!null needs ~ or null, found %s", quote(v))
	case isLocalTag(tag):
		return nil, fmt.Errorf("YAML tag %s is not allowed here (expected a plain value)", clip(tag))
	case tag != "" || !isPlain(n):
		return v, nil // !!str, !!binary, !!timestamp, URI tags, quoted and block scalars: text
	}
	if v == "" || yamlscalar.IsNull(v) {
		return nil, nil
	}
	if b, ok := yamlscalar.Bool(v); ok {
		return b, nil
	}
	x, ok, err := parseInt(v)
	if err != nil {
		return nil, err
	}
	if ok {
		return x, nil
	}
	if !yamlscalar.LeadingZeroDigits(v) {
		if f, ok := yamlscalar.Float(v); ok {
			return jsonFloat(f), nil
		}
	}
	return v, nil
}

// jsonFloat maps what serde_json cannot hold (NaN, ±Inf) to null, as serde_json::Value does.
func jsonFloat(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return f
}

var (
	two64  = new(big.Int).Lsh(big.NewInt(1), 64)
	minI64 = big.NewInt(math.MinInt64)
)

// parseInt reads serde_yaml's integers (yamlscalar.Int) as serde_json holds them: a u64 or an i64.
// Values beyond 64 bits but within 128 are an error (serde_json cannot hold them); beyond 128 bits
// the scalar is not an integer (it may still be a float).
func parseInt(s string) (v any, ok bool, err error) {
	x, ok := yamlscalar.Int(s)
	switch {
	case !ok:
		return nil, false, nil
	case x.Sign() >= 0 && x.Cmp(two64) < 0:
		return x.Uint64(), true, nil
	case x.Sign() < 0 && x.Cmp(minI64) >= 0:
		return x.Int64(), true, nil
	}
	return nil, false, fmt.Errorf("number %s is out of range (the gateway reads it as a 64-bit JSON number)", quote(s))
}

// treeError is a problem with the shape of the whole YAML tree.
type treeError struct {
	line int
	msg  string
}

// checkTree bounds nesting depth and alias expansion, and refuses self-referencing aliases, in
// time linear in the literal tree: each anchored node's expanded size is computed once.
func checkTree(root *yaml.Node) *treeError {
	type size struct{ nodes, height int }
	memo := map[*yaml.Node]size{}
	active := map[*yaml.Node]bool{}
	literal := 0
	var walk func(n *yaml.Node, depth int) (size, *treeError)
	walk = func(n *yaml.Node, depth int) (size, *treeError) {
		if depth > maxDepth {
			return size{}, &treeError{n.Line, fmt.Sprintf("lists and mappings nest deeper than %d levels", maxDepth)}
		}
		if n.Kind == yaml.AliasNode {
			t := n.Alias
			if t == nil {
				return size{}, &treeError{n.Line, "alias *" + clip(n.Value) + " has no anchor"}
			}
			if active[t] {
				return size{}, &treeError{n.Line, "alias *" + clip(n.Value) + " refers to a node that contains it"}
			}
			s, ok := memo[t]
			if !ok {
				// Forward references cannot occur in YAML; walk defensively anyway.
				var err *treeError
				if s, err = walk(t, depth); err != nil {
					return size{}, err
				}
			}
			if depth+s.height > maxDepth {
				return size{}, &treeError{n.Line, fmt.Sprintf("alias *%s makes lists and mappings nest deeper than %d levels", clip(n.Value), maxDepth)}
			}
			return s, nil
		}
		literal++
		active[n] = true
		s := size{nodes: 1}
		for _, c := range n.Content {
			cs, err := walk(c, depth+1)
			if err != nil {
				return size{}, err
			}
			s.nodes += cs.nodes
			s.height = max(s.height, cs.height+1)
			if s.nodes-literal > maxExpansion {
				return size{}, &treeError{c.Line, fmt.Sprintf("YAML aliases expand to more than %d nodes (alias bomb?)", maxExpansion)}
			}
		}
		delete(active, n)
		if n.Anchor != "" {
			memo[n] = s
		}
		return s, nil
	}
	_, err := walk(root, 0)
	return err
}
