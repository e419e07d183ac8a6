package main

// The OCI cases (issue 3, "Speed"): plugin-oci push and pull of a 200 MiB package against crane
// on the same real registry (the CNCF distribution binary installed by scripts/install-test-tools),
// started here on 127.0.0.1 with its storage on disk in the work directory.
//
// Equivalent work for crane:
//   - push: `crane push <oci-layout> REF`, where the layout holds the very bytes plugin-oci
//     uploads (the package zip as the layer, the same config blob, the same canonical manifest),
//     so both tools upload one 200 MiB blob, one small config blob and one manifest. (`crane
//     append` would build a tar layer and an image config instead: different bytes, more work.)
//     This is crane's best case: the layout names every blob by its digest, so crane hashes
//     nothing and hands the file to the kernel (sendfile), while plugin-oci starts from the zip
//     alone and must check it (every entry's CRC) and hash it (the cpu figure in the note).
//   - pull: `crane pull --format=oci REF DIR` fetches the manifest, the config and the layer,
//     verifies the layer's digest as it streams and writes it to a file — what `plugin-oci pull`
//     does. (`crane blob` alone would skip the manifest and config round trips.)
//
// Deduplication: the registry links blobs per repository, so a HEAD for a blob in a repository
// that never held it answers 404 and the client uploads the whole blob. Every timed push goes to
// a repository name never used before (a per-process nonce plus the run number), for both tools;
// neither tool asks for a cross-repository mount (crane mounts only layers it read from the same
// registry, not from a layout; plugin-oci pushes from a file). Pulls need no such care: both
// tools always download the full blob.

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

type ociTools struct{ dir, registry, crane string }

// findOCITools looks in -tools, $MCPG_TEST_TOOLS, then .tools/bin beside the -bin directory.
func findOCITools(bin string) ociTools {
	dir := *tools
	if dir == "" {
		dir = os.Getenv("MCPG_TEST_TOOLS")
	}
	if dir == "" {
		dir = filepath.Join(filepath.Dir(bin), ".tools", "bin")
	}
	o := ociTools{dir: dir}
	if fileSize(filepath.Join(dir, "registry")) > 0 {
		o.registry = filepath.Join(dir, "registry")
	}
	if fileSize(filepath.Join(dir, "crane")) > 0 {
		o.crane = filepath.Join(dir, "crane")
	}
	return o
}

func (o ociTools) ok() bool { return o.registry != "" && o.crane != "" }

func (o ociTools) missing() string {
	return fmt.Sprintf("the registry and crane binaries are not in %s: run scripts/install-test-tools", o.dir)
}

// The package's descriptor and the config blob the reference implementation derives from it
// (docs/contract.md §5.1: compact JSON in this key order; no plugin.sig, so has_signature is false).
const (
	ociDescriptor = "schema: mcpg.dev/plugin/v1\nid: dev.bench.oci-gate\nname: OCI Bench Gate\nclass: tool_gate\nruntime: native-cdylib-v1\nprotocol_version: \"1.0\"\n"
	ociConfig     = `{"id":"dev.bench.oci-gate","name":"OCI Bench Gate","class":"tool_gate","runtime":"native-cdylib-v1","protocol_version":"1.0","schema":"mcpg.dev/plugin/v1","has_signature":false}`
)

