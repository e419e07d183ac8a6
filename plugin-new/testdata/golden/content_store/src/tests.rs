//! Unit tests: the config fails closed, the manifest matches plugin.yaml, and the stub's
//! behaviour through the trait (the SDK's MockGateway has no content store slot). Keep them passing as you fill in the TODOs.

use mcpg_plugin_protocol::PluginDescriptor;
use mcpg_plugin_sdk::testing::stub_host_ref;
use serde_json::json;

use super::*;

/// Builds the plugin as the gateway would, with host services that all answer "not implemented".
fn plugin(cfg: &str) -> DemoContentStore {
    // SAFETY: stub_host_ref() is a table of plain functions, valid for the whole process.
    let host = unsafe { HostHandle::from_ffi(stub_host_ref()) };
    DemoContentStore::from_config_json(cfg, host)
}

#[test]
fn empty_config_builds() {
    assert_eq!(plugin("{}").manifest().id, PLUGIN_ID);
    assert_eq!(plugin("").manifest().id, PLUGIN_ID);
}

#[test]
#[should_panic(expected = "failing closed")]
fn malformed_config_fails_closed() {
    plugin("not-json");
}

#[test]
#[should_panic(expected = "failing closed")]
fn unknown_config_key_fails_closed() {
    plugin(r#"{"no_such_setting": true}"#);
}

/// plugin.yaml is what the gateway reads before loading the library; it must agree with the code.
#[test]
fn descriptor_matches_manifest() {
    let descriptor: PluginDescriptor =
        serde_yaml::from_str(DESCRIPTOR_YAML).expect("plugin.yaml parses");
    let plugin = plugin("{}");
    let manifest = plugin.manifest();
    assert_eq!(descriptor.id, manifest.id);
    assert_eq!(descriptor.name, manifest.name);
    assert_eq!(descriptor.class, manifest.plugin_class);
    assert_eq!(descriptor.protocol_version, manifest.protocol_version);
    assert_eq!(descriptor.required_capabilities, CAPABILITIES);
}

/// Until the TODOs are done the store keeps nothing: writes fail, reads find nothing.
#[test]
fn stub_holds_nothing() {
    let store = plugin("{}");
    let registered = store.register_profile("default", &json!({}));
    assert!(registered.is_ok(), "{registered:?}");
    let content = ContentToStore {
        bytes: b"hello".to_vec().into(),
        mime_type: "text/plain".into(),
        alias: None,
        session_id: None,
        tenant_id: None,
        ttl: None,
    };
    let stored = store.put("default", content);
    assert!(
        matches!(stored, Err(ContentStoreError::Storage { .. })),
        "{stored:?}"
    );
    assert!(matches!(store.get("default", "some-id"), Ok(None)));
}
