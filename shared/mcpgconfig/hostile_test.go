package mcpgconfig

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func loadOne(t testing.TB, yamlText string) *Config {
	t.Helper()
	c, err := LoadBytes([]Layer{{Name: "h.yaml", Data: []byte(yamlText)}}, nil, Options{NoEnv: true, WorkDir: "/"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func onlyError(t *testing.T, c *Config, substr string) {
	t.Helper()
	errs := c.Errors()
	if len(errs) != 1 || !strings.Contains(errs[0].Message, substr) {
		t.Fatalf("want one error containing %q, got %v", substr, errs)
	}
}

// A billion-laughs document: serde_yaml allows 100 alias expansions per event of the document, so
// the gateway refuses it with "repetition limit exceeded"; so do we, fast.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 12; i++ {
		prev := "*a" + itoa(i-1)
		b.WriteString("a" + itoa(i) + ": &a" + itoa(i) + " [" + strings.Repeat(prev+", ", 9) + prev + "]\n")
	}
	b.WriteString("plugins: *a12\n")
	start := time.Now()
	c := loadOne(t, b.String())
	onlyError(t, c, "repetition limit exceeded")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("alias bomb took %v", d)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestDeepNesting(t *testing.T) {
	c := loadOne(t, "plugins:\n  - id: a\n    config: "+strings.Repeat("[", 5000)+strings.Repeat("]", 5000)+"\n")
	if c.OK() {
		t.Fatal("5000 levels of nesting accepted")
	}
}

func TestHugeInput(t *testing.T) {
	big := bytes.Repeat([]byte("# padding\n"), DefaultMaxFileSize/10+1)
	c, err := LoadBytes([]Layer{{Name: "big.yaml", Data: big}}, nil, Options{NoEnv: true})
	if err != nil {
		t.Fatal(err)
	}
	onlyError(t, c, "over the")
	// and from disk: Load refuses before reading it all, and a device unread
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, big, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load([]string{path}, nil, Options{MaxFileSize: 1 << 10})
	if err == nil || !strings.Contains(err.Error(), "config file is over the 1024-byte limit") {
		t.Errorf("unbounded read: %v", err)
	}
	_, err = Load([]string{"/dev/zero"}, nil, Options{})
	if err == nil || err.Error() != "cannot read /dev/zero: it is a character device, not a YAML config file" {
		t.Errorf("a device as a layer: %v", err)
	}
	_, err = Load([]string{"-"}, nil, Options{Stdin: bytes.NewReader(big), MaxFileSize: 1 << 10})
	if err == nil || err.Error() != "stdin: config is over the 1024-byte limit" {
		t.Errorf("stdin over the limit: %v", err)
	}
}

// figment reads a layer into a BTreeMap: a duplicate key is not an error, the later one wins
// (checked against figment 0.10.19 + serde_yaml 0.9.34).
func TestDuplicateKeys(t *testing.T) {
	c := loadOne(t, "plugins:\n  - id: a\n    kind: wasm\n    kind: native\n    source: {path: /a.so}\nplugins:\n  - id: b\n    source: {path: /b.so}\n")
	if !c.OK() || len(c.Plugins) != 1 || c.Plugins[0].Alias != "b" {
		t.Fatalf("got %+v %v", c.Plugins, c.Diagnostics)
	}
	c = loadOne(t, "plugins:\n  - id: a\n    kind: wasm\n    kind: native\n    source: {path: /a.so}\n")
	if c.Plugins[0].Kind != "native" || c.Plugins[0].FieldPos("kind").Line != 4 {
		t.Fatalf("later duplicate must win: %+v", c.Plugins[0])
	}
}

func TestNonUTF8(t *testing.T) {
	c := loadOne(t, "plugins:\n  - id: \xff\xfe\n")
	onlyError(t, c, "stream did not contain valid UTF-8")
	if d := c.Errors()[0]; d.Line != 2 || d.Col != 9 {
		t.Errorf("position %d:%d", d.Line, d.Col)
	}
}

func TestWrongTypesEverywhere(t *testing.T) {
	for _, doc := range []string{
		"plugins: 5", "plugins: [5]", "plugins: [[]]", "plugins: [{id: [a]}]", "gateway: [x]",
		"gateway: {plugin_registry: 5}", "gateway: {plugin_registry: {mirrors: {url: x}}}",
		"plugins: [{id: a, signature: 5}]", "plugins: [{id: a, signature: {trusted_keys: 5}}]",
		"plugins: [{id: a, limits: []}]", "plugins: [{id: a, ffi_limits: {data_timeout_ms: x}}]",
		"plugins: [{id: a, observability: {logs: 5}}]", "- a\n- b", "5", "~", "",
	} {
		c := loadOne(t, doc)
		for _, d := range c.Diagnostics {
			if d.File != "h.yaml" || strings.Contains(d.Message, "\n") {
				t.Errorf("%q: bad diagnostic %+v", doc, d)
			}
		}
	}
}

// Secrets in the registry auth block never reach the result.
func TestSecretsNotCopied(t *testing.T) {
	c := loadOne(t, "gateway:\n  plugin_registry:\n    auth: {username: bob, password: hunter2-secret}\n    mirrors: [{url: m.example, auth: {password: mirror-secret}}]\nplugins: [{id: a, source: {path: /a}, config: {token: inline-secret}}]\n")
	if !c.OK() || !c.Registry.HasAuth || !c.Registry.Mirrors[0].HasAuth {
		t.Fatalf("%+v", c)
	}
	var buf bytes.Buffer
	buf.WriteString(strings.Join(c.NotChecked, "\n"))
	if s := jsonString(t, c); strings.Contains(s, "hunter2") || strings.Contains(s, "mirror-secret") || strings.Contains(s, "bob") || strings.Contains(s, "inline-secret") {
		t.Errorf("secret leaked: %s", s)
	}
}

func TestSecretTypeErrorsRedacted(t *testing.T) {
	c := loadOne(t, "gateway:\n  plugin_registry:\n    auth: {password: 987654321}\nplugins: []\n")
	onlyError(t, c, "invalid type: found unsigned int (value redacted), expected a string")
	if strings.Contains(c.Errors()[0].Message, "987654321") {
		t.Error("password echoed")
	}
}

func TestEntryResultAndHints(t *testing.T) {
	c := loadOne(t, "gateway: {config_overlay: [\"vault://x\"]}\nplugins:\n  - {id: good, source: {path: /g.so}}\n  - {id: bad, class: toolgate, kind: wsam, source: {path: /b.so}}\n")
	if !c.Plugins[0].Valid || c.Plugins[1].Valid {
		t.Errorf("valid flags: %v %v", c.Plugins[0].Valid, c.Plugins[1].Valid)
	}
	ds := c.DiagnosticsFor(1)
	if len(ds) != 2 || ds[0].Alias != "bad" || ds[0].Field != "plugins[1].kind" || ds[0].Hint != "did you mean 'wasm'?" {
		t.Fatalf("%+v", ds)
	}
	if ds[1].Field != "plugins[1].class" || ds[1].Hint == "" {
		t.Errorf("class hint: %+v", ds[1])
	}
	if len(c.DiagnosticsFor(0)) != 0 || len(c.NotChecked) != 2 {
		t.Errorf("entry 0 diagnostics %v, not checked %q", c.DiagnosticsFor(0), c.NotChecked)
	}
	if s := ds[0].String(); s != "h.yaml:4:38: error: plugins[1].kind must be 'native' or 'wasm', got 'wsam'" {
		t.Errorf("String() = %q", s)
	}
}

// disabled: true and enforce: false are one warning each, at the flag, with what to do instead.
func TestDisabledAndShadowWarnOnce(t *testing.T) {
	c := loadOne(t, "plugins:\n  - id: a\n    source: {path: /a.zip}\n    disabled: true\n    enforce: false\n")
	for _, tc := range []struct{ field, hint string }{
		{"plugins[0].disabled", "remove the entry"},
		{"plugins[0].enforce", "set enforce: true"},
	} {
		var got []Diagnostic
		for _, d := range c.Diagnostics {
			if d.Field == tc.field {
				got = append(got, d)
			}
		}
		if len(got) != 1 || got[0].Severity != SeverityWarning || got[0].Index != 0 || !strings.HasPrefix(got[0].Hint, tc.hint) {
			t.Fatalf("%s: want one warning with a hint %q, got %+v", tc.field, tc.hint, got)
		}
		if pos := got[0].Pos().String(); pos != map[string]string{"plugins[0].disabled": "h.yaml:4:15", "plugins[0].enforce": "h.yaml:5:14"}[tc.field] {
			t.Errorf("%s at %s", tc.field, pos)
		}
	}
}

// Aliases within serde_yaml's repetition limit can still build a huge tree; our node budget (a limit
// of this tool, said so in the message) refuses it before it takes the memory.
func TestExpansionBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("big: &big [" + strings.Repeat("x, ", 4000) + "x]\nrefs: [")
	b.WriteString(strings.Repeat("*big, ", 60) + "*big]\nplugins: []\n")
	c := loadOne(t, b.String())
	onlyError(t, c, "not the gateway's")
}

// The commonest YAML mistakes get our hint beside the gateway's message.
func TestSyntaxHints(t *testing.T) {
	for doc, hint := range map[string]string{
		"plugins:\n  - id: a\n    source: { path: ./a.so\n    signature: {}\n": "the { … } opened at line 3 column 13 is not closed",
		"plugins: [a, b\n":                       "the [ … ] opened at line 1 column 10 is not closed",
		"plugins:\n\t- id: a\n":                  "a tab cannot start a token",
		"plugins:\n  - id: \"a\n":                "the quote opened at line 2 column 9 is never closed",
		"plugins:\n  - id: a: b\n":               "must be quoted",
		"\xef\xbb\xbfplugins: []\ngateway: {}\n": "byte order mark",
	} {
		errs := loadOne(t, doc).Errors()
		if len(errs) != 1 || !strings.Contains(errs[0].Hint, hint) {
			t.Errorf("%q: want one error with a hint containing %q, got %+v", doc, hint, errs)
		}
	}
}
