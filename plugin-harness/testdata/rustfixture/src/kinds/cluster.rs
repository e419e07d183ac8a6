//! cluster "cluster" (ClusterVTable): one node ("fixture-node-1") with one peer, an in-memory kv,
//! a bus whose publish fans out to the subscriptions of its topic, and leases. subscribe and
//! watch_peers run a thread each (messages as they are published; a joined, then a
//! health_changed peer event); cancel_stream stops and joins it. The manifest provides kv and bus.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use abi_stable::std_types::RString;
use serde::Deserialize;

use super::stream::{Stream, emit};
use super::{
    Lease, cancel_slot, inst, keep_stream, lease_err, pick, quoted, received, stale_handle,
    stream_err, stream_ok, text_slot,
};
use crate::abi::{
    ClusterVTable, EventSinkRef, HostHandleRef, LeaseHandle, RPluginHandle, StreamHandle,
};
use crate::instance::{self, Instance, Kind, guard, panic_on_request};

pub fn vtable() -> ClusterVTable {
    ClusterVTable {
        make,
        manifest_json: instance::manifest_json,
        node_info,
        list_peers,
        publish,
        subscribe,
        watch_peers,
        cancel_stream,
        acquire_leadership,
        acquire_lock,
        try_acquire_leadership,
        try_acquire_lock,
        lease_renew,
        lease_release,
        lease_drop,
        kv_get,
        kv_put,
        kv_put_if_absent,
        kv_delete,
        kv_list_prefix,
        kv_expire,
        shutdown: instance::shutdown,
        drop_instance: instance::drop_instance,
    }
}

extern "C" fn make(
    host: HostHandleRef,
    config_json: RString,
    inner_name: RString,
) -> RPluginHandle {
    instance::make(Kind::Cluster, host, config_json, inner_name)
}

const NODE: &str = "fixture-node-1";
const PEER: &str = r#"{"node_id":"fixture-node-2","address":"127.0.0.1:7947","last_seen":"2026-12-05T17:00:00Z","health":"healthy","roles":["gateway"]}"#;

