package cli

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/textclip"
)

// flagError words a parse error of the flag package for a person: the flag as it was typed
// ("--jsn", not the package's "-jsn"), what a flag's value should have been rather than "parse
// error", and for an unknown flag the registered one it most likely meant, or ours where another
// tool's flag was typed (--plain-http, --insecure, --registry-config).
func (f *FlagSet) flagError(err error, args []string) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		e := Usagef("%s: unknown flag %s", f.Name(), typed(name, args))
		return WithHint(e, f.unknownFlagAdvice(name))
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return UsageHelpf(f.Name(), "%s: flag %s needs a value", f.Name(), typed(name, args))
	}
	if name, value, ok := badValue(msg); ok {
		if expected := expectedValue(f.Lookup(name), msg); expected != "" {
			return UsageHelpf(f.Name(), "%s: %s %s: expected %s", f.Name(), typed(name, args), textclip.Quote(value), expected)
		}
		// A flag of its own type: its Set already said what is wrong with the value.
		_, reason, _ := strings.Cut(msg, ": ")
		return UsageHelpf(f.Name(), "%s: %s: %s", f.Name(), typed(name, args), reason)
	}
	return UsageHelpf(f.Name(), "%s: %s", f.Name(), msg)
}

// typed is the flag called name as the command line spelled it: "--json" or "-json" (the flag
// package accepts both and reports "-json"); a short name defaults to "-o", a long one to "--json".
func typed(name string, args []string) string {
	for _, a := range args {
		if a == "--" {
			break
		}
		flagName, _, _ := strings.Cut(a, "=")
		if flagName == "-"+name || flagName == "--"+name {
			return flagName
		}
	}
	return dashed(name)
}

func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// badValue splits the flag package's `invalid value "abc" for flag -retries: parse error` (and
// its "invalid boolean value" form) into the flag's name and the value given.
func badValue(msg string) (name, value string, ok bool) {
	rest, found := strings.CutPrefix(msg, "invalid value ")
	if !found {
		if rest, found = strings.CutPrefix(msg, "invalid boolean value "); !found {
			return "", "", false
		}
	}
	quoted, after, found := strings.Cut(rest, " for ")
	if !found {
		return "", "", false
	}
	name, _, _ = strings.Cut(strings.TrimPrefix(after, "flag "), ": ")
	name = strings.TrimPrefix(name, "-")
	value = strings.Trim(quoted, `"`)
	return name, value, true
}

// expectedValue says what a flag of a standard type takes, or "" for a flag of its own type.
func expectedValue(fl *flag.Flag, msg string) string {
	if fl == nil {
		return ""
	}
	g, ok := fl.Value.(flag.Getter)
	if !ok {
		return ""
	}
	kind := ""
	switch g.Get().(type) {
	case int, int64:
		kind = "a whole number such as 3"
	case uint, uint64:
		kind = "a whole number from 0, such as 3"
	case float64:
		kind = "a number such as 1.5"
	case bool:
		kind = "true or false (or the flag alone for true)"
	case time.Duration:
		kind = "a duration such as 30s, 5m or 1h"
	}
	if kind != "" && strings.HasSuffix(msg, ": value out of range") {
		return "a smaller number"
	}
	return kind
}

// foreignFlags are flags users of ORAS, crane and docker type, with ours that do the job. They are
// suggested, not accepted: none means exactly what ours does.
var foreignFlags = map[string]struct {
	ours   []string // every flag of ours the advice names, all registered for it to apply
	advice string
}{
	"plain-http": {[]string{"insecure-registry"},
		"this is ORAS's --plain-http; here use --insecure-registry <host[:port]>, which allows plain HTTP for that registry only"},
	"insecure": {[]string{"insecure-registry", "insecure-skip-tls-verify"},
		"for plain HTTP (crane's --insecure) use --insecure-registry <host[:port]>; to skip TLS certificate checks (ORAS's --insecure) use --insecure-skip-tls-verify"},
	"registry-config": {[]string{"docker-config"},
		"this is ORAS's --registry-config; here use --docker-config <path> (the same docker config.json format)"},
}

// unknownFlagAdvice is the hint for an unknown flag: ours for another tool's, the closest
// registered name for a typo, else where the flags are listed.
func (f *FlagSet) unknownFlagAdvice(name string) string {
	if ff, ok := foreignFlags[name]; ok && f.hasAll(ff.ours) {
		return ff.advice
	}
	if s := Suggest(name, f.longNames()); s != "" && len(name) > 1 {
		return fmt.Sprintf("did you mean %s? (see '%s --help')", dashed(s), f.Name())
	}
	return SeeHelp(f.Name())
}

func (f *FlagSet) hasAll(names []string) bool {
	for _, n := range names {
		if f.Lookup(n) == nil {
			return false
		}
	}
	return true
}

// longNames are the registered names longer than a letter: "-x" is no typo of "-o".
func (f *FlagSet) longNames() []string {
	var names []string
	for _, n := range f.Names() {
		if len(n) > 1 {
			names = append(names, n)
		}
	}
	return names
}
