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
}

// newCrate derives every name from validated input.
func newCrate(k kind, name, id, sdkTag string, withCI bool) crate {
	c := crate{Kind: k, Name: name, ID: id, SDKTag: sdkTag, Version: "0.1.0", WithCI: withCI}
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
// (which may replace a common one of the same path).
func render(c crate) ([]file, error) {
	byPath := map[string]file{}
	for _, root := range []string{"templates/common", "templates/kinds/" + c.Kind.Name} {
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
	if _, ok := byPath["src/lib.rs"]; !ok {
		return nil, fmt.Errorf("no src/lib.rs template for kind %s", c.Kind.Name)
	}
	files := make([]file, 0, len(byPath))
	for _, f := range byPath {
		files = append(files, f)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}
