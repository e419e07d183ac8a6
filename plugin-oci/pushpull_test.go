package main

// push and pull end to end against the real distribution registry (testregistry) and OCI image
// layouts: exact manifest bytes, tags, pins, indexes, foreign layers, stdin/stdout, the gateway's
// cache layout and resolution order.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/digestcache"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
	"github.com/mcpg-dev/mcpg-plugins/shared/ociclient"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
	"github.com/mcpg-dev/mcpg-plugins/shared/testregistry"
)

// expectedManifest is the reference implementation's manifest for the zip at path holding
// testregistry.Descriptor, built from the package alone.
func expectedManifest(t *testing.T, path string, hasSig bool) (raw []byte, d string) {
	t.Helper()
	zd, size, err := digest.File(path)
	if err != nil {
		t.Fatal(err)
	}
	desc, err := descriptor.Parse([]byte(testregistry.Descriptor))
	if err != nil {
		t.Fatal(err)
	}
	config := oci.ConfigJSON(desc, hasSig)
	raw = oci.ManifestJSON(oci.DescriptorOf(oci.ConfigMediaType, config),
		oci.Descriptor{MediaType: oci.LayerMediaType, Digest: zd.String(), Size: size})
	return raw, digest.Of(raw).String()
}

// regGet fetches a registry path directly.
func regGet(t *testing.T, reg *testregistry.Registry, path, accept string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", reg.URL+path, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := reg.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func tagsOf(t *testing.T, reg *testregistry.Registry, repo string) []string {
	t.Helper()
	_, b := regGet(t, reg, "/v2/"+repo+"/tags/list", "")
	var tl struct{ Tags []string }
	if err := json.Unmarshal(b, &tl); err != nil {
		t.Fatalf("tags of %s: %s", repo, b)
	}
	slices.Sort(tl.Tags)
	return tl.Tags
}

// putBlob uploads b monolithically (POST, PUT ?digest=) and returns its digest.
func putBlob(t *testing.T, reg *testregistry.Registry, repo string, b []byte) string {
	t.Helper()
	d := digest.Of(b).String()
	resp, err := reg.Client.Post(reg.URL+"/v2/"+repo+"/blobs/uploads/", "", nil)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST upload: %v %v", resp, err)
	}
	resp.Body.Close()
	loc, _ := resp.Request.URL.Parse(resp.Header.Get("Location"))
	q := loc.Query()
	q.Set("digest", d)
	loc.RawQuery = q.Encode()
	req, _ := http.NewRequest("PUT", loc.String(), bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/octet-stream")
	if resp, err = reg.Client.Do(req); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT blob: %v %v", resp, err)
	}
	resp.Body.Close()
	return d
}

func putManifest(t *testing.T, reg *testregistry.Registry, repo, ref, mediaType string, raw []byte) string {
	t.Helper()
	req, _ := http.NewRequest("PUT", reg.URL+"/v2/"+repo+"/manifests/"+ref, bytes.NewReader(raw))
	req.Header.Set("Content-Type", mediaType)
	resp, err := reg.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("PUT manifest %s: %d %s", ref, resp.StatusCode, b)
	}
	return digest.Of(raw).String()
}

