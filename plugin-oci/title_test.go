package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/testregistry"
)

var manifestURLLine = regexp.MustCompile(`(?m)^  manifest-url: (\S+)$`)

// layoutManifest is the manifest blob a push into an OCI layout reported.
func layoutManifest(t *testing.T, r ociResult) []byte {
	t.Helper()
	m := manifestURLLine.FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no manifest-url line in %s", r)
	}
	b, err := os.ReadFile(m[1])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// titled is the manifest with the layer's title annotation added, as canonical JSON places it.
func titledManifest(manifest []byte, title string) []byte {
	return []byte(strings.Replace(string(manifest), `"layers":[{"digest"`,
		`"layers":[{"annotations":{"org.opencontainers.image.title":"`+title+`"},"digest"`, 1))
}

func TestPushAnnotateTitle(t *testing.T) {
	dir := t.TempDir()
	lay := filepath.Join(dir, "lay")
	canonical := filepath.Join(dir, "mcpg-plugin-gate_1.0.0_linux_amd64.zip")
	testregistry.WritePackage(t, canonical, 4<<10, 3)
	zip, _ := os.ReadFile(canonical)

	plain := runOCI(t, nil, "push", canonical, "plain", "--oci-layout", lay)
	plain.wantOK(t)
	want := canonicalManifest([]byte(wantConfig), zip)
	if got := layoutManifest(t, plain); string(got) != string(want) {
		t.Fatalf("untitled manifest\n%s\nwant the reference's\n%s", got, want)
	}

	r := runOCI(t, nil, "push", canonical, "titled", "--oci-layout", lay, "--annotate-title")
	r.wantOK(t)
	if got, want := layoutManifest(t, r), titledManifest(want, "mcpg-plugin-gate_1.0.0_linux_amd64.zip"); string(got) != string(want) {
		t.Fatalf("titled manifest\n%s\nwant\n%s", got, want)
	}
	if r.manifestDigest(t) == plain.manifestDigest(t) {
		t.Fatal("the title did not change the manifest digest")
	}

	// Without a canonical name, from the flags and the descriptor's id (dev.test.oci-gate).
	r = runOCI(t, zip, "push", "-", "musl", "--oci-layout", lay, "--annotate-title", "--version", "1.2.3", "--os", "linux", "--arch", "musl-arm64")
	r.wantOK(t)
	if got, want := layoutManifest(t, r), titledManifest(want, "mcpg-plugin-oci-gate_1.2.3_linux_musl-arm64.zip"); string(got) != string(want) {
		t.Fatalf("titled manifest from stdin\n%s\nwant\n%s", got, want)
	}
}
