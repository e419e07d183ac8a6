package main

// Interoperability with another OCI client, crane (go-containerregistry's CLI, installed by
// scripts/install-test-tools): what plugin-oci pushes, crane reads intact, and what crane pushes
// from an OCI layout holding an MCPG artifact, plugin-oci pulls intact — with the same manifest
// digest plugin-oci itself produces for the same package.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/testregistry"
)

// peerTool returns an installed peer CLI (crane, oras). Without a tools directory at all — on a
// machine where scripts/install-test-tools never ran — the test is skipped, except under CI,
// where a missing peer is a failure rather than a silently skipped check. A tools directory
// without the tool is an install from before the tool was added: a failure naming the fix.
func peerTool(t *testing.T, name string) string {
	t.Helper()
	bin := testregistry.Tool(name)
	if bin != "" {
		return bin
	}
	msg := name + " is not installed: run scripts/install-test-tools (or set MCPG_TEST_TOOLS)"
	if testregistry.ToolsDir() == "" && os.Getenv("CI") == "" {
		t.Skip(msg)
	}
	t.Fatal(msg)
	return ""
}

func crane(t *testing.T) string { return peerTool(t, "crane") }

func runCrane(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "DOCKER_CONFIG="+t.TempDir())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("crane %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// wantConfig is the config blob for testregistry.Descriptor: compact JSON, keys in the
// contract's order (docs/contract.md §5.1), written out by hand as an independent check.
const wantConfig = `{"id":"dev.test.oci-gate","name":"OCI Gate","class":"tool_gate","runtime":"native-cdylib-v1","protocol_version":"1.0","schema":"mcpg.dev/plugin/v1","has_signature":false}`

// canonicalManifest is the reference implementation's manifest for a config and a zip layer:
// sorted keys, no whitespace, no top-level mediaType, no annotations.
func canonicalManifest(config, zip []byte) []byte {
	return fmt.Appendf(nil, `{"artifactType":"application/vnd.mcpg.plugin.v1","config":{"digest":"sha256:%s","mediaType":"application/vnd.mcpg.plugin.config.v1+json","size":%d},"layers":[{"digest":"sha256:%s","mediaType":"application/vnd.mcpg.plugin.package.v1+zip","size":%d}],"schemaVersion":2}`,
		sha256Hex(config), len(config), sha256Hex(zip), len(zip))
}

func TestInteropCraneReadsOurPush(t *testing.T) {
	bin := crane(t)
	reg := testregistry.Start(t, testregistry.Options{})
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "pkg.zip")
	zipDigest := testregistry.WritePackage(t, zipPath, 2<<20, 7)
	zip, _ := os.ReadFile(zipPath)
	ref := reg.Host + "/interop/ours:1.0"

	r := runOCI(t, nil, "push", zipPath, ref)
	r.wantOK(t)
	digest := r.manifestDigest(t)

	if got := strings.TrimSpace(string(runCrane(t, bin, "digest", ref))); got != digest {
		t.Fatalf("crane digest %s, push printed %s", got, digest)
	}
	manifest := runCrane(t, bin, "manifest", ref)
	if want := canonicalManifest([]byte(wantConfig), zip); !bytes.Equal(manifest, want) {
		t.Fatalf("manifest as crane reads it:\n%s\nwant the reference's bytes:\n%s", manifest, want)
	}
	var m struct {
		Layers []struct{ Digest, MediaType string }
	}
	if err := json.Unmarshal(manifest, &m); err != nil || len(m.Layers) != 1 || m.Layers[0].Digest != zipDigest {
		t.Fatalf("manifest layers %+v (%v), want the zip %s", m.Layers, err, zipDigest)
	}
	if cfg := runCrane(t, bin, "config", ref); string(cfg) != wantConfig {
		t.Fatalf("config as crane reads it: %s\nwant %s", cfg, wantConfig)
	}
	if blob := runCrane(t, bin, "blob", reg.Host+"/interop/ours@"+zipDigest); !bytes.Equal(blob, zip) {
		t.Fatalf("crane blob: %d bytes differ from the %d-byte package", len(blob), len(zip))
	}
	// The whole artifact into an OCI layout, as the benchmark's crane pull does.
	layout := filepath.Join(dir, "layout")
	runCrane(t, bin, "pull", "--format=oci", ref, layout)
	wantSameFile(t, filepath.Join(layout, "blobs", "sha256", strings.TrimPrefix(zipDigest, "sha256:")), zipPath)
}

// writeLayout writes an OCI image layout holding one MCPG artifact made of our own bytes.
func writeLayout(t *testing.T, dir string, config, zip []byte) (manifestDigest string) {
	t.Helper()
	manifest := canonicalManifest(config, zip)
	blobs := filepath.Join(dir, "blobs", "sha256")
	if err := os.MkdirAll(blobs, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, b := range [][]byte{zip, config, manifest} {
		if err := os.WriteFile(filepath.Join(blobs, sha256Hex(b)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	index := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.mcpg.plugin.v1","digest":"sha256:%s","size":%d}]}`,
		sha256Hex(manifest), len(manifest))
	if err := os.WriteFile(filepath.Join(dir, "index.json"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	return "sha256:" + sha256Hex(manifest)
}

func TestInteropWePullCranePush(t *testing.T) {
	bin := crane(t)
	reg := testregistry.Start(t, testregistry.Options{})
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "pkg.zip")
	testregistry.WritePackage(t, zipPath, 2<<20, 8)
	zip, _ := os.ReadFile(zipPath)
	layout := filepath.Join(dir, "layout")
	want := writeLayout(t, layout, []byte(wantConfig), zip)
	ref := reg.Host + "/interop/crane:1.0"
	runCrane(t, bin, "push", layout, ref)
	if got := strings.TrimSpace(string(runCrane(t, bin, "digest", ref))); got != want {
		t.Fatalf("crane pushed %s, the layout holds %s", got, want)
	}

	out := t.TempDir()
	r := runOCI(t, nil, "pull", ref, "-o", filepath.Join(out, "got.zip"))
	r.wantOK(t)
	wantFiles(t, out, "got.zip")
	wantSameFile(t, filepath.Join(out, "got.zip"), zipPath)
	if got := r.manifestDigest(t); got != want {
		t.Fatalf("pull printed digest %s, crane pushed %s", got, want)
	}
	for _, field := range []string{"dev.test.oci-gate", "tool_gate", "native-cdylib-v1"} {
		if !strings.Contains(r.stdout, field) {
			t.Errorf("pull output does not show the config's %q:\n%s", field, r.stdout)
		}
	}

	// Pinned by the digest crane reported.
	r = runOCI(t, nil, "pull", reg.Host+"/interop/crane@"+want, "-o", filepath.Join(out, "pinned.zip"))
	r.wantOK(t)
	wantSameFile(t, filepath.Join(out, "pinned.zip"), zipPath)

	// plugin-oci pushing the same package produces the very same manifest.
	r = runOCI(t, nil, "push", zipPath, reg.Host+"/interop/ours-again:1.0")
	r.wantOK(t)
	if got := r.manifestDigest(t); got != want {
		t.Fatalf("plugin-oci pushed manifest %s for the package crane pushed as %s", got, want)
	}
}