func TestPushPullRoundTrip(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{})
	dir := t.TempDir()
	zip := filepath.Join(dir, "mcpg-plugin-oci-gate_1.2.0_linux_musl-amd64.zip")
	testregistry.WritePackage(t, zip, 1<<20, 7)
	wantRaw, want := expectedManifest(t, zip, false)
	ref := reg.Host + "/rt/gate:1.2.0"

	r := runOCI(t, nil, "push", zip, ref, "--gateway-tags", "-t", "stable")
	r.wantOK(t)
	wantOut := fmt.Sprintf("pushed: %s\n  manifest-url: %s/v2/rt/gate/manifests/%s\n  manifest-digest: %s\n"+
		"  tagged: %[5]s/rt/gate:stable\n  tagged: %[5]s/rt/gate:1.2.0-linux-musl-amd64\n  tagged: %[5]s/rt/gate:protocol-1-linux-musl-amd64\n",
		ref, reg.URL, want, want, reg.Host)
	if r.stdout != wantOut {
		t.Fatalf("push printed\n%s\nwant\n%s", r.stdout, wantOut)
	}

	// The registry holds exactly the reference implementation's bytes.
	resp, raw := regGet(t, reg, "/v2/rt/gate/manifests/1.2.0", oci.ManifestMediaType)
	if !bytes.Equal(raw, wantRaw) || resp.Header.Get("Docker-Content-Digest") != want || resp.Header.Get("Content-Type") != oci.ManifestMediaType {
		t.Fatalf("manifest on the registry:\n%s (%s, %s)\nwant\n%s (%s)", raw, resp.Header.Get("Docker-Content-Digest"), resp.Header.Get("Content-Type"), wantRaw, want)
	}
	if got := tagsOf(t, reg, "rt/gate"); !slices.Equal(got, []string{"1.2.0", "1.2.0-linux-musl-amd64", "protocol-1-linux-musl-amd64", "stable"}) {
		t.Fatalf("tags %q", got)
	}

	out := t.TempDir()
	r = runOCI(t, nil, "pull", ref, "-o", filepath.Join(out, "gate.zip"))
	r.wantOK(t)
	wantSameFile(t, filepath.Join(out, "gate.zip"), zip)
	if want := fmt.Sprintf("pulled: %s\n  written:  %s\n  digest:   %s\n  id:       dev.test.oci-gate\n  class:    tool_gate\n  runtime:  native-cdylib-v1\n  protocol: 1.0\n",
		ref, filepath.Join(out, "gate.zip"), want); r.stdout != want {
		t.Fatalf("pull printed\n%s\nwant\n%s", r.stdout, want)
	}

	// By pin, to stdout: the zip on stdout, the report on stderr.
	pinned := reg.Host + "/rt/gate@" + want
	r = runOCI(t, nil, "pull", pinned, "-o", "-")
	r.wantOK(t)
	if b, _ := os.ReadFile(zip); r.stdout != string(b) || !strings.HasPrefix(r.stderr, "pulled: "+pinned+"\n  written:  stdout\n") {
		t.Fatalf("-o -: %d bytes on stdout, stderr %q", len(r.stdout), r.stderr)
	}

	// A pin nothing answers to: not found, nothing written.
	r = runOCI(t, nil, "pull", reg.Host+"/rt/gate@"+digest.Of([]byte("nope")).String(), "-o", filepath.Join(out, "nope.zip"))
	r.wantError(t, cli.ExitNetwork, "not found")
	wantFiles(t, out, "gate.zip")

	// Pushing by digest: the pin must be this package's manifest.
	r = runOCI(t, nil, "push", zip, reg.Host+"/bydigest/gate@"+want)
	r.wantOK(t)
	if !strings.Contains(r.stdout, "manifest-url: "+reg.URL+"/v2/bydigest/gate/manifests/"+want+"\n") {
		t.Fatalf("%s", r)
	}
	r = runOCI(t, nil, "push", zip, reg.Host+"/bydigest/gate@"+digest.Of([]byte("other")).String())
	r.wantError(t, cli.ExitUsage, "pins", want)

	// Missing directories of -o are made, as the host does.
	runOCI(t, nil, "pull", ref, "-o", filepath.Join(out, "new", "dir", "g.zip")).wantOK(t)
	wantSameFile(t, filepath.Join(out, "new", "dir", "g.zip"), zip)
	os.RemoveAll(filepath.Join(out, "new"))

	// --json shapes.
	r = runOCI(t, nil, "push", zip, ref, "--json")
	r.wantOK(t)
	var pr pushReport
	if err := json.Unmarshal([]byte(r.stdout), &pr); err != nil || pr.ManifestDigest != want || pr.Repository != reg.Host+"/rt/gate" ||
		!slices.Equal(pr.Tags, []string{"1.2.0"}) || pr.ArtifactType != oci.ArtifactType || pr.ID != "dev.test.oci-gate" {
		t.Fatalf("push --json: %v\n%s", err, r.stdout)
	}
	r = runOCI(t, nil, "pull", ref, "--json", "-o", filepath.Join(out, "j.zip"))
	r.wantOK(t)
	var jr pullReport
	if err := json.Unmarshal([]byte(r.stdout), &jr); err != nil || jr.ManifestDigest != want || jr.Written != filepath.Join(out, "j.zip") ||
		jr.Config == nil || jr.Config.Class != "tool_gate" || jr.LayerDigest != pr.LayerDigest || jr.LayerSize != pr.LayerSize ||
		jr.PackageSHA256 != pr.PackageSHA256 || "sha256:"+jr.PackageSHA256 != jr.LayerDigest {
		t.Fatalf("pull --json: %v\n%s", err, r.stdout)
	}
}

