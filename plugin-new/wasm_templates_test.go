package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
)

// renderedFile is the rendered content of path in c's project.
func renderedFile(t *testing.T, c crate, path string) []byte {
	t.Helper()
	files, err := render(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Path == path {
			return f.Data
		}
	}
	t.Fatalf("%s/%s (%s, %s): no %s", c.Kind.Name, c.Name, c.Runtime, c.Lang, path)
	return nil
}

// TestWasmDescriptorsValidate puts every Wasm project's plugin.yaml through the validator pack
// uses, and checks it is what the gateway picks the world by, as the manifest export says it.
func TestWasmDescriptorsValidate(t *testing.T) {
	for _, lang := range []string{langRust, langJS} {
		for _, k := range wasmKinds() {
			for _, name := range []string{goldenName, longName} {
				c := newWasmCrate(k, name, "dev.example."+k.Name+"."+name, lang)
				d, err := descriptor.Parse(renderedFile(t, c, "plugin.yaml"))
				if err != nil {
					t.Errorf("%s/%s/%s: plugin.yaml: %v", lang, k.Name, name, err)
					continue
				}
				if d.ID != c.ID || d.Class != k.Class || d.Name != c.DisplayName || d.Runtime != descriptor.RuntimeWasm {
					t.Errorf("%s/%s: plugin.yaml says id %q class %q name %q runtime %q", lang, k.Name, d.ID, d.Class, d.Name, d.Runtime)
				}
				if err := descriptor.CheckArtifactRuntime(d, "plugin.wasm"); err != nil {
					t.Errorf("%s/%s: %v", lang, k.Name, err)
				}
			}
		}
	}
}

// TestWasmKinds checks the kinds table against the gateway's Wasm classes and the worlds of the
// WIT the projects carry.
func TestWasmKinds(t *testing.T) {
	var classes []string
	for _, k := range wasmKinds() {
		classes = append(classes, k.Class)
	}
	if want := slices.Sorted(slices.Values(descriptor.WasmClasses)); !slices.Equal(slices.Sorted(slices.Values(classes)), want) {
		t.Errorf("wasm kinds' classes %v, the gateway's Wasm classes %v", classes, want)
	}
	wit, err := templateFS.ReadFile("templates/wasm/common/wit/plugin.wit.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range wasmKinds() {
		world := regexp.MustCompile(`(?m)^world ` + regexp.QuoteMeta(k.WasmWorld) + ` \{\n\s+export ` + regexp.QuoteMeta(k.WasmInterface) + `;\n\}`)
		if !world.Match(wit) {
			t.Errorf("%s: plugin.wit has no world %s exporting %s", k.Name, k.WasmWorld, k.WasmInterface)
		}
	}
	c := newWasmCrate(kinds[0], "x", "com.example.x", langJS)
	if c.RustInterface != "tool_gate" || c.JSExport != "toolGate" {
		t.Errorf("tool-gate: Rust module %q, JavaScript export %q", c.RustInterface, c.JSExport)
	}
}

// TestWITIsTheHarnessContract keeps wit/plugin.wit equal to the contract plugin-harness tests its
// own guests against (plugin-harness/testdata/wasm/wit/plugin.wit, checked against Wasmtime 44).
func TestWITIsTheHarnessContract(t *testing.T) {
	harness, err := os.ReadFile(filepath.Join("..", "plugin-harness", "testdata", "wasm", "wit", "plugin.wit"))
	if os.IsNotExist(err) {
		t.Skip("no plugin-harness checkout beside plugin-new")
	}
	if err != nil {
		t.Fatal(err)
	}
	ours, err := templateFS.ReadFile("templates/wasm/common/wit/plugin.wit.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ours, harness) {
		t.Errorf("templates/wasm/common/wit/plugin.wit.tmpl differs from plugin-harness/testdata/wasm/wit/plugin.wit:\n%s\n(copy the harness's: the gateway's contract changed)", firstDifference(harness, ours))
	}
	for _, k := range wasmKinds() {
		if got := renderedFile(t, newWasmCrate(k, "x", "com.example.x", langRust), "wit/plugin.wit"); !bytes.Equal(got, harness) {
			t.Errorf("%s: the rendered wit/plugin.wit is not the template's text", k.Name)
		}
	}
}

