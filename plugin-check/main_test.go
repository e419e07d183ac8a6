package main

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
	"github.com/mcpg-dev/mcpg-plugins/shared/mcpgconfig"
	"github.com/rogpeppe/go-internal/testscript"
)

var varRef = regexp.MustCompile(`\$\{[A-Z_][A-Z0-9_]*\}`)

func TestMain(m *testing.M) {
	// render OUT TEMPLATE: write TEMPLATE with every ${VAR} (upper case) replaced by the script's
	// $VAR, so a config can carry a key or a digest made while the script runs; the gateway's own
	// ${env.…} references are left alone.
	clitest.Register("render", func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 2 {
			ts.Fatalf("usage: render OUT TEMPLATE")
		}
		tmpl, err := os.ReadFile(ts.MkAbs(args[1]))
		ts.Check(err)
		out := varRef.ReplaceAllStringFunc(string(tmpl), func(ref string) string { return ts.Getenv(ref[2 : len(ref)-1]) })
		ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(out), 0o644))
	})
	// setline VAR FILE N: set VAR to line N (1-based) of FILE, e.g. the base64 line of a PEM key.
	clitest.Register("setline", func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 3 {
			ts.Fatalf("usage: setline VAR FILE N")
		}
		data, err := os.ReadFile(ts.MkAbs(args[1]))
		ts.Check(err)
		n, err := strconv.Atoi(args[2])
		ts.Check(err)
		lines := strings.Split(string(data), "\n")
		if n < 1 || n > len(lines) {
			ts.Fatalf("%s has no line %d", args[1], n)
		}
		ts.Setenv(args[0], strings.TrimRight(lines[n-1], "\r"))
	})
	testscript.Main(m, map[string]func(){"plugin-check": main})
}

// TestScripts runs testdata/script/*.txtar against the real plugin-check binary.
func TestScripts(t *testing.T) {
	if _, err := mcpgconfig.LoadBytes([]mcpgconfig.Layer{{Name: "probe.yaml", Data: []byte("plugins: []\n")}}, nil, mcpgconfig.Options{NoEnv: true}); err != nil && strings.Contains(err.Error(), "not implemented") {
		t.Skip("shared/mcpgconfig is not implemented yet")
	}
	clitest.Run(t, "testdata/script")
}
