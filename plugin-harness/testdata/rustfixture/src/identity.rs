//! The `identity_provider` entity (inner name `idp`): resolutions keyed on request headers.

use abi_stable::std_types::{ROption, RStr, RString, RVec, Tuple2};

use crate::abi::{
    HostHandleRef, IdentityProviderVTable, RIdentityResolution, RKeyValue, RPluginHandle,
    RPluginIdentity,
};
use crate::instance::{self, Kind, guard, hang, panic_on_request, segfault};

const PANIC_MESSAGE: &str = "plugin panicked during resolve_identity";

pub fn vtable() -> IdentityProviderVTable {
    IdentityProviderVTable {
        make,
        manifest_json: instance::manifest_json,
        resolve_identity,
        shutdown: instance::shutdown,
        drop_instance: instance::drop_instance,
    }
}

extern "C" fn make(
    host: HostHandleRef,
    config_json: RString,
    inner_name: RString,
) -> RPluginHandle {
    instance::make(Kind::IdentityProvider, host, config_json, inner_name)
}

/// `[[name, value], …]`: malformed entries are skipped, bad JSON is no headers.
fn parse_headers(headers_json: &str) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Array(entries)) = serde_json::from_str(headers_json) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|entry| {
            // Exactly two strings, as the C fixture reads them; anything else is dropped.
            match entry.as_array()?.as_slice() {
                [name, value] => Some((name.as_str()?.to_owned(), value.as_str()?.to_owned())),
                _ => None,
            }
        })
        .collect()
}

fn strings(values: &[&str]) -> RVec<RString> {
    values.iter().copied().map(RString::from).collect()
}

fn verified(token: &str, metadata_json: &str) -> RPluginIdentity {
    RPluginIdentity {
        kind: RString::from("verified"),
        trust_level: RString::from("verified"),
        subject_id: ROption::RSome(RString::from(token)),
        auth_provider: ROption::RSome(RString::from("fixture")),
        issuer: ROption::RSome(RString::from("https://issuer.example")),
        roles: strings(&["reader", "writer"]),
        groups: strings(&["engineering"]),
        scopes: strings(&["mcp:tools:call"]),
        attributes: [("metadata", metadata_json), ("tenant_id", "acme-prod")]
            .into_iter()
            .map(|(key, value)| RKeyValue {
                key: RString::from(key),
                value: RString::from(value),
            })
            .collect(),
    }
}

fn header_asserted(subject: &str) -> RPluginIdentity {
    RPluginIdentity {
        kind: RString::from("header_asserted"),
        trust_level: RString::from("header_asserted"),
        subject_id: ROption::RSome(RString::from(subject)),
        auth_provider: ROption::RNone,
        issuer: ROption::RNone,
        roles: RVec::new(),
        groups: RVec::new(),
        scopes: RVec::new(),
        attributes: RVec::new(),
    }
}

extern "C" fn resolve_identity(
    _handle: RPluginHandle,
    headers_json: RStr<'_>,
    metadata_json: RStr<'_>,
    _config_json: RStr<'_>,
) -> RIdentityResolution {
    guard(
        || {
            let headers = parse_headers(headers_json.as_str());
            let header = |name: &str| {
                headers
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(name))
                    .map(|(_, value)| value.as_str())
            };
            if header("x-panic").is_some() {
                panic_on_request("resolve_identity");
            }
            if header("x-segv").is_some() {
                segfault();
            }
            if header("x-hang").is_some() {
                hang();
            }
            if header("x-bad").is_some() {
                return RIdentityResolution::Invalid {
                    reason: RString::from("bad token"),
                    response_headers: RVec::from(vec![Tuple2(
                        RString::from("www-authenticate"),
                        RString::from(r#"Bearer error="invalid_token""#),
                    )]),
                };
            }
            // The first authorization header that carries a bearer token.
            let bearer = headers.iter().find_map(|(name, value)| {
                let is_authorization = name.eq_ignore_ascii_case("authorization");
                value.strip_prefix("Bearer ").filter(|_| is_authorization)
            });
            if let Some(token) = bearer {
                return RIdentityResolution::Resolved {
                    identity: verified(token, metadata_json.as_str()),
                };
            }
            if let Some(subject) = header("x-mcpg-test-subject") {
                return RIdentityResolution::Resolved {
                    identity: header_asserted(subject),
                };
            }
            RIdentityResolution::None
        },
        || RIdentityResolution::Invalid {
            reason: RString::from(PANIC_MESSAGE),
            response_headers: RVec::new(),
        },
    )
}
