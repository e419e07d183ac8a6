//! MockGateway and the test helpers, with the real signatures. Bodies are placeholders: the
//! generated tests are type-checked against this, never run.

use std::sync::Arc;

use mcpg_plugin_protocol::audit::{AuditError, AuditEvent, AuditReceipt, AuditSink};
use mcpg_plugin_protocol::cache::Cache;
use mcpg_plugin_protocol::config::ConfigProvider;
use mcpg_plugin_protocol::http_route::{HttpRoute, HttpRouteRequest, HttpRouteResponse};
use mcpg_plugin_protocol::logs::{LogRecord, LogSink};
use mcpg_plugin_protocol::policy::PolicyEngine;
use mcpg_plugin_protocol::secret::SecretProvider;
use mcpg_plugin_protocol::store::{Store, StoreRole};
use mcpg_plugin_protocol::telemetry::{MetricPoint, SpanEnd, SpanStart, TelemetrySink};
use mcpg_plugin_protocol::transport::Transport;
use mcpg_plugin_protocol::{
    GateDecision, IdentityProviderPlugin, IdentityResolution, PluginContext, PluginIdentity,
    ToolGatePlugin, TransformPlugin,
};
use serde_json::Value;

/// Simulates the gateway's dispatch chain for tests.
pub struct MockGateway {
    _private: (),
}

impl MockGateway {
    pub fn new() -> Self {
        Self { _private: () }
    }

    pub fn with_tool_gate(self, plugin: Box<dyn ToolGatePlugin>) -> Self {
        let _ = plugin;
        self
    }

    pub fn with_tool_gate_config(self, plugin: Box<dyn ToolGatePlugin>, config: Value) -> Self {
        let _ = (plugin, config);
        self
    }

    pub fn with_transform(self, plugin: Box<dyn TransformPlugin>) -> Self {
        let _ = plugin;
        self
    }

    pub fn with_transform_config(self, plugin: Box<dyn TransformPlugin>, config: Value) -> Self {
        let _ = (plugin, config);
        self
    }

    pub fn with_identity(self, plugin: Box<dyn IdentityProviderPlugin>) -> Self {
        let _ = plugin;
        self
    }

    pub fn with_default_identity(self, identity: PluginIdentity) -> Self {
        let _ = identity;
        self
    }

    pub fn with_http_route(
        self,
        entity_name: impl Into<String>,
        plugin: Arc<dyn HttpRoute>,
    ) -> Self {
        let _ = (entity_name.into(), plugin);
        self
    }

    pub async fn call_http_route(
        &self,
        entity_name: &str,
        req: HttpRouteRequest,
    ) -> HttpRouteResponse {
        let _ = (entity_name, req);
        unimplemented!()
    }

    pub fn with_audit_sink(self, sink: Arc<dyn AuditSink>) -> Self {
        let _ = sink;
        self
    }

    pub async fn emit_audit(&self, event: &AuditEvent) -> Vec<Result<AuditReceipt, AuditError>> {
        let _ = event;
        unimplemented!()
    }

    pub fn with_store(self, role: StoreRole, plugin: Arc<dyn Store>) -> Self {
        let _ = (role, plugin);
        self
    }

    pub fn store_for_role(&self, role: &StoreRole) -> Option<Arc<dyn Store>> {
        let _ = role;
        unimplemented!()
    }

    pub fn with_cache(self, namespace: impl Into<String>, plugin: Arc<dyn Cache>) -> Self {
        let _ = (namespace.into(), plugin);
        self
    }

    pub fn cache_for_namespace(&self, namespace: &str) -> Option<Arc<dyn Cache>> {
        let _ = namespace;
        unimplemented!()
    }

    pub fn with_telemetry_sink(self, sink: Arc<dyn TelemetrySink>) -> Self {
        let _ = sink;
        self
    }

    pub async fn emit_telemetry_span_started(&self, span: &SpanStart) {
        let _ = span;
        unimplemented!()
    }

    pub async fn emit_telemetry_span_ended(&self, span: &SpanEnd) {
        let _ = span;
        unimplemented!()
    }

    pub async fn emit_telemetry_metric(&self, metric: &MetricPoint) {
        let _ = metric;
        unimplemented!()
    }

    pub fn with_log_sink(self, sink: Arc<dyn LogSink>) -> Self {
        let _ = sink;
        self
    }

    pub async fn emit_log_record(&self, record: &LogRecord) {
        let _ = record;
        unimplemented!()
    }

    pub fn with_secret_provider(
        self,
        scheme: impl Into<String>,
        provider: Arc<dyn SecretProvider>,
    ) -> Self {
        let _ = (scheme.into(), provider);
        self
    }

