package component

import (
	"fmt"
	"strconv"
	"strings"
)

// The gateway's load-time checks, with Wasmtime 44's messages (package doc, "Loading like the
// gateway"). The gateway prints a Wasmtime error with `{e}`, which shows only
// the outermost message; Causes keep the rest of the chain Wasmtime would print with `{e:#}`.

// CoreModuleContext is the outermost message of Wasmtime 44's error for a core module given
// as a component; CoreModuleMessage is its cause. The gateway shows "failed to compile wasm
// component: <path>: failed to parse WebAssembly module".
const CoreModuleContext = "failed to parse WebAssembly module"

// LoadError is a refusal the gateway makes while loading or instantiating a component.
type LoadError struct {
	// Message is Wasmtime's outermost message: what follows the gateway's own prefix.
	Message string
	// Causes is the rest of Wasmtime's error chain, outermost first.
	Causes []string
}

func (e *LoadError) Error() string { return e.Message }

// Full is the whole chain joined as Wasmtime's alternate format does ("a: b: c").
func (e *LoadError) Full() string {
	return strings.Join(append([]string{e.Message}, e.Causes...), ": ")
}

// CompileError is the LoadError Wasmtime 44 gives when compiling b as a component fails in
// the header: a core module, or not wasm at all. It returns nil for a component header.
func CompileError(b []byte) *LoadError {
	if IsCoreModule(b) {
		return &LoadError{Message: CoreModuleContext, Causes: []string{CoreModuleMessage}}
	}
	if len(b) >= 8 && string(b[:4]) == "\x00asm" && string(b[4:8]) == "\x0d\x00\x01\x00" {
		return nil
	}
	if len(b) < 4 || string(b[:4]) != "\x00asm" {
		return &LoadError{Message: CoreModuleContext, Causes: []string{"magic header not detected: bad magic number (at offset 0x0)"}}
	}
	var v uint32
	if len(b) >= 8 {
		v = uint32(b[4]) | uint32(b[5])<<8 | uint32(b[6])<<16 | uint32(b[7])<<24
		return &LoadError{Message: CoreModuleContext, Causes: []string{fmt.Sprintf("unknown binary version: 0x%08x (at offset 0x4)", v)}}
	}
	return &LoadError{Message: CoreModuleContext, Causes: []string{"unexpected end-of-file (at offset 0x4)"}}
}

type wasiInterface struct {
	funcs     []string
	resources []string
}

// LinkedWASI reports whether the gateway's linker (wasmtime-wasi 44's p2 add_to_linker_sync)
// defines an import named name, and under which exact name. Wasmtime matches names
// semver-compatibly: an import at any 0.2.x release version (0.2.0, 0.2.9, 0.2.12, 0.2.6+build)
// finds the host's 0.2.6 definition; prereleases and other minors do not.
func LinkedWASI(name string) (hostName string, ok bool) {
	at := strings.IndexByte(name, '@')
	if at < 0 {
		return "", false
	}
	iface := name[:at]
	if _, known := wasiHost[iface]; !known {
		return "", false
	}
	host := iface + "@" + wasiHostVersion
	if name == host {
		return host, true
	}
	hk, ok1 := alternateKey(host)
	ik, ok2 := alternateKey(name)
	if ok1 && ok2 && hk == ik {
		return host, true
	}
	return "", false
}

// alternateKey is Wasmtime's semver-compatible lookup key: "a:b/c@1.2.3" → "a:b/c@1",
// "a:b/c@0.2.3" → "a:b/c@0.2"; none for 0.0.x, prereleases, or a version that is not semver.
func alternateKey(name string) (string, bool) {
	at := strings.IndexByte(name, '@')
	if at < 0 {
		return "", false
	}
	v, ok := parseSemver(name[at+1:])
	if !ok || v.pre != "" {
		return "", false
	}
	switch {
	case v.major != 0:
		return fmt.Sprintf("%s@%d", name[:at], v.major), true
	case v.minor != 0:
		return fmt.Sprintf("%s@0.%d", name[:at], v.minor), true
	}
	return "", false
}

type semver struct {
	major, minor, patch uint64
	pre, build          string
}

