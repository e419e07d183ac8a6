//! Unit tests. Most drive the gate through the SDK's `MockGateway`, which runs a tool call the
//! way the gateway does (pre-dispatch gates, a simulated tool that echoes its arguments back as
//! the result, post-dispatch gates) without a gateway.

use super::*;
use config::DEFAULT_CHALLENGE_META_KEY;
use mcpg_plugin_protocol::PluginDescriptor;
use mcpg_plugin_sdk::SyncToolGateAdapter;
use mcpg_plugin_sdk::testing::{
    ContextBuilder, MockGateway, ToolCallPhase, ToolCallResultAssertions, stub_host_ref,
};

/// A host handle whose services do nothing, like the SDK's own tests use.
fn stub_host() -> HostHandle {
    // SAFETY: stub_host_ref() is a self-contained table of no-op functions with no context
    // pointer behind it, so it stays valid for as long as the handle lives.
    unsafe { HostHandle::from_ffi(stub_host_ref()) }
}

fn gate_from(config_json: &str) -> DemoGate {
    DemoGate::from_config_json(config_json, stub_host())
}

fn gate(config: &Value) -> DemoGate {
    gate_from(&config.to_string())
}

/// A mock gateway with this gate in its chain. Like the gateway, it passes the config twice: to
/// the factory, and again with every call.
fn gateway(config: Value) -> MockGateway {
    let plugin = Box::new(SyncToolGateAdapter::new(gate(&config)));
    MockGateway::new().with_tool_gate_config(plugin, config)
}

/// The verified caller in testdata/context.json.
fn context() -> PluginContext {
    serde_json::from_str(include_str!("../testdata/context.json"))
        .expect("testdata/context.json is a PluginContext")
}

#[tokio::test]
async fn default_config_allows() {
    let result = gateway(json!({}))
        .call_tool("search_docs", json!({"query": "gates"}))
        .await;
    result.assert_allowed();
}

#[tokio::test]
async fn deny_rule_blocks_the_call() {
    let gateway = gateway(json!({"deny_tools": ["debug_*"]}));

    let result = gateway.call_tool("debug_dump", json!({})).await;
    result.assert_denied_with_message("blocked by gateway policy");
    assert_eq!(result.phase, ToolCallPhase::PreDispatchGate);
    match &result.gate_decision {
        Some(GateDecision::Deny {
            http_status,
            code,
            error_data: Some(data),
            ..
        }) => {
            assert_eq!(*http_status, 403);
            assert_eq!(*code, codes::DENIED);
            assert_eq!(data["rule"], "deny_tools");
            assert_eq!(data["pattern"], "debug_*");
        }
        other => panic!("expected a deny naming its rule, got {other:?}"),
    }

    gateway
        .call_tool("search_docs", json!({}))
        .await
        .assert_allowed();
}

#[tokio::test]
async fn challenge_without_proof() {
    let result = gateway(json!({"challenge_tools": ["deploy_*"]}))
        .call_tool("deploy_prod", json!({}))
        .await;
    result.assert_challenged();
    let data = result.challenge_data().expect("a challenge carries data");
    assert_eq!(data["rule"], "challenge_tools");
    assert_eq!(data["meta_key"], DEFAULT_CHALLENGE_META_KEY);
}

#[tokio::test]
async fn challenge_satisfied_by_meta() {
    let gateway = gateway(json!({"challenge_tools": ["deploy_*"]}));

    let meta = json!({DEFAULT_CHALLENGE_META_KEY: "proof-123"});
    gateway
        .call_tool_with_meta("deploy_prod", json!({}), Some(meta))
        .await
        .assert_allowed();

    // An empty proof is no proof.
    let meta = json!({DEFAULT_CHALLENGE_META_KEY: ""});
    gateway
        .call_tool_with_meta("deploy_prod", json!({}), Some(meta))
        .await
        .assert_challenged();
}

