package main

// The parent and its worker talk JSON: one workerRequest on the worker's stdin, then a stream of
// workerMessage values on its stdout, a phase marker before each step and one final result. The
// last phase seen tells the parent where a worker that died or hung was.

type workerRequest struct {
	Path      string `json:"path"`       // the extracted plugin.so
	SHA256    string `json:"sha256"`     // hex digest measured when the package was verified
	MaxMemory uint64 `json:"max_memory"` // address-space limit in bytes, 0 for none
}

type workerMessage struct {
	Phase  string        `json:"phase,omitempty"`
	Result *registration `json:"result,omitempty"`
	Error  string        `json:"error,omitempty"`
	// Unsupported is set when the worker cannot drive this platform or input (exit 6, not 1).
	Unsupported bool `json:"unsupported,omitempty"`
}

// registration is what the worker read from the plugin: the layout guard's fields and the
// PluginRegistration's contents, copied out as plain values. The parent judges them.
type registration struct {
	Layout           layoutInfo   `json:"layout"`
	ABIVersion       uint32       `json:"abi_version"`
	PluginID         string       `json:"plugin_id"`
	PluginVersion    string       `json:"plugin_version"`
	ModulePathPrefix string       `json:"module_path_prefix"`
	Entities         []entityInfo `json:"entities"`
	Capabilities     []capability `json:"capabilities"`
	BackendProfile   *string      `json:"backend_profile_json"`
	DescriptorYAML   string       `json:"descriptor_yaml"`
}

type layoutInfo struct {
	Size              uint64 `json:"size"`
	AlignmentPowerOf2 uint8  `json:"alignment_power_of_two"`
	PackageAndVersion string `json:"package_and_version"`
}

type entityInfo struct {
	Tag       uint8  `json:"tag"`
	Kind      string `json:"kind"`
	InnerName string `json:"inner_name"`
}

type capability struct {
	Kind     string `json:"kind"`
	ArgsJSON string `json:"args_json"`
}

// entityKinds are the EntityRegistration tags in declaration order (native-abi.md §2.3).
var entityKinds = []string{
	"tool_gate", "transform", "identity_provider", "backend", "watch_strategy", "http_route",
	"audit_sink", "log_sink", "telemetry_sink", "metrics_sink", "store", "cache", "secret_provider",
	"config_provider", "policy_engine", "cluster", "transport", "catalog_provider",
	"credential_issuer", "approval_notifier", "content_store",
}
