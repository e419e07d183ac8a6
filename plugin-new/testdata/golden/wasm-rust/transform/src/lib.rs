//! Demo Transform: a `transform` plugin for MCPG (`dev.example.transform.demo`), as a WebAssembly component.
//!
//! The gateway runs every transform in `plugins[]` order on each tool call: on the arguments
//! before the tool runs (`transform-arguments`), and on the result after it ran
//! (`transform-output`): masking, field mapping, enrichment. It instantiates this component (world
//! `transform-plugin` of `wit/plugin.wit`) afresh for every call.
//!
//! Scaffolded by `mcpg-plugins new --runtime wasm`: every `TODO(scaffold)` marks a stub that
//! returns a safe default. Replace them, then `make test`.

wit_bindgen::generate!({
    path: "wit",
    world: "transform-plugin",
});

#[cfg(test)]
mod tests;

use exports::mcpg::plugin::transform::Guest;
use mcpg::plugin::types::{PluginContext, PluginManifest, TransformResult};
use serde::Deserialize;

/// Plugin id: `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.transform.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Transform";

/// The class: `class` in plugin.yaml (the gateway takes the class from there).
pub const PLUGIN_CLASS: &str = "transform";

/// The gateway loads a component only if its manifest says exactly this protocol version.
pub const PROTOCOL_VERSION: &str = "1.0";

/// The operator's `config:` block for this plugin, passed as JSON text with every call.
///
/// Unknown keys are rejected, so a typo fails the call instead of being ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    // TODO(scaffold): your settings, each with a default, for example
    // /// Argument fields to mask.
    // #[serde(default)]
    // pub mask_fields: Vec<String>,
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
        // TODO(scaffold): e.g. if self.mask_fields.iter().any(|f| f.is_empty()) { return Err(…) }
        Ok(())
    }
}

/// A config that does not parse fails every call (an error stops the tool call at the gateway)
/// rather than letting it through untransformed.
fn rejected(problem: String) -> TransformResult {
    TransformResult::Error(format!(
        "plugin config rejected (failing closed): {problem}"
    ))
}

/// The component. It keeps no state: the gateway instantiates it afresh for every call.
pub struct DemoTransform;

impl Guest for DemoTransform {
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

    /// Rewrites the tool's arguments (JSON text) before it runs: `Modified(json)` replaces them,
    /// `Unchanged` passes them on, `Error(message)` stops the call.
    fn transform_arguments(
        _ctx: PluginContext,
        _arguments: String,
        config: String,
    ) -> TransformResult {
        let _config = match Config::from_json(&config) {
            Ok(config) => config,
            Err(problem) => return rejected(problem),
        };
        // TODO(scaffold): return TransformResult::Modified(json_text) with the rewritten
        // arguments. Passing them on untouched is the safe default: it claims nothing about them.
        TransformResult::Unchanged
    }

    /// Rewrites the tool's result (JSON text) after it ran; same contract as
    /// `transform_arguments`.
    fn transform_output(_ctx: PluginContext, _result: String, config: String) -> TransformResult {
        let _config = match Config::from_json(&config) {
            Ok(config) => config,
            Err(problem) => return rejected(problem),
        };
        // TODO(scaffold): rewrite the result here (e.g. redact fields), or keep it Unchanged.
        TransformResult::Unchanged
    }
}

export!(DemoTransform);