    pub fn secret_provider_for_scheme(&self, scheme: &str) -> Option<Arc<dyn SecretProvider>> {
        let _ = scheme;
        unimplemented!()
    }

    pub fn with_config_provider(
        self,
        scheme: impl Into<String>,
        provider: Arc<dyn ConfigProvider>,
    ) -> Self {
        let _ = (scheme.into(), provider);
        self
    }

    pub fn config_provider_for_scheme(&self, scheme: &str) -> Option<Arc<dyn ConfigProvider>> {
        let _ = scheme;
        unimplemented!()
    }

    pub fn with_transport(self, transport: Arc<dyn Transport>) -> Self {
        let _ = transport;
        self
    }

    pub fn transport_by_name(&self, name: &str) -> Option<Arc<dyn Transport>> {
        let _ = name;
        unimplemented!()
    }

    pub fn with_policy_engine(self, engine: Arc<dyn PolicyEngine>) -> Self {
        let _ = engine;
        self
    }

    pub fn policy_engine_by_name(&self, name: &str) -> Option<Arc<dyn PolicyEngine>> {
        let _ = name;
        unimplemented!()
    }

    pub async fn call_tool(&self, tool_name: &str, arguments: Value) -> ToolCallResult {
        let _ = (tool_name, arguments);
        unimplemented!()
    }

    pub async fn call_tool_with_meta(
        &self,
        tool_name: &str,
        arguments: Value,
        meta: Option<Value>,
    ) -> ToolCallResult {
        let _ = (tool_name, arguments, meta);
        unimplemented!()
    }

    pub async fn resolve_identity(&self, headers: &[(String, String)]) -> IdentityResolution {
        let _ = headers;
        unimplemented!()
    }

    pub async fn resolve_identity_with_metadata(
        &self,
        headers: &[(String, String)],
        metadata: &mcpg_plugin_protocol::types::RequestMetadata,
    ) -> IdentityResolution {
        let _ = (headers, metadata);
        unimplemented!()
    }
}

impl Default for MockGateway {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolCallPhase {
    PreDispatchGate,
    PreDispatchTransform,
    PostDispatchGate,
    PostDispatchTransform,
    Complete,
}

#[derive(Debug)]
pub struct ToolCallResult {
    pub phase: ToolCallPhase,
    pub gate_decision: Option<GateDecision>,
    pub arguments: Value,
    pub result: Option<Value>,
    pub metadata: Vec<Value>,
}

impl ToolCallResult {
    pub fn is_allowed(&self) -> bool {
        unimplemented!()
    }

    pub fn is_denied(&self) -> bool {
        unimplemented!()
    }

    pub fn is_challenged(&self) -> bool {
        unimplemented!()
    }

    pub fn denial_message(&self) -> Option<&str> {
        unimplemented!()
    }

    pub fn challenge_data(&self) -> Option<&Value> {
        unimplemented!()
    }
}

pub trait ToolCallResultAssertions {
    fn assert_allowed(&self);
    fn assert_denied(&self);
    fn assert_challenged(&self);
    fn assert_denied_with_message(&self, expected: &str);
}

impl ToolCallResultAssertions for ToolCallResult {
    fn assert_allowed(&self) {
        unimplemented!()
    }

    fn assert_denied(&self) {
        unimplemented!()
    }

    fn assert_challenged(&self) {
        unimplemented!()
    }

    fn assert_denied_with_message(&self, expected: &str) {
        let _ = expected;
        unimplemented!()
    }
}

/// Builds a `PluginContext` for calling a trait method directly.
pub struct ContextBuilder {
    _private: (),
}

impl ContextBuilder {
    pub fn new(tool_name: &str) -> Self {
        let _ = tool_name;
        Self { _private: () }
    }

    pub fn request_id(self, id: &str) -> Self {
        let _ = id;
        self
    }

    pub fn session_id(self, id: &str) -> Self {
        let _ = id;
        self
    }

    pub fn anonymous(self) -> Self {
        self
    }

    pub fn verified(self, subject: &str) -> Self {
        let _ = subject;
        self
    }

    pub fn transport(self, transport: &str) -> Self {
        let _ = transport;
        self
    }

    pub fn build(self) -> PluginContext {
        unimplemented!()
    }
}

/// A host-services table whose every call answers "nothing here".
pub fn stub_host_ref() -> mcpg_plugin_protocol::abi::HostHandleRef {
    mcpg_plugin_protocol::abi::HostHandleRef::__stand_in()
}
