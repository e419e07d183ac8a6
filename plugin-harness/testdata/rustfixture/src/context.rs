//! Owned copies of the by-value context the host hands to every Tier-1 call, converted the way
//! the SDK does (consuming every RString and RVec), plus their echo JSON form.

use abi_stable::std_types::RString;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::abi::{RKeyValue, RPluginContext, RPluginIdentity};

#[derive(Serialize)]
pub struct Context {
    pub request_id: String,
    pub session_id: Option<String>,
    pub tool_name: String,
    pub surface: String,
    pub transport: String,
    pub identity: Identity,
}

#[derive(Serialize)]
pub struct Identity {
    pub kind: String,
    pub trust_level: String,
    pub subject_id: Option<String>,
    pub auth_provider: Option<String>,
    pub issuer: Option<String>,
    pub roles: Vec<String>,
    pub groups: Vec<String>,
    pub scopes: Vec<String>,
    pub attributes: Attributes,
}

/// Attribute pairs echoed as a JSON object in the order received (a map would sort them).
pub struct Attributes(pub Vec<(String, String)>);

impl Serialize for Attributes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl From<RPluginContext> for Context {
    fn from(ctx: RPluginContext) -> Self {
        Self {
            request_id: ctx.request_id.into_string(),
            session_id: ctx.session_id.into_option().map(RString::into_string),
            tool_name: ctx.tool_name.into_string(),
            surface: ctx.surface.into_string(),
            transport: ctx.transport.into_string(),
            identity: ctx.identity.into(),
        }
    }
}

impl From<RPluginIdentity> for Identity {
    fn from(identity: RPluginIdentity) -> Self {
        Self {
            kind: identity.kind.into_string(),
            trust_level: identity.trust_level.into_string(),
            subject_id: identity.subject_id.into_option().map(RString::into_string),
            auth_provider: identity
                .auth_provider
                .into_option()
                .map(RString::into_string),
            issuer: identity.issuer.into_option().map(RString::into_string),
            roles: identity
                .roles
                .into_iter()
                .map(RString::into_string)
                .collect(),
            groups: identity
                .groups
                .into_iter()
                .map(RString::into_string)
                .collect(),
            scopes: identity
                .scopes
                .into_iter()
                .map(RString::into_string)
                .collect(),
            attributes: Attributes(
                identity
                    .attributes
                    .into_iter()
                    .map(|RKeyValue { key, value }| (key.into_string(), value.into_string()))
                    .collect(),
            ),
        }
    }
}