func TestPushStdinAndGatewayTags(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{})
	dir := t.TempDir()
	zip := filepath.Join(dir, "pkg.zip")
	testregistry.WritePackage(t, zip, 256<<10, 9)
	b, _ := os.ReadFile(zip)
	_, want := expectedManifest(t, zip, false)
	ref := reg.Host + "/stdin/gate:2.0"

	r := runOCI(t, b, "push", "-", ref, "--gateway-tags")
	r.wantError(t, cli.ExitUsage, "--version", "stdin")
	r = runOCI(t, b, "push", "-", ref, "--gateway-tags", "--version", "2.0")
	r.wantError(t, cli.ExitUsage, "--os and --arch", "glibc or musl")
	r = runOCI(t, b, "push", "-", ref, "--gateway-tags", "--version", "2.0", "--os", "linux", "--arch", "arm64")
	r.wantOK(t)
	if r.manifestDigest(t) != want {
		t.Fatalf("stdin push digest %s, want %s", r.manifestDigest(t), want)
	}
	if got := tagsOf(t, reg, "stdin/gate"); !slices.Equal(got, []string{"2.0", "2.0-linux-arm64", "protocol-1-linux-arm64"}) {
		t.Fatalf("tags %q", got)
	}

	// A component is always wasi-wasm.
	wasm := filepath.Join(dir, "wasm.zip")
	f, _ := os.Create(wasm)
	_, err := pkgzip.Write(f, pkgzip.PackInput{ArtifactName: pkgzip.EntryWasm, Artifact: bytes.NewReader([]byte("\x00asm\x0d\x00\x01\x00")),
		Descriptor: []byte(strings.Replace(testregistry.Descriptor, "native-cdylib-v1", "wasi-v1", 1))})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	r = runOCI(t, nil, "push", wasm, reg.Host+"/wasm/gate:0.3.1", "--gateway-tags", "--version", "0.3.1")
	r.wantOK(t)
	if got := tagsOf(t, reg, "wasm/gate"); !slices.Equal(got, []string{"0.3.1", "0.3.1-wasi-wasm", "protocol-1-wasi-wasm"}) {
		t.Fatalf("tags %q", got)
	}
	r = runOCI(t, nil, "push", wasm, reg.Host+"/wasm/gate:0.3.1", "--gateway-tags", "--version", "0.3.1", "--os", "linux", "--arch", "amd64")
	r.wantError(t, cli.ExitUsage, "wasi-wasm")
}

// A package that fails the gateway's unpack is refused before any network use.
func TestPushRefusesBadPackageOffline(t *testing.T) {
	dir := t.TempDir()
	zip := filepath.Join(dir, "pkg.zip")
	testregistry.WritePackage(t, zip, 256<<10, 3)
	b, _ := os.ReadFile(zip)
	b[len(b)/2] ^= 0xff // inside the artifact's data: only its CRC can tell
	os.WriteFile(zip, b, 0o644)
	rec := &recorder{}
	useNetwork(t, rec)
	r := runOCI(t, nil, "push", zip, "10.9.8.7:5000/x/y:1")
	r.wantError(t, cli.ExitFailed, "plugin.so")
	if !strings.Contains(r.stderr, "CRC") && !strings.Contains(r.stderr, "corrupt") {
		t.Errorf("not a CRC error: %s", r.stderr)
	}
	if len(rec.seen) != 0 {
		t.Fatalf("requests were sent: %q", rec.seen)
	}
}

func TestPullRejectsForeignLayer(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{})
	layer := putBlob(t, reg, "foreign/img", []byte("not a zip"))
	config := putBlob(t, reg, "foreign/img", []byte("{}"))
	m := fmt.Sprintf(`{"schemaVersion":2,"mediaType":%q,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":%q,"size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":%q,"size":9}]}`,
		oci.ManifestMediaType, config, layer)
	putManifest(t, reg, "foreign/img", "1", oci.ManifestMediaType, []byte(m))
	out := t.TempDir()
	r := runOCI(t, nil, "pull", reg.Host+"/foreign/img:1", "-o", filepath.Join(out, "x.zip"))
	r.wantError(t, cli.ExitFailed, "application/vnd.oci.image.layer.v1.tar", "not an MCPG plugin")
	wantFiles(t, out)
}

