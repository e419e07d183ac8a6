package artifact

import (
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
)

func TestSniffRuntime(t *testing.T) {
	for _, c := range []struct{ name, head, want string }{
		{"wasm", "\x00asm\x0d\x00\x01\x00", descriptor.RuntimeWasm},
		{"elf", "\x7fELF\x02\x01", descriptor.RuntimeNative},
		{"pe", "MZ\x90\x00", descriptor.RuntimeNative},
		{"mach-o 64 little-endian", "\xcf\xfa\xed\xfe", descriptor.RuntimeNative},
		{"mach-o 32 little-endian", "\xce\xfa\xed\xfe", descriptor.RuntimeNative},
		{"mach-o 64 big-endian", "\xfe\xed\xfa\xcf", descriptor.RuntimeNative},
		{"mach-o 32 big-endian", "\xfe\xed\xfa\xce", descriptor.RuntimeNative},
		{"mach-o fat", "\xca\xfe\xba\xbe", descriptor.RuntimeNative},
		{"text", "name: x\n", ""},
		{"zip", "PK\x03\x04", ""},
		{"short", "\x00as", ""},
		{"empty", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := SniffRuntime(strings.NewReader(c.head)); got != c.want {
				t.Errorf("SniffRuntime(%q) = %q, want %q", c.head, got, c.want)
			}
		})
	}
}
