//! http_route "route" (HttpRouteVTable): two routes, GET /fixture/stream (streaming) first, then
//! GET /fixture/hello. handle_streaming answers /hello whole (handle 0 + HttpRouteResponseWire)
//! and streams /stream from a thread of its own: HttpChunkWire data "hel", data "lo", end on the
//! text sink (as the SDK's drain does), or under bytes_sink the same bytes on the byte sink and
//! an empty chunk to end. cancel_stream stops and joins the thread.

use abi_stable::std_types::RString;
use serde::Deserialize;

use super::stream::{Stream, emit, emit_bytes};
use super::{cancel_slot, construct_slot, inst, pick, received, text_slot};
use crate::abi::{
    BytesSinkRef, EventSinkRef, HostHandleRef, HttpHandleResult, HttpRouteVTable, RPluginHandle,
};
use crate::instance::{self, Kind, guard, panic_on_request};

pub fn vtable() -> HttpRouteVTable {
    HttpRouteVTable {
        make,
        manifest_json: instance::manifest_json,
        routes_json,
        handle,
        handle_streaming,
        cancel_stream,
        shutdown: instance::shutdown,
        drop_instance: instance::drop_instance,
    }
}

extern "C" fn make(
    host: HostHandleRef,
    config_json: RString,
    inner_name: RString,
) -> RPluginHandle {
    instance::make(Kind::HttpRoute, host, config_json, inner_name)
}

extern "C" fn routes_json(handle: RPluginHandle) -> RString {
    construct_slot(
        handle,
        r#"[{"method":"GET","path":"/fixture/stream","streaming":true},{"method":"GET","path":"/fixture/hello"}]"#,
        r#"{"routes":[]}"#,
    )
}

/// `bytes` as the JSON array of numbers the wire DTOs use.
fn byte_array(bytes: &[u8]) -> String {
    serde_json::to_string(bytes).unwrap_or_default()
}

fn response(status: u16, content_type: &str, body: &[u8]) -> String {
    format!(
        r#"{{"status":{status},"headers":[["content-type","{content_type}"]],"body":{}}}"#,
        byte_array(body)
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Request {
    full_path: String,
}

fn path_of(request: &str) -> String {
    serde_json::from_str::<Request>(request)
        .unwrap_or_default()
        .full_path
}

/// handle(h, request_json) → the whole response (the gateway never calls it; --calls may).
extern "C" fn handle(handle: RPluginHandle, request_json: RString) -> RString {
    let request = request_json.into_string();
    text_slot(handle, "handle", |instance| {
        received(instance, request.len());
        let good = response(200, "text/plain", path_of(&request).as_bytes());
        pick(instance, good, None, r#"{"status":"200","body":"hi"}"#)
    })
}

fn whole(head_json: String) -> HttpHandleResult {
    HttpHandleResult {
        handle: 0,
        head_json: RString::from(head_json),
    }
}

fn chunk(data: &[u8]) -> String {
    format!(r#"{{"kind":"data","data":{}}}"#, byte_array(data))
}

extern "C" fn handle_streaming(
    handle: RPluginHandle,
    request_json: RString,
    sink: EventSinkRef,
    bytes_sink: BytesSinkRef,
) -> HttpHandleResult {
    let request = request_json.into_string();
    guard(
        || {
            let instance = inst(handle);
            let flags = instance.flags;
            if flags.panic {
                panic_on_request("handle_streaming");
            }
            received(instance, request.len());
            if flags.null_handle {
                return whole(String::new());
            }
            let path = path_of(&request);
            if !path.ends_with("/stream") {
                if flags.err_envelope {
                    return whole(response(404, "text/plain", b"no such route"));
                }
                return whole(response(200, "text/plain", b"hello"));
            }
            let bytes = flags.bytes_sink;
            let stream = Stream::spawn(flags, move |ctl| {
                let send = |data: &[u8]| {
                    if bytes {
                        emit_bytes(&bytes_sink, data);
                    } else {
                        emit(&sink, &chunk(data));
                    }
                };
                if ctl.forever(|| send(b".")) {
                    return;
                }
                send(b"hel");
                ctl.maybe_panic("handle_streaming");
                send(b"lo");
                if bytes {
                    emit_bytes(&bytes_sink, &[]);
                } else {
                    emit(&sink, r#"{"kind":"end"}"#);
                }
                ctl.finished(|| send(b"late"));
            });
            let stream = match stream {
                Ok(stream) => stream,
                Err(_) => return whole(response(500, "text/plain", b"no thread")),
            };
            let mut shared = instance.shared();
            let id = shared.next_handle();
            shared.streams.insert(id, stream);
            // wrong_envelope: a head that is not an HttpStreamHead (the host cancels and 500s).
            let head = if flags.wrong_envelope {
                r#"{"code":200}"#
            } else {
                r#"{"status":200,"headers":[["content-type","text/event-stream"]]}"#
            };
            HttpHandleResult {
                handle: id,
                head_json: RString::from(head),
            }
        },
        // The SDK's answer to a panic: a whole 500 response, not the protocol's PANIC_HTTP_MSG.
        || {
            whole(response(
                500,
                "application/json",
                br#"{"error":"plugin panicked during handle_streaming"}"#,
            ))
        },
    )
}

extern "C" fn cancel_stream(handle: RPluginHandle, stream_handle: usize) {
    cancel_slot(handle, "cancel_stream", stream_handle);
}
