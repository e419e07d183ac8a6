use std::pin::Pin;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::manifest::PluginManifest;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ConfigSnapshot {
    pub version: String,
    pub values: Value,
    pub fetched_at: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ConfigDelta {
    pub from_version: String,
    pub to_version: String,
    pub changed_paths: Vec<String>,
    pub snapshot: ConfigSnapshot,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum ConfigError {
    NotFound,
    PermissionDenied,
    Backend { reason: String },
    InvalidReference { message: String },
    UnsupportedScheme { scheme: String },
    ParseError { reason: String },
}

pub type BoxConfigDeltaStream =
    Pin<Box<dyn futures_core::Stream<Item = ConfigDelta> + Send + 'static>>;

#[crate::async_trait]
pub trait ConfigProvider: Send + Sync {
    fn manifest(&self) -> &PluginManifest;
    fn supported_schemes(&self) -> Vec<String>;
    async fn snapshot(&self, reference: &str) -> Result<ConfigSnapshot, ConfigError>;
    async fn watch(&self, reference: &str) -> Result<BoxConfigDeltaStream, ConfigError> {
        let _ = reference;
        unimplemented!()
    }
    async fn shutdown(&self) {}
}

/// Splits `scheme://rest`; `None` without `://` or with an empty scheme.
#[must_use]
pub fn parse_config_ref(reference: &str) -> Option<(&str, &str)> {
    let _ = reference;
    unimplemented!()
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    #[must_use]
    pub fn kind_label(&self) -> &'static str {
        unimplemented!()
    }
}
