package native

// What a run is given (Plan) and what it reports (Registration, Call, Timing, through Events): the
// values the worker process and its parent exchange as JSON.

import "encoding/json"

// The ABI version this host speaks and the value a registration reports after a panic
// (docs/native-abi.md §1.2). They are the contract, not the calling convention, so every build has them.
const (
	ABIVersion       = 2
	ABIPanicSentinel = 0xFFFFFFFF
)

// Registration is what was read from mcpg_plugin_abi_layout and mcpg_plugin_register, copied out
// as plain values for the parent process to judge.
type Registration struct {
	Layout           Layout       `json:"layout"`
	ABIVersion       uint32       `json:"abi_version"`
	PluginID         string       `json:"plugin_id"`
	PluginVersion    string       `json:"plugin_version"`
	ModulePathPrefix string       `json:"module_path_prefix"`
	Entities         []Entity     `json:"entities"`
	Capabilities     []Capability `json:"capabilities"`
	BackendProfile   *string      `json:"backend_profile_json"`
	DescriptorYAML   string       `json:"descriptor_yaml"`
	// Problems are strings that could not be read (not UTF-8, wild lengths): the load is refused.
	Problems []string `json:"problems,omitempty"`
}

// Layout holds the cheap guards substituted for abi_stable's layout check (docs/native-abi.md §1.4).
type Layout struct {
	Size              uint64 `json:"size"`
	AlignmentPowerOf2 uint8  `json:"alignment_power_of_two"`
	PackageAndVersion string `json:"package_and_version"`
	// Problem says why the memory mcpg_plugin_abi_layout points at is no abi_stable TypeLayout at
	// all (a null pointer, a non-bool, an impossible alignment…); the fields after it are unread.
	Problem string `json:"problem,omitempty"`
}

type Entity struct {
	Tag       uint8  `json:"tag"`
	Kind      string `json:"kind"`
	InnerName string `json:"inner_name"`
}

type Capability struct {
	Kind     string `json:"kind"`
	ArgsJSON string `json:"args_json"`
}

// Plan is what to drive once the registration has been accepted.
type Plan struct {
	Class      string       `json:"class"`       // the entity kind to drive (first of its kind, like the gateway)
	Config     string       `json:"config"`      // operator config JSON text, for make and every call
	Context    Context      `json:"context"`     // tool_gate and transform calls
	Arguments  string       `json:"arguments"`   // JSON text
	Meta       *string      `json:"meta"`        // JSON text; nil is RNone
	Result     string       `json:"result"`      // JSON text for evaluate_post_dispatch and transform_result
	DurationMS uint64       `json:"duration_ms"` // evaluate_post_dispatch's execution_duration_ms
	Headers    [][2]string  `json:"headers"`     // resolve_identity
	Metadata   string       `json:"metadata"`    // RequestMetadata JSON text
	Repeat     int          `json:"repeat"`      // timed repetitions of each class call (≥ 1)
	Alias      string       `json:"alias"`       // what the host's alias slot answers
	Answers    *HostAnswers `json:"answers,omitempty"`
	FFILimits  *FFILimits   `json:"ffi_limits,omitempty"` // plugins[].ffi_limits; nil: the gateway's defaults
	// Calls is the call plan of a kind driven by one (plans.go), resolved by the parent.
	Calls []PlannedCall `json:"calls,omitempty"`
}

// Call is one vtable call and what came of it.
type Call struct {
	Slot     string                     `json:"slot"`
	Purpose  string                     `json:"purpose,omitempty"`
	Inputs   map[string]json.RawMessage `json:"inputs,omitempty"`
	Output   json.RawMessage            `json:"output,omitempty"`
	Panicked bool                       `json:"panicked,omitempty"`
	// TimedOut: the call overran ffi_limits.data_timeout_ms, so Output is the gateway's timeout
	// decision, not the plugin's (docs/native-abi.md §6.5).
	TimedOut bool `json:"timed_out,omitempty"`
	// Budget names the ffi_limits field a timed-out call overran when it is not data_timeout_ms.
	Budget     string     `json:"budget,omitempty"`
	Violations []string   `json:"violations,omitempty"`
	Warnings   []string   `json:"warnings,omitempty"`
	HostCalls  []HostCall `json:"host_calls,omitempty"`
	// FuelUsed is the fuel a Wasm call consumed, as the gateway's Wasmtime counts it (nil for a
	// native plugin).
	FuelUsed *uint64 `json:"fuel_used,omitempty"`
	Nanos    int64   `json:"duration_ns"`
	Timing   *Timing `json:"timing,omitempty"`
}

// Timing summarises --repeat runs of one slot, each including context encoding and decision
// decoding (the JSON marshalling).
type Timing struct {
	Runs     int   `json:"runs"`
	MinNS    int64 `json:"min_ns"`
	MedianNS int64 `json:"median_ns"`
	MeanNS   int64 `json:"mean_ns"`
	MaxNS    int64 `json:"max_ns"`
}

// Events receives what a run produces as it happens, so a parent can attribute a crash or a hang
// to the call in flight.
type Events interface {
	Phase(name string)
	Call(c *Call)
	// Abandoned says the run ends here with a call still inside the plugin (one that overran its
	// ffi_limits budget); it may come from another goroutine than the driver's, after that call's
	// Call. Nothing follows it: the worker is to be ended.
	Abandoned(reason string)
}
