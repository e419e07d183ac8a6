//! Demo Cluster: a `cluster` plugin for MCPG (`dev.example.cluster.demo`).
//!
//! A cluster backend is the coordinator the gateway's replicas share: peer discovery, pub/sub,
//! leadership and locks, and optionally a key/value store. A gateway installs at most one, chosen
//! by its top-level `cluster: {kind: <k>}` block, which it maps to the plugin id
//! `dev.mcpg.cluster.<k>`: a cluster plugin is only selected under an id of that form.
//!
//! It loads only as a shared library: the SDK cannot link a cluster backend into a gateway
//! statically, so this crate's `static-firstparty` feature must stay off.
//!
//! Scaffolded by `mcpg-plugins new`: every `TODO(scaffold)` marks a stub that returns a safe
//! default. Replace them, then `make test`.

use mcpg_cluster_api::{ClusterError, ClusterNodeInfo, ClusterPeer};
use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
use mcpg_plugin_sdk::ffi::SyncClusterBackend;
use mcpg_plugin_sdk::{HostHandle, declare_plugin};
use serde::Deserialize;

/// Plugin id: `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.cluster.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Cluster";

/// Host capabilities the plugin needs granted. plugin.yaml's `required_capabilities` must list
/// exactly these, or the gateway refuses to boot.
///
/// Reaching the coordinator's servers needs `Capability::NetworkOutbound` (`network_outbound`
/// in plugin.yaml).
pub const CAPABILITIES: &[Capability] = &[];

/// The operator's `config:` block for this plugin.
///
/// Unknown keys are rejected, so a typo refuses the plugin instead of being ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    // TODO(scaffold): your settings, each with a default, for example
    // /// Address of the coordination service.
    // #[serde(default)]
    // pub url: String,
}

impl Config {
    /// Rejects values that parse but make no sense. Panicking here refuses the plugin at boot.
    fn validate(&self) {
        // TODO(scaffold): e.g. assert!(!self.url.is_empty(), "`url` is required");
    }
}

/// One instance per `plugins[]` entry, shared by every call (hence `Send + Sync`).
#[expect(
    dead_code,
    reason = "TODO(scaffold): the stub reads neither `config` nor `host`; drop this when it does"
)]
pub struct DemoClusterBackend {
    manifest: PluginManifest,
    config: Config,
    /// Calls back into the gateway: secrets, config, metrics, audit, cluster.
    host: HostHandle,
}

impl DemoClusterBackend {
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
        plugin_class: PluginClass::Cluster,
        protocol_version: PROTOCOL_VERSION.to_owned(),
        license: Some("Apache-2.0".to_owned()),
        // Filled in by the gateway from CAPABILITIES; leave empty.
        required_capabilities: Vec::new(),
        tags: Vec::new(),
        // The gateway slots this coordinator backs: any of "cache", "kv", "bus". Must equal
        // plugin.yaml's `provides`. None until the key/value and pub/sub methods work.
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

impl SyncClusterBackend for DemoClusterBackend {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    /// This replica as the cluster sees it.
    fn node_info(&self) -> ClusterNodeInfo {
        // TODO(scaffold): this node's id and reachable address in your backend, and when it
        // joined (RFC 3339). Until the backend is wired the id is the host name: the gateway
        // refuses a coordinator whose node_id is empty, so it is never left empty.
        ClusterNodeInfo {
            node_id: std::env::var("HOSTNAME")
                .ok()
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| format!("node-{}", std::process::id())),
            address: String::new(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            started_at: String::new(),
            // The roles this node leads: none, as the stub never acquires leadership.
            roles: Vec::new(),
        }
    }

    /// The other replicas, as last seen.
    fn list_peers(&self) -> Vec<ClusterPeer> {
        // TODO(scaffold): read the membership from your backend. The stub knows no peers.
        Vec::new()
    }

    /// Sends `payload` to every subscriber of `topic`.
    fn publish(
        &self,
        _topic: &str,
        _routing_key: Option<&str>,
        _payload: Vec<u8>,
    ) -> Result<(), ClusterError> {
        // TODO(scaffold): publish through your backend. Until then say nothing was sent.
        Err(ClusterError::Unsupported {
            reason: "publish is not implemented yet".into(),
        })
    }

    // Everything else keeps the trait's defaults: subscribe, watch_peers and acquiring a lease
    // or lock fail, and the kv_* methods answer Unsupported. subscribe and watch_peers emit
    // from a background task; the SDK's `cluster-forward` feature has a helper for that
    // (`mcpg_plugin_sdk::ffi::cluster_forward`).
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        cluster_backend as cluster_backend_entity {
            inner_name: "",
            plugin_type: DemoClusterBackend,
            factory: DemoClusterBackend::from_config_json,
        },
    ],
}

#[cfg(test)]
mod tests;