// parseSemver parses MAJOR.MINOR.PATCH[-PRE][+BUILD] strictly (no leading zeros).
func parseSemver(s string) (semver, bool) {
	var v semver
	if i := strings.IndexByte(s, '+'); i >= 0 {
		v.build = s[i+1:]
		s = s[:i]
		if !validIdents(v.build, false) {
			return v, false
		}
	}
	if i := strings.IndexByte(s, '-'); i >= 0 {
		v.pre = s[i+1:]
		s = s[:i]
		if !validIdents(v.pre, true) {
			return v, false
		}
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return v, false
	}
	nums := [3]*uint64{&v.major, &v.minor, &v.patch}
	for i, p := range parts {
		if p == "" || (len(p) > 1 && p[0] == '0') {
			return v, false
		}
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return v, false
		}
		*nums[i] = n
	}
	return v, true
}

func validIdents(s string, noLeadingZero bool) bool {
	for _, id := range strings.Split(s, ".") {
		if id == "" {
			return false
		}
		numeric := true
		for _, c := range id {
			switch {
			case c >= '0' && c <= '9':
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-':
				numeric = false
			default:
				return false
			}
		}
		if noLeadingZero && numeric && len(id) > 1 && id[0] == '0' {
			return false
		}
	}
	return true
}

// CheckImports checks the outermost component's imports against the gateway's linker in import
// order, as Wasmtime does before instantiating, and returns the first failure with Wasmtime's
// message ("component imports instance `wasi:http/types@0.2.3`, but a matching implementation
// was not found in the linker"), or nil.
//
// An import the linker does not define still links when it needs no definition: an instance
// whose exports are only value types (like mcpg:plugin/types) or resources an earlier import
// already supplied. Functions and resources of a linked WASI interface are checked by name;
// their signatures are not compared here.
func CheckImports(imports []Import) *LoadError {
	for _, imp := range imports {
		var causes []string
		switch imp.Sort {
		case SortInstance:
			it, _ := imp.Type.(*InstanceType)
			var host *wasiInterface
			if hn, ok := LinkedWASI(imp.Name); ok {
				h := wasiHost[hn[:strings.IndexByte(hn, '@')]]
				host = &h
			}
			causes = checkInstance(it, host)
		case SortFunc:
			causes = []string{"function implementation is missing"}
		case SortType:
			// A value-type import needs no definition (Wasmtime does not list it among the
			// imports to satisfy); a resource does.
			if _, ok := imp.Type.(*ResourceType); ok {
				causes = []string{"resource implementation is missing"}
			}
		case SortCoreModule:
			causes = []string{"module implementation is missing"}
		case SortComponent:
			causes = []string{"component implementation is missing"}
		default:
			causes = []string{"implementation is missing"}
		}
		if causes != nil {
			return &LoadError{
				Message: fmt.Sprintf("component imports %s `%s`, but a matching implementation was not found in the linker", importDesc(imp), imp.Name),
				Causes:  causes,
			}
		}
	}
	return nil
}

func importDesc(imp Import) string {
	switch imp.Sort {
	case SortInstance:
		return "instance"
	case SortFunc:
		return "function"
	case SortType:
		if _, ok := imp.Type.(*ResourceType); ok {
			return "resource"
		}
		return "type"
	case SortCoreModule:
		return "core module"
	case SortComponent:
		return "component"
	}
	return imp.Sort.String()
}

