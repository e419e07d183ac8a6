use std::collections::BTreeMap;
use std::pin::Pin;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::manifest::PluginManifest;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StoreRole {
    Session,
    Task,
    Pipeline,
    Subscription,
    Replay,
    Custom(String),
}

impl std::fmt::Display for StoreRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

impl StoreRole {
    pub fn parse(s: &str) -> Self {
        let _ = s;
        unimplemented!()
    }

    #[must_use]
    pub fn as_label(&self) -> String {
        unimplemented!()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreValue {
    pub bytes: bytes::Bytes,
    pub ttl: Option<Duration>,
    pub metadata: BTreeMap<String, String>,
}

impl StoreValue {
    pub fn new(bytes: impl Into<bytes::Bytes>) -> Self {
        let _ = bytes;
        unimplemented!()
    }

    #[must_use]
    pub fn with_ttl(self, ttl: Duration) -> Self {
        let _ = ttl;
        unimplemented!()
    }

    #[must_use]
    pub fn with_metadata(self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let _ = (key, value);
        unimplemented!()
    }
}

#[derive(Debug, Clone)]
pub struct StorePage {
    pub items: Vec<(String, StoreValue)>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone)]
pub enum StoreEvent {
    Put { key: String, value: StoreValue },
    Delete { key: String },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum StoreEventWire {
    Put { key: String, value: StoreValueWire },
    Delete { key: String },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AppendResult {
    pub sequence: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum StoreError {
    Backend { reason: String },
    CasMismatch,
    UnsupportedRole,
    Unsupported { op: String },
    Throttled,
    NotFound,
}

pub type BoxStoreEventStream =
    Pin<Box<dyn futures_core::Stream<Item = StoreEvent> + Send + 'static>>;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoreValueWire {
    pub bytes: Vec<u8>,
    pub ttl_ms: Option<u64>,
    pub metadata: BTreeMap<String, String>,
}

impl From<StoreValue> for StoreValueWire {
    fn from(v: StoreValue) -> Self {
        let _ = v;
        unimplemented!()
    }
}

impl From<StoreValueWire> for StoreValue {
    fn from(v: StoreValueWire) -> Self {
        let _ = v;
        unimplemented!()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StorePageWire {
    pub items: Vec<(String, StoreValueWire)>,
    pub next_cursor: Option<String>,
}

impl From<StorePage> for StorePageWire {
    fn from(p: StorePage) -> Self {
        let _ = p;
        unimplemented!()
    }
}

impl From<StorePageWire> for StorePage {
    fn from(p: StorePageWire) -> Self {
        let _ = p;
        unimplemented!()
    }
}

#[crate::async_trait]
pub trait Store: Send + Sync {
    fn manifest(&self) -> &PluginManifest;
    fn supported_roles(&self) -> Vec<StoreRole>;
    async fn get(&self, role: StoreRole, key: &str) -> Result<Option<StoreValue>, StoreError>;
    async fn put(&self, role: StoreRole, key: &str, value: StoreValue) -> Result<(), StoreError>;
    async fn delete(&self, role: StoreRole, key: &str) -> Result<(), StoreError>;
    async fn list(
        &self,
        role: StoreRole,
        prefix: &str,
        cursor: Option<String>,
    ) -> Result<StorePage, StoreError>;
    async fn compare_and_swap(
        &self,
        role: StoreRole,
        key: &str,
        expected: Option<StoreValue>,
        new: StoreValue,
    ) -> Result<bool, StoreError>;
    async fn append(
        &self,
        role: StoreRole,
        key: &str,
        value: StoreValue,
    ) -> Result<AppendResult, StoreError> {
        let _ = (role, key, value);
        unimplemented!()
    }
    async fn watch(&self, role: StoreRole, key: &str) -> Result<BoxStoreEventStream, StoreError>;
    async fn shutdown(&self) {}
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

impl std::error::Error for StoreError {}

impl StoreError {
    #[must_use]
    pub fn kind_label(&self) -> &'static str {
        unimplemented!()
    }
}
