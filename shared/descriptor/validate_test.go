package descriptor

import (
	"fmt"
	"strings"
	"testing"
)

type wantProblem struct {
	path    string
	line    int
	warning bool
	msg     string // substring
}

func (w wantProblem) String() string {
	kind := "error"
	if w.warning {
		kind = "warning"
	}
	return fmt.Sprintf("%s %s@%d %q", kind, w.path, w.line, w.msg)
}

func checkProblems(t *testing.T, got Problems, want []wantProblem) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d:", len(got), len(want))
	}
	for i := 0; i < max(len(got), len(want)); i++ {
		switch {
		case i >= len(got):
			t.Errorf("  missing: %v", want[i])
		case i >= len(want):
			t.Errorf("  extra:   %+v", got[i])
		default:
			g, w := got[i], want[i]
			if g.Path != w.path || g.Line != w.line || g.Warning != w.warning || !strings.Contains(g.Msg, w.msg) {
				t.Errorf("  got  %+v\n  want %v", g, w)
			}
		}
		if i < len(got) && strings.ContainsAny(got[i].String(), "\r\n") {
			t.Errorf("  problem is not one line: %q", got[i])
		}
	}
}

func TestValidateValid(t *testing.T) {
	for name, doc := range map[string]string{
		"minimal": minimalYAML,
		"full":    fullYAML,
		"wasm":    withField(minimalYAML, "runtime: wasi-v1\nclass: identity_provider"),
		"cluster": withField(minimalYAML, "class: cluster\nprovides: [cache, kv, bus]"),
		"builtin env": strings.Replace(withField(minimalYAML, "class: config_provider\nprovides_schemes: [env, file]"),
			"com.example.hello", "dev.mcpg.builtin.env", 1),
		"scaffold": "schema: mcpg.dev/plugin/v1\nid: com.example.my-plugin\nname: My Plugin\ndescription: x\nclass: tool_gate\nruntime: native-cdylib-v1\nprotocol_version: '1.22'\nrequired_capabilities: []\n",
		"all caps": withField(minimalYAML, `required_capabilities:
  - audit_write
  - cluster_leadership_acquire
  - cluster_lock_acquire
  - cluster_peer_read
  - {type: config_read, schemes: [consul]}
  - {type: credential_issue, kinds: [oauth]}
  - {type: filesystem_read, paths: [/etc]}
  - {type: filesystem_write, paths: [/var]}
  - http_route_serve
  - metric_emit
  - network_outbound
  - {type: secrets_read, schemes: [vault]}
  - transport_listen
  - unbounded_subscriptions`),
		"limits": withField(minimalYAML, fmt.Sprintf("class: secret_provider\nid: a.%s\nname: %q\nlicense: %s\ntags: [%s]\nprovides_schemes: [%s]",
			strings.Repeat("b", 253), strings.Repeat("é", 128), strings.Repeat("L", 64), strings.Repeat("t", 64), strings.Repeat("s", 32))),
	} {
		t.Run(name, func(t *testing.T) {
			d := mustParse(t, doc)
			if p := d.Validate(); len(p) != 0 {
				t.Errorf("Validate = %v", p)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	for _, tc := range []struct {
		name string
		doc  string
		want []wantProblem
	}{
		{"host fixture static runtime", hostFixtureYAML, []wantProblem{
			{"runtime", 6, false, "packaged plugins cannot declare runtime static-firstparty-v1 (expected native-cdylib-v1 or wasi-v1)"}}},
		{"unquoted protocol_version", withField(minimalYAML, "protocol_version: 1.0"), []wantProblem{
			{"protocol_version", 6, true, `unquoted 1.0 is a number in YAML: the gateway reads the text "1.0", but the JSON Schema requires a string; quote it`}}},
		{"protocol 2.0", withField(minimalYAML, `protocol_version: "2.0"`), []wantProblem{
			{"protocol_version", 6, false, `"2.0" is not supported: the gateway loads only protocol 1.x`}}},
		{"protocol 1", withField(minimalYAML, `protocol_version: "1"`), []wantProblem{
			{"protocol_version", 6, false, `"1" is not a version: expected MAJOR.MINOR[.PATCH]`}}},
		{"protocol v1.0", withField(minimalYAML, `protocol_version: v1.0`), []wantProblem{
			{"protocol_version", 6, false, `"v1.0" is not a version`}}},
		{"protocol semver", withField(minimalYAML, `protocol_version: "1.2.3-rc.1+build.5"`), nil},
		{"protocol null", withField(minimalYAML, `protocol_version:`), []wantProblem{
			{"protocol_version", 6, false, `found an empty value (null); quote it or remove the key`}}},
		{"id pattern", withField(minimalYAML, "id: Com.Example"), []wantProblem{
			{"id", 6, false, `"Com.Example" is not a valid id: expected lowercase dot-separated segments matching ^[a-z][a-z0-9]*(\.[a-z0-9][a-z0-9_-]*)+$`}}},
		{"id one segment", withField(minimalYAML, "id: simple"), []wantProblem{{"id", 6, false, "is not a valid id"}}},
		{"id number", withField(minimalYAML, "id: 123"), []wantProblem{
			{"id", 6, true, "unquoted 123 is a number"}, {"id", 6, false, `"123" is not a valid id`}}},
		{"id too long", withField(minimalYAML, "id: a."+long(254)), []wantProblem{{"id", 6, false, "is 256 characters; expected at most 255"}}},
		{"name empty", withField(minimalYAML, `name: ""`), []wantProblem{{"name", 6, false, "must not be empty"}}},
		{"name true", withField(minimalYAML, "name: true"), []wantProblem{
			{"name", 6, false, "expected a display name, found a boolean (true); quote it if it is meant as text"}}},
		{"name null", withField(minimalYAML, "name: ~"), []wantProblem{{"name", 6, false, "found null (~)"}}},
		{"name too long", withField(minimalYAML, "name: "+long(129)), []wantProblem{{"name", 6, false, "is 129 characters; expected at most 128"}}},
		{"license empty", withField(minimalYAML, `license: ""`), []wantProblem{{"license", 7, false, "must not be empty"}}},
		{"license null", withField(minimalYAML, "license:"), []wantProblem{{"license", 7, false, "expected an SPDX license id"}}},
		{"license too long", withField(minimalYAML, "license: "+long(65)), []wantProblem{{"license", 7, false, "expected at most 64"}}},
		{"description null", withField(minimalYAML, "description:"), []wantProblem{{"description", 7, false, "expected a string, found an empty value (null)"}}},
		{"description number", withField(minimalYAML, "description: 42"), []wantProblem{{"description", 7, true, "unquoted 42 is a number"}}},
		{"class local tag", withField(minimalYAML, "class: !tool_gate"), []wantProblem{
			{"class", 6, false, `YAML tag !tool_gate stands for "tool_gate" only to the gateway's YAML reader; the JSON Schema needs a plain string (write class: tool_gate)`}}},
		{"wasm class", withField(minimalYAML, "runtime: wasi-v1\nclass: cache"), []wantProblem{
			{"class", 6, false, `a wasi-v1 plugin must be tool_gate, transform, identity_provider; found "cache" (use native-cdylib-v1 for other classes)`}}},
		{"unknown keys", minimalYAML + "licence: MIT\nversion: 1.0.0\nfoo: bar\n<<: {a: b}\nprotocol: x\nprovide: [kv]\n", []wantProblem{
			{"licence", 7, false, `unknown key (did you mean "license"?); the gateway ignores it`},
			{"version", 8, false, "the descriptor has no version (Cargo.toml is the source of truth; pass --version to pack)"},
			{"foo", 9, false, "unknown key (the gateway ignores it; the JSON Schema allows only schema, id, name,"},
			{"<<", 10, false, "YAML merge keys are not supported"},
			{"protocol", 11, false, `(did you mean "protocol_version"?)`},
			{"provide", 12, false, `(did you mean "provides"?)`}}},
		{"tags", withField(minimalYAML, `tags: [a, 1, true, "", a, `+long(65)+`]`), []wantProblem{
			{"tags[1]", 7, true, "unquoted 1 is a number"},
			{"tags[2]", 7, false, "expected a string, found a boolean (true)"},
			{"tags[3]", 7, false, "must not be empty"},
			{"tags[4]", 7, false, `duplicate of tags[0] ("a"); items must be unique`},
			{"tags[5]", 7, false, "is 65 characters; expected at most 64"}}},
		{"tags null item", withField(minimalYAML, "tags:\n  - ~"), []wantProblem{{"tags[0]", 8, false, "found null (~); quote it"}}},
		{"tags empty value", withField(minimalYAML, "tags:"), []wantProblem{{"tags", 7, false, "expected a list, found an empty value (null); write [] or remove the key"}}},
		{"provides on cluster", withField(minimalYAML, "class: cluster\nprovides: [cache, disk, cache]"), []wantProblem{
			{"provides[1]", 7, false, `"disk" is not a cluster slot role; expected one of cache, kv, bus`},
			{"provides[2]", 7, false, "duplicate of provides[0]"}}},
		{"provides off cluster", withField(minimalYAML, "provides: [kv]"), []wantProblem{
			{"provides", 7, true, `only class cluster provides slot roles; ignored for class "tool_gate"`}}},
		{"secret provider without schemes", withField(minimalYAML, "class: secret_provider"), []wantProblem{
			{"provides_schemes", 1, true, "a secret_provider should list the URI schemes it serves"}}},
		{"config provider empty schemes", withField(minimalYAML, "class: config_provider\nprovides_schemes: []"), []wantProblem{
			{"provides_schemes", 7, true, "a config_provider should list the URI schemes it serves"}}},
		{"schemes on other class", withField(minimalYAML, "provides_schemes: [vault]"), []wantProblem{
			{"provides_schemes", 7, true, `only secret_provider and config_provider route by URI scheme; ignored for class "tool_gate"`}}},
		{"reserved schemes", withField(minimalYAML, "class: secret_provider\nprovides_schemes: [vault, env, file, vault, "+long(33)+"]"), []wantProblem{
			{"provides_schemes[1]", 7, false, `scheme "env" is reserved for the gateway's built-in resolvers (only ids under dev.mcpg.builtin. may claim it)`},
			{"provides_schemes[2]", 7, false, `scheme "file" is reserved`},
			{"provides_schemes[3]", 7, false, "duplicate of provides_schemes[0]"},
			{"provides_schemes[4]", 7, false, "is 33 characters; expected at most 32"}}},
		{"caps schema", withField(minimalYAML, `required_capabilities:
  - network_outbound
  - {type: network_outbound}
  - network_outbound
  - {type: filesystem_read, paths: [/a], extra: 1}
  - {type: audit_write, paths: [/a]}
  - {type: secrets_read, schemes: [a], schemes: [b]}
  - {type: filesystem_read, paths: [/a], extra: 1}`), []wantProblem{
			{"required_capabilities[1]", 9, true, "same capability as required_capabilities[0] written another way ({type: network_outbound})"},
			{"required_capabilities[2]", 10, false, "duplicate of required_capabilities[0]; items must be unique"},
			{"required_capabilities[3].extra", 11, false, `unexpected key for capability "filesystem_read" (it takes only type and paths)`},
			{"required_capabilities[4].paths", 12, false, `unexpected key for capability "audit_write" (it takes only type)`},
			{"required_capabilities[5].schemes", 13, false, "duplicate key (first on line 13; the gateway keeps the last)"},
			{"required_capabilities[6].extra", 14, false, "unexpected key"},
			{"required_capabilities[6]", 14, false, "duplicate of required_capabilities[3]"}}},
		{"caps empty value", withField(minimalYAML, "required_capabilities:"), []wantProblem{
			{"required_capabilities", 7, false, "expected a list, found an empty value (null); write [] or remove the key"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkProblems(t, mustParse(t, tc.doc).Validate(), tc.want)
		})
	}
}

// TestValidateBuilt checks descriptors made in code, and parsed ones edited afterwards.
func TestValidateBuilt(t *testing.T) {
	d := &Descriptor{Schema: Schema, ID: "com.example.x", Name: "X", Class: "tool_gate", Runtime: RuntimeNative, ProtocolVersion: "1.0",
		RequiredCapabilities: []Capability{{Type: "network_outbound", Bare: true}, {Type: "filesystem_read", Paths: []string{"/a"}}}}
	checkProblems(t, d.Validate(), nil)

	d.RequiredCapabilities = append(d.RequiredCapabilities, Capability{Type: "secrets_read", Bare: true}, Capability{Type: "bogus"})
	d.Class, d.Schema, d.Tags = "identity", "v2", []string{"a", "a"}
	checkProblems(t, d.Validate(), []wantProblem{
		{"schema", 0, false, `schema mismatch: expected "mcpg.dev/plugin/v1", found "v2"`},
		{"class", 0, false, `"identity" is not a plugin class (did you mean "identity_provider"?)`},
		{"required_capabilities[2]", 0, false, `capability "secrets_read" requires args: schemes`},
		{"required_capabilities[3].type", 0, false, `unknown capability kind "bogus"`},
		{"tags[1]", 0, false, "duplicate of tags[0]"},
	})

	p := mustParse(t, withField(minimalYAML, "protocol_version: 1.0"))
	if len(p.Validate()) != 1 {
		t.Fatalf("parsed: %v", p.Validate())
	}
	p.ID = "Bad"
	checkProblems(t, p.Validate(), []wantProblem{{"id", 0, false, `"Bad" is not a valid id`}})
	p.ID = "com.example.hello"
	checkProblems(t, p.Validate(), []wantProblem{{"protocol_version", 6, true, "unquoted 1.0"}})
	p.Tags = []string{}
	checkProblems(t, p.Validate(), nil) // edited: checked from the fields, which are quoted
}

func TestProblemsError(t *testing.T) {
	p := Problems{
		{Path: "", Line: 3, Msg: "w", Warning: true},
		{Path: "class", Line: 4, Msg: "bad class"},
		{Path: "", Line: 5, Msg: "doc-level"},
		{Path: "id", Line: 6, Msg: "bad id"},
	}
	if got := p.Error(); got != "class: bad class (+2 more problems)" {
		t.Errorf("Error() = %q", got)
	}
	if got := p[2:3].Error(); got != "line 5: doc-level" {
		t.Errorf("Error() = %q", got)
	}
	if got := p[1:3].Error(); got != "class: bad class (+1 more problem)" {
		t.Errorf("Error() = %q", got)
	}
	if got := p[:1].Error(); got != "line 3: w" {
		t.Errorf("warnings only: Error() = %q", got)
	}
	if got := (Problems{{Msg: "m"}}).Error(); got != "m" {
		t.Errorf("no path or line: Error() = %q", got)
	}
	if len(p.Errors()) != 3 || len(p.Warnings()) != 1 || !p.HasErrors() || p[:1].HasErrors() {
		t.Errorf("filters: %v / %v", p.Errors(), p.Warnings())
	}
	if p.Warnings()[0].Msg != "w" || p.Errors()[0].Msg != "bad class" {
		t.Errorf("filters picked the wrong problems")
	}
}
