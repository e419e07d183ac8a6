package main

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"text/template"
)

//go:embed all:templates
var templateFS embed.FS

// DefaultSDKTag is the release of mcpg-plugin-sdk, -protocol and -cluster-api the generated crates
// pin: the one the current gateway is built with (docs/scaffold.md §2.2).
const DefaultSDKTag = "v0.1.0-beta.14"

// Runtimes and languages (--runtime, --lang).
const (
	runtimeNative = "native" // a Rust cdylib on the SDK (runtime native-cdylib-v1)
	runtimeWasm   = "wasm"   // a WASI preview-2 component (runtime wasi-v1)
	langRust      = "rust"
	langJS        = "js"
)

// The Wasm toolchains the generated projects pin: the versions plugin-harness's own Wasm guests
// (plugin-harness/testdata/wasm) are built and tested with (docs/scaffold.md §6).
const (
	WitBindgenVersion     = "0.61.1" // crates.io wit-bindgen, exact
	ComponentizeJSVersion = "0.23.0" // npm @bytecodealliance/componentize-js, exact
	// componentize-js imports preview2-shim when it runs but lists it only as a dev dependency,
	// so the project pins it too.
	Preview2ShimVersion = "0.17.9"
)

// crate is everything the templates know about the crate being generated.
type crate struct {
	Kind        kind
	Name        string // --name, e.g. "block-debug"
	Ident       string // snake case, e.g. "block_debug"
	Pascal      string // e.g. "BlockDebug"
	Type        string // the plugin type, Pascal + the kind's suffix, e.g. "BlockDebugGate"
	Package     string // Cargo package and directory name, e.g. "mcpg-plugin-tool-gate-block-debug"
	Crate       string // Rust crate identifier, e.g. "mcpg_plugin_tool_gate_block_debug"
	ID          string // plugin id
	IDLast      string // the id's last segment, which names the package zip
	DisplayName string // manifest and plugin.yaml name
	Scheme      string // URI scheme of a secret or config provider
	SDKTag      string // git tag of the SDK repositories, e.g. "v0.1.0-beta.14"
	SDKVersion  string // the tag without its "v", pinned exactly
	Version     string // the crate's own version
	WithCI      bool
	Runtime     string // runtimeNative or runtimeWasm
	Lang        string // langRust or langJS (js only with runtimeWasm)

	// Wasm only.
	World          string // WIT world, e.g. "tool-gate-plugin"
	Interface      string // the interface the world exports, e.g. "tool-gate"
	RustInterface  string // its Rust module name in wit-bindgen's output, e.g. "tool_gate"
	JSExport       string // its export name in JavaScript (componentize-js), e.g. "toolGate"
	WitBindgen     string // WitBindgenVersion
	ComponentizeJS string // ComponentizeJSVersion
	Preview2Shim   string // Preview2ShimVersion
}

// newCrate derives every name from validated input.
func newCrate(k kind, name, id, sdkTag string, withCI bool) crate {
	c := crate{Kind: k, Name: name, ID: id, SDKTag: sdkTag, Version: "0.1.0", WithCI: withCI, Runtime: runtimeNative, Lang: langRust}
	c.Ident = strings.ReplaceAll(name, "-", "_")
	var words []string
	for w := range strings.SplitSeq(name, "-") {
		words = append(words, strings.ToUpper(w[:1])+w[1:])
	}
	c.Pascal = strings.Join(words, "")
	c.Type = c.Pascal + k.Suffix
	c.Package = "mcpg-plugin-" + k.kebab() + "-" + name
	c.Crate = strings.ReplaceAll(c.Package, "-", "_")
	c.IDLast = id[strings.LastIndexByte(id, '.')+1:]
	c.DisplayName = strings.Join(words, " ") + " " + kindLabel(k)
	if k.Schemes {
		c.Scheme = name
	}
	c.SDKVersion = strings.TrimPrefix(sdkTag, "v")
	return c
}

// newWasmCrate derives a Wasm component project (one of the kinds with k.Wasm) in lang.
func newWasmCrate(k kind, name, id, lang string) crate {
	c := newCrate(k, name, id, "", false)
	c.Runtime, c.Lang = runtimeWasm, lang
	c.World, c.Interface = k.WasmWorld, k.WasmInterface
	c.RustInterface = strings.ReplaceAll(k.WasmInterface, "-", "_")
	parts := strings.Split(k.WasmInterface, "-")
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
	}
	c.JSExport = strings.Join(parts, "")
	c.WitBindgen, c.ComponentizeJS, c.Preview2Shim = WitBindgenVersion, ComponentizeJSVersion, Preview2ShimVersion
	return c
}

// Artifact is the file the build produces, relative to the crate directory.
func (c crate) Artifact() string {
	if c.Runtime == runtimeWasm {
		return "plugin.wasm"
	}
	return "target/release/lib" + c.Crate + ".so"
}

// templateRoots are the template directories of the crate's flavour, the later ones overriding
// files of the same path in the earlier ones.
func (c crate) templateRoots() []string {
	if c.Runtime == runtimeWasm {
		return []string{"templates/wasm/common", "templates/wasm/" + c.Lang + "/common", "templates/wasm/" + c.Lang + "/kinds/" + c.Kind.Name}
	}
	return []string{"templates/common", "templates/kinds/" + c.Kind.Name}
}

// entryPoint is the source file every flavour must have: a missing one is a bug of the templates.
func (c crate) entryPoint() string {
	if c.Runtime == runtimeWasm && c.Lang == langJS {
		return "src/plugin.js"
	}
	return "src/lib.rs"
}

// kindLabel is the kind in Title Case words, e.g. "Tool Gate", for display names.
func kindLabel(k kind) string {
	var words []string
	for w := range strings.SplitSeq(k.Class, "_") {
		words = append(words, strings.ToUpper(w[:1])+w[1:])
	}
	return strings.Join(words, " ")
}

// file is one generated file, path relative to the crate directory.
type file struct {
	Path string
	Mode fs.FileMode
	Data []byte
}

// render produces the crate's files in path order: the common templates, then the kind's own
// (which may replace a common one of the same path); see templateRoots.
func render(c crate) ([]file, error) {
	byPath := map[string]file{}
	for _, root := range c.templateRoots() {
		err := fs.WalkDir(templateFS, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".tmpl") {
				return err
			}
			rel := strings.TrimSuffix(strings.TrimPrefix(p, root+"/"), ".tmpl")
			if strings.HasPrefix(rel, ".github/") && !c.WithCI {
				return nil
			}
			src, err := templateFS.ReadFile(p)
			if err != nil {
				return err
			}
			t, err := template.New(p).Option("missingkey=error").Parse(string(src))
			if err != nil {
				return fmt.Errorf("template %s: %w", p, err)
			}
			var out bytes.Buffer
			if err := t.Execute(&out, c); err != nil {
				return fmt.Errorf("template %s: %w", p, err)
			}
			mode := fs.FileMode(0o644)
			if path.Ext(rel) == ".sh" {
				mode = 0o755
			}
			byPath[rel] = file{Path: rel, Mode: mode, Data: out.Bytes()}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if _, ok := byPath[c.entryPoint()]; !ok {
		return nil, fmt.Errorf("no %s template for kind %s (runtime %s, lang %s)", c.entryPoint(), c.Kind.Name, c.Runtime, c.Lang)
	}
	files := make([]file, 0, len(byPath))
	for _, f := range byPath {
		files = append(files, f)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}
