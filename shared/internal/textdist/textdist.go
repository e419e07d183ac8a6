// Package textdist measures how far apart two short strings are, for "did you mean" suggestions.
package textdist

// maxLen bounds the quadratic work on hostile input (a fuzzed descriptor can hold a huge class name).
const maxLen = 64

// Levenshtein is the edit distance between a and b, counted in bytes. Strings longer than 64 bytes
// are treated as unrelated to anything and get the longer length.
func Levenshtein(a, b string) int {
	if len(a) > maxLen || len(b) > maxLen {
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