// An image index resolves to this platform's manifest; the digest reported (and compared with a
// pin) is the platform manifest's, as in the host — so an index pin works here with a warning
// and fails under --resolve-like-gateway, as it would in the gateway.
func TestPullIndex(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{})
	dir := t.TempDir()
	amd, arm := filepath.Join(dir, "amd.zip"), filepath.Join(dir, "arm.zip")
	testregistry.WritePackage(t, amd, 64<<10, 1)
	testregistry.WritePackage(t, arm, 64<<10, 2)
	runOCI(t, nil, "push", amd, reg.Host+"/idx/gate:amd").wantOK(t)
	runOCI(t, nil, "push", arm, reg.Host+"/idx/gate:arm").wantOK(t)
	amdRaw, amdD := expectedManifest(t, amd, false)
	armRaw, armD := expectedManifest(t, arm, false)
	idx := fmt.Sprintf(`{"schemaVersion":2,"mediaType":%q,"manifests":[{"mediaType":%q,"digest":%q,"size":%d,"platform":{"os":"linux","architecture":"arm64"}},{"mediaType":%q,"digest":%q,"size":%d,"platform":{"os":"linux","architecture":"amd64"}}]}`,
		oci.IndexMediaType, oci.ManifestMediaType, armD, len(armRaw), oci.ManifestMediaType, amdD, len(amdRaw))
	idxD := putManifest(t, reg, "idx/gate", "1.0", oci.IndexMediaType, []byte(idx))

	out := t.TempDir()
	r := runOCI(t, nil, "pull", reg.Host+"/idx/gate:1.0", "--platform", "linux-arm64", "--json", "-o", filepath.Join(out, "a.zip"))
	r.wantOK(t)
	var jr pullReport
	json.Unmarshal([]byte(r.stdout), &jr)
	if jr.ManifestDigest != armD || jr.IndexDigest != idxD {
		t.Fatalf("index pull: %s", r.stdout)
	}
	wantSameFile(t, filepath.Join(out, "a.zip"), arm)

	pinned := reg.Host + "/idx/gate@" + idxD
	r = runOCI(t, nil, "pull", pinned, "--platform", "linux-amd64", "-o", filepath.Join(out, "b.zip"))
	r.wantOK(t)
	wantSameFile(t, filepath.Join(out, "b.zip"), amd)
	if !strings.Contains(r.stderr, "warning: "+pinned+" pins an image index") || !strings.Contains(r.stdout, "digest:   "+amdD) {
		t.Fatalf("index pin: %s", r)
	}
	r = runOCI(t, nil, "pull", pinned, "--platform", "linux-amd64", "--resolve-like-gateway", "-o", filepath.Join(out, "c.zip"))
	r.wantError(t, cli.ExitFailed, "image index", amdD)
	r = runOCI(t, nil, "pull", reg.Host+"/idx/gate:1.0", "--platform", "darwin-arm64", "-o", filepath.Join(out, "d.zip"))
	r.wantError(t, cli.ExitFailed, "darwin/arm64", "linux/arm64, linux/amd64")
	wantFiles(t, out, "a.zip", "b.zip")
}

