// Package descriptor reads and checks plugin.yaml (schema mcpg.dev/plugin/v1), contract.md §2.
//
// Two levels, kept apart on purpose:
//   - Parse accepts what the gateway's serde parse accepts (so unpack/inspect/list read every package
//     the gateway loads) but rejects what it rejects, with the field path in the error.
//   - Validate applies the JSON Schema v1 and the load-time rules of contract.md §7 as a strict
//     superset; pack refuses on its errors, unpack/inspect show them as warnings.
package descriptor

// Schema is the only accepted value of the schema field.
const Schema = "mcpg.dev/plugin/v1"

// Runtimes.
const (
	RuntimeStatic = "static-firstparty-v1"
	RuntimeNative = "native-cdylib-v1"
	RuntimeWasm   = "wasi-v1"
)

// Classes are the 21 plugin classes in JSON-Schema enum order (PluginClass::ALL).
var Classes = []string{
	"tool_gate", "transform", "identity_provider", "backend", "watch_strategy", "http_route",
	"audit_sink", "store", "cache", "telemetry_sink", "log_sink", "metrics_sink", "secret_provider",
	"config_provider", "transport", "policy_engine", "cluster", "catalog_provider",
	"credential_issuer", "approval_notifier", "content_store",
}

// WasmClasses are the classes a wasi-v1 package may declare.
var WasmClasses = []string{"tool_gate", "transform", "identity_provider"}

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
}

// Capability is one required_capabilities item. Bare is true for the bare-string form.
type Capability struct {
	Type    string
	Paths   []string // filesystem_read, filesystem_write
	Schemes []string // secrets_read, config_read
	Kinds   []string // credential_issue
	Bare    bool
}

// Problem is one finding about a descriptor: Path is the field path ("class",
// "required_capabilities[2].schemes[0]"; "" for the document), Line its 1-based line (0 if unknown).
type Problem struct {
	Path    string
	Line    int
	Msg     string // what was expected and what was found
	Warning bool   // true: accepted by the gateway but discouraged (e.g. unquoted protocol_version)
}

// Problems is a list of findings; as an error it reads as the first error, "(+N more)".
type Problems []Problem

// Error formats the first non-warning problem as "<path>: <msg>" (+N more).
func (p Problems) Error() string { panic("not implemented") }

// Errors returns only the non-warning problems.
func (p Problems) Errors() Problems { panic("not implemented") }

// Warnings returns only the warnings.
func (p Problems) Warnings() Problems { panic("not implemented") }

// Parse parses plugin.yaml bytes as the gateway does. The returned error is a Problems value.
func Parse(data []byte) (*Descriptor, error) { panic("not implemented") }

// Validate returns every schema-level and load-time problem, warnings included; it never fails on a
// descriptor Parse accepted, it only reports.
func (d *Descriptor) Validate() Problems { panic("not implemented") }

// ShortName is the last '.'-separated segment of an id (contract.md §1.4).
func ShortName(id string) string { panic("not implemented") }

// CanonicalFilename is mcpg-plugin-<NAME>_<VERSION>_<OS>_<ARCH>.zip (contract.md §1.4).
func CanonicalFilename(name, version, goos, arch string) string { panic("not implemented") }

// ClassSuggestion returns the valid class closest to s ("identity" → "identity_provider"), or "".
func ClassSuggestion(s string) string { panic("not implemented") }
