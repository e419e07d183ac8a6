//! Demo Telemetry Sink: a `telemetry_sink` plugin for MCPG (`dev.example.telemetry_sink.demo`).
//!
//! The gateway sends span starts, span ends and metric points to every sink listed under
//! `observability.traces.sinks` (`kind: dev.example.telemetry_sink.demo`). Delivery is best effort: the methods cannot
//! fail, and a sink may drop events when it is overloaded.
//!
//! Scaffolded by `mcpg-plugins new`: every `TODO(scaffold)` marks a stub that returns a safe
//! default. Replace them, then `make test`.

use mcpg_plugin_protocol::PROTOCOL_VERSION;
use mcpg_plugin_protocol::capability::Capability;
use mcpg_plugin_protocol::manifest::{PluginClass, PluginManifest};
// The protocol's MetricPoint, not mcpg_plugin_sdk::MetricPoint (what a plugin emits itself).
use mcpg_plugin_protocol::telemetry::{MetricPoint, SpanEnd, SpanStart};
use mcpg_plugin_sdk::ffi::SyncTelemetrySink;
use mcpg_plugin_sdk::{HostHandle, declare_plugin};
use serde::Deserialize;

/// Plugin id: `id` in plugin.yaml, and the sink `kind` operators list under
/// `observability.traces.sinks`.
pub const PLUGIN_ID: &str = "dev.example.telemetry_sink.demo";

/// Display name; the gateway refuses the plugin unless plugin.yaml's `name` is the same.
pub const PLUGIN_NAME: &str = "Demo Telemetry Sink";

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
    // /// Collector endpoint spans are exported to.
    // #[serde(default)]
    // pub endpoint: String,
}

impl Config {
    /// Rejects values that parse but make no sense. Panicking here refuses the plugin at boot.
    fn validate(&self) {
        // TODO(scaffold): e.g. assert!(self.endpoint.starts_with("http"), "`endpoint` is a URL");
    }
}

/// One instance per `plugins[]` entry, shared by every call (hence `Send + Sync`).
#[expect(
    dead_code,
    reason = "TODO(scaffold): the stub reads neither `config` nor `host`; drop this when it does"
)]
pub struct DemoTelemetrySink {
    manifest: PluginManifest,
    config: Config,
    /// Calls back into the gateway: secrets, config, metrics, audit, cluster.
    host: HostHandle,
}

impl DemoTelemetrySink {
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
        plugin_class: PluginClass::TelemetrySink,
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

impl SyncTelemetrySink for DemoTelemetrySink {
    fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    /// A span began. Sinks that pair starts with ends key them on `(trace_id, span_id)`.
    fn span_started(&self, _span: &SpanStart) {
        // TODO(scaffold): record the start, or ignore it if you export finished spans only.
    }

    /// A span ended. Expect ends whose start never came, and starts whose end never comes.
    fn span_ended(&self, _span: &SpanEnd) {
        // TODO(scaffold): export the span. The stub drops it, which the best-effort contract
        // allows; a real sink drops only under overload.
    }

    /// A metric data point, for sinks that export metrics along with traces.
    fn metric_recorded(&self, _metric: &MetricPoint) {
        // TODO(scaffold): export the point, or leave this empty to ignore metrics.
    }

    // log_recorded (ignored by default: logs go to log sinks), flush and shutdown keep the
    // trait's defaults.
}

declare_plugin! {
    plugin_id: PLUGIN_ID,
    plugin_version: env!("CARGO_PKG_VERSION"),
    descriptor_yaml: include_str!("../plugin.yaml"),
    capabilities: CAPABILITIES,
    entities: [
        telemetry_sink as telemetry_sink_entity {
            inner_name: "",
            plugin_type: DemoTelemetrySink,
            factory: DemoTelemetrySink::from_config_json,
        },
    ],
}

#[cfg(test)]
mod tests;