// TestToolchainPins keeps the pins equal to the ones the harness's own guests are built with:
// wit-bindgen in plugin-harness/testdata/wasm/rust/Cargo.lock, componentize-js and preview2-shim in
// .../js/package.json.
func TestToolchainPins(t *testing.T) {
	fixtures := filepath.Join("..", "plugin-harness", "testdata", "wasm")
	lock, err := os.ReadFile(filepath.Join(fixtures, "rust", "Cargo.lock"))
	if os.IsNotExist(err) {
		t.Skip("no plugin-harness checkout beside plugin-new")
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(lock, []byte("name = \"wit-bindgen\"\nversion = \""+WitBindgenVersion+"\"\n")) {
		t.Errorf("the harness's Rust guest does not use wit-bindgen %s (WitBindgenVersion)", WitBindgenVersion)
	}
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	data, err := os.ReadFile(filepath.Join(fixtures, "js", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"@bytecodealliance/componentize-js": ComponentizeJSVersion, "@bytecodealliance/preview2-shim": Preview2ShimVersion}
	for dep, version := range want {
		if pkg.Dependencies[dep] != version {
			t.Errorf("the harness's JavaScript guests pin %s %q, the scaffold %q", dep, pkg.Dependencies[dep], version)
		}
	}
}

// TestPackageLock checks the package-lock.json a JavaScript project gets against its package.json:
// npm ci refuses a lock that disagrees. The lock is npm's own output for that package.json
// (regenerate with 'npm install --package-lock-only' and put the template fields back).
func TestPackageLock(t *testing.T) {
	type entry struct {
		Name         string            `json:"name"`
		Version      string            `json:"version"`
		Dependencies map[string]string `json:"dependencies"`
	}
	for _, k := range wasmKinds() {
		for _, name := range []string{goldenName, longName} {
			c := newWasmCrate(k, name, "dev.example."+k.Name+"."+name, langJS)
			var pkg entry
			if err := json.Unmarshal(renderedFile(t, c, "package.json"), &pkg); err != nil {
				t.Fatalf("%s: package.json: %v", k.Name, err)
			}
			var lock struct {
				Name            string           `json:"name"`
				Version         string           `json:"version"`
				LockfileVersion int              `json:"lockfileVersion"`
				Packages        map[string]entry `json:"packages"`
			}
			data := renderedFile(t, c, "package-lock.json")
			if err := json.Unmarshal(data, &lock); err != nil {
				t.Fatalf("%s: package-lock.json: %v", k.Name, err)
			}
			root := lock.Packages[""]
			if pkg.Name != c.Package || lock.Name != pkg.Name || root.Name != pkg.Name || lock.Version != pkg.Version || root.Version != pkg.Version {
				t.Errorf("%s: names %q/%q/%q, versions %q/%q/%q", k.Name, pkg.Name, lock.Name, root.Name, pkg.Version, lock.Version, root.Version)
			}
			if !maps.Equal(pkg.Dependencies, root.Dependencies) || len(pkg.Dependencies) != 2 {
				t.Errorf("%s: package.json depends on %v, the lock's root on %v", k.Name, pkg.Dependencies, root.Dependencies)
			}
			for dep, version := range pkg.Dependencies {
				if got := lock.Packages["node_modules/"+dep].Version; got != version {
					t.Errorf("%s: the lock installs %s %s, package.json pins %s", k.Name, dep, got, version)
				}
			}
			if lock.LockfileVersion != 3 || strings.Contains(string(data), `"resolved"`) {
				t.Errorf("%s: want lockfileVersion 3 without registry URLs (the user's registry resolves them)", k.Name)
			}
		}
	}
}
