// Package textclip bounds text that comes from the outside world (a descriptor field, a zip entry
// name, what a registry answered) before it goes into a message: a hostile 900 KB value must not
// become a 900 KB error line. Clipped text ends in "…" and says how long the whole value was, so
// the reader knows it was cut and by how much.
package textclip

import (
	"fmt"
	"strconv"
)

// Limit is how many runes of a value a message shows: enough for any real name, id or path.
const Limit = 200

// Clip returns s unchanged if it has at most Limit runes, else its first Limit runes, "…" and the
// full length: "aaaa… (921600 bytes)".
func Clip(s string) string { return ClipN(s, Limit) }

// ClipN is Clip with a limit of n runes.
func ClipN(s string, n int) string {
	head, cut := cutRunes(s, n)
	if !cut {
		return s
	}
	return head + "…" + length(s)
}

// Quote is strconv.Quote of s, clipped as Clip does: the quotes close before the "…", so
// "aaaa"… (921600 bytes) cannot be read as the value itself.
func Quote(s string) string { return QuoteN(s, Limit) }

// QuoteN is Quote with a limit of n runes.
func QuoteN(s string, n int) string {
	head, cut := cutRunes(s, n)
	if !cut {
		return strconv.Quote(s)
	}
	return strconv.Quote(head) + "…" + length(s)
}

func length(s string) string { return fmt.Sprintf(" (%d bytes)", len(s)) }

// cutRunes returns the first n runes of s and whether anything was cut. Invalid UTF-8 counts a
// byte per rune, as range does.
func cutRunes(s string, n int) (string, bool) {
	if len(s) <= n { // at most n bytes is at most n runes
		return s, false
	}
	count := 0
	for i := range s {
		if count == n {
			return s[:i], true
		}
		count++
	}
	return s, false
}
