package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/internal/textdist"
)

// Command is one subcommand of a tool binary (e.g. "verify" of plugin-sign).
type Command struct {
	Name    string
	Summary string
	Run     func(env *Env, args []string) error
	// Subcommands, for a command that dispatches to its own ("cache gc"), tell completion (Spec)
	// what follows it; Run still does the dispatching.
	Subcommands []Command
}

// Tool is a binary hosting one or more commands.
type Tool struct {
	Name     string // binary name, e.g. "plugin-sign"
	Summary  string
	Commands []Command
}

// Run dispatches args[0] to the matching command. With no arguments, "help", -h or --help it
// prints the tool's usage; --version prints "<tool> <version>" and the build line.
func (t Tool) Run(env *Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, t.Usage())
		return Usagef("%s: missing command", t.Name)
	}
	switch args[0] {
	case "-h", "--help", "help":
		if len(args) > 1 && args[0] == "help" {
			return t.Run(env, []string{args[1], "--help"})
		}
		fmt.Fprint(env.Stdout, t.Usage())
		return nil
	case "--version", "version":
		return t.printVersion(env, args[1:])
	case SpecCommand:
		return t.writeSpec(env, args[1:])
	}
	for _, c := range t.Commands {
		if c.Name == args[0] {
			return c.Run(env, args[1:])
		}
	}
	if advice := TopLevelFlagHint(t.Name, args[0]); advice != "" {
		return WithHint(Usagef("%s: unknown flag %s", t.Name, args[0]), advice)
	}
	err := Usagef("%s: unknown command %q", t.Name, args[0])
	if s := Suggest(args[0], t.commandNames()); s != "" {
		return WithHint(err, fmt.Sprintf("did you mean '%s %s'?", t.Name, s))
	}
	return WithHint(err, fmt.Sprintf("run '%s --help' for the list of commands", t.Name))
}

func (t Tool) commandNames() []string {
	var names []string
	for _, c := range t.Commands {
		names = append(names, c.Name)
	}
	return names
}

// Usage is the tool's help text.
func (t Tool) Usage() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s\n\nUsage: %s <command> [flags] [arguments]\n\nCommands:\n", t.Name, t.Summary, t.Name)
	for _, c := range t.Commands {
		fmt.Fprintf(&b, "  %-10s %s\n", c.Name, c.Summary)
	}
	fmt.Fprintf(&b, "\nRun '%s <command> --help' for a command's flags.\n", t.Name)
	return b.String()
}

// Suggest returns the candidate closest to word by edit distance, if it is close enough to be a
// plausible typo, else "".
func Suggest(word string, candidates []string) string {
	type scored struct {
		name string
		d    int
	}
	var best []scored
	for _, c := range candidates {
		best = append(best, scored{c, textdist.Levenshtein(strings.ToLower(word), strings.ToLower(c))})
	}
	sort.SliceStable(best, func(i, j int) bool { return best[i].d < best[j].d })
	if len(best) == 0 {
		return ""
	}
	limit := 2
	if len(word) <= 3 {
		limit = 1
	}
	if best[0].d <= limit {
		return best[0].name
	}
	if len(word) >= 3 {
		for _, c := range candidates {
			if strings.HasPrefix(c, word) {
				return c
			}
		}
	}
	return ""
}

// TopLevelFlagHint advises on a flag given to tool itself rather than to a command: -v, -V and
// near misses of --version and --help mean those ("did you mean '--version'?"), anything else
// belongs after a command. It returns "" when arg is no flag.
func TopLevelFlagHint(tool, arg string) string {
	if !strings.HasPrefix(arg, "-") || arg == "-" {
		return ""
	}
	name := strings.TrimLeft(arg, "-")
	if name == "v" || name == "V" {
		name = "version"
	}
	if s := Suggest(name, []string{"version", "help"}); s != "" {
		return fmt.Sprintf("did you mean '%s --%s' (or '%s %s')?", tool, s, tool, s)
	}
	return fmt.Sprintf("flags go after the command ('%s <command> %s'); run '%s help'", tool, arg, tool)
}
