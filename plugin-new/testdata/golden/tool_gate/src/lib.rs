//! Demo Tool Gate: a tool_gate plugin for MCPG.
//!
//! Plugin id `dev.example.tool_gate.demo`.
//!
//! The gateway asks a tool gate twice per tool call:
//!
//! - before dispatch ([`SyncToolGate::evaluate_pre`]), in this order: deny rules, the
//!   verified-identity requirement, the `_meta` challenge, then allow;
//! - after dispatch ([`SyncToolGate::evaluate_post`]): the result size limit, then allow,
//!   annotating slow calls.
//!
//! The gateway also asks before prompts, resources and completions are served: `ctx.surface`
//! says which, and `ctx.tool_name` holds the name. The rules here match that name whatever the
//! surface.
//!
//! The rules come from the operator's `config:` block ([`config::GateConfig`]). Everything
//! marked `TODO(scaffold)` is a starting point to replace with this plugin's own policy.

use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
use mcpg_plugin_protocol::types::{GateDecision, PluginContext};
use mcpg_plugin_sdk::HostHandle;
use mcpg_plugin_sdk::declare_plugin;
use mcpg_plugin_sdk::ffi::SyncToolGate;
use serde_json::{Value, json};

pub mod config;
#[cfg(test)]
mod tests;

use config::{GateConfig, find_match};

/// The plugin id: the same string as `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.tool_gate.demo";

/// The display name: the same string as `name` in plugin.yaml.
pub const PLUGIN_NAME: &str = "Demo Tool Gate";

/// Host capabilities this plugin needs granted, declared once: `declare_plugin!` publishes this
/// list and plugin.yaml's `required_capabilities` must say exactly the same, or the gateway
/// refuses to boot. A pure policy gate needs none; add e.g. `Capability::NetworkOutbound` here
/// (and in plugin.yaml) before calling out to an external service.
pub const CAPABILITIES: &[Capability] = &[];

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
}

/// The trust level the gateway gives a caller whose credentials an identity provider verified.
const VERIFIED: &str = "verified";

/// The plugin instance: one per `plugins[]` entry, shared by concurrent calls (hence no `&mut`).
pub struct DemoGate {
    manifest: PluginManifest,
    config: GateConfig,
    /// Host services (metrics, audit, secrets, spans), kept for the plugin's whole lifetime.
    host: HostHandle,
}

impl DemoGate {
    /// The factory `declare_plugin!` calls with the operator's config JSON. Panics on bad
    /// config, which the gateway reports as a boot error (see [`GateConfig::from_json`]).
    pub fn from_config_json(config_json: &str, host: HostHandle) -> Self {
        Self {
            manifest: manifest(),
            config: GateConfig::from_json(config_json),
            host,
        }
    }

    /// A `Deny`, counted per rule. Label values must stay few (rule names, never tool names
    /// or subjects): every distinct value is a new time series in the gateway's metrics.
    fn deny(&self, http_status: u16, code: i32, message: String, data: Value) -> GateDecision {
        let labels = [("rule", data["rule"].as_str().unwrap_or("unknown"))];
        self.host.counter("tool_gate_denials_total", 1, &labels);
        GateDecision::Deny {
            http_status,
            code,
            message,
            error_data: Some(data),
        }
    }
}

/// The manifest the gateway compares with plugin.yaml (id, name, class, protocol version).
fn manifest() -> PluginManifest {
    PluginManifest {
        id: PLUGIN_ID.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        name: PLUGIN_NAME.to_owned(),
        plugin_class: PluginClass::ToolGate,
        protocol_version: PROTOCOL_VERSION.to_owned(),
        license: Some("Apache-2.0".to_owned()),
        // Filled in by the host from CAPABILITIES; the plugin leaves it empty.
        required_capabilities: Vec::new(),
        tags: Vec::new(),
        provides: Vec::new(),
        provides_schemes: Vec::new(),
        module_path_prefix: module_path!()
            .split("::")
            .next()
            .unwrap_or_default()
            .to_owned(),
        backend_profile: None,
    }
}

