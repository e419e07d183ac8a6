package keys

import (
	"strings"
	"unicode/utf8"
)

// SidecarPath is where the gateway looks for a loose artifact's signature: the extension is
// replaced by "<ext>.sig" (libfoo.so → libfoo.so.sig; foo → foo.bin.sig).
//
// It follows Rust's Path::with_extension as the gateway uses it: the extension is what follows
// the last dot of the file name unless that dot starts the name (".hidden" has none), and an
// extension that is not valid UTF-8 counts as "bin".
func SidecarPath(artifact string) string {
	base := artifact[strings.LastIndexByte(artifact, '/')+1:]
	dot := strings.LastIndexByte(base, '.')
	if base == ".." || dot <= 0 {
		return artifact + ".bin.sig"
	}
	if !utf8.ValidString(base[dot+1:]) {
		return artifact[:len(artifact)-len(base)+dot] + ".bin.sig"
	}
	return artifact + ".sig"
}
