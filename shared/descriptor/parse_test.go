package descriptor

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

const minimalYAML = `schema: mcpg.dev/plugin/v1
id: com.example.hello
name: Hello Gate
class: tool_gate
runtime: native-cdylib-v1
protocol_version: "1.0"
`

// fullYAML is docs/contract.md §2.6's every-field example.
const fullYAML = `schema: mcpg.dev/plugin/v1
id: com.acme.secret.vault
name: Acme Vault Secret Provider
license: Apache-2.0
description: |
  Resolves vault:// secret URIs against HashiCorp Vault.
class: secret_provider
runtime: native-cdylib-v1
protocol_version: "1.0"
required_capabilities:
  - network_outbound
  - { type: audit_write }
  - { type: secrets_read, schemes: [vault] }
  - type: filesystem_read
    paths: ["/etc/acme/vault-ca.pem"]
tags: [enterprise, "vendor:acme"]
provides: []            # only meaningful for class: cluster (subset of cache|kv|bus)
provides_schemes: [vault]
`

// hostFixtureYAML is the host's package.rs test descriptor (docs/contract.md §9).
const hostFixtureYAML = `schema: mcpg.dev/plugin/v1
id: dev.mcpg.pkg.example
name: Packaging Example
description: Test plugin for packaging
class: tool_gate
runtime: static-firstparty-v1
protocol_version: "1.0"
required_capabilities: []
`

func mustParse(t *testing.T, s string) *Descriptor {
	t.Helper()
	d, err := Parse([]byte(s))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return d
}

func TestParseExamples(t *testing.T) {
	d := mustParse(t, minimalYAML)
	want := Descriptor{Schema: Schema, ID: "com.example.hello", Name: "Hello Gate", Class: "tool_gate",
		Runtime: RuntimeNative, ProtocolVersion: "1.0"}
	if got := d.exported(); !reflect.DeepEqual(got, want) {
		t.Errorf("minimal:\n got %+v\nwant %+v", got, want)
	}
	if string(d.Raw) != minimalYAML {
		t.Errorf("Raw is not the input")
	}

	d = mustParse(t, fullYAML)
	want = Descriptor{
		Schema: Schema, ID: "com.acme.secret.vault", Name: "Acme Vault Secret Provider", License: "Apache-2.0",
		Description: "Resolves vault:// secret URIs against HashiCorp Vault.\n", Class: "secret_provider",
		Runtime: RuntimeNative, ProtocolVersion: "1.0",
		RequiredCapabilities: []Capability{
			{Type: "network_outbound", Bare: true},
			{Type: "audit_write"},
			{Type: "secrets_read", Schemes: []string{"vault"}},
			{Type: "filesystem_read", Paths: []string{"/etc/acme/vault-ca.pem"}},
		},
		Tags: []string{"enterprise", "vendor:acme"}, Provides: []string{}, ProvidesSchemes: []string{"vault"},
	}
	if got := d.exported(); !reflect.DeepEqual(got, want) {
		t.Errorf("full:\n got %+v\nwant %+v", got, want)
	}
	if p := d.Validate(); len(p) != 0 {
		t.Errorf("full example: Validate = %v", p)
	}

	d = mustParse(t, hostFixtureYAML)
	if d.Runtime != RuntimeStatic || d.Description != "Test plugin for packaging" || d.RequiredCapabilities == nil {
		t.Errorf("host fixture: %+v", d)
	}
}

// TestParseScalars pins serde_yaml 0.9's reading of plain scalars into string fields: the text,
// whatever YAML would type it as.
func TestParseScalars(t *testing.T) {
	for _, tc := range []struct{ yaml, field, want string }{
		{`protocol_version: 1.0`, "protocol_version", "1.0"},
		{`protocol_version: 1.10`, "protocol_version", "1.10"},
		{`id: 123`, "id", "123"},
		{`name: true`, "name", "true"},
		{`name: ~`, "name", "~"},
		{`name: null`, "name", "null"},
		{`name:`, "name", ""},
		{`name: !!binary aGVsbG8=`, "name", "aGVsbG8="},
		{`name: !foo x`, "name", "x"},
		{`name: 0x10`, "name", "0x10"},
		{"name: |\n  multi\n  line", "name", "multi\nline\n"},
		{`license: ~`, "license", ""},
		{`license: Null`, "license", ""},
		{`license: !!str ~`, "license", "~"},
		{`license: "~"`, "license", "~"},
		{`license: 2.0`, "license", "2.0"},
		{`description: ~`, "description", "~"},
		{`class: "cache"`, "class", "cache"},
		{`class: !!int cache`, "class", "cache"},
		{`class: !cache`, "class", "cache"},
		{`class: !cache ~`, "class", "cache"},
		{`runtime: !wasi-v1`, "runtime", RuntimeWasm},
	} {
		t.Run(tc.yaml, func(t *testing.T) {
			d := mustParse(t, withField(minimalYAML, tc.yaml))
			got := map[string]string{"protocol_version": d.ProtocolVersion, "id": d.ID, "name": d.Name,
				"license": d.License, "description": d.Description, "class": d.Class, "runtime": d.Runtime}[tc.field]
			if got != tc.want {
				t.Errorf("%s = %q, want %q", tc.field, got, tc.want)
			}
		})
	}
}

