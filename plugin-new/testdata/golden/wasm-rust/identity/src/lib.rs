//! Demo Identity Provider: an `identity_provider` plugin for MCPG (`dev.example.identity.demo`), as a WebAssembly
//! component.
//!
//! The gateway asks the identity providers in `plugins[]`, in order, who sent a request, from its
//! headers. The first `Resolved` answer wins; `None` passes the question on to the next provider;
//! `Invalid` refuses the request. It instantiates this component (world `identity-plugin` of
//! `wit/plugin.wit`) afresh for every call. Unlike a native provider, a Wasm one sees no connection
//! metadata (peer address, TLS) and cannot add response headers.
//!
//! Scaffolded by `mcpg-plugins new --runtime wasm`: every `TODO(scaffold)` marks a stub that
//! returns a safe default. Replace them, then `make test`.

wit_bindgen::generate!({
    path: "wit",
    world: "identity-plugin",
});

#[cfg(test)]
mod tests;

use exports::mcpg::plugin::identity::Guest;
use mcpg::plugin::types::{IdentityResolution, PluginManifest};
use serde::Deserialize;

/// Plugin id: `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.identity.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Identity Provider";

/// The class: `class` in plugin.yaml (the gateway takes the class from there).
pub const PLUGIN_CLASS: &str = "identity_provider";

/// The gateway loads a component only if its manifest says exactly this protocol version.
pub const PROTOCOL_VERSION: &str = "1.0";

/// The operator's `config:` block for this plugin, passed as JSON text with every call.
///
/// Unknown keys are rejected, so a typo fails the call instead of being ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    // TODO(scaffold): your settings, each with a default, for example
    // /// The header carrying the credential.
    // #[serde(default)]
    // pub header: String,
}

impl Config {
    /// Parses the config text; empty text, `null` and `{}` give the defaults.
    ///
    /// # Errors
    ///
    /// On malformed JSON, an unknown key or a value `validate` rejects.
    pub fn from_json(config_json: &str) -> Result<Self, String> {
        let text = config_json.trim();
        let config: Self = if text.is_empty() || text == "null" {
            Self::default()
        } else {
            serde_json::from_str(text).map_err(|e| e.to_string())?
        };
        config.validate()?;
        Ok(config)
    }

    /// Rejects values that parse but make no sense.
    fn validate(&self) -> Result<(), String> {
        // TODO(scaffold): e.g. if self.header.is_empty() { return Err("`header` is required".into()) }
        Ok(())
    }
}

/// The component. It keeps no state: the gateway instantiates it afresh for every call.
pub struct DemoIdentity;

impl Guest for DemoIdentity {
    /// Read once at load: the gateway compares id and name with plugin.yaml and requires
    /// protocol-version "1.0".
    fn manifest() -> PluginManifest {
        PluginManifest {
            id: PLUGIN_ID.to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            name: PLUGIN_NAME.to_owned(),
            plugin_class: PLUGIN_CLASS.to_owned(),
            protocol_version: PROTOCOL_VERSION.to_owned(),
        }
    }

    /// Decides who sent the request from its headers (in request order, names as received):
    /// `Resolved(identity)` for a valid credential, `None` when the request carries none this
    /// plugin understands, `Invalid(reason)` when it carries one that fails verification.
    fn resolve_identity(_headers: Vec<(String, String)>, config: String) -> IdentityResolution {
        // A config that does not parse refuses every request rather than letting it fall through
        // (a trap would: the gateway treats a failing Wasm identity provider as `None`).
        let _config = match Config::from_json(&config) {
            Ok(config) => config,
            Err(problem) => {
                return IdentityResolution::Invalid(format!(
                    "plugin config rejected (failing closed): {problem}"
                ));
            }
        };
        // TODO(scaffold): find and verify your credential in the headers, then return
        // IdentityResolution::Resolved(PluginIdentity { kind: "verified".into(), … }).
        // Until then nobody is identified: None vouches for no one and lets the next provider
        // decide.
        IdentityResolution::None
    }
}

export!(DemoIdentity);