/// node_info: a ClusterNodeInfo; bad_construct gives it an empty node_id (the gateway refuses to
/// boot a cluster without one).
extern "C" fn node_info(handle: RPluginHandle) -> RString {
    text_slot(handle, "node_info", |instance| {
        let node = if instance.flags.bad_construct {
            ""
        } else {
            NODE
        };
        let good = format!(
            r#"{{"node_id":"{node}","address":"127.0.0.1:7946","version":"0.3.1","started_at":"2026-12-05T17:00:00Z","roles":["gateway"]}}"#
        );
        pick(instance, good, None, r#"{"node_id":"fixture-node-1"}"#)
    })
}

extern "C" fn list_peers(handle: RPluginHandle) -> RString {
    text_slot(handle, "list_peers", |instance| {
        pick(instance, format!("[{PEER}]"), None, r#"{"peers":[]}"#)
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Publish {
    topic: String,
    routing_key: Option<String>,
    payload: Vec<u8>,
}

/// publish(h, {topic, routing_key, payload}) → {"ok":null}; every subscription of the topic gets
/// a PublishedMessage on its thread.
extern "C" fn publish(handle: RPluginHandle, args_json: RString) -> RString {
    let args = args_json.into_string();
    text_slot(handle, "publish", |instance| {
        received(instance, args.len());
        let good = match serde_json::from_str::<Publish>(&args) {
            Ok(p) => {
                let message = format!(
                    r#"{{"topic":{},"routing_key":{},"payload":{},"from_node":"{NODE}"}}"#,
                    quoted(&p.topic),
                    serde_json::to_string(&p.routing_key).unwrap_or_default(),
                    serde_json::to_string(&p.payload).unwrap_or_default()
                );
                let shared = instance.shared();
                for (topic, _, to) in &shared.topics {
                    if *topic == p.topic {
                        let _ = to.send(message.clone());
                    }
                }
                r#"{"ok":null}"#.to_owned()
            }
            Err(err) => format!(
                r#"{{"err":{{"kind":"invalid_reference","message":{}}}}}"#,
                quoted(&err.to_string())
            ),
        };
        pick(
            instance,
            good,
            Some(r#"{"err":{"kind":"backend_unavailable","reason":"bus down"}}"#),
            r#"{"ok":"sent"}"#,
        )
    })
}

/// What a panic in a stream or lease slot becomes in the SDK: a ClusterError::Internal.
fn panicked(slot: &str) -> String {
    format!(r#"{{"kind":"internal","reason":"plugin panicked during {slot}"}}"#)
}

/// The common start of subscribe/watch_peers: the panic, error and null-handle switches.
fn stream_start(instance: &Instance, slot: &str) -> Option<StreamHandle> {
    let flags = instance.flags;
    if flags.panic {
        panic_on_request(slot);
    }
    if flags.wrong_envelope || flags.null_handle {
        return Some(stream_err(""));
    }
    if flags.err_envelope {
        return Some(stream_err(
            r#"{"kind":"unsupported","reason":"no bus here"}"#,
        ));
    }
    None
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Subscribe {
    topic: String,
}

extern "C" fn subscribe(
    handle: RPluginHandle,
    args_json: RString,
    sink: EventSinkRef,
) -> StreamHandle {
    let args = args_json.into_string();
    guard(
        || {
            let instance = inst(handle);
            received(instance, args.len());
            if let Some(answer) = stream_start(instance, "subscribe") {
                return answer;
            }
            let topic = serde_json::from_str::<Subscribe>(&args)
                .unwrap_or_default()
                .topic;
            let (to, messages) = mpsc::channel::<String>();
            let stream = Stream::spawn(instance.flags, move |ctl| {
                if ctl.forever(|| emit(&sink, r#"{"topic":"tick","routing_key":null,"payload":[46],"from_node":"fixture-node-1"}"#)) {
                    return;
                }
                let mut first = true;
                loop {
                    match messages.recv_timeout(Duration::from_millis(5)) {
                        Ok(message) => {
                            emit(&sink, &message);
                            if first {
                                ctl.maybe_panic("subscribe");
                                first = false;
                            }
                        }
                        Err(RecvTimeoutError::Timeout) if !ctl.cancelled() => {}
                        Err(_) => break,
                    }
                }
                ctl.until_cancel(|| {
                    emit(&sink, r#"{"topic":"late","routing_key":null,"payload":[],"from_node":"fixture-node-1"}"#)
                });
            });
            let answer = keep_stream(instance, stream, "", |reason| {
                format!(r#"{{"kind":"internal","reason":{reason}}}"#)
            });
            if answer.handle != 0 {
                instance.shared().topics.push((topic, answer.handle, to));
            }
            answer
        },
        || stream_err(&panicked("subscribe")),
    )
}

extern "C" fn watch_peers(handle: RPluginHandle, sink: EventSinkRef) -> StreamHandle {
    guard(
        || {
            let instance = inst(handle);
            if let Some(answer) = stream_start(instance, "watch_peers") {
                return answer;
            }
            if instance.flags.reuse_handle {
                // The subscription's handle again: the host will cancel it twice.
                if let Some(&(_, id, _)) = instance.shared().topics.last() {
                    return stream_ok(id, "");
                }
            }
            let stream = Stream::spawn(instance.flags, move |ctl| {
                let joined = format!(r#"{{"kind":"joined","peer":{PEER}}}"#);
                emit(&sink, &joined);
                ctl.maybe_panic("watch_peers");
                if ctl.forever(|| emit(&sink, &joined)) {
                    return;
                }
                if !ctl.wait(Duration::from_millis(20)) {
                    emit(
                        &sink,
                        r#"{"kind":"health_changed","node_id":"fixture-node-2","health":"degraded"}"#,
                    );
                }
                ctl.until_cancel(|| emit(&sink, r#"{"kind":"left","node_id":"fixture-node-2"}"#));
            });
            keep_stream(instance, stream, "", |reason| {
                format!(r#"{{"kind":"internal","reason":{reason}}}"#)
            })
        },
        || stream_err(&panicked("watch_peers")),
    )
}

extern "C" fn cancel_stream(handle: RPluginHandle, stream_handle: usize) {
    guard(
        || {
            inst(handle)
                .shared()
                .topics
                .retain(|(_, id, _)| *id != stream_handle)
        },
        || (),
    );
    cancel_slot(handle, "cancel_stream", stream_handle);
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Acquire {
    role: Option<String>,
    key: Option<String>,
}

const EXPIRES_AT: &str = "2026-12-05T17:00:30Z";

/// The four acquire slots. `try_` ones may decline (handle 0, empty error).
fn acquire(
    handle: RPluginHandle,
    slot: &'static str,
    args_json: RString,
    declinable: bool,
) -> LeaseHandle {
    let args = args_json.into_string();
    guard(
        || {
            let instance = inst(handle);
            let flags = instance.flags;
            if flags.panic {
                panic_on_request(slot);
            }
            received(instance, args.len());
            let a = serde_json::from_str::<Acquire>(&args).unwrap_or_default();
            let name = a.role.or(a.key).unwrap_or_default();
            if flags.null_handle || (declinable && flags.decline) {
                return lease_err("");
            }
            if flags.wrong_envelope {
                return lease_err("lease busy");
            }
            if flags.err_envelope {
                return lease_err(&format!(
                    r#"{{"kind":"not_leader","role":{}}}"#,
                    quoted(&name)
                ));
            }
            let mut shared = instance.shared();
            if flags.reuse_handle && slot == "acquire_lock" {
                // A live lease's handle handed out again: the host will drop it twice.
                if let Some(&id) = shared.leases.keys().min() {
                    shared.fencing += 1;
                    return LeaseHandle {
                        handle: id,
                        error_json: RString::new(),
                        fencing_token: shared.fencing,
                        expires_at: RString::from(EXPIRES_AT),
                    };
                }
            }
            if shared.leases.values().any(|lease| lease.name == name) {
                // Held already: a try_ declines, a blocking acquire reports it.
                return lease_err(if declinable {
                    ""
                } else {
                    r#"{"kind":"precondition","reason":"the lease is held"}"#
                });
            }
            let id = shared.next_handle();
            shared.fencing += 1;
            shared.leases.insert(id, Lease { name });
            LeaseHandle {
                handle: id,
                error_json: RString::new(),
                fencing_token: shared.fencing,
                expires_at: RString::from(EXPIRES_AT),
            }
        },
        || lease_err(&panicked(slot)),
    )
}

extern "C" fn acquire_leadership(handle: RPluginHandle, args_json: RString) -> LeaseHandle {
    acquire(handle, "acquire_leadership", args_json, false)
}

extern "C" fn acquire_lock(handle: RPluginHandle, args_json: RString) -> LeaseHandle {
    acquire(handle, "acquire_lock", args_json, false)
}

extern "C" fn try_acquire_leadership(handle: RPluginHandle, args_json: RString) -> LeaseHandle {
    acquire(handle, "try_acquire_leadership", args_json, true)
}

extern "C" fn try_acquire_lock(handle: RPluginHandle, args_json: RString) -> LeaseHandle {
    acquire(handle, "try_acquire_lock", args_json, true)
}

const LEASE_EXPIRED: &str = r#"{"err":{"kind":"lease_expired"}}"#;

extern "C" fn lease_renew(handle: RPluginHandle, lease: usize) -> RString {
    text_slot(handle, "lease_renew", |instance| {
        let live = instance.shared().leases.contains_key(&lease);
        let good = if live {
            r#"{"ok":"2026-12-05T17:01:00Z"}"#
        } else {
            LEASE_EXPIRED
        };
        pick(
            instance,
            good.to_owned(),
            Some(LEASE_EXPIRED),
            r#"{"ok":1764954060}"#,
        )
    })
}

extern "C" fn lease_release(handle: RPluginHandle, lease: usize) -> RString {
    text_slot(handle, "lease_release", |instance| {
        // Released, but the handle stays valid until lease_drop (the host drops it after).
        let live = instance.shared().leases.contains_key(&lease);
        let good = if live {
            r#"{"ok":null}"#
        } else {
            LEASE_EXPIRED
        };
        pick(
            instance,
            good.to_owned(),
            Some(LEASE_EXPIRED),
            r#"{"released":true}"#,
        )
    })
}

/// lease_drop(h, lease): frees the lease; one the host already dropped is reported, not freed again.
extern "C" fn lease_drop(handle: RPluginHandle, lease: usize) {
    guard(
        || {
            let instance = inst(handle);
            let gone = instance.shared().leases.remove(&lease);
            if gone.is_none() {
                stale_handle(&instance.host, "lease_drop", lease);
            }
        },
        || (),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Kv {
    key: String,
    value: Vec<u8>,
    prefix: String,
    limit: u64,
}

/// A kv slot: parses its arguments, then `body` answers the ok value against the map.
fn kv(
    handle: RPluginHandle,
    slot: &str,
    args_json: RString,
    wrong: &str,
    body: impl FnOnce(&mut std::collections::BTreeMap<String, Vec<u8>>, Kv) -> String,
) -> RString {
    let args = args_json.into_string();
    text_slot(handle, slot, |instance| {
        received(instance, args.len());
        let good = match serde_json::from_str::<Kv>(&args) {
            Ok(kv) => format!(r#"{{"ok":{}}}"#, body(&mut instance.shared().kv, kv)),
            Err(err) => format!(
                r#"{{"err":{{"kind":"invalid_reference","message":{}}}}}"#,
                quoted(&err.to_string())
            ),
        };
        pick(
            instance,
            good,
            Some(r#"{"err":{"kind":"unsupported","reason":"no kv in this fixture"}}"#),
            wrong,
        )
    })
}

fn entry(bytes: &[u8]) -> String {
    format!(
        r#"{{"bytes":{}}}"#,
        serde_json::to_string(bytes).unwrap_or_default()
    )
}

extern "C" fn kv_get(handle: RPluginHandle, args_json: RString) -> RString {
    kv(
        handle,
        "kv_get",
        args_json,
        r#"{"ok":{"value":"1"}}"#,
        |map, a| {
            map.get(&a.key)
                .map_or_else(|| "null".to_owned(), |v| entry(v))
        },
    )
}

extern "C" fn kv_put(handle: RPluginHandle, args_json: RString) -> RString {
    kv(
        handle,
        "kv_put",
        args_json,
        r#"{"ok":"stored"}"#,
        |map, a| {
            map.insert(a.key, a.value);
            "null".to_owned()
        },
    )
}

extern "C" fn kv_put_if_absent(handle: RPluginHandle, args_json: RString) -> RString {
    kv(
        handle,
        "kv_put_if_absent",
        args_json,
        r#"{"ok":"yes"}"#,
        |map, a| {
            let absent = !map.contains_key(&a.key);
            if absent {
                map.insert(a.key, a.value);
            }
            absent.to_string()
        },
    )
}

extern "C" fn kv_delete(handle: RPluginHandle, args_json: RString) -> RString {
    kv(
        handle,
        "kv_delete",
        args_json,
        r#"{"ok":"deleted"}"#,
        |map, a| map.remove(&a.key).is_some().to_string(),
    )
}

extern "C" fn kv_list_prefix(handle: RPluginHandle, args_json: RString) -> RString {
    kv(
        handle,
        "kv_list_prefix",
        args_json,
        r#"{"ok":{"keys":[]}}"#,
        |map, a| {
            let items: Vec<String> = map
                .iter()
                .filter(|(k, _)| k.starts_with(&a.prefix))
                .take(a.limit as usize)
                .map(|(k, v)| format!(r#"{{"key":{},"entry":{}}}"#, quoted(k), entry(v)))
                .collect();
            format!("[{}]", items.join(","))
        },
    )
}

extern "C" fn kv_expire(handle: RPluginHandle, args_json: RString) -> RString {
    kv(handle, "kv_expire", args_json, r#"{"ok":1}"#, |map, a| {
        map.contains_key(&a.key).to_string()
    })
}
