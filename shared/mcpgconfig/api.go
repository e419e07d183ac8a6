// Package mcpgconfig reads the plugin half of an MCPG gateway config the way the gateway boots it
// (mcpg v0.1.0-beta.16, src/config/mod.rs load_sources, src/config/plugins.rs):
//
//   - the layers: local files in order — the caller's arguments, classified like the gateway's
//     --config specs (src/config/source.rs resolve: remote http(s):// and inline base64:/data:
//     layers are not read and come back as NotChecked notes, file:// names a local file), else
//     $MCPG_CONFIG split with the OS path-list separator, every item a file (src/main.rs);
//   - the merge: later layers win, mappings deep-merge, sequences and scalars replace wholesale;
//   - the MCPG_* environment overlay (names split on "__", lowercased, only the variables whose first
//     segment is a top-level config field), unless Options.NoEnv (as `mcpg config check` does);
//     MCPG_DEFAULT_PLUGIN_REGISTRY feeds gateway.plugin_registry.default_registry when that key is
//     absent;
//   - the top-level `plugins:` array and gateway.plugin_registry, decoded into types that mirror the
//     gateway's serde structs (deny_unknown_fields, defaults, renames), then every rule of
//     validate_plugins, with the gateway's own message texts; plus the boot-time checks that need
//     nothing but the config: plugin_registry.require_integrity_anchor (src/app/oci_wiring.rs) and
//     SignalToggle::validate on each entry's observability block (src/app/observability_wiring.rs).
//
// Every value keeps the file, line and column where it was set (the layer that won the merge, or
// "$MCPG_..." for the environment), and every Diagnostic carries them.
//
// NOT CHECKED: everything else in the config — mcp, governance, observability, storage, cluster,
// credentials, the rest of gateway:, the `license:` block and every other top-level key — is merged
// (so positions stay right) but never validated; a config this package accepts may still be refused
// by the gateway for reasons outside `plugins:`. Plugin `config:` values are passed through as JSON:
// `cred://` and `${env.…}` references in them are not resolved.
//
// Messages: validate_plugins's texts are the gateway's, verbatim. Decoding errors are figment's
// (Kind's Display plus ` for key "default.plugins.0.kind"`, or ` for key "PLUGINS"` for a value
// from the environment); figment's trailing ` in <file> YAML file` is replaced by the diagnostic's
// position. Warnings and Hints are ours. Differences from the gateway, on purpose or known:
//   - the gateway stops at its first error (figment's, in BTreeMap key order, then
//     validate_plugins's, in entry order); this package reports every problem it finds;
//   - none known in reading YAML: a layer is parsed by shared/yamlevents (libyaml 0.2.5's events and
//     errors, as the gateway's unsafe-libyaml has them) and read as serde_yaml 0.9 reads them into
//     figment's Value — syntax errors worded and placed as serde_yaml prints them, its own errors
//     with their path and mark, its tags, limits and order (a problem in the events before a parse
//     error comes first); testdata/gateway holds 800-odd configs with the gateway's own verdicts;
//   - a value set from the wrong kind of YAML node in credentials (registry auth) has its content
//     redacted from the message;
//   - a layer is limited to Options.MaxFileSize bytes and 200,000 nodes after alias expansion; the
//     gateway has no such limits (its own, 128 nested collections and 100 alias expansions per
//     event, are applied with its messages).
package mcpgconfig

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
)

// Severity says whether a diagnostic refuses the boot.
type Severity int

const (
	// SeverityError: the gateway refuses to boot with this config.
	SeverityError Severity = iota
	// SeverityWarning: the gateway boots, but the entry is not what the operator may think (shadow
	// mode, disabled, signatures off, …).
	SeverityWarning
)

func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// MarshalText renders the severity as "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Pos is where a value was set: the layer file (or "$MCPG_X" for the environment overlay, or ""
// for a gateway default) and the 1-based line and column (0 when unknown).
type Pos struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

