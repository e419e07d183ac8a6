use std::pin::Pin;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::manifest::PluginManifest;

pub type BoxBytesStream = Pin<Box<dyn futures_core::Stream<Item = Bytes> + Send + 'static>>;

pub struct DispatchResponse {
    pub reply: Option<Bytes>,
    pub stream: Option<BoxBytesStream>,
}

impl std::fmt::Debug for DispatchResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

impl DispatchResponse {
    pub fn unary(reply: impl Into<Bytes>) -> Self {
        let _ = reply;
        unimplemented!()
    }

    pub fn streaming(stream: BoxBytesStream) -> Self {
        let _ = stream;
        unimplemented!()
    }

    pub fn ack() -> Self {
        unimplemented!()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum DispatcherError {
    SessionNotFound,
    InvalidMessage { reason: String },
    Internal { reason: String },
    Shutdown,
}

#[crate::async_trait]
pub trait MessageDispatcher: Send + Sync {
    async fn dispatch(
        &self,
        session_id: &str,
        message: Bytes,
    ) -> Result<DispatchResponse, DispatcherError>;
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum TransportError {
    BindFailed { reason: String },
    AlreadyListening,
    InvalidConfig { message: String },
    UnknownTransport { name: String },
    Io { reason: String },
    Shutdown,
}

#[crate::async_trait]
pub trait TransportHandle: Send + Sync {
    async fn listen_address(&self) -> Option<String>;
    async fn close(&self);
}

#[crate::async_trait]
pub trait Transport: Send + Sync {
    fn manifest(&self) -> &PluginManifest;
    fn name(&self) -> &str;
    async fn start(
        &self,
        listener_config: &Value,
        dispatcher: std::sync::Arc<dyn MessageDispatcher>,
    ) -> Result<Box<dyn TransportHandle>, TransportError>;
    async fn shutdown(&self) {}
}

impl std::fmt::Display for DispatcherError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

impl std::error::Error for DispatcherError {}

impl DispatcherError {
    #[must_use]
    pub fn kind_label(&self) -> &'static str {
        unimplemented!()
    }
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

impl std::error::Error for TransportError {}

impl TransportError {
    #[must_use]
    pub fn kind_label(&self) -> &'static str {
        unimplemented!()
    }
}
