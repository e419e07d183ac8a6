//! The async contracts of the three Wasm-capable kinds, as MockGateway consumes them.

use async_trait::async_trait;
use serde_json::Value;

use crate::manifest::PluginManifest;
use crate::types::{
    GateDecision, IdentityResolution, PluginContext, RequestMetadata, TransformResult,
};

#[async_trait]
pub trait ToolGatePlugin: Send + Sync {
    fn manifest(&self) -> &PluginManifest;
    async fn evaluate_pre_dispatch(
        &self,
        ctx: &PluginContext,
        arguments: &Value,
        meta: Option<&Value>,
        config: &Value,
    ) -> GateDecision;
    async fn evaluate_post_dispatch(
        &self,
        ctx: &PluginContext,
        arguments: &Value,
        result: &Value,
        execution_duration_ms: u64,
        config: &Value,
    ) -> GateDecision {
        let _ = (ctx, arguments, result, execution_duration_ms, config);
        unimplemented!()
    }
    async fn shutdown(&self) {}
}

#[async_trait]
pub trait TransformPlugin: Send + Sync {
    fn manifest(&self) -> &PluginManifest;
    async fn transform_arguments(
        &self,
        ctx: &PluginContext,
        arguments: &Value,
        config: &Value,
    ) -> TransformResult;
    async fn transform_result(
        &self,
        ctx: &PluginContext,
        result: &Value,
        config: &Value,
    ) -> TransformResult;
    async fn shutdown(&self) {}
}

#[async_trait]
pub trait IdentityProviderPlugin: Send + Sync {
    fn manifest(&self) -> &PluginManifest;
    async fn resolve_identity(
        &self,
        headers: &[(String, String)],
        metadata: &RequestMetadata,
        config: &Value,
    ) -> IdentityResolution;
    async fn shutdown(&self) {}
}
