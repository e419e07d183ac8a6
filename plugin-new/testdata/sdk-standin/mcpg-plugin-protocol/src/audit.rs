use serde::{Deserialize, Serialize};

use crate::manifest::PluginManifest;
use crate::types::PluginIdentity;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditEvent {
    pub event_id: String,
    pub occurred_at: String,
    pub actor: PluginIdentity,
    pub action: String,
    pub resource: Option<String>,
    pub outcome: AuditOutcome,
    pub request_id: Option<String>,
    pub node_id: Option<String>,
    pub details: serde_json::Value,
    pub prev_event_hash: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub enum AuditOutcome {
    Success,
    Failure,
    Partial,
    Denied,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditReceipt {
    pub sink_id: String,
    pub persisted_at: String,
    pub durable_hash: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum AuditError {
    WriteFailed { reason: String },
    Throttled,
    Closed,
    Timeout,
}

#[crate::async_trait]
pub trait AuditSink: Send + Sync {
    fn manifest(&self) -> &PluginManifest;
    async fn emit(&self, event: &AuditEvent) -> Result<AuditReceipt, AuditError>;
    async fn flush(&self, timeout_ms: u64) -> Result<(), AuditError> {
        let _ = timeout_ms;
        Ok(())
    }
    async fn shutdown(&self) {}
}

impl std::fmt::Display for AuditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

impl std::error::Error for AuditError {}

impl AuditError {
    #[must_use]
    pub fn kind_label(&self) -> &'static str {
        unimplemented!()
    }
}
