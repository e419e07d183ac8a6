// Command benchdriver measures the mcpg-plugins tools against peer tools on the same input in the
// same run (hash vs sha256sum, sign/verify vs sha512sum, pack vs zip -6, unpack vs unzip), and the
// start-up cost of every binary and of the dispatcher, plus plugin-oci push and pull vs crane on the
// same real registry (oci.go), and hash and list over thousands of small files vs sha256sum
// (many.go), and reports ratios, peak RSS and whether each target of the foundation, OCI and
// reliability issues is met. Run it through `make bench` (`scripts/bench -oci` for the OCI cases
// alone, `scripts/bench -many-only` for the many-files cases, `scripts/bench -wasm` for
// `mcpg-plugins test` on Wasm guests vs Wasmtime 44, wasm.go).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"
)

var (
	binDir  = flag.String("bin", "bin", "directory holding the built tools")
	workDir = flag.String("work", filepath.Join(os.TempDir(), "mcpg-bench"), "scratch directory (needs ~1 GiB)")
	sizeMiB = flag.Int("size", 256, "artifact size in MiB")
	runs    = flag.Int("runs", 5, "timed runs per command (median reported)")
	starts  = flag.Int("starts", 200, "runs per start-up measurement")
	check   = flag.Bool("check", false, "exit 1 when a target is missed")
	ociOnly = flag.Bool("oci", false, "run only the OCI cases (plugin-oci push/pull vs crane)")
	ociSize = flag.Int("oci-size", 200, "package size in MiB for the OCI cases")
	tools   = flag.String("tools", "", "directory holding the test tools registry and crane (default $MCPG_TEST_TOOLS, else .tools/bin beside -bin)")
)

const rssLimitKiB = 64 * 1024

type sample struct {
	wall   time.Duration
	cpu    time.Duration // user + system
	rssKiB int64
}

type result struct {
	name, target string
	ours, peer   sample
	ratio        float64 // how the target is expressed (see each case)
	ok           bool
	note         string
	noRSSLimit   bool // the Wasm cases: compiling a 12 MB guest is not a 64 MiB job
}

func main() {
	flag.Parse()
	bin, err := filepath.Abs(*binDir)
	must(err)
	must(os.MkdirAll(*workDir, 0o755))
	must(os.Chdir(*workDir))
	needed := []string{"mcpg-plugins", "plugin-hash", "plugin-sign", "plugin-pack", "plugin-oci"}
	if *ociOnly {
		needed = []string{"plugin-pack", "plugin-oci"}
	} else if *wasmOnly {
		needed = []string{"mcpg-plugins", "plugin-harness"}
	} else if *manyOnly {
		needed = []string{"plugin-hash", "plugin-pack"}
	}
	for _, tool := range needed {
		if _, err := os.Stat(filepath.Join(bin, tool)); err != nil {
			fail("missing %s/%s: run `make build` first", bin, tool)
		}
	}
	tool := func(name string) string { return filepath.Join(bin, name) }

	var results []result
	add := func(r result) { results = append(results, r); printResult(r) }
	root := filepath.Dir(bin)
	switch {
	case *wasmOnly:
		wasmCases(root, tool, add)
	case *manyOnly:
		manyCases(tool, add)
	case !*ociOnly:
		results = foundationCases(tool, add)
		manyCases(tool, add)
	}
	switch oci := findOCITools(bin); {
	case *manyOnly, *wasmOnly:
	case oci.ok():
		ociCases(tool, oci, add)
	case *ociOnly:
		fail("%s", oci.missing())
	default:
		fmt.Printf("\nskipping the OCI cases: %s\n", oci.missing())
	}
	if !*ociOnly && !*manyOnly && !*wasmOnly {
		wasmCases(root, tool, add)
	}

	failed := 0
	for _, r := range results {
		if !r.ok {
			failed++
		}
		if r.ours.rssKiB > rssLimitKiB && !r.noRSSLimit {
			failed++
			fmt.Printf("peak RSS of %s is %d KiB (limit %d)\n", r.name, r.ours.rssKiB, rssLimitKiB)
		}
	}
	fmt.Printf("\n%d of %d targets met (peak RSS limit %d MiB applies to every command)\n", len(results)-countFailed(results), len(results), rssLimitKiB/1024)
	if *check && failed > 0 {
		exit(1)
	}
	exit(0)
}

// printHeader starts a table of results.
func printHeader() {
	fmt.Printf("\n%-18s %10s %10s %8s  %-36s %9s  %s\n", "case", "ours", "peer", "ratio", "target", "peak RSS", "")
}

