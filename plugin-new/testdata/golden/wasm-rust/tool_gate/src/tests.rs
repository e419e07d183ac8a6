//! Unit tests, run natively by `cargo test`: they call the component's exports as plain Rust
//! functions, with the types wit-bindgen generates from wit/plugin.wit. `make test` then runs the
//! built component in a mock gateway (`mcpg-plugins test`), the way the gateway runs it.

use super::*;
use config::DEFAULT_CHALLENGE_META_KEY;
use mcpg::plugin::types::PluginIdentity;

/// The component under test.
type Plugin = DemoGate;

/// A call to `tool` by a verified caller, as the gateway describes it.
fn context(tool: &str) -> PluginContext {
    PluginContext {
        request_id: "req-0001".to_owned(),
        session_id: Some("sess-0001".to_owned()),
        tool_name: tool.to_owned(),
        surface: "tool".to_owned(),
        identity: PluginIdentity {
            kind: "verified".to_owned(),
            trust_level: VERIFIED.to_owned(),
            subject_id: Some("alice@example.com".to_owned()),
            auth_provider: Some("oidc".to_owned()),
            issuer: Some("https://accounts.example.com".to_owned()),
            roles: vec!["reader".to_owned()],
            groups: Vec::new(),
            scopes: Vec::new(),
            attributes: vec![("tenant_id".to_owned(), "acme-prod".to_owned())],
        },
        transport: "http".to_owned(),
    }
}

/// The same call by a caller nobody identified.
fn anonymous(tool: &str) -> PluginContext {
    let mut ctx = context(tool);
    ctx.identity.kind = "anonymous".to_owned();
    ctx.identity.trust_level = "anonymous".to_owned();
    ctx.identity.subject_id = None;
    ctx
}

fn pre(ctx: PluginContext, meta: Option<Value>, config: &Value) -> GateDecision {
    Plugin::evaluate_pre_dispatch(
        ctx,
        "{}".to_owned(),
        meta.map(|m| m.to_string()),
        config.to_string(),
    )
}

fn post(result: &Value, duration_ms: u64, config: &Value) -> GateDecision {
    Plugin::evaluate_post_dispatch(
        context("search_docs"),
        "{}".to_owned(),
        result.to_string(),
        duration_ms,
        config.to_string(),
    )
}

/// The JSON in an optional text field of a decision.
fn json_of(text: Option<&String>) -> Value {
    serde_json::from_str(text.expect("the decision carries JSON")).expect("valid JSON")
}

/// The status, code and error data of a `Deny`.
fn denial(decision: GateDecision) -> (u16, i32, String, Value) {
    match decision {
        GateDecision::Deny(d) => (
            d.http_status,
            d.code,
            d.message,
            json_of(d.error_data.as_ref()),
        ),
        other => panic!("expected a deny, got {other:?}"),
    }
}

fn is_allow(decision: &GateDecision) -> bool {
    matches!(decision, GateDecision::Allow(_))
}

#[test]
fn default_config_allows() {
    for config in ["", "null", "{}"] {
        let decision =
            Plugin::evaluate_pre_dispatch(context("search_docs"), "{}".into(), None, config.into());
        match decision {
            GateDecision::Allow(allow) => {
                assert_eq!(json_of(allow.metadata.as_ref())["rule"], "default");
            }
            other => panic!("config {config:?}: expected an allow, got {other:?}"),
        }
    }
}

#[test]
fn deny_rule_blocks_the_call() {
    let config = json!({"deny_tools": ["debug_*"]});
    let (status, code, message, data) = denial(pre(context("debug_dump"), None, &config));
    assert_eq!(status, 403);
    assert_eq!(code, codes::DENIED);
    assert!(message.contains("blocked by gateway policy"), "{message}");
    assert_eq!(data["rule"], "deny_tools");
    assert_eq!(data["pattern"], "debug_*");

    assert!(is_allow(&pre(context("search_docs"), None, &config)));
}

#[test]
fn verified_identity_required() {
    let config = json!({"require_verified_for": ["payroll_*"]});
    let (status, code, _, data) = denial(pre(anonymous("payroll_export"), None, &config));
    assert_eq!((status, code), (401, codes::UNVERIFIED));
    assert_eq!(data["trust_level"], "anonymous");
    assert!(is_allow(&pre(context("payroll_export"), None, &config)));
}

