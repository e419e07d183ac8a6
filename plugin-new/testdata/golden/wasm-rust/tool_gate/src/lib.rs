//! Demo Tool Gate: a tool_gate plugin for MCPG, as a WebAssembly component.
//!
//! Plugin id `dev.example.tool_gate.demo`.
//!
//! The gateway instantiates this component (world `tool-gate-plugin` of `wit/plugin.wit`) afresh for
//! every call and asks it twice per tool call:
//!
//! - before dispatch (`evaluate-pre-dispatch`), in this order: deny rules, the verified-identity
//!   requirement, the `_meta` challenge, then allow;
//! - after dispatch (`evaluate-post-dispatch`): the result size limit, then allow, annotating slow
//!   calls.
//!
//! The gateway also asks before prompts, resources and completions are served: `ctx.surface` says
//! which, and `ctx.tool_name` holds the name. The rules here match that name whatever the surface.
//!
//! The rules come from the operator's `config:` block ([`config::GateConfig`]), which the gateway
//! passes as JSON text with every call. Everything marked `TODO(scaffold)` is a starting point to
//! replace with this plugin's own policy.

wit_bindgen::generate!({
    path: "wit",
    world: "tool-gate-plugin",
});

pub mod config;
#[cfg(test)]
mod tests;

use config::{GateConfig, find_match};
use exports::mcpg::plugin::tool_gate::Guest;
use mcpg::plugin::types::{
    GateAllow, GateChallenge, GateDecision, GateDenial, PluginContext, PluginManifest,
};
use serde_json::{Value, json};

/// The plugin id: the same string as `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.tool_gate.demo";

/// The display name: the same string as `name` in plugin.yaml.
pub const PLUGIN_NAME: &str = "Demo Tool Gate";

/// The class: the same string as `class` in plugin.yaml (the gateway takes the class from there).
pub const PLUGIN_CLASS: &str = "tool_gate";

/// The gateway loads a component only if its manifest says exactly this protocol version.
pub const PROTOCOL_VERSION: &str = "1.0";

/// JSON-RPC error codes this gate answers with. Any value in the implementation-defined range
/// -32000..=-32099 works; these do not collide with the codes the gateway itself uses.
pub mod codes {
    /// A `deny_tools` rule matched.
    pub const DENIED: i32 = -32030;
    /// A `require_verified_for` rule matched and the caller is not verified.
    pub const UNVERIFIED: i32 = -32031;
    /// A `challenge_tools` rule matched and `_meta` carries no proof.
    pub const CHALLENGE: i32 = -32032;
    /// The result is larger than `max_result_bytes`.
    pub const RESULT_TOO_LARGE: i32 = -32033;
    /// The operator's config is malformed or contradictory: every call is refused.
    pub const CONFIG_REJECTED: i32 = -32034;
}

/// The trust level the gateway gives a caller whose credentials an identity provider verified.
const VERIFIED: &str = "verified";

/// The component. It keeps no state: the gateway instantiates it afresh for every call.
pub struct DemoGate;

/// An `Allow`; `metadata` is attached to the response's `_meta`.
fn allow(metadata: Option<Value>) -> GateDecision {
    GateDecision::Allow(GateAllow {
        metadata: metadata.map(|m| m.to_string()),
        modified_arguments: None,
        modified_result: None,
    })
}

/// A `Deny` with JSON error data.
fn deny(http_status: u16, code: i32, message: String, data: Value) -> GateDecision {
    GateDecision::Deny(GateDenial {
        http_status,
        code,
        message,
        error_data: Some(data.to_string()),
    })
}

/// The config from the JSON text the gateway passes, or the `Deny` that refuses the call when it
/// is malformed or contradictory: a component has no load-time hook that could refuse the plugin,
/// so a security gate with a broken config fails closed on every call instead.
fn load_config(config_json: &str) -> Result<GateConfig, GateDecision> {
    GateConfig::from_json(config_json).map_err(|problem| {
        deny(
            500,
            codes::CONFIG_REJECTED,
            format!("plugin config rejected (failing closed): {problem}"),
            json!({"gate": PLUGIN_ID, "rule": "config"}),
        )
    })
}

impl Guest for DemoGate {
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

