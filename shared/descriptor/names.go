package descriptor

import (
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mcpg-dev/mcpg-plugins/shared/internal/textdist"
)

// ShortName is the last '.'-separated segment of an id (docs/contract.md §1.4).
func ShortName(id string) string {
	return id[strings.LastIndexByte(id, '.')+1:]
}

// CanonicalFilename is mcpg-plugin-<NAME>_<VERSION>_<OS>_<ARCH>.zip (docs/contract.md §1.4).
func CanonicalFilename(name, version, goos, arch string) string {
	return "mcpg-plugin-" + name + "_" + version + "_" + goos + "_" + arch + ".zip"
}

// CanonicalName is what a canonical file name says (see CanonicalFilename).
type CanonicalName struct{ Name, Version, OS, Arch string }

// ParseCanonicalFilename reads mcpg-plugin-<NAME>_<VERSION>_<OS>_<ARCH>.zip (docs/contract.md §1.4)
// from the base of path, from the right, since a name may contain '_' but version, os and arch do
// not. ok is false when the base name is not of that form.
func ParseCanonicalFilename(path string) (c CanonicalName, ok bool) {
	rest, ok := strings.CutPrefix(filepath.Base(path), "mcpg-plugin-")
	if !ok {
		return CanonicalName{}, false
	}
	rest, ok = strings.CutSuffix(rest, ".zip")
	if !ok {
		return CanonicalName{}, false
	}
	parts := strings.Split(rest, "_")
	if len(parts) < 4 {
		return CanonicalName{}, false
	}
	n := len(parts)
	c = CanonicalName{Name: strings.Join(parts[:n-3], "_"), Version: parts[n-3], OS: parts[n-2], Arch: parts[n-1]}
	if c.Name == "" || c.Version == "" || c.OS == "" || c.Arch == "" {
		return CanonicalName{}, false
	}
	return c, true
}

// ClassSuggestion returns the valid class closest to s ("identity" → "identity_provider"), or "".
// A valid class is returned unchanged.
func ClassSuggestion(s string) string { return suggest(s, Classes, nil) }

// RuntimeSuggestion returns the runtime closest to s ("wasm" → "wasi-v1"), or "".
func RuntimeSuggestion(s string) string {
	return suggest(s, Runtimes, map[string]string{"wasm": RuntimeWasm, "native": RuntimeNative, "static": RuntimeStatic})
}

// suggest picks the option a typo most likely meant, in tiers: same letters ignoring case and
// separators ("toolGate", "tool-gate"), then aliases, then prefix either way ("identity" →
// "identity_provider", "cluster_backend" → "cluster"), then containment, then small edit distance.
// A tier with several equally good candidates yields "" rather than a guess.
func suggest(s string, options []string, aliases map[string]string) string {
	k := squash(s)
	if k == "" {
		return ""
	}
	for _, o := range options {
		if squash(o) == k {
			return o
		}
	}
	if a, ok := aliases[k]; ok {
		return a
	}
	tiers := []func(o string) bool{
		func(o string) bool { return len(k) >= 3 && strings.HasPrefix(o, k) },
		func(o string) bool { return len(o) >= 4 && strings.HasPrefix(k, o) },
		func(o string) bool { return len(k) >= 4 && strings.Contains(o, k) },
	}
	for _, match := range tiers {
		var found []string
		for _, o := range options {
			if match(squash(o)) {
				found = append(found, o)
			}
		}
		switch len(found) {
		case 0:
			continue
		case 1:
			return found[0]
		}
		return closest(k, found) // "provide": provides, not provides_schemes
	}
	return closest(k, options)
}

// closest is the option within a small edit distance of key k, "" if none or a tie.
func closest(k string, options []string) string {
	best, bestDist, tie := "", 0, false
	for _, o := range options {
		d := textdist.Levenshtein(k, squash(o))
		switch {
		case best == "" || d < bestDist:
			best, bestDist, tie = o, d, false
		case d == bestDist:
			tie = true
		}
	}
	if best == "" || tie || bestDist > max(1, len(k)/4) {
		return ""
	}
	return best
}

// squash lowercases and drops everything but letters and digits, so "toolGate", "tool-gate" and
// "Tool_Gate" compare equal.
func squash(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// quote renders a value for a one-line message: Go-quoted, cut to 60 runes.
func quote(s string) string {
	if c := clip(s); c != s {
		return strconv.Quote(strings.TrimSuffix(c, "…")) + "…"
	}
	return strconv.Quote(s)
}

// clip cuts text from the document (keys, tags, numbers) to 60 runes for messages and paths.
func clip(s string) string {
	const limit = 60
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	n := 0
	for i := range s {
		if n == limit {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// didYouMean formats a suggestion suffix, or "".
func didYouMean(s string) string {
	if s == "" {
		return ""
	}
	return " (did you mean " + strconv.Quote(s) + "?)"
}