func TestOCILayoutRoundTrip(t *testing.T) {
	dir := t.TempDir()
	zip := filepath.Join(dir, "mcpg-plugin-oci-gate_1.0.0_linux_amd64.zip")
	testregistry.WritePackage(t, zip, 128<<10, 5)
	wantRaw, want := expectedManifest(t, zip, false)
	lay := filepath.Join(dir, "layout")

	r := runOCI(t, nil, "push", zip, "1.0.0", "--oci-layout", lay, "--gateway-tags")
	r.wantOK(t)
	if r.manifestDigest(t) != want {
		t.Fatalf("layout push digest %s, want %s", r.manifestDigest(t), want)
	}
	hex := strings.TrimPrefix(want, "sha256:")
	if raw, _ := os.ReadFile(filepath.Join(lay, "blobs", "sha256", hex)); !bytes.Equal(raw, wantRaw) {
		t.Fatalf("manifest blob %s", raw)
	}
	// Pushing a tag again moves it; nothing is listed twice.
	runOCI(t, nil, "push", zip, "1.0.0", "--oci-layout", lay).wantOK(t)
	var idx struct {
		SchemaVersion int
		Manifests     []struct {
			MediaType, Digest, ArtifactType string
			Size                            int64
			Annotations                     map[string]string
		}
	}
	b, _ := os.ReadFile(filepath.Join(lay, "index.json"))
	if err := json.Unmarshal(b, &idx); err != nil || idx.SchemaVersion != 2 || len(idx.Manifests) != 3 {
		t.Fatalf("index.json: %v\n%s", err, b)
	}
	var tags []string
	for _, m := range idx.Manifests {
		if m.Digest != want || m.MediaType != oci.ManifestMediaType || m.ArtifactType != oci.ArtifactType || m.Size != int64(len(wantRaw)) {
			t.Fatalf("index entry %+v", m)
		}
		tags = append(tags, m.Annotations[ociclient.RefNameAnnotation])
	}
	slices.Sort(tags)
	if !slices.Equal(tags, []string{"1.0.0", "1.0.0-linux-amd64", "protocol-1-linux-amd64"}) {
		t.Fatalf("tags %q", tags)
	}
	if b, _ := os.ReadFile(filepath.Join(lay, "oci-layout")); !strings.Contains(string(b), `"imageLayoutVersion":"1.0.0"`) {
		t.Fatalf("oci-layout: %s", b)
	}

	out := t.TempDir()
	for _, ref := range []string{"1.0.0-linux-amd64", "@" + want} {
		t.Run("pull "+ref, func(t *testing.T) {
			r := runOCI(t, nil, "pull", ref, "--oci-layout", lay, "-o", filepath.Join(out, "x.zip"))
			r.wantOK(t)
			wantSameFile(t, filepath.Join(out, "x.zip"), zip)
			if !strings.Contains(r.stdout, "digest:   "+want) || !strings.Contains(r.stdout, "id:       dev.test.oci-gate") {
				t.Fatalf("pull %s: %s", ref, r)
			}
		})
	}
	// A damaged blob is caught.
	layerHex := strings.TrimPrefix(mustDigest(t, zip), "sha256:")
	lb := filepath.Join(lay, "blobs", "sha256", layerHex)
	data, _ := os.ReadFile(lb)
	data[100] ^= 1
	os.WriteFile(lb, data, 0o644)
	r = runOCI(t, nil, "pull", "1.0.0", "--oci-layout", lay, "-o", filepath.Join(out, "y.zip"))
	r.wantError(t, cli.ExitFailed, "digest mismatch")
	wantFiles(t, out, "x.zip")
	// …and pushing again repairs it rather than trusting the file by name.
	runOCI(t, nil, "push", zip, "1.0.0", "--oci-layout", lay).wantOK(t)
	runOCI(t, nil, "pull", "1.0.0", "--oci-layout", lay, "-o", filepath.Join(out, "y.zip")).wantOK(t)
}

func mustDigest(t *testing.T, path string) string {
	t.Helper()
	d, _, err := digest.File(path)
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

func TestIntoGatewayCache(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{})
	dir := t.TempDir()
	zip := filepath.Join(dir, "pkg.zip")
	testregistry.WritePackage(t, zip, 64<<10, 11)
	zd := mustDigest(t, zip)
	runOCI(t, nil, "push", zip, reg.Host+"/cache/audit:2.0-linux-amd64").wantOK(t)

	// Named after the gateway's first candidate (native platform, primary registry), whatever
	// was asked: the bare version here.
	cache := filepath.Join(dir, "cache")
	r := runOCI(t, nil, "pull", reg.Host+"/cache/audit:2.0", "--resolve-like-gateway", "--platform", "linux-amd64", "--into-gateway-cache", cache)
	r.wantOK(t)
	name := strings.NewReplacer(":", "_", "/", "_").Replace(reg.Host+"/cache/audit:2.0-linux-amd64") + ".zip"
	wantFiles(t, cache, name, name+".layer-sha256", ".mcpg-plugins.lock")
	wantSameFile(t, filepath.Join(cache, name), zip)
	if b, _ := os.ReadFile(filepath.Join(cache, name+".layer-sha256")); string(b) != zd {
		t.Fatalf("sidecar %q, want %q", b, zd)
	}
	if !strings.Contains(r.stdout, "  written:  "+filepath.Join(cache, name)+"\n") {
		t.Fatalf("%s", r)
	}

	// From a layout, for a gateway that will ask for ghcr.io/acme/gate:2.0 on linux-arm64; with -o too.
	lay := filepath.Join(dir, "layout")
	runOCI(t, nil, "push", zip, "2.0", "--oci-layout", lay).wantOK(t)
	out := filepath.Join(dir, "copy.zip")
	r = runOCI(t, nil, "pull", "2.0", "--oci-layout", lay, "-o", out, "--into-gateway-cache", cache,
		"--gateway-ref", "ghcr.io/acme/gate:2.0", "--platform", "linux-arm64")
	r.wantOK(t)
	wantSameFile(t, out, zip)
	const lname = "ghcr.io_acme_gate_2.0-linux-arm64.zip"
	wantSameFile(t, filepath.Join(cache, lname), zip)
	if b, _ := os.ReadFile(filepath.Join(cache, lname+".layer-sha256")); string(b) != zd {
		t.Fatalf("sidecar %q", b)
	}
	if !strings.Contains(r.stdout, "  written:  "+out+"\n  cached:   "+filepath.Join(cache, lname)+"\n") {
		t.Fatalf("%s", r)
	}
}

