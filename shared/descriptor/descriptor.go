// Package descriptor reads and checks plugin.yaml (schema mcpg.dev/plugin/v1), docs/contract.md §2.
//
// Two levels, kept apart on purpose:
//   - Parse accepts what the gateway's serde parse accepts (so unpack/inspect/list read every package
//     the gateway loads) but rejects what it rejects, with the field path in the error.
//   - Validate applies the JSON Schema v1 and the load-time rules of docs/contract.md §2.5 as a strict
//     superset; pack refuses on its errors, unpack/inspect show them as warnings.
package descriptor

import (
	"fmt"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Schema is the only accepted value of the schema field.
const Schema = "mcpg.dev/plugin/v1"

// ProtocolVersion is the gateway's plugin protocol version (mcpg-plugin-protocol PROTOCOL_VERSION).
const ProtocolVersion = "1.0"

// Runtimes.
const (
	RuntimeStatic = "static-firstparty-v1"
	RuntimeNative = "native-cdylib-v1"
	RuntimeWasm   = "wasi-v1"
)

// Runtimes lists the runtime values in JSON-Schema enum order.
var Runtimes = []string{RuntimeStatic, RuntimeNative, RuntimeWasm}

// Classes are the 21 plugin classes in JSON-Schema enum order (PluginClass::ALL).
var Classes = []string{
	"tool_gate", "transform", "identity_provider", "backend", "watch_strategy", "http_route",
	"audit_sink", "store", "cache", "telemetry_sink", "log_sink", "metrics_sink", "secret_provider",
	"config_provider", "transport", "policy_engine", "cluster", "catalog_provider",
	"credential_issuer", "approval_notifier", "content_store",
}

// ClassesABIOrder are the same 21 classes in mcpg-plugin-protocol src/abi.rs ALL_KINDS order, the
// order in which the gateway lists them when a config's plugins[].class is not one of them.
var ClassesABIOrder = []string{
	"tool_gate", "transform", "identity_provider", "backend", "watch_strategy", "http_route",
	"audit_sink", "log_sink", "telemetry_sink", "metrics_sink", "store", "cache", "secret_provider",
	"config_provider", "policy_engine", "cluster", "transport", "catalog_provider",
	"credential_issuer", "approval_notifier", "content_store",
}

// KnownClass reports whether class is one of the 21 plugin classes.
func KnownClass(class string) bool { return slices.Contains(Classes, class) }

// WasmClasses are the classes a wasi-v1 package may declare.
var WasmClasses = []string{"tool_gate", "transform", "identity_provider"}

// ProvidesRoles are the values allowed in provides (CLUSTER_PROVIDES_ROLES).
var ProvidesRoles = []string{"cache", "kv", "bus"}

// ReservedSchemes may only be claimed by built-in providers (ids under BuiltinIDPrefix).
var ReservedSchemes = []string{"env", "file"}

// BuiltinIDPrefix marks the gateway's own plugins, the only ones allowed to claim ReservedSchemes.
const BuiltinIDPrefix = "dev.mcpg.builtin."

// MaxSize is the largest plugin.yaml Parse reads (a guard, not gateway contract: real descriptors
// are under 4 KiB).
const MaxSize = 1 << 20

// Descriptor is a parsed plugin.yaml.
type Descriptor struct {
	Schema               string
	ID                   string
	Name                 string
	License              string // "" when absent
	Description          string
	Class                string
	Runtime              string
	ProtocolVersion      string
	RequiredCapabilities []Capability
	Tags                 []string
	Provides             []string
	ProvidesSchemes      []string

	// Raw is the exact bytes that were parsed (the SDK embeds them verbatim in the artifact).
	Raw []byte

	// src is what Parse saw, for Validate's line numbers and YAML-level checks (quoting, unknown
	// keys); nil for a descriptor built in code.
	src *source
}

// source remembers the YAML document behind a parsed Descriptor.
type source struct {
	root    *yaml.Node            // the top-level mapping
	values  map[string]*yaml.Node // known field → value node (aliases resolved)
	keys    map[string]*yaml.Node // known field → key node
	unknown []*yaml.Node          // keys the gateway ignores, in document order
	// snapshot is the exported state Parse produced; if the caller edits the Descriptor afterwards,
	// Validate falls back to checking the fields alone.
	snapshot Descriptor
}

// IsWasm reports whether the descriptor declares the WASI component runtime.
func (d *Descriptor) IsWasm() bool { return d.Runtime == RuntimeWasm }

// IsNative reports whether the descriptor declares the native cdylib runtime.
func (d *Descriptor) IsNative() bool { return d.Runtime == RuntimeNative }

// Capability is one required_capabilities (or, in the gateway's config, granted_capabilities)
// item. Bare is true for the bare-string form.
type Capability struct {
	Type    string   `json:"type"`
	Paths   []string `json:"paths,omitempty"`   // filesystem_read, filesystem_write
	Schemes []string `json:"schemes,omitempty"` // secrets_read, config_read
	Kinds   []string `json:"kinds,omitempty"`   // credential_issue
	Bare    bool     `json:"bare,omitempty"`
}

// WithArgs returns c with args as the list field its kind takes (paths, schemes or kinds); a
// no-args kind takes none and is returned as it is.
func (c Capability) WithArgs(args []string) Capability {
	switch CapabilityArgField(c.Type) {
	case "paths":
		c.Paths = args
	case "schemes":
		c.Schemes = args
	case "kinds":
		c.Kinds = args
	}
	return c
}

// Covers reports whether c, a granted capability, covers required (Capability::covers): the same
// known kind and, for an args kind, every one of required's arguments among c's. An unknown kind
// covers nothing and is covered by nothing.
func (c Capability) Covers(required Capability) bool {
	if c.Type != required.Type || !KnownCapability(c.Type) {
		return false
	}
	for _, a := range required.Args() {
		if !slices.Contains(c.Args(), a) {
			return false
		}
	}
	return true
}

// Args returns the capability's argument list (paths, schemes or kinds), nil for no-args kinds.
func (c Capability) Args() []string {
	switch CapabilityArgField(c.Type) {
	case "paths":
		return c.Paths
	case "schemes":
		return c.Schemes
	case "kinds":
		return c.Kinds
	}
	return nil
}

// Equal reports whether two capabilities are the same value as the gateway compares them (kind and
// argument list; the bare and object forms of a no-args kind are equal).
func (c Capability) Equal(o Capability) bool {
	return c.Type == o.Type && slices.Equal(c.Args(), o.Args())
}

// String renders the capability in YAML flow form.
func (c Capability) String() string {
	f := CapabilityArgField(c.Type)
	if f == "" {
		if c.Bare {
			return c.Type
		}
		return "{type: " + c.Type + "}"
	}
	return fmt.Sprintf("{type: %s, %s: [%s]}", c.Type, f, strings.Join(c.Args(), ", "))
}

// Problem is one finding about a descriptor: Path is the field path ("class",
// "required_capabilities[2].schemes[0]"; "" for the document), Line its 1-based line (0 if unknown).
type Problem struct {
	Path    string
	Line    int
	Msg     string // what was expected and what was found
	Warning bool   // true: accepted by the gateway but discouraged (e.g. unquoted protocol_version)
}

// String formats the problem as "<path>: <msg>", or "line N: <msg>" for document-level problems.
func (p Problem) String() string {
	switch {
	case p.Path != "":
		return p.Path + ": " + p.Msg
	case p.Line > 0:
		return fmt.Sprintf("line %d: %s", p.Line, p.Msg)
	}
	return p.Msg
}

// Problems is a list of findings; as an error it reads as the first error, "(+N more)".
type Problems []Problem

// Error formats the first non-warning problem as "<path>: <msg>" (+N more).
// With no errors it formats the first warning; "no problems" for an empty list.
func (p Problems) Error() string {
	errs := p.Errors()
	if len(errs) == 0 {
		errs = p
	}
	if len(errs) == 0 {
		return "no problems"
	}
	s := errs[0].String()
	switch n := len(errs) - 1; {
	case n == 1:
		s += " (+1 more problem)"
	case n > 1:
		s += fmt.Sprintf(" (+%d more problems)", n)
	}
	return s
}

// Errors returns only the non-warning problems.
func (p Problems) Errors() Problems { return p.filter(false) }

// Warnings returns only the warnings.
func (p Problems) Warnings() Problems { return p.filter(true) }

func (p Problems) filter(warning bool) Problems {
	var out Problems
	for _, q := range p {
		if q.Warning == warning {
			out = append(out, q)
		}
	}
	return out
}

// HasErrors reports whether any problem is an error.
func (p Problems) HasErrors() bool {
	for _, q := range p {
		if !q.Warning {
			return true
		}
	}
	return false
}
