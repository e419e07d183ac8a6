// Package yamlscalar types the text of a plain YAML scalar the way serde_yaml 0.9 — the gateway's
// YAML library, under both plugin.yaml and the config layers — does (its de.rs
// visit_untagged_scalar, parse_f64, digits_but_not_number): YAML 1.2 core-schema spellings, not
// the YAML 1.1 ones yaml.v3 resolves (`yes`, `0123`, `1_000` are strings here). Callers decide
// what a scalar's style and tag mean; this package reads only its text.
package yamlscalar

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// IsNull reports a null spelling: ~, null, Null, NULL. (An empty plain scalar is null too; that
// is for the caller to see.)
func IsNull(s string) bool { return s == "~" || s == "null" || s == "Null" || s == "NULL" }

// Bool reads true/True/TRUE and false/False/FALSE.
func Bool(s string) (v, ok bool) {
	switch s {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	return false, false
}

// LeadingZeroDigits reports digits with a leading zero ("0123", "-00"), which are strings in YAML
// 1.2, not numbers (digits_but_not_number).
func LeadingZeroDigits(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	return len(s) > 1 && s[0] == '0' && strings.Trim(s, "0123456789") == ""
}

var (
	maxU128 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
	minI128 = new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 127))
)

// Int reads an integer as visit_int does: an optional '+' or '-', then 0x/0o/0b digits or decimal
// digits without a leading zero, from i128::MIN up to u128::MAX. Anything else, a wider value
// included, is not an integer (it may still be a float or a string).
func Int(s string) (*big.Int, bool) {
	t, neg := s, false
	if t != "" && (t[0] == '+' || t[0] == '-') {
		t, neg = t[1:], t[0] == '-'
	}
	base := 10
	switch {
	case strings.HasPrefix(t, "0x"):
		base, t = 16, t[2:]
	case strings.HasPrefix(t, "0o"):
		base, t = 8, t[2:]
	case strings.HasPrefix(t, "0b"):
		base, t = 2, t[2:]
	default:
		if LeadingZeroDigits(s) {
			return nil, false
		}
	}
	// SetString with an explicit base takes neither a sign nor '_' separators: digits only.
	if t == "" || t[0] == '+' || t[0] == '-' || strings.ContainsRune(t, '_') {
		return nil, false
	}
	i, ok := new(big.Int).SetString(t, base)
	if !ok {
		return nil, false
	}
	if neg {
		i.Neg(i)
	}
	if i.Cmp(maxU128) > 0 || i.Cmp(minI128) < 0 {
		return nil, false
	}
	return i, true
}

var floatSyntax = regexp.MustCompile(`^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// Float reads a float as parse_f64 does: an optional single '+', the .inf/.nan spellings, else
// Rust's f64 syntax with a finite result (a spelling that overflows is not a float). It does not
// look for leading zeros: an untagged "0123" is a string because callers ask LeadingZeroDigits
// first, as serde_yaml does.
func Float(s string) (float64, bool) {
	unsigned := s
	if strings.HasPrefix(s, "+") {
		unsigned = s[1:]
		if strings.HasPrefix(unsigned, "+") || strings.HasPrefix(unsigned, "-") {
			return 0, false
		}
	}
	switch {
	case unsigned == ".inf" || unsigned == ".Inf" || unsigned == ".INF":
		return math.Inf(1), true
	case s == "-.inf" || s == "-.Inf" || s == "-.INF":
		return math.Inf(-1), true
	case s == ".nan" || s == ".NaN" || s == ".NAN":
		return math.NaN(), true
	}
	if !floatSyntax.MatchString(unsigned) {
		return 0, false
	}
	f, err := strconv.ParseFloat(unsigned, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}
