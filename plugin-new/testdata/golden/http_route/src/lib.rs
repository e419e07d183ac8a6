//! Demo Http Route: an `http_route` plugin for MCPG (`dev.example.http_route.demo`).
//!
//! An http_route plugin answers HTTP requests on the gateway's own listener: webhooks, OAuth
//! callbacks, health or admin pages. Its routes are mounted under
//! `/plugins/<plugin id>/<the operator's plugins[].id for it>/`; with an entry whose `id` is the
//! plugin id, the stub's one route is
//!
//! `GET /plugins/dev.example.http_route.demo/dev.example.http_route.demo/health`
//!
//! Scaffolded by `mcpg-plugins new`: every `TODO(scaffold)` marks a stub that returns a safe
//! default. Replace them, then `make test`.

use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::http_route::{HttpRouteRequest, HttpRouteResponse, RouteSpec};
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
use mcpg_plugin_sdk::ffi::SyncHttpRoute;
use mcpg_plugin_sdk::{HostHandle, declare_plugin};
use serde::Deserialize;
use serde_json::json;

/// Plugin id: `id` in plugin.yaml.
pub const PLUGIN_ID: &str = "dev.example.http_route.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Http Route";

/// The stub's one route, relative to the plugin's mount point.
pub const HEALTH_PATH: &str = "/health";

/// Host capabilities the plugin needs granted. plugin.yaml's `required_capabilities` must list
/// exactly these, or the gateway refuses to boot.
///
/// The usual mount under `/plugins/` needs none. `Capability::HttpRouteServe` is needed only for
/// the operator's `http_route.allow_path_override`, which mounts the routes at the top level.
pub const CAPABILITIES: &[Capability] = &[];

/// The operator's `config:` block for this plugin.
///
/// Unknown keys are rejected, so a typo refuses the plugin instead of being ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    // TODO(scaffold): your settings, each with a default, for example
    // /// Shared secret webhook senders sign their requests with.
    // #[serde(default)]
    // pub signing_secret: String,
}

impl Config {
    /// Rejects values that parse but make no sense. Panicking here refuses the plugin at boot.
    fn validate(&self) {
        // TODO(scaffold): e.g. assert!(!self.signing_secret.is_empty(), "`signing_secret` is required");
    }
}

/// One instance per `plugins[]` entry, shared by every call (hence `Send + Sync`).
#[expect(
    dead_code,
    reason = "TODO(scaffold): the stub reads neither `config` nor `host`; drop this when it does"
)]
pub struct DemoRoute {
    manifest: PluginManifest,
    config: Config,
    /// Calls back into the gateway: secrets, config, metrics, audit, cluster.
    host: HostHandle,
}

impl DemoRoute {
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
        plugin_class: PluginClass::HttpRoute,
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

impl SyncHttpRoute for DemoRoute {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    /// The routes this plugin serves; read once, when the gateway registers the plugin. A
    /// plugin with no routes is refused.
    fn routes(&self) -> Vec<RouteSpec> {
        // TODO(scaffold): declare your routes. `:name` segments (e.g. `/hooks/:source`) arrive
        // in `req.path_params`.
        vec![RouteSpec {
            method: "GET".to_owned(),
            path: HEALTH_PATH.to_owned(),
            // true: the gateway answers 401 itself unless the caller has a resolved identity.
            requires_identity: false,
            // true lets `handle` return a streamed body (`HttpBody::Stream`); that also needs the
            // SDK's `streaming` feature in Cargo.toml.
            streaming: false,
            // None: the gateway's default request body limit (1 MiB).
            max_body_bytes: None,
        }]
    }

    /// Answers a request that matched one of `routes()`. `req.full_path` is the whole path,
    /// mount point included.
    fn handle(&self, req: HttpRouteRequest) -> HttpRouteResponse {
        if req.method.eq_ignore_ascii_case("GET") && req.full_path.ends_with(HEALTH_PATH) {
            return HttpRouteResponse::ok_json(&json!({"status": "ok"}));
        }
        // TODO(scaffold): answer the routes you add.
        HttpRouteResponse::error_json(404, "no such route")
    }

    // shutdown keeps the trait's default.
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        http_route as http_route_entity {
            inner_name: "",
            plugin_type: DemoRoute,
            factory: DemoRoute::from_config_json,
        },
    ],
}

#[cfg(test)]
mod tests;
