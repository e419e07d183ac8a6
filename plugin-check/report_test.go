package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/mcpgconfig"
)

// disabled: true is warned about once — by the config check, with its position and hint — not again
// in the entry's findings; the entry still reads as a warning ("is disabled but loads").
func TestDisabledWarnedOnce(t *testing.T) {
	f := newFixture(t)
	pkg := f.pack(t, "gate.zip", gateYAML, soBytes, true)
	yml := "plugins:\n  - id: com.example.gate\n    class: tool_gate\n    disabled: true\n    source: {path: " + pkg + "}\n" +
		"    signature:\n      trusted_keys: [{id: release, pem: " + jsonString(t, f.pem) + "}]\n"
	cfg, err := mcpgconfig.LoadBytes([]mcpgconfig.Layer{{Name: "gw.yaml", Data: []byte(yml)}}, nil, mcpgconfig.Options{NoEnv: true})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	env := &cli.Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}
	rep := check(env, &gateway{}, cfg, checkOptions{})
	printReport(env, rep)
	text := out.String()
	if n := strings.Count(text, "disabled: true"); n != 1 {
		t.Fatalf("the disabled warning is printed %d times, want once:\n%s", n, text)
	}
	for _, want := range []string{"gw.yaml:4:15: warning: disabled: true", "  hint: remove the entry", "⚠ com.example.gate is disabled but loads"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in:\n%s", want, text)
		}
	}
	if !rep.Boot.OK || rep.Entries[0].Status != statusWarning {
		t.Errorf("boot %+v, status %s", rep.Boot, rep.Entries[0].Status)
	}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(js), "disabled: true"); n != 1 {
		t.Errorf("--json says disabled: true %d times, want once:\n%s", n, js)
	}
}

// jsonString is s as a JSON string, which YAML reads as a double-quoted scalar.
func jsonString(t *testing.T, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestInertText(t *testing.T) {
	for in, want := range map[string]string{
		"plain ✓ line\n\twith a tab\n":  "plain ✓ line\n\twith a tab\n",
		"a\x1b[2Jb\rc\x07":              `a\u{1b}[2Jb\u{d}c\u{7}`,
		"lone \x9b byte, \xff too":      `lone \x9b byte, \xff too`,
		"C1 \u009b, bidi \u202egnp.exe": `C1 \u{9b}, bidi \u{202e}gnp.exe`,
	} {
		var out bytes.Buffer
		n, err := inertText{&out}.Write([]byte(in))
		if err != nil || n != len(in) || out.String() != want {
			t.Errorf("%q: wrote %q (n %d, err %v), want %q", in, out.String(), n, err, want)
		}
	}
}
