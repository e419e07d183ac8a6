package artifact

import (
	"errors"
	"fmt"
	"io"

	"github.com/mcpg-dev/mcpg-plugins/shared/hint"
)

// Component-model preamble: magic, then version 0x000d and layer 0x0001 (a core module has
// version 1, layer 0). wasmtime, which the gateway embeds, accepts only this version.
var (
	wasmMagic         = []byte("\x00asm")
	componentVersion  = []byte{0x0d, 0x00, 0x01, 0x00}
	coreModuleVersion = []byte{0x01, 0x00, 0x00, 0x00}
)

// CheckWasm reads the 8-byte preamble of a WebAssembly binary (docs/contract.md §8.4). A component
// returns true; a core module returns false and no error, since the caller decides whether that
// is a warning (the gateway rejects core modules at load). Anything else is an error.
func CheckWasm(r io.Reader) (isComponent bool, err error) {
	var h [8]byte
	n, err := io.ReadFull(r, h[:])
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return false, fmt.Errorf("is not WebAssembly: only %d bytes, expected at least the 8-byte preamble", n)
		}
		return false, err
	}
	if string(h[:4]) != string(wasmMagic) {
		return false, fmt.Errorf("is not WebAssembly: expected magic 00 61 73 6d, found % x", h[:4])
	}
	switch v := h[4:]; {
	case string(v) == string(componentVersion):
		return true, nil
	case string(v) == string(coreModuleVersion):
		return false, nil
	case v[2] == 1 && v[3] == 0:
		return false, hint.Wrap(fmt.Errorf("is a WebAssembly component of binary version 0x%02x%02x; the gateway's wasmtime reads version 0x000d", v[1], v[0]),
			"rebuild with a current toolchain")
	default:
		return false, fmt.Errorf("is WebAssembly with an unknown version/layer % x (expected 0d 00 01 00 for a component)", v)
	}
}

// CoreModuleWarning is the advice shown when a .wasm is a core module rather than a component.
const CoreModuleWarning = "is a core WebAssembly module, not a component: the gateway loads wasi-v1 plugins with Component::from_binary and will refuse it (build it as a WASI P2 component, e.g. cargo component build or wasm-tools component new)"
