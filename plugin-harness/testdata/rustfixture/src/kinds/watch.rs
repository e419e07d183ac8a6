//! watch_strategy "watch" (WatchStrategyVTable): kind "fixture_poll"; watch(uri, spec, sink)
//! polls from a thread of its own — a WatchEvent at once, then one every 50 ms — until cancel
//! stops and joins it.

use std::time::Duration;

use abi_stable::std_types::RString;

use super::stream::{Stream, emit};
use super::{cancel_slot, construct_slot, inst, keep_stream, received, stream_err};
use crate::abi::{EventSinkRef, HostHandleRef, RPluginHandle, StreamHandle, WatchStrategyVTable};
use crate::instance::{self, Kind, guard, panic_on_request};

pub fn vtable() -> WatchStrategyVTable {
    WatchStrategyVTable {
        make,
        manifest_json: instance::manifest_json,
        kind,
        watch,
        cancel,
        shutdown: instance::shutdown,
        drop_instance: instance::drop_instance,
    }
}

extern "C" fn make(
    host: HostHandleRef,
    config_json: RString,
    inner_name: RString,
) -> RPluginHandle {
    instance::make(Kind::WatchStrategy, host, config_json, inner_name)
}

extern "C" fn kind(handle: RPluginHandle) -> RString {
    construct_slot(handle, "fixture_poll", "")
}

/// The SDK's catch_panic_to_stream_failure text (not a WatchError).
const STREAM_PANIC: &str = "plugin panicked during stream subscription";

/// A WatchEvent; wrong_envelope sends one that is not (the gateway delivers an empty one).
fn event(n: u32, wrong: bool) -> String {
    if wrong {
        return format!(r#"{{"user_id":{n}}}"#);
    }
    format!(r#"{{"user_id":"user-{n}","session_id":null}}"#)
}

extern "C" fn watch(
    handle: RPluginHandle,
    uri: RString,
    spec_json: RString,
    sink: EventSinkRef,
) -> StreamHandle {
    let (uri, spec) = (uri.into_string(), spec_json.into_string());
    guard(
        || {
            let instance = inst(handle);
            let flags = instance.flags;
            if flags.panic {
                panic_on_request("watch");
            }
            received(instance, uri.len() + spec.len());
            if flags.err_envelope {
                return stream_err(r#"{"error":"invalid_spec","message":"no topic in the spec"}"#);
            }
            if flags.null_handle {
                // Handle 0 with an empty error: what the SDK makes of Ok(WatchHandleBox(null)).
                return stream_err("");
            }
            let wrong = flags.wrong_envelope;
            let stream = Stream::spawn(flags, move |ctl| {
                emit(&sink, &event(1, wrong));
                ctl.maybe_panic("watch");
                if ctl.forever(|| emit(&sink, &event(2, wrong))) {
                    return;
                }
                let mut n = 1;
                ctl.every(Duration::from_millis(50), || {
                    n += 1;
                    emit(&sink, &event(n, wrong));
                });
                ctl.until_cancel(|| emit(&sink, &event(99, wrong)));
            });
            keep_stream(instance, stream, "", |reason| {
                format!(r#"{{"error":"subscribe","message":{reason}}}"#)
            })
        },
        || stream_err(STREAM_PANIC),
    )
}

extern "C" fn cancel(handle: RPluginHandle, token: usize) {
    cancel_slot(handle, "cancel", token);
}
