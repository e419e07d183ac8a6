//! backend "backend" (BackendVTable): kind "fixture"; the C fixture's answers (errors are
//! BackendError, tagged by "error"; answers carry the input beside the DTO, which the decoder
//! ignores). execute_streaming streams from a thread of its own (text_delta "hel", "lo", then
//! done); cancel_stream stops and joins it.

use abi_stable::std_types::{ROption, RString};

use super::stream::{Stream, emit};
use super::{
    cancel_slot, construct_slot, inst, keep_stream, pick, quoted, received, stream_err, stream_ok,
    text_slot,
};
use crate::abi::{BackendVTable, EventSinkRef, HostHandleRef, RPluginHandle, StreamHandle};
use crate::instance::{self, Kind, guard, panic_on_request};

pub fn vtable() -> BackendVTable {
    BackendVTable {
        make,
        manifest_json: instance::manifest_json,
        kind,
        register_profile,
        execute,
        execute_streaming,
        cancel_stream,
        execute_transaction,
        input_schema_json,
        output_schema_json,
        complete_template_variable,
        list_resources,
        audit_metadata,
        expand_capabilities,
        shutdown: instance::shutdown,
        drop_instance: instance::drop_instance,
    }
}

extern "C" fn make(
    host: HostHandleRef,
    config_json: RString,
    inner_name: RString,
) -> RPluginHandle {
    instance::make(Kind::Backend, host, config_json, inner_name)
}

extern "C" fn kind(handle: RPluginHandle) -> RString {
    construct_slot(handle, "fixture", "")
}

/// (h, backend_name, json) → `head` + json as a JSON string + `}`; both arguments consumed.
fn two(
    handle: RPluginHandle,
    slot: &str,
    name: RString,
    json: RString,
    head: &str,
    err: &str,
    wrong: &str,
) -> RString {
    let (name, json) = (name.into_string(), json.into_string());
    text_slot(handle, slot, |instance| {
        received(instance, name.len() + json.len());
        pick(
            instance,
            format!("{head}{}}}", quoted(&json)),
            Some(err),
            wrong,
        )
    })
}

extern "C" fn register_profile(
    handle: RPluginHandle,
    backend_name: RString,
    spec_json: RString,
) -> RString {
    two(
        handle,
        "register_profile",
        backend_name,
        spec_json,
        r#"{"ok":null,"spec":"#,
        r#"{"err":{"error":"invalid_spec","message":"no url"}}"#,
        r#"{"err":"bad spec"}"#,
    )
}

extern "C" fn execute(
    handle: RPluginHandle,
    backend_name: RString,
    request_json: RString,
) -> RString {
    two(
        handle,
        "execute",
        backend_name,
        request_json,
        r#"{"ok":{"payload":"eyJoZWxsbyI6IndvcmxkIn0=","truncated":false},"request":"#,
        r#"{"err":{"error":"transport","message":"connection refused"}}"#,
        r#"{"ok":{"payload":"e30="}}"#,
    )
}

extern "C" fn execute_transaction(
    handle: RPluginHandle,
    backend_name: RString,
    tx_group_json: RString,
) -> RString {
    two(
        handle,
        "execute_transaction",
        backend_name,
        tx_group_json,
        r#"{"ok":{"steps":{}},"tx":"#,
        r#"{"err":{"error":"transport","message":"no transactions"}}"#,
        r#"{"steps":{}}"#,
    )
}

/// input_schema_json: RSome(a schema naming the backend); output_schema_json: RNone. A panic is
/// RSome(""), the SDK's sentinel for these slots.
fn schema(handle: RPluginHandle, backend_name: RString, some: bool) -> ROption<RString> {
    let name = backend_name.into_string();
    guard(
        || {
            let instance = inst(handle);
            if instance.flags.panic {
                panic_on_request("schema");
            }
            received(instance, name.len());
            if instance.flags.wrong_envelope {
                return ROption::RSome(RString::from("a schema"));
            }
            if !some {
                return ROption::RNone;
            }
            ROption::RSome(RString::from(format!(
                r#"{{"type":"object","title":{}}}"#,
                quoted(&name)
            )))
        },
        || ROption::RSome(RString::new()),
    )
}

extern "C" fn input_schema_json(handle: RPluginHandle, backend_name: RString) -> ROption<RString> {
    schema(handle, backend_name, true)
}

extern "C" fn output_schema_json(handle: RPluginHandle, backend_name: RString) -> ROption<RString> {
    schema(handle, backend_name, false)
}

