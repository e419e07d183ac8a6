use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::manifest::PluginManifest;
use crate::types::PluginIdentity;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LogRecord {
    pub timestamp_ns: u64,
    pub level: LogLevel,
    pub target: String,
    pub message: String,
    pub fields: BTreeMap<String, serde_json::Value>,
    pub span_id: Option<String>,
    pub trace_id: Option<String>,
    pub request_id: Option<String>,
    pub identity: Option<PluginIdentity>,
    pub node_id: Option<String>,
    pub plugin_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum LogError {
    Backend { reason: String },
    Throttled,
    Closed,
    Timeout,
}

#[crate::async_trait]
pub trait LogSink: Send + Sync {
    fn manifest(&self) -> &PluginManifest;
    async fn emit(&self, record: &LogRecord);
    async fn flush(&self, timeout: Duration) -> Result<(), LogError>;
    async fn shutdown(&self) {}
}

impl std::fmt::Display for LogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

impl std::error::Error for LogError {}

impl LogError {
    #[must_use]
    pub fn kind_label(&self) -> &'static str {
        unimplemented!()
    }
}
