//! Stand-in for `mcpg-plugin-protocol` v0.1.0-beta.14: the types and trait contracts the
//! scaffolded crates name, with the real module paths, names, fields and signatures, so that
//! `cargo check` of a generated crate fails here exactly where it would fail against the real
//! crate. Bodies are placeholders: nothing in this crate is meant to run.

pub use async_trait::async_trait;
pub use backend::*;
pub use capability::Capability;
pub use descriptor::*;
pub use manifest::*;
pub use serde_json;
pub use traits::*;
pub use types::*;

pub mod abi;
pub mod approval_notifier;
pub mod audit;
pub mod backend;
pub mod cache;
pub mod capability;
pub mod catalog;
pub mod config;
pub mod content_store;
pub mod credential;
pub mod descriptor;
pub mod http_route;
pub mod logs;
pub mod manifest;
pub mod metrics;
pub mod policy;
pub mod secret;
pub mod store;
pub mod telemetry;
pub mod traits;
pub mod transport;
pub mod types;

/// The protocol version plugins declare in their manifest and plugin.yaml.
pub const PROTOCOL_VERSION: &str = "1.0";
