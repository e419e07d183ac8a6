package descriptor

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// WasmClassAllowed reports whether a wasi-v1 package may declare class (the gateway has WIT worlds
// only for these).
func WasmClassAllowed(class string) bool { return slices.Contains(WasmClasses, class) }

// ArtifactRuntime returns the runtime an artifact's file name implies, as the reference CLI's pack
// infers it from the extension (case-sensitive): .so, .dylib, .dll → native-cdylib-v1; .wasm →
// wasi-v1. ok is false for any other name.
func ArtifactRuntime(name string) (runtime string, ok bool) {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	i := strings.LastIndexByte(base, '.')
	if i <= 0 { // no extension, or a dot-file such as ".so"
		return "", false
	}
	switch base[i+1:] {
	case "so", "dylib", "dll":
		return RuntimeNative, true
	case "wasm":
		return RuntimeWasm, true
	}
	return "", false
}

// CheckArtifactRuntime checks docs/contract.md §8.1 before packing artifactName with d: the
// artifact's kind matches d.Runtime, the runtime is one a package may declare, and a wasi-v1
// package has a WASM class. The error is a Problems value.
func CheckArtifactRuntime(d *Descriptor, artifactName string) error {
	var probs Problems
	add := func(field, format string, args ...any) {
		probs = append(probs, Problem{Path: field, Line: d.fieldLine(field), Msg: fmt.Sprintf(format, args...)})
	}
	want, ok := ArtifactRuntime(artifactName)
	switch {
	case !ok:
		probs = append(probs, Problem{Msg: fmt.Sprintf("cannot infer artifact kind from %s: expected .so/.dylib/.dll or .wasm", quote(artifactName))})
	case d.Runtime == RuntimeStatic:
		add("runtime", "packaged plugins cannot declare runtime %s (artifact %s needs %s)", RuntimeStatic, quote(artifactName), want)
	case d.Runtime != want:
		add("runtime", "%s does not match artifact %s: a %s artifact needs runtime %s",
			quote(d.Runtime), quote(artifactName), artifactKind(want), want)
	}
	if d.Runtime == RuntimeWasm && !WasmClassAllowed(d.Class) {
		add("class", "a %s plugin must be %s; found %s", RuntimeWasm, strings.Join(WasmClasses, ", "), quote(d.Class))
	}
	if probs == nil {
		return nil
	}
	return probs
}

func artifactKind(runtime string) string {
	if runtime == RuntimeWasm {
		return ".wasm"
	}
	return "native (.so/.dylib/.dll)"
}

// fieldLine is the line of a field's key in the parsed document, 0 if unknown.
func (d *Descriptor) fieldLine(field string) int {
	if d.src == nil || d.src.keys[field] == nil {
		return 0
	}
	return d.src.keys[field].Line
}
