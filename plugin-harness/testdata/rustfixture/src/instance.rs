//! The lifecycle slots every entity shares: make, manifest_json, shutdown, drop_instance, and the
//! panic guard and misbehaviours the per-call slots use.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use abi_stable::std_types::RString;
use serde::{Deserialize, Serialize};

use crate::abi::{HostHandleRef, RPluginHandle};
use crate::host;
use crate::kinds::{self, Flags, Shared};

pub const PLUGIN_VERSION: &str = "0.3.1";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    ToolGate,
    Transform,
    IdentityProvider,
    // The `kinds` build's entities (kinds.rs); manifest ids are com.example.fixture-<inner name>.
    AuditSink,
    SecretProvider,
    Store,
    Backend,
    WatchStrategy,
    HttpRoute,
    Cluster,
    Transport,
}

impl Kind {
    fn id(self) -> &'static str {
        match self {
            Kind::ToolGate => "com.example.fixture-gate",
            Kind::Transform => "com.example.fixture-transform",
            Kind::IdentityProvider => "com.example.fixture-identity",
            Kind::AuditSink => "com.example.fixture-audit",
            Kind::SecretProvider => "com.example.fixture-secret",
            Kind::Store => "com.example.fixture-store",
            Kind::Backend => "com.example.fixture-backend",
            Kind::WatchStrategy => "com.example.fixture-watch",
            Kind::HttpRoute => "com.example.fixture-route",
            Kind::Cluster => "com.example.fixture-cluster",
            Kind::Transport => "com.example.fixture-transport",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::ToolGate => "Fixture Gate",
            Kind::Transform => "Fixture Transform",
            Kind::IdentityProvider => "Fixture Identity",
            Kind::AuditSink => "Fixture Audit",
            Kind::SecretProvider => "Fixture Secret",
            Kind::Store => "Fixture Store",
            Kind::Backend => "Fixture Backend",
            Kind::WatchStrategy => "Fixture Watch",
            Kind::HttpRoute => "Fixture Route",
            Kind::Cluster => "Fixture Cluster",
            Kind::Transport => "Fixture Transport",
        }
    }

    fn class(self) -> &'static str {
        match self {
            Kind::ToolGate => "tool_gate",
            Kind::Transform => "transform",
            Kind::IdentityProvider => "identity_provider",
            Kind::AuditSink => "audit_sink",
            Kind::SecretProvider => "secret_provider",
            Kind::Store => "store",
            Kind::Backend => "backend",
            Kind::WatchStrategy => "watch_strategy",
            Kind::HttpRoute => "http_route",
            Kind::Cluster => "cluster",
            Kind::Transport => "transport",
        }
    }

    /// The cluster slot roles a coordinator advertises (the gateway probes kv and bus by them).
    fn provides(self) -> &'static [&'static str] {
        match self {
            Kind::Cluster => &["kv", "bus"],
            _ => &[],
        }
    }
}

/// What a handle points at.
pub struct Instance {
    kind: Kind,
    /// Kept for the whole instance life, as the SDK's HostHandle is.
    pub host: HostHandleRef,
    bad_manifest: bool,
    /// The misbehaviour switches of the `kinds` entities (kinds.rs), from the same config.
    pub flags: Flags,
    /// Their state across calls: open streams, leases, kv, counts.
    shared: Mutex<Shared>,
}

impl Instance {
    /// The kind state; a poisoned lock (a panic while it was held) still yields it.
    pub fn shared(&self) -> MutexGuard<'_, Shared> {
        self.shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The `make` config switches of fixtures.md; anything unparseable counts as no switches.
#[derive(Deserialize, Default)]
#[serde(default)]
struct MakeConfig {
    fail: bool,
    thread: bool,
    make_probe: bool,
    bad_manifest: bool,
}

/// Runs a slot body; a panic becomes the slot's sentinel value instead of unwinding into the host
/// (which would abort the process).
pub fn guard<R>(body: impl FnOnce() -> R, on_panic: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_payload| on_panic())
}

