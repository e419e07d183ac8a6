//! Demo Store: a `store` plugin for MCPG (`dev.example.store.demo`).
//!
//! A store keeps the gateway's durable keyed state, by role: session, task, pipeline,
//! subscription, replay, or a custom one. The gateway binds a role to one store, and only to a
//! store whose `supported_roles()` lists it.
//!
//! Scaffolded by `mcpg-plugins new`: every `TODO(scaffold)` marks a stub that returns a safe
//! default. Replace them, then `make test`.

use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
use mcpg_plugin_protocol::store::{StoreError, StorePageWire, StoreRole, StoreValueWire};
use mcpg_plugin_sdk::ffi::SyncStorePlugin;
use mcpg_plugin_sdk::{HostHandle, declare_plugin};
use serde::Deserialize;

/// Plugin id: `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.store.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Store";

/// The custom role the stub serves, named after the plugin: the gateway's own session or task
/// state is never bound to a store that cannot keep it yet.
pub const ROLE: &str = "demo";

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
    // /// Directory the data lives in.
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
pub struct DemoStore {
    manifest: PluginManifest,
    config: Config,
    /// Calls back into the gateway: secrets, config, metrics, audit, cluster.
    host: HostHandle,
}

impl DemoStore {
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
        plugin_class: PluginClass::Store,
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

impl SyncStorePlugin for DemoStore {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    fn supported_roles(&self) -> Vec<StoreRole> {
        // TODO(scaffold): list the roles you implement, e.g. StoreRole::Session.
        vec![StoreRole::Custom(ROLE.to_owned())]
    }

    /// Reads one value; `Ok(None)` when the key is absent.
    fn get(&self, _role: &StoreRole, _key: &str) -> Result<Option<StoreValueWire>, StoreError> {
        // TODO(scaffold): read from your backend. The stub holds nothing, so nothing is found.
        Ok(None)
    }

    /// Writes one value durably.
    fn put(&self, _role: &StoreRole, _key: &str, _value: StoreValueWire) -> Result<(), StoreError> {
        // TODO(scaffold): write to your backend. Until then writes fail: an Ok would claim the
        // value was kept.
        Err(StoreError::Unsupported { op: "put".into() })
    }

    fn delete(&self, _role: &StoreRole, _key: &str) -> Result<(), StoreError> {
        // TODO(scaffold): delete from your backend.
        Err(StoreError::Unsupported {
            op: "delete".into(),
        })
    }

    /// Lists the entries whose keys start with `prefix`, a page at a time: `cursor` is the
    /// previous page's `next_cursor`.
    fn list(
        &self,
        _role: &StoreRole,
        _prefix: &str,
        _cursor: Option<String>,
    ) -> Result<StorePageWire, StoreError> {
        // TODO(scaffold): list from your backend. The stub holds nothing: one empty page.
        Ok(StorePageWire {
            items: Vec::new(),
            next_cursor: None,
        })
    }

    /// Replaces the value only if the current one equals `expected` (`None`: the key is
    /// absent); `Ok(false)` when it does not, so callers can retry.
    fn compare_and_swap(
        &self,
        _role: &StoreRole,
        _key: &str,
        _expected: Option<StoreValueWire>,
        _new: StoreValueWire,
    ) -> Result<bool, StoreError> {
        // TODO(scaffold): swap atomically in your backend.
        Err(StoreError::Unsupported {
            op: "compare_and_swap".into(),
        })
    }

    // append (a put by default), watch ("unsupported" by default), cancel_watch and shutdown
    // keep the trait's defaults.
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        store as store_entity {
            inner_name: "",
            plugin_type: DemoStore,
            factory: DemoStore::from_config_json,
        },
    ],
}

#[cfg(test)]
mod tests;
