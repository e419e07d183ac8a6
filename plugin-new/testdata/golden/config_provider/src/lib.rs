//! Demo Config Provider: a `config_provider` plugin for MCPG (`dev.example.config_provider.demo`).
//!
//! The gateway reads every config document referenced as `demo://…` through this plugin.
//! Listing it in `plugins[]` is all the wiring: the scheme comes from `supported_schemes()`.
//!
//! Scaffolded by `mcpg-plugins new`: every `TODO(scaffold)` marks a stub that returns a safe
//! default. Replace them, then `make test`.

use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::config::{ConfigError, ConfigSnapshot, parse_config_ref};
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
use mcpg_plugin_sdk::ffi::SyncConfigProvider;
use mcpg_plugin_sdk::{HostHandle, declare_plugin};
use serde::Deserialize;

/// Plugin id: `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.config_provider.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Config Provider";

/// The URI scheme this provider serves (`demo://…`). The gateway binds it to this plugin
/// from `supported_schemes()`, and refuses to boot when another provider claims it or when the
/// manifest's `provides_schemes` lists something else; plugin.yaml repeats it for catalogs.
pub const SCHEME: &str = "demo";

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
    // /// Address of the config service.
    // #[serde(default)]
    // pub url: String,
}

impl Config {
    /// Rejects values that parse but make no sense. Panicking here refuses the plugin at boot.
    fn validate(&self) {
        // TODO(scaffold): e.g. assert!(self.url.starts_with("https://"), "`url` must use https");
    }
}

/// One instance per `plugins[]` entry, shared by every call (hence `Send + Sync`).
#[expect(
    dead_code,
    reason = "TODO(scaffold): the stub reads neither `config` nor `host`; drop this when it does"
)]
pub struct DemoConfigProvider {
    manifest: PluginManifest,
    config: Config,
    /// Calls back into the gateway: secrets, config, metrics, audit, cluster.
    host: HostHandle,
}

impl DemoConfigProvider {
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
        plugin_class: PluginClass::ConfigProvider,
        protocol_version: PROTOCOL_VERSION.to_owned(),
        license: Some("Apache-2.0".to_owned()),
        // Filled in by the gateway from CAPABILITIES; leave empty.
        required_capabilities: Vec::new(),
        tags: Vec::new(),
        provides: Vec::new(),
        // Must equal supported_schemes(); plugin.yaml's provides_schemes repeats it.
        provides_schemes: vec![SCHEME.to_owned()],
        // Lets the gateway attribute this crate's tracing events to the plugin.
        module_path_prefix: module_path!()
            .split("::")
            .next()
            .unwrap_or_default()
            .to_owned(),
        backend_profile: None,
    }
}

impl SyncConfigProvider for DemoConfigProvider {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    fn supported_schemes(&self) -> Vec<String> {
        vec![SCHEME.to_owned()]
    }

    /// Reads the current version of one document, e.g. `demo://app/settings`.
    fn snapshot(&self, reference: &str) -> Result<ConfigSnapshot, ConfigError> {
        // SCHEME is a constant here, so only `demo://…` references match.
        let Some((SCHEME, _path)) = parse_config_ref(reference) else {
            return Err(ConfigError::InvalidReference {
                message: format!("{PLUGIN_ID} serves {SCHEME}:// references only"),
            });
        };
        // TODO(scaffold): fetch `_path` and return ConfigSnapshot { version, values,
        // fetched_at: <RFC 3339 UTC time>, source: reference.to_owned() }.
        // Until then every read fails: NotFound would let callers fall back to a default.
        Err(ConfigError::Backend {
            reason: format!("{PLUGIN_ID}: config provider not implemented"),
        })
    }

    // watch (change events), cancel_watch and shutdown keep the trait's defaults.
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        config_provider as config_provider_entity {
            inner_name: "",
            plugin_type: DemoConfigProvider,
            factory: DemoConfigProvider::from_config_json,
        },
    ],
}

#[cfg(test)]
mod tests;