func TestParseLists(t *testing.T) {
	d := mustParse(t, withField(minimalYAML, "tags:\nprovides: !!seq [kv]\nrequired_capabilities:\nprovides_schemes: [1, true, ~]"))
	if d.Tags == nil || len(d.Tags) != 0 || d.RequiredCapabilities == nil || len(d.RequiredCapabilities) != 0 {
		t.Errorf("empty plain value should read as an empty list: %#v %#v", d.Tags, d.RequiredCapabilities)
	}
	if !reflect.DeepEqual(d.ProvidesSchemes, []string{"1", "true", "~"}) || !reflect.DeepEqual(d.Provides, []string{"kv"}) {
		t.Errorf("lists: %#v %#v", d.ProvidesSchemes, d.Provides)
	}
	d = mustParse(t, withField(minimalYAML, "anchors: &t [a, b]\ntags: *t\nx: &c {type: network_outbound}\nrequired_capabilities: [*c]"))
	if !reflect.DeepEqual(d.Tags, []string{"a", "b"}) || d.RequiredCapabilities[0].Type != "network_outbound" {
		t.Errorf("aliases: %#v %#v", d.Tags, d.RequiredCapabilities)
	}
}

func TestParseCapabilities(t *testing.T) {
	d := mustParse(t, withField(minimalYAML, `required_capabilities:
  - network_outbound
  - {type: audit_write, extra: ignored}
  - {type: filesystem_write, paths: ["/a", "/b"]}
  - {type: config_read, schemes: [consul]}
  - {type: credential_issue, kinds: [oauth_client_credentials]}
  - {type: filesystem_read, paths: [a], paths: [b]}
  - {type: metric_emit, type: transport_listen}
  - {type: secrets_read, schemes: []}`))
	want := []Capability{
		{Type: "network_outbound", Bare: true},
		{Type: "audit_write"},
		{Type: "filesystem_write", Paths: []string{"/a", "/b"}},
		{Type: "config_read", Schemes: []string{"consul"}},
		{Type: "credential_issue", Kinds: []string{"oauth_client_credentials"}},
		{Type: "filesystem_read", Paths: []string{"b"}}, // duplicate keys: the last wins, as in serde_json
		{Type: "transport_listen"},
		{Type: "secrets_read", Schemes: []string{}},
	}
	if !reflect.DeepEqual(d.RequiredCapabilities, want) {
		t.Errorf("got  %#v\nwant %#v", d.RequiredCapabilities, want)
	}
}

