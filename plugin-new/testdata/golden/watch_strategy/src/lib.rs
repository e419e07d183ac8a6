//! Demo Watch Strategy: a `watch_strategy` plugin for MCPG (`dev.example.watch_strategy.demo`).
//!
//! A watch strategy notices when a resource changes, so the gateway can tell the clients
//! subscribed to it (`notifications/resources/updated`). The gateway picks a strategy by its
//! `kind()`, calls `watch` once per watched resource, and the plugin reports each change by
//! calling `emit_event` (from its own thread) until the gateway calls `cancel`.
//!
//! Scaffolded by `mcpg-plugins new`: every `TODO(scaffold)` marks a stub that returns a safe
//! default. Replace them, then `make test`.

use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::WatchError;
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
use mcpg_plugin_sdk::ffi::{SyncWatchStrategyPlugin, WatchHandleBox};
use mcpg_plugin_sdk::{HostHandle, declare_plugin};
use serde::Deserialize;
use serde_json::Value;

/// Plugin id: `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.watch_strategy.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Watch Strategy";

/// The name operators select this strategy by, snake_case like `nats_topic` or `pg_listen`.
pub const KIND: &str = "demo";

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
    // /// Address of the system the changes come from.
    // #[serde(default)]
    // pub url: String,
}

impl Config {
    /// Rejects values that parse but make no sense. Panicking here refuses the plugin at boot.
    fn validate(&self) {
        // TODO(scaffold): e.g. assert!(!self.url.is_empty(), "`url` is required");
    }
}

/// One instance per `plugins[]` entry, shared by every call (hence `Send + Sync`).
#[expect(
    dead_code,
    reason = "TODO(scaffold): the stub reads neither `config` nor `host`; drop this when it does"
)]
pub struct DemoWatchStrategy {
    manifest: PluginManifest,
    config: Config,
    /// Calls back into the gateway: secrets, config, metrics, audit, cluster.
    host: HostHandle,
}

impl DemoWatchStrategy {
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
        plugin_class: PluginClass::WatchStrategy,
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

impl SyncWatchStrategyPlugin for DemoWatchStrategy {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    fn kind(&self) -> &str {
        KIND
    }

    /// Starts watching `resource_uri` as `spec` says and returns at once. Each change is
    /// reported by calling `emit_event` with a JSON-encoded `WatchEvent`.
    fn watch(
        &self,
        _resource_uri: &str,
        _spec: &Value,
        _emit_event: Box<dyn Fn(&str) + Send + Sync + 'static>,
    ) -> Result<WatchHandleBox, WatchError> {
        // TODO(scaffold): check `spec` (InvalidSpec if it is wrong), subscribe, move
        // `emit_event` into your watcher thread, and return a handle (a pointer to the
        // watcher's state) that `cancel` can stop. Until then say no watch was set up: an Ok
        // would promise change notifications that never come.
        Err(WatchError::Subscribe {
            message: "watching is not implemented yet".into(),
        })
    }

    /// Stops the watcher `watch` returned and frees it.
    fn cancel(&self, _watch_handle: WatchHandleBox) {
        // TODO(scaffold): stop the watcher. The stub never starts one.
    }

    // shutdown keeps the trait's default.
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        watch_strategy as watch_strategy_entity {
            inner_name: "",
            plugin_type: DemoWatchStrategy,
            factory: DemoWatchStrategy::from_config_json,
        },
    ],
}

#[cfg(test)]
mod tests;
