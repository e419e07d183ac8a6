//! Calls into the host's service vtable, and the `host.probe` round trip over all of it.

use abi_stable::std_types::RString;
use serde::Serialize;

use crate::abi::HostHandleRef;

/// Every string a host service returns is ours now; `into_string` adopts it when it carries our
/// own vtable and otherwise copies it and frees it through the vtable it carries.
fn answer(returned: RString) -> String {
    returned.into_string()
}

pub fn emit_metric(host: &HostHandleRef, point_json: &str) {
    (host.vtable.metric_emit)(host.ctx, RString::from(point_json));
}

pub fn alias(host: &HostHandleRef) -> String {
    answer((host.vtable.alias)(host.ctx))
}

/// The answers of `host.probe`, in the order the services are called.
#[derive(Serialize)]
pub struct ProbeAnswers {
    alias: String,
    resolve_secret: String,
    issue_credential: String,
    config_snapshot: String,
    audit_event: String,
    span: u64,
    resolve_credentials: String,
    cache_get: String,
    fetch_content: String,
    store_content: String,
    invoke_tool: String,
    cluster: &'static str,
    subscription: u64,
}

/// What a secret-rotation subscription would call; it only has to release the string it owns.
extern "C" fn on_secret_rotation(_cb_ctx: usize, secret_ref: RString, _version: u64) {
    drop(secret_ref);
}

const ROTATION_CALLBACK_CONTEXT: usize = 7;

/// Calls every host service once (fixtures.md "Host services"). The host owns the arguments we
/// pass by value; we own and drop every string it returns.
pub fn probe(host: &HostHandleRef) -> ProbeAnswers {
    let services = &host.vtable;
    let ctx = host.ctx;
    let alias = alias(host);
    let resolve_secret = answer((services.resolve_secret)(
        ctx,
        "vault://fixture/token".into(),
    ));
    let issue_credential = answer((services.issue_credential)(
        ctx,
        "cred://fixture/db".into(),
        r#"{"kind":"anonymous","trust_level":"unauthenticated","subject_id":null,"auth_provider":null,"issuer":null}"#.into(),
    ));
    let config_snapshot = answer((services.config_snapshot)(
        ctx,
        "config://fixture/app".into(),
    ));
    let audit_event = answer((services.audit_event)(ctx, r#"{"bad":true}"#.into()));
    emit_metric(
        host,
        r#"{"kind":"counter","name":"fixture_probe","value":1}"#,
    );
    let span = (services.span_start)(ctx, "fixture.probe".into(), r#"{"k":"v"}"#.into());
    (services.span_event)(ctx, span, "fixture.event".into(), "{}".into());
    (services.span_end)(ctx, span);
    let resolve_credentials = answer((services.resolve_credentials)(
        ctx,
        r#"{"token":"cred://x"}"#.into(),
        "null".into(),
    ));
    let cache_get = answer((services.cache_get)(ctx, "fixture-key".into()));
    let fetch_content = answer((services.fetch_content)(
        ctx,
        "mcpg-resource://fixture/1".into(),
    ));
    let store_content = answer((services.store_content)(
        ctx,
        r#"{"bytes":"aGk=","mime_type":"text/plain"}"#.into(),
    ));
    let invoke_tool = answer((services.invoke_tool)(
        ctx,
        "{}".into(),
        "other.tool".into(),
        "{}".into(),
    ));
    // ClusterClientRef is plain data (a handle and fn pointers): nothing to release.
    let cluster = if (services.cluster)(ctx).is_rsome() {
        "some"
    } else {
        "none"
    };
    let rotation_callback: extern "C" fn(usize, RString, u64) = on_secret_rotation;
    let subscription = (services.subscribe_secret_rotation)(
        ctx,
        rotation_callback as usize,
        ROTATION_CALLBACK_CONTEXT,
    );
    (services.host_unsubscribe)(ctx, subscription);
    ProbeAnswers {
        alias,
        resolve_secret,
        issue_credential,
        config_snapshot,
        audit_event,
        span,
        resolve_credentials,
        cache_get,
        fetch_content,
        store_content,
        invoke_tool,
        cluster,
        subscription,
    }
}
