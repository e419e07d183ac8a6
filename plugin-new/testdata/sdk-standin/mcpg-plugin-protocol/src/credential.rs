use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IssuedCredential {
    pub value: Option<String>,
    pub parts: BTreeMap<String, String>,
    pub ttl_seconds: u64,
    pub lease_id: Option<String>,
    pub issued_at: String,
    pub metadata: BTreeMap<String, String>,
}

impl IssuedCredential {
    #[must_use]
    pub fn from_value(value: impl Into<String>, ttl_seconds: u64) -> Self {
        let _ = (value, ttl_seconds);
        unimplemented!()
    }

    #[must_use]
    pub fn part(&self, name: &str) -> Option<&str> {
        let _ = name;
        unimplemented!()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum CredentialError {
    Backend { reason: String },
    NotAuthorized { reason: String },
    Misconfigured { reason: String },
    Throttled { reason: String },
}

impl CredentialError {
    #[must_use]
    pub fn http_status(&self) -> u16 {
        unimplemented!()
    }
}

impl std::fmt::Display for CredentialError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

impl std::error::Error for CredentialError {}

impl CredentialError {
    #[must_use]
    pub fn kind_label(&self) -> &'static str {
        unimplemented!()
    }
}

#[crate::async_trait]
pub trait CredentialIssuer: Send + Sync {
    fn manifest(&self) -> &crate::manifest::PluginManifest;
    fn credential_kind(&self) -> String {
        self.manifest().id.clone()
    }
    async fn issue(
        &self,
        identity: &crate::types::PluginIdentity,
        target: &str,
        config: &serde_json::Value,
    ) -> Result<IssuedCredential, CredentialError>;
    async fn revoke(&self, lease_id: &str) -> Result<(), CredentialError> {
        let _ = lease_id;
        Ok(())
    }
    async fn shutdown(&self) {}
}
