//! Unit tests: the config fails closed, the manifest matches plugin.yaml, and the stub's
//! behaviour through the SDK's MockGateway. Keep them passing as you fill in the TODOs.

use mcpg_plugin_protocol::PluginDescriptor;
use mcpg_plugin_sdk::adapters::SyncTransformAdapter;
use mcpg_plugin_sdk::testing::{MockGateway, stub_host_ref};
use serde_json::json;

use super::*;

/// Builds the plugin as the gateway would, with host services that all answer "not implemented".
fn plugin(config: &str) -> DemoTransform {
    // SAFETY: stub_host_ref() is a table of plain functions, valid for the whole process.
    let host = unsafe { HostHandle::from_ffi(stub_host_ref()) };
    DemoTransform::from_config_json(config, host)
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

/// Until the TODOs are done, the arguments reach the tool untouched.
#[tokio::test]
async fn stub_passes_arguments_through() {
    let transform = SyncTransformAdapter::new(plugin("{}"));
    let gateway = MockGateway::new().with_transform(Box::new(transform));
    let arguments = json!({"query": "status", "limit": 3});

    let outcome = gateway.call_tool("any.tool", arguments.clone()).await;

    assert!(outcome.is_allowed(), "{outcome:?}");
    assert_eq!(outcome.arguments, arguments);
}