// --resolve-like-gateway tries the gateway's references in the gateway's order: per platform
// candidate (native, then wasi-wasm), every mirror, then the primary.
func TestResolveLikeGatewayOrder(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{})
	dir := t.TempDir()
	zip := filepath.Join(dir, "pkg.zip")
	testregistry.WritePackage(t, zip, 64<<10, 13)
	h := reg.Host
	runOCI(t, nil, "push", zip, h+"/res/audit:2.0-wasi-wasm").wantOK(t)

	out := filepath.Join(dir, "out.zip")
	r := runOCI(t, nil, "pull", "res/audit:2.0", "--resolve-like-gateway", "--default-registry", h+"/",
		"--platform", "linux-arm64", "--mirror", h+"/mirror-a", "--mirror", h+"/mirror-b/", "--json", "-o", out)
	r.wantOK(t)
	wantSameFile(t, out, zip)
	var jr pullReport
	if err := json.Unmarshal([]byte(r.stdout), &jr); err != nil {
		t.Fatal(err)
	}
	if want := []string{h + "/res/audit:2.0-linux-arm64", h + "/res/audit:2.0-wasi-wasm"}; !slices.Equal(jr.Candidates, want) {
		t.Fatalf("candidates %q, want %q", jr.Candidates, want)
	}
	var tried []string
	for i, a := range jr.Attempts {
		tried = append(tried, a.Reference)
		if (a.Error == "") != (i == len(jr.Attempts)-1) {
			t.Errorf("attempt %d: %+v", i, a)
		}
	}
	want := []string{
		h + "/mirror-a/res/audit:2.0-linux-arm64", h + "/mirror-b/res/audit:2.0-linux-arm64", h + "/res/audit:2.0-linux-arm64",
		h + "/mirror-a/res/audit:2.0-wasi-wasm", h + "/mirror-b/res/audit:2.0-wasi-wasm", h + "/res/audit:2.0-wasi-wasm",
	}
	if !slices.Equal(tried, want) || jr.Resolved != want[5] {
		t.Fatalf("attempts %q (resolved %s), want %q", tried, jr.Resolved, want)
	}
	if n := strings.Count(r.stderr, "miss: "); n != 5 {
		t.Fatalf("%d miss lines: %s", n, r.stderr)
	}

	// A mirror that has it wins over the primary; the human report says which.
	runOCI(t, nil, "push", zip, h+"/mirror-b/res/audit:2.0-wasi-wasm").wantOK(t)
	r = runOCI(t, nil, "pull", h+"/res/audit:2.0", "--resolve-like-gateway", "--platform", "linux-arm64",
		"--mirror", h+"/mirror-a", "--mirror", h+"/mirror-b", "-o", out)
	r.wantOK(t)
	if !strings.Contains(r.stdout, "pulled: "+h+"/res/audit:2.0\n  resolved: "+h+"/mirror-b/res/audit:2.0-wasi-wasm\n") {
		t.Fatalf("%s", r)
	}

	// Nothing matches: the last failure, with the count.
	r = runOCI(t, nil, "pull", h+"/res/none", "--resolve-like-gateway", "--platform", "linux-arm64", "-o", filepath.Join(dir, "none.zip"))
	r.wantError(t, cli.ExitNetwork, "none of the 2 references", "protocol-1-wasi-wasm", "not found")
	if _, err := os.Stat(filepath.Join(dir, "none.zip")); err == nil {
		t.Fatal("a file was written")
	}
}

