package textdist

import (
	"strings"
	"testing"
)

func TestLevenshtein(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "abc", 3}, {"verify", "verfy", 1}, {"kitten", "sitting", 3},
		{"identity", "identity_provider", 9}, {"tool-gate", "tool_gate", 1},
		{strings.Repeat("a", 65), "a", 65},
	} {
		t.Run(c.a+" → "+c.b, func(t *testing.T) {
			if got := Levenshtein(c.a, c.b); got != c.want {
				t.Errorf("Levenshtein(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
			}
		})
	}
}