// foundationCases are the foundation issue's targets: hash, sign/verify, pack, unpack, start-up.
func foundationCases(tool func(string) string, add func(result)) (results []result) {
	add0 := add
	add = func(r result) { results = append(results, r); add0(r) }
	fmt.Printf("preparing a %d MiB artifact in %s …\n", *sizeMiB, *workDir)
	prepare(tool)
	printHeader()

	// hash: throughput ratio = peer time / our time, must be ≥ 0.95.
	r := compare("hash", []string{tool("plugin-hash"), "hash", "art.so"}, []string{"sha256sum", "art.so"}, nil)
	r.ratio = secs(r.peer) / secs(r.ours)
	r.target, r.ok = "throughput ≥ 0.95× sha256sum", r.ratio >= 0.95
	add(r)

	// verify: time ratio ≤ 1.2× sha512sum; sign ≤ 2.2×.
	r = compare("verify", []string{tool("plugin-sign"), "verify", "--key", "key.pub", "art.so"}, []string{"sha512sum", "art.so"}, nil)
	r.ratio = secs(r.ours) / secs(r.peer)
	r.target, r.ok = "time ≤ 1.2× sha512sum", r.ratio <= 1.2
	add(r)
	r = compare("sign", []string{tool("plugin-sign"), "sign", "--key", "key", "-o", "bench.sig", "art.so"}, []string{"sha512sum", "art.so"}, nil)
	r.ratio = secs(r.ours) / secs(r.peer)
	r.target, r.ok = "time ≤ 2.2× sha512sum", r.ratio <= 2.2
	add(r)

	// pack: at least as fast as zip -6, output at most 5% larger.
	r = compare("pack",
		[]string{tool("plugin-pack"), "pack", "-d", "plugin.yaml", "-a", "art.so", "-v", "1.0.0", "-s", "art.so.sig", "-o", "ours.zip"},
		[]string{"zip", "-6", "-q", "-X", "peer.zip", "plugin.yaml", "art.so", "art.so.sig"},
		func() { os.Remove("ours.zip") }, func() { os.Remove("peer.zip") }) // zip appends to an existing archive
	r.ratio = secs(r.ours) / secs(r.peer)
	oursSize, peerSize := fileSize("ours.zip"), fileSize("peer.zip")
	sizeRatio := float64(oursSize) / float64(peerSize)
	r.target = "time ≤ 1.0× zip -6, size ≤ 1.05×"
	r.ok = r.ratio <= 1.0 && sizeRatio <= 1.05
	r.note = fmt.Sprintf("size %d vs %d bytes (%.3f×)", oursSize, peerSize, sizeRatio)
	add(r)

	// unpack: at least as fast as unzip on the same package.
	r = compare("unpack",
		[]string{tool("plugin-pack"), "unpack", "ours.zip", "ours-out"},
		[]string{"unzip", "-q", "-o", "ours.zip", "-d", "peer-out"},
		func() { os.RemoveAll("ours-out") }, func() { os.RemoveAll("peer-out") })
	r.ratio = secs(r.ours) / secs(r.peer)
	r.target, r.ok = "time ≤ 1.0× unzip", r.ratio <= 1.0
	add(r)

	// start-up: every binary < 10 ms; the dispatcher adds < 2 ms.
	for _, t := range []string{"mcpg-plugins", "plugin-hash", "plugin-sign", "plugin-pack"} {
		s := startup([]string{tool(t), "--version"})
		add(result{name: "start " + t, ours: s, target: "< 10 ms", ok: s.wall < 10*time.Millisecond, ratio: float64(s.wall) / float64(10*time.Millisecond)})
	}
	direct := []string{tool("plugin-hash"), "hash", "plugin.yaml"}
	viaDispatcher := []string{tool("mcpg-plugins"), "hash", "plugin.yaml"}
	d, v := startupPair(direct, viaDispatcher)
	overhead := v.wall - d.wall
	add(result{name: "dispatch", ours: v, peer: d, target: "overhead < 2 ms", ok: overhead < 2*time.Millisecond,
		ratio: float64(v.wall) / float64(d.wall), note: fmt.Sprintf("overhead %s", overhead.Round(10*time.Microsecond))})
	return results
}

func countFailed(rs []result) (n int) {
	for _, r := range rs {
		if !r.ok || (r.ours.rssKiB > rssLimitKiB && !r.noRSSLimit) {
			n++
		}
	}
	return n
}

func printResult(r result) {
	verdict := "ok"
	if !r.ok || (r.ours.rssKiB > rssLimitKiB && !r.noRSSLimit) {
		verdict = "MISSED"
	}
	peer := "-"
	if r.peer.wall > 0 {
		peer = fmtDur(r.peer.wall)
	}
	fmt.Printf("%-18s %10s %10s %7.3fx  %-36s %6d KiB  %s %s\n", r.name, fmtDur(r.ours.wall), peer, r.ratio, r.target, r.ours.rssKiB, verdict, r.note)
}

// compare runs ours and peer alternately (after one warm-up each) and reports the medians; the
// reset funcs (optional) run untimed before each run of their side.
func compare(name string, ours, peer []string, resets ...func()) result {
	return compareEach(name, func(int) []string { return ours }, func(int) []string { return peer }, resets...)
}

