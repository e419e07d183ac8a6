//! audit_sink "audit" (AuditSinkVTable): emit hands each event to a writer thread of its own, as a
//! real sink would; flush waits (up to its timeout_ms) until the writer has taken everything sent.

use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use abi_stable::std_types::RString;

use super::{Shared, pick, quoted, text_slot};
use crate::abi::{AuditSinkVTable, HostHandleRef, RPluginHandle};
use crate::instance::{self, Kind};

pub fn vtable() -> AuditSinkVTable {
    AuditSinkVTable {
        make,
        manifest_json: instance::manifest_json,
        emit,
        flush,
        shutdown: instance::shutdown,
        drop_instance: instance::drop_instance,
    }
}

extern "C" fn make(
    host: HostHandleRef,
    config_json: RString,
    inner_name: RString,
) -> RPluginHandle {
    instance::make(Kind::AuditSink, host, config_json, inner_name)
}

enum Job {
    Write(usize),
    /// Answers (records, bytes) written so far.
    Flush(mpsc::Sender<(u64, u64)>),
}

/// The writer thread and its queue; dropping it closes the queue and joins the thread.
pub struct Writer {
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    fn start() -> Option<Writer> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let thread = thread::Builder::new()
            .name("fixture-audit-writer".to_owned())
            .spawn(move || {
                let (mut records, mut bytes) = (0u64, 0u64);
                for job in queue {
                    match job {
                        Job::Write(n) => {
                            records += 1;
                            bytes += n as u64;
                        }
                        Job::Flush(reply) => {
                            let _ = reply.send((records, bytes));
                        }
                    }
                }
            })
            .ok()?;
        Some(Writer {
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    fn send(&self, job: Job) -> bool {
        self.jobs
            .as_ref()
            .is_some_and(|jobs| jobs.send(job).is_ok())
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn writer(shared: &mut Shared) -> Option<&Writer> {
    if shared.writer.is_none() {
        shared.writer = Writer::start();
    }
    shared.writer.as_ref()
}

/// emit(h, event_json) → {"ok": AuditReceipt}; durable_hash carries the event as received.
extern "C" fn emit(handle: RPluginHandle, event_json: RString) -> RString {
    let event = event_json.into_string();
    text_slot(handle, "emit", |instance| {
        let queued =
            writer(&mut instance.shared()).is_some_and(|w| w.send(Job::Write(event.len())));
        if !queued {
            return r#"{"err":{"kind":"write_failed","reason":"writer thread gone"}}"#.to_owned();
        }
        let good = format!(
            r#"{{"ok":{{"sink_id":"fixture-audit","persisted_at":"2026-12-05T17:00:01Z","durable_hash":{}}}}}"#,
            quoted(&event)
        );
        pick(
            instance,
            good,
            Some(r#"{"err":{"kind":"write_failed","reason":"disk full"}}"#),
            r#"{"ok":{"sink_id":"fixture-audit","persisted_at":7}}"#,
        )
    })
}

/// flush(h, timeout_ms) → {"ok":null} with what the writer has taken beside it, or
/// {"err":{"kind":"timeout"}} when it could not answer in time (or timeout_ms is 0).
extern "C" fn flush(handle: RPluginHandle, timeout_ms: u64) -> RString {
    text_slot(handle, "flush", |instance| {
        let (reply, answer) = mpsc::channel();
        let sent = writer(&mut instance.shared()).is_some_and(|w| w.send(Job::Flush(reply)));
        let counts = if sent && timeout_ms > 0 {
            answer.recv_timeout(Duration::from_millis(timeout_ms)).ok()
        } else {
            None
        };
        let good = match counts {
            Some((records, bytes)) => format!(
                r#"{{"ok":null,"received":{records},"bytes":{bytes},"timeout_ms":{timeout_ms}}}"#
            ),
            None => r#"{"err":{"kind":"timeout"}}"#.to_owned(),
        };
        pick(
            instance,
            good,
            Some(r#"{"err":{"kind":"timeout"}}"#),
            r#"{"status":"flushed"}"#,
        )
    })
}
