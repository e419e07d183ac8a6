package mcpgconfig

// Typed decoding of the merged tree, with the errors figment's extract() gives for the gateway's
// serde structs (figment 0.10 src/error.rs Kind's Display: "invalid type: found unsigned int `5`,
// expected a string", "unknown field: found `x`, expected `one of `a`, `b``", "missing field `id`",
// "unknown variant: found `x`, expected `one of …`", "invalid value signed int `-1`, expected u64").
// figment adds ` for key "default.<path>"` and ` in <file> YAML file`; we keep the first and
// replace the second with the diagnostic's position.

import (
	"encoding/json"
	"fmt"
	"github.com/mcpg-dev/mcpg-plugins/shared/rustfmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

type decoder struct {
	workDir       string
	requireAnchor bool // gateway.plugin_registry.require_integrity_anchor
	diags         []Diagnostic
	index         int    // current plugins[] index, -1 outside
	alias         string // current alias
	// positional maps a struct field read from a sequence element ("plugins[1].id") to figment's
	// key for it, which names the element's index ("default.plugins.1.0").
	positional map[string]string
}

// keyPath renders a field path ("plugins[0].kind") as figment's key ("default.plugins.0.kind").
func (d *decoder) keyPath(path string) string {
	for p := path; p != ""; {
		if k, ok := d.positional[p]; ok {
			return k + indexRe.ReplaceAllString(path[len(p):], ".$1")
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return "default." + indexRe.ReplaceAllString(path, ".$1")
}

// indexRe matches the sequence indexes of our field names ("plugins[2]"); a key's own brackets
// ("s]ource") are not indexes.
var indexRe = regexp.MustCompile(`\[(\d+)\]`)

func (d *decoder) add(sev Severity, pos Pos, field, msg string) {
	d.diags = append(d.diags, Diagnostic{File: pos.File, Line: pos.Line, Col: pos.Col, Severity: sev,
		Index: d.index, Alias: d.alias, Field: field, Message: msg})
}

// serdeErr records a figment extraction error at n's position.
func (d *decoder) serdeErr(n *node, pos Pos, field, kindMsg string) {
	d.serdeErrKey(n, pos, field, field, kindMsg)
}

// serdeErrAt records a figment extraction error whose figment key is given as is.
func (d *decoder) serdeErrAt(pos Pos, field, key, kindMsg string) {
	if strings.HasPrefix(pos.File, "$") {
		// figment's Env provider names the key in upper case, without the profile
		key = strings.ToUpper(strings.TrimPrefix(key, "default."))
	}
	d.add(SeverityError, pos, field, kindMsg+" for key "+rustfmt.DebugString(key))
}

// serdeErrKey is serdeErr for an error whose figment key (keyField) differs from the diagnostic's
// field: a custom error raised by a field's own deserializer is keyed at that field, not the item.
func (d *decoder) serdeErrKey(n *node, pos Pos, field, keyField, kindMsg string) {
	if n != nil {
		pos = n.pos
	}
	d.serdeErrAt(pos, field, d.keyPath(keyField), kindMsg)
}

// actual renders a node the way figment's Actual does.
func actual(n *node) string {
	switch n.kind {
	case kNull:
		return "unit"
	case kBool:
		return "bool " + strconv.FormatBool(n.b)
	case kInt:
		switch {
		case n.i.Sign() < 0 && !n.i.IsInt64():
			return "integer `" + n.i.String() + "` as i128"
		case n.i.Sign() < 0:
			return "signed int `" + n.i.String() + "`"
		case !n.i.IsUint64():
			return "integer `" + n.i.String() + "` as u128"
		}
		return "unsigned int `" + n.i.String() + "`"
	case kFloat:
		return "float `" + rustFloatString(n.f) + "`"
	case kString:
		return "string " + rustfmt.DebugString(n.str)
	case kMap:
		return "map"
	case kSeq:
		return "sequence"
	}
	return "unknown"
}

func rustFloatString(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "NaN"
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e16 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func (d *decoder) invalidType(n *node, field, expected string) {
	d.serdeErr(n, n.pos, field, "invalid type: found "+actual(n)+", expected "+expected)
}

func (d *decoder) str(n *node, field string) (string, bool) {
	if n.kind == kString {
		return n.str, true
	}
	d.invalidType(n, field, "a string")
	return "", false
}

// optStr: null is None.
func (d *decoder) optStr(n *node, field string) (*string, bool) {
	if n.kind == kNull {
		return nil, true
	}
	s, ok := d.str(n, field)
	if !ok {
		return nil, false
	}
	return &s, true
}

func (d *decoder) boolean(n *node, field string) (bool, bool) {
	if n.kind == kBool {
		return n.b, true
	}
	d.invalidType(n, field, "a boolean")
	return false, false
}

// uint reads an unsigned integer of the given bits ("u32", "u64", "usize").
func (d *decoder) uint(n *node, field, typ string, bits int) (uint64, bool) {
	if n.kind != kInt {
		d.invalidType(n, field, typ)
		return 0, false
	}
	if n.i.Sign() < 0 || n.i.BitLen() > bits {
		d.serdeErr(n, n.pos, field, "invalid value "+actual(n)+", expected "+typ)
		return 0, false
	}
	return n.i.Uint64(), true
}

func (d *decoder) optUint(n *node, field, typ string, bits int) (*uint64, bool) {
	if n.kind == kNull {
		return nil, true
	}
	v, ok := d.uint(n, field, typ, bits)
	if !ok {
		return nil, false
	}
	return &v, true
}

// structMap checks a mapping for a struct (with deny_unknown_fields, every key must be one of
// fields; the unknown ones are reported). It returns false, after recording the error, only when
// *np is not a mapping; the known fields of a mapping with unknown ones are still decoded so that
// their problems are reported too.
//
// A sequence is read the way serde's derived visit_seq reads it: positionally, in field order,
// extra elements ignored; too few for the required fields is "invalid length N, expected struct X
// with M elements" (checked against figment 0.10.19). *np is replaced by the equivalent mapping.
func (d *decoder) structMap(np **node, field, name string, fields []string, denyUnknown bool) bool {
	n := *np
	if n.kind == kSeq {
		if len(n.seq) < requiredFields[name] {
			d.serdeErr(n, n.pos, field, fmt.Sprintf("invalid length %d, expected struct %s with %d elements", len(n.seq), name, len(fields)))
			return false
		}
		m := &node{kind: kMap, pos: n.pos}
		if d.positional == nil {
			d.positional = map[string]string{}
		}
		for i, v := range n.seq {
			if i < len(fields) {
				m.m = append(m.m, &mapEntry{key: fields[i], keyPos: v.pos, val: v})
				d.positional[join(field, fields[i])] = d.keyPath(field) + "." + strconv.Itoa(i)
			}
		}
		*np = m
		return true
	}
	if n.kind != kMap {
		d.invalidType(n, field, "struct "+name)
		return false
	}
	if denyUnknown {
		for _, e := range n.m {
			if !contains(fields, e.key) {
				d.serdeErrAt(e.keyPos, join(field, e.key), d.keyPath(field)+"."+e.key,
					"unknown field: found `"+e.key+"`, expected `"+oneOf(fields)+"`")
			}
		}
	}
	return true
}

// requiredFields counts the leading fields without a serde default (they come first in each of
// these structs).
var requiredFields = map[string]int{
	"PluginEntryConfig": 1, "PluginRegistryMirrorConfig": 1, "TrustedKeyConfig": 2,
}

func (d *decoder) missing(n *node, field, name string) {
	d.serdeErr(n, n.pos, field, "missing field `"+name+"`")
}

// oneOf is figment's OneOf display: "none", "`a`", "`a` or `b`", "one of `a`, `b`, `c`".
func oneOf(alts []string) string {
	switch len(alts) {
	case 0:
		return "none"
	case 1:
		return "`" + alts[0] + "`"
	case 2:
		return "`" + alts[0] + "` or `" + alts[1] + "`"
	}
	return "one of `" + strings.Join(alts, "`, `") + "`"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// policy reads a SignaturePolicy (rename_all snake_case), a unit enum.
func (d *decoder) policy(n *node, field string) (Policy, bool) {
	v, ok := d.unitEnum(n, field, "SignaturePolicy", []string{"disabled", "warn", "enforce"})
	return Policy(v), ok
}

// unitEnum reads an enum of unit variants as figment's deserialize_enum does (checked against
// figment 0.10.19): a string names the variant; a map names it by its first key in sorted order
// (figment's Dict is a BTreeMap; the other keys are ignored), whose value must be unit; an empty map
// is "expected enum", anything else the wrong type for "enum <name>".
func (d *decoder) unitEnum(n *node, field, name string, variants []string) (string, bool) {
	switch n.kind {
	case kString:
		if contains(variants, n.str) {
			return n.str, true
		}
		d.serdeErr(n, n.pos, field, "unknown variant: found `"+n.str+"`, expected `"+oneOf(variants)+"`")
		return "", false
	case kMap:
		if len(n.m) == 0 {
			d.serdeErr(n, n.pos, field, "invalid type: found map, expected enum")
			return "", false
		}
		first := n.m[0]
		for _, e := range n.m[1:] {
			if e.key < first.key {
				first = e
			}
		}
		if !contains(variants, first.key) {
			d.serdeErrAt(first.keyPos, join(field, first.key), d.keyPath(field)+"."+first.key,
				"unknown variant: found `"+first.key+"`, expected `"+oneOf(variants)+"`")
			return "", false
		}
		if first.val.kind != kNull {
			d.serdeErrAt(first.val.pos, join(field, first.key), d.keyPath(field)+"."+first.key,
				"invalid type: found "+actual(first.val)+", expected unit")
			return "", false
		}
		return first.key, true
	}
	d.invalidType(n, field, "enum "+name)
	return "", false
}

// jsonNumbers reports whether n can become a serde_json::Value: an integer beyond i64 and u64 (a
// u128 or i128 to serde_yaml) cannot, and figment reports the first one, in its key order, as
// "JSON number out of range" keyed at that value (checked against figment 0.10.19).
func (d *decoder) jsonNumbers(n *node, field string) bool {
	var walk func(n *node, key string) bool
	walk = func(n *node, key string) bool {
		switch n.kind {
		case kInt:
			if !n.i.IsInt64() && !n.i.IsUint64() {
				d.serdeErrAt(n.pos, field, key, "JSON number out of range")
				return false
			}
		case kSeq:
			for i, v := range n.seq {
				if !walk(v, key+"."+strconv.Itoa(i)) {
					return false
				}
			}
		case kMap:
			entries := append([]*mapEntry(nil), n.m...)
			sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
			for _, e := range entries {
				if !walk(e.val, key+"."+e.key) {
					return false
				}
			}
		}
		return true
	}
	return walk(n, d.keyPath(field))
}

// toJSON converts a subtree to JSON the way figment Value → serde_json::Value does.
func toJSON(n *node) any {
	switch n.kind {
	case kNull:
		return nil
	case kBool:
		return n.b
	case kInt:
		return json.Number(n.i.String())
	case kFloat:
		if math.IsInf(n.f, 0) || math.IsNaN(n.f) {
			return nil // serde_json has no NaN/inf: Value::Null
		}
		return n.f
	case kString:
		return n.str
	case kSeq:
		out := make([]any, 0, len(n.seq))
		for _, v := range n.seq {
			out = append(out, toJSON(v))
		}
		return out
	case kMap:
		out := make(map[string]any, len(n.m))
		for _, e := range n.m {
			out[e.key] = toJSON(e.val)
		}
		return out
	}
	return nil
}