extern "C" fn complete_template_variable(handle: RPluginHandle, args_json: RString) -> RString {
    let args = args_json.into_string();
    text_slot(handle, "complete_template_variable", |instance| {
        received(instance, args.len());
        pick(
            instance,
            r#"{"ok":["id-1","id-2"]}"#.to_owned(),
            Some(r#"{"err":{"error":"profile_not_found","backend_name":"default"}}"#),
            r#"{"ok":"id-1"}"#,
        )
    })
}

/// list_resources: page 1 (cursor RNone) names "page-2"; page 2 ends (cursor_loop: names
/// "page-2" again).
extern "C" fn list_resources(
    handle: RPluginHandle,
    backend_name: RString,
    cursor: ROption<RString>,
) -> RString {
    let name = backend_name.into_string();
    let cursor = cursor.into_option().map(RString::into_string);
    text_slot(handle, "list_resources", |instance| {
        received(instance, name.len());
        let second = cursor.as_deref() == Some("page-2");
        if instance.flags.err_envelope {
            return r#"{"err":{"error":"transport","message":"offline"}}"#.to_owned();
        }
        if second && instance.flags.cursor_loop {
            return r#"{"ok":{"resources":[],"next_cursor":"page-2"}}"#.to_owned();
        }
        let good = if second {
            r#"{"ok":{"resources":[{"uri":"fixture://r/2"}]}}"#
        } else {
            r#"{"ok":{"resources":[{"uri":"fixture://r/1","name":"one","mimeType":"text/plain"}],"next_cursor":"page-2"}}"#
        };
        pick(
            instance,
            good.to_owned(),
            None,
            r#"{"ok":{"resources":[{"name":"no uri"}]}}"#,
        )
    })
}

extern "C" fn audit_metadata(handle: RPluginHandle, backend_name: RString) -> RString {
    let name = backend_name.into_string();
    text_slot(handle, "audit_metadata", |instance| {
        received(instance, name.len());
        pick(
            instance,
            format!(r#"{{"fixture.backend":{}}}"#, quoted(&name)),
            None,
            r#"["not an object"]"#,
        )
    })
}

extern "C" fn expand_capabilities(handle: RPluginHandle) -> RString {
    text_slot(handle, "expand_capabilities", |instance| {
        received(instance, 0);
        pick(
            instance,
            r#"{"ok":{"tools":[],"resource_templates":[]}}"#.to_owned(),
            None,
            r#"{"ok":{"tools":7}}"#,
        )
    })
}

const DONE: &str =
    r#"{"ok":{"type":"done","payload":"eyJoZWxsbyI6IndvcmxkIn0=","truncated":false}}"#;

/// The SDK's catch_panic_to_stream_failure text (not a BackendError: the host reads Transport).
const STREAM_PANIC: &str = "plugin panicked during stream subscription";

extern "C" fn execute_streaming(
    handle: RPluginHandle,
    backend_name: RString,
    request_json: RString,
    sink: EventSinkRef,
) -> StreamHandle {
    let (name, request) = (backend_name.into_string(), request_json.into_string());
    guard(
        || {
            let instance = inst(handle);
            let flags = instance.flags;
            if flags.panic {
                panic_on_request("execute_streaming");
            }
            received(instance, name.len() + request.len());
            if flags.wrong_envelope || flags.null_handle {
                return stream_err("");
            }
            if flags.err_envelope {
                return stream_err(r#"{"error":"transport","message":"no streams today"}"#);
            }
            if flags.sync_stream {
                // The SDK's default body: execute, then one done on the caller's thread.
                emit(
                    &sink,
                    r#"{"ok":{"type":"done","payload":"e30=","truncated":false}}"#,
                );
                return stream_ok(usize::MAX, "");
            }
            let stream = Stream::spawn(flags, move |ctl| {
                if ctl.forever(|| emit(&sink, r#"{"ok":{"type":"text_delta","delta":"."}}"#)) {
                    return;
                }
                emit(&sink, r#"{"ok":{"type":"text_delta","delta":"hel"}}"#);
                ctl.maybe_panic("execute_streaming");
                emit(&sink, r#"{"ok":{"type":"text_delta","delta":"lo"}}"#);
                emit(&sink, DONE);
                ctl.finished(|| emit(&sink, r#"{"ok":{"type":"text_delta","delta":"late"}}"#));
            });
            keep_stream(instance, stream, "", |reason| {
                format!(r#"{{"error":"transport","message":{reason}}}"#)
            })
        },
        || stream_err(STREAM_PANIC),
    )
}

/// cancel_stream(h, token): usize::MAX (and 0) name nothing to cancel.
extern "C" fn cancel_stream(handle: RPluginHandle, token: usize) {
    if token == 0 || token == usize::MAX {
        return;
    }
    cancel_slot(handle, "cancel_stream", token);
}
