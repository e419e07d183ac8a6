package main

import "strings"

// kind is one of the 21 plugin kinds a crate can be scaffolded for: the CLI spelling, what the
// gateway and the SDK call it, and what the generated crate needs because of it (docs/scaffold.md §1).
type kind struct {
	Name    string // CLI kind, e.g. "identity"
	Class   string // plugin.yaml class and plugins[].class, e.g. "identity_provider"
	Keyword string // declare_plugin! entity keyword, e.g. "identity"
	Trait   string // mcpg_plugin_sdk::ffi trait the plugin type implements
	Suffix  string // appended to the PascalCase name for the plugin type, e.g. "Gate"
	// StaticPath is false for the two kinds whose register_static() arm is a compile error, so
	// the crate's static-firstparty feature must not forward to the SDK's.
	StaticPath bool
	// Wasm is true for the kinds the gateway can also load as a Wasm component (runtime wasi-v1):
	// WasmWorld is then the world of WIT package mcpg:plugin@0.1.0 the component implements, and
	// WasmInterface the interface that world exports (docs/scaffold.md §6).
	Wasm          bool
	WasmWorld     string
	WasmInterface string
	// Serde is true when the macro's expansion names ::serde directly for this kind, so the crate
	// itself needs serde; the generated crates all have it anyway for their typed config.
	Serde bool
	// ClusterAPI is true when the expansion names ::mcpg_cluster_api (the SDK does not re-export it).
	ClusterAPI bool
	// Schemes is true for the providers routed by URI scheme (provides_schemes).
	Schemes bool
}

// kinds lists the 21 kinds in the order the SDK's macro and the reference CLI list them.
var kinds = []kind{
	{Name: "tool_gate", Class: "tool_gate", Keyword: "tool_gate", Trait: "SyncToolGate", Suffix: "Gate", StaticPath: true, Wasm: true, WasmWorld: "tool-gate-plugin", WasmInterface: "tool-gate"},
	{Name: "transform", Class: "transform", Keyword: "transform", Trait: "SyncTransform", Suffix: "Transform", StaticPath: true, Wasm: true, WasmWorld: "transform-plugin", WasmInterface: "transform"},
	{Name: "identity", Class: "identity_provider", Keyword: "identity", Trait: "SyncIdentityResolver", Suffix: "Identity", StaticPath: true, Wasm: true, WasmWorld: "identity-plugin", WasmInterface: "identity"},
	{Name: "backend", Class: "backend", Keyword: "backend", Trait: "SyncBackendPlugin", Suffix: "Backend", StaticPath: true},
	{Name: "audit_sink", Class: "audit_sink", Keyword: "audit_sink", Trait: "SyncAuditSink", Suffix: "AuditSink", StaticPath: true},
	{Name: "log_sink", Class: "log_sink", Keyword: "log_sink", Trait: "SyncLogSink", Suffix: "LogSink", StaticPath: true},
	{Name: "metrics_sink", Class: "metrics_sink", Keyword: "metrics_sink", Trait: "SyncMetricsSink", Suffix: "MetricsSink", StaticPath: true},
	{Name: "telemetry_sink", Class: "telemetry_sink", Keyword: "telemetry_sink", Trait: "SyncTelemetrySink", Suffix: "TelemetrySink", StaticPath: true},
	{Name: "secret_provider", Class: "secret_provider", Keyword: "secret_provider", Trait: "SyncSecretProvider", Suffix: "SecretProvider", StaticPath: true, Schemes: true},
	{Name: "config_provider", Class: "config_provider", Keyword: "config_provider", Trait: "SyncConfigProvider", Suffix: "ConfigProvider", StaticPath: true, Schemes: true},
	{Name: "store", Class: "store", Keyword: "store", Trait: "SyncStorePlugin", Suffix: "Store", StaticPath: true, Serde: true},
	{Name: "cache", Class: "cache", Keyword: "cache", Trait: "SyncCachePlugin", Suffix: "Cache", StaticPath: true, Serde: true},
	{Name: "policy_engine", Class: "policy_engine", Keyword: "policy_engine", Trait: "SyncPolicyEngine", Suffix: "PolicyEngine", StaticPath: true, Serde: true},
	{Name: "approval_notifier", Class: "approval_notifier", Keyword: "approval_notifier", Trait: "SyncApprovalNotifier", Suffix: "Notifier", StaticPath: true},
	{Name: "credential_issuer", Class: "credential_issuer", Keyword: "credential_issuer", Trait: "SyncCredentialIssuer", Suffix: "CredentialIssuer", StaticPath: true, Serde: true},
	{Name: "catalog_provider", Class: "catalog_provider", Keyword: "catalog_provider", Trait: "SyncCatalogProvider", Suffix: "CatalogProvider", StaticPath: true, Serde: true},
	{Name: "cluster", Class: "cluster", Keyword: "cluster_backend", Trait: "SyncClusterBackend", Suffix: "ClusterBackend", Serde: true, ClusterAPI: true},
	{Name: "transport", Class: "transport", Keyword: "transport", Trait: "SyncTransport", Suffix: "Transport"},
	{Name: "http_route", Class: "http_route", Keyword: "http_route", Trait: "SyncHttpRoute", Suffix: "Route", StaticPath: true},
	{Name: "watch_strategy", Class: "watch_strategy", Keyword: "watch_strategy", Trait: "SyncWatchStrategyPlugin", Suffix: "WatchStrategy", StaticPath: true},
	{Name: "content_store", Class: "content_store", Keyword: "content_store", Trait: "SyncContentStore", Suffix: "ContentStore", StaticPath: true, Serde: true},
}

// kindAliases are the class or keyword spellings accepted for a kind whose CLI name differs.
var kindAliases = map[string]string{
	"identity_provider": "identity",
	"cluster_backend":   "cluster",
}

// lookupKind finds a kind by its CLI name or an alias.
func lookupKind(name string) (kind, bool) {
	if alias, ok := kindAliases[name]; ok {
		name = alias
	}
	for _, k := range kinds {
		if k.Name == name {
			return k, true
		}
	}
	return kind{}, false
}

func kindNames() []string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.Name
	}
	return names
}

// kebab is the kind as it appears in package and directory names ("tool-gate").
func (k kind) kebab() string { return strings.ReplaceAll(k.Name, "_", "-") }

// wasmKinds are the kinds --runtime wasm accepts, in table order.
func wasmKinds() []kind {
	var ks []kind
	for _, k := range kinds {
		if k.Wasm {
			ks = append(ks, k)
		}
	}
	return ks
}
