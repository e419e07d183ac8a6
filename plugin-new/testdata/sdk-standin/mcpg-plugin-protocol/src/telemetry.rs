use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::manifest::PluginManifest;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub enum SpanKind {
    Internal,
    Server,
    Client,
    Producer,
    Consumer,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum SpanStatus {
    Ok,
    Error { message: String },
    Unset,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SpanEvent {
    pub name: String,
    pub timestamp_ns: u64,
    pub attributes: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SpanStart {
    pub trace_id: String,
    pub span_id: String,
    pub parent_id: Option<String>,
    pub name: String,
    pub kind: SpanKind,
    pub start_ns: u64,
    pub attributes: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SpanEnd {
    pub trace_id: String,
    pub span_id: String,
    pub end_ns: u64,
    pub status: SpanStatus,
    pub events: Vec<SpanEvent>,
    pub additional_attributes: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub enum MetricKind {
    Counter,
    Gauge,
    Histogram,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum MetricValue {
    F64 {
        value: f64,
    },
    I64 {
        value: i64,
    },
    Histogram {
        count: u64,
        sum: f64,
        observations: Vec<f64>,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MetricPoint {
    pub name: String,
    pub unit: Option<String>,
    pub kind: MetricKind,
    pub value: MetricValue,
    pub labels: BTreeMap<String, String>,
    pub timestamp_ns: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum TelemetryError {
    Backend { reason: String },
    Throttled,
    Closed,
    Timeout,
}

#[crate::async_trait]
pub trait TelemetrySink: Send + Sync {
    fn manifest(&self) -> &PluginManifest;
    async fn span_started(&self, span: SpanStart);
    async fn span_ended(&self, span: SpanEnd);
    async fn metric_recorded(&self, metric: MetricPoint);
    async fn log_recorded(&self, record: &crate::logs::LogRecord) {
        let _ = record;
    }
    async fn flush(&self, timeout: Duration) -> Result<(), TelemetryError>;
    async fn shutdown(&self) {}
}

impl std::fmt::Display for TelemetryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

impl std::error::Error for TelemetryError {}

impl TelemetryError {
    #[must_use]
    pub fn kind_label(&self) -> &'static str {
        unimplemented!()
    }
}
