//! A callback thread and its stop switch: what every streaming slot here hands out behind a
//! handle. Cancelling sets the switch and joins the thread, so no callback is in flight once the
//! cancel slot returns (the guarantee the gateway relies on, docs/native-kinds.md §11.3) — except
//! under late_callback, where cancel detaches the thread and it calls the host once more.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use abi_stable::std_types::{RString, RVec};

use super::Flags;
use crate::abi::{BytesSinkRef, EventSinkRef};

/// How long a late_callback thread waits after cancel returned before its late call (the
/// harness listens for 50 ms).
const LATE_DELAY: Duration = Duration::from_millis(2);

/// What a callback thread sees of its stream.
pub struct Ctl {
    stop: Arc<(Mutex<bool>, Condvar)>,
    flags: Flags,
}

impl Ctl {
    pub fn cancelled(&self) -> bool {
        *self.stop.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits up to `timeout`; true when the stream was cancelled (before or meanwhile).
    pub fn wait(&self, timeout: Duration) -> bool {
        let (lock, cvar) = &*self.stop;
        let stopped = lock.lock().unwrap_or_else(|p| p.into_inner());
        let (stopped, _) = cvar
            .wait_timeout_while(stopped, timeout, |stopped| !*stopped)
            .unwrap_or_else(|p| p.into_inner());
        *stopped
    }

    pub fn wait_cancel(&self) {
        let (lock, cvar) = &*self.stop;
        let stopped = lock.lock().unwrap_or_else(|p| p.into_inner());
        drop(cvar.wait_while(stopped, |stopped| !*stopped));
    }

    /// Under stream_forever, keeps calling `tick` every 5 ms until cancelled, and says so.
    pub fn forever(&self, mut tick: impl FnMut()) -> bool {
        if !self.flags.stream_forever {
            return false;
        }
        while !self.cancelled() {
            tick();
            self.wait(Duration::from_millis(5));
        }
        true
    }

    /// Waits `period` at a time until cancelled, calling `tick` after each wait. Under
    /// late_callback it only waits, so the one late call is the only callback after cancel.
    pub fn every(&self, period: Duration, mut tick: impl FnMut()) {
        while !self.wait(period) {
            if !self.flags.late_callback {
                tick();
            }
        }
    }

    /// Under thread_panic, a real panic in the middle of the callback path.
    pub fn maybe_panic(&self, what: &str) {
        if self.flags.thread_panic {
            panic!("fixture: panic requested in {what}'s callback thread");
        }
    }

    /// The end of a thread that waits for its cancel; under late_callback, `late` runs after it.
    pub fn until_cancel(&self, late: impl FnOnce()) {
        self.wait_cancel();
        if self.flags.late_callback {
            thread::sleep(LATE_DELAY);
            late();
        }
    }

    /// The end of a thread that finished on its own; under late_callback it outlives cancel
    /// and runs `late` after it.
    pub fn finished(&self, late: impl FnOnce()) {
        if self.flags.late_callback {
            self.until_cancel(late);
        }
    }
}

pub struct Stream {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
    late: bool,
}

impl Stream {
    /// Starts `body` on a thread of its own; a panic in it ends the thread, caught.
    pub fn spawn(
        flags: Flags,
        body: impl FnOnce(&Ctl) + Send + 'static,
    ) -> std::io::Result<Stream> {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let ctl = Ctl {
            stop: Arc::clone(&stop),
            flags,
        };
        let thread = thread::Builder::new()
            .name("fixture-stream".to_owned())
            .spawn(move || {
                let _ = catch_unwind(AssertUnwindSafe(|| body(&ctl)));
            })?;
        Ok(Stream {
            stop,
            thread: Some(thread),
            late: flags.late_callback,
        })
    }

    /// Stops the thread and joins it (under late_callback: lets it run on, detached).
    pub fn cancel(self) {
        drop(self);
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        let (lock, cvar) = &*self.stop;
        *lock.lock().unwrap_or_else(|p| p.into_inner()) = true;
        cvar.notify_all();
        if let Some(thread) = self.thread.take() {
            if !self.late {
                let _ = thread.join();
            }
        }
    }
}

/// One event on the host's sink: a fresh RString the host owns from here.
pub fn emit(sink: &EventSinkRef, text: &str) {
    (sink.callback)(sink.ctx, RString::from(text));
}

/// One chunk on the host's byte sink; an empty one ends the body.
pub fn emit_bytes(sink: &BytesSinkRef, bytes: &[u8]) {
    (sink.callback)(sink.ctx, RVec::from(bytes.to_vec()));
}
