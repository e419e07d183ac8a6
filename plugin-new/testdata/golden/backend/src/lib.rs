//! Demo Backend: a `backend` plugin for MCPG (`dev.example.backend.demo`).
//!
//! The gateway sends a tool call here when the tool's binding says
//! `backend: { kind: demo, … }`. Each binding's spec is registered once at boot as a
//! profile (named after the binding); each call then runs `execute` on that profile.
//!
//! Scaffolded by `mcpg-plugins new`: every `TODO(scaffold)` marks a stub that returns a safe
//! default. Replace them, then `make test`.

use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::backend::{BackendError, BackendRequest, BackendResponse};
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
use mcpg_plugin_sdk::ffi::SyncBackendPlugin;
use mcpg_plugin_sdk::{HostHandle, declare_plugin};
use serde::Deserialize;
use serde_json::Value;

/// Plugin id: `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.backend.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Backend";

/// The `kind` tool bindings name to reach this backend; no two backends may share one.
pub const BACKEND_KIND: &str = "demo";

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
    // /// Connection pool size shared by every profile.
    // #[serde(default)]
    // pub pool_size: u32,
}

impl Config {
    /// Rejects values that parse but make no sense. Panicking here refuses the plugin at boot.
    fn validate(&self) {
        // TODO(scaffold): e.g. assert!(self.pool_size <= 64, "`pool_size` is at most 64");
    }
}

/// One instance per `plugins[]` entry, shared by every call (hence `Send + Sync`).
#[expect(
    dead_code,
    reason = "TODO(scaffold): the stub reads neither `config` nor `host`; drop this when it does"
)]
pub struct DemoBackend {
    manifest: PluginManifest,
    config: Config,
    /// Calls back into the gateway: secrets, config, metrics, audit, cluster.
    host: HostHandle,
}

impl DemoBackend {
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
        plugin_class: PluginClass::Backend,
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

impl SyncBackendPlugin for DemoBackend {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    fn kind(&self) -> &str {
        BACKEND_KIND
    }

    /// Checks and keeps one binding's spec, at boot. A bad spec must be an error here, so the
    /// gateway refuses to start instead of failing on the first call.
    fn register_profile(&self, profile_name: &str, spec: &Value) -> Result<(), BackendError> {
        // TODO(scaffold): parse `spec` into a type of your own (with deny_unknown_fields) and
        // keep it under `profile_name` for `execute`.
        if !spec.is_object() {
            return Err(BackendError::InvalidSpec {
                message: format!("profile `{profile_name}`: the spec must be a JSON object"),
            });
        }
        Ok(())
    }

    /// Runs one call; `request.payload` is the tool's arguments as JSON bytes.
    fn execute(
        &self,
        profile_name: &str,
        _request: BackendRequest,
    ) -> Result<BackendResponse, BackendError> {
        // TODO(scaffold): send the payload upstream and return
        // BackendResponse { payload: <the reply's bytes>, truncated: false }.
        // Until then every call fails: an empty success would pass for a real answer.
        Err(BackendError::Transport {
            message: format!("{PLUGIN_ID}: profile `{profile_name}`: backend not implemented"),
        })
    }

    // Streaming, transactions, schemas, resource listing, completion and shutdown keep the
    // trait's defaults (one buffered chunk from `execute`, "not supported", none, empty).
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        backend as backend_entity {
            inner_name: "",
            plugin_type: DemoBackend,
            factory: DemoBackend::from_config_json,
        },
    ],
}

#[cfg(test)]
mod tests;
