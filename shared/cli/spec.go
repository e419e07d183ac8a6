package cli

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
)

// SpecCommand is the hidden command every tool answers with its ToolSpec as JSON: what shell
// completion offers (`mcpg-plugins completion <shell>` asks each installed tool). It is built by
// running each command with --help, the same path `help` takes, so it cannot drift from the flags
// the commands register.
const SpecCommand = "__complete-spec"

// ToolSpec describes a tool's commands for shell completion.
type ToolSpec struct {
	Name     string        `json:"name"`
	Commands []CommandSpec `json:"commands"`
}

// CommandSpec is one command: its flags, or the subcommands it dispatches to ("cache gc").
type CommandSpec struct {
	Name        string        `json:"name"`
	Summary     string        `json:"summary,omitempty"`
	Flags       []FlagSpec    `json:"flags,omitempty"`
	Subcommands []CommandSpec `json:"subcommands,omitempty"`
}

// FlagSpec is one flag under its long name and optional one-letter short form. Value is true for
// a flag that takes an argument (completed as a file name: most of ours name files).
type FlagSpec struct {
	Long  string `json:"long,omitempty"`
	Short string `json:"short,omitempty"`
	Value bool   `json:"value,omitempty"`
	Usage string `json:"usage,omitempty"`
}

// Spec describes t's commands, subcommands and flags.
func (t Tool) Spec() ToolSpec {
	spec := ToolSpec{Name: t.Name, Commands: []CommandSpec{}}
	for _, c := range t.Commands {
		spec.Commands = append(spec.Commands, commandSpec(c))
	}
	return spec
}

func commandSpec(c Command) CommandSpec {
	if len(c.Subcommands) == 0 {
		return CommandSpecOf(c.Name, c.Summary, c.Run)
	}
	s := CommandSpec{Name: c.Name, Summary: c.Summary, Flags: helpFlags()}
	for _, sub := range c.Subcommands {
		s.Subcommands = append(s.Subcommands, commandSpec(sub))
	}
	return s
}

// CommandSpecOf runs `run --help` and describes the flags the command registered on its FlagSet.
// A command that prints its help without a FlagSet is described as taking only -h/--help.
func CommandSpecOf(name, summary string, run func(env *Env, args []string) error) CommandSpec {
	var rec specRecorder
	env := &Env{Stdin: strings.NewReader(""), Stdout: &rec, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	_ = run(env, []string{"--help"}) // ErrHelp; the flag set, if any, was seen by rec
	flags := helpFlags()
	if rec.fs != nil {
		flags = append(flags, flagSpecs(rec.fs)...)
	}
	return CommandSpec{Name: name, Summary: summary, Flags: flags}
}

// helpFlags is -h/--help, which the flag package answers for every command.
func helpFlags() []FlagSpec {
	return []FlagSpec{{Long: "help", Short: "h", Usage: "show this help"}}
}

// flagSpecs pairs the short and long names registered for one variable (StringVarP, BoolVarP)
// into one FlagSpec, sorted by name.
func flagSpecs(fs *FlagSet) []FlagSpec {
	byTarget := map[string]*FlagSpec{}
	var specs []*FlagSpec
	fs.VisitAll(func(f *flag.Flag) {
		key := valueIdentity(f)
		s := byTarget[key]
		if s == nil {
			s = &FlagSpec{Value: !isBoolFlag(f), Usage: f.Usage}
			byTarget[key] = s
			specs = append(specs, s)
		}
		if len(f.Name) == 1 && s.Short == "" {
			s.Short = f.Name
		} else if s.Long == "" {
			s.Long = f.Name
		} else { // two long names for one variable: an alias of its own
			alias := &FlagSpec{Long: f.Name, Value: s.Value, Usage: f.Usage}
			specs = append(specs, alias)
		}
	})
	out := make([]FlagSpec, 0, len(specs))
	for _, s := range specs {
		out = append(out, *s)
	}
	sort.SliceStable(out, func(i, j int) bool { return flagSortName(out[i]) < flagSortName(out[j]) })
	return out
}

func flagSortName(s FlagSpec) string {
	if s.Long != "" {
		return s.Long
	}
	return s.Short
}

// valueIdentity is the variable a flag sets: flags registered for the same pointer are one flag
// under two names. A value that is not a pointer stands alone.
func valueIdentity(f *flag.Flag) string {
	v := reflect.ValueOf(f.Value)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		return fmt.Sprintf("%T@%x", f.Value, v.Pointer())
	}
	return "name:" + f.Name
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// specRecorder is the stdout of a --help run for a spec: the help text is dropped, the flag set
// that printed it is kept.
type specRecorder struct {
	bytes.Buffer
	fs *FlagSet
}

func (r *specRecorder) observeFlagSet(fs *FlagSet) {
	if r.fs == nil {
		r.fs = fs
	}
}

// flagSetObserver is a help destination that wants the flag set itself (FlagSet.Parse tells it
// on --help), for CommandSpecOf.
type flagSetObserver interface {
	observeFlagSet(fs *FlagSet)
}

func (t Tool) writeSpec(env *Env, args []string) error {
	if len(args) > 0 {
		return Usagef("%s %s: takes no arguments", t.Name, SpecCommand)
	}
	return WriteJSON(env.Stdout, t.Spec())
}
