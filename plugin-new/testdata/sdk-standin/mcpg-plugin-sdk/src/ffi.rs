//! The synchronous per-kind traits a plugin type implements, one per `declare_plugin!` keyword,
//! with the real method signatures. Which methods are required and which have a default matters
//! here as much as the signatures: a generated crate that leaves out a required method, or
//! "overrides" a method the trait does not have, must fail to compile. Default bodies are
//! placeholders.

use std::sync::Arc;

use mcpg_cluster_api::{ClusterError, ClusterNodeInfo, ClusterPeer, Entry};
use mcpg_plugin_protocol::abi::RPluginHandle;
use mcpg_plugin_protocol::approval_notifier::{
    NotificationError, NotificationRequest, NotificationResult,
};
use mcpg_plugin_protocol::audit::{AuditError, AuditEvent, AuditReceipt};
use mcpg_plugin_protocol::cache::CacheError;
use mcpg_plugin_protocol::catalog::{CatalogEntry, EnrichedToolDescriptor};
use mcpg_plugin_protocol::config::{ConfigError, ConfigSnapshot};
use mcpg_plugin_protocol::content_store::{
    ContentStoreError, ContentStoreStats, ContentToStore, ResourceContent, ResourceHandle,
};
use mcpg_plugin_protocol::credential::{CredentialError, IssuedCredential};
use mcpg_plugin_protocol::http_route::{HttpRouteRequest, HttpRouteResponse, RouteSpec};
use mcpg_plugin_protocol::logs::{LogError, LogRecord};
use mcpg_plugin_protocol::metrics::MetricsError;
use mcpg_plugin_protocol::policy::{PolicyDecision, PolicyVersion};
use mcpg_plugin_protocol::secret::{SecretError, SecretValueWire};
use mcpg_plugin_protocol::store::{
    AppendResult, StoreError, StorePageWire, StoreRole, StoreValueWire,
};
use mcpg_plugin_protocol::telemetry::{MetricPoint, SpanEnd, SpanStart, TelemetryError};
use mcpg_plugin_protocol::transport::{DispatcherError, TransportError};
use mcpg_plugin_protocol::types::PluginIdentity;
use mcpg_plugin_protocol::{
    BackendError, BackendRequest, BackendResponse, CapabilitySet, GateDecision, IdentityResolution,
    PluginContext, PluginManifest, ResourcePage, TransformResult, WatchError,
};
use serde_json::Value;

pub trait SyncToolGate: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn evaluate_pre(
        &self,
        ctx: &PluginContext,
        arguments: &Value,
        meta: Option<&Value>,
        config: &Value,
    ) -> GateDecision;
    fn evaluate_post(
        &self,
        ctx: &PluginContext,
        arguments: &Value,
        result: &Value,
        duration_ms: u64,
        config: &Value,
    ) -> GateDecision;
    fn shutdown(&self) {}
}

pub trait SyncTransform: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn transform_arguments(
        &self,
        ctx: &PluginContext,
        arguments: &Value,
        config: &Value,
    ) -> TransformResult;
    fn transform_result(
        &self,
        ctx: &PluginContext,
        result: &Value,
        config: &Value,
    ) -> TransformResult;
    fn shutdown(&self) {}
}

pub trait SyncIdentityResolver: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn resolve_identity(
        &self,
        headers: &[(String, String)],
        metadata: &mcpg_plugin_protocol::types::RequestMetadata,
        config: &Value,
    ) -> IdentityResolution;
    fn shutdown(&self) {}
}

/// What `execute_streaming` pushes each chunk through.
pub type BackendChunkEmitter = Box<
    dyn Fn(Result<mcpg_plugin_protocol::backend::BackendChunk, BackendError>)
        + Send
        + Sync
        + 'static,
>;

pub const STREAM_NO_CANCEL_SENTINEL: usize = usize::MAX;

