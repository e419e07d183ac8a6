package descriptor

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

var (
	idPattern       = regexp.MustCompile(IDPattern)
	protocolPattern = regexp.MustCompile(`^\d+\.\d+(\.\d+)?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
)

// IDPattern is the plugin.v1 schema's id pattern (stricter than the gateway's is_reverse_dns,
// which also takes '_' and '-' in the first segment).
const IDPattern = `^[a-z][a-z0-9]*(\.[a-z0-9][a-z0-9_-]*)+$`

// ValidID reports whether id matches IDPattern.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// Validate returns every schema-level and load-time problem, warnings included; it never fails on a
// descriptor Parse accepted, it only reports.
//
// It checks the JSON Schema v1 (schema/plugin.v1.json) against the YAML-to-JSON reading of the
// document, as the gateway's own schema tests do, plus what the gateway refuses at load time
// (docs/contract.md §2.5). Severity follows the gateway:
//   - error: the JSON Schema rejects it, or the gateway refuses to load it;
//   - warning: the gateway loads it but the JSON Schema or the docs disagree. An unquoted number in
//     a string field (`protocol_version: 1.0`) is a warning — the gateway reads the text "1.0" —
//     but an unquoted null or boolean (`description:`, `name: true`) is an error: the gateway then
//     reads "" or "true", which is never what was meant.
func (d *Descriptor) Validate() Problems {
	src := d.src
	if src == nil || !reflect.DeepEqual(src.snapshot, d.exported()) {
		src = synthesize(d)
	}
	v := &validator{d: d, src: src}
	v.unknownKeys()
	v.schema()
	v.identity()
	v.classAndRuntime()
	v.protocol()
	v.capabilities()
	v.lists()
	sort.SliceStable(v.probs, func(i, j int) bool { return v.probs[i].Line < v.probs[j].Line })
	return v.probs
}

type validator struct {
	d     *Descriptor
	src   *source
	probs Problems
}

func (v *validator) errorf(path string, n *yaml.Node, format string, args ...any) {
	v.probs = append(v.probs, Problem{Path: path, Line: lineOf(n), Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) warnf(path string, n *yaml.Node, format string, args ...any) {
	v.probs = append(v.probs, Problem{Path: path, Line: lineOf(n), Msg: fmt.Sprintf(format, args...), Warning: true})
}

func lineOf(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}

// at returns the value node of a field, or the document mapping (for its line) when absent.
func (v *validator) at(field string) (*yaml.Node, bool) {
	if n, ok := v.src.values[field]; ok {
		return n, true
	}
	return v.src.root, false
}

func (v *validator) unknownKeys() {
	for _, k := range v.src.unknown {
		name := clip(k.Value)
		switch {
		case name == "version":
			v.errorf(name, k, "unknown key: the descriptor has no version (Cargo.toml is the source of truth; pass --version to pack)")
		case name == "<<":
			v.errorf(name, k, "unknown key: YAML merge keys are not supported by the gateway's YAML reader (the merged fields are ignored)")
		default:
			msg := "unknown key (the gateway ignores it; the JSON Schema allows only " + strings.Join(fields, ", ") + ")"
			if s := suggest(name, fields, map[string]string{"protocol": "protocol_version", "capabilities": "required_capabilities"}); s != "" {
				msg = "unknown key" + didYouMean(s) + "; the gateway ignores it"
			}
			v.errorf(name, k, "%s", msg)
		}
	}
}

// jsonString checks that a field's YAML value reads as a JSON string; it reports false when the
// value is unusable as text (null, boolean, collection, bad tag). Numbers only warn.
func (v *validator) jsonString(path string, n *yaml.Node, what string) bool {
	if (path == "class" || path == "runtime") && isLocalTag(explicitTag(n)) {
		return true // reported by classAndRuntime
	}
	j, err := yamlJSON(n)
	if err != nil {
		v.errorf(path+clip(err.path), err.node, "%s", err.msg)
		return false
	}
	switch j.(type) {
	case string:
		return true
	case int64, uint64, float64:
		v.warnf(path, n, "unquoted %s is a number in YAML: the gateway reads the text %q, but the JSON Schema requires a string; quote it",
			clip(n.Value), clip(n.Value))
		return true
	case nil:
		hint := "quote it or remove the key"
		if strings.HasSuffix(path, "]") {
			hint = "quote it"
		}
		v.errorf(path, n, "expected %s, found %s; %s", what, describeJSON(j, n.Value), hint)
	case bool:
		v.errorf(path, n, "expected %s, found %s; quote it if it is meant as text", what, describeJSON(j, n.Value))
	default:
		v.errorf(path, n, "expected %s, found %s", what, describeJSON(j, n.Value))
	}
	return false
}

func (v *validator) length(path string, n *yaml.Node, s string, lo, hi int) {
	switch c := utf8.RuneCountInString(s); {
	case c < lo && lo == 1:
		v.errorf(path, n, "must not be empty")
	case c < lo:
		v.errorf(path, n, "%s is %d characters; expected %d to %d", quote(s), c, lo, hi)
	case c > hi:
		v.errorf(path, n, "%s is %d characters; expected at most %d", quote(s), c, hi)
	}
}

func (v *validator) schema() {
	n, _ := v.at("schema")
	if v.jsonString("schema", n, "the string "+Schema) && v.d.Schema != Schema {
		v.errorf("schema", n, "schema mismatch: expected %q, found %s", Schema, quote(v.d.Schema))
	}
}

func (v *validator) identity() {
	if n, _ := v.at("id"); v.jsonString("id", n, "a reverse-DNS id") {
		v.length("id", n, v.d.ID, 3, 255)
		if !idPattern.MatchString(v.d.ID) {
			v.errorf("id", n, "%s is not a valid id: expected lowercase dot-separated segments matching %s, at least two (e.g. \"com.example.hello\")",
				quote(v.d.ID), idPattern)
		}
	}
	if n, _ := v.at("name"); v.jsonString("name", n, "a display name") {
		v.length("name", n, v.d.Name, 1, 128)
	}
	if n, ok := v.at("license"); ok && v.jsonString("license", n, "an SPDX license id such as \"Apache-2.0\"") {
		v.length("license", n, v.d.License, 1, 64)
	}
	if n, ok := v.at("description"); ok {
		v.jsonString("description", n, "a string")
	}
}

func (v *validator) classAndRuntime() {
	for _, f := range []string{"class", "runtime"} {
		if n, _ := v.at(f); isLocalTag(explicitTag(n)) {
			v.errorf(f, n, "YAML tag %s stands for %s only to the gateway's YAML reader; the JSON Schema needs a plain string (write %s: %s)",
				clip(n.Tag), quote(strings.TrimPrefix(n.Tag, "!")), f, clip(strings.TrimPrefix(n.Tag, "!")))
		}
	}
	cn, _ := v.at("class")
	if v.jsonString("class", cn, "a plugin class") && !slices.Contains(Classes, v.d.Class) {
		v.errorf("class", cn, "%s is not a plugin class%s", quote(v.d.Class), orList(ClassSuggestion(v.d.Class), Classes))
	}
	rn, _ := v.at("runtime")
	if v.jsonString("runtime", rn, "a runtime") && !slices.Contains(Runtimes, v.d.Runtime) {
		v.errorf("runtime", rn, "%s is not a runtime%s", quote(v.d.Runtime), orList(RuntimeSuggestion(v.d.Runtime), Runtimes))
	}
	switch {
	case v.d.Runtime == RuntimeStatic:
		v.errorf("runtime", rn, "packaged plugins cannot declare runtime %s (expected %s or %s)", RuntimeStatic, RuntimeNative, RuntimeWasm)
	case v.d.IsWasm() && slices.Contains(Classes, v.d.Class) && !WasmClassAllowed(v.d.Class):
		v.errorf("class", cn, "a %s plugin must be %s; found %q (use %s for other classes)",
			RuntimeWasm, strings.Join(WasmClasses, ", "), v.d.Class, RuntimeNative)
	}
}

func orList(suggestion string, all []string) string {
	if suggestion != "" {
		return didYouMean(suggestion)
	}
	return "; expected one of " + strings.Join(all, ", ")
}

func (v *validator) protocol() {
	n, _ := v.at("protocol_version")
	if !v.jsonString("protocol_version", n, `a version string such as "1.0"`) {
		return
	}
	pv := v.d.ProtocolVersion
	switch {
	case !protocolPattern.MatchString(pv):
		v.errorf("protocol_version", n, "%s is not a version: expected MAJOR.MINOR[.PATCH] such as \"1.0\"", quote(pv))
	case !strings.HasPrefix(pv, "1."):
		v.errorf("protocol_version", n, "%s is not supported: the gateway loads only protocol 1.x (e.g. %q)", quote(pv), ProtocolVersion)
	}
}

// list checks that a list field reads as a JSON array and returns its item nodes.
func (v *validator) list(field string) (items []*yaml.Node, ok bool) {
	n, present := v.at(field)
	if !present {
		return nil, false
	}
	j, err := yamlJSON(n)
	switch {
	case err != nil:
		v.errorf(field+clip(err.path), err.node, "%s", err.msg)
		return nil, false
	case j == nil:
		v.errorf(field, n, "expected a list, found %s; write [] or remove the key", describeJSON(j, n.Value))
		return nil, false
	}
	if _, isList := j.([]any); !isList {
		return nil, false // Parse reported it
	}
	return n.Content, true
}

func (v *validator) capabilities() {
	const field = "required_capabilities"
	items, ok := v.list(field)
	if !ok {
		return
	}
	seen := map[string]int{}
	var caps []Capability
	var capIndex []int
	for i, item := range items {
		path := fmt.Sprintf("%s[%d]", field, i)
		c, probs := parseCapability(path, item)
		if len(probs) > 0 {
			v.probs = append(v.probs, probs...) // only for descriptors built in code
			continue
		}
		item = deref(item)
		if item.Kind == yaml.MappingNode {
			v.capabilityKeys(path, item, c.Type)
		}
		j, _ := yamlJSON(item)
		key, _ := json.Marshal(j)
		if first, dup := seen[string(key)]; dup {
			v.errorf(path, item, "duplicate of %s[%d]; items must be unique", field, first)
			continue
		}
		seen[string(key)] = i
		for k, prev := range caps {
			if prev.Equal(c) {
				v.warnf(path, item, "same capability as %s[%d] written another way (%s)", field, capIndex[k], c)
			}
		}
		caps = append(caps, c)
		capIndex = append(capIndex, i)
	}
}

// capabilityKeys applies the schema's additionalProperties: false to a capability object.
func (v *validator) capabilityKeys(path string, n *yaml.Node, kind string) {
	allowed := []string{"type"}
	if f := CapabilityArgField(kind); f != "" {
		allowed = append(allowed, f)
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		switch first, dup := seen[k.Value]; {
		case dup:
			v.errorf(path+"."+clip(k.Value), k, "duplicate key (first on line %d; the gateway keeps the last)", first)
		case !slices.Contains(allowed, k.Value):
			v.errorf(path+"."+clip(k.Value), k, "unexpected key for capability %q (it takes only %s)", kind, strings.Join(allowed, " and "))
		}
		seen[k.Value] = k.Line
	}
}

// lists checks tags, provides and provides_schemes, and the class rules around them.
func (v *validator) lists() {
	v.stringItems("tags", v.d.Tags, 1, 64, nil)
	v.stringItems("provides", v.d.Provides, 0, 0, func(path string, n *yaml.Node, s string) {
		if !slices.Contains(ProvidesRoles, s) {
			v.errorf(path, n, "%s is not a cluster slot role; expected one of %s", quote(s), strings.Join(ProvidesRoles, ", "))
		}
	})
	v.stringItems("provides_schemes", v.d.ProvidesSchemes, 1, 32, func(path string, n *yaml.Node, s string) {
		if slices.Contains(ReservedSchemes, s) && !strings.HasPrefix(v.d.ID, BuiltinIDPrefix) {
			v.errorf(path, n, "scheme %q is reserved for the gateway's built-in resolvers (only ids under %s may claim it)", s, BuiltinIDPrefix)
		}
	})

	class := v.d.Class
	if n, _ := v.at("provides"); len(v.d.Provides) > 0 && class != "cluster" && slices.Contains(Classes, class) {
		v.warnf("provides", n, "only class cluster provides slot roles; ignored for class %q", class)
	}
	n, _ := v.at("provides_schemes")
	switch schemeRouted := class == "secret_provider" || class == "config_provider"; {
	case schemeRouted && len(v.d.ProvidesSchemes) == 0:
		v.warnf("provides_schemes", n, "a %s should list the URI schemes it serves (the JSON Schema requires it; the gateway then checks them against supported_schemes())", class)
	case !schemeRouted && len(v.d.ProvidesSchemes) > 0 && slices.Contains(Classes, class):
		v.warnf("provides_schemes", n, "only secret_provider and config_provider route by URI scheme; ignored for class %q", class)
	}
}

// stringItems checks a list of strings: JSON string items, length bounds (lo 0 = none), uniqueness,
// and an optional per-item rule.
func (v *validator) stringItems(field string, values []string, lo, hi int, rule func(path string, n *yaml.Node, s string)) {
	items, ok := v.list(field)
	if !ok || len(items) != len(values) {
		return
	}
	seen := map[string]int{}
	for i, item := range items {
		path := fmt.Sprintf("%s[%d]", field, i)
		item = deref(item)
		if !v.jsonString(path, item, "a string") {
			continue
		}
		s := values[i]
		if first, dup := seen[s]; dup {
			v.errorf(path, item, "duplicate of %s[%d] (%s); items must be unique", field, first, quote(s))
			continue
		}
		seen[s] = i
		if lo > 0 {
			v.length(path, item, s, lo, hi)
		}
		if rule != nil {
			rule(path, item, s)
		}
	}
}

// exported copies the exported fields (deeply, Raw excluded) for change detection.
func (d *Descriptor) exported() Descriptor {
	c := *d
	c.Raw, c.src = nil, nil
	c.Tags = slices.Clone(d.Tags)
	c.Provides = slices.Clone(d.Provides)
	c.ProvidesSchemes = slices.Clone(d.ProvidesSchemes)
	if d.RequiredCapabilities != nil {
		c.RequiredCapabilities = make([]Capability, len(d.RequiredCapabilities))
		for i, cp := range d.RequiredCapabilities {
			cp.Paths, cp.Schemes, cp.Kinds = slices.Clone(cp.Paths), slices.Clone(cp.Schemes), slices.Clone(cp.Kinds)
			c.RequiredCapabilities[i] = cp
		}
	}
	return c
}

// synthesize builds the YAML a descriptor made in code stands for: every string quoted, lists in
// flow form, no line numbers.
func synthesize(d *Descriptor) *source {
	src := &source{root: &yaml.Node{Kind: yaml.MappingNode}, values: map[string]*yaml.Node{}, keys: map[string]*yaml.Node{}}
	str := func(s string) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.DoubleQuotedStyle}
	}
	strs := func(ss []string) *yaml.Node {
		n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, s := range ss {
			n.Content = append(n.Content, str(s))
		}
		return n
	}
	set := func(field string, n *yaml.Node) {
		k := str(field)
		src.root.Content = append(src.root.Content, k, n)
		src.keys[field], src.values[field] = k, n
	}
	for _, f := range requiredFields {
		set(f, str(map[string]string{"schema": d.Schema, "id": d.ID, "name": d.Name, "class": d.Class,
			"runtime": d.Runtime, "protocol_version": d.ProtocolVersion}[f]))
	}
	if d.License != "" {
		set("license", str(d.License))
	}
	if d.Description != "" {
		set("description", str(d.Description))
	}
	if d.RequiredCapabilities != nil {
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, c := range d.RequiredCapabilities {
			if c.Bare {
				n.Content = append(n.Content, str(c.Type))
				continue
			}
			m := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle, Content: []*yaml.Node{str("type"), str(c.Type)}}
			if f := CapabilityArgField(c.Type); f != "" {
				m.Content = append(m.Content, str(f), strs(c.Args()))
			}
			n.Content = append(n.Content, m)
		}
		set("required_capabilities", n)
	}
	for _, l := range []struct {
		field string
		items []string
	}{{"tags", d.Tags}, {"provides", d.Provides}, {"provides_schemes", d.ProvidesSchemes}} {
		if l.items != nil {
			set(l.field, strs(l.items))
		}
	}
	return src
}
