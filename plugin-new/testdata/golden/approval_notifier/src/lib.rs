//! Demo Approval Notifier: an `approval_notifier` plugin for MCPG (`dev.example.approval_notifier.demo`).
//!
//! When a tool gate holds a call for human approval, the gateway hands the request to its
//! approval notifiers (all of them, or those the gate names) to post it where a human sees it:
//! Slack, e-mail, a pager. The answer comes back separately, through the notifier's own
//! http_route or the signed `direct_callback_url`; a notifier never decides an approval itself.
//!
//! Scaffolded by `mcpg-plugins new`: every `TODO(scaffold)` marks a stub that returns a safe
//! default. Replace them, then `make test`.

use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::approval_notifier::{
    NotificationError, NotificationRequest, NotificationResult,
};
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
use mcpg_plugin_sdk::ffi::SyncApprovalNotifier;
use mcpg_plugin_sdk::{HostHandle, declare_plugin};
use serde::Deserialize;

/// Plugin id: `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.approval_notifier.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Approval Notifier";

/// Host capabilities the plugin needs granted. plugin.yaml's `required_capabilities` must list
/// exactly these, or the gateway refuses to boot.
///
/// Posting to an outside service needs `Capability::NetworkOutbound` (`network_outbound` in
/// plugin.yaml).
pub const CAPABILITIES: &[Capability] = &[];

/// The operator's `config:` block for this plugin.
///
/// Unknown keys are rejected, so a typo refuses the plugin instead of being ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    // TODO(scaffold): your settings, each with a default, for example
    // /// Webhook the approval requests are posted to. Check it in `validate`, so a
    // /// broken channel refuses the plugin at boot rather than losing approvals later.
    // #[serde(default)]
    // pub webhook_url: String,
}

impl Config {
    /// Rejects values that parse but make no sense. Panicking here refuses the plugin at boot.
    fn validate(&self) {
        // TODO(scaffold): e.g. assert!(!self.webhook_url.is_empty(), "`webhook_url` is required");
    }
}

/// One instance per `plugins[]` entry, shared by every call (hence `Send + Sync`).
#[expect(
    dead_code,
    reason = "TODO(scaffold): the stub reads neither `config` nor `host`; drop this when it does"
)]
pub struct DemoNotifier {
    manifest: PluginManifest,
    config: Config,
    /// Calls back into the gateway: secrets, config, metrics, audit, cluster.
    host: HostHandle,
}

impl DemoNotifier {
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
        plugin_class: PluginClass::ApprovalNotifier,
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

impl SyncApprovalNotifier for DemoNotifier {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    /// Posts `request` to the channel and returns where it went (e.g. `slack:#approvals:<ts>`).
    fn notify(
        &self,
        _request: &NotificationRequest,
    ) -> Result<NotificationResult, NotificationError> {
        // TODO(scaffold): post the summary, the caller, the tool and the deadline, with a way to
        // answer (`request.direct_callback_url` takes {"outcome": "approve" | "deny"}). Until
        // then say nothing was posted: an Ok would leave the call waiting for an answer nobody
        // was asked for.
        Err(NotificationError::Misconfigured {
            reason: "no approval channel implemented yet".into(),
        })
    }

    // shutdown keeps the trait's default.
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        approval_notifier as approval_notifier_entity {
            inner_name: "",
            plugin_type: DemoNotifier,
            factory: DemoNotifier::from_config_json,
        },
    ],
}

#[cfg(test)]
mod tests;