// withField appends lines to a descriptor, replacing any field the lines redefine.
func withField(doc, lines string) string {
	var keep []string
	for _, l := range strings.Split(strings.TrimSuffix(doc, "\n"), "\n") {
		k, _, _ := strings.Cut(l, ":")
		if !strings.Contains("\n"+lines, "\n"+k+":") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n") + "\n" + lines + "\n"
}

// TestParseErrors: each malformed input fails with one line naming the field, its line, and what
// was expected and found.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		input string
		path  string // of the first problem
		line  int
		msg   string // substring of the first problem's message
	}{
		{"not utf8", "schema: mcpg.dev/plugin/v1\nname: \xff\n", "", 2, "not valid UTF-8 (byte 0xff at column 7)"},
		{"control char", "schema: x\nname: a\x01b\n", "", 2, "control character U+0001 at column 8"},
		{"empty", "", "", 1, "document is empty; expected a mapping with schema, id, name, class, runtime, protocol_version"},
		{"comment only", "# x\n", "", 1, "document is empty"},
		{"doc start only", "---\n", "schema", 2, "required field is missing"},
		{"null doc", "~\n", "", 1, "expected a mapping of plugin.yaml fields, found null (~)"},
		{"list doc", "- a\n", "", 1, "expected a mapping of plugin.yaml fields, found a list"},
		{"string doc", "hello\n", "", 1, `found "hello"`},
		{"two documents", minimalYAML + "---\na: 1\n", "", 7, "found a second YAML document"},
		{"syntax", minimalYAML + "tags: [a\n", "", 8, "invalid YAML: did not find expected ',' or ']'"},
		{"syntax line 1", "a: b: c\n", "", 1, "invalid YAML: mapping values are not allowed in this context"},
		{"unknown anchor", minimalYAML + "tags: *nope\n", "", 7, "alias *nope refers to no anchor"},
		{"yaml 1.3", "%YAML 1.3\n---\n" + minimalYAML, "", 1, "incompatible YAML document"},
		{"bom", "\ufeff" + minimalYAML, "", 1, "byte-order mark"},
		{"recursive alias", minimalYAML + "x: &r [1, *r]\n", "", 7, "alias *r refers to a node that contains it"},
		{"dup key", minimalYAML + "id: other\n", "id", 7, "duplicate key (first on line 2)"},
		{"dup quoted key", minimalYAML + "\"tags\": []\ntags: [a]\n", "tags", 8, "duplicate key (first on line 7)"},
		{"list key", minimalYAML + "? [a]\n: b\n", "", 7, "mapping key must be a field name, found a list"},
		{"missing id", strings.Replace(minimalYAML, "id: com.example.hello\n", "", 1), "id", 1, `required field is missing; expected a reverse-DNS id`},
		{"missing protocol", strings.Replace(minimalYAML, "protocol_version: \"1.0\"\n", "", 1), "protocol_version", 1, `expected a quoted version such as "1.0"`},
		{"schema v99", strings.Replace(minimalYAML, "v1", "v99", 1), "schema", 1, `schema mismatch: expected "mcpg.dev/plugin/v1", found "mcpg.dev/plugin/v99"`},
		{"schema list", strings.Replace(minimalYAML, "schema: mcpg.dev/plugin/v1", "schema: [x]", 1), "schema", 1, "expected a string, found a list"},
		{"name map", withField(minimalYAML, "name: {a: 1}"), "name", 6, "expected a string, found a mapping"},
		{"license list", withField(minimalYAML, "license: [MIT]"), "license", 7, "expected a string, found a list"},
		{"license null tag", withField(minimalYAML, "license: !!null x"), "license", 7, `YAML tag !!null needs ~ or null, found "x"`},
		{"class identity", withField(minimalYAML, "class: identity"), "class", 6, `"identity" is not a plugin class (did you mean "identity_provider"?)`},
		{"class toolGate", withField(minimalYAML, "class: toolGate"), "class", 6, `(did you mean "tool_gate"?)`},
		{"class tool-gate", withField(minimalYAML, "class: tool-gate"), "class", 6, `(did you mean "tool_gate"?)`},
		{"class unknown", withField(minimalYAML, "class: zzz"), "class", 6, `"zzz" is not a plugin class; expected one of tool_gate, transform,`},
		{"class empty", withField(minimalYAML, "class:"), "class", 6, `"" is not a plugin class`},
		{"class list", withField(minimalYAML, "class: [tool_gate]"), "class", 6, "expected a plugin class name such as transform, found a list"},
		{"class tag value", withField(minimalYAML, "class: !tool_gate x"), "class", 6, `YAML tag !tool_gate selects "tool_gate", so its value must be empty; found "x"`},
		{"class tag unknown", withField(minimalYAML, "class: !identity"), "class", 6, `"identity" is not a plugin class`},
		{"runtime wasm", withField(minimalYAML, "runtime: wasm"), "runtime", 6, `"wasm" is not a runtime (did you mean "wasi-v1"?)`},
		{"runtime native", withField(minimalYAML, "runtime: native"), "runtime", 6, `(did you mean "native-cdylib-v1"?)`},
		{"tags null", withField(minimalYAML, "tags: ~"), "tags", 7, "expected a list of strings, found null (~); write [] or remove the key"},
		{"tags quoted empty", withField(minimalYAML, `tags: ""`), "tags", 7, `expected a list of strings, found ""`},
		{"tags scalar", withField(minimalYAML, "tags: a"), "tags", 7, `expected a list of strings, found "a"`},
		{"tags nested", withField(minimalYAML, "tags: [a, [b]]"), "tags[1]", 7, "expected a string, found a list"},
		{"provides null", withField(minimalYAML, "provides: null"), "provides", 7, "found null (null); write []"},
		{"caps null", withField(minimalYAML, "required_capabilities: ~"), "required_capabilities", 7, "expected a list of capabilities, found null (~)"},
		{"caps mapping", withField(minimalYAML, "required_capabilities: {type: audit_write}"), "required_capabilities", 7, "found a mapping"},
		{"caps legacy", withField(minimalYAML, "required_capabilities: [network_outbound, cap.host.outbound_http]"), "required_capabilities[1]", 7,
			`unknown capability kind "cap.host.outbound_http"; legacy cap.host.* names are no longer accepted (did you mean "network_outbound"?)`},
		{"caps unknown", withField(minimalYAML, "required_capabilities: [network_outbund]"), "required_capabilities[0]", 7, `(did you mean "network_outbound"?)`},
		{"caps bare args", withField(minimalYAML, "required_capabilities: [filesystem_read]"), "required_capabilities[0]", 7,
			`capability "filesystem_read" requires args: paths (write {type: filesystem_read, paths: [...]})`},
		{"caps bare secrets", withField(minimalYAML, "required_capabilities: [secrets_read]"), "required_capabilities[0]", 7, "requires args: schemes"},
		{"caps bare credential", withField(minimalYAML, "required_capabilities: [credential_issue]"), "required_capabilities[0]", 7, "requires args: kinds"},
		{"caps missing args", withField(minimalYAML, "required_capabilities: [{type: config_read}]"), "required_capabilities[0]", 7, `requires args: schemes (missing field "schemes")`},
		{"caps null args", withField(minimalYAML, "required_capabilities:\n  - type: filesystem_read\n    paths: ~"), "required_capabilities[0].paths", 9, "expected a list of strings, found null (~)"},
		{"caps number arg", withField(minimalYAML, "required_capabilities:\n  - type: filesystem_read\n    paths:\n      - /ok\n      - 0x1F"),
			"required_capabilities[0].paths[1]", 11, `expected a string, found a number (0x1F); quote it: "0x1F"`},
		{"caps bool arg", withField(minimalYAML, "required_capabilities: [{type: secrets_read, schemes: [True]}]"), "required_capabilities[0].schemes[0]", 7, "found a boolean (True)"},
		{"caps number item", withField(minimalYAML, "required_capabilities: [42]"), "required_capabilities[0]", 7, "capability entry must be a string or object, found a number (42)"},
		{"caps null item", withField(minimalYAML, "required_capabilities: [~]"), "required_capabilities[0]", 7, "found null (~)"},
		{"caps no type", withField(minimalYAML, "required_capabilities: [{paths: [a]}]"), "required_capabilities[0]", 7, `needs a string "type" field naming the kind; found none`},
		{"caps int type", withField(minimalYAML, "required_capabilities: [{type: 1}]"), "required_capabilities[0]", 7, `found a number (1)`},
		{"caps unknown type", withField(minimalYAML, "required_capabilities: [{type: bogus}]"), "required_capabilities[0].type", 7, `unknown capability kind "bogus"`},
		{"caps local tag", withField(minimalYAML, "required_capabilities: [!foo network_outbound]"), "required_capabilities[0]", 7, "YAML tag !foo is not allowed here"},
		{"caps nested tag", withField(minimalYAML, "required_capabilities: [{type: audit_write, x: [1, {y: !foo z}]}]"), "required_capabilities[0].x[1].y", 7, "YAML tag !foo"},
		{"caps big int", withField(minimalYAML, "required_capabilities: [{type: audit_write, x: 18446744073709551616}]"), "required_capabilities[0].x", 7, "out of range"},
		{"caps int tag", withField(minimalYAML, "required_capabilities: [{type: audit_write, x: !!int abc}]"), "required_capabilities[0].x", 7, `YAML tag !!int needs an integer, found "abc"`},
		{"caps list key", withField(minimalYAML, "required_capabilities: [{type: audit_write, [1]: x}]"), "required_capabilities[0]", 7, "mapping key must be a string, found a list"},
		{"deep nesting", minimalYAML + "x: " + strings.Repeat("[", 70) + strings.Repeat("]", 70) + "\n", "", 7, "nest deeper than 64 levels"},
		{"deep via alias", minimalYAML + "a: &a " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "\nb: " + strings.Repeat("[", 40) + "*a" + strings.Repeat("]", 40) + "\n",
			"", 8, "alias *a makes lists and mappings nest deeper than 64 levels"},
		{"too large", minimalYAML + "x: " + strings.Repeat("a", MaxSize) + "\n", "", 0, "a descriptor may be at most 1048576 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse([]byte(tc.input))
			if err == nil {
				t.Fatalf("Parse accepted: %+v", d)
			}
			var probs Problems
			if !errors.As(err, &probs) || len(probs) == 0 {
				t.Fatalf("error is not Problems: %T %v", err, err)
			}
			p := probs[0]
			if p.Path != tc.path || p.Line != tc.line || !strings.Contains(p.Msg, tc.msg) {
				t.Errorf("first problem = {%q line %d %q}\nwant           {%q line %d ...%q...}", p.Path, p.Line, p.Msg, tc.path, tc.line, tc.msg)
			}
			msg := err.Error()
			if strings.ContainsAny(msg, "\n\r") || len(msg) > 400 {
				t.Errorf("error is not one short line: %q", msg)
			}
			if tc.path != "" && !strings.HasPrefix(msg, tc.path+": ") {
				t.Errorf("error %q does not start with the field path", msg)
			}
			if tc.path == "" && tc.line > 0 && !strings.HasPrefix(msg, fmt.Sprintf("line %d: ", tc.line)) {
				t.Errorf("error %q does not start with the line", msg)
			}
			if d != nil {
				t.Errorf("descriptor returned with an error")
			}
		})
	}
}

