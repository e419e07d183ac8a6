package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The generated crates are checked with Rust's own tools against testdata/sdk-standin: crates with
// the SDK surface the templates use (traits, macro arms, MockGateway), written here from the SDK's
// documented API, because CI cannot reach the SDK's git repositories. The stand-ins are served as
// git repositories tagged DefaultSDKTag through the same insteadOf route SDK_MIRRORS uses, so the
// generated Cargo.toml files are checked exactly as generated.
//
// The cargo work is cached in $MCPG_SCAFFOLD_CACHE (scripts/test: .tools/scaffold-check) and
// skipped while the templates, the stand-ins and the toolchain are unchanged.

var sdkRepos = []string{"mcpg-plugin-sdk", "mcpg-plugin-protocol", "mcpg-cluster-api"}

func TestGeneratedCratesWithCargo(t *testing.T) {
	cargo, err := exec.LookPath("cargo")
	if err != nil {
		if os.Getenv("MCPG_SCAFFOLD_CACHE") != "" {
			t.Fatal("cargo is required to check the generated crates")
		}
		t.Skip("cargo not found")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	cache := os.Getenv("MCPG_SCAFFOLD_CACHE")
	if cache == "" {
		cache = filepath.Join(os.TempDir(), "mcpg-scaffold-check")
	}
	cache, _ = filepath.Abs(cache)
	stamp := inputsDigest(t, cargo)
	stampFile := filepath.Join(cache, "passed")
	if prev, err := os.ReadFile(stampFile); err == nil && string(prev) == stamp {
		t.Logf("generated crates unchanged since the last passing check (%s)", stampFile)
		return
	}
	os.Remove(stampFile)

	ws := filepath.Join(cache, "workspace")
	if err := os.RemoveAll(ws); err != nil {
		t.Fatal(err)
	}
	mirrors := filepath.Join(cache, "mirrors")
	serveStandins(t, mirrors)

	// One workspace of all 21 crates (each also with the longest name, for rustfmt's line
	// widths): one dependency resolution, one target directory.
	var members []string
	for _, k := range kinds {
		for _, name := range []string{goldenName, longNameFor(k)} {
			c := newCrate(k, name, "dev.example."+k.Name+"."+name, DefaultSDKTag, true)
			files, err := render(c)
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(ws, c.Package)
			for _, f := range files {
				p := filepath.Join(dir, filepath.FromSlash(f.Path))
				must(t, os.MkdirAll(filepath.Dir(p), 0o755))
				must(t, os.WriteFile(p, f.Data, f.Mode))
			}
			members = append(members, c.Package)
		}
	}
	root := "[workspace]\nresolver = \"3\"\nmembers = [\n"
	for _, m := range members {
		root += fmt.Sprintf("  %q,\n", m)
	}
	root += "]\n"
	must(t, os.WriteFile(filepath.Join(ws, "Cargo.toml"), []byte(root), 0o644))

	env := append(os.Environ(), mirrorEnv(mirrors)...)
	env = append(env, "CARGO_HOME="+privateCargoHome(t, cache))
	env = append(env, "CARGO_TARGET_DIR="+filepath.Join(cache, "target"), "CARGO_TERM_COLOR=never")
	// A warning in a generated crate fails the check, as `cargo clippy -- -D warnings` does in the
	// crate's own CI. Cargo caps lints for git and registry dependencies, so this reaches only the
	// generated crates; the encoded form overrides any RUSTFLAGS or build.rustflags around.
	env = append(env, "CARGO_ENCODED_RUSTFLAGS=-Dwarnings")
	run := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command(cargo, args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("cargo %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
		}
	}
	// Each Cargo.toml on its own, as cargo reads it, without the network.
	for _, m := range members {
		run(filepath.Join(ws, m), "metadata", "--no-deps", "--offline", "--format-version", "1", "--manifest-path", filepath.Join(ws, m, "Cargo.toml"))
	}
	// Formatting: what the generated crate's own 'make lint' checks first.
	run(ws, "fmt", "--all", "--check")
	// Type-check every crate and its tests against the stand-in SDK, with the default features
	// (cdylib-export) and with static-firstparty where the kind allows it.
	run(ws, "check", "--workspace", "--all-targets")
	var static []string
	for _, k := range kinds {
		if k.StaticPath {
			static = append(static, "-p", newCrate(k, goldenName, "x.y", DefaultSDKTag, false).Package)
		}
	}
	run(ws, append([]string{"check", "--features", "static-firstparty"}, static...)...)

	must(t, os.WriteFile(stampFile, []byte(stamp), 0o644))
}

// privateCargoHome is a CARGO_HOME of the test's own. The stand-ins are fetched under the SDK's
// real github URLs; in the user's CARGO_HOME their tag would land in the git cache cargo keeps
// for those URLs, where an offline build of a real plugin could later pick it up. The crates.io
// cache and the user's cargo configuration (mirrors, proxies) are shared through links.
func privateCargoHome(t *testing.T, cache string) string {
	t.Helper()
	home := filepath.Join(cache, "cargo-home")
	must(t, os.MkdirAll(home, 0o755))
	user := os.Getenv("CARGO_HOME")
	if user == "" {
		if h, err := os.UserHomeDir(); err == nil {
			user = filepath.Join(h, ".cargo")
		}
	}
	for _, name := range []string{"registry", "config.toml", "config", "credentials.toml"} {
		link := filepath.Join(home, name)
		if _, err := os.Lstat(link); err == nil {
			continue
		}
		if target := filepath.Join(user, name); user != "" {
			if _, err := os.Stat(target); err == nil {
				must(t, os.Symlink(target, link))
			}
		}
	}
	return home
}

// serveStandins makes a git repository of each stand-in crate, tagged DefaultSDKTag.
func serveStandins(t *testing.T, mirrors string) {
	t.Helper()
	must(t, os.RemoveAll(mirrors))
	for _, repo := range sdkRepos {
		dir := filepath.Join(mirrors, repo)
		must(t, os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "sdk-standin", repo))))
		for _, args := range [][]string{
			{"init", "-q"},
			{"add", "-A"},
			{"-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "stand-in"},
			{"tag", DefaultSDKTag},
		} {
			cmd := exec.Command("git", args...)
			cmd.Dir = dir
			// A fixed date makes the commit, and so cargo's checkout and fingerprints, the same
			// from run to run while the stand-ins are unchanged: they are not recompiled.
			cmd.Env = append(os.Environ(), "GIT_AUTHOR_DATE=2000-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2000-01-01T00:00:00Z")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("git %v: %v\n%s", args, err, out)
			}
		}
	}
}

