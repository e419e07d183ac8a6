//! Unit tests: the config fails closed, the manifest matches plugin.yaml, and the stub's
//! behaviour through the SDK's MockGateway. Keep them passing as you fill in the TODOs.

use std::sync::Arc;

use mcpg_plugin_protocol::PluginDescriptor;
use mcpg_plugin_protocol::store::StoreValue;
use mcpg_plugin_sdk::adapters::SyncStorePluginAdapter;
use mcpg_plugin_sdk::testing::{MockGateway, stub_host_ref};

use super::*;

/// Builds the plugin as the gateway would, with host services that all answer "not implemented".
fn plugin(config: &str) -> DemoStore {
    // SAFETY: stub_host_ref() is a table of plain functions, valid for the whole process.
    let host = unsafe { HostHandle::from_ffi(stub_host_ref()) };
    DemoStore::from_config_json(config, host)
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

/// Until the TODOs are done the store holds nothing and refuses writes.
#[tokio::test]
async fn stub_is_empty_and_refuses_writes() {
    let role = StoreRole::Custom(ROLE.to_owned());
    let store = SyncStorePluginAdapter::new(plugin("{}"));
    // with_store panics unless the plugin lists the role in supported_roles().
    let gateway = MockGateway::new().with_store(role.clone(), Arc::new(store));
    let store = gateway.store_for_role(&role).expect("bound");

    assert_eq!(store.get(role.clone(), "key").await, Ok(None));
    let written = store
        .put(role, "key", StoreValue::new(b"value".to_vec()))
        .await;
    assert!(
        matches!(written, Err(StoreError::Unsupported { .. })),
        "{written:?}"
    );
}
