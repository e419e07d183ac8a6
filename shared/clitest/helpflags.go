package clitest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

// CheckToolHelpFlags checks every command of tool with CheckHelpFlags. A command that only
// dispatches to subcommands (plugin-oci cache) is named by its subcommands in nested
// ("cache ls", "cache gc"), which then stand in for it.
func CheckToolHelpFlags(t *testing.T, tool cli.Tool, nested ...string) {
	t.Helper()
	var commands []string
	for _, c := range tool.Commands {
		var subs []string
		for _, n := range nested {
			if strings.HasPrefix(n, c.Name+" ") {
				subs = append(subs, n)
			}
		}
		if subs == nil {
			subs = []string{c.Name}
		}
		commands = append(commands, subs...)
	}
	CheckHelpFlags(t, tool.Run, commands...)
}

// CheckHelpFlags runs each command (its words, "cache gc") with --help and checks its help text
// against the flags it registered: every flag, long (--name) and short (-x), is listed in a
// flags section of the help, and every flag a flags section mentions is registered. A flags
// section is a block under a heading ("Flags:", "Signers:") whose first line starts with a flag.
func CheckHelpFlags(t *testing.T, run func(env *cli.Env, args []string) error, commands ...string) {
	t.Helper()
	for _, command := range commands {
		t.Run(command, func(t *testing.T) {
			var stdout helpRecorder
			env := &cli.Env{
				Stdin:  strings.NewReader(""),
				Stdout: &stdout,
				Stderr: &bytes.Buffer{},
				Getenv: func(string) string { return "" },
			}
			args := append(strings.Fields(command), "--help")
			if err := run(env, args); err != nil && !errors.Is(err, cli.ErrHelp) {
				t.Fatalf("%s: %v", strings.Join(args, " "), err)
			}
			if len(stdout.seen) != 1 {
				t.Fatalf("%s --help printed %d flag sets' help, want 1", command, len(stdout.seen))
			}
			for _, p := range helpFlagProblems(stdout.seen[0]) {
				t.Error(p)
			}
		})
	}
}

// helpFlagProblems says where the help text and the registered flags disagree.
func helpFlagProblems(h observedHelp) []string {
	var problems []string
	listed := helpFlagTokens(h.help)
	for _, name := range h.flags {
		if !slices.Contains(listed, flagToken(name)) {
			problems = append(problems, fmt.Sprintf("%s: flag %s is registered but not in its --help flags section", h.command, flagToken(name)))
		}
	}
	for _, tok := range listed {
		if tok == "-h" || tok == "--help" {
			continue // the flag package answers these itself
		}
		if !slices.Contains(h.flags, strings.TrimLeft(tok, "-")) {
			problems = append(problems, fmt.Sprintf("%s: --help lists %s, which is not a registered flag", h.command, tok))
		}
	}
	return problems
}

func flagToken(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// helpFlagTokens returns the flags mentioned in the help's flags sections: --name anywhere in
// them (descriptions refer to other flags), -x only in the flag column of an entry, since a
// description may quote another program's short flags ("sh -c", "ssh-keygen -t ed25519").
func helpFlagTokens(help string) []string {
	var tokens []string
	for _, section := range flagSections(help) {
		for _, line := range strings.Split(section, "\n") {
			column := flagColumn(line)
			for _, w := range strings.FieldsFunc(line, isFlagSeparator) {
				tok, ok := asFlagToken(w)
				if !ok || slices.Contains(tokens, tok) {
					continue
				}
				if strings.HasPrefix(tok, "--") || slices.Contains(strings.FieldsFunc(column, isFlagSeparator), tok) {
					tokens = append(tokens, tok)
				}
			}
		}
	}
	return tokens
}

// flagColumn is the part of an entry line before its description (two spaces apart); "" for a
// line that continues a description.
func flagColumn(line string) string {
	entry := strings.TrimSpace(line)
	if !startsWithFlag(entry) {
		return ""
	}
	column, _, _ := strings.Cut(entry, "  ")
	return column
}

func isFlagSeparator(r rune) bool { return strings.ContainsRune(" \t,()[]/'\"=;", r) }

// asFlagToken reads "-x" or "--name…" (up to the first character a flag name does not hold);
// "-", "--" and "-----BEGIN" are not flags.
func asFlagToken(w string) (string, bool) {
	if name, ok := strings.CutPrefix(w, "--"); ok {
		end := strings.IndexFunc(name, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-')
		})
		if end >= 0 {
			name = name[:end]
		}
		name = strings.TrimRight(name, "-")
		if name == "" || name[0] < 'a' || name[0] > 'z' {
			return "", false
		}
		return "--" + name, true
	}
	if len(w) == 2 && w[0] == '-' && (w[1] >= 'a' && w[1] <= 'z' || w[1] >= 'A' && w[1] <= 'Z') {
		return w, true
	}
	return "", false
}

// flagSections returns the bodies of the help's flag-listing blocks: the indented lines under an
// unindented heading ending in ":", up to the next blank or unindented line, when the first of
// them starts with a flag.
func flagSections(help string) []string {
	var sections []string
	lines := strings.Split(help, "\n")
	for i := 0; i < len(lines); i++ {
		heading := lines[i]
		if heading == "" || heading[0] == ' ' || !strings.HasSuffix(heading, ":") {
			continue
		}
		j := i + 1
		for j < len(lines) && strings.HasPrefix(lines[j], " ") {
			j++
		}
		if j > i+1 && startsWithFlag(strings.TrimSpace(lines[i+1])) {
			sections = append(sections, strings.Join(lines[i+1:j], "\n"))
		}
		i = j - 1
	}
	return sections
}

func startsWithFlag(line string) bool {
	rest := strings.TrimPrefix(strings.TrimPrefix(line, "-"), "-")
	return len(rest) < len(line) && rest != "" && (rest[0] >= 'a' && rest[0] <= 'z' || rest[0] >= 'A' && rest[0] <= 'Z')
}

// helpRecorder is the stdout of a --help run: it keeps the text and what the flag set reported.
type helpRecorder struct {
	bytes.Buffer
	seen []observedHelp
}

type observedHelp struct {
	command, help string
	flags         []string
}

func (r *helpRecorder) ObserveHelp(command, help string, flagNames []string) {
	r.seen = append(r.seen, observedHelp{command, help, flagNames})
}
