package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWasmProjectsBuild builds the projects `new --runtime wasm` writes for real, the way a user
// runs them, and runs them the way the gateway would:
//
//   - Rust: the three kinds' crates, `make check KEY=…` in each (cargo fmt and clippy on the host
//     and for wasm32-wasip2, cargo test, cargo build --release --target wasm32-wasip2, sign, pack,
//     mcpg-plugins test on the signed package, verify), and cargo fmt --check on crates with the
//     longest name;
//   - JavaScript: the three kinds' projects, `make check KEY=…` in each (node --test,
//     componentize-js, sign, pack, mcpg-plugins test, verify), with componentize-js installed by
//     npm ci from the project's own package-lock.json;
//
// then puts each package through the harness again with --json and checks the decisions: the
// gate denies a listed tool 403 and allows others, challenges until a proof comes, and refuses
// every call (deny 500) on a malformed config; the transform and identity stubs answer unchanged
// and none, and error and invalid on a malformed config.
//
// The work is cached in $MCPG_SCAFFOLD_CACHE/wasm (default $TMPDIR/mcpg-scaffold-check/wasm) and
// skipped while the templates, the toolchains and the sources of the tools it runs are
// unchanged: cargo's target directory and the installed node_modules stay there between runs.
// Without cargo (with the wasm32-wasip2 target), node or npm the language's half is skipped,
// unless MCPG_TEST_TOOLS is set (scripts/test sets it): then it fails.
func TestWasmProjectsBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	cache := os.Getenv("MCPG_SCAFFOLD_CACHE")
	if cache == "" {
		cache = filepath.Join(os.TempDir(), "mcpg-scaffold-check")
	}
	cache, _ = filepath.Abs(filepath.Join(cache, "wasm"))
	must(t, os.MkdirAll(cache, 0o755))
	tools := &mcpgTools{}
	t.Cleanup(tools.cleanup)

	t.Run("rust", func(t *testing.T) {
		requireTools(t, "make", "cargo", "rustc")
		if out, err := exec.Command("rustc", "--print", "target-libdir", "--target", "wasm32-wasip2").Output(); err != nil || !isDir(strings.TrimSpace(string(out))) {
			missing(t, "the Rust target wasm32-wasip2 (rustup target add wasm32-wasip2)")
		}
		stamp := wasmInputsDigest(t, langRust, [][]string{{"cargo", "--version"}, {"rustc", "-vV"}})
		stampFile := filepath.Join(cache, "rust.passed")
		if prev, err := os.ReadFile(stampFile); err == nil && string(prev) == stamp {
			t.Logf("Rust Wasm projects unchanged since the last passing build (%s)", stampFile)
			return
		}
		os.Remove(stampFile)
		env := tools.env(t,
			"CARGO_TARGET_DIR="+filepath.Join(cache, "rust-target"), "CARGO_TERM_COLOR=never",
			// A warning fails the build, as `make lint` (clippy -D warnings) does in the crate's CI.
			"CARGO_ENCODED_RUSTFLAGS=-Dwarnings")
		ws := freshDir(t, filepath.Join(cache, "rust"))
		key := signingKey(t, ws)
		for _, k := range wasmKinds() {
			dir := writeProject(t, ws, newWasmCrate(k, goldenName, "dev.example."+k.Name+"."+goldenName, langRust))
			runIn(t, dir, env, "make", "check", "KEY="+key)
			checkDecisions(t, env, k, filepath.Join(dir, "dist", "mcpg-plugin-"+goldenName+"_0.1.0_wasi_wasm.zip"))
			long := writeProject(t, ws, newWasmCrate(k, longName, "dev.example."+k.Name+"."+longName, langRust))
			runIn(t, long, env, "cargo", "fmt", "--check")
		}
		must(t, os.WriteFile(stampFile, []byte(stamp), 0o644))
	})

	t.Run("js", func(t *testing.T) {
		requireTools(t, "make", "node", "npm")
		stamp := wasmInputsDigest(t, langJS, [][]string{{"node", "--version"}, {"npm", "--version"}})
		stampFile := filepath.Join(cache, "js.passed")
		if prev, err := os.ReadFile(stampFile); err == nil && string(prev) == stamp {
			t.Logf("JavaScript Wasm projects unchanged since the last passing build (%s)", stampFile)
			return
		}
		os.Remove(stampFile)
		env := tools.env(t)
		nodeModules := installComponentizeJS(t, cache, env)
		ws := freshDir(t, filepath.Join(cache, "js"))
		key := signingKey(t, ws)
		for _, k := range wasmKinds() {
			dir := writeProject(t, ws, newWasmCrate(k, goldenName, "dev.example."+k.Name+"."+goldenName, langJS))
			must(t, os.Symlink(nodeModules, filepath.Join(dir, "node_modules")))
			// -o: the shared node_modules counts as installed (make would run npm ci into it).
			runIn(t, dir, env, "make", "-o", "node_modules/.package-lock.json", "check", "KEY="+key)
			checkDecisions(t, env, k, filepath.Join(dir, "dist", "mcpg-plugin-"+goldenName+"_0.1.0_wasi_wasm.zip"))
		}
		must(t, os.WriteFile(stampFile, []byte(stamp), 0o644))
	})
}

