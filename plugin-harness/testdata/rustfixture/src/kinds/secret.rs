//! secret_provider "secret" (SecretProviderVTable): get answers the reference back in its
//! metadata; watch rotates the secret from a thread of its own (one rotation at once, then one
//! every 50 ms) until cancel_watch stops and joins it.

use std::time::Duration;

use abi_stable::std_types::RString;

use super::stream::{Stream, emit};
use super::{
    cancel_slot, construct_slot, inst, keep_stream, pick, quoted, received, stream_err, text_slot,
};
use crate::abi::{EventSinkRef, HostHandleRef, RPluginHandle, SecretProviderVTable, StreamHandle};
use crate::instance::{self, Kind, guard, panic_on_request};

pub fn vtable() -> SecretProviderVTable {
    SecretProviderVTable {
        make,
        manifest_json: instance::manifest_json,
        supported_schemes_json,
        get,
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
    instance::make(Kind::SecretProvider, host, config_json, inner_name)
}

extern "C" fn supported_schemes_json(handle: RPluginHandle) -> RString {
    construct_slot(handle, r#"["vault"]"#, r#""vault""#)
}

/// get(h, reference): the reference arrives raw (not JSON).
extern "C" fn get(handle: RPluginHandle, reference: RString) -> RString {
    let reference = reference.into_string();
    text_slot(handle, "get", |instance| {
        received(instance, reference.len());
        let good = format!(
            r#"{{"ok":{{"bytes":[104,105],"version":"3","metadata":{{"reference":{}}}}}}}"#,
            quoted(&reference)
        );
        pick(
            instance,
            good,
            Some(r#"{"err":{"kind":"not_found"}}"#),
            r#"{"ok":{"bytes":"aGk="}}"#,
        )
    })
}

/// A SecretRotationWire for rotation n.
fn rotation(n: u32) -> String {
    format!(
        r#"{{"new_value":{{"bytes":[104,105,{}],"version":"{}"}},"reason":"rotated"}}"#,
        48 + n % 10,
        3 + n
    )
}

/// The SDK's answer to a panic in watch: a SecretError the host decodes.
const WATCH_PANIC: &str = r#"{"kind":"backend","reason":"plugin panicked during watch"}"#;

extern "C" fn watch(handle: RPluginHandle, reference: RString, sink: EventSinkRef) -> StreamHandle {
    let reference = reference.into_string();
    guard(
        || {
            let instance = inst(handle);
            let flags = instance.flags;
            if flags.panic {
                panic_on_request("watch");
            }
            received(instance, reference.len());
            if flags.wrong_envelope || flags.null_handle {
                return stream_err("");
            }
            if flags.err_envelope {
                return stream_err(r#"{"kind":"unsupported_scheme","scheme":"watch"}"#);
            }
            let stream = Stream::spawn(flags, move |ctl| {
                emit(&sink, &rotation(1));
                ctl.maybe_panic("watch");
                if ctl.forever(|| emit(&sink, &rotation(2))) {
                    return;
                }
                let mut n = 1;
                ctl.every(Duration::from_millis(50), || {
                    n += 1;
                    emit(&sink, &rotation(n));
                });
                ctl.until_cancel(|| emit(&sink, &rotation(99)));
            });
            keep_stream(instance, stream, "", |reason| {
                format!(r#"{{"kind":"backend","reason":{reason}}}"#)
            })
        },
        || stream_err(WATCH_PANIC),
    )
}

/// cancel_watch(h, handle): stops and joins the rotation thread.
pub extern "C" fn cancel_watch(handle: RPluginHandle, watch_handle: usize) {
    cancel_slot(handle, "cancel_watch", watch_handle);
}