func (p Pos) String() string {
	switch {
	case p.File == "":
		return "(default)"
	case p.Line == 0:
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// IsDefault reports whether the value came from no layer (a gateway default).
func (p Pos) IsDefault() bool { return p.File == "" }

// Diagnostic is one finding. Message is the gateway's own text where the gateway has one (its
// anyhow/serde message, e.g. "plugins[2].kind must be 'native' or 'wasm', got 'wsam'").
type Diagnostic struct {
	File     string   `json:"file,omitempty"`
	Line     int      `json:"line,omitempty"`
	Col      int      `json:"col,omitempty"`
	Severity Severity `json:"severity"`
	Index    int      `json:"index"`           // plugins[] index, -1 when not about one entry
	Alias    string   `json:"alias,omitempty"` // the entry's id (alias) when known
	Field    string   `json:"field,omitempty"` // "plugins[2].kind", "gateway.plugin_registry.mirrors[0].url"
	Message  string   `json:"message"`
	// Hint is our advice (never the gateway's text), e.g. the class the operator probably meant.
	Hint string `json:"hint,omitempty"`

	syntax bool // a YAML parse error (not a deserialization error)
}

// Pos returns the diagnostic's position.
func (d Diagnostic) Pos() Pos { return Pos{File: d.File, Line: d.Line, Col: d.Col} }

// String renders "file:line:col: error: message".
func (d Diagnostic) String() string {
	return d.Pos().String() + ": " + d.Severity.String() + ": " + d.Message
}

// Options tune Load.
type Options struct {
	// NoEnv skips the MCPG_* overlay (as `mcpg config check` does). MCPG_DEFAULT_PLUGIN_REGISTRY
	// and MCPG_CONFIG are still read from the environment (they are not part of the overlay).
	NoEnv bool
	// MaxFileSize caps each layer file (default DefaultMaxFileSize).
	MaxFileSize int64
	// Stdin is read for a layer named "-", which diagnostics call StdinLayer. Nil refuses "-".
	Stdin io.Reader
	// ReadFile reads a layer (default: a bounded read from disk). For tests.
	ReadFile func(name string) ([]byte, error)
	// WorkDir is the gateway's working directory, against which it opens a relative source.path
	// (default: the current directory).
	WorkDir string
}

// StdinLayer names the layer read from stdin ("-") in diagnostics.
const StdinLayer = "<stdin>"

// DefaultMaxFileSize is the largest layer file Load reads (the gateway's remote-layer cap, 5 MiB).
const DefaultMaxFileSize = 5 << 20

// Policy is a signature policy: enforce, warn or disabled.
type Policy string

const (
	PolicyEnforce  Policy = "enforce"
	PolicyWarn     Policy = "warn"
	PolicyDisabled Policy = "disabled"
)

// DefaultPluginRegistry is the gateway's compiled-in default registry (plugins.rs
// DEFAULT_PLUGIN_REGISTRY).
const DefaultPluginRegistry = "ghcr.io/mcpg-dev/source-code/plugins"

// TrustedKey is one signature.trusted_keys / plugin_registry.trusted_keys item.
type TrustedKey struct {
	ID  string `json:"id"`
	PEM string `json:"pem"`
	Pos Pos    `json:"pos"`
}

// Mirror is one plugin_registry.mirrors item.
type Mirror struct {
	URL     string `json:"url"`
	HasAuth bool   `json:"has_auth,omitempty"` // credentials are never copied out
	Pos     Pos    `json:"pos"`
}

// Registry is the part of gateway.plugin_registry the plugins depend on.
type Registry struct {
	DefaultRegistry        string       `json:"default_registry"`
	DefaultRegistryFrom    string       `json:"default_registry_from"` // "yaml", "env" or "default"
	DefaultRegistryPos     Pos          `json:"default_registry_pos"`
	CacheDir               string       `json:"cache_dir,omitempty"` // as written; "" = gateway default
	CacheDirPos            Pos          `json:"cache_dir_pos"`
	Mirrors                []Mirror     `json:"mirrors,omitempty"`
	DefaultSignaturePolicy Policy       `json:"default_signature_policy"`
	DefaultPolicyPos       Pos          `json:"default_signature_policy_pos"`
	TrustedKeys            []TrustedKey `json:"trusted_keys,omitempty"`
	RevocationListPath     string       `json:"revocation_list_path,omitempty"` // as written
	RevocationListPos      Pos          `json:"revocation_list_pos"`
	InsecureRegistries     []string     `json:"insecure_registries,omitempty"`
	RequireIntegrityAnchor bool         `json:"require_integrity_anchor,omitempty"`
	DockerConfigPath       string       `json:"docker_config_path,omitempty"`
	HasAuth                bool         `json:"has_auth,omitempty"` // username/password set (never copied)
	TLSInsecure            bool         `json:"tls_insecure,omitempty"`
	TLSCACert              string       `json:"tls_ca_cert,omitempty"`
}

// Capability is one granted_capabilities item as Capability::parse_value reads it (the same value
// as a plugin.yaml's required_capabilities item: descriptor.Capability), and where it was set.
type Capability struct {
	descriptor.Capability
	Pos Pos `json:"pos"`
}

// Limits is plugins[].limits (Wasm resource limits; nil fields inherit the gateway defaults).
type Limits struct {
	MemoryMB  *uint32 `json:"memory_mb,omitempty"`
	Fuel      *uint64 `json:"fuel,omitempty"`
	TimeoutMS *uint64 `json:"timeout_ms,omitempty"`
}

// FFILimits is plugins[].ffi_limits (native FFI overrides; nil fields inherit the spec defaults).
type FFILimits struct {
	LifecycleTimeoutMS *uint64 `json:"lifecycle_timeout_ms,omitempty"`
	ControlTimeoutMS   *uint64 `json:"control_timeout_ms,omitempty"`
	DataTimeoutMS      *uint64 `json:"data_timeout_ms,omitempty"`
	MaxPayloadBytes    *uint64 `json:"max_payload_bytes,omitempty"`
}

// Plugin is one plugins[] entry with the values the next stage (resolve, verify, load) needs,
// already resolved the way the boot resolves them.
type Plugin struct {
	Index int    `json:"index"`
	Alias string `json:"alias"`         // id
	Ref   string `json:"ref,omitempty"` // ref as written ("" when absent)
	// ManifestID is ref when set, else id (PluginEntryConfig::ref_or_id): the descriptor id the
	// loaded plugin must declare.
	ManifestID string `json:"manifest_id"`
	Kind       string `json:"kind"`  // "native" (default) or "wasm"
	Class      string `json:"class"` // default "tool_gate"

	SourcePath string `json:"source_path,omitempty"` // as written
	// SourcePathResolved is the file the gateway opens: the gateway does not anchor source.path to
	// the config file (src/app/plugin_registry/mod.rs uses Path::new(path) as is), so a relative
	// path is joined to Options.WorkDir (default: the current directory) — the gateway's working
	// directory. "" for OCI entries.
	SourcePathResolved string `json:"source_path_resolved,omitempty"`
	// SourcePathLayerRelative is a relative SourcePath joined to the directory of the layer file
	// that set it (what an operator may have meant; a warning is emitted for relative paths).
	SourcePathLayerRelative string `json:"source_path_layer_relative,omitempty"`
	OCI                     string `json:"oci,omitempty"` // as written

	Policy          Policy       `json:"policy"`           // effective policy
	PolicyInherited bool         `json:"policy_inherited"` // from plugin_registry.default_signature_policy
	SHA256          string       `json:"sha256,omitempty"` // the pin as written (the gateway wants bare lowercase hex)
	TrustedKeys     []TrustedKey `json:"trusted_keys,omitempty"`
	// KeysInherited: the entry has no trusted_keys of its own, so it verifies against
	// plugin_registry.trusted_keys (in TrustedKeys) plus the gateway's built-in official key.
	KeysInherited bool `json:"keys_inherited"`

	GrantedCapabilities []Capability `json:"granted_capabilities,omitempty"`
	// Sinks: observability.<logs|metrics|traces>.sinks, the sink plugin ids the entry's signals go to.
	Sinks map[string][]string `json:"observability_sinks,omitempty"`
	// ConfigJSON is plugins[].config as JSON (null when absent), as the plugin receives it:
	// cred:// and ${env.…} references are not resolved. It may hold inline secrets: never print
	// it (it is left out of this type's JSON).
	ConfigJSON json.RawMessage `json:"-"`
	Limits     *Limits         `json:"limits,omitempty"`
	FFILimits  *FFILimits      `json:"ffi_limits,omitempty"`
	// Disabled is the entry's flag. Careful: mcpg v0.1.0-beta.16 loads disabled entries anyway
	// (src/app/plugin_registry/mod.rs never reads it; only src/license_gate.rs and
	// warn_unwired_plugins do), so a checker must resolve and verify them like any other entry.
	Disabled       bool `json:"disabled"`
	Enforce        bool `json:"enforce"` // false = shadow mode
	InlineDispatch bool `json:"inline_dispatch,omitempty"`

	// Pos is where the entry (the sequence item) starts; Fields maps a field path relative to the
	// entry ("kind", "source.path", "signature.sha256", "granted_capabilities[1]") to where its
	// value was set.
	Pos    Pos            `json:"pos"`
	Fields map[string]Pos `json:"-"`
	// Valid is false when the entry itself has an error diagnostic.
	Valid bool `json:"valid"`

	idSet, refSet, pathSet, ociSet, sourceBad, shaSet, ownKeys bool
}

// FieldPos returns where field (relative to the entry) was set, or the entry's own position.
func (p *Plugin) FieldPos(field string) Pos {
	if q, ok := p.Fields[field]; ok {
		return q
	}
	return p.Pos
}

// Config is the result of Load.
type Config struct {
	Layers      []string     `json:"layers"` // local files read, in merge order
	Plugins     []Plugin     `json:"plugins"`
	Registry    Registry     `json:"registry"`
	Diagnostics []Diagnostic `json:"diagnostics"`
	// NotChecked lists what was not read or not checked: remote and inline layers, and a note that
	// the rest of the config and the license block are outside this package.
	NotChecked []string `json:"not_checked"`
}

// OK reports whether no diagnostic is an error (the plugins part would not refuse the boot).
func (c *Config) OK() bool {
	for _, d := range c.Diagnostics {
		if d.Severity == SeverityError {
			return false
		}
	}
	return true
}

// Errors returns the error diagnostics.
func (c *Config) Errors() []Diagnostic { return c.filter(SeverityError) }

// Warnings returns the warning diagnostics.
func (c *Config) Warnings() []Diagnostic { return c.filter(SeverityWarning) }

func (c *Config) filter(s Severity) []Diagnostic {
	var out []Diagnostic
	for _, d := range c.Diagnostics {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// DiagnosticsFor returns the diagnostics about plugins[index].
func (c *Config) DiagnosticsFor(index int) []Diagnostic {
	var out []Diagnostic
	for _, d := range c.Diagnostics {
		if d.Index == index {
			out = append(out, d)
		}
	}
	return out
}
