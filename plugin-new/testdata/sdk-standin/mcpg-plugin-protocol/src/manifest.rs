use serde::{Deserialize, Serialize};

/// No `Default`, as in the real crate: a manifest literal must spell out every field.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PluginManifest {
    pub id: String,
    pub version: String,
    pub name: String,
    pub plugin_class: PluginClass,
    pub protocol_version: String,
    pub license: Option<String>,
    pub required_capabilities: Vec<crate::capability::Capability>,
    pub tags: Vec<String>,
    pub provides: Vec<String>,
    pub provides_schemes: Vec<String>,
    pub module_path_prefix: String,
    pub backend_profile: Option<BackendProfile>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct BackendProfile {
    pub health_probe: HealthProbeDecl,
    pub type_label: Option<String>,
    pub dynamic_list: bool,
    pub pipeline_capable: bool,
    pub transport_only_fields: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub enum HealthProbeDecl {
    #[default]
    Skip,
    Tcp,
    Http {
        path: String,
    },
    Plugin,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub enum PluginClass {
    ToolGate,
    Transform,
    IdentityProvider,
    Backend,
    WatchStrategy,
    HttpRoute,
    AuditSink,
    Store,
    Cache,
    TelemetrySink,
    LogSink,
    MetricsSink,
    SecretProvider,
    ConfigProvider,
    Transport,
    PolicyEngine,
    Cluster,
    CatalogProvider,
    CredentialIssuer,
    ApprovalNotifier,
    ContentStore,
}

impl std::fmt::Display for PluginClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub enum PluginTier {
    Wasm,
    Native,
}