pub trait SyncBackendPlugin: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn kind(&self) -> &str;
    fn register_profile(&self, profile_name: &str, spec: &Value) -> Result<(), BackendError>;
    fn execute(
        &self,
        profile_name: &str,
        request: BackendRequest,
    ) -> Result<BackendResponse, BackendError>;
    fn execute_streaming(
        &self,
        profile_name: &str,
        request: BackendRequest,
        emit: BackendChunkEmitter,
    ) -> Result<usize, BackendError> {
        let _ = (profile_name, request, emit);
        unimplemented!()
    }
    fn cancel_stream(&self, _token: usize) {}
    fn execute_transaction(
        &self,
        _backend_name: &str,
        _tx_group: &Value,
    ) -> Result<Value, BackendError> {
        unimplemented!()
    }
    fn audit_metadata(&self, _profile_name: &str) -> serde_json::Map<String, Value> {
        unimplemented!()
    }
    fn input_schema(&self, _profile_name: &str) -> Option<Value> {
        None
    }
    fn output_schema(&self, _profile_name: &str) -> Option<Value> {
        None
    }
    fn list_resources(
        &self,
        _profile_name: &str,
        _cursor: Option<&str>,
    ) -> Result<ResourcePage, BackendError> {
        unimplemented!()
    }
    fn expand_capabilities(&self) -> Result<CapabilitySet, BackendError> {
        unimplemented!()
    }
    fn complete_template_variable(
        &self,
        _profile_name: &str,
        _variable_name: &str,
        _prefix: &str,
        _config: &Value,
        _context: &std::collections::BTreeMap<String, String>,
    ) -> Result<Vec<String>, BackendError> {
        unimplemented!()
    }
    fn shutdown(&self) {}
}

pub trait SyncWatchStrategyPlugin: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn kind(&self) -> &str;
    fn watch(
        &self,
        resource_uri: &str,
        spec: &Value,
        emit_event: Box<dyn Fn(&str) + Send + Sync + 'static>,
    ) -> Result<WatchHandleBox, WatchError>;
    fn cancel(&self, watch_handle: WatchHandleBox);
    fn shutdown(&self) {}
}

pub trait SyncHttpRoute: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn routes(&self) -> Vec<RouteSpec>;
    fn handle(&self, req: HttpRouteRequest) -> HttpRouteResponse;
    fn shutdown(&self) {}
}

pub trait SyncAuditSink: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn emit(&self, event: &AuditEvent) -> Result<AuditReceipt, AuditError>;
    fn flush(&self, _timeout_ms: u64) -> Result<(), AuditError> {
        Ok(())
    }
    fn shutdown(&self) {}
}

pub trait SyncLogSink: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn emit(&self, record: &LogRecord);
    fn flush(&self, _timeout_ms: u64) -> Result<(), LogError> {
        Ok(())
    }
    fn shutdown(&self) {}
}

pub trait SyncStorePlugin: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn supported_roles(&self) -> Vec<StoreRole>;
    fn get(&self, role: &StoreRole, key: &str) -> Result<Option<StoreValueWire>, StoreError>;
    fn put(&self, role: &StoreRole, key: &str, value: StoreValueWire) -> Result<(), StoreError>;
    fn delete(&self, role: &StoreRole, key: &str) -> Result<(), StoreError>;
    fn list(
        &self,
        role: &StoreRole,
        prefix: &str,
        cursor: Option<String>,
    ) -> Result<StorePageWire, StoreError>;
    fn compare_and_swap(
        &self,
        role: &StoreRole,
        key: &str,
        expected: Option<StoreValueWire>,
        new: StoreValueWire,
    ) -> Result<bool, StoreError>;
    fn append(
        &self,
        role: &StoreRole,
        key: &str,
        value: StoreValueWire,
    ) -> Result<AppendResult, StoreError> {
        let _ = (role, key, value);
        unimplemented!()
    }
    fn watch(
        &self,
        _role: &StoreRole,
        _key: &str,
        _emit_event: Box<dyn Fn(&str) + Send + Sync + 'static>,
    ) -> Result<WatchHandleBox, StoreError> {
        unimplemented!()
    }
    fn cancel_watch(&self, _watch_handle: WatchHandleBox) {}
    fn shutdown(&self) {}
}

pub trait SyncCachePlugin: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn supported_namespaces(&self) -> Vec<String>;
    fn serves_any_namespace(&self) -> bool {
        false
    }
    fn get(&self, ns: &str, key: &str) -> Option<Vec<u8>>;
    fn put(&self, ns: &str, key: &str, value: Vec<u8>, ttl_ms: u64) -> Result<(), CacheError>;
    fn delete(&self, ns: &str, key: &str);
    fn clear(&self, ns: &str) -> Result<(), CacheError>;
    fn incr(&self, ns: &str, key: &str, by: i64, ttl_ms: u64) -> Result<i64, CacheError>;
    fn shutdown(&self) {}
}

pub trait SyncSecretProvider: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn supported_schemes(&self) -> Vec<String>;
    fn get(&self, secret_ref: &str) -> Result<SecretValueWire, SecretError>;
    fn watch(
        &self,
        _secret_ref: &str,
        _emit_event: Box<dyn Fn(&str) + Send + Sync + 'static>,
    ) -> Result<WatchHandleBox, SecretError> {
        unimplemented!()
    }
    fn cancel_watch(&self, _watch_handle: WatchHandleBox) {}
    fn shutdown(&self) {}
}