    // `arguments` is the call's arguments as JSON text; `meta` the request's `_meta` object, absent
    // when it had none.
    fn evaluate_pre_dispatch(
        ctx: PluginContext,
        _arguments: String,
        meta: Option<String>,
        config: String,
    ) -> GateDecision {
        let config = match load_config(&config) {
            Ok(config) => config,
            Err(refusal) => return refusal,
        };
        let tool = ctx.tool_name.as_str();

        // 1. Deny: the tool is never callable through this gateway.
        if let Some(pattern) = find_match(&config.deny_tools, tool) {
            return deny(
                403,
                codes::DENIED,
                format!("tool '{tool}' is blocked by gateway policy"),
                json!({"gate": PLUGIN_ID, "rule": "deny_tools", "pattern": pattern}),
            );
        }

        // 2. Identity: the tool needs a caller whose credentials were verified.
        if let Some(pattern) = find_match(&config.require_verified_for, tool)
            && ctx.identity.trust_level != VERIFIED
        {
            return deny(
                401,
                codes::UNVERIFIED,
                format!("tool '{tool}' requires a verified caller"),
                json!({
                    "gate": PLUGIN_ID,
                    "rule": "require_verified_for",
                    "pattern": pattern,
                    "trust_level": ctx.identity.trust_level,
                }),
            );
        }

        // 3. Challenge: the client must retry with a proof in `_meta`.
        if let Some(pattern) = find_match(&config.challenge_tools, tool) {
            let key = config.challenge_meta_key.as_str();
            let meta: Option<Value> = meta.and_then(|m| serde_json::from_str(&m).ok());
            let proof = meta
                .as_ref()
                .and_then(|m| m.get(key))
                .and_then(Value::as_str)
                .filter(|p| !p.is_empty());
            // TODO(scaffold): verify the proof (a signature, a one-time token, a payment receipt).
            // As generated, any non-empty string is accepted.
            if proof.is_some() {
                return allow(Some(
                    json!({"gate": PLUGIN_ID, "rule": "challenge_tools", "pattern": pattern}),
                ));
            }
            return GateDecision::Challenge(GateChallenge {
                http_status: 402,
                code: codes::CHALLENGE,
                message: format!("tool '{tool}' needs `_meta.{key}`; retry the call with it"),
                challenge_data: json!({
                    "gate": PLUGIN_ID,
                    "rule": "challenge_tools",
                    "pattern": pattern,
                    "meta_key": key,
                    "hint": format!("set params._meta[\"{key}\"] to a proof and call again"),
                })
                .to_string(),
            });
        }

        // 4. Allow. (A Wasm gate cannot pause a call for human approval: the WIT decision has no
        //    pending-approval case; that needs a native plugin.)
        allow(Some(json!({"gate": PLUGIN_ID, "rule": "default"})))
    }

    // `result` is the tool's result as JSON text; the duration is the dispatch's wall time.
    fn evaluate_post_dispatch(
        ctx: PluginContext,
        _arguments: String,
        result: String,
        execution_duration_ms: u64,
        config: String,
    ) -> GateDecision {
        let config = match load_config(&config) {
            Ok(config) => config,
            Err(refusal) => return refusal,
        };

        // 1. Size limit: withhold a result larger than the operator allows.
        if let Some(limit) = config.max_result_bytes {
            let size = result.len();
            if size > limit {
                return deny(
                    403,
                    codes::RESULT_TOO_LARGE,
                    format!(
                        "result of tool '{}' is {size} bytes, over the {limit}-byte limit",
                        ctx.tool_name
                    ),
                    json!({
                        "gate": PLUGIN_ID,
                        "rule": "max_result_bytes",
                        "limit": limit,
                        "size": size,
                    }),
                );
                // Or hand the client a replacement result instead of an error:
                //
                // return GateDecision::Allow(GateAllow {
                //     metadata: Some(json!({"gate": PLUGIN_ID, "rule": "max_result_bytes"}).to_string()),
                //     modified_arguments: None,
                //     modified_result: Some(
                //         json!({
                //             "content": [{"type": "text", "text": "[result withheld: too large]"}],
                //             "isError": true,
                //         })
                //         .to_string(),
                //     ),
                // });
            }
        }

        // 2. Slow call: allow, but say so in the response metadata.
        if let Some(threshold) = config.slow_call_ms
            && execution_duration_ms > threshold
        {
            return allow(Some(json!({
                "gate": PLUGIN_ID,
                "rule": "slow_call_ms",
                "duration_ms": execution_duration_ms,
                "threshold_ms": threshold,
            })));
        }

        // 3. Allow.
        allow(None)
    }
}

export!(DemoGate);
