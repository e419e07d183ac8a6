use std::collections::BTreeMap;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

use crate::manifest::PluginManifest;
use crate::types::PluginIdentity;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RouteSpec {
    pub method: String,
    pub path: String,
    pub requires_identity: bool,
    pub streaming: bool,
    pub max_body_bytes: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct HttpRouteRequest {
    pub method: String,
    pub full_path: String,
    pub path_params: BTreeMap<String, String>,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: bytes::Bytes,
    pub identity: Option<PluginIdentity>,
    pub request_id: String,
    pub remote_addr: Option<String>,
}

#[derive(Debug)]
pub struct HttpRouteResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: HttpBody,
}

impl HttpRouteResponse {
    pub fn ok_bytes<B: Into<bytes::Bytes>>(content_type: &str, body: B) -> Self {
        let _ = (content_type, body);
        unimplemented!()
    }

    pub fn ok_json<T: Serialize>(value: &T) -> Self {
        let _ = value;
        unimplemented!()
    }

    pub fn status(code: u16) -> Self {
        let _ = code;
        unimplemented!()
    }

    pub fn error_json(status: u16, message: impl Into<String>) -> Self {
        let _ = (status, message);
        unimplemented!()
    }

    pub fn error_bytes<B: Into<bytes::Bytes>>(status: u16, content_type: &str, body: B) -> Self {
        let _ = (status, content_type, body);
        unimplemented!()
    }
}

pub enum HttpBody {
    Bytes(bytes::Bytes),
    Stream(Pin<Box<dyn futures_core::Stream<Item = HttpChunk> + Send + 'static>>),
}

impl std::fmt::Debug for HttpBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        unimplemented!()
    }
}

#[derive(Debug)]
pub enum HttpChunk {
    Data(bytes::Bytes),
    Event { name: String, data: bytes::Bytes },
    End,
}

#[crate::async_trait]
pub trait HttpRoute: Send + Sync {
    fn manifest(&self) -> &PluginManifest;
    fn routes(&self) -> Vec<RouteSpec>;
    async fn handle(&self, req: HttpRouteRequest) -> HttpRouteResponse;
    async fn shutdown(&self) {}
}
