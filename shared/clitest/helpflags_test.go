package clitest

import (
	"slices"
	"testing"
)

const sampleHelp = `Usage: tool cmd [flags] <file>

Runs things (like 'sh -c', or plugin-other --elsewhere, outside a flags section).

Signers:
  --key <file>        sign with this key; see also --json
  -o, --output <path> where to write; "-" is stdout
  -u, --username <user>, -p, --password <pw>
                      credentials (ssh-keygen -t ed25519 makes keys)

Flags:
      --json          print JSON
  -h, --help          show this help

Examples:
  tool cmd --not-a-flag-here -x
`

func TestHelpFlagTokens(t *testing.T) {
	got := helpFlagTokens(sampleHelp)
	want := []string{"--key", "--json", "-o", "--output", "-u", "--username", "-p", "--password", "-h", "--help"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("helpFlagTokens = %q, want %q", got, want)
	}
}

func TestHelpFlagProblems(t *testing.T) {
	all := []string{"json", "key", "o", "output", "p", "password", "u", "username"}
	cases := []struct {
		name  string
		flags []string
		want  int
	}{
		{"in step", all, 0},
		{"registered, not in help", append(slices.Clone(all), "dry-run", "n"), 2},
		{"in help, not registered", []string{"json", "key", "output", "password", "username"}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			problems := helpFlagProblems(observedHelp{command: "tool cmd", help: sampleHelp, flags: tc.flags})
			if len(problems) != tc.want {
				t.Errorf("got %d problems %q, want %d", len(problems), problems, tc.want)
			}
		})
	}
}
