use serde::{Deserialize, Serialize};

use crate::types::PluginIdentity;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ListedResource {
    pub uri: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub mime_type: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ResourcePage {
    pub resources: Vec<ListedResource>,
    pub next_cursor: Option<String>,
}

impl ResourcePage {
    pub fn empty() -> Self {
        Self::default()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CapabilitySet {
    pub tools: Vec<ExpandedTool>,
    pub resource_templates: Vec<ExpandedResourceTemplate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ExpandedTool {
    pub name: String,
    pub title: Option<String>,
    pub description: String,
    pub input_schema: serde_json::Value,
    pub output_schema: Option<serde_json::Value>,
    pub annotations: Option<serde_json::Value>,
    pub meta: Option<serde_json::Value>,
    pub backend_kind: String,
    pub backend_spec: serde_json::Value,
    pub governance: Option<serde_json::Value>,
    pub retry: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ExpandedResourceTemplate {
    pub name: String,
    pub uri_template: String,
    pub description: String,
    pub mime_type: Option<String>,
    pub meta: Option<serde_json::Value>,
    pub backend_kind: String,
    pub backend_spec: serde_json::Value,
    pub governance: Option<serde_json::Value>,
    pub retry: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum BackendChunk {
    TextDelta {
        delta: String,
    },
    ToolCall {
        id: String,
        name: String,
        arguments: serde_json::Value,
    },
    ToolResult {
        id: String,
        result: serde_json::Value,
    },
    Usage {
        input_tokens: u32,
        output_tokens: u32,
        cached_input_tokens: u32,
    },
    IterationBoundary {
        iteration: u32,
    },
    Progress {
        progress: u32,
        total: Option<u32>,
        message: String,
    },
    Done(BackendResponse),
}

/// No `PartialEq`, as in the real crate.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BackendRequest {
    pub payload: Vec<u8>,
    pub headers: Vec<(String, String)>,
    pub request_id: String,
    pub session_id: Option<String>,
    pub identity: Option<PluginIdentity>,
    pub idempotency: Option<IdempotencyHint>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IdempotencyHint {
    pub key: String,
    pub scope_hash: String,
}

/// No `PartialEq`, as in the real crate.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BackendResponse {
    pub payload: Vec<u8>,
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum BackendHealth {
    Healthy,
    Unhealthy {
        reason: Option<String>,
    },
    #[default]
    Unknown,
}

/// No `PartialEq`, as in the real crate.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum BackendError {
    ProfileNotFound { backend_name: String },
    InvalidSpec { message: String },
    Timeout { timeout_ms: u64 },
    Transport { message: String },
}

impl BackendError {
    #[must_use]
    pub fn http_status(&self) -> u16 {
        unimplemented!()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WatchEvent {
    pub user_id: Option<String>,
    pub session_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum WatchError {
    InvalidSpec { message: String },
    Subscribe { message: String },
}

impl std::fmt::Display for BackendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

impl std::error::Error for BackendError {}

impl BackendError {
    #[must_use]
    pub fn kind_label(&self) -> &'static str {
        unimplemented!()
    }
}

impl std::fmt::Display for WatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

impl std::error::Error for WatchError {}

impl WatchError {
    #[must_use]
    pub fn kind_label(&self) -> &'static str {
        unimplemented!()
    }
}