impl SyncToolGate for DemoGate {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    // `_config` is the operator's config block again, on every call; the typed copy parsed
    // and validated in the factory is used instead.
    fn evaluate_pre(
        &self,
        ctx: &PluginContext,
        _arguments: &Value,
        meta: Option<&Value>,
        _config: &Value,
    ) -> GateDecision {
        let tool = ctx.tool_name.as_str();
        let config = &self.config;

        // 1. Deny: the tool is never callable through this gateway.
        if let Some(pattern) = find_match(&config.deny_tools, tool) {
            return self.deny(
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
            return self.deny(
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
            let proof = meta
                .and_then(|m| m.get(key))
                .and_then(Value::as_str)
                .filter(|p| !p.is_empty());
            // TODO(scaffold): verify the proof (a signature, a one-time token looked up in a
            // store, a payment receipt). As generated, any non-empty string is accepted.
            if proof.is_some() {
                return GateDecision::allow_with_metadata(
                    json!({"gate": PLUGIN_ID, "rule": "challenge_tools", "pattern": pattern}),
                );
            }
            self.host.counter("tool_gate_challenges_total", 1, &[]);
            return GateDecision::Challenge {
                http_status: 402,
                code: codes::CHALLENGE,
                message: format!("tool '{tool}' needs `_meta.{key}`; retry the call with it"),
                challenge_data: json!({
                    "gate": PLUGIN_ID,
                    "rule": "challenge_tools",
                    "pattern": pattern,
                    "meta_key": key,
                    "hint": format!("set params._meta[\"{key}\"] to a proof and call again"),
                }),
            };
        }

        // To pause the call until a human approves it instead (native plugins only; the
        // gateway sends the request to its approval_notifier plugins and resumes or refuses
        // the call when one answers or the deadline passes):
        //
        // return GateDecision::PendingApproval {
        //     approval_id: new_unique_id(),                   // e.g. a UUID, one per call
        //     deadline_at: "2030-01-01T00:00:00Z".to_owned(), // RFC 3339
        //     summary: format!("call to {tool} needs approval"),
        //     target_notifiers: Vec::new(),                   // empty: every bound notifier
        //     metadata: Some(json!({"severity": "high"})),
        // };

        // 4. Allow. The metadata is attached to the response's `_meta`.
        GateDecision::allow_with_metadata(json!({"gate": PLUGIN_ID, "rule": "default"}))
    }

    // A post-dispatch gate must not return PendingApproval: the tool has already run, and the
    // gateway answers such a decision with an internal error.
    fn evaluate_post(
        &self,
        ctx: &PluginContext,
        _arguments: &Value,
        result: &Value,
        duration_ms: u64,
        _config: &Value,
    ) -> GateDecision {
        // 1. Size limit: withhold a result larger than the operator allows. A result that
        //    cannot be serialised counts as too large (fail closed).
        if let Some(limit) = self.config.max_result_bytes {
            let size = serde_json::to_vec(result).map_or(usize::MAX, |bytes| bytes.len());
            if size > limit {
                return self.deny(
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
                // return GateDecision::Allow {
                //     modified_arguments: None,
                //     modified_result: Some(json!({
                //         "content": [{"type": "text", "text": "[result withheld: too large]"}],
                //         "isError": true,
                //     })),
                //     metadata: Some(json!({"gate": PLUGIN_ID, "rule": "max_result_bytes"})),
                // };
            }
        }

        // 2. Slow call: allow, but say so in the response metadata.
        if let Some(threshold) = self.config.slow_call_ms
            && duration_ms > threshold
        {
            return GateDecision::allow_with_metadata(json!({
                "gate": PLUGIN_ID,
                "rule": "slow_call_ms",
                "duration_ms": duration_ms,
                "threshold_ms": threshold,
            }));
        }

        // 3. Allow.
        GateDecision::allow()
    }
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        tool_gate as gate {
            inner_name: "",
            plugin_type: DemoGate,
            factory: |config: &str, host: HostHandle| {
                DemoGate::from_config_json(config, host)
            },
        },
    ],
}