func ociCases(tool func(string) string, oci ociTools, add func(result)) {
	dir := filepath.Join(*workDir, "oci")
	must(os.MkdirAll(dir, 0o755))
	fmt.Printf("\npreparing a %d MiB package in %s …\n", *ociSize, dir)
	zip := prepareOCI(tool, dir)
	layout, manifestDigest := writeLayout(dir, zip)
	host := startRegistry(oci.registry, dir)
	fmt.Printf("registry %s on %s; package %d bytes, manifest %s\n", oci.registry, host, fileSize(zip), manifestDigest)

	// The pull source, pushed once by plugin-oci; its digest must be the layout's, or the two
	// tools would not be moving the same bytes.
	src := host + "/bench/src:1.0"
	out := output(tool("plugin-oci"), "push", zip, src)
	if m := regexp.MustCompile(`manifest-digest:\s*(sha256:[0-9a-f]{64})`).FindStringSubmatch(out); m == nil || m[1] != manifestDigest {
		fail("plugin-oci push %s printed no manifest digest %s (the layout crane pushes holds that manifest):\n%s", src, manifestDigest, out)
	}

	// Loopback registry timings vary by about ±5% from run to run, and both tools sit within that
	// of each other: medians of 11 alternating runs are stable where 5 are not (unless -runs says).
	runsSet := false
	flag.Visit(func(f *flag.Flag) { runsSet = runsSet || f.Name == "runs" })
	if !runsSet {
		defer func(n int) { *runs = n }(*runs)
		*runs = 11
	}

	nonce := fmt.Sprintf("%x", time.Now().UnixNano()&0xffffffff)
	printHeader()
	mib := float64(fileSize(zip)) / (1 << 20)
	throughput := func(r result) string {
		return fmt.Sprintf("%.0f vs %.0f MiB/s, cpu %.2fs vs %.2fs", mib/secs(r.ours), mib/secs(r.peer), r.ours.cpu.Seconds(), r.peer.cpu.Seconds())
	}

	r := compareEach("oci push",
		func(i int) []string {
			return []string{tool("plugin-oci"), "push", zip, fmt.Sprintf("%s/bench/%s-ours-%d:1.0", host, nonce, i)}
		},
		func(i int) []string {
			return []string{oci.crane, "push", layout, fmt.Sprintf("%s/bench/%s-crane-%d:1.0", host, nonce, i)}
		})
	r.ratio = secs(r.peer) / secs(r.ours)
	r.target, r.ok = "throughput ≥ 1.0× crane push", r.ratio >= 1.0
	r.note = throughput(r)
	add(r)

	pulled, cranePulled := filepath.Join(dir, "pulled.zip"), filepath.Join(dir, "crane-pulled")
	r = compare("oci pull",
		[]string{tool("plugin-oci"), "pull", src, "-o", pulled},
		[]string{oci.crane, "pull", "--format=oci", src, cranePulled},
		func() { os.Remove(pulled) }, func() { os.RemoveAll(cranePulled) })
	if fileSize(pulled) != fileSize(zip) {
		fail("plugin-oci pull wrote %d bytes, want %d", fileSize(pulled), fileSize(zip))
	}
	r.ratio = secs(r.peer) / secs(r.ours)
	r.target, r.ok = "throughput ≥ 1.0× crane pull", r.ratio >= 1.0
	r.note = throughput(r)
	add(r)
	os.Remove(pulled)
	os.RemoveAll(cranePulled)
}

// prepareOCI makes pkg.zip: a real ELF shared object (the gateway's two symbols, the descriptor
// embedded) padded with random bytes so the package is about -oci-size MiB however well deflate
// does, packed by plugin-pack. It is reused when it already has that size.
func prepareOCI(tool func(string) string, dir string) string {
	zip := filepath.Join(dir, "pkg.zip")
	want := int64(*ociSize) << 20
	if n := fileSize(zip); n > want-(1<<20) && n < want+(1<<20) {
		fmt.Println("(reusing the prepared package)")
		return zip
	}
	yaml := filepath.Join(dir, "plugin.yaml")
	must(os.WriteFile(yaml, []byte(ociDescriptor), 0o644))
	blob := filepath.Join(dir, "blob.bin")
	f, err := os.Create(blob)
	must(err)
	_, err = io.Copy(f, io.LimitReader(randReader{rand.NewChaCha8([32]byte{'m', 'c', 'p', 'g'})}, want-(64<<10)))
	must(err)
	must(f.Close())
	src := `__asm__(".section .rodata\n.incbin \"plugin.yaml\"\n.balign 16\n.incbin \"blob.bin\"\n.previous");
void *mcpg_plugin_abi_layout(void) { return 0; }
void *mcpg_plugin_register(void) { return 0; }
`
	must(os.WriteFile(filepath.Join(dir, "art.c"), []byte(src), 0o644))
	cmd := exec.Command("cc", "-shared", "-fPIC", "-Wa,-I,.", "-o", "art.so", "art.c")
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, io.Discard, os.Stderr
	must(cmd.Run())
	os.Remove(blob)
	sh(tool("plugin-pack"), "pack", "-d", yaml, "-a", filepath.Join(dir, "art.so"), "-v", "1.0.0", "-o", zip)
	os.Remove(filepath.Join(dir, "art.so"))
	return zip
}

