//! Demo Secret Provider: a `secret_provider` plugin for MCPG (`dev.example.secret_provider.demo`).
//!
//! The gateway resolves every secret reference of the form `demo://…` through this plugin.
//! Listing it in `plugins[]` is all the wiring: the scheme comes from `supported_schemes()`.
//!
//! Scaffolded by `mcpg-plugins new`: every `TODO(scaffold)` marks a stub that returns a safe
//! default. Replace them, then `make test`.

use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
use mcpg_plugin_protocol::secret::{SecretError, SecretValueWire, parse_secret_ref};
use mcpg_plugin_sdk::ffi::SyncSecretProvider;
use mcpg_plugin_sdk::{HostHandle, declare_plugin};
use serde::Deserialize;

/// Plugin id: `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.secret_provider.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Secret Provider";

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
    // /// Address of the secret store.
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
pub struct DemoSecretProvider {
    manifest: PluginManifest,
    config: Config,
    /// Calls back into the gateway: secrets, config, metrics, audit, cluster.
    host: HostHandle,
}

impl DemoSecretProvider {
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
        plugin_class: PluginClass::SecretProvider,
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

impl SyncSecretProvider for DemoSecretProvider {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    fn supported_schemes(&self) -> Vec<String> {
        vec![SCHEME.to_owned()]
    }

    /// Fetches one secret, e.g. `demo://db/password`.
    fn get(&self, secret_ref: &str) -> Result<SecretValueWire, SecretError> {
        // SCHEME is a constant here, so only `demo://…` references match.
        let Some((SCHEME, _path)) = parse_secret_ref(secret_ref) else {
            return Err(SecretError::InvalidReference {
                message: format!("{PLUGIN_ID} serves {SCHEME}:// references only"),
            });
        };
        // TODO(scaffold): look `_path` up in your secret store and return
        // SecretValueWire { bytes, version: None, expires_at: None, metadata: Default::default() }.
        // Until then every lookup fails: NotFound would let callers fall back to a default.
        Err(SecretError::Backend {
            reason: format!("{PLUGIN_ID}: secret provider not implemented"),
        })
    }

    // watch (rotation events), cancel_watch and shutdown keep the trait's defaults.
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        secret_provider as secret_provider_entity {
            inner_name: "",
            plugin_type: DemoSecretProvider,
            factory: DemoSecretProvider::from_config_json,
        },
    ],
}

#[cfg(test)]
mod tests;
