//! Demo Audit Sink: an `audit_sink` plugin for MCPG (`dev.example.audit_sink.demo`).
//!
//! The gateway sends every audit event (tool calls allowed and denied, plugin and config changes)
//! to every sink listed under `governance.audit.sinks` (`kind: dev.example.audit_sink.demo`), and waits for each
//! sink's receipt before it finishes the request that produced the event.
//!
//! Scaffolded by `mcpg-plugins new`: every `TODO(scaffold)` marks a stub that returns a safe
//! default. Replace them, then `make test`.

use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::audit::{AuditError, AuditEvent, AuditReceipt};
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
use mcpg_plugin_sdk::ffi::SyncAuditSink;
use mcpg_plugin_sdk::{HostHandle, declare_plugin};
use serde::Deserialize;

/// Plugin id: `id` in plugin.yaml, and the sink `kind` operators list under
/// `governance.audit.sinks`.
pub const PLUGIN_ID: &str = "dev.example.audit_sink.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Audit Sink";

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
    // /// Where events are written.
    // #[serde(default)]
    // pub path: String,
}

impl Config {
    /// Rejects values that parse but make no sense. Panicking here refuses the plugin at boot.
    fn validate(&self) {
        // TODO(scaffold): e.g. assert!(!self.path.is_empty(), "`path` is required");
    }
}

/// One instance per `plugins[]` entry, shared by every call (hence `Send + Sync`).
#[expect(
    dead_code,
    reason = "TODO(scaffold): the stub reads neither `config` nor `host`; drop this when it does"
)]
pub struct DemoAuditSink {
    manifest: PluginManifest,
    config: Config,
    /// Calls back into the gateway: secrets, config, metrics, audit, cluster.
    host: HostHandle,
}

impl DemoAuditSink {
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
        plugin_class: PluginClass::AuditSink,
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

impl SyncAuditSink for DemoAuditSink {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    /// Stores one event. `Ok` promises the event is durably stored (written and flushed, or
    /// acknowledged by the backend): the gateway relies on it.
    fn emit(&self, _event: &AuditEvent) -> Result<AuditReceipt, AuditError> {
        // TODO(scaffold): write the event durably, then return
        // AuditReceipt { sink_id: PLUGIN_ID.into(), persisted_at: <RFC 3339 UTC time>,
        //                durable_hash: <hex SHA-256 of the event as stored> }.
        // Until then every event fails: an Ok would claim a write that never happened.
        Err(AuditError::WriteFailed {
            reason: format!("{PLUGIN_ID}: audit sink not implemented"),
        })
    }

    // flush (for sinks that buffer) and shutdown keep the trait's no-op defaults.
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        audit_sink as audit_sink_entity {
            inner_name: "",
            plugin_type: DemoAuditSink,
            factory: DemoAuditSink::from_config_json,
        },
    ],
}

#[cfg(test)]
mod tests;
