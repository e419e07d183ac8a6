package main

// Interoperability with the ORAS CLI (oras.land/oras, installed by scripts/install-test-tools), the
// OCI artifact client our users already have: ORAS reads what plugin-oci pushes — `oras pull` writes
// the zip only when push --annotate-title gave the layer a title — and plugin-oci pulls what
// `oras push --artifact-type` makes, and `oras repo tags` lists what --gateway-tags made.

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
	"github.com/mcpg-dev/mcpg-plugins/shared/testregistry"
)

// orasTimeout bounds each oras run, so that a hang fails the test instead of stalling it.
const orasTimeout = time.Minute

// runOras runs oras in dir (oras push takes file names relative to it) with an empty home and
// docker config, and returns its stdout.
func runOras(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), orasTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, peerTool(t, "oras"), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "DOCKER_CONFIG="+t.TempDir())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("oras %s: still running after %s\n%s", strings.Join(args, " "), orasTimeout, stderr.String())
	}
	if err != nil {
		t.Fatalf("oras %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return out
}

// dirNames lists what dir holds.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestInteropOrasReadsOurPush(t *testing.T) {
	peerTool(t, "oras")
	reg := testregistry.Start(t, testregistry.Options{})
	dir := t.TempDir()
	const name = "mcpg-plugin-gate_1.0.0_linux_amd64.zip"
	zipPath := filepath.Join(dir, name)
	testregistry.WritePackage(t, zipPath, 1<<20, 11)
	zip, _ := os.ReadFile(zipPath)
	want := canonicalManifest([]byte(wantConfig), zip)

	// As the gateway pushes it: oras sees the reference's bytes, and its pull writes nothing,
	// since the layer has no title to name a file by.
	plain := reg.Host + "/interop/oras-reads:plain"
	r := runOCI(t, nil, "push", zipPath, plain)
	r.wantOK(t)
	if got := runOras(t, dir, "manifest", "fetch", "--plain-http", plain); !bytes.Equal(got, want) {
		t.Fatalf("oras manifest fetch:\n%s\nwant the reference's bytes:\n%s", got, want)
	}
	if got := sha256Hex(want); "sha256:"+got != r.manifestDigest(t) {
		t.Fatalf("push printed %s for a manifest of digest sha256:%s", r.manifestDigest(t), got)
	}
	untitledOut := t.TempDir()
	runOras(t, dir, "pull", "--plain-http", "--no-tty", "-o", untitledOut, plain)
	if names := dirNames(t, untitledOut); len(names) != 0 {
		t.Fatalf("oras pull of an untitled layer wrote %v; the flag's reason to exist is gone", names)
	}

	// With --annotate-title: the canonical name on the layer, and oras pull writes the zip.
	titled := reg.Host + "/interop/oras-reads:titled"
	r = runOCI(t, nil, "push", zipPath, titled, "--annotate-title")
	r.wantOK(t)
	wantTitled := titledManifest(want, name)
	got := runOras(t, dir, "manifest", "fetch", "--plain-http", titled)
	if !bytes.Equal(got, wantTitled) {
		t.Fatalf("oras manifest fetch of the titled push:\n%s\nwant:\n%s", got, wantTitled)
	}
	if "sha256:"+sha256Hex(got) != r.manifestDigest(t) {
		t.Fatalf("push printed %s for a manifest of digest sha256:%s", r.manifestDigest(t), sha256Hex(got))
	}
	out := t.TempDir()
	runOras(t, dir, "pull", "--plain-http", "--no-tty", "-o", out, titled)
	wantFiles(t, out, name)
	wantSameFile(t, filepath.Join(out, name), zipPath)

	// And the titled manifest is still one our pull — which checks what the gateway's does — takes.
	pulled := filepath.Join(t.TempDir(), "back.zip")
	back := runOCI(t, nil, "pull", titled, "-o", pulled)
	back.wantOK(t)
	wantSameFile(t, pulled, zipPath)
	if back.manifestDigest(t) != r.manifestDigest(t) {
		t.Fatalf("pull printed %s, push %s", back.manifestDigest(t), r.manifestDigest(t))
	}
}

