package ociclient

import (
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
)

func TestPlatformOSArch(t *testing.T) {
	for tok, want := range map[string][2]string{
		"linux-amd64": {"linux", "amd64"}, "linux-musl-arm64": {"linux", "arm64"}, "wasi-wasm": {"wasi", "wasm"},
		"darwin-arm64": {"darwin", "arm64"}, "windows-amd64": {"windows", "amd64"},
	} {
		t.Run(tok, func(t *testing.T) {
			if os, arch := PlatformOSArch(tok); os != want[0] || arch != want[1] {
				t.Errorf("PlatformOSArch(%q) = %s/%s", tok, os, arch)
			}
		})
	}
}

func TestIsIndex(t *testing.T) {
	for _, c := range []struct {
		name, mt, body string
		want           bool
	}{
		{"OCI index media type", oci.IndexMediaType, `{}`, true},
		{"docker list media type", oci.DockerListMediaType, `{}`, true},
		{"manifest media type wins over the body", oci.ManifestMediaType, `{"manifests":[]}`, false},
		{"untyped body with manifests", "", `{"schemaVersion":2,"manifests":[]}`, true},
		{"mediaType field in the body", "application/json", `{"mediaType":"` + oci.IndexMediaType + `"}`, true},
		{"untyped manifest body", "", `{"schemaVersion":2,"config":{},"layers":[]}`, false},
		{"not JSON", "", `not json`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := isIndex(c.mt, []byte(c.body)); got != c.want {
				t.Errorf("isIndex(%q, %s) = %v", c.mt, c.body, got)
			}
		})
	}
}
