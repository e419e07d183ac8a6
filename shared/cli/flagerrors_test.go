package cli

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestFlagErrorsSayWhatWasTypedAndMeant(t *testing.T) {
	newSet := func() *FlagSet {
		fs := NewFlagSet("plugin-x cmd", "HELP\n", io.Discard)
		var s string
		var b bool
		var n int
		var d time.Duration
		fs.StringVarP(&s, "output", "o", "", "")
		fs.BoolVar(&b, "json", false, "")
		fs.IntVar(&n, "retries", 3, "")
		fs.DurationVar(&d, "timeout", 0, "")
		fs.StringVar(&s, "insecure-registry", "", "")
		fs.StringVar(&s, "docker-config", "", "")
		return fs
	}
	for _, c := range []struct {
		args      []string
		msg, hint string
	}{
		{[]string{"--jsn"}, "plugin-x cmd: unknown flag --jsn", "did you mean --json? (see 'plugin-x cmd --help')"},
		{[]string{"a", "-jsn"}, "plugin-x cmd: unknown flag -jsn", "did you mean --json? (see 'plugin-x cmd --help')"},
		{[]string{"--jsn=true"}, "plugin-x cmd: unknown flag --jsn", "did you mean --json?"},
		{[]string{"-v"}, "plugin-x cmd: unknown flag -v", "see 'plugin-x cmd --help'"},
		{[]string{"--frobnicate"}, "plugin-x cmd: unknown flag --frobnicate", "see 'plugin-x cmd --help'"},
		{[]string{"--retries", "abc"}, `plugin-x cmd: --retries "abc": expected a whole number such as 3`, "see 'plugin-x cmd --help'"},
		{[]string{"--retries=1e99"}, `plugin-x cmd: --retries "1e99": expected a whole number such as 3`, ""},
		{[]string{"--retries", "99999999999999999999"}, `plugin-x cmd: --retries "99999999999999999999": expected a smaller number`, ""},
		{[]string{"--json=maybe"}, `plugin-x cmd: --json "maybe": expected true or false (or the flag alone for true)`, ""},
		{[]string{"--timeout", "5"}, `plugin-x cmd: --timeout "5": expected a duration such as 30s, 5m or 1h`, ""},
		{[]string{"x", "--output"}, "plugin-x cmd: flag --output needs a value", ""},
		{[]string{"--plain-http"}, "plugin-x cmd: unknown flag --plain-http", "here use --insecure-registry <host[:port]>"},
		{[]string{"--registry-config", "c.json"}, "plugin-x cmd: unknown flag --registry-config", "here use --docker-config <path>"},
		{[]string{"--insecure"}, "plugin-x cmd: unknown flag --insecure", "did you mean --insecure-registry?"},
	} {
		_, err := newSet().Parse(c.args)
		if err == nil || CodeOf(err) != ExitUsage || Message(err) != c.msg || !strings.Contains(HintOf(err), c.hint) {
			t.Errorf("%q: got %v (hint %q, code %d), want %q (hint %q)", c.args, err, HintOf(err), CodeOf(err), c.msg, c.hint)
		}
	}
	// The crane/ORAS advice for --insecure applies only where both of ours exist.
	fs := newSet()
	var b bool
	fs.BoolVar(&b, "insecure-skip-tls-verify", false, "")
	if _, err := fs.Parse([]string{"--insecure"}); !strings.Contains(HintOf(err), "--insecure-skip-tls-verify") {
		t.Errorf("--insecure: hint %q", HintOf(err))
	}
}

func TestToolTopLevelFlags(t *testing.T) {
	tool := Tool{Name: "plugin-x", Commands: []Command{{Name: "verify"}}}
	env := &Env{Stdout: io.Discard, Stderr: io.Discard}
	for arg, hint := range map[string]string{
		"-v":       "did you mean 'plugin-x --version' (or 'plugin-x version')?",
		"--versio": "did you mean 'plugin-x --version'",
		"--json":   "flags go after the command ('plugin-x <command> --json')",
	} {
		err := tool.Run(env, []string{arg})
		if CodeOf(err) != ExitUsage || Message(err) != "plugin-x: unknown flag "+arg || !strings.HasPrefix(HintOf(err), hint) {
			t.Errorf("%s: %v (hint %q)", arg, err, HintOf(err))
		}
	}
}
