use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::manifest::PluginManifest;
use crate::types::PluginContext;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub enum PolicyEffect {
    Allow,
    Deny,
    NotApplicable,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Obligation {
    pub kind: String,
    pub args: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Redaction {
    pub json_pointer: String,
    pub replacement: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PolicyVersion {
    pub hash: String,
    pub loaded_at: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PolicyDecision {
    pub effect: PolicyEffect,
    pub obligations: Vec<Obligation>,
    pub redactions: Vec<Redaction>,
    pub attributes: BTreeMap<String, Value>,
    pub reason: Option<String>,
    pub policy_version: String,
}

impl PolicyDecision {
    pub fn allow(policy_version: impl Into<String>) -> Self {
        let _ = policy_version;
        unimplemented!()
    }

    pub fn deny(reason: impl Into<String>, policy_version: impl Into<String>) -> Self {
        let _ = (reason, policy_version);
        unimplemented!()
    }

    pub fn not_applicable(policy_version: impl Into<String>) -> Self {
        let _ = policy_version;
        unimplemented!()
    }
}

#[crate::async_trait]
pub trait PolicyEngine: Send + Sync {
    fn manifest(&self) -> &PluginManifest;
    fn name(&self) -> &str;
    async fn evaluate(
        &self,
        decision_point: &str,
        input: &Value,
        context: &PluginContext,
    ) -> PolicyDecision;
    async fn policy_version(&self) -> PolicyVersion;
    async fn shutdown(&self) {}
}
