use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PluginContext {
    pub request_id: String,
    pub session_id: Option<String>,
    pub tool_name: String,
    pub surface: String,
    pub identity: PluginIdentity,
    pub transport: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PluginIdentity {
    pub kind: String,
    pub trust_level: String,
    pub subject_id: Option<String>,
    pub auth_provider: Option<String>,
    pub issuer: Option<String>,
    pub roles: Vec<String>,
    pub groups: Vec<String>,
    pub scopes: Vec<String>,
    pub attributes: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RequestMetadata {
    pub remote_addr: Option<String>,
    pub tls: Option<TlsInfo>,
    pub transport: String,
    pub path: Option<String>,
    pub method: Option<String>,
    pub query: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TlsInfo {
    pub sni: Option<String>,
    pub client_cert_present: bool,
    pub client_cert_chain_der: Vec<Vec<u8>>,
    pub client_cert_subject_dn: Option<String>,
    pub client_cert_issuer_dn: Option<String>,
    pub client_cert_san_uris: Vec<String>,
    pub client_cert_san_dns: Vec<String>,
    pub client_cert_san_emails: Vec<String>,
    pub client_cert_chain_sha256: Vec<String>,
    pub client_cert_not_before: Option<String>,
    pub client_cert_not_after: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum GateDecision {
    Allow {
        modified_arguments: Option<serde_json::Value>,
        modified_result: Option<serde_json::Value>,
        metadata: Option<serde_json::Value>,
    },
    Deny {
        http_status: u16,
        code: i32,
        message: String,
        error_data: Option<serde_json::Value>,
    },
    Challenge {
        http_status: u16,
        code: i32,
        message: String,
        challenge_data: serde_json::Value,
    },
    PendingApproval {
        approval_id: String,
        deadline_at: String,
        summary: String,
        target_notifiers: Vec<String>,
        metadata: Option<serde_json::Value>,
    },
}

impl GateDecision {
    pub fn allow() -> Self {
        unimplemented!()
    }

    pub fn allow_with_metadata(metadata: serde_json::Value) -> Self {
        let _ = metadata;
        unimplemented!()
    }

    pub fn is_allow(&self) -> bool {
        unimplemented!()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum TransformResult {
    Unchanged,
    Modified { value: serde_json::Value },
    Error { message: String },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum IdentityResolution {
    Resolved {
        identity: PluginIdentity,
    },
    None,
    Invalid {
        reason: String,
        response_headers: Vec<(String, String)>,
    },
}
