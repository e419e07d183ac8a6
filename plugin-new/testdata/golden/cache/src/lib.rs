//! Demo Cache: a `cache` plugin for MCPG (`dev.example.cache.demo`).
//!
//! A cache keeps short-lived bytes and counters for the gateway, each entry with its own TTL,
//! under namespaces the gateway's consumers ask for by name. The gateway binds a namespace only
//! to a cache whose `supported_namespaces()` lists it (or whose `serves_any_namespace()` is true).
//!
//! Scaffolded by `mcpg-plugins new`: every `TODO(scaffold)` marks a stub that returns a safe
//! default. Replace them, then `make test`.

use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::cache::CacheError;
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
use mcpg_plugin_sdk::ffi::SyncCachePlugin;
use mcpg_plugin_sdk::{HostHandle, declare_plugin};
use serde::Deserialize;

/// Plugin id: `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.cache.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Cache";

/// The namespace the stub serves, named after the plugin, so no namespace the gateway already
/// uses is bound to a cache that keeps nothing yet.
pub const NAMESPACE: &str = "demo";

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
    // /// Address of the cache server.
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
pub struct DemoCache {
    manifest: PluginManifest,
    config: Config,
    /// Calls back into the gateway: secrets, config, metrics, audit, cluster.
    host: HostHandle,
}

impl DemoCache {
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
        plugin_class: PluginClass::Cache,
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

impl SyncCachePlugin for DemoCache {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    fn supported_namespaces(&self) -> Vec<String> {
        // TODO(scaffold): list the namespaces you serve, or override `serves_any_namespace` to
        // return true and serve whatever the gateway binds.
        vec![NAMESPACE.to_owned()]
    }

    /// `None` is a miss.
    fn get(&self, _ns: &str, _key: &str) -> Option<Vec<u8>> {
        // TODO(scaffold): read from your backend. The stub holds nothing, so every read misses.
        None
    }

    /// Stores `value` for `ttl_ms` milliseconds.
    fn put(&self, _ns: &str, _key: &str, _value: Vec<u8>, _ttl_ms: u64) -> Result<(), CacheError> {
        // TODO(scaffold): write to your backend. Until then writes fail: an Ok would claim the
        // value was kept.
        Err(CacheError::Unsupported { op: "put".into() })
    }

    fn delete(&self, _ns: &str, _key: &str) {
        // TODO(scaffold): delete from your backend. The stub holds nothing to delete.
    }

    fn clear(&self, _ns: &str) -> Result<(), CacheError> {
        // TODO(scaffold): drop every entry in the namespace. The stub holds nothing to drop.
        Ok(())
    }

    /// Adds `by` to the counter at `key` atomically and returns the new value; a missing counter
    /// starts at zero and lives for `ttl_ms`.
    fn incr(&self, _ns: &str, _key: &str, _by: i64, _ttl_ms: u64) -> Result<i64, CacheError> {
        // TODO(scaffold): count in your backend.
        Err(CacheError::Unsupported { op: "incr".into() })
    }

    // serves_any_namespace (false) and shutdown keep the trait's defaults.
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        cache as cache_entity {
            inner_name: "",
            plugin_type: DemoCache,
            factory: DemoCache::from_config_json,
        },
    ],
}

#[cfg(test)]
mod tests;
