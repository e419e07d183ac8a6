//! The entities of the `kinds` build (FIXTURE_ENTITIES=kinds): one per kind group the harness
//! drives past the Tier-1 three — audit_sink "audit", secret_provider "secret", store "store",
//! backend "backend", watch_strategy "watch", http_route "route", cluster "cluster", transport
//! "transport" — with real std::thread callbacks where the kind has callbacks (docs/native-kinds.md
//! §4-§9). Every by-value RString argument is consumed, every answer is a fresh RString of ours,
//! every slot body runs under catch_unwind and answers the SDK's sentinel on a panic.
//!
//! Misbehaviour comes from the config given to make (the C fixture's names where it has them):
//!   "panic": true          every fallible slot panics for real; catch_unwind turns it into the
//!                          SDK's sentinel for that slot ("" for strings, handle 0 + its text)
//!   "wrong_envelope": true answers the gateway's decoder refuses; handle records: handle 0 with
//!                          an empty error_json
//!   "err_envelope": true   the DTO's error answer: a respected contract
//!   "bad_construct": true  the slots read at construction (kind, name, routes, schemes, roles)
//!                          answer what the gateway refuses
//!   "stream_forever": true a stream that never sends its terminal event (until cancelled)
//!   "late_callback": true  cancel/close returns at once; the thread calls the host once more after
//!   "sync_stream": true    backend: done on the caller's thread, then usize::MAX
//!   "thread_panic": true   the callback thread panics after its first callback (caught by its
//!                          catch_unwind, so the stream just stops)
//!   "reuse_handle": true   cluster: acquire_lock hands back the held leadership lease's handle and
//!                          watch_peers the subscription's — the host would drop each twice
//!   "cursor_loop": true    backend: list_resources hands back the cursor it was given
//!   "bytes_sink": true     http_route: the streamed body goes to the bytes sink, not the text one
//!   "decline": true        cluster: try_acquire_* is declined (handle 0, empty error)
//!   "bad_message": true    transport: dispatches a message that is not {"bytes":[…]}
//!   "null_handle": true    every handle record comes back as handle 0 with an empty error
//!                          (watch_strategy: what the SDK makes of Ok(WatchHandleBox(null)))
//!   "subscribe": true      subscribes to secret rotations in make (subs.rs), unsubscribes at drop
//!   "callback_panic": true that subscription's callback panics, caught by its catch_unwind
//! For the streams of watch_strategy and http_route, wrong_envelope sends events the DTO refuses;
//! for the other handle records it is handle 0 with an empty error_json.

pub mod audit;
pub mod backend;
pub mod cluster;
pub mod http_route;
pub mod secret;
pub mod store;
pub mod stream;
pub mod subs;
pub mod transport;
pub mod watch;

use std::collections::{BTreeMap, HashMap};
use std::sync::mpsc;

use abi_stable::std_types::RString;
use serde::Deserialize;

use crate::abi::{HostHandleRef, LeaseHandle, RPluginHandle, StreamHandle};
use crate::host;
use crate::instance::{Instance, guard, instance, panic_on_request};

/// The misbehaviour switches (module doc); anything unparseable counts as none.
#[derive(Deserialize, Default, Clone, Copy)]
#[serde(default)]
pub struct Flags {
    pub panic: bool,
    pub wrong_envelope: bool,
    pub err_envelope: bool,
    pub bad_construct: bool,
    pub stream_forever: bool,
    pub late_callback: bool,
    pub sync_stream: bool,
    pub thread_panic: bool,
    pub reuse_handle: bool,
    pub cursor_loop: bool,
    pub bytes_sink: bool,
    pub decline: bool,
    pub bad_message: bool,
    pub null_handle: bool,
    pub subscribe: bool,
    pub callback_panic: bool,
}

/// A lease a cluster acquire handed out.
pub struct Lease {
    pub name: String,
}

/// An instance's state across calls. Dropping it (drop_instance) stops and joins whatever the host
/// left open.
#[derive(Default)]
pub struct Shared {
    last_handle: usize,
    pub streams: HashMap<usize, stream::Stream>,
    pub leases: HashMap<usize, Lease>,
    pub fencing: u64,
    pub kv: BTreeMap<String, Vec<u8>>,
    /// Cluster subscriptions: topic, stream handle, where published messages go.
    pub topics: Vec<(String, usize, mpsc::Sender<String>)>,
    pub received: u64,
    pub received_bytes: u64,
    pub writer: Option<audit::Writer>,
    /// The secret-rotation subscription made in make (0: none).
    pub subscription: u64,
    /// Transports closed but not dropped yet.
    pub closed: std::collections::HashSet<usize>,
}

