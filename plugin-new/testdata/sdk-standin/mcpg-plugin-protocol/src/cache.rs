use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::manifest::PluginManifest;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum CacheError {
    Backend { reason: String },
    Unsupported { op: String },
    Throttled,
    UnsupportedNamespace,
}

#[crate::async_trait]
pub trait Cache: Send + Sync {
    fn manifest(&self) -> &PluginManifest;
    fn supported_namespaces(&self) -> Vec<String>;
    fn serves_any_namespace(&self) -> bool {
        false
    }
    async fn get(&self, ns: &str, key: &str) -> Option<bytes::Bytes>;
    async fn put(
        &self,
        ns: &str,
        key: &str,
        value: bytes::Bytes,
        ttl: Duration,
    ) -> Result<(), CacheError>;
    async fn delete(&self, ns: &str, key: &str);
    async fn clear(&self, ns: &str) -> Result<(), CacheError>;
    async fn incr(&self, ns: &str, key: &str, by: i64, ttl: Duration) -> Result<i64, CacheError>;
    async fn shutdown(&self) {}
}

impl std::fmt::Display for CacheError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

impl std::error::Error for CacheError {}

impl CacheError {
    #[must_use]
    pub fn kind_label(&self) -> &'static str {
        unimplemented!()
    }
}