pub trait SyncConfigProvider: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn supported_schemes(&self) -> Vec<String>;
    fn snapshot(&self, reference: &str) -> Result<ConfigSnapshot, ConfigError>;
    fn watch(
        &self,
        _reference: &str,
        _emit_event: Box<dyn Fn(&str) + Send + Sync + 'static>,
    ) -> Result<WatchHandleBox, ConfigError> {
        unimplemented!()
    }
    fn cancel_watch(&self, _watch_handle: WatchHandleBox) {}
    fn shutdown(&self) {}
}

pub trait SyncClusterBackend: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn node_info(&self) -> ClusterNodeInfo;
    fn list_peers(&self) -> Vec<ClusterPeer>;
    fn publish(
        &self,
        topic: &str,
        routing_key: Option<&str>,
        payload: Vec<u8>,
    ) -> Result<(), ClusterError>;
    fn subscribe(
        &self,
        _topic: &str,
        _group: Option<&str>,
        _routing_key: Option<&str>,
        _emit_event: Box<dyn Fn(&str) + Send + Sync + 'static>,
    ) -> Result<WatchHandleBox, ClusterError> {
        unimplemented!()
    }
    fn watch_peers(
        &self,
        _emit_event: Box<dyn Fn(&str) + Send + Sync + 'static>,
    ) -> Result<WatchHandleBox, ClusterError> {
        unimplemented!()
    }
    fn cancel_stream(&self, _stream_handle: WatchHandleBox) {}
    fn acquire_leadership(
        &self,
        _role: &str,
        _ttl_ms: u64,
    ) -> Result<(WatchHandleBox, u64, String), ClusterError> {
        unimplemented!()
    }
    fn acquire_lock(
        &self,
        _key: &str,
        _ttl_ms: u64,
    ) -> Result<(WatchHandleBox, u64, String), ClusterError> {
        unimplemented!()
    }
    fn try_acquire_leadership(
        &self,
        role: &str,
        ttl_ms: u64,
    ) -> Result<Option<(WatchHandleBox, u64, String)>, ClusterError> {
        let _ = (role, ttl_ms);
        unimplemented!()
    }
    fn try_acquire_lock(
        &self,
        key: &str,
        ttl_ms: u64,
    ) -> Result<Option<(WatchHandleBox, u64, String)>, ClusterError> {
        let _ = (key, ttl_ms);
        unimplemented!()
    }
    fn lease_renew(&self, _lease_handle: WatchHandleBox) -> Result<String, ClusterError> {
        unimplemented!()
    }
    fn lease_release(&self, _lease_handle: WatchHandleBox) -> Result<(), ClusterError> {
        unimplemented!()
    }
    fn lease_drop(&self, _lease_handle: WatchHandleBox) {}
    fn kv_get(&self, _key: &str) -> Result<Option<Entry>, ClusterError> {
        unimplemented!()
    }
    fn kv_put(
        &self,
        _key: &str,
        _value: Vec<u8>,
        _ttl_ms: Option<u64>,
    ) -> Result<(), ClusterError> {
        unimplemented!()
    }
    fn kv_put_if_absent(
        &self,
        _key: &str,
        _value: Vec<u8>,
        _ttl_ms: Option<u64>,
    ) -> Result<bool, ClusterError> {
        unimplemented!()
    }
    fn kv_delete(&self, _key: &str) -> Result<bool, ClusterError> {
        unimplemented!()
    }
    fn kv_list_prefix(
        &self,
        _prefix: &str,
        _limit: usize,
    ) -> Result<Vec<(String, Entry)>, ClusterError> {
        unimplemented!()
    }
    fn kv_expire(&self, _key: &str, _ttl_ms: Option<u64>) -> Result<bool, ClusterError> {
        unimplemented!()
    }
    fn shutdown(&self) {}
}

pub trait SyncPolicyEngine: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn name(&self) -> &str;
    fn evaluate(
        &self,
        decision_point: &str,
        input: &Value,
        context: &PluginContext,
    ) -> PolicyDecision;
    fn policy_version(&self) -> PolicyVersion;
    fn shutdown(&self) {}
}

pub trait SyncApprovalNotifier: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn notify(
        &self,
        request: &NotificationRequest,
    ) -> Result<NotificationResult, NotificationError>;
    fn shutdown(&self) {}
}

