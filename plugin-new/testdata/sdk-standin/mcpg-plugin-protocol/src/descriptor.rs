use serde::{Deserialize, Serialize};

use crate::PluginClass;

pub const DESCRIPTOR_SCHEMA_V1: &str = "mcpg.dev/plugin/v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RuntimeClass {
    StaticFirstparty,
    NativeCdylib,
    Wasi,
}

/// plugin.yaml, as the drift tests parse it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PluginDescriptor {
    pub schema: String,
    pub id: String,
    pub name: String,
    pub license: Option<String>,
    pub description: String,
    pub class: PluginClass,
    pub runtime: RuntimeClass,
    pub protocol_version: String,
    pub required_capabilities: Vec<crate::capability::Capability>,
    pub tags: Vec<String>,
    pub provides: Vec<String>,
    pub provides_schemes: Vec<String>,
}

impl PluginDescriptor {
    #[must_use]
    pub fn is_current_schema(&self) -> bool {
        unimplemented!()
    }
}
