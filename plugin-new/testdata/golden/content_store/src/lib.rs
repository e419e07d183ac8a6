//! Demo Content Store: a `content_store` plugin for MCPG (`dev.example.content_store.demo`).
//!
//! A content store keeps the blobs the gateway serves as resources (generated files, large tool
//! results) and returns them by id. One plugin instance manages named profiles: each entry under
//! the operator's `storage.providers` whose `kind` is this plugin's `kind()` becomes a profile,
//! registered once at boot with the entry's `config`.
//!
//! Scaffolded by `mcpg-plugins new`: every `TODO(scaffold)` marks a stub that returns a safe
//! default. Replace them, then `make test`.

use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::content_store::{
    ContentStoreError, ContentStoreStats, ContentToStore, ResourceContent, ResourceHandle,
};
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
use mcpg_plugin_sdk::ffi::SyncContentStore;
use mcpg_plugin_sdk::{HostHandle, declare_plugin};
use serde::Deserialize;
use serde_json::Value;

/// Plugin id: `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.content_store.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Content Store";

/// The `kind` operators write under `storage.providers`; it must not be a built-in storage kind
/// such as `in_process`.
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
    // /// Bucket the blobs are written to.
    // #[serde(default)]
    // pub bucket: String,
}

impl Config {
    /// Rejects values that parse but make no sense. Panicking here refuses the plugin at boot.
    fn validate(&self) {
        // TODO(scaffold): e.g. assert!(!self.bucket.is_empty(), "`bucket` is required");
    }
}

/// One instance per `plugins[]` entry, shared by every call (hence `Send + Sync`).
#[expect(
    dead_code,
    reason = "TODO(scaffold): the stub reads neither `config` nor `host`; drop this when it does"
)]
pub struct DemoContentStore {
    manifest: PluginManifest,
    config: Config,
    /// Calls back into the gateway: secrets, config, metrics, audit, cluster.
    host: HostHandle,
}

impl DemoContentStore {
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
        plugin_class: PluginClass::ContentStore,
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

impl SyncContentStore for DemoContentStore {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    fn kind(&self) -> &str {
        KIND
    }

    /// Checks and records one profile's settings (`spec` is the provider entry's `config`). An
    /// error here fails the gateway's boot, which is where a bad profile should be caught.
    fn register_profile(
        &self,
        _profile_name: &str,
        _spec: &Value,
    ) -> Result<(), ContentStoreError> {
        // TODO(scaffold): parse `spec` into your per-profile settings and keep them.
        Ok(())
    }

    /// Stores a blob and returns the handle clients will read it by.
    fn put(
        &self,
        _profile_name: &str,
        _content: ContentToStore,
    ) -> Result<ResourceHandle, ContentStoreError> {
        // TODO(scaffold): write the bytes and return their handle. Until then writes fail: a
        // handle would point at content that was never kept.
        Err(ContentStoreError::Storage {
            message: "storing is not implemented yet".into(),
        })
    }

    /// Reads a blob back; `Ok(None)` when it does not exist or has expired.
    fn get(
        &self,
        _profile_name: &str,
        _id: &str,
    ) -> Result<Option<ResourceContent>, ContentStoreError> {
        // TODO(scaffold): read from your backend. The stub holds nothing.
        Ok(None)
    }

    /// Deletes a blob; deleting a missing one is not an error.
    fn delete(&self, _profile_name: &str, _id: &str) -> Result<(), ContentStoreError> {
        // TODO(scaffold): delete from your backend. The stub holds nothing to delete.
        Ok(())
    }

    /// Current usage, exported as gauges.
    fn stats(&self, _profile_name: &str) -> ContentStoreStats {
        // TODO(scaffold): count what the profile holds. The stub holds nothing.
        ContentStoreStats::default()
    }

    // signed_url (not supported), sweep_expired (removes nothing) and shutdown keep the trait's
    // defaults.
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        content_store as content_store_entity {
            inner_name: "",
            plugin_type: DemoContentStore,
            factory: DemoContentStore::from_config_json,
        },
    ],
}

#[cfg(test)]
mod tests;
