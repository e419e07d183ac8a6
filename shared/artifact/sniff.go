package artifact

import (
	"debug/elf"
	"io"

	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
)

// SniffRuntime recognises an artifact by its first bytes, for when its name has no known
// extension: descriptor.RuntimeWasm for WebAssembly, descriptor.RuntimeNative for an ELF, Mach-O
// or PE file, and "" for anything else or fewer than four bytes. It only names the kind;
// CheckWasm and InspectNative decide whether the artifact is loadable.
func SniffRuntime(r io.ReaderAt) string {
	var b [4]byte
	if n, _ := r.ReadAt(b[:], 0); n < 4 {
		return ""
	}
	switch {
	case string(b[:]) == string(wasmMagic):
		return descriptor.RuntimeWasm
	case string(b[:]) == elf.ELFMAG, b[0] == 'M' && b[1] == 'Z', isMachO(b):
		return descriptor.RuntimeNative
	}
	return ""
}
