//! Unit tests: the config fails closed, the manifest matches plugin.yaml, and the stub's
//! behaviour through the trait (the SDK's MockGateway has no approval notifier slot). Keep them passing as you fill in the TODOs.

use mcpg_plugin_protocol::PluginDescriptor;
use mcpg_plugin_sdk::testing::{ContextBuilder, stub_host_ref};

use super::*;

/// Builds the plugin as the gateway would, with host services that all answer "not implemented".
fn plugin(cfg: &str) -> DemoNotifier {
    // SAFETY: stub_host_ref() is a table of plain functions, valid for the whole process.
    let host = unsafe { HostHandle::from_ffi(stub_host_ref()) };
    DemoNotifier::from_config_json(cfg, host)
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

/// Until the TODOs are done the notifier posts nothing, and says so.
#[test]
fn stub_posts_nothing() {
    let caller = ContextBuilder::new("db_query").verified("alice").build();
    let request = NotificationRequest {
        approval_id: "approval-1".into(),
        summary: "Drop table `orders`".into(),
        deadline_at: "2030-01-01T00:00:00Z".into(),
        direct_callback_url: "https://gateway.example/webhooks/approvals/approval-1".into(),
        identity: caller.identity,
        tool_name: "db_query".into(),
        arguments: None,
        metadata: None,
    };
    let posted = plugin("{}").notify(&request);
    assert!(
        matches!(posted, Err(NotificationError::Misconfigured { .. })),
        "{posted:?}"
    );
}