// TestParseCollectsAllProblems: Parse reports every field problem, in line order.
func TestParseCollectsAllProblems(t *testing.T) {
	_, err := Parse([]byte("schema: x\nclass: identity\nruntime: wasm\nid: a\nid: b\n"))
	probs := err.(Problems)
	var got []string
	for _, p := range probs {
		got = append(got, fmt.Sprintf("%d %s", p.Line, p.Path))
	}
	want := []string{"1 name", "1 protocol_version", "1 schema", "2 class", "3 runtime", "5 id"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems = %q, want %q", got, want)
	}
	if s := err.Error(); !strings.HasPrefix(s, "name: required field is missing") || !strings.HasSuffix(s, "(+5 more problems)") {
		t.Errorf("Error() = %q", s)
	}
}

// TestParseIgnoresUnknownKeys: the gateway skips unknown keys whatever they hold.
func TestParseIgnoresUnknownKeys(t *testing.T) {
	d := mustParse(t, minimalYAML+"version: 1.2.3\nx: !foo [!!int abc]\nx: 2\n1: one\n~: null\n<<: {name: merged}\n")
	if d.Name != "Hello Gate" {
		t.Errorf("merge key applied: name = %q", d.Name)
	}
	var keys []string
	for _, k := range d.src.unknown {
		keys = append(keys, fmt.Sprintf("%s@%d", k.Value, k.Line))
	}
	if want := []string{"version@7", "x@8", "x@9", "1@10", "~@11", "<<@12"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("unknown keys = %q, want %q", keys, want)
	}
}