type randReader struct{ r *rand.ChaCha8 }

func (r randReader) Read(p []byte) (int, error) { return r.r.Read(p) }

// writeLayout writes an OCI image layout holding the artifact plugin-oci pushes for zip — the zip
// as the layer (hard-linked, not copied, so both tools read the same cached pages), the config
// blob, the canonical manifest — and returns its path and the manifest's digest.
func writeLayout(dir, zip string) (string, string) {
	layout := filepath.Join(dir, "layout")
	os.RemoveAll(layout)
	blobs := filepath.Join(layout, "blobs", "sha256")
	must(os.MkdirAll(blobs, 0o755))
	zipHex := fileSHA256(zip)
	must(os.Link(zip, filepath.Join(blobs, zipHex)))
	configHex := sha256Hex([]byte(ociConfig))
	must(os.WriteFile(filepath.Join(blobs, configHex), []byte(ociConfig), 0o644))
	manifest := fmt.Sprintf(`{"artifactType":"application/vnd.mcpg.plugin.v1","config":{"digest":"sha256:%s","mediaType":"application/vnd.mcpg.plugin.config.v1+json","size":%d},"layers":[{"digest":"sha256:%s","mediaType":"application/vnd.mcpg.plugin.package.v1+zip","size":%d}],"schemaVersion":2}`,
		configHex, len(ociConfig), zipHex, fileSize(zip))
	manifestHex := sha256Hex([]byte(manifest))
	must(os.WriteFile(filepath.Join(blobs, manifestHex), []byte(manifest), 0o644))
	index := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.mcpg.plugin.v1","digest":"sha256:%s","size":%d}]}`,
		manifestHex, len(manifest))
	must(os.WriteFile(filepath.Join(layout, "index.json"), []byte(index), 0o644))
	must(os.WriteFile(filepath.Join(layout, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644))
	return layout, "sha256:" + manifestHex
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func fileSHA256(path string) string {
	f, err := os.Open(path)
	must(err)
	defer f.Close()
	h := sha256.New()
	_, err = io.Copy(h, f)
	must(err)
	return hex.EncodeToString(h.Sum(nil))
}

// startRegistry runs the distribution registry on a free loopback port with fresh disk storage
// (errors-only logging, no debug server, no tracing exporter) and stops it when the driver exits.
func startRegistry(bin, dir string) string {
	root := filepath.Join(dir, "registry")
	os.RemoveAll(root)
	must(os.MkdirAll(root, 0o755))
	for attempt := 0; attempt < 5; attempt++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		must(err)
		host := l.Addr().String()
		l.Close()
		conf := fmt.Sprintf("version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %q\nhttp:\n  addr: %q\n  secret: bench-not-secret\n",
			filepath.Join(root, "storage"), host)
		confPath := filepath.Join(root, "config.yml")
		must(os.WriteFile(confPath, []byte(conf), 0o644))
		cmd := exec.Command(bin, "serve", confPath)
		cmd.Env = append(os.Environ(), "OTEL_TRACES_EXPORTER=none", "OTEL_SDK_DISABLED=true")
		var logs strings.Builder
		cmd.Stdout, cmd.Stderr = &logs, &logs
		must(cmd.Start())
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		stop := func() { cmd.Process.Kill(); <-exited; os.RemoveAll(root) }
		if waitReady(host, exited) {
			atExit = append(atExit, stop)
			return host
		}
		stop() // most likely the port was taken between our probe and its bind: try another
		fmt.Fprintf(os.Stderr, "bench: registry on %s did not start: %s\n", host, strings.TrimSpace(logs.String()))
	}
	fail("could not start %s", bin)
	return ""
}

// waitReady polls /v2/ until it answers 200, the process exits, or 15 s pass.
func waitReady(host string, exited <-chan struct{}) bool {
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case <-exited:
			return false
		default:
		}
		if resp, err := http.Get("http://" + host + "/v2/"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true
			}
		}
	}
	return false
}

// output runs argv and returns its stdout and stderr, failing the driver if it fails.
func output(argv ...string) string {
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		fail("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	return string(out)
}
