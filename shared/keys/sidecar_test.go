package keys

import (
	"crypto/sha256"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
)

func sha256Of(b []byte) digest.Digest { return sha256.Sum256(b) }

func TestSidecarPath(t *testing.T) {
	for in, want := range map[string]string{
		"libfoo.so":         "libfoo.so.sig",
		"plugin.wasm":       "plugin.wasm.sig",
		"foo":               "foo.bin.sig",
		"dir/foo":           "dir/foo.bin.sig",
		"dir.d/foo":         "dir.d/foo.bin.sig",
		"a/b/libx.1.2.so":   "a/b/libx.1.2.so.sig",
		".hidden":           ".hidden.bin.sig",
		".hidden.so":        ".hidden.so.sig",
		"foo.":              "foo..sig",
		"/abs/path/p.dylib": "/abs/path/p.dylib.sig",
		"x.\xff":            "x.bin.sig",
	} {
		t.Run(in, func(t *testing.T) {
			if got := SidecarPath(in); got != want {
				t.Errorf("SidecarPath(%q) = %q, want %q", in, got, want)
			}
		})
	}
}