// mirrorEnv is what the generated Makefile exports for SDK_MIRRORS=dir.
func mirrorEnv(dir string) []string {
	env := []string{"CARGO_NET_GIT_FETCH_WITH_CLI=true", fmt.Sprintf("GIT_CONFIG_COUNT=%d", len(sdkRepos))}
	for i, repo := range sdkRepos {
		env = append(env,
			fmt.Sprintf("GIT_CONFIG_KEY_%d=url.file://%s.insteadOf", i, filepath.Join(dir, repo)),
			fmt.Sprintf("GIT_CONFIG_VALUE_%d=https://github.com/mcpg-dev/%s", i, repo))
	}
	return env
}

// inputsDigest covers everything that decides the outcome of the cargo checks.
func inputsDigest(t *testing.T, cargo string) string {
	t.Helper()
	h := sha256.New()
	for _, tool := range [][]string{{cargo, "--version"}, {"rustc", "-vV"}} {
		out, err := exec.Command(tool[0], tool[1:]...).Output()
		if err != nil {
			t.Fatalf("%v: %v", tool, err)
		}
		h.Write(out)
	}
	var paths []string
	for _, root := range []string{"templates", filepath.Join("testdata", "sdk-standin")} {
		must(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() && p == filepath.Join("templates", "wasm") {
				return filepath.SkipDir // the Wasm projects: TestWasmProjectsBuild
			}
			if err == nil && !d.IsDir() {
				paths = append(paths, p)
			}
			return err
		}))
	}
	paths = append(paths, "crate.go", "kinds.go", "cargo_test.go")
	slices.Sort(paths)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		must(t, err)
		fmt.Fprintf(h, "%s %d\n", p, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
