use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Stands in for the real field type `chrono::DateTime<chrono::Utc>`. A generated crate has no
/// chrono dependency, so it can only reach these values through the traits below; add one here
/// if a template needs more (see README.md).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct UtcDateTime(i64);

impl std::str::FromStr for UtcDateTime {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let _ = s;
        unimplemented!()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContentToStore {
    pub bytes: bytes::Bytes,
    pub mime_type: String,
    pub alias: Option<String>,
    pub session_id: Option<String>,
    pub tenant_id: Option<String>,
    pub ttl: Option<Duration>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ResourceHandle {
    pub id: String,
    pub uri: String,
    pub size_bytes: usize,
    pub mime_type: String,
    pub expires_at: Option<UtcDateTime>,
    pub content_hash: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResourceContent {
    pub bytes: bytes::Bytes,
    pub mime_type: String,
    pub session_id: Option<String>,
    pub tenant_id: Option<String>,
    pub stored_at: UtcDateTime,
    pub expires_at: Option<UtcDateTime>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct ContentStoreStats {
    pub item_count: u64,
    pub byte_count: u64,
    pub max_bytes: u64,
}

/// No `Clone` or `PartialEq`, as in the real crate.
#[derive(Debug, Serialize, Deserialize)]
pub enum ContentStoreError {
    SizeLimit {
        limit_bytes: usize,
        actual_bytes: usize,
    },
    Storage {
        message: String,
    },
    SignedUrlNotSupported,
    Forbidden,
    NotFound,
}

impl std::fmt::Display for ContentStoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

impl std::error::Error for ContentStoreError {}

impl ContentStoreError {
    #[must_use]
    pub fn kind_label(&self) -> &'static str {
        unimplemented!()
    }
}
