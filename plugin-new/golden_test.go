package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the templates")

// goldenName is the --name every golden crate is generated with.
const goldenName = "demo"

// goldenCrate is the crate TestGolden compares. The common files that differ between kinds only by
// the names in them (README, Makefile, …) are kept for three kinds that cover their branches: a
// complete crate (tool_gate, with --with-ci), a scheme-routed provider and a kind without a static
// path. Every kind keeps its own sources, Cargo.toml and plugin.yaml.
func goldenCrate(t *testing.T, k kind) []file {
	t.Helper()
	files, err := render(newCrate(k, goldenName, "dev.example."+k.Name+"."+goldenName, DefaultSDKTag, k.Name == "tool_gate"))
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains([]string{"tool_gate", "secret_provider", "cluster"}, k.Name) {
		return files
	}
	return slices.DeleteFunc(files, func(f file) bool {
		return slices.Contains([]string{"README.md", "Makefile", ".gitignore", "rust-toolchain.toml"}, f.Path)
	})
}

// goldenWasm is the Wasm project TestGolden compares for kind k in lang. package-lock.json (npm's
// output, checked by TestPackageLock) and wit/plugin.wit (checked by TestWITIsTheHarnessContract)
// are left out, and the files every kind shares unchanged are kept for tool_gate only.
func goldenWasm(t *testing.T, k kind, lang string) []file {
	t.Helper()
	files, err := render(newWasmCrate(k, goldenName, "dev.example."+k.Name+"."+goldenName, lang))
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(files, func(f file) bool {
		switch f.Path {
		case "package-lock.json", "wit/plugin.wit":
			return true
		case ".gitignore", "rust-toolchain.toml":
			return k.Name != "tool_gate"
		}
		return false
	})
}

// goldenSet is one directory of testdata/golden and the files rendered for it.
type goldenSet struct {
	dir   string
	files func(t *testing.T) []file
}

// goldenSets: every kind's native crate in testdata/golden/<kind>, and the Wasm projects in
// testdata/golden/wasm-<lang>/<kind>.
func goldenSets() []goldenSet {
	var sets []goldenSet
	for _, k := range kinds {
		sets = append(sets, goldenSet{k.Name, func(t *testing.T) []file { return goldenCrate(t, k) }})
	}
	for _, lang := range []string{langRust, langJS} {
		for _, k := range wasmKinds() {
			sets = append(sets, goldenSet{"wasm-" + lang + "/" + k.Name, func(t *testing.T) []file { return goldenWasm(t, k, lang) }})
		}
	}
	return sets
}

// TestGolden compares every kind's crate with testdata/golden/<kind>/, and the Wasm projects with
// testdata/golden/wasm-<lang>/<kind>/ (go test -run TestGolden -update rewrites them after a
// deliberate template change; review the diff).
func TestGolden(t *testing.T) {
	for _, set := range goldenSets() {
		t.Run(set.dir, func(t *testing.T) {
			dir := filepath.Join("testdata", "golden", filepath.FromSlash(set.dir))
			files := set.files(t)
			if *update {
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
				for _, f := range files {
					p := filepath.Join(dir, filepath.FromSlash(f.Path))
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, f.Data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			var want []string
			err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(dir, p)
					want = append(want, filepath.ToSlash(rel))
				}
				return err
			})
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update)", err)
			}
			var got []string
			for _, f := range files {
				got = append(got, f.Path)
				golden, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
				if err != nil {
					t.Errorf("%s: not in the golden crate", f.Path)
					continue
				}
				if !bytes.Equal(golden, f.Data) {
					t.Errorf("%s differs from %s:\n%s", f.Path, filepath.Join(dir, f.Path), firstDifference(golden, f.Data))
				}
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("files:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func firstDifference(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  golden:    " + w + "\n  generated: " + g
		}
	}
	return "(same lines, different bytes)"
}

// TestDescriptorsValidate puts every generated plugin.yaml through the same validator pack uses,
// and checks it names the kind's class and, for the providers, the scheme.
func TestDescriptorsValidate(t *testing.T) {
	for _, k := range kinds {
		for _, name := range []string{goldenName, longNameFor(k)} {
			c := newCrate(k, name, "dev.example."+k.Name+"."+name, DefaultSDKTag, false)
			files, err := render(c)
			if err != nil {
				t.Fatal(err)
			}
			var yaml []byte
			for _, f := range files {
				if f.Path == "plugin.yaml" {
					yaml = f.Data
				}
			}
			d, err := descriptor.Parse(yaml)
			if err != nil {
				t.Errorf("%s/%s: plugin.yaml: %v\n%s", k.Name, name, err, yaml)
				continue
			}
			if d.ID != c.ID || d.Class != k.Class || d.Name != c.DisplayName || d.Runtime != descriptor.RuntimeNative {
				t.Errorf("%s: plugin.yaml says id %q class %q name %q runtime %q", k.Name, d.ID, d.Class, d.Name, d.Runtime)
			}
			if k.Schemes != slices.Equal(d.ProvidesSchemes, []string{name}) {
				t.Errorf("%s: provides_schemes %v", k.Name, d.ProvidesSchemes)
			}
		}
	}
}

// TestKindsAreTheGatewayClasses checks the kind table covers exactly the gateway's 21 classes.
func TestKindsAreTheGatewayClasses(t *testing.T) {
	var classes []string
	for _, k := range kinds {
		classes = append(classes, k.Class)
	}
	want := slices.Clone(descriptor.Classes)
	slices.Sort(classes)
	slices.Sort(want)
	if !slices.Equal(classes, want) || len(classes) != 21 {
		t.Errorf("kinds' classes %v, gateway classes %v", classes, want)
	}
}

// longName is the longest --name allowed, so the templates are checked where lines are longest.
const longName = "very-long-plugin-name-to-check-the-formatting-xy"

// longSchemeName is the longest name a scheme-routed provider may have.
const longSchemeName = "a-thirty-two-char-scheme-name-xy"

func longNameFor(k kind) string {
	if k.Schemes {
		return longSchemeName
	}
	return longName
}
