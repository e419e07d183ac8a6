package gwcache

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzParseSidecar checks the sidecar reader against a plain restatement of the gateway's rule
// (UTF-8; trim Unicode whitespace; optional exact "sha256:"; 64 hex digits of either case).
func FuzzParseSidecar(f *testing.F) {
	f.Add([]byte("sha256:" + hex64))
	f.Add([]byte(" " + strings.ToUpper(hex64) + "\n"))
	f.Add([]byte("SHA256:" + hex64))
	f.Add([]byte("sha256:sha256:" + hex64[:57]))
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, ok := ParseSidecar(raw)
		s := strings.TrimFunc(string(raw), unicode.IsSpace)
		if h, cut := strings.CutPrefix(s, "sha256:"); cut {
			s = h
		}
		want := utf8.Valid(raw) && len(s) == 64 && strings.Trim(strings.ToLower(s), "0123456789abcdef") == ""
		if ok != want {
			t.Fatalf("ParseSidecar(%q) ok = %v, want %v", raw, ok, want)
		}
		if ok && d.Hex() != strings.ToLower(s) {
			t.Fatalf("ParseSidecar(%q) = %s", raw, d)
		}
		if ok {
			if again, ok2 := ParseSidecar(SidecarContent(d)); !ok2 || again != d {
				t.Fatalf("round trip of %s failed", d)
			}
		}
	})
}
