use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::manifest::PluginManifest;

pub use crate::telemetry::{MetricKind, MetricPoint, MetricValue};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum MetricsError {
    Backend { reason: String },
    Throttled,
    Closed,
    Timeout,
}

#[crate::async_trait]
pub trait MetricsSink: Send + Sync {
    fn manifest(&self) -> &PluginManifest;
    async fn emit(&self, metric: &MetricPoint);
    async fn flush(&self, timeout: Duration) -> Result<(), MetricsError>;
    async fn render_text_exposition(&self) -> Option<String> {
        None
    }
    async fn shutdown(&self) {}
}

impl std::fmt::Display for MetricsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

impl std::error::Error for MetricsError {}

impl MetricsError {
    #[must_use]
    pub fn kind_label(&self) -> &'static str {
        unimplemented!()
    }
}
