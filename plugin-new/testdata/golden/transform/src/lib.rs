//! Demo Transform: a `transform` plugin for MCPG (`dev.example.transform.demo`).
//!
//! The gateway runs every transform in `plugins[]` order on each tool call: on the arguments
//! before the tool runs, and on the result after it ran (masking, field mapping, enrichment).
//!
//! Scaffolded by `mcpg-plugins new`: every `TODO(scaffold)` marks a stub that returns a safe
//! default. Replace them, then `make test`.

use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
use mcpg_plugin_protocol::types::{PluginContext, TransformResult};
use mcpg_plugin_sdk::ffi::SyncTransform;
use mcpg_plugin_sdk::{HostHandle, declare_plugin};
use serde::Deserialize;
use serde_json::Value;

/// Plugin id: `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.transform.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Transform";

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
    // /// Argument fields to mask.
    // #[serde(default)]
    // pub mask_fields: Vec<String>,
}

impl Config {
    /// Rejects values that parse but make no sense. Panicking here refuses the plugin at boot.
    fn validate(&self) {
        // TODO(scaffold): e.g. assert!(self.mask_fields.iter().all(|f| !f.is_empty()), "empty field name");
    }
}

/// One instance per `plugins[]` entry, shared by every call (hence `Send + Sync`).
#[expect(
    dead_code,
    reason = "TODO(scaffold): the stub reads neither `config` nor `host`; drop this when it does"
)]
pub struct DemoTransform {
    manifest: PluginManifest,
    config: Config,
    /// Calls back into the gateway: secrets, config, metrics, audit, cluster.
    host: HostHandle,
}

impl DemoTransform {
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
        plugin_class: PluginClass::Transform,
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

impl SyncTransform for DemoTransform {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    /// Rewrites the tool's arguments before it runs: `Modified { value }` replaces them,
    /// `Unchanged` passes them on, `Error { message }` reports a failure.
    fn transform_arguments(
        &self,
        _ctx: &PluginContext,
        _arguments: &Value,
        _config: &Value,
    ) -> TransformResult {
        // TODO(scaffold): return TransformResult::Modified { value } with the rewritten arguments.
        // Passing them on untouched is the safe default: it claims nothing about them.
        TransformResult::Unchanged
    }

    /// Rewrites the tool's result after it ran; same contract as `transform_arguments`.
    fn transform_result(
        &self,
        _ctx: &PluginContext,
        _result: &Value,
        _config: &Value,
    ) -> TransformResult {
        // TODO(scaffold): rewrite the result here (e.g. redact fields), or keep it Unchanged.
        TransformResult::Unchanged
    }

    // shutdown keeps the trait's no-op default.
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        transform as transform_entity {
            inner_name: "",
            plugin_type: DemoTransform,
            factory: DemoTransform::from_config_json,
        },
    ],
}

#[cfg(test)]
mod tests;
