//! identity-plugin: the resolutions of ../../fixtures.md §identity.

wit_bindgen::generate!({
    path: "../wit/plugin.wit",
    world: "identity-plugin",
});

use exports::mcpg::plugin::identity::Guest;
use mcpg::plugin::types::{IdentityResolution, PluginIdentity, PluginManifest};

struct Identity;

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

impl Guest for Identity {
    fn manifest() -> PluginManifest {
        let m = crate::manifest(
            "com.example.wasm-identity",
            "Wasm Fixture Identity",
            "identity_provider",
        );
        PluginManifest {
            id: m.id,
            version: m.version,
            name: m.name,
            plugin_class: m.class,
            protocol_version: m.protocol,
        }
    }

    fn resolve_identity(headers: Vec<(String, String)>, config: String) -> IdentityResolution {
        crate::misbehave("resolve-identity");
        if let Some(auth) = header(&headers, "authorization") {
            let Some(token) = auth.strip_prefix("Bearer ") else {
                return IdentityResolution::Invalid("unsupported authorization scheme".to_string());
            };
            if token.is_empty() || token == "bad" {
                return IdentityResolution::Invalid("bad token".to_string());
            }
            return IdentityResolution::Resolved(PluginIdentity {
                kind: "verified".to_string(),
                trust_level: "verified".to_string(),
                subject_id: Some(token.to_string()),
                auth_provider: Some("wasm-fixture".to_string()),
                issuer: Some("https://issuer.example".to_string()),
                roles: vec!["reader".to_string(), "writer".to_string()],
                groups: vec!["engineering".to_string()],
                scopes: vec!["mcp:tools:call".to_string()],
                // Out of key order on purpose: the gateway keeps attributes in a sorted map.
                attributes: vec![
                    ("tenant_id".to_string(), "acme-prod".to_string()),
                    ("config".to_string(), config),
                ],
            });
        }
        if let Some(subject) = header(&headers, "x-mcpg-test-subject") {
            return IdentityResolution::Resolved(PluginIdentity {
                kind: "header_asserted".to_string(),
                trust_level: "header_asserted".to_string(),
                subject_id: Some(subject.to_string()),
                auth_provider: None,
                issuer: None,
                roles: Vec::new(),
                groups: Vec::new(),
                scopes: Vec::new(),
                attributes: Vec::new(),
            });
        }
        IdentityResolution::None
    }
}

export!(Identity);
