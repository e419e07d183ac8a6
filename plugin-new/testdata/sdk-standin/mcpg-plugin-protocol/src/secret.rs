use std::collections::BTreeMap;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

use crate::manifest::PluginManifest;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretValue {
    pub bytes: bytes::Bytes,
    pub version: Option<String>,
    pub expires_at: Option<String>,
    pub metadata: BTreeMap<String, String>,
}

impl SecretValue {
    pub fn new(bytes: impl Into<bytes::Bytes>) -> Self {
        let _ = bytes;
        unimplemented!()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRotation {
    pub new_value: SecretValue,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum SecretError {
    NotFound,
    PermissionDenied,
    Backend { reason: String },
    InvalidReference { message: String },
    UnsupportedScheme { scheme: String },
}

pub type BoxSecretRotationStream =
    Pin<Box<dyn futures_core::Stream<Item = SecretRotation> + Send + 'static>>;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SecretValueWire {
    pub bytes: Vec<u8>,
    pub version: Option<String>,
    pub expires_at: Option<String>,
    pub metadata: BTreeMap<String, String>,
}

impl From<SecretValue> for SecretValueWire {
    fn from(v: SecretValue) -> Self {
        let _ = v;
        unimplemented!()
    }
}

impl From<SecretValueWire> for SecretValue {
    fn from(v: SecretValueWire) -> Self {
        let _ = v;
        unimplemented!()
    }
}

#[crate::async_trait]
pub trait SecretProvider: Send + Sync {
    fn manifest(&self) -> &PluginManifest;
    fn supported_schemes(&self) -> Vec<String>;
    async fn get(&self, secret_ref: &str) -> Result<SecretValue, SecretError>;
    async fn has(&self, secret_ref: &str) -> bool {
        let _ = secret_ref;
        unimplemented!()
    }
    async fn watch(&self, secret_ref: &str) -> Result<BoxSecretRotationStream, SecretError> {
        let _ = secret_ref;
        unimplemented!()
    }
    async fn shutdown(&self) {}
}

/// Splits `scheme://rest`; `None` without `://` or with an empty scheme.
#[must_use]
pub fn parse_secret_ref(reference: &str) -> Option<(&str, &str)> {
    let _ = reference;
    unimplemented!()
}

impl std::fmt::Display for SecretError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

impl std::error::Error for SecretError {}

impl SecretError {
    #[must_use]
    pub fn kind_label(&self) -> &'static str {
        unimplemented!()
    }
}