#[test]
fn challenge_until_proof_in_meta() {
    let config = json!({"challenge_tools": ["deploy_*"]});
    match pre(context("deploy_prod"), None, &config) {
        GateDecision::Challenge(challenge) => {
            assert_eq!(challenge.http_status, 402);
            assert_eq!(challenge.code, codes::CHALLENGE);
            let data: Value = serde_json::from_str(&challenge.challenge_data).unwrap();
            assert_eq!(data["meta_key"], DEFAULT_CHALLENGE_META_KEY);
        }
        other => panic!("expected a challenge, got {other:?}"),
    }
    let proof = json!({DEFAULT_CHALLENGE_META_KEY: "token-123"});
    assert!(is_allow(&pre(context("deploy_prod"), Some(proof), &config)));
    // An empty proof is no proof.
    let empty = json!({DEFAULT_CHALLENGE_META_KEY: ""});
    let decision = pre(context("deploy_prod"), Some(empty), &config);
    assert!(!is_allow(&decision), "{decision:?}");
}

#[test]
fn oversized_result_denied_after_dispatch() {
    let config = json!({"max_result_bytes": 256});
    let small = json!({"content": [{"type": "text", "text": "short"}], "isError": false});
    assert!(is_allow(&post(&small, 1, &config)));

    let large = json!({"content": [{"type": "text", "text": "x".repeat(1024)}], "isError": false});
    let (status, code, _, data) = denial(post(&large, 1, &config));
    assert_eq!((status, code), (403, codes::RESULT_TOO_LARGE));
    assert_eq!(data["limit"], 256);
}

#[test]
fn slow_call_annotated() {
    let config = json!({"slow_call_ms": 1000});
    let result = json!({"content": [], "isError": false});
    match post(&result, 1500, &config) {
        GateDecision::Allow(allow) => {
            assert_eq!(json_of(allow.metadata.as_ref())["rule"], "slow_call_ms");
        }
        other => panic!("expected an annotated allow, got {other:?}"),
    }
    match post(&result, 10, &config) {
        GateDecision::Allow(allow) => assert_eq!(allow.metadata, None),
        other => panic!("expected a plain allow, got {other:?}"),
    }
}

/// Every call, before and after dispatch, is refused with the config's problem.
fn assert_fails_closed(config_json: &str, problem: &str) {
    let decisions = [
        Plugin::evaluate_pre_dispatch(
            context("search_docs"),
            "{}".into(),
            None,
            config_json.into(),
        ),
        Plugin::evaluate_post_dispatch(
            context("search_docs"),
            "{}".into(),
            "null".into(),
            1,
            config_json.into(),
        ),
    ];
    for decision in decisions {
        let (status, code, message, _) = denial(decision);
        assert_eq!((status, code), (500, codes::CONFIG_REJECTED));
        assert!(message.contains("failing closed"), "{message}");
        assert!(message.contains(problem), "{message}");
    }
}

#[test]
fn malformed_config_fails_closed() {
    assert_fails_closed("not-json", "expected");
}

#[test]
fn unknown_key_fails_closed() {
    assert_fails_closed(r#"{"deny_tool": ["debug_*"]}"#, "unknown field `deny_tool`");
}

#[test]
fn contradictory_rules_fail_closed() {
    let config = json!({"deny_tools": ["debug_*"], "challenge_tools": ["debug_dump"]});
    assert_fails_closed(&config.to_string(), "can never apply");
}

#[test]
fn empty_pattern_fails_closed() {
    assert_fails_closed(r#"{"deny_tools": [""]}"#, "is empty");
}

#[test]
fn empty_config_gives_defaults() {
    assert_eq!(GateConfig::from_json("{}"), Ok(GateConfig::default()));
    assert_eq!(GateConfig::from_json(""), Ok(GateConfig::default()));
}

/// The value of a top-level `key: value` line of plugin.yaml.
fn descriptor(key: &str) -> String {
    include_str!("../plugin.yaml")
        .lines()
        .find_map(|line| line.strip_prefix(key)?.strip_prefix(": "))
        .unwrap_or_else(|| panic!("plugin.yaml has no {key}"))
        .trim_matches('"')
        .to_owned()
}

#[test]
fn manifest_matches_descriptor() {
    let manifest = Plugin::manifest();
    assert_eq!(manifest.id, descriptor("id"));
    assert_eq!(manifest.name, descriptor("name"));
    assert_eq!(manifest.plugin_class, descriptor("class"));
    assert_eq!(manifest.protocol_version, descriptor("protocol_version"));
    assert_eq!(descriptor("runtime"), "wasi-v1");
}