func TestInteropWePullOrasPush(t *testing.T) {
	peerTool(t, "oras")
	reg := testregistry.Start(t, testregistry.Options{})
	dir := t.TempDir()
	const name = "mcpg-plugin-gate_1.0.0_linux_amd64.zip"
	zipPath := filepath.Join(dir, name)
	testregistry.WritePackage(t, zipPath, 1<<20, 12)
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(wantConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	layer := name + ":" + oci.LayerMediaType // oras's file:mediatype

	for _, c := range []struct {
		name, tag  string
		config     []string // oras push's --config, if any
		wantConfig bool     // whether pull shows the config's fields
	}{
		// The config of docs/contract.md §5.1 under its media type: pull reads it as from our push.
		{"with our config", "mcpg-config", []string{"--config", "config.json:" + oci.ConfigMediaType}, true},
		// Without --config oras writes the empty config (application/vnd.oci.empty.v1+json). The
		// gateway reads only a config of the MCPG media type and ignores others, so the package
		// still pulls; there are just no config fields to show.
		{"with oras's empty config", "empty-config", nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ref := reg.Host + "/interop/oras-push:" + c.tag
			args := append([]string{"push", "--plain-http", "--no-tty", "--artifact-type", oci.ArtifactType}, c.config...)
			runOras(t, dir, append(args, ref, layer)...)
			// oras's manifest differs from ours (top-level mediaType, a title, a creation time
			// annotation), hence another digest, which pull must report.
			manifest := runOras(t, dir, "manifest", "fetch", "--plain-http", ref)

			out := t.TempDir()
			r := runOCI(t, nil, "pull", ref, "-o", filepath.Join(out, "got.zip"))
			r.wantOK(t)
			wantFiles(t, out, "got.zip")
			wantSameFile(t, filepath.Join(out, "got.zip"), zipPath)
			if got, want := r.manifestDigest(t), "sha256:"+sha256Hex(manifest); got != want {
				t.Fatalf("pull printed digest %s, oras's manifest is %s", got, want)
			}
			if shows := strings.Contains(r.stdout, "id:       dev.test.oci-gate"); shows != c.wantConfig {
				t.Errorf("pull output shows the config: %v, want %v:\n%s", shows, c.wantConfig, r.stdout)
			}
		})
	}

	// oras's default layer media type (application/vnd.oci.image.layer.v1.tar) is refused, as the
	// gateway refuses it (docs/contract.md §5.3: every layer must be the MCPG package type): a zip
	// pushed without ":<media type>" is not an MCPG artifact, and nothing is written.
	t.Run("with oras's default layer type", func(t *testing.T) {
		ref := reg.Host + "/interop/oras-push:tar-layer"
		runOras(t, dir, "push", "--plain-http", "--no-tty", "--artifact-type", oci.ArtifactType, ref, name)
		out := t.TempDir()
		r := runOCI(t, nil, "pull", ref, "-o", filepath.Join(out, "got.zip"))
		r.wantError(t, 1, "application/vnd.oci.image.layer.v1.tar", "not an MCPG plugin artifact")
		wantFiles(t, out)
	})
}

func TestInteropOrasListsGatewayTags(t *testing.T) {
	peerTool(t, "oras")
	reg := testregistry.Start(t, testregistry.Options{})
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "mcpg-plugin-gate_1.2.0_linux_musl-arm64.zip")
	testregistry.WritePackage(t, zipPath, 64<<10, 13)
	repo := reg.Host + "/interop/tags"

	runOCI(t, nil, "push", zipPath, repo+":1.2.0", "--gateway-tags").wantOK(t)
	got := strings.Fields(string(runOras(t, dir, "repo", "tags", "--plain-http", repo)))
	want := []string{"1.2.0", "1.2.0-linux-musl-arm64", "protocol-1-linux-musl-arm64"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("oras repo tags: %q, want %q", got, want)
	}
}