#[tokio::test]
async fn verified_identity_required() {
    let config = json!({"require_verified_for": ["payroll_*"]});

    // MockGateway's caller is anonymous unless given an identity.
    gateway(config.clone())
        .call_tool("payroll_export", json!({}))
        .await
        .assert_denied_with_message("requires a verified caller");

    gateway(config)
        .with_default_identity(context().identity)
        .call_tool("payroll_export", json!({}))
        .await
        .assert_allowed();
}

#[test]
fn verified_identity_required_direct() {
    // The trait can also be called directly, with a context from the SDK's builder.
    let gate = gate(&json!({"require_verified_for": ["payroll_*"]}));
    let pre = |ctx: &PluginContext| gate.evaluate_pre(ctx, &json!({}), None, &json!({}));

    let anonymous = ContextBuilder::new("payroll_export").build();
    assert!(!pre(&anonymous).is_allow());
    let verified = ContextBuilder::new("payroll_export")
        .verified("alice")
        .build();
    assert!(pre(&verified).is_allow());
}

#[tokio::test]
async fn oversized_result_denied_after_dispatch() {
    let gateway = gateway(json!({"max_result_bytes": 256}));

    gateway
        .call_tool("search_docs", json!({"query": "short"}))
        .await
        .assert_allowed();

    // The simulated tool echoes its arguments, so a large argument makes a large result.
    let result = gateway
        .call_tool("search_docs", json!({"query": "x".repeat(1024)}))
        .await;
    assert!(result.is_denied(), "got {:?}", result.gate_decision);
    assert_eq!(result.phase, ToolCallPhase::PostDispatchGate);
}

#[test]
fn slow_call_annotated() {
    // MockGateway always reports a 1 ms call, so this calls the trait directly.
    let gate = gate(&json!({"slow_call_ms": 1000}));
    let ctx = context();
    let result = json!({"content": [], "isError": false});
    let post = |ms| gate.evaluate_post(&ctx, &json!({}), &result, ms, &json!({}));

    match post(1500) {
        GateDecision::Allow {
            metadata: Some(metadata),
            ..
        } => assert_eq!(metadata["rule"], "slow_call_ms"),
        other => panic!("expected an annotated allow, got {other:?}"),
    }
    match post(10) {
        GateDecision::Allow { metadata, .. } => assert_eq!(metadata, None),
        other => panic!("expected a plain allow, got {other:?}"),
    }
}

#[test]
fn empty_config_gives_defaults() {
    assert_eq!(GateConfig::from_json("{}"), GateConfig::default());
    assert_eq!(GateConfig::from_json(""), GateConfig::default());
    gate_from("{}");
}

#[test]
#[should_panic(expected = "failing closed")]
fn malformed_config_fails_closed() {
    gate_from("not-json");
}

#[test]
#[should_panic(expected = "failing closed")]
fn unknown_key_fails_closed() {
    gate_from(r#"{"deny_tool": ["debug_*"]}"#);
}

#[test]
#[should_panic(expected = "can never apply")]
fn contradictory_rules_fail_closed() {
    gate(&json!({"deny_tools": ["debug_*"], "challenge_tools": ["debug_dump"]}));
}

#[test]
#[should_panic(expected = "is empty")]
fn empty_pattern_fails_closed() {
    gate(&json!({"deny_tools": [""]}));
}

#[test]
fn descriptor_matches_code() {
    let descriptor: PluginDescriptor =
        serde_yaml::from_str(DESCRIPTOR_YAML).expect("plugin.yaml is a plugin descriptor");
    let manifest = manifest();
    assert_eq!(descriptor.id, PLUGIN_ID);
    assert_eq!(descriptor.id, manifest.id);
    assert_eq!(descriptor.name, manifest.name);
    assert_eq!(descriptor.class, manifest.plugin_class);
    assert_eq!(descriptor.protocol_version, manifest.protocol_version);
    assert_eq!(descriptor.license, manifest.license);
    assert_eq!(descriptor.required_capabilities, CAPABILITIES);
}
