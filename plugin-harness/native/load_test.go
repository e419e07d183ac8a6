//go:build (linux || darwin) && (amd64 || arm64)

package native

import (
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

// TestReadLayoutRefusesWhatIsNoTypeLayout builds TypeLayout prefixes in Go memory: each case breaks
// one field, and readLayout must name it without reading the fields after it.
func TestReadLayoutRefusesWhatIsNoTypeLayout(t *testing.T) {
	pkg := []byte("mcpg-plugin-protocol;0.1.0-beta.14")
	for _, tc := range []struct {
		name    string
		edit    func(layout, mono []uintptr)
		problem string // "" accepted
	}{
		{"abi v2", func(l, m []uintptr) {}, ""},
		{"another size is a layout, judged later", func(l, m []uintptr) { l[3] = 232 }, ""},
		{"null mono", func(l, m []uintptr) { l[1] = 0 }, "null mono pointer (offset 8)"},
		{"is_nonzero not a bool", func(l, m []uintptr) { l[2] = 0x0307 }, "is_nonzero (offset 16) is 7, not a bool"},
		{"alignment beyond any", func(l, m []uintptr) { l[2] = 113 << 8 }, "alignment_power_of_two (offset 17) is 113"},
		{"size not a multiple", func(l, m []uintptr) { l[3] = 12 }, "size (offset 24) is 12 bytes, not a multiple of its alignment 2^3"},
		{"package unreadable", func(l, m []uintptr) { m[4] = 0 }, "package_and_version (mono+32) is unreadable: null data pointer"},
		{"package empty", func(l, m []uintptr) { m[5] = 0 }, `package_and_version is "", not <crate>;<version>`},
		{"package without version", func(l, m []uintptr) { m[5] = uintptr(len("mcpg-plugin-protocol")) },
			`package_and_version is "mcpg-plugin-protocol", not <crate>;<version>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mono := make([]uintptr, 6)
			mono[4], mono[5] = uintptr(unsafe.Pointer(&pkg[0])), uintptr(len(pkg))
			layout := []uintptr{0, uintptr(unsafe.Pointer(&mono[0])), 3 << 8, 240}
			tc.edit(layout, mono)
			got := readLayout(uintptr(unsafe.Pointer(&layout[0])))
			runtime.KeepAlive(mono)
			runtime.KeepAlive(pkg)
			switch {
			case tc.problem == "" && got.Problem != "":
				t.Fatalf("refused: %s", got.Problem)
			case tc.problem != "" && !strings.Contains(got.Problem, tc.problem):
				t.Fatalf("problem %q, want it to contain %q", got.Problem, tc.problem)
			case tc.problem == "" && got.PackageAndVersion != string(pkg):
				t.Fatalf("package_and_version %q", got.PackageAndVersion)
			}
		})
	}
}

func TestPlausiblePackage(t *testing.T) {
	for s, want := range map[string]bool{
		"mcpg-plugin-protocol;0.1.0-beta.14": true,
		"mcpg-harness-fixture;0.1.0":         true, // another crate: a warning later, not a refusal
		"my_crate;1":                         true,
		";1.0":                               false,
		"crate;":                             false,
		"no version":                         false,
		"\x00\x01;1":                         false,
	} {
		if got := plausiblePackage(s); got != want {
			t.Errorf("plausiblePackage(%q) = %v, want %v", s, got, want)
		}
	}
}
