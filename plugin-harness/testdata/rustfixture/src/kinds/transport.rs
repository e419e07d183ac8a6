//! transport "transport" (TransportVTable): name "fixture-mem"; start runs an accept loop on a
//! thread of its own that dispatches a message into the host at once and then every 50 ms (each
//! reply, a string the host made with our allocator, dropped here), until
//! transport_handle_close stops and joins it; transport_handle_drop frees the handle.

use std::time::Duration;

use abi_stable::std_types::RString;

use super::stream::Stream;
use super::{construct_slot, inst, keep_stream, received, stale_handle, stream_err, text_slot};
use crate::abi::{
    DispatcherCallbackRef, HostHandleRef, RPluginHandle, StreamHandle, TransportVTable,
};
use crate::instance::{self, Kind, guard, panic_on_request};

pub fn vtable() -> TransportVTable {
    TransportVTable {
        make,
        manifest_json: instance::manifest_json,
        name,
        start,
        transport_handle_close,
        transport_handle_drop,
        transport_handle_listen_address,
        shutdown: instance::shutdown,
        drop_instance: instance::drop_instance,
    }
}

extern "C" fn make(
    host: HostHandleRef,
    config_json: RString,
    inner_name: RString,
) -> RPluginHandle {
    instance::make(Kind::Transport, host, config_json, inner_name)
}

extern "C" fn name(handle: RPluginHandle) -> RString {
    construct_slot(handle, "fixture-mem", "")
}

const ADDRESS: &str = "mem://fixture-transport";

/// One message into the host; the reply is ours to drop.
fn dispatch(dispatcher: &DispatcherCallbackRef, message: &str) {
    let reply = (dispatcher.dispatch)(
        dispatcher.ctx,
        RString::from("fixture-session-1"),
        RString::from(message),
    );
    drop(reply.reply_json);
}

extern "C" fn start(
    handle: RPluginHandle,
    listener_config_json: RString,
    dispatcher: DispatcherCallbackRef,
) -> StreamHandle {
    let config = listener_config_json.into_string();
    guard(
        || {
            let instance = inst(handle);
            let flags = instance.flags;
            if flags.panic {
                panic_on_request("start");
            }
            received(instance, config.len());
            if flags.null_handle {
                return stream_err("");
            }
            if flags.err_envelope {
                return stream_err(r#"{"kind":"bind_failed","reason":"address in use"}"#);
            }
            let message = if flags.bad_message {
                r#"{"text":"hi"}"#
            } else {
                r#"{"bytes":[104,105]}"#
            };
            let stream = Stream::spawn(flags, move |ctl| {
                dispatch(&dispatcher, message);
                ctl.maybe_panic("start");
                if ctl.forever(|| dispatch(&dispatcher, message)) {
                    return;
                }
                ctl.every(Duration::from_millis(50), || dispatch(&dispatcher, message));
                ctl.until_cancel(|| dispatch(&dispatcher, message));
            });
            // wrong_envelope: metadata that is not {"listen_address": …}.
            let metadata = if flags.wrong_envelope {
                format!(r#""{ADDRESS}""#)
            } else {
                format!(r#"{{"listen_address":"{ADDRESS}"}}"#)
            };
            keep_stream(instance, stream, &metadata, |reason| {
                format!(r#"{{"kind":"io","reason":{reason}}}"#)
            })
        },
        || stream_err(r#"{"kind":"io","reason":"plugin panicked during start"}"#),
    )
}

/// close: stop accepting — the accept loop is stopped and joined; the handle stays valid until
/// drop. Idempotent.
extern "C" fn transport_handle_close(handle: RPluginHandle, transport: usize) {
    guard(
        || {
            let instance = inst(handle);
            let mut shared = instance.shared();
            let stream = shared.streams.remove(&transport);
            let known = stream.is_some() || shared.closed.contains(&transport);
            if known {
                shared.closed.insert(transport);
            }
            drop(shared);
            match stream {
                Some(stream) => stream.cancel(),
                None if !known => stale_handle(&instance.host, "transport_handle_close", transport),
                None => {}
            }
        },
        || (),
    )
}

/// drop: frees the handle (stopping the loop first if close never came); a handle dropped
/// already is reported, not freed again.
extern "C" fn transport_handle_drop(handle: RPluginHandle, transport: usize) {
    guard(
        || {
            let instance = inst(handle);
            let mut shared = instance.shared();
            let stream = shared.streams.remove(&transport);
            let was_closed = shared.closed.remove(&transport);
            drop(shared);
            match stream {
                Some(stream) => stream.cancel(),
                None if !was_closed => {
                    stale_handle(&instance.host, "transport_handle_drop", transport)
                }
                None => {}
            }
        },
        || (),
    )
}

extern "C" fn transport_handle_listen_address(handle: RPluginHandle, transport: usize) -> RString {
    text_slot(handle, "transport_handle_listen_address", |instance| {
        let shared = instance.shared();
        let known = shared.streams.contains_key(&transport) || shared.closed.contains(&transport);
        if known {
            ADDRESS.to_owned()
        } else {
            String::new()
        }
    })
}
