package oci

import (
	"slices"
	"strings"
	"testing"
)

const (
	hexA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	hexB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	hex1 = "0101010101010101010101010101010101010101010101010101010101010101"
)

// Vectors: docs/contract.md §5.4.1 and the gateway's own tests (mcpg src/app/tests.rs).
func TestPlatformCandidates(t *testing.T) {
	for _, tc := range []struct {
		ref, native string
		want        []string
	}{
		{"ghcr.io/org/plugins/audit", "linux-amd64", []string{
			"ghcr.io/org/plugins/audit:protocol-1-linux-amd64", "ghcr.io/org/plugins/audit:protocol-1-wasi-wasm"}},
		{"ghcr.io/org/plugins/audit:0.1.0-dev.18", "linux-arm64", []string{
			"ghcr.io/org/plugins/audit:0.1.0-dev.18-linux-arm64", "ghcr.io/org/plugins/audit:0.1.0-dev.18-wasi-wasm"}},
		{"ghcr.io/org/plugins/audit:protocol-1", "darwin-arm64", []string{
			"ghcr.io/org/plugins/audit:protocol-1-darwin-arm64", "ghcr.io/org/plugins/audit:protocol-1-wasi-wasm"}},
		{"ghcr.io/org/plugins/audit:0.1.0-dev.18-linux-amd64", "linux-amd64", []string{"ghcr.io/org/plugins/audit:0.1.0-dev.18-linux-amd64"}},
		{"ghcr.io/org/plugins/audit:protocol-1-linux-musl-arm64", "linux-amd64", []string{"ghcr.io/org/plugins/audit:protocol-1-linux-musl-arm64"}},
		{"ghcr.io/org/plugins/masking:0.1.0-dev.18-wasi-wasm", "linux-amd64", []string{"ghcr.io/org/plugins/masking:0.1.0-dev.18-wasi-wasm"}},
		{"ghcr.io/org/plugins/audit@sha256:" + hexA, "linux-amd64", []string{"ghcr.io/org/plugins/audit@sha256:" + hexA}},
		{"ghcr.io/org/plugins/audit:0.1.0-dev.18@sha256:" + hexB, "linux-amd64", []string{"ghcr.io/org/plugins/audit:0.1.0-dev.18@sha256:" + hexB}},
		{"localhost:5000/audit", "linux-amd64", []string{"localhost:5000/audit:protocol-1-linux-amd64", "localhost:5000/audit:protocol-1-wasi-wasm"}},
		{"localhost:5000/audit:2.0", "linux-amd64", []string{"localhost:5000/audit:2.0-linux-amd64", "localhost:5000/audit:2.0-wasi-wasm"}},
		{"audit:1.2.3", "linux-musl-amd64", []string{"audit:1.2.3-linux-musl-amd64", "audit:1.2.3-wasi-wasm"}},
		{"ghcr.io/org/audit:1.2.3-rc.1", "linux-amd64", []string{"ghcr.io/org/audit:1.2.3-rc.1-linux-amd64", "ghcr.io/org/audit:1.2.3-rc.1-wasi-wasm"}},
		// Any "@" is verbatim, even a malformed pin; a bare token tag is a platform tag.
		{"audit@junk", "linux-amd64", []string{"audit@junk"}},
		{"audit:wasi-wasm", "linux-amd64", []string{"audit:wasi-wasm"}},
		// Only the first ":" of the last segment starts the tag.
		{"audit:a:b", "linux-amd64", []string{"audit:a:b-linux-amd64", "audit:a:b-wasi-wasm"}},
	} {
		t.Run(tc.ref+" on "+tc.native, func(t *testing.T) {
			if got := PlatformCandidates(tc.ref, tc.native); !slices.Equal(got, tc.want) {
				t.Errorf("PlatformCandidates(%q, %q) = %q, want %q", tc.ref, tc.native, got, tc.want)
			}
		})
	}
}

func TestTagHasPlatform(t *testing.T) {
	for _, yes := range []string{"0.1.0-dev.18-linux-amd64", "protocol-1-linux-musl-arm64", "1.2.3-darwin-arm64", "protocol-1-wasi-wasm", "wasi-wasm", "x-windows-arm64"} {
		t.Run(yes, func(t *testing.T) {
			if !TagHasPlatform(yes) {
				t.Errorf("TagHasPlatform(%q) = false", yes)
			}
		})
	}
	for _, no := range []string{"0.1.0-dev.18", "protocol-1", "1.2.3", "latest", "1.2.3-rc.1", "xlinux-amd64", "linux-amd64x", "linux-386", ""} {
		t.Run(no, func(t *testing.T) {
			if TagHasPlatform(no) {
				t.Errorf("TagHasPlatform(%q) = true", no)
			}
		})
	}
}

