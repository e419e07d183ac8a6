//! Host-service subscriptions on request (docs/native-kinds.md §10): "subscribe": true subscribes
//! to secret rotations in make and unsubscribes in drop_instance; each rotation the host fires is
//! reported back through metric_emit. "callback_panic": true makes the callback panic for real,
//! caught by its catch_unwind (the SDK's catch_panic_silent), so the host sees a plain return.

use std::sync::Mutex;

use abi_stable::std_types::RString;

use super::quoted;
use crate::abi::HostHandleRef;
use crate::host;
use crate::instance::guard;

/// The cb_ctx handed to the host: a plain number, so it reads the same in every report.
const ROTATION_CTX: usize = 41;

/// Whom the callback reports to, and whether it panics (cb_ctx stays a number, as in the C fixture).
static SUBSCRIBER: Mutex<Option<(HostHandleRef, bool)>> = Mutex::new(None);

extern "C" fn on_rotation(cb_ctx: usize, secret_ref: RString, version: u64) {
    let secret_ref = secret_ref.into_string();
    guard(
        || {
            let subscriber = *SUBSCRIBER.lock().unwrap_or_else(|p| p.into_inner());
            let Some((host, panics)) = subscriber else {
                return;
            };
            if panics {
                panic!("fixture: panic requested in the secret rotation callback");
            }
            let point = format!(
                r#"{{"kind":"counter","name":"fixture_rotated","value":{version},"labels":{{"ctx":"{cb_ctx}","secret_ref":{}}}}}"#,
                quoted(&secret_ref)
            );
            host::emit_metric(&host, &point);
        },
        || (),
    );
}

/// Subscribes (make); returns the subscription id, 0 for none.
pub fn subscribe(host: &HostHandleRef, panics: bool) -> u64 {
    *SUBSCRIBER.lock().unwrap_or_else(|p| p.into_inner()) = Some((*host, panics));
    let callback: extern "C" fn(usize, RString, u64) = on_rotation;
    (host.vtable.subscribe_secret_rotation)(host.ctx, callback as usize, ROTATION_CTX)
}

/// Unsubscribes (drop_instance), before the instance goes.
pub fn unsubscribe(host: &HostHandleRef, id: u64) {
    if id != 0 {
        (host.vtable.host_unsubscribe)(host.ctx, id);
    }
}