// TestAliasBomb: a billion-laughs document is refused quickly, referenced or not.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString(minimalYAML)
	b.WriteString(`a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i-1), 9), ","))
	}
	for name, doc := range map[string]string{
		"unreferenced": b.String(),
		"in tags":      b.String() + "tags: *a9\n",
		"in caps":      b.String() + "required_capabilities: [{type: audit_write, x: *a9}]\n",
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, err := Parse([]byte(doc))
			elapsed := time.Since(start)
			if err == nil || !strings.Contains(err.Error(), "aliases expand to more than 100000 nodes") {
				t.Errorf("%s: err = %v", name, err)
			}
			// Generous bound for a loaded CI machine; it takes well under a millisecond.
			if elapsed > 500*time.Millisecond {
				t.Errorf("%s: took %v", name, elapsed)
			}
		})
	}
	// Moderate, legitimate aliasing stays accepted.
	mustParse(t, minimalYAML+"t: &t [a, b, c]\nu: [*t, *t, *t]\ntags: *t\n")
}

func TestParseLimits(t *testing.T) {
	// 64 levels is allowed; the limit is on lists and mappings, not the document.
	mustParse(t, minimalYAML+"x: "+strings.Repeat("[", 63)+strings.Repeat("]", 63)+"\n")
	// A huge scalar under the size limit is fine.
	d := mustParse(t, withField(minimalYAML, "description: "+strings.Repeat("x", MaxSize-200)))
	if len(d.Description) != MaxSize-200 {
		t.Errorf("description length %d", len(d.Description))
	}
	// Problems quote long values briefly.
	_, err := Parse([]byte(withField(minimalYAML, "class: "+strings.Repeat("y", 10000))))
	if len(err.Error()) > 400 {
		t.Errorf("error too long: %d bytes", len(err.Error()))
	}
}

func TestParseBOM(t *testing.T) {
	// A byte-order mark on a line of its own is harmless to the gateway.
	d := mustParse(t, "\ufeff\n"+minimalYAML)
	if !strings.HasPrefix(string(d.Raw), "\ufeff") {
		t.Errorf("Raw lost the BOM")
	}
	mustParse(t, "\ufeff{schema: mcpg.dev/plugin/v1, id: a.b, name: n, class: cache, runtime: wasi-v1, protocol_version: '1.0'}")
}
