//! Unit tests: the config fails closed, the manifest matches plugin.yaml, and the stub's
//! behaviour through the SDK's MockGateway. Keep them passing as you fill in the TODOs.

use std::sync::Arc;

use mcpg_plugin_protocol::PluginDescriptor;
use mcpg_plugin_protocol::http_route::HttpBody;
use mcpg_plugin_sdk::adapters::SyncHttpRouteAdapter;
use mcpg_plugin_sdk::testing::{MockGateway, stub_host_ref};

use super::*;

/// Builds the plugin as the gateway would, with host services that all answer "not implemented".
fn plugin(cfg: &str) -> DemoRoute {
    // SAFETY: stub_host_ref() is a table of plain functions, valid for the whole process.
    let host = unsafe { HostHandle::from_ffi(stub_host_ref()) };
    DemoRoute::from_config_json(cfg, host)
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

/// The stub serves its health route, mounted under the plugin's prefix.
#[tokio::test]
async fn health_route_answers() {
    let route = SyncHttpRouteAdapter::new(plugin("{}"));
    let gateway = MockGateway::new().with_http_route(PLUGIN_ID, Arc::new(route));
    let request = HttpRouteRequest {
        method: "GET".into(),
        full_path: format!("/plugins/{PLUGIN_ID}/{PLUGIN_ID}{HEALTH_PATH}"),
        path_params: Default::default(),
        query: Vec::new(),
        headers: Vec::new(),
        body: Default::default(),
        identity: None,
        request_id: "request-1".into(),
        remote_addr: None,
    };
    let response = gateway.call_http_route(PLUGIN_ID, request).await;
    assert_eq!(response.status, 200);
    let HttpBody::Bytes(body) = response.body else {
        panic!("expected a byte body");
    };
    assert_eq!(&body[..], br#"{"status":"ok"}"#);
}
