use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ProtocolToolDescriptor {
    pub name: String,
    pub title: Option<String>,
    pub description: String,
    pub input_schema: Value,
    pub output_schema: Option<Value>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct CatalogMetadata {
    pub tags: Vec<String>,
    pub owner: Option<String>,
    pub doc_url: Option<String>,
    pub sample_arguments: Option<Value>,
    pub trust_required: Option<String>,
    pub requires_approval: Option<bool>,
    pub maturity: Option<String>,
    pub attributes: BTreeMap<String, String>,
}

impl CatalogMetadata {
    #[must_use]
    pub fn is_empty(&self) -> bool {
        unimplemented!()
    }

    pub fn merge_from(&mut self, incoming: &CatalogMetadata) {
        let _ = incoming;
        unimplemented!()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct EnrichedToolDescriptor {
    pub base: ProtocolToolDescriptor,
    pub catalog: Option<CatalogMetadata>,
}

impl EnrichedToolDescriptor {
    #[must_use]
    pub fn from_base(base: ProtocolToolDescriptor) -> Self {
        let _ = base;
        unimplemented!()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CatalogEntry {
    pub tool_id: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub catalog: CatalogMetadata,
    pub access_summary: Option<String>,
    pub last_invoked_at: Option<String>,
    pub recent_invocations: Option<u64>,
}

#[crate::async_trait]
pub trait CatalogProvider: Send + Sync {
    fn manifest(&self) -> &crate::manifest::PluginManifest;
    async fn filter_and_enrich(
        &self,
        ctx: &crate::types::PluginContext,
        in_progress: &[EnrichedToolDescriptor],
    ) -> Vec<EnrichedToolDescriptor>;
    async fn describe(&self, tool_id: &str) -> Option<CatalogEntry>;
    async fn list_catalog(&self) -> Vec<CatalogEntry>;
    async fn shutdown(&self) {}
}