impl Shared {
    /// Handles are small integers from 1, never reused: a stale one names nothing.
    pub fn next_handle(&mut self) -> usize {
        self.last_handle += 1;
        self.last_handle
    }
}

/// The instance behind a handle the host passed.
pub fn inst<'a>(handle: RPluginHandle) -> &'a Instance {
    // SAFETY: the host only passes handles we made and have not dropped.
    unsafe { instance(handle) }
}

/// A string slot: a panic (requested by "panic" or not) becomes "", the SDK's
/// catch_panic_to_empty_rstring.
pub fn text_slot(
    handle: RPluginHandle,
    slot: &str,
    body: impl FnOnce(&Instance) -> String,
) -> RString {
    guard(
        || {
            let instance = inst(handle);
            if instance.flags.panic {
                panic_on_request(slot);
            }
            RString::from(body(instance))
        },
        RString::new,
    )
}

/// A slot read at construction: its good answer, or the one the gateway refuses under
/// bad_construct. It never panics on request, so the other switches reach the later slots.
pub fn construct_slot(handle: RPluginHandle, good: &str, wrong: &str) -> RString {
    guard(
        || {
            RString::from(if inst(handle).flags.bad_construct {
                wrong
            } else {
                good
            })
        },
        RString::new,
    )
}

/// The answer by switch: the wrong envelope, the error one (when the slot has one), or the good one.
pub fn pick(instance: &Instance, good: String, err: Option<&str>, wrong: &str) -> String {
    if instance.flags.wrong_envelope {
        return wrong.to_owned();
    }
    match err {
        Some(err) if instance.flags.err_envelope => err.to_owned(),
        _ => good,
    }
}

/// `text` as a JSON string.
pub fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// Counts a data call's input (flush reports the counts).
pub fn received(instance: &Instance, bytes: usize) {
    let mut shared = instance.shared();
    shared.received += 1;
    shared.received_bytes += bytes as u64;
}

pub fn stream_ok(handle: usize, metadata_json: &str) -> StreamHandle {
    StreamHandle {
        handle,
        error_json: RString::new(),
        metadata_json: RString::from(metadata_json),
    }
}

pub fn stream_err(error_json: &str) -> StreamHandle {
    StreamHandle {
        handle: 0,
        error_json: RString::from(error_json),
        metadata_json: RString::new(),
    }
}

pub fn lease_err(error_json: &str) -> LeaseHandle {
    LeaseHandle {
        handle: 0,
        error_json: RString::from(error_json),
        fencing_token: 0,
        expires_at: RString::new(),
    }
}

/// A handle the host passed back that names nothing live (never issued, or already dropped): the
/// fixture survives it and tells the host through a metric, so a test sees it.
pub fn stale_handle(host: &HostHandleRef, slot: &str, handle: usize) {
    let point = format!(
        r#"{{"kind":"counter","name":"fixture_stale_handle","value":1,"labels":{{"slot":{},"handle":"{handle}"}}}}"#,
        quoted(slot)
    );
    host::emit_metric(host, &point);
}

/// Keeps a started stream under a fresh handle and answers it; a thread that could not start is
/// the kind's error, built by `failed` from the reason.
pub fn keep_stream(
    instance: &Instance,
    stream: std::io::Result<stream::Stream>,
    metadata_json: &str,
    failed: impl FnOnce(&str) -> String,
) -> StreamHandle {
    match stream {
        Ok(stream) => {
            let mut shared = instance.shared();
            let id = shared.next_handle();
            shared.streams.insert(id, stream);
            stream_ok(id, metadata_json)
        }
        Err(err) => stream_err(&failed(&quoted(&err.to_string()))),
    }
}

/// A cancel slot: stops and joins the stream behind `token` (a stale token is reported, not fatal).
pub fn cancel_slot(handle: RPluginHandle, slot: &str, token: usize) {
    guard(
        || {
            let instance = inst(handle);
            let stream = instance.shared().streams.remove(&token);
            match stream {
                Some(stream) => stream.cancel(),
                None => stale_handle(&instance.host, slot, token),
            }
        },
        || (),
    )
}
