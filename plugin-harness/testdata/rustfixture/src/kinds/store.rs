//! store "store" (StoreVTable): the C fixture's answers for get/put/delete/list/compare_and_swap/
//! append, and a watch whose thread reports a put and a delete of the watched key, then waits for
//! cancel_watch (which stops and joins it).

use abi_stable::std_types::RString;
use serde::Deserialize;

use super::stream::{Stream, emit};
use super::{
    cancel_slot, construct_slot, inst, keep_stream, pick, quoted, received, stream_err, text_slot,
};
use crate::abi::{EventSinkRef, HostHandleRef, RPluginHandle, StoreVTable, StreamHandle};
use crate::instance::{self, Kind, guard, panic_on_request};

pub fn vtable() -> StoreVTable {
    StoreVTable {
        make,
        manifest_json: instance::manifest_json,
        supported_roles_json,
        get,
        put,
        delete,
        list,
        compare_and_swap,
        append,
        watch,
        cancel_watch,
        shutdown: instance::shutdown,
        drop_instance: instance::drop_instance,
    }
}

extern "C" fn make(
    host: HostHandleRef,
    config_json: RString,
    inner_name: RString,
) -> RPluginHandle {
    instance::make(Kind::Store, host, config_json, inner_name)
}

extern "C" fn supported_roles_json(handle: RPluginHandle) -> RString {
    construct_slot(handle, r#"["session","task"]"#, r#"["session",null]"#)
}

/// A data slot: counts args_json, then answers good / err / wrong.
fn data(
    handle: RPluginHandle,
    slot: &str,
    args_json: RString,
    good: impl FnOnce(&str) -> String,
    err: &str,
    wrong: &str,
) -> RString {
    let args = args_json.into_string();
    text_slot(handle, slot, |instance| {
        received(instance, args.len());
        pick(instance, good(&args), Some(err), wrong)
    })
}

extern "C" fn get(handle: RPluginHandle, args_json: RString) -> RString {
    data(
        handle,
        "get",
        args_json,
        |args| {
            format!(
                r#"{{"ok":{{"bytes":[104,105],"ttl_ms":60000,"metadata":{{"args":{}}}}}}}"#,
                quoted(args)
            )
        },
        r#"{"err":{"kind":"not_found"}}"#,
        r#"{"ok":{"bytes":[104,105],"ttl_ms":"1m"}}"#,
    )
}

extern "C" fn put(handle: RPluginHandle, args_json: RString) -> RString {
    data(
        handle,
        "put",
        args_json,
        |_| r#"{"ok":null}"#.to_owned(),
        r#"{"err":{"kind":"unsupported_role"}}"#,
        r#"{"ok":true}"#,
    )
}

extern "C" fn delete(handle: RPluginHandle, args_json: RString) -> RString {
    data(
        handle,
        "delete",
        args_json,
        |_| r#"{"ok":null}"#.to_owned(),
        r#"{"err":{"kind":"unsupported_role"}}"#,
        r#"{"ok":true}"#,
    )
}

extern "C" fn list(handle: RPluginHandle, args_json: RString) -> RString {
    data(
        handle,
        "list",
        args_json,
        |_| r#"{"ok":{"items":[["sess-1",{"bytes":[104,105]}]],"next_cursor":null}}"#.to_owned(),
        r#"{"err":{"kind":"throttled"}}"#,
        r#"{"ok":{"items":[{"key":"sess-1"}]}}"#,
    )
}

extern "C" fn compare_and_swap(handle: RPluginHandle, args_json: RString) -> RString {
    data(
        handle,
        "compare_and_swap",
        args_json,
        |_| r#"{"ok":true}"#.to_owned(),
        r#"{"err":{"kind":"cas_mismatch"}}"#,
        r#"{"ok":"yes"}"#,
    )
}

extern "C" fn append(handle: RPluginHandle, args_json: RString) -> RString {
    data(
        handle,
        "append",
        args_json,
        |_| r#"{"ok":{"sequence":1}}"#.to_owned(),
        r#"{"err":{"kind":"unsupported","op":"append"}}"#,
        r#"{"ok":{"sequence":-1}}"#,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WatchArgs {
    key: String,
}

/// The SDK's answer to a panic in watch: a StoreError the host decodes.
const WATCH_PANIC: &str = r#"{"kind":"backend","reason":"plugin panicked during watch"}"#;

/// watch(h, {"role", "key"}, sink): StoreEventWire put, then delete, of the key, from a thread.
extern "C" fn watch(handle: RPluginHandle, args_json: RString, sink: EventSinkRef) -> StreamHandle {
    let args = args_json.into_string();
    guard(
        || {
            let instance = inst(handle);
            let flags = instance.flags;
            if flags.panic {
                panic_on_request("watch");
            }
            received(instance, args.len());
            if flags.wrong_envelope || flags.null_handle {
                return stream_err("");
            }
            if flags.err_envelope {
                return stream_err(r#"{"kind":"unsupported","op":"watch"}"#);
            }
            let key = quoted(
                &serde_json::from_str::<WatchArgs>(&args)
                    .unwrap_or_default()
                    .key,
            );
            let stream = Stream::spawn(flags, move |ctl| {
                let put = format!(
                    r#"{{"kind":"put","key":{key},"value":{{"bytes":[104,105],"ttl_ms":60000}}}}"#
                );
                emit(&sink, &put);
                ctl.maybe_panic("watch");
                if ctl.forever(|| emit(&sink, &put)) {
                    return;
                }
                emit(&sink, &format!(r#"{{"kind":"delete","key":{key}}}"#));
                ctl.until_cancel(|| emit(&sink, &format!(r#"{{"kind":"delete","key":{key}}}"#)));
            });
            keep_stream(instance, stream, "", |reason| {
                format!(r#"{{"kind":"backend","reason":{reason}}}"#)
            })
        },
        || stream_err(WATCH_PANIC),
    )
}

extern "C" fn cancel_watch(handle: RPluginHandle, watch_handle: usize) {
    cancel_slot(handle, "cancel_watch", watch_handle);
}