// checkDecisions runs the package through the harness with --json and checks the decisions its
// kind's template makes.
func checkDecisions(t *testing.T, env []string, k kind, pkg string) {
	t.Helper()
	const badConfig = `{"deny_tool":["debug_*"]}` // a typo: an unknown key
	switch k.Name {
	case "tool_gate":
		config := `{"deny_tools":["debug_*"],"challenge_tools":["deploy_*"]}`
		wantDecision(t, env, pkg, "evaluate_pre_dispatch", map[string]any{"decision": "deny", "http_status": 403.0, "code": -32030.0},
			"--tool", "debug_dump", "--config", config)
		wantDecision(t, env, pkg, "evaluate_pre_dispatch", map[string]any{"decision": "allow"}, "--tool", "search_docs", "--config", config)
		wantDecision(t, env, pkg, "evaluate_pre_dispatch", map[string]any{"decision": "challenge", "http_status": 402.0, "code": -32032.0},
			"--tool", "deploy_prod", "--config", config)
		wantDecision(t, env, pkg, "evaluate_pre_dispatch", map[string]any{"decision": "allow"},
			"--tool", "deploy_prod", "--config", config, "--meta", `{"approval_token":"t-1"}`)
		wantDecision(t, env, pkg, "evaluate_post_dispatch", map[string]any{"decision": "deny", "http_status": 403.0, "code": -32033.0},
			"--config", `{"max_result_bytes":16}`, "--result", `{"content":[{"type":"text","text":"longer than sixteen bytes"}]}`)
		wantDecision(t, env, pkg, "evaluate_pre_dispatch", map[string]any{"decision": "deny", "http_status": 500.0, "code": -32034.0,
			"message": containing("plugin config rejected (failing closed): unknown field `deny_tool`")}, "--config", badConfig)
	case "transform":
		wantDecision(t, env, pkg, "transform_arguments", map[string]any{"outcome": "unchanged"}, "--arguments", `{"query":"gates"}`)
		wantDecision(t, env, pkg, "transform_result", map[string]any{"outcome": "unchanged"}, "--result", `{"content":[]}`)
		wantDecision(t, env, pkg, "transform_arguments", map[string]any{"outcome": "error",
			"message": containing("plugin config rejected (failing closed): unknown field `deny_tool`")}, "--config", badConfig)
	case "identity":
		wantDecision(t, env, pkg, "resolve_identity", map[string]any{"outcome": "none"}, "--headers", `{"authorization":"Bearer t"}`)
		wantDecision(t, env, pkg, "resolve_identity", map[string]any{"outcome": "invalid",
			"reason": containing("plugin config rejected (failing closed): unknown field `deny_tool`")}, "--config", badConfig)
	default:
		t.Fatalf("no decisions to check for %s", k.Name)
	}
}

// containing, as a wanted value, matches a string field that contains it.
type containing string

