use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::types::PluginIdentity;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NotificationRequest {
    pub approval_id: String,
    pub summary: String,
    pub deadline_at: String,
    pub direct_callback_url: String,
    pub identity: PluginIdentity,
    pub tool_name: String,
    pub arguments: Option<Value>,
    pub metadata: Option<Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct NotificationResult {
    pub channel: String,
    pub metadata: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum NotificationError {
    Backend { reason: String },
    Misconfigured { reason: String },
    Throttled { reason: String },
    Internal { reason: String },
}

impl std::fmt::Display for NotificationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

impl std::error::Error for NotificationError {}

impl NotificationError {
    #[must_use]
    pub fn kind_label(&self) -> &'static str {
        unimplemented!()
    }
}

#[crate::async_trait]
pub trait ApprovalNotifier: Send + Sync {
    fn manifest(&self) -> &crate::manifest::PluginManifest;
    async fn notify(
        &self,
        request: &NotificationRequest,
    ) -> Result<NotificationResult, NotificationError>;
    async fn shutdown(&self) {}
}