func TestTLSAndMTLS(t *testing.T) {
	dir := t.TempDir()
	zip := filepath.Join(dir, "pkg.zip")
	testregistry.WritePackage(t, zip, 64<<10, 17)

	tlsReg := testregistry.Start(t, testregistry.Options{TLS: true})
	ref := tlsReg.Host + "/tls/gate:1"
	r := runOCI(t, nil, "push", zip, ref, "--retries", "0")
	r.wantError(t, cli.ExitNetwork, "certificate")
	if !strings.Contains(r.stderr, "hint: pass --ca-file") {
		t.Errorf("no --ca-file hint: %s", r)
	}
	runOCI(t, nil, "push", zip, ref, "--ca-file", tlsReg.CAFile).wantOK(t)
	out := filepath.Join(dir, "out.zip")
	runOCI(t, nil, "pull", ref, "--ca-file", tlsReg.CAFile, "-o", out).wantOK(t)
	wantSameFile(t, out, zip)
	runOCI(t, nil, "pull", ref, "--insecure-skip-tls-verify", "-o", out).wantOK(t)

	mReg := testregistry.Start(t, testregistry.Options{MTLS: true})
	ref = mReg.Host + "/mtls/gate:1"
	r = runOCI(t, nil, "push", zip, ref, "--ca-file", mReg.CAFile, "--retries", "0")
	r.wantError(t, cli.ExitNetwork, "cannot reach", "certificate")
	if !strings.Contains(r.stderr, "hint: the registry wants a client certificate") {
		t.Errorf("no --cert-file hint: %s", r)
	}
	runOCI(t, nil, "push", zip, ref, "--ca-file", mReg.CAFile, "--cert-file", mReg.CertFile, "--key-file", mReg.KeyFile).wantOK(t)
	runOCI(t, nil, "pull", ref, "--ca-file", mReg.CAFile, "--cert-file", mReg.CertFile, "--key-file", mReg.KeyFile, "-o", out).wantOK(t)
	wantSameFile(t, out, zip)
}

// A second push of the same file takes its digest from the digest cache; a wrong remembered digest
// is refused by the registry at commit, forgotten, and the push completes with the real one.
func TestPushDigestCache(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	cache := digestcache.Default()
	reg := testregistry.Start(t, testregistry.Options{})
	zip := filepath.Join(t.TempDir(), "gate.zip")
	testregistry.WritePackage(t, zip, 1<<20, 11)
	_, want := expectedManifest(t, zip, false)
	f, err := os.Open(zip)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	runOCI(t, nil, "push", zip, reg.Host+"/dc/first:1").wantOK(t)
	if d, ok := cache.Lookup(f); !ok || d.String() != mustDigest(t, zip) {
		t.Fatalf("after a push the cache holds %v, %v; want %s", d, ok, mustDigest(t, zip))
	}
	if !cache.Vouched(f, pkgzip.ValidClaim()) {
		t.Fatal("a push that read the package through does not vouch for it")
	}

	// Poison the entry: the registry must catch it and the push still land with the true digest.
	cache.Store(f, digest.Of([]byte("not the package")))
	r := runOCI(t, nil, "push", zip, reg.Host+"/dc/second:1")
	r.wantOK(t)
	if !strings.Contains(r.stdout, "manifest-digest: "+want) {
		t.Fatalf("push after a poisoned cache printed\n%s\nwant digest %s", r.stdout, want)
	}
	if resp, _ := regGet(t, reg, "/v2/dc/second/manifests/1", oci.ManifestMediaType); resp.Header.Get("Docker-Content-Digest") != want {
		t.Fatalf("registry holds %s, want %s", resp.Header.Get("Docker-Content-Digest"), want)
	}
	if d, _ := cache.Lookup(f); d.String() != mustDigest(t, zip) {
		t.Fatalf("after the correction the cache holds %s", d)
	}
}
