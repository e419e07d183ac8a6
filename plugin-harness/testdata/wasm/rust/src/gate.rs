//! tool-gate-plugin: the decisions of ../../fixtures.md §gate.

wit_bindgen::generate!({
    path: "../wit/plugin.wit",
    world: "tool-gate-plugin",
});

use exports::mcpg::plugin::tool_gate::Guest;
use mcpg::plugin::types::{
    GateAllow, GateChallenge, GateDecision, GateDenial, PluginContext, PluginManifest,
};

/// Results longer than this many bytes are denied after dispatch.
const MAX_RESULT_BYTES: usize = 1024;

struct Gate;

fn allow(metadata: Option<String>) -> GateDecision {
    GateDecision::Allow(GateAllow {
        metadata,
        modified_arguments: None,
        modified_result: None,
    })
}

fn deny(http_status: u16, code: i32, message: &str, error_data: Option<String>) -> GateDecision {
    GateDecision::Deny(GateDenial {
        http_status,
        code,
        message: message.to_string(),
        error_data,
    })
}

fn context_json(ctx: &PluginContext) -> String {
    let id = &ctx.identity;
    format!(
        r#"{{"request_id":{},"session_id":{},"tool_name":{},"surface":{},"transport":{},"identity":{{"kind":{},"trust_level":{},"subject_id":{},"auth_provider":{},"issuer":{},"roles":{},"groups":{},"scopes":{},"attributes":{}}}}}"#,
        json_string(&ctx.request_id),
        json_opt(&ctx.session_id),
        json_string(&ctx.tool_name),
        json_string(&ctx.surface),
        json_string(&ctx.transport),
        json_string(&id.kind),
        json_string(&id.trust_level),
        json_opt(&id.subject_id),
        json_opt(&id.auth_provider),
        json_opt(&id.issuer),
        json_list(&id.roles),
        json_list(&id.groups),
        json_list(&id.scopes),
        json_pairs(&id.attributes),
    )
}

impl Guest for Gate {
    fn manifest() -> PluginManifest {
        let m = crate::manifest("com.example.wasm-gate", "Wasm Fixture Gate", "tool_gate");
        PluginManifest {
            id: m.id,
            version: m.version,
            name: m.name,
            plugin_class: m.class,
            protocol_version: m.protocol,
        }
    }

    fn evaluate_pre_dispatch(
        ctx: PluginContext,
        arguments: String,
        meta: Option<String>,
        config: String,
    ) -> GateDecision {
        #[cfg(feature = "grow")]
        if ctx.tool_name == "grow.soft" {
            // Ask for 1100 pages (68.75 MiB) at once: refused by the gateway's limiter, and
            // memory.grow answers -1 instead of trapping.
            let got = core::arch::wasm32::memory_grow(0, 1100);
            return allow(Some(format!(r#"{{"memory_grow":{}}}"#, got as isize)));
        }
        crate::misbehave("evaluate-pre-dispatch");
        let tool = ctx.tool_name.as_str();
        if tool.starts_with("debug_") {
            return deny(
                403,
                -32030,
                "debug tools are blocked",
                Some(format!(r#"{{"tool":{}}}"#, json_string(tool))),
            );
        }
        match tool {
            "deny.all" => deny(403, -32001, "denied by test", None),
            "pay.me" => GateDecision::Challenge(GateChallenge {
                http_status: 402,
                code: -32099,
                message: "payment required".to_string(),
                challenge_data: r#"{"challenge_id":"abc123"}"#.to_string(),
            }),
            "rewrite" => GateDecision::Allow(GateAllow {
                metadata: None,
                modified_arguments: Some(format!(r#"{{"original":{arguments},"rewritten":true}}"#)),
                modified_result: None,
            }),
            // Text the gateway cannot use: dropped (allow), dropped (deny), null (challenge).
            "bad.allow" => GateDecision::Allow(GateAllow {
                metadata: Some("not json".to_string()),
                modified_arguments: Some(String::new()),
                modified_result: Some("{".to_string()),
            }),
            "bad.deny" => deny(
                403,
                -32002,
                "denied with bad data",
                Some("{oops".to_string()),
            ),
            "bad.challenge" => GateDecision::Challenge(GateChallenge {
                http_status: 402,
                code: -32098,
                message: "challenge with bad data".to_string(),
                challenge_data: "nope".to_string(),
            }),
            "echo" => allow(Some(format!(
                r#"{{"context":{},"arguments":{},"meta":{},"config":{}}}"#,
                context_json(&ctx),
                json_string(&arguments),
                json_opt(&meta),
                json_string(&config),
            ))),
            _ => allow(Some(format!(
                r#"{{"plugin":"wasm-fixture"{}}}"#,
                wasi_newer_note()
            ))),
        }
    }

    fn evaluate_post_dispatch(
        ctx: PluginContext,
        arguments: String,
        result: String,
        execution_duration_ms: u64,
        config: String,
    ) -> GateDecision {
        crate::misbehave("evaluate-post-dispatch");
        if result.len() > MAX_RESULT_BYTES {
            return deny(
                413,
                -32041,
                "result too large",
                Some(format!(
                    r#"{{"bytes":{},"limit":{MAX_RESULT_BYTES}}}"#,
                    result.len()
                )),
            );
        }
        match ctx.tool_name.as_str() {
            "post.deny" => deny(403, -32040, "result rejected", None),
            "redact" => GateDecision::Allow(GateAllow {
                metadata: None,
                modified_arguments: None,
                modified_result: Some(
                    r#"{"content":[{"type":"text","text":"[redacted]"}],"isError":false}"#
                        .to_string(),
                ),
            }),
            "echo" => allow(Some(format!(
                r#"{{"result":{},"duration_ms":{execution_duration_ms},"arguments":{},"config":{}}}"#,
                json_string(&result),
                json_string(&arguments),
                json_string(&config),
            ))),
            _ => allow(None),
        }
    }
}

export!(Gate);

/// Reports the WASI 0.2.12 clock and random imports (wasip2 2.x) as JSON members, so the build
/// with `wasi-newer` imports interfaces at a newer patch version than the gateway defines.
fn wasi_newer_note() -> String {
    #[cfg(feature = "wasi-newer")]
    {
        let now = wasip2::clocks::wall_clock::now();
        let random = wasip2::random::random::get_random_u64();
        return format!(
            r#","wall_clock_after_2020":{},"random_read":{}"#,
            now.seconds > 1_577_836_800,
            core::hint::black_box(random) == random
        );
    }
    #[allow(unreachable_code)]
    String::new()
}

/// JSON string literal for s (quotes included): the escapes serde_json itself writes.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_opt(s: &Option<String>) -> String {
    match s {
        Some(s) => json_string(s),
        None => "null".to_string(),
    }
}

fn json_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| json_string(s)).collect();
    format!("[{}]", parts.join(","))
}

fn json_pairs(pairs: &[(String, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}:{}", json_string(k), json_string(v)))
        .collect();
    format!("{{{}}}", parts.join(","))
}
