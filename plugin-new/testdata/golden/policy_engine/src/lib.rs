//! Demo Policy Engine: a `policy_engine` plugin for MCPG (`dev.example.policy_engine.demo`).
//!
//! A policy engine answers authorization questions at named decision points (`tool.call.pre`,
//! `resource.read`, `plugin.lifecycle.register`, …) with allow, deny or not applicable, plus
//! obligations and redactions the asking component must apply. Components refer to an engine by
//! its `name()`. An engine has no side effects, and answers a failure with Deny or NotApplicable.
//!
//! Scaffolded by `mcpg-plugins new`: every `TODO(scaffold)` marks a stub that returns a safe
//! default. Replace them, then `make test`.

use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
use mcpg_plugin_protocol::policy::{PolicyDecision, PolicyVersion};
use mcpg_plugin_protocol::types::PluginContext;
use mcpg_plugin_sdk::ffi::SyncPolicyEngine;
use mcpg_plugin_sdk::{HostHandle, declare_plugin};
use serde::Deserialize;
use serde_json::Value;

/// Plugin id: `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.policy_engine.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Policy Engine";

/// The name other components use to ask this engine; unique among the gateway's engines.
pub const ENGINE_NAME: &str = "demo";

/// Identifies the loaded policy in every decision (audit records keep it). The stub has none.
const POLICY_HASH: &str = "none";

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
    // /// Where the policy document is loaded from.
    // #[serde(default)]
    // pub policy_path: String,
}

impl Config {
    /// Rejects values that parse but make no sense. Panicking here refuses the plugin at boot.
    fn validate(&self) {
        // TODO(scaffold): e.g. assert!(!self.policy_path.is_empty(), "`policy_path` is required");
    }
}

/// One instance per `plugins[]` entry, shared by every call (hence `Send + Sync`).
#[expect(
    dead_code,
    reason = "TODO(scaffold): the stub reads neither `config` nor `host`; drop this when it does"
)]
pub struct DemoPolicyEngine {
    manifest: PluginManifest,
    config: Config,
    /// Calls back into the gateway: secrets, config, metrics, audit, cluster.
    host: HostHandle,
}

impl DemoPolicyEngine {
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
        plugin_class: PluginClass::PolicyEngine,
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

impl SyncPolicyEngine for DemoPolicyEngine {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    fn name(&self) -> &str {
        ENGINE_NAME
    }

    /// Decides `input` at `decision_point` for the caller in `context`.
    fn evaluate(
        &self,
        _decision_point: &str,
        _input: &Value,
        _context: &PluginContext,
    ) -> PolicyDecision {
        // TODO(scaffold): answer the decision points this engine governs, e.g. Deny at
        // "tool.call.pre" with `PolicyDecision::deny(reason, POLICY_HASH)`, and NotApplicable
        // for the rest.
        //
        // The stub governs none, so it answers NotApplicable: the asking component keeps its own
        // default. Denying here would not fail safe: the gateway asks every engine about
        // "plugin.lifecycle.register" before it loads each further plugin, so a deny-all engine
        // stops the gateway from booting.
        PolicyDecision::not_applicable(POLICY_HASH)
    }

    fn policy_version(&self) -> PolicyVersion {
        // TODO(scaffold): the loaded policy's hash (sha256 hex), when it was loaded (RFC 3339)
        // and where from.
        PolicyVersion {
            hash: POLICY_HASH.to_owned(),
            loaded_at: String::new(),
            source: "no policy loaded".to_owned(),
        }
    }

    // shutdown keeps the trait's default.
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        policy_engine as policy_engine_entity {
            inner_name: "",
            plugin_type: DemoPolicyEngine,
            factory: DemoPolicyEngine::from_config_json,
        },
    ],
}

#[cfg(test)]
mod tests;
