//! Stand-in for `mcpg-cluster-api` v0.1.0-beta.14: the cluster types the SDK's
//! `SyncClusterBackend` trait and the `cluster_backend` macro arm name, with the real paths,
//! names and fields. Type-checking only; nothing here is meant to run.

use std::pin::Pin;
use std::time::SystemTime;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

pub use backend::{
    BoxPeerEventStream, BoxPublishedMessageStream, ClusterNodeInfo, ClusterPeer, PeerEvent,
    PeerHealth, PublishedMessage,
};
pub use error::ClusterError;
pub use key_value::Entry;

pub mod error {
    use super::*;

    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
    pub enum ClusterError {
        NotFound { key: String },
        CasConflict { key: String, reason: String },
        Precondition { reason: String },
        BackendUnavailable { reason: String },
        Unsupported { reason: String },
        NotLeader { role: String },
        LeaseExpired,
        InvalidReference { message: String },
        Timeout,
        Shutdown,
        Internal { reason: String },
    }

    impl std::fmt::Display for ClusterError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            let _ = f;
            unimplemented!()
        }
    }

    impl std::error::Error for ClusterError {}

    impl ClusterError {
        #[must_use]
        pub fn kind_label(&self) -> &'static str {
            unimplemented!()
        }
    }
}

pub mod backend {
    use super::*;

    #[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
    pub enum PeerHealth {
        Healthy,
        Degraded,
        Unreachable,
    }

    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
    pub struct ClusterNodeInfo {
        pub node_id: String,
        pub address: String,
        pub version: String,
        pub started_at: String,
        pub roles: Vec<String>,
    }

    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
    pub struct ClusterPeer {
        pub node_id: String,
        pub address: String,
        pub last_seen: String,
        pub health: PeerHealth,
        pub roles: Vec<String>,
    }

    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
    pub enum PeerEvent {
        Joined { peer: ClusterPeer },
        Left { node_id: String },
        HealthChanged { node_id: String, health: PeerHealth },
    }

    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
    pub struct PublishedMessage {
        pub topic: String,
        pub routing_key: Option<String>,
        pub payload: Bytes,
        pub from_node: String,
    }

    pub type BoxPeerEventStream =
        Pin<Box<dyn futures_core::Stream<Item = PeerEvent> + Send + 'static>>;
    pub type BoxPublishedMessageStream =
        Pin<Box<dyn futures_core::Stream<Item = PublishedMessage> + Send + 'static>>;
}

pub mod key_value {
    use super::*;

    #[derive(Debug, Clone)]
    pub struct Entry {
        pub bytes: Bytes,
        pub expires_at: Option<SystemTime>,
    }
}
