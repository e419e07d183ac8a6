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
		if os, arch := PlatformOSArch(tok); os != want[0] || arch != want[1] {
			t.Errorf("PlatformOSArch(%q) = %s/%s", tok, os, arch)
		}
	}
}

func TestIsIndex(t *testing.T) {
	for _, c := range []struct {
		mt, body string
		want     bool
	}{
		{oci.IndexMediaType, `{}`, true},
		{oci.DockerListMediaType, `{}`, true},
		{oci.ManifestMediaType, `{"manifests":[]}`, false},
		{"", `{"schemaVersion":2,"manifests":[]}`, true},
		{"application/json", `{"mediaType":"` + oci.IndexMediaType + `"}`, true},
		{"", `{"schemaVersion":2,"config":{},"layers":[]}`, false},
		{"", `not json`, false},
	} {
		if got := isIndex(c.mt, []byte(c.body)); got != c.want {
			t.Errorf("isIndex(%q, %s) = %v", c.mt, c.body, got)
		}
	}
}
