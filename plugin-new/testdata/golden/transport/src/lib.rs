//! Demo Transport: a `transport` plugin for MCPG (`dev.example.transport.demo`).
//!
//! A transport carries MCP messages between clients and the gateway: it runs its own listener,
//! gives each client session an id, and passes every message it receives to the dispatcher the
//! gateway hands to `start`, sending the reply bytes back. Streaming replies (SSE) do not cross
//! the plugin boundary yet. Operators start it with an entry under `gateway.server.transports`,
//!
//! `{kind: dev.example.transport.demo, config: {…}}`
//!
//! whose `config` is what `start` receives as `listener_config`. A failed start stops the boot.
//!
//! It loads only as a shared library: the SDK cannot link a transport into a gateway statically,
//! so this crate's `static-firstparty` feature must stay off.
//!
//! Scaffolded by `mcpg-plugins new`: every `TODO(scaffold)` marks a stub that returns a safe
//! default. Replace them, then `make test`.

use std::sync::Arc;

use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
use mcpg_plugin_protocol::transport::TransportError;
use mcpg_plugin_sdk::ffi::{
    SyncMessageDispatcher, SyncTransport, SyncTransportHandle, WatchHandleBox,
};
use mcpg_plugin_sdk::{HostHandle, declare_plugin};
use serde::Deserialize;
use serde_json::Value;

/// Plugin id: `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.transport.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Transport";

/// The name the transport registers under (like `http-v1`); one plugin per name.
pub const TRANSPORT_NAME: &str = "demo-v1";

/// Host capabilities the plugin needs granted. plugin.yaml's `required_capabilities` must list
/// exactly these, or the gateway refuses to boot.
pub const CAPABILITIES: &[Capability] = &[];

/// The operator's `config:` block for this plugin.
///
/// Unknown keys are rejected, so a typo refuses the plugin instead of being ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    // TODO(scaffold): your settings, each with a default, for example
    // /// Address to listen on.
    // #[serde(default)]
    // pub listen: String,
}

impl Config {
    /// Rejects values that parse but make no sense. Panicking here refuses the plugin at boot.
    fn validate(&self) {
        // TODO(scaffold): e.g. assert!(!self.listen.is_empty(), "`listen` is required");
    }
}

/// One instance per `plugins[]` entry, shared by every call (hence `Send + Sync`).
#[expect(
    dead_code,
    reason = "TODO(scaffold): the stub reads neither `config` nor `host`; drop this when it does"
)]
pub struct DemoTransport {
    manifest: PluginManifest,
    config: Config,
    /// Calls back into the gateway: secrets, config, metrics, audit, cluster.
    host: HostHandle,
}

impl DemoTransport {
    /// The factory `declare_plugin!` calls with the operator's config as JSON.
    ///
    /// An empty config (`""`, `{}` or `null`) means the defaults. Malformed JSON, an unknown key
    /// or a value `validate` rejects panics: the gateway turns that into a boot error (failing
    /// closed) rather than running with a config the operator did not write.
    pub fn from_config_json(config_json: &str, host: HostHandle) -> Self {
        let config: Config = mcpg_plugin_sdk::fail_closed_config!(config_json);
        config.validate();
        Self {
            manifest: build_manifest(),
            config,
            host,
        }
    }
}

/// `PluginManifest` has no `Default`: every field is spelled out. id, name and class must match
/// plugin.yaml.
fn build_manifest() -> PluginManifest {
    PluginManifest {
        id: PLUGIN_ID.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        name: PLUGIN_NAME.to_owned(),
        plugin_class: PluginClass::Transport,
        protocol_version: PROTOCOL_VERSION.to_owned(),
        license: Some("Apache-2.0".to_owned()),
        // Filled in by the gateway from CAPABILITIES; leave empty.
        required_capabilities: Vec::new(),
        tags: Vec::new(),
        provides: Vec::new(),
        provides_schemes: Vec::new(),
        // Lets the gateway attribute this crate's tracing events to the plugin.
        module_path_prefix: module_path!()
            .split("::")
            .next()
            .unwrap_or_default()
            .to_owned(),
        backend_profile: None,
    }
}

impl SyncTransport for DemoTransport {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    fn name(&self) -> &str {
        TRANSPORT_NAME
    }

    /// Starts the listener described by `listener_config` and returns at once; the accept loop
    /// runs on its own thread and calls `dispatcher.dispatch(session_id, message)` per message.
    fn start(
        &self,
        _listener_config: &Value,
        _dispatcher: Arc<dyn SyncMessageDispatcher>,
    ) -> Result<SyncTransportHandle, TransportError> {
        // TODO(scaffold): bind, spawn the accept loop, and return a handle (a pointer to your
        // listener state) plus the address you listen on. The stub has no listener to start.
        Err(TransportError::BindFailed {
            reason: "no listener implemented yet".into(),
        })
    }

    /// Stops accepting new sessions on the listener `start` returned.
    fn transport_handle_close(&self, _transport_handle: WatchHandleBox) {
        // TODO(scaffold): close the listener. The stub never starts one.
    }

    /// Frees the listener's state; the dispatcher must not be called after this.
    fn transport_handle_drop(&self, _transport_handle: WatchHandleBox) {
        // TODO(scaffold): free what `start` allocated. The stub never allocates.
    }

    // transport_handle_listen_address and shutdown keep the trait's defaults.
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        transport as transport_entity {
            inner_name: "",
            plugin_type: DemoTransport,
            factory: DemoTransport::from_config_json,
        },
    ],
}

#[cfg(test)]
mod tests;