pub trait SyncCredentialIssuer: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn issue(
        &self,
        identity: &PluginIdentity,
        target: &str,
        config: &Value,
    ) -> Result<IssuedCredential, CredentialError>;
    fn revoke(&self, lease_id: &str) -> Result<(), CredentialError> {
        let _ = lease_id;
        Ok(())
    }
    fn shutdown(&self) {}
}

pub trait SyncCatalogProvider: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn filter_and_enrich(
        &self,
        ctx: &PluginContext,
        in_progress: &[EnrichedToolDescriptor],
    ) -> Vec<EnrichedToolDescriptor>;
    fn describe(&self, tool_id: &str) -> Option<CatalogEntry>;
    fn list_catalog(&self) -> Vec<CatalogEntry>;
    fn shutdown(&self) {}
}

pub trait SyncContentStore: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn kind(&self) -> &str;
    fn register_profile(&self, profile_name: &str, spec: &Value) -> Result<(), ContentStoreError>;
    fn put(
        &self,
        profile_name: &str,
        content: ContentToStore,
    ) -> Result<ResourceHandle, ContentStoreError>;
    fn get(
        &self,
        profile_name: &str,
        id: &str,
    ) -> Result<Option<ResourceContent>, ContentStoreError>;
    fn delete(&self, profile_name: &str, id: &str) -> Result<(), ContentStoreError>;
    fn signed_url(
        &self,
        _profile_name: &str,
        _id: &str,
        _ttl: std::time::Duration,
    ) -> Result<Option<String>, ContentStoreError> {
        Err(ContentStoreError::SignedUrlNotSupported)
    }
    fn stats(&self, profile_name: &str) -> ContentStoreStats;
    fn sweep_expired(&self, _profile_name: &str) -> usize {
        0
    }
    fn shutdown(&self) {}
}

pub trait SyncTelemetrySink: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn span_started(&self, span: &SpanStart);
    fn span_ended(&self, span: &SpanEnd);
    fn metric_recorded(&self, metric: &MetricPoint);
    fn log_recorded(&self, _record: &LogRecord) {}
    fn flush(&self, _timeout_ms: u64) -> Result<(), TelemetryError> {
        Ok(())
    }
    fn shutdown(&self) {}
}

pub trait SyncMetricsSink: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn emit(&self, metric: &MetricPoint);
    fn flush(&self, _timeout_ms: u64) -> Result<(), MetricsError> {
        Ok(())
    }
    fn render_text_exposition(&self) -> Option<String> {
        None
    }
    fn shutdown(&self) {}
}

pub trait SyncTransport: Send + Sync + 'static {
    fn manifest(&self) -> &PluginManifest;
    fn name(&self) -> &str;
    fn start(
        &self,
        listener_config: &Value,
        dispatcher: Arc<dyn SyncMessageDispatcher>,
    ) -> Result<SyncTransportHandle, TransportError>;
    fn transport_handle_close(&self, transport_handle: WatchHandleBox);
    fn transport_handle_drop(&self, transport_handle: WatchHandleBox);
    fn transport_handle_listen_address(&self, _transport_handle: WatchHandleBox) -> Option<String> {
        None
    }
    fn shutdown(&self) {}
}

/// The gateway side a transport hands each received message to. Plugins only call it.
pub trait SyncMessageDispatcher: Send + Sync {
    fn dispatch(&self, session_id: &str, message: &[u8]) -> Result<Vec<u8>, DispatcherError>;
}

/// What `SyncTransport::start` returns.
pub struct SyncTransportHandle {
    pub handle: *mut (),
    pub listen_address: Option<String>,
}

// SAFETY: the stand-in never dereferences the pointer.
unsafe impl Send for SyncTransportHandle {}
// SAFETY: as above.
unsafe impl Sync for SyncTransportHandle {}

/// An opaque, plugin-owned pointer the host passes back on cancel.
pub struct WatchHandleBox(pub *mut ());

// SAFETY: the stand-in never dereferences the pointer.
unsafe impl Send for WatchHandleBox {}
// SAFETY: as above.
unsafe impl Sync for WatchHandleBox {}

/// The bound every entity's factory is checked against: called with the config JSON and the
/// host handle, it returns the plugin type.
pub fn boxed_make_with_host<T, F>(
    config_json: &str,
    host: crate::HostHandle,
    factory: F,
) -> RPluginHandle
where
    F: FnOnce(&str, crate::HostHandle) -> T,
{
    let _ = (config_json, host, factory);
    unimplemented!()
}
