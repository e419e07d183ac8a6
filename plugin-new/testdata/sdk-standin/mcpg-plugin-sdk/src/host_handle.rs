//! The handle a plugin keeps to call back into the gateway. Signatures only.

use mcpg_plugin_protocol::abi::HostHandleRef;
use mcpg_plugin_protocol::audit::{AuditError, AuditEvent, AuditReceipt};
use mcpg_plugin_protocol::config::{ConfigError, ConfigSnapshot};
use mcpg_plugin_protocol::credential::{CredentialError, IssuedCredential};
use mcpg_plugin_protocol::secret::{SecretError, SecretValue};
use mcpg_plugin_protocol::types::PluginIdentity;

/// A metric sent to the host (not the protocol's `telemetry::MetricPoint`, which sinks receive).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum MetricPoint {
    Counter {
        name: String,
        value: u64,
        labels: Vec<(String, String)>,
    },
    Gauge {
        name: String,
        value: f64,
        labels: Vec<(String, String)>,
    },
    Histogram {
        name: String,
        value: f64,
        labels: Vec<(String, String)>,
    },
}

/// Cloneable, `Send + Sync`, no `Default`: plugins get one from the factory.
#[derive(Clone)]
pub struct HostHandle {
    handle_ref: HostHandleRef,
}

impl std::fmt::Debug for HostHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostHandle")
            .field("ctx", &self.handle_ref.ctx)
            .finish()
    }
}

impl HostHandle {
    /// # Safety
    ///
    /// `handle_ref` must stay valid for as long as the handle (and its clones) live.
    pub unsafe fn from_ffi(handle_ref: HostHandleRef) -> Self {
        Self { handle_ref }
    }

    pub fn alias(&self) -> String {
        unimplemented!()
    }

    pub fn resolve_secret(&self, uri: &str) -> Result<SecretValue, SecretError> {
        let _ = uri;
        unimplemented!()
    }

    pub fn issue_credential(
        &self,
        uri: &str,
        identity: &PluginIdentity,
    ) -> Result<IssuedCredential, CredentialError> {
        let _ = (uri, identity);
        unimplemented!()
    }

    pub fn config_snapshot(&self, uri: &str) -> Result<ConfigSnapshot, ConfigError> {
        let _ = uri;
        unimplemented!()
    }

    pub fn audit_event(&self, event: AuditEvent) -> Result<AuditReceipt, AuditError> {
        let _ = event;
        unimplemented!()
    }

    pub fn emit_metric(&self, point: MetricPoint) {
        let _ = point;
        unimplemented!()
    }

    pub fn counter(&self, name: impl Into<String>, value: u64, labels: &[(&str, &str)]) {
        let _ = (name.into(), value, labels);
        unimplemented!()
    }

    pub fn gauge(&self, name: impl Into<String>, value: f64, labels: &[(&str, &str)]) {
        let _ = (name.into(), value, labels);
        unimplemented!()
    }

    pub fn histogram(&self, name: impl Into<String>, value: f64, labels: &[(&str, &str)]) {
        let _ = (name.into(), value, labels);
        unimplemented!()
    }

    pub fn span(&self, name: &str, attrs: serde_json::Value) -> SpanGuard {
        let _ = (name, attrs);
        unimplemented!()
    }

    pub fn span_event(&self, span_id: u64, name: &str, attrs: serde_json::Value) {
        let _ = (span_id, name, attrs);
        unimplemented!()
    }
}

/// An open span; dropping it ends the span.
#[derive(Debug)]
pub struct SpanGuard {
    span_id: u64,
}

impl SpanGuard {
    #[must_use]
    pub fn id(&self) -> u64 {
        self.span_id
    }

    pub fn event(&self, name: &str, attrs: serde_json::Value) {
        let _ = (name, attrs);
        unimplemented!()
    }
}

impl Drop for SpanGuard {
    fn drop(&mut self) {}
}