// wantDecision runs `mcpg-plugins test <pkg> --json args…` and checks that the output of the call
// to slot has every field of want.
func wantDecision(t *testing.T, env []string, pkg, slot string, want map[string]any, args ...string) {
	t.Helper()
	mcpg := "mcpg-plugins"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "MCPG="); ok {
			mcpg = v
		}
	}
	cmd := exec.Command(mcpg, append([]string{"test", pkg, "--json"}, args...)...)
	cmd.Env = env
	cmd.Stderr = new(strings.Builder)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("mcpg-plugins test %s %v: %v\n%s%s", filepath.Base(pkg), args, err, out, cmd.Stderr)
	}
	var report struct {
		Status string `json:"status"`
		Calls  []struct {
			Slot   string         `json:"slot"`
			Output map[string]any `json:"output"`
		} `json:"calls"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("mcpg-plugins test --json: %v\n%s", err, out)
	}
	for _, c := range report.Calls {
		if c.Slot != slot {
			continue
		}
		for field, value := range want {
			if sub, ok := value.(containing); ok {
				if text, _ := c.Output[field].(string); !strings.Contains(text, string(sub)) {
					t.Errorf("%s %v: %s %s = %q, want it to contain %q", filepath.Base(pkg), args, slot, field, text, sub)
				}
				continue
			}
			if c.Output[field] != value {
				t.Errorf("%s %v: %s %s = %v, want %v (output %v)", filepath.Base(pkg), args, slot, field, c.Output[field], value, c.Output)
			}
		}
		return
	}
	t.Errorf("%s %v: no %s call in the report (status %s)\n%s", filepath.Base(pkg), args, slot, report.Status, out)
}

// installComponentizeJS returns a node_modules directory holding exactly what the projects'
// package-lock.json pins: plugin-harness's own (.tools/wasm-js, from scripts/build-wasm-fixtures)
// when it was installed from the same packages, else one npm ci installs into the cache once per
// lock.
func installComponentizeJS(t *testing.T, cache string, env []string) string {
	t.Helper()
	c := newWasmCrate(kinds[0], goldenName, "dev.example.tool_gate."+goldenName, langJS)
	lock := renderedFile(t, c, "package-lock.json")
	ours := lockPackages(t, lock)
	// scripts/build-wasm-fixtures writes .lock-digest once npm ci installed package-lock.json.
	if fixtures, err := filepath.Abs(filepath.Join("..", ".tools", "wasm-js")); err == nil && isFile(filepath.Join(fixtures, ".lock-digest")) {
		if data, err := os.ReadFile(filepath.Join(fixtures, "package-lock.json")); err == nil &&
			slices.Equal(lockPackages(t, data), ours) {
			t.Logf("componentize-js: using %s", filepath.Join(fixtures, "node_modules"))
			return filepath.Join(fixtures, "node_modules")
		}
	}
	sum := sha256.Sum256([]byte(strings.Join(ours, "\n")))
	dir := filepath.Join(cache, "node-deps", hex.EncodeToString(sum[:8]))
	if isDir(filepath.Join(dir, "node_modules", "@bytecodealliance", "componentize-js")) {
		return filepath.Join(dir, "node_modules")
	}
	must(t, os.RemoveAll(dir))
	must(t, os.MkdirAll(dir, 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "package.json"), renderedFile(t, c, "package.json"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "package-lock.json"), lock, 0o644))
	runIn(t, dir, env, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
	return filepath.Join(dir, "node_modules")
}

// lockPackages lists the packages a lock (or npm's hidden node_modules/.package-lock.json) pins,
// with their versions and integrity, the project itself left out.
func lockPackages(t *testing.T, data []byte) []string {
	t.Helper()
	var lock struct {
		Packages map[string]struct {
			Version   string `json:"version"`
			Integrity string `json:"integrity"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(data, &lock); err != nil {
		t.Fatal(err)
	}
	var pkgs []string
	for path, p := range lock.Packages {
		if path != "" {
			pkgs = append(pkgs, path+"@"+p.Version+" "+p.Integrity)
		}
	}
	slices.Sort(pkgs)
	return pkgs
}

// mcpgTools builds mcpg-plugins and the tools the projects' Makefiles reach through it, once, on
// first need; or takes them from $MCPG_TEST_TOOLS when it holds them.
type mcpgTools struct {
	once sync.Once
	dir  string
	err  error
}

var loopTools = []string{"mcpg-plugins", "plugin-pack", "plugin-sign", "plugin-harness"}

