//! Unit tests, run natively by `cargo test`: they call the component's exports as plain Rust
//! functions, with the types wit-bindgen generates from wit/plugin.wit. `make test` then runs the
//! built component in a mock gateway (`mcpg-plugins test`), the way the gateway runs it.

use super::*;
use mcpg::plugin::types::PluginIdentity;

/// The component under test.
type Plugin = DemoTransform;

/// A call to `tool` by a verified caller, as the gateway describes it.
fn context(tool: &str) -> PluginContext {
    PluginContext {
        request_id: "req-0001".to_owned(),
        session_id: None,
        tool_name: tool.to_owned(),
        surface: "tool".to_owned(),
        identity: PluginIdentity {
            kind: "verified".to_owned(),
            trust_level: "verified".to_owned(),
            subject_id: Some("alice@example.com".to_owned()),
            auth_provider: None,
            issuer: None,
            roles: Vec::new(),
            groups: Vec::new(),
            scopes: Vec::new(),
            attributes: Vec::new(),
        },
        transport: "http".to_owned(),
    }
}

#[test]
fn stubs_leave_arguments_and_result_unchanged() {
    // TODO(scaffold): assert what your transform does instead.
    for config in ["", "{}"] {
        let arguments = Plugin::transform_arguments(
            context("search_docs"),
            r#"{"query":"gates"}"#.into(),
            config.into(),
        );
        assert!(
            matches!(arguments, TransformResult::Unchanged),
            "{arguments:?}"
        );
        let result = Plugin::transform_output(
            context("search_docs"),
            r#"{"content":[],"isError":false}"#.into(),
            config.into(),
        );
        assert!(matches!(result, TransformResult::Unchanged), "{result:?}");
    }
}

#[test]
fn bad_config_fails_closed() {
    for config in ["not-json", r#"{"unknown_key": 1}"#] {
        match Plugin::transform_arguments(context("search_docs"), "{}".into(), config.into()) {
            TransformResult::Error(message) => assert!(message.contains("failing closed")),
            other => panic!("config {config:?}: expected an error, got {other:?}"),
        }
        match Plugin::transform_output(context("search_docs"), "null".into(), config.into()) {
            TransformResult::Error(message) => assert!(message.contains("failing closed")),
            other => panic!("config {config:?}: expected an error, got {other:?}"),
        }
    }
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
