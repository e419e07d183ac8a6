use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub enum Capability {
    NetworkOutbound,
    FilesystemRead { paths: Vec<String> },
    FilesystemWrite { paths: Vec<String> },
    SecretsRead { schemes: Vec<String> },
    CredentialIssue { kinds: Vec<String> },
    ConfigRead { schemes: Vec<String> },
    AuditWrite,
    MetricEmit,
    ClusterPeerRead,
    ClusterLeadershipAcquire,
    ClusterLockAcquire,
    HttpRouteServe,
    TransportListen,
    UnboundedSubscriptions,
    Unknown,
}
