package textclip

import (
	"strings"
	"testing"
)

func TestClip(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"short", "short"},
		{strings.Repeat("a", Limit), strings.Repeat("a", Limit)},
		{strings.Repeat("a", Limit+1), strings.Repeat("a", Limit) + "… (201 bytes)"},
		{strings.Repeat("é", Limit+1), strings.Repeat("é", Limit) + "… (402 bytes)"},
	} {
		if got := Clip(tc.in); got != tc.want {
			t.Errorf("Clip(%d bytes) = %q, want %q", len(tc.in), got, tc.want)
		}
	}
}

func TestClipHugeValue(t *testing.T) {
	got := Clip(strings.Repeat("N", 900_000))
	if len(got) > Limit+40 || !strings.HasSuffix(got, "… (900000 bytes)") {
		t.Errorf("Clip of 900000 bytes = %d bytes ending %q", len(got), got[max(0, len(got)-30):])
	}
}

func TestQuote(t *testing.T) {
	if got, want := QuoteN("abcdef", 3), `"abc"… (6 bytes)`; got != want {
		t.Errorf("QuoteN = %q, want %q", got, want)
	}
	if got, want := Quote("a\nb"), `"a\nb"`; got != want {
		t.Errorf("Quote = %q, want %q", got, want)
	}
}
