package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// FlagSet is a flag.FlagSet that accepts flags anywhere among the positional arguments (as the
// reference CLI does), treats "--" as the end of flags and "-" as a positional argument, and turns
// -h/--help into ErrHelp after printing the command's help text to stdout.
type FlagSet struct {
	*flag.FlagSet
	help   string
	stdout io.Writer
}

// NewFlagSet makes a flag set for the command named name (e.g. "plugin-sign verify") whose
// --help prints help.
func NewFlagSet(name, help string, stdout io.Writer) *FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &FlagSet{FlagSet: fs, help: help, stdout: stdout}
}

// StringVarP registers a string flag under a long and an optional short name.
func (f *FlagSet) StringVarP(p *string, long, short, value, usage string) {
	f.StringVar(p, long, value, usage)
	if short != "" {
		f.StringVar(p, short, value, usage)
	}
}

// BoolVarP registers a bool flag under a long and an optional short name.
func (f *FlagSet) BoolVarP(p *bool, long, short string, value bool, usage string) {
	f.BoolVar(p, long, value, usage)
	if short != "" {
		f.BoolVar(p, short, value, usage)
	}
}

// StringsVar registers a repeatable string flag.
func (f *FlagSet) StringsVar(p *[]string, name, usage string) {
	f.Var((*stringList)(p), name, usage)
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// Parse parses args and returns the positional arguments in order.
func (f *FlagSet) Parse(args []string) ([]string, error) {
	var positional []string
	for {
		err := f.FlagSet.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(f.stdout, f.help)
			if o, ok := f.stdout.(HelpObserver); ok {
				o.ObserveHelp(f.Name(), f.help, f.Names())
			}
			if o, ok := f.stdout.(flagSetObserver); ok {
				o.observeFlagSet(f)
			}
			return nil, ErrHelp
		}
		if err != nil {
			return nil, f.flagError(err, args)
		}
		rest := f.FlagSet.Args()
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// HelpObserver is implemented by a help destination that also wants to know which flags the
// command registered: clitest.CheckHelpFlags uses it so a help text cannot drift from its flags.
type HelpObserver interface {
	ObserveHelp(command, help string, flagNames []string)
}

// Names lists the registered flag names, sorted; a short form ("o") is a name of its own.
func (f *FlagSet) Names() []string {
	var names []string
	f.VisitAll(func(fl *flag.Flag) { names = append(names, fl.Name) })
	return names
}

// Visited reports whether the flag named by any of names was set on the command line.
func (f *FlagSet) Visited(names ...string) bool {
	seen := false
	f.Visit(func(fl *flag.Flag) {
		for _, n := range names {
			if fl.Name == n {
				seen = true
			}
		}
	})
	return seen
}

// Seconds is a duration flag value ("30s", "2m", "1m30s") that also takes a bare number of
// seconds ("90", "0.5").
type Seconds time.Duration

func (s *Seconds) String() string { return time.Duration(*s).String() }

func (s *Seconds) Set(v string) error {
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		*s = Seconds(n * float64(time.Second))
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is not a duration (e.g. 30s, 2m, 90)", v)
	}
	*s = Seconds(d)
	return nil
}
