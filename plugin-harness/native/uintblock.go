package native

// Flat config blocks of unsigned integers, as the gateway's config loader reads them: the
// ffi_limits block of a native plugin entry (ffilimits.go) and the limits block of a Wasm one
// (../wasm/limits.go). JSON or YAML, a mapping of known fields, each a non-negative integer or
// null for its default; an unknown field is refused (the gateway's structs deny unknown fields).

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// UintField is one field of a block: its name, its largest value, the default null keeps, and
// where the value read goes.
type UintField struct {
	Name    string
	Max     uint64
	Default uint64
	Value   *uint64
}

// ParseUintBlock reads data into fields; block names the block in errors. Each field's Value is
// set to its Default first. An empty or null document leaves the defaults.
func ParseUintBlock(data []byte, block string, fields []UintField) error {
	for _, f := range fields {
		*f.Value = f.Default
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc, next yaml.Node
	if err := dec.Decode(&doc); err == io.EOF {
		return nil // nothing but blanks or comments
	} else if err != nil {
		return fmt.Errorf("not JSON or YAML: %v", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	// One document, and nothing after it (yaml.v3 reads `{"a": 1} x` as the mapping alone).
	if err := dec.Decode(&next); err != io.EOF {
		if err == nil {
			return errors.New("more than one YAML document: the block is one mapping")
		}
		return fmt.Errorf("not JSON or YAML: text after the %s block: %v", block, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil
	}
	m := unalias(doc.Content[0])
	if m.Kind == yaml.ScalarNode && m.ShortTag() == "!!null" {
		return nil
	}
	if m.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: expected a mapping of %s fields (%s), found %s", m.Line, block, fieldNames(fields), describeNode(m))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := unalias(m.Content[i]), unalias(m.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: expected a field name, found %s", k.Line, describeNode(k))
		}
		var field *UintField
		for j := range fields {
			if fields[j].Name == k.Value && k.ShortTag() == "!!str" {
				field = &fields[j]
			}
		}
		if field == nil {
			return fmt.Errorf("line %d: unknown field %q: %s takes only %s", k.Line, clip(k.Value), block, fieldNames(fields))
		}
		if seen[k.Value] {
			return fmt.Errorf("line %d: duplicate field %q", k.Line, k.Value)
		}
		seen[k.Value] = true
		if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" {
			continue // None: the default stays
		}
		var n uint64
		// YAML 1.1's 1_000 is not an integer to the gateway's YAML 1.2 parser.
		if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" || strings.Contains(v.Value, "_") || v.Decode(&n) != nil || n > field.Max {
			upTo := ""
			if field.Max != 1<<64-1 {
				upTo = fmt.Sprintf(" up to %d", field.Max)
			}
			found := describeNode(v)
			if strings.Contains(v.Value, "_") && v.Kind == yaml.ScalarNode {
				found = fmt.Sprintf("string %q", clip(v.Value))
			}
			return fmt.Errorf("line %d: %s: expected a non-negative integer%s (or null for the default %d), found %s",
				v.Line, k.Value, upTo, field.Default, found)
		}
		*field.Value = n
	}
	return nil
}

// fieldNames lists the fields as "a, b and c".
func fieldNames(fields []UintField) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// unalias follows YAML aliases (bounded: the parser refuses alias cycles and expansion bombs).
func unalias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a sequence"
	case yaml.ScalarNode:
		kind := strings.TrimPrefix(n.ShortTag(), "!!")
		switch kind {
		case "str":
			kind = "string"
		case "int":
			kind = "integer"
		case "bool":
			kind = "boolean"
		}
		return fmt.Sprintf("%s %q", kind, clip(n.Value))
	}
	return "an unsupported YAML node"
}
