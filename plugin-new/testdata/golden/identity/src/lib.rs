//! Demo Identity Provider: an `identity_provider` plugin for MCPG (`dev.example.identity.demo`).
//!
//! The gateway asks the identity providers in `plugins[]`, in order, who sent a request, from its
//! headers and connection metadata. The first `Resolved` answer wins; `None` passes the question
//! on to the next provider.
//!
//! Scaffolded by `mcpg-plugins new`: every `TODO(scaffold)` marks a stub that returns a safe
//! default. Replace them, then `make test`.

use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
use mcpg_plugin_protocol::types::{IdentityResolution, RequestMetadata};
use mcpg_plugin_sdk::ffi::SyncIdentityResolver;
use mcpg_plugin_sdk::{HostHandle, declare_plugin};
use serde::Deserialize;
use serde_json::Value;

/// Plugin id: `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.identity.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Identity Provider";

/// Host capabilities the plugin needs granted. plugin.yaml's `required_capabilities` must list
/// exactly these, or the gateway refuses to boot.
pub const CAPABILITIES: &[Capability] = &[];

/// The operator's `config:` block for this plugin.
///
/// Unknown keys are rejected, so a typo refuses the plugin instead of being ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    // TODO(scaffold): your settings, each with a default, for example
    // /// The header carrying the credential.
    // #[serde(default)]
    // pub header: String,
}

impl Config {
    /// Rejects values that parse but make no sense. Panicking here refuses the plugin at boot.
    fn validate(&self) {
        // TODO(scaffold): e.g. assert!(!self.header.is_empty(), "`header` is required");
    }
}

/// One instance per `plugins[]` entry, shared by every call (hence `Send + Sync`).
#[expect(
    dead_code,
    reason = "TODO(scaffold): the stub reads neither `config` nor `host`; drop this when it does"
)]
pub struct DemoIdentity {
    manifest: PluginManifest,
    config: Config,
    /// Calls back into the gateway: secrets, config, metrics, audit, cluster.
    host: HostHandle,
}

impl DemoIdentity {
    /// The factory `declare_plugin!` calls with the operator's config as JSON.
    ///
    /// An empty config (`""`, `{}` or `null`) means the defaults. Malformed JSON, an unknown key
    /// or a value `validate` rejects panics: the gateway turns that into a boot error (failing
    /// closed) rather than running with a config the operator did not write.
    pub fn from_config_json(config_json: &str, host: HostHandle) -> Self {
        let config: Config = mcpg_plugin_sdk::fail_closed_config!(config_json);
        config.validate();
        Self {
            manifest: build_manifest(),
            config,
            host,
        }
    }
}

/// `PluginManifest` has no `Default`: every field is spelled out. id, name and class must match
/// plugin.yaml.
fn build_manifest() -> PluginManifest {
    PluginManifest {
        id: PLUGIN_ID.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        name: PLUGIN_NAME.to_owned(),
        plugin_class: PluginClass::IdentityProvider,
        protocol_version: PROTOCOL_VERSION.to_owned(),
        license: Some("Apache-2.0".to_owned()),
        // Filled in by the gateway from CAPABILITIES; leave empty.
        required_capabilities: Vec::new(),
        tags: Vec::new(),
        provides: Vec::new(),
        provides_schemes: Vec::new(),
        // Lets the gateway attribute this crate's tracing events to the plugin.
        module_path_prefix: module_path!()
            .split("::")
            .next()
            .unwrap_or_default()
            .to_owned(),
        backend_profile: None,
    }
}

impl SyncIdentityResolver for DemoIdentity {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    /// Decides who sent the request: `Resolved { identity }` for a valid credential, `None` when
    /// the request carries none this plugin understands, `Invalid { reason, response_headers }`
    /// when it carries one that fails verification. `metadata` has the peer address and TLS
    /// details, for mTLS or network-based schemes.
    fn resolve_identity(
        &self,
        _headers: &[(String, String)],
        _metadata: &RequestMetadata,
        _config: &Value,
    ) -> IdentityResolution {
        // TODO(scaffold): find and verify your credential in the headers, then return
        // Resolved { identity: PluginIdentity { kind: "verified".into(), … } }.
        // Until then nobody is identified: None vouches for no one and lets the next provider
        // decide.
        IdentityResolution::None
    }

    // shutdown keeps the trait's no-op default.
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        identity as identity_entity {
            inner_name: "",
            plugin_type: DemoIdentity,
            factory: DemoIdentity::from_config_json,
        },
    ],
}

#[cfg(test)]
mod tests;