// env is the environment the projects are built in: the tools first on PATH, the harness's
// compilation cache in a directory of the test's own, and extra.
func (m *mcpgTools) env(t *testing.T, extra ...string) []string {
	t.Helper()
	m.once.Do(func() {
		if dir := os.Getenv("MCPG_TEST_TOOLS"); dir != "" && hasAll(dir, loopTools) {
			m.dir = dir
			return
		}
		dir, err := os.MkdirTemp("", "mcpg-wasm-tools-")
		if err != nil {
			m.err = err
			return
		}
		args := []string{"build", "-o", dir + string(filepath.Separator)}
		for _, tool := range loopTools {
			args = append(args, "../"+tool)
		}
		cmd := exec.Command("go", args...)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			m.err = fmt.Errorf("go build %v: %v\n%s", loopTools, err, out)
		}
		m.dir = dir
	})
	if m.err != nil {
		t.Fatal(m.err)
	}
	env := append(os.Environ(), "PATH="+m.dir+string(os.PathListSeparator)+os.Getenv("PATH"),
		"XDG_CACHE_HOME="+t.TempDir(), "MCPG="+filepath.Join(m.dir, "mcpg-plugins"), "NO_COLOR=1")
	return append(env, extra...)
}

// cleanup removes the tools it built.
func (m *mcpgTools) cleanup() {
	if m.dir != "" && m.dir != os.Getenv("MCPG_TEST_TOOLS") {
		os.RemoveAll(m.dir)
	}
}

func hasAll(dir string, names []string) bool {
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			return false
		}
	}
	return true
}

// requireTools skips the test when a program is missing, or fails it under MCPG_TEST_TOOLS.
func requireTools(t *testing.T, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err != nil {
			missing(t, name)
		}
	}
}

func missing(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("MCPG_TEST_TOOLS") != "" {
		t.Fatalf("%s is required to build the Wasm projects (MCPG_TEST_TOOLS is set)", what)
	}
	t.Skipf("%s not found", what)
}

// wasmInputsDigest covers everything that decides the outcome for lang: the toolchain, the
// templates, the code that renders them, this test and the sources of the tools it runs.
func wasmInputsDigest(t *testing.T, lang string, toolchain [][]string) string {
	t.Helper()
	h := sha256.New()
	for _, tool := range toolchain {
		out, err := exec.Command(tool[0], tool[1:]...).Output()
		if err != nil {
			t.Fatalf("%v: %v", tool, err)
		}
		h.Write(out)
	}
	// Keyed by what makes the projects (the templates, the renderer, this test), not by the tools
	// their loop runs: those have tests of their own, and a harness change would otherwise rebuild
	// all six projects.
	var paths []string
	roots := []string{"templates/wasm/common", "templates/wasm/" + lang}
	for _, root := range roots {
		must(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && p != root:
				return filepath.SkipDir
			case d.IsDir():
				return nil
			case strings.HasPrefix(root, "templates"),
				strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go"),
				d.Name() == "go.mod", d.Name() == "go.sum":
				paths = append(paths, p)
			}
			return nil
		}))
	}
	paths = append(paths, "crate.go", "kinds.go", "wasm_build_test.go")
	slices.Sort(paths)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		must(t, err)
		fmt.Fprintf(h, "%s %d\n", p, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// writeProject renders c into ws/<package> and returns that directory.
func writeProject(t *testing.T, ws string, c crate) string {
	t.Helper()
	files, err := render(c)
	must(t, err)
	dir := filepath.Join(ws, c.Package)
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, f.Data, f.Mode))
	}
	return dir
}

// signingKey writes a fresh Ed25519 private key (PKCS#8 PEM, as openssl genpkey writes it).
func signingKey(t *testing.T, dir string) string {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	must(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	must(t, err)
	path := filepath.Join(dir, "signing.pem")
	must(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600))
	return path
}

func freshDir(t *testing.T, dir string) string {
	t.Helper()
	must(t, os.RemoveAll(dir))
	must(t, os.MkdirAll(dir, 0o755))
	return dir
}

func runIn(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	start := time.Now()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, out)
	}
	t.Logf("%s %s in %s: %.1fs", name, strings.Join(args, " "), filepath.Base(dir), time.Since(start).Seconds())
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
