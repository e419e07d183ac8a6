package main

// The many-files cases (issue 9, "Cost grows with the work, not with the number of files"): hash
// over thousands of small plain artifacts and of small packages against sha256sum on the same
// files, and list over the packages, whose peak RSS must stay under the 64 MiB every command gets.
// A package is inflated and its artifact hashed besides hashing the zip itself, so its target is
// looser than the plain files'.

import (
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
)

var (
	manyFiles = flag.Int("many", 2000, "how many small files the many-files cases hash and list (0 skips them)")
	manyKiB   = flag.Int("many-kib", 20, "size of each small file in KiB")
	manyOnly  = flag.Bool("many-only", false, "run only the many-files cases")
)

func manyCases(tool func(string) string, add func(result)) {
	if *manyFiles <= 0 {
		return
	}
	dir := filepath.Join(*workDir, "many")
	fmt.Printf("\npreparing %d artifacts and %d packages of ~%d KiB in %s …\n", *manyFiles, *manyFiles, *manyKiB, dir)
	plain, pkgs := prepareMany(tool, dir)
	printHeader()

	hash := append([]string{tool("plugin-hash"), "hash"}, plain...)
	r := compare("hash-so", hash, append([]string{"sha256sum"}, plain...), nil)
	r.ratio = secs(r.ours) / secs(r.peer)
	r.target, r.ok = "time ≤ 1.5× sha256sum", r.ratio <= 1.5
	r.note = fmt.Sprintf("%d files, cpu %s vs %s", len(plain), fmtDur(r.ours.cpu), fmtDur(r.peer.cpu))
	add(r)

	hash = append([]string{tool("plugin-hash"), "hash"}, pkgs...)
	r = compare("hash-zip", hash, append([]string{"sha256sum"}, pkgs...), nil)
	r.ratio = secs(r.ours) / secs(r.peer)
	r.target, r.ok = "time ≤ 3× sha256sum", r.ratio <= 3
	r.note = fmt.Sprintf("%d packages, cpu %s vs %s", len(pkgs), fmtDur(r.ours.cpu), fmtDur(r.peer.cpu))
	add(r)

	// list hashes the same packages (artifact and zip) and reads their descriptors; what it must
	// show is that memory does not grow with the number of packages.
	r = compare("list-zip", []string{tool("plugin-hash"), "list", filepath.Join(dir, "pkg")}, append([]string{"sha256sum"}, pkgs...), nil)
	r.ratio = secs(r.ours) / secs(r.peer)
	r.target, r.ok = "time ≤ 3× sha256sum", r.ratio <= 3
	r.note = fmt.Sprintf("%d packages, cpu %s vs %s", len(pkgs), fmtDur(r.ours.cpu), fmtDur(r.peer.cpu))
	add(r)
}

// prepareMany makes dir/so/*.so (distinct small ELF shared objects: one built with cc, each copy
// given its own trailing bytes) and dir/pkg/*.zip (each packed from one of them by plugin-pack);
// it reuses what an earlier run made when the count and size match.
func prepareMany(tool func(string) string, dir string) (plain, pkgs []string) {
	soDir, pkgDir := filepath.Join(dir, "so"), filepath.Join(dir, "pkg")
	for i := range *manyFiles {
		plain = append(plain, filepath.Join(soDir, fmt.Sprintf("gate-%05d.so", i)))
		pkgs = append(pkgs, filepath.Join(pkgDir, fmt.Sprintf("gate-%05d.zip", i)))
	}
	stamp := filepath.Join(dir, "stamp")
	want := fmt.Sprintf("v2 %d %d\n", *manyFiles, *manyKiB) // v2: the recipe below
	if b, err := os.ReadFile(stamp); err == nil && string(b) == want {
		fmt.Println("(reusing the prepared files)")
		return plain, pkgs
	}
	must(os.RemoveAll(dir))
	must(os.MkdirAll(soDir, 0o755))
	must(os.MkdirAll(pkgDir, 0o755))
	build := filepath.Join(dir, "build")
	must(os.MkdirAll(build, 0o755))
	descriptor := filepath.Join(build, "plugin.yaml")
	must(os.WriteFile(descriptor, []byte("schema: mcpg.dev/plugin/v1\nid: dev.bench.small-gate\nname: Small Gate\nclass: tool_gate\nruntime: native-cdylib-v1\nprotocol_version: \"1.0\"\n"), 0o644))
	src := `__asm__(".section .rodata\n.incbin \"plugin.yaml\"\n.balign 16\n.incbin \"blob.bin\"\n.previous");
void *mcpg_plugin_abi_layout(void) { return 0; }
void *mcpg_plugin_register(void) { return 0; }
`
	must(os.WriteFile(filepath.Join(build, "small.c"), []byte(src), 0o644))
	base := filepath.Join(build, "small.so")
	// Built once without padding to learn the ELF's own size, then padded with library code (so
	// the packages compress like real plugins) up to the size asked for.
	for _, pad := range []bool{false, true} {
		var padding []byte
		if pad {
			padding = readLibraryBytes(max(1<<10, int64(*manyKiB)<<10-fileSize(base)))
		}
		must(os.WriteFile(filepath.Join(build, "blob.bin"), padding, 0o644))
		sh("cc", "-shared", "-fPIC", "-Wl,-z,noseparate-code", "-Wa,-I,"+build, "-o", base, filepath.Join(build, "small.c"))
	}
	so, err := os.ReadFile(base)
	must(err)
	for i, p := range plain {
		b := binary.LittleEndian.AppendUint64(append([]byte(nil), so...), uint64(i)) // after the ELF's last section
		must(os.WriteFile(p, b, 0o755))
	}

	// plugin-pack checks each artifact as a release would; a few at a time, the runs are short.
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(2, runtime.NumCPU()) {
		wg.Go(func() {
			for i := range jobs {
				sh(tool("plugin-pack"), "pack", "-d", descriptor, "-a", plain[i], "-v", "1.0."+strconv.Itoa(i), "-o", pkgs[i])
			}
		})
	}
	for i := range plain {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	must(os.WriteFile(stamp, []byte(want), 0o644))
	fmt.Printf("%d artifacts of %d bytes, %d packages of about %d bytes\n", len(plain), fileSize(plain[0]), len(pkgs), fileSize(pkgs[0]))
	return plain, pkgs
}

// readLibraryBytes returns n bytes of machine code: taken from the middle of the machine's larger
// shared libraries, past their headers and tables.
func readLibraryBytes(n int64) []byte {
	out := make([]byte, 0, n)
	for _, src := range librarySources() {
		b, err := os.ReadFile(src)
		if err != nil || len(b) < 256<<10 {
			continue
		}
		b = b[len(b)/2:]
		out = append(out, b[:min(int64(len(b)), n-int64(len(out)))]...)
		if int64(len(out)) >= n {
			break
		}
	}
	return out
}