/// `tool_name` / header value that panics on purpose.
pub fn panic_on_request(slot: &str) -> ! {
    panic!("fixture: panic requested in {slot}");
}

/// A real segmentation fault: a volatile write through a null pointer.
pub fn segfault() -> ! {
    let null = std::hint::black_box(std::ptr::null_mut::<u8>());
    // SAFETY: deliberately unsound — the fixture exists to crash the host process here.
    unsafe { null.write_volatile(1) };
    std::process::abort()
}

pub fn hang() -> ! {
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

pub fn make(
    kind: Kind,
    host: HostHandleRef,
    config_json: RString,
    inner_name: RString,
) -> RPluginHandle {
    guard(
        || {
            // Both strings are ours: the config is adopted or copied, the name just released.
            let config_json = config_json.into_string();
            drop(inner_name);
            let config: MakeConfig = serde_json::from_str(&config_json).unwrap_or_default();
            let flags: Flags = serde_json::from_str(&config_json).unwrap_or_default();
            if config.fail {
                return std::ptr::null_mut();
            }
            if config.thread {
                // Host services must work from threads the host has never seen.
                std::thread::spawn(move || {
                    host::emit_metric(
                        &host,
                        r#"{"kind":"counter","name":"fixture_thread","value":1}"#,
                    )
                })
                .join()
                .expect("metric thread");
            }
            if config.make_probe {
                drop(host::alias(&host));
            }
            let mut shared = Shared::default();
            if flags.subscribe {
                shared.subscription = kinds::subs::subscribe(&host, flags.callback_panic);
            }
            let instance = Instance {
                kind,
                host,
                bad_manifest: config.bad_manifest,
                flags,
                shared: Mutex::new(shared),
            };
            Box::into_raw(Box::new(instance)).cast()
        },
        std::ptr::null_mut,
    )
}

/// # Safety
/// `handle` must come from [`make`] and not have been dropped yet.
pub unsafe fn instance<'a>(handle: RPluginHandle) -> &'a Instance {
    // SAFETY: per the function contract.
    unsafe { &*handle.cast::<Instance>() }
}

#[derive(Serialize)]
struct CapabilityRef {
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Manifest {
    id: &'static str,
    version: &'static str,
    name: &'static str,
    plugin_class: &'static str,
    protocol_version: &'static str,
    required_capabilities: [CapabilityRef; 1],
    tags: [&'static str; 1],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    provides: &'static [&'static str],
}

pub extern "C" fn manifest_json(handle: RPluginHandle) -> RString {
    guard(
        || {
            // SAFETY: the host only passes handles we made and have not dropped.
            let instance = unsafe { instance(handle) };
            if instance.bad_manifest {
                return RString::new();
            }
            let kind = instance.kind;
            let manifest = Manifest {
                id: kind.id(),
                version: PLUGIN_VERSION,
                name: kind.name(),
                plugin_class: kind.class(),
                protocol_version: "1.0",
                required_capabilities: [CapabilityRef {
                    kind: "audit_write",
                }],
                tags: ["fixture"],
                provides: kind.provides(),
            };
            RString::from(serde_json::to_string(&manifest).unwrap_or_default())
        },
        RString::new,
    )
}

pub extern "C" fn shutdown(_handle: RPluginHandle) {}

pub extern "C" fn drop_instance(handle: RPluginHandle) {
    guard(
        || {
            if !handle.is_null() {
                // SAFETY: the host passes back each handle from `make` exactly once here.
                let instance = unsafe { Box::from_raw(handle.cast::<Instance>()) };
                // What the host left open (streams, leases, a writer thread) is stopped and
                // joined before the instance goes.
                let leftovers = std::mem::take(&mut *instance.shared());
                kinds::subs::unsubscribe(&instance.host, leftovers.subscription);
                drop(leftovers);
                drop(instance);
            }
        },
        || (),
    )
}
