//! Demo Credential Issuer: a `credential_issuer` plugin for MCPG (`dev.example.credential_issuer.demo`).
//!
//! A credential issuer hands out backend credentials per request, chosen by the caller's
//! identity and a target the operator names. Where a backend secret would go, the operator writes
//!
//! `cred://dev.example.credential_issuer.demo/<target>`
//!
//! and the gateway calls `issue` per request, caching the answer for the TTL it carries (the
//! issuer itself caches nothing).
//!
//! Scaffolded by `mcpg-plugins new`: every `TODO(scaffold)` marks a stub that returns a safe
//! default. Replace them, then `make test`.

use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::credential::{CredentialError, IssuedCredential};
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
use mcpg_plugin_protocol::types::PluginIdentity;
use mcpg_plugin_sdk::ffi::SyncCredentialIssuer;
use mcpg_plugin_sdk::{HostHandle, declare_plugin};
use serde::Deserialize;
use serde_json::Value;

/// Plugin id: `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.credential_issuer.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Credential Issuer";

/// Host capabilities the plugin needs granted. plugin.yaml's `required_capabilities` must list
/// exactly these, or the gateway refuses to boot.
///
/// Asking an outside authority (Vault, a cloud IAM) needs `Capability::NetworkOutbound`
/// (`network_outbound` in plugin.yaml).
pub const CAPABILITIES: &[Capability] = &[];

/// The operator's `config:` block for this plugin.
///
/// Unknown keys are rejected, so a typo refuses the plugin instead of being ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    // TODO(scaffold): your settings, each with a default, for example
    // /// Address of the credential authority.
    // #[serde(default)]
    // pub authority_url: String,
}

impl Config {
    /// Rejects values that parse but make no sense. Panicking here refuses the plugin at boot.
    fn validate(&self) {
        // TODO(scaffold): e.g. assert!(!self.authority_url.is_empty(), "`authority_url` is required");
    }
}

/// One instance per `plugins[]` entry, shared by every call (hence `Send + Sync`).
#[expect(
    dead_code,
    reason = "TODO(scaffold): the stub reads neither `config` nor `host`; drop this when it does"
)]
pub struct DemoCredentialIssuer {
    manifest: PluginManifest,
    config: Config,
    /// Calls back into the gateway: secrets, config, metrics, audit, cluster.
    host: HostHandle,
}

impl DemoCredentialIssuer {
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
        plugin_class: PluginClass::CredentialIssuer,
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

impl SyncCredentialIssuer for DemoCredentialIssuer {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    /// Issues a credential for `identity` to use against `target`. `config` is the settings the
    /// operator attached to this target.
    fn issue(
        &self,
        _identity: &PluginIdentity,
        _target: &str,
        _config: &Value,
    ) -> Result<IssuedCredential, CredentialError> {
        // TODO(scaffold): map the caller to a role and fetch a credential, e.g.
        // `Ok(IssuedCredential::from_value(secret, ttl_seconds))`. Errors become HTTP statuses:
        // NotAuthorized 403 (the caller maps to no role), Backend or Throttled 503 (the authority
        // is unreachable or busy), Misconfigured 500. The stub has no authority to ask.
        Err(CredentialError::Misconfigured {
            reason: "no credential authority implemented yet".into(),
        })
    }

    // revoke (nothing to revoke) and shutdown keep the trait's defaults.
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        credential_issuer as credential_issuer_entity {
            inner_name: "",
            plugin_type: DemoCredentialIssuer,
            factory: DemoCredentialIssuer::from_config_json,
        },
    ],
}

#[cfg(test)]
mod tests;