func TestNormaliseReference(t *testing.T) {
	for _, tc := range []struct{ ref, reg, want string }{
		{"ghcr.io/org/plugin:1.0", "default.reg/scope", "ghcr.io/org/plugin:1.0"},
		{"registry.internal.corp/mcpg-plugins/audit:2.0.0", "default.reg/scope", "registry.internal.corp/mcpg-plugins/audit:2.0.0"},
		{"audit:1.0.0", DefaultRegistry, "ghcr.io/mcpg-dev/source-code/plugins/audit:1.0.0"},
		{"localhost:5000/plugin:dev", "default.reg", "localhost:5000/plugin:dev"},
		{"audit@sha256:abc123", "ghcr.io/org", "ghcr.io/org/audit@sha256:abc123"},
		{"localhost/plugin", "r.io", "localhost/plugin"},
		{"org/audit:1", "r.io//", "r.io/org/audit:1"},
		{"/audit", "r.io/", "r.io/audit"},
		{"localhost:5000", "r.io", "r.io/localhost:5000"}, // no "/": never qualified
		{"Localhost/x", "r.io", "r.io/Localhost/x"},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			if got := NormaliseReference(tc.ref, tc.reg); got != tc.want {
				t.Errorf("NormaliseReference(%q, %q) = %q, want %q", tc.ref, tc.reg, got, tc.want)
			}
		})
	}
}

func TestDefaultRegistryFrom(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"", DefaultRegistry},
		{"   ", DefaultRegistry},
		{"/", DefaultRegistry},
		{" registry.example.com/team/plugins/ \n", "registry.example.com/team/plugins"},
		{"r.io//", "r.io"},
		{"localhost:5000", "localhost:5000"},
	} {
		t.Run(tc.env, func(t *testing.T) {
			got := DefaultRegistryFrom(func(k string) string {
				if k != EnvDefaultRegistry {
					t.Fatalf("read %q", k)
				}
				return tc.env
			})
			if got != tc.want {
				t.Errorf("env %q: got %q, want %q", tc.env, got, tc.want)
			}
		})
	}
}

func TestMirrorRewrite(t *testing.T) {
	for _, tc := range []struct{ ref, mirror, want string }{
		{"ghcr.io/mcpg-dev/plugins/audit:1.0", "harbor.internal.corp/mirror", "harbor.internal.corp/mirror/mcpg-dev/plugins/audit:1.0"},
		{"ghcr.io/mcpg-dev/plugins/audit:1.0", "harbor.internal.corp/mirror///", "harbor.internal.corp/mirror/mcpg-dev/plugins/audit:1.0"},
		{"localhost:5000/audit@sha256:" + hexA, "m.io", "m.io/audit@sha256:" + hexA},
		{"noslash", "m.io", "m.io/"},
	} {
		t.Run(tc.ref+" via "+tc.mirror, func(t *testing.T) {
			if got := MirrorRewrite(tc.ref, tc.mirror); got != tc.want {
				t.Errorf("MirrorRewrite(%q, %q) = %q, want %q", tc.ref, tc.mirror, got, tc.want)
			}
		})
	}
}

