package rustfmt

import "testing"

// Expected texts are rustc 1.95's format!("{:?}", s), as the gateway's errors print them.
func TestDebugString(t *testing.T) {
	for in, want := range map[string]string{
		"plain":        `"plain"`,
		"pl\u2028gins": `"pl\u{2028}gins"`,
		"~\u00a0":      `"~\u{a0}"`,
		"path\ufeff":   `"path\u{feff}"`,
		"tab\there\n":  `"tab\there\n"`,
		"q\"b\\'":      `"q\"b\\'"`,
		"nul\x00\x07":  `"nul\0\u{7}"`,
		"e\u0301":      `"e\u{301}"`,
		"été 日本 🙂":     `"été 日本 🙂"`,
		"\u0085\u00ad": `"\u{85}\u{ad}"`,
		"\U000E0001":   `"\u{e0001}"`,
		"\U0010FFFF":   `"\u{10ffff}"`,
		"\u0378":       `"\u{378}"`,
	} {
		if got := DebugString(in); got != want {
			t.Errorf("DebugString(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestTableSorted(t *testing.T) {
	for i, r := range escaped {
		if r[0] > r[1] || (i > 0 && escaped[i-1][1] >= r[0]) {
			t.Fatalf("range %d %x-%x out of order", i, r[0], r[1])
		}
	}
}
