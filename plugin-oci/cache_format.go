package main

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// The reference CLI's formats for cache gc (mcpg-plugin src/main.rs: parse_duration_secs,
// format_bytes, format_age), reproduced so reports read the same.

// durationUnits are the unit words --older-than accepts and their length in seconds.
var durationUnits = map[string]uint64{
	"": 1, "s": 1, "sec": 1, "secs": 1, "seconds": 1,
	"m": 60, "min": 60, "mins": 60, "minutes": 60,
	"h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
	"d": 86400, "day": 86400, "days": 86400,
	"w": 604800, "week": 604800, "weeks": 604800,
}

// parseDurationSecs reads "<digits><unit>" (whitespace around the whole and before the unit is
// allowed: "1 hour") into seconds; false for anything else, including an overflow.
func parseDurationSecs(s string) (uint64, bool) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, false
	}
	n, err := strconv.ParseUint(s[:i], 10, 64)
	if err != nil {
		return 0, false
	}
	mult, ok := durationUnits[strings.TrimSpace(s[i:])]
	if !ok {
		return 0, false
	}
	hi, secs := bits.Mul64(n, mult)
	return secs, hi == 0
}

// parseCount reads a non-negative integer as Rust's usize::from_str does (an optional "+"),
// with its error wording.
func parseCount(s string) (uint64, error) {
	digits := strings.TrimPrefix(s, "+")
	switch {
	case s == "":
		return 0, fmt.Errorf("cannot parse integer from empty string")
	case digits == "" || strings.TrimLeft(digits, "0123456789") != "":
		return 0, fmt.Errorf("invalid digit found in string")
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("number too large to fit in target type")
	}
	return n, nil
}

// formatBytes: 42B, 2.0K, 3.0M, 4.00G (binary multiples).
func formatBytes(n int64) string {
	const k, m, g = 1 << 10, 1 << 20, 1 << 30
	switch {
	case n >= g:
		return strconv.FormatFloat(float64(n)/g, 'f', 2, 64) + "G"
	case n >= m:
		return strconv.FormatFloat(float64(n)/m, 'f', 1, 64) + "M"
	case n >= k:
		return strconv.FormatFloat(float64(n)/k, 'f', 1, 64) + "K"
	}
	return strconv.FormatInt(n, 10) + "B"
}

// ageSecs is how many whole seconds before now t was; false when t is in the future.
func ageSecs(now, t time.Time) (uint64, bool) {
	if t.After(now) {
		return 0, false
	}
	s := now.Unix() - t.Unix()
	if now.Nanosecond() < t.Nanosecond() {
		s--
	}
	return uint64(s), true
}

// formatAge: Nd, Nh, Nm or Ns, rounded down; a future time is 0s.
func formatAge(now, t time.Time) string {
	s, _ := ageSecs(now, t)
	switch {
	case s >= 86400:
		return fmt.Sprintf("%dd", s/86400)
	case s >= 3600:
		return fmt.Sprintf("%dh", s/3600)
	case s >= 60:
		return fmt.Sprintf("%dm", s/60)
	}
	return fmt.Sprintf("%ds", s)
}

// olderThan reports whether t is at least threshold seconds before now (never for a future t),
// the reference's eligibility test.
func olderThan(now, t time.Time, threshold uint64) bool {
	s, ok := ageSecs(now, t)
	return ok && s >= threshold
}

// entryLine is one report line: "  <size, 8 wide>  <age>  <name>".
func entryLine(size int64, now, mtime time.Time, name string) string {
	return fmt.Sprintf("  %-8s  %s  %s", formatBytes(size), formatAge(now, mtime), name)
}

// joinPath appends name to dir as the reference's PathBuf::join displays it (no cleaning), so
// paths in messages match the directory the user gave.
func joinPath(dir, name string) string {
	if dir == "" || strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}