// checkInstance returns the cause chain for the first export of it that host (nil: nothing
// defined) cannot supply, or nil.
func checkInstance(it *InstanceType, host *wasiInterface) []string {
	if it == nil {
		return nil
	}
	declared := map[*ResourceType]bool{}
	for _, r := range it.declared {
		declared[r] = true
	}
	for _, e := range it.Exports {
		var cause string
		switch e.Sort {
		case SortType:
			r, ok := e.Type.(*ResourceType)
			if !ok || !declared[r] {
				continue // a value type, or a resource an earlier import supplies
			}
			if host == nil || !contains(host.resources, e.Name) {
				cause = "resource implementation is missing"
			}
		case SortFunc:
			if host == nil || !contains(host.funcs, e.Name) {
				cause = "function implementation is missing"
			}
		case SortInstance:
			if sub := checkInstance(e.Type.(*InstanceType), nil); sub != nil {
				return append([]string{fmt.Sprintf("instance export `%s` has the wrong type", e.Name)}, sub...)
			}
		case SortComponent:
			cause = "component implementation is missing"
		case SortCoreModule:
			cause = "module implementation is missing"
		}
		if cause != "" {
			return []string{fmt.Sprintf("instance export `%s` has the wrong type", e.Name), cause}
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ---- the three MCPG worlds ----

// World is one of the worlds of package mcpg:plugin@0.1.0: the interface it exports and that
// interface's functions, in WIT order.
type World struct {
	Name      string // tool-gate-plugin
	Class     string // tool_gate, as descriptors name the class
	Interface string // mcpg:plugin/tool-gate@0.1.0
	Funcs     []string
}

// Worlds are the three worlds the gateway instantiates, one per plugin class it runs as Wasm.
var Worlds = []World{
	{Name: "tool-gate-plugin", Class: "tool_gate", Interface: "mcpg:plugin/tool-gate@0.1.0",
		Funcs: []string{"manifest", "evaluate-pre-dispatch", "evaluate-post-dispatch"}},
	{Name: "transform-plugin", Class: "transform", Interface: "mcpg:plugin/transform@0.1.0",
		Funcs: []string{"manifest", "transform-arguments", "transform-output"}},
	{Name: "identity-plugin", Class: "identity_provider", Interface: "mcpg:plugin/identity@0.1.0",
		Funcs: []string{"manifest", "resolve-identity"}},
}

// WorldForClass returns the world the gateway instantiates for a descriptor class, or nil for a
// class Wasm plugins cannot have.
func WorldForClass(class string) *World {
	for i := range Worlds {
		if Worlds[i].Class == class {
			return &Worlds[i]
		}
	}
	return nil
}

// lookupExport finds an export the way Wasmtime's component export map does: the exact name
// first, else the highest semver-compatible version of it.
func lookupExport(exports []PlanExport, name string) *PlanExport {
	for i := range exports {
		if exports[i].Name == name {
			return &exports[i]
		}
	}
	want, ok := alternateKey(name)
	if !ok {
		return nil
	}
	var best *PlanExport
	var bestV semver
	for i := range exports {
		k, ok := alternateKey(exports[i].Name)
		if !ok || k != want {
			continue
		}
		v, _ := parseSemver(exports[i].Name[strings.IndexByte(exports[i].Name, '@')+1:])
		if best == nil || semverLess(bestV, v) {
			best, bestV = &exports[i], v
		}
	}
	return best
}

func semverLess(a, b semver) bool {
	if a.major != b.major {
		return a.major < b.major
	}
	if a.minor != b.minor {
		return a.minor < b.minor
	}
	return a.patch < b.patch
}

// CheckWorld finds the interface w exports as the gateway's generated bindings look it up,
// failing with their messages ("no exported instance named `…`", "instance export `…` does not
// have export `…`"). Function signatures are the canonical ABI's to check.
func (p *Plan) CheckWorld(w *World) (*PlanExport, *LoadError) {
	e := lookupExport(p.Exports, w.Interface)
	if e == nil || e.Sort != SortInstance {
		return nil, &LoadError{Message: fmt.Sprintf("no exported instance named `%s`", w.Interface)}
	}
	for _, fn := range w.Funcs {
		if e.Function(fn) == nil {
			return nil, &LoadError{Message: fmt.Sprintf("instance export `%s` does not have export `%s`", w.Interface, fn)}
		}
	}
	return e, nil
}

// ExportedWorlds lists the worlds whose interface the component exports (for a message that
// says which world a component implements when it does not match its class).
func (p *Plan) ExportedWorlds() []*World {
	var out []*World
	for i := range Worlds {
		if e := lookupExport(p.Exports, Worlds[i].Interface); e != nil && e.Sort == SortInstance {
			out = append(out, &Worlds[i])
		}
	}
	return out
}
