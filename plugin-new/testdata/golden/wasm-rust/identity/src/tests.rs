//! Unit tests, run natively by `cargo test`: they call the component's exports as plain Rust
//! functions, with the types wit-bindgen generates from wit/plugin.wit. `make test` then runs the
//! built component in a mock gateway (`mcpg-plugins test`), the way the gateway runs it.

use super::*;

/// The component under test.
type Plugin = DemoIdentity;

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

#[test]
fn stub_identifies_nobody() {
    // TODO(scaffold): assert what your provider resolves instead.
    for config in ["", "{}"] {
        let resolution = Plugin::resolve_identity(headers(&[]), config.into());
        assert!(
            matches!(resolution, IdentityResolution::None),
            "{resolution:?}"
        );
        let resolution = Plugin::resolve_identity(
            headers(&[("authorization", "Bearer demo-token")]),
            config.into(),
        );
        assert!(
            matches!(resolution, IdentityResolution::None),
            "{resolution:?}"
        );
    }
}

#[test]
fn bad_config_fails_closed() {
    for config in ["not-json", r#"{"unknown_key": 1}"#] {
        match Plugin::resolve_identity(headers(&[]), config.into()) {
            IdentityResolution::Invalid(reason) => assert!(reason.contains("failing closed")),
            other => panic!("config {config:?}: expected invalid, got {other:?}"),
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
