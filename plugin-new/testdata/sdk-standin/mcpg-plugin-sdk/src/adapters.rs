//! `Sync*Adapter<T>`: wrap a plugin type implementing a `Sync*` trait so it implements the async
//! protocol trait MockGateway (and the static registry) consume. Method bodies are placeholders.

use std::time::Duration;

use async_trait::async_trait;
use mcpg_plugin_protocol::PluginManifest;
use serde_json::Value;

use crate::ffi::*;

macro_rules! adapter {
    ($($(#[$meta:meta])* $name:ident<T: $bound:path>;)+) => {$(
        $(#[$meta])*
        #[repr(transparent)]
        pub struct $name<T: $bound> {
            inner: T,
        }

        impl<T: $bound> $name<T> {
            pub fn new(inner: T) -> Self {
                Self { inner }
            }

            pub fn inner(&self) -> &T {
                &self.inner
            }

            pub fn into_inner(self) -> T {
                self.inner
            }
        }
    )+};
}

adapter! {
    SyncToolGateAdapter<T: SyncToolGate>;
    SyncTransformAdapter<T: SyncTransform>;
    SyncIdentityAdapter<T: SyncIdentityResolver>;
    SyncAuditSinkAdapter<T: SyncAuditSink>;
    SyncLogSinkAdapter<T: SyncLogSink>;
    SyncMetricsSinkAdapter<T: SyncMetricsSink>;
    SyncTelemetrySinkAdapter<T: SyncTelemetrySink>;
    SyncApprovalNotifierAdapter<T: SyncApprovalNotifier>;
    SyncCatalogProviderAdapter<T: SyncCatalogProvider>;
    SyncPolicyEngineAdapter<T: SyncPolicyEngine>;
    SyncCredentialIssuerAdapter<T: SyncCredentialIssuer>;
    SyncSecretProviderAdapter<T: SyncSecretProvider>;
    /// The stand-in has no async `BackendPlugin` trait yet (see README.md).
    SyncBackendPluginAdapter<T: SyncBackendPlugin>;
    SyncStorePluginAdapter<T: SyncStorePlugin>;
    SyncCachePluginAdapter<T: SyncCachePlugin>;
    /// The stand-in has no async `ContentStorePlugin` trait yet (see README.md).
    SyncContentStoreAdapter<T: SyncContentStore>;
    SyncHttpRouteAdapter<T: SyncHttpRoute>;
    /// The stand-in has no async `WatchStrategyPlugin` trait yet (see README.md).
    SyncWatchStrategyAdapter<T: SyncWatchStrategyPlugin>;
    SyncConfigProviderAdapter<T: SyncConfigProvider>;
    SyncMessageDispatcherAdapter<T: SyncMessageDispatcher>;
}

#[async_trait]
impl<T: SyncToolGate> mcpg_plugin_protocol::ToolGatePlugin for SyncToolGateAdapter<T> {
    fn manifest(&self) -> &PluginManifest {
        self.inner.manifest()
    }
    async fn evaluate_pre_dispatch(
        &self,
        _ctx: &mcpg_plugin_protocol::PluginContext,
        _arguments: &Value,
        _meta: Option<&Value>,
        _config: &Value,
    ) -> mcpg_plugin_protocol::GateDecision {
        unimplemented!()
    }
    async fn evaluate_post_dispatch(
        &self,
        _ctx: &mcpg_plugin_protocol::PluginContext,
        _arguments: &Value,
        _result: &Value,
        _execution_duration_ms: u64,
        _config: &Value,
    ) -> mcpg_plugin_protocol::GateDecision {
        unimplemented!()
    }
}

#[async_trait]
impl<T: SyncTransform> mcpg_plugin_protocol::TransformPlugin for SyncTransformAdapter<T> {
    fn manifest(&self) -> &PluginManifest {
        self.inner.manifest()
    }
    async fn transform_arguments(
        &self,
        _ctx: &mcpg_plugin_protocol::PluginContext,
        _arguments: &Value,
        _config: &Value,
    ) -> mcpg_plugin_protocol::TransformResult {
        unimplemented!()
    }
    async fn transform_result(
        &self,
        _ctx: &mcpg_plugin_protocol::PluginContext,
        _result: &Value,
        _config: &Value,
    ) -> mcpg_plugin_protocol::TransformResult {
        unimplemented!()
    }
}

#[async_trait]
impl<T: SyncIdentityResolver> mcpg_plugin_protocol::IdentityProviderPlugin
    for SyncIdentityAdapter<T>
{
    fn manifest(&self) -> &PluginManifest {
        self.inner.manifest()
    }
    async fn resolve_identity(
        &self,
        _headers: &[(String, String)],
        _metadata: &mcpg_plugin_protocol::RequestMetadata,
        _config: &Value,
    ) -> mcpg_plugin_protocol::IdentityResolution {
        unimplemented!()
    }
}

mod sinks {
    use super::*;
    use mcpg_plugin_protocol::audit::{AuditError, AuditEvent, AuditReceipt, AuditSink};
    use mcpg_plugin_protocol::logs::{LogError, LogRecord, LogSink};
    use mcpg_plugin_protocol::metrics::{MetricsError, MetricsSink};
    use mcpg_plugin_protocol::telemetry::{
        MetricPoint, SpanEnd, SpanStart, TelemetryError, TelemetrySink,
    };

    #[async_trait]
    impl<T: SyncAuditSink> AuditSink for SyncAuditSinkAdapter<T> {
        fn manifest(&self) -> &PluginManifest {
            self.inner.manifest()
        }
        async fn emit(&self, _event: &AuditEvent) -> Result<AuditReceipt, AuditError> {
            unimplemented!()
        }
    }

    #[async_trait]
    impl<T: SyncLogSink> LogSink for SyncLogSinkAdapter<T> {
        fn manifest(&self) -> &PluginManifest {
            self.inner.manifest()
        }
        async fn emit(&self, _record: &LogRecord) {
            unimplemented!()
        }
        async fn flush(&self, _timeout: Duration) -> Result<(), LogError> {
            unimplemented!()
        }
    }

    #[async_trait]
    impl<T: SyncMetricsSink> MetricsSink for SyncMetricsSinkAdapter<T> {
        fn manifest(&self) -> &PluginManifest {
            self.inner.manifest()
        }
        async fn emit(&self, _metric: &MetricPoint) {
            unimplemented!()
        }
        async fn flush(&self, _timeout: Duration) -> Result<(), MetricsError> {
            unimplemented!()
        }
    }

    #[async_trait]
    impl<T: SyncTelemetrySink> TelemetrySink for SyncTelemetrySinkAdapter<T> {
        fn manifest(&self) -> &PluginManifest {
            self.inner.manifest()
        }
        async fn span_started(&self, _span: SpanStart) {
            unimplemented!()
        }
        async fn span_ended(&self, _span: SpanEnd) {
            unimplemented!()
        }
        async fn metric_recorded(&self, _metric: MetricPoint) {
            unimplemented!()
        }
        async fn flush(&self, _timeout: Duration) -> Result<(), TelemetryError> {
            unimplemented!()
        }
    }
}

mod governance {
    use super::*;
    use mcpg_plugin_protocol::approval_notifier::{
        ApprovalNotifier, NotificationError, NotificationRequest, NotificationResult,
    };
    use mcpg_plugin_protocol::catalog::{CatalogEntry, CatalogProvider, EnrichedToolDescriptor};
    use mcpg_plugin_protocol::credential::{CredentialError, CredentialIssuer, IssuedCredential};
    use mcpg_plugin_protocol::policy::{PolicyDecision, PolicyEngine, PolicyVersion};
    use mcpg_plugin_protocol::{PluginContext, PluginIdentity};

    #[async_trait]
    impl<T: SyncApprovalNotifier> ApprovalNotifier for SyncApprovalNotifierAdapter<T> {
        fn manifest(&self) -> &PluginManifest {
            self.inner.manifest()
        }
        async fn notify(
            &self,
            _request: &NotificationRequest,
        ) -> Result<NotificationResult, NotificationError> {
            unimplemented!()
        }
    }

    #[async_trait]
    impl<T: SyncCatalogProvider> CatalogProvider for SyncCatalogProviderAdapter<T> {
        fn manifest(&self) -> &PluginManifest {
            self.inner.manifest()
        }
        async fn filter_and_enrich(
            &self,
            _ctx: &PluginContext,
            _in_progress: &[EnrichedToolDescriptor],
        ) -> Vec<EnrichedToolDescriptor> {
            unimplemented!()
        }
        async fn describe(&self, _tool_id: &str) -> Option<CatalogEntry> {
            unimplemented!()
        }
        async fn list_catalog(&self) -> Vec<CatalogEntry> {
            unimplemented!()
        }
    }

    #[async_trait]
    impl<T: SyncPolicyEngine> PolicyEngine for SyncPolicyEngineAdapter<T> {
        fn manifest(&self) -> &PluginManifest {
            self.inner.manifest()
        }
        fn name(&self) -> &str {
            self.inner.name()
        }
        async fn evaluate(
            &self,
            _decision_point: &str,
            _input: &Value,
            _context: &PluginContext,
        ) -> PolicyDecision {
            unimplemented!()
        }
        async fn policy_version(&self) -> PolicyVersion {
            unimplemented!()
        }
    }

    #[async_trait]
    impl<T: SyncCredentialIssuer> CredentialIssuer for SyncCredentialIssuerAdapter<T> {
        fn manifest(&self) -> &PluginManifest {
            self.inner.manifest()
        }
        async fn issue(
            &self,
            _identity: &PluginIdentity,
            _target: &str,
            _config: &Value,
        ) -> Result<IssuedCredential, CredentialError> {
            unimplemented!()
        }
    }
}

mod providers {
    use super::*;
    use mcpg_plugin_protocol::cache::{Cache, CacheError};
    use mcpg_plugin_protocol::config::{ConfigError, ConfigProvider, ConfigSnapshot};
    use mcpg_plugin_protocol::http_route::{
        HttpRoute, HttpRouteRequest, HttpRouteResponse, RouteSpec,
    };
    use mcpg_plugin_protocol::secret::{SecretError, SecretProvider, SecretValue};
    use mcpg_plugin_protocol::store::{
        BoxStoreEventStream, Store, StoreError, StorePage, StoreRole, StoreValue,
    };
    use mcpg_plugin_protocol::transport::{DispatchResponse, DispatcherError, MessageDispatcher};

    #[async_trait]
    impl<T: SyncSecretProvider> SecretProvider for SyncSecretProviderAdapter<T> {
        fn manifest(&self) -> &PluginManifest {
            self.inner.manifest()
        }
        fn supported_schemes(&self) -> Vec<String> {
            self.inner.supported_schemes()
        }
        async fn get(&self, _secret_ref: &str) -> Result<SecretValue, SecretError> {
            unimplemented!()
        }
    }

    #[async_trait]
    impl<T: SyncConfigProvider> ConfigProvider for SyncConfigProviderAdapter<T> {
        fn manifest(&self) -> &PluginManifest {
            self.inner.manifest()
        }
        fn supported_schemes(&self) -> Vec<String> {
            self.inner.supported_schemes()
        }
        async fn snapshot(&self, _reference: &str) -> Result<ConfigSnapshot, ConfigError> {
            unimplemented!()
        }
    }

    #[async_trait]
    impl<T: SyncStorePlugin> Store for SyncStorePluginAdapter<T> {
        fn manifest(&self) -> &PluginManifest {
            self.inner.manifest()
        }
        fn supported_roles(&self) -> Vec<StoreRole> {
            self.inner.supported_roles()
        }
        async fn get(
            &self,
            _role: StoreRole,
            _key: &str,
        ) -> Result<Option<StoreValue>, StoreError> {
            unimplemented!()
        }
        async fn put(
            &self,
            _role: StoreRole,
            _key: &str,
            _value: StoreValue,
        ) -> Result<(), StoreError> {
            unimplemented!()
        }
        async fn delete(&self, _role: StoreRole, _key: &str) -> Result<(), StoreError> {
            unimplemented!()
        }
        async fn list(
            &self,
            _role: StoreRole,
            _prefix: &str,
            _cursor: Option<String>,
        ) -> Result<StorePage, StoreError> {
            unimplemented!()
        }
        async fn compare_and_swap(
            &self,
            _role: StoreRole,
            _key: &str,
            _expected: Option<StoreValue>,
            _new: StoreValue,
        ) -> Result<bool, StoreError> {
            unimplemented!()
        }
        async fn watch(
            &self,
            _role: StoreRole,
            _key: &str,
        ) -> Result<BoxStoreEventStream, StoreError> {
            unimplemented!()
        }
    }

    #[async_trait]
    impl<T: SyncCachePlugin> Cache for SyncCachePluginAdapter<T> {
        fn manifest(&self) -> &PluginManifest {
            self.inner.manifest()
        }
        fn supported_namespaces(&self) -> Vec<String> {
            self.inner.supported_namespaces()
        }
        fn serves_any_namespace(&self) -> bool {
            self.inner.serves_any_namespace()
        }
        async fn get(&self, _ns: &str, _key: &str) -> Option<bytes::Bytes> {
            unimplemented!()
        }
        async fn put(
            &self,
            _ns: &str,
            _key: &str,
            _value: bytes::Bytes,
            _ttl: Duration,
        ) -> Result<(), CacheError> {
            unimplemented!()
        }
        async fn delete(&self, _ns: &str, _key: &str) {
            unimplemented!()
        }
        async fn clear(&self, _ns: &str) -> Result<(), CacheError> {
            unimplemented!()
        }
        async fn incr(
            &self,
            _ns: &str,
            _key: &str,
            _by: i64,
            _ttl: Duration,
        ) -> Result<i64, CacheError> {
            unimplemented!()
        }
    }

    #[async_trait]
    impl<T: SyncHttpRoute> HttpRoute for SyncHttpRouteAdapter<T> {
        fn manifest(&self) -> &PluginManifest {
            self.inner.manifest()
        }
        fn routes(&self) -> Vec<RouteSpec> {
            self.inner.routes()
        }
        async fn handle(&self, _req: HttpRouteRequest) -> HttpRouteResponse {
            unimplemented!()
        }
    }

    #[async_trait]
    impl<T: SyncMessageDispatcher + 'static> MessageDispatcher for SyncMessageDispatcherAdapter<T> {
        async fn dispatch(
            &self,
            _session_id: &str,
            _message: bytes::Bytes,
        ) -> Result<DispatchResponse, DispatcherError> {
            unimplemented!()
        }
    }
}
