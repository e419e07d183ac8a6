//! Demo Catalog Provider: a `catalog_provider` plugin for MCPG (`dev.example.catalog_provider.demo`).
//!
//! A catalog provider refines the tool list clients get from `tools/list`: it can hide tools (by
//! leaving them out) and add metadata (owner, tags, documentation, approval, maturity). Providers
//! run as a chain, each receiving the previous one's output: for a scalar field the first
//! provider to set it wins, tags are merged, and a hidden tool cannot come back.
//!
//! Scaffolded by `mcpg-plugins new`: every `TODO(scaffold)` marks a stub that returns a safe
//! default. Replace them, then `make test`.

use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::catalog::{CatalogEntry, EnrichedToolDescriptor};
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
use mcpg_plugin_protocol::types::PluginContext;
use mcpg_plugin_sdk::ffi::SyncCatalogProvider;
use mcpg_plugin_sdk::{HostHandle, declare_plugin};
use serde::Deserialize;

/// Plugin id: `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.catalog_provider.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Catalog Provider";

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
    // /// Team that owns the tools this provider annotates.
    // #[serde(default)]
    // pub owner: String,
}

impl Config {
    /// Rejects values that parse but make no sense. Panicking here refuses the plugin at boot.
    fn validate(&self) {
        // TODO(scaffold): e.g. assert!(!self.owner.is_empty(), "`owner` is required");
    }
}

/// One instance per `plugins[]` entry, shared by every call (hence `Send + Sync`).
#[expect(
    dead_code,
    reason = "TODO(scaffold): the stub reads neither `config` nor `host`; drop this when it does"
)]
pub struct DemoCatalogProvider {
    manifest: PluginManifest,
    config: Config,
    /// Calls back into the gateway: secrets, config, metrics, audit, cluster.
    host: HostHandle,
}

impl DemoCatalogProvider {
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
        plugin_class: PluginClass::CatalogProvider,
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

impl SyncCatalogProvider for DemoCatalogProvider {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    /// Returns the tools `ctx`'s caller may see, with this provider's metadata merged in.
    fn filter_and_enrich(
        &self,
        _ctx: &PluginContext,
        in_progress: &[EnrichedToolDescriptor],
    ) -> Vec<EnrichedToolDescriptor> {
        // TODO(scaffold): drop tools, or fill `catalog` metadata the providers before you left
        // unset. The stub passes the list through unchanged: returning less would hide tools.
        in_progress.to_vec()
    }

    /// The catalog entry for one tool. Not called by the gateway yet (a future admin API).
    fn describe(&self, _tool_id: &str) -> Option<CatalogEntry> {
        // TODO(scaffold): the entry you hold for `tool_id`.
        None
    }

    /// Every catalog entry this provider holds. Not called by the gateway yet.
    fn list_catalog(&self) -> Vec<CatalogEntry> {
        // TODO(scaffold): the entries you hold.
        Vec::new()
    }

    // shutdown keeps the trait's default.
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        catalog_provider as catalog_provider_entity {
            inner_name: "",
            plugin_type: DemoCatalogProvider,
            factory: DemoCatalogProvider::from_config_json,
        },
    ],
}

#[cfg(test)]
mod tests;