// compareEach is compare with a command line per run (run 0 is the warm-up).
func compareEach(name string, ours, peer func(run int) []string, resets ...func()) result {
	resetOurs, resetPeer := func() {}, func() {}
	if len(resets) == 2 {
		resetOurs, resetPeer = resets[0], resets[1]
	}
	var o, p []sample
	for i := 0; i <= *runs; i++ {
		resetOurs()
		so := run(ours(i))
		resetPeer()
		sp := run(peer(i))
		if i > 0 { // the first round warms the page cache
			o, p = append(o, so), append(p, sp)
		}
	}
	return result{name: name, ours: median(o), peer: median(p)}
}

func startup(cmd []string) sample {
	var ss []sample
	for i := 0; i < *starts; i++ {
		ss = append(ss, run(cmd))
	}
	return median(ss)
}

func startupPair(a, b []string) (sample, sample) {
	var as, bs []sample
	for i := 0; i < *starts; i++ {
		as, bs = append(as, run(a)), append(bs, run(b))
	}
	return median(as), median(bs)
}

func run(argv []string) sample {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout = io.Discard
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		fail("%s: %v\n%s", strings.Join(argv, " "), err, stderr.String())
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return sample{wall: wall, cpu: cpu, rssKiB: ru.Maxrss}
}

func median(ss []sample) sample {
	sort.Slice(ss, func(i, j int) bool { return ss[i].wall < ss[j].wall })
	m := ss[len(ss)/2]
	for _, s := range ss { // report the worst peak RSS, not the median's
		m.rssKiB = max(m.rssKiB, s.rssKiB)
	}
	return m
}

// prepare writes art.so: a real ELF shared object exporting the gateway's two symbols and embedding
// plugin.yaml, padded to the requested size with the bytes of the machine's own shared libraries (so
// it compresses like real code, not like random or zero bytes); plus a key pair, the signature and a
// package for unpack.
func prepare(tool func(string) string) {
	want := int64(*sizeMiB) << 20
	if fileSize("art.so") > want && fileSize("art.so") < want+(1<<20) && fileSize("key") > 0 {
		fmt.Println("(reusing the prepared inputs)")
		return
	}
	must(os.WriteFile("plugin.yaml", []byte("schema: mcpg.dev/plugin/v1\nid: dev.bench.big-gate\nname: Big Gate\nclass: tool_gate\nruntime: native-cdylib-v1\nprotocol_version: \"1.0\"\n"), 0o644))
	blob, err := os.Create("blob.bin")
	must(err)
	sources := librarySources()
	var written int64
	for written < want-(64<<10) && len(sources) > 0 {
		for _, src := range sources {
			f, err := os.Open(src)
			if err != nil {
				continue
			}
			n, _ := io.Copy(blob, io.LimitReader(f, want-(64<<10)-written))
			f.Close()
			written += n
			if written >= want-(64<<10) {
				break
			}
		}
	}
	must(blob.Close())
	src := `__asm__(".section .rodata\n.incbin \"plugin.yaml\"\n.balign 16\n.incbin \"blob.bin\"\n.previous");
void *mcpg_plugin_abi_layout(void) { return 0; }
void *mcpg_plugin_register(void) { return 0; }
`
	must(os.WriteFile("art.c", []byte(src), 0o644))
	sh("cc", "-shared", "-fPIC", "-Wa,-I,.", "-o", "art.so", "art.c")
	os.Remove("blob.bin")
	os.Remove("key")
	os.Remove("key.pub")
	sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", "key")
	sh(tool("plugin-sign"), "sign", "--key", "key", "art.so")
	fmt.Printf("art.so: %d bytes\n", fileSize("art.so"))
}

// librarySources lists the machine's shared libraries (then its programs), in a stable order: bytes
// that compress like real plugin code.
func librarySources() []string {
	var sources []string
	for _, dir := range []string{"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib", "/usr/bin"} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.Type().IsRegular() && (strings.Contains(e.Name(), ".so") || dir == "/usr/bin") {
				sources = append(sources, filepath.Join(dir, e.Name()))
			}
		}
	}
	slices.Sort(sources)
	return sources
}

func sh(argv ...string) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Run(); err != nil {
		fail("%s: %v", strings.Join(argv, " "), err)
	}
}

func fileSize(name string) int64 {
	st, err := os.Stat(name)
	if err != nil {
		return 0
	}
	return st.Size()
}

func secs(s sample) float64 { return s.wall.Seconds() }

func fmtDur(d time.Duration) string {
	if d < 100*time.Millisecond {
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.3fs", d.Seconds())
}

func must(err error) {
	if err != nil {
		fail("%v", err)
	}
}

// atExit runs before the driver exits, also on failure (it stops the registry it started).
var atExit []func()

func exit(code int) {
	for i := len(atExit) - 1; i >= 0; i-- {
		atExit[i]()
	}
	os.Exit(code)
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...)
	exit(2)
}