func TestPinnedDigest(t *testing.T) {
	for _, tc := range []struct {
		ref, want string
		ok        bool
	}{
		{"ghcr.io/mcpg-dev/audit@sha256:" + hex1, "sha256:" + hex1, true},
		{"ghcr.io/a:1@sha256:" + strings.ToUpper(hexA), "sha256:" + hexA, true},
		{"x@sha256:" + hexB + "@sha256:" + hexA, "sha256:" + hexA, true}, // the LAST pin counts
		{"x@sha256:" + hexA + "@sha256:zz", "", false},
		{"ghcr.io/foo:1.0.0", "", false},
		{"ghcr.io/foo", "", false},
		{"foo@sha256:deadbeef", "", false},
		{"foo@sha256:" + strings.Repeat("z", 64), "", false},
		{"foo@sha256:" + hexA + "0", "", false},
		{"foo@sha512:" + hexA + hexA, "", false},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			got, ok := PinnedDigest(tc.ref)
			if got != tc.want || ok != tc.ok {
				t.Errorf("PinnedDigest(%q) = %q, %v; want %q, %v", tc.ref, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestGatewayTags(t *testing.T) {
	for _, tc := range []struct {
		version, goos, arch string
		want                []string
	}{
		{"1.0.0", "linux", "amd64", []string{"1.0.0-linux-amd64", "protocol-1-linux-amd64"}},
		{"0.2.3", "wasi", "wasm", []string{"0.2.3-wasi-wasm", "protocol-1-wasi-wasm"}},
		{"1.2.3", "linux", "musl-arm64", []string{"1.2.3-linux-musl-arm64", "protocol-1-linux-musl-arm64"}},
		{"1.0.0", "darwin", "arm64", []string{"1.0.0-darwin-arm64", "protocol-1-darwin-arm64"}},
		{"", "windows", "amd64", []string{"protocol-1-windows-amd64"}},
	} {
		t.Run(tc.version+"-"+tc.goos+"-"+tc.arch, func(t *testing.T) {
			got := GatewayTags(tc.version, tc.goos, tc.arch)
			if !slices.Equal(got, tc.want) {
				t.Errorf("GatewayTags(%q, %q, %q) = %q, want %q", tc.version, tc.goos, tc.arch, got, tc.want)
			}
			// Every tag the push side makes must be one the gateway pulls verbatim.
			for _, tag := range got {
				if c := PlatformCandidates("r.io/p:"+tag, "linux-amd64"); len(c) != 1 {
					t.Errorf("gateway would expand tag %q to %q", tag, c)
				}
			}
		})
	}
	if IsPlatformToken(PlatformToken("linux", "386")) || !IsPlatformToken(PlatformToken("linux", "musl-amd64")) {
		t.Error("IsPlatformToken")
	}
}

func TestNativePlatform(t *testing.T) {
	for _, tc := range []struct{ goos, arch, want string }{
		{"linux", "amd64", "linux-amd64"}, {"linux", "arm64", "linux-arm64"},
		{"darwin", "arm64", "darwin-arm64"}, {"darwin", "amd64", "darwin-amd64"},
		{"windows", "arm64", "windows-arm64"}, {"windows", "386", "windows-amd64"},
		{"freebsd", "riscv64", "linux-amd64"}, // the gateway's fallbacks
	} {
		t.Run(tc.goos+"-"+tc.arch, func(t *testing.T) {
			if got := nativePlatform(tc.goos, tc.arch); got != tc.want {
				t.Errorf("nativePlatform(%q, %q) = %q, want %q", tc.goos, tc.arch, got, tc.want)
			}
		})
	}
	if !IsPlatformToken(NativePlatform()) {
		t.Errorf("NativePlatform() = %q", NativePlatform())
	}
}

func TestRegistryHost(t *testing.T) {
	for _, tc := range []struct{ ref, want string }{
		{"ghcr.io/org/p:1", "ghcr.io"},
		{"localhost:5000/p", "localhost:5000"},
		{"https://harbor.corp:8443/m/p", "harbor.corp:8443"},
		{"http://r.io/p", "r.io"},
		{"https://http://r.io/p", "http:"}, // one scheme stripped, as the reference does
		{"r.io", "r.io"},
		{"[::1]:5000/p", "[::1]:5000"},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			if got := RegistryHost(tc.ref); got != tc.want {
				t.Errorf("RegistryHost(%q) = %q, want %q", tc.ref, got, tc.want)
			}
		})
	}
}

// Reproduces the reference CLI's default_pull_output_path, odd cases included.
func TestDefaultPullOutput(t *testing.T) {
	for _, tc := range []struct{ ref, want string }{
		{"ghcr.io/org/plugin:1.0.0", "plugin_1.0.0.zip"},
		{"ghcr.io/org/plugin", "plugin_latest.zip"},
		{"plugin", "plugin_latest.zip"},
		{"localhost:5000/audit:2.0", "audit_2.0.zip"},
		{"localhost:5000/audit", "localhost_5000/audit.zip"},
		{"ghcr.io/org/audit@sha256:" + hexA, "audit@sha256_" + hexA + ".zip"},
		{"ghcr.io/org/audit:1@sha256:" + hexA, "audit:1@sha256_" + hexA + ".zip"},
		{"audit:", "audit_.zip"},
		{"org/", "_latest.zip"},
		{"", "_latest.zip"},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			if got := DefaultPullOutput(tc.ref); got != tc.want {
				t.Errorf("DefaultPullOutput(%q) = %q, want %q", tc.ref, got, tc.want)
			}
		})
	}
}

// Cache-name examples of docs/contract.md §6.1 (the gateway's name is Sanitize(first candidate) + ".zip").
func TestSanitize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ghcr.io/mcpg-dev/source-code/plugins/backend-mock:0.0.1-alpha.10-linux-amd64", "ghcr.io_mcpg-dev_source-code_plugins_backend-mock_0.0.1-alpha.10-linux-amd64"},
		{"localhost:5000/audit:2.0-linux-amd64", "localhost_5000_audit_2.0-linux-amd64"},
		{"localhost:5000/audit@sha256:" + hexA, "localhost_5000_audit_sha256_" + hexA},
		{"A-Z_a.z09", "A-Z_a.z09"},
		{"é/ü\x00 ", "_____"}, // one "_" per character, not per byte
		{"bad\xffutf8", "bad_utf8"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := Sanitize(tc.in); got != tc.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
