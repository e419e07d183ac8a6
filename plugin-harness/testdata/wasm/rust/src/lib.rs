//! The Rust Wasm fixture for plugin-harness (behaviour: ../../fixtures.md). Built for
//! wasm32-wasip2 with wit-bindgen against ../../wit/plugin.wit; the feature set picks the world
//! (gate, transform or identity) and at most one misbehaviour.

#[cfg(not(any(feature = "gate", feature = "transform", feature = "identity")))]
compile_error!("enable one world feature: gate, transform or identity");
#[cfg(any(
    all(feature = "gate", feature = "transform"),
    all(feature = "gate", feature = "identity"),
    all(feature = "transform", feature = "identity")
))]
compile_error!("enable only one world feature");

#[cfg(feature = "gate")]
mod gate;
#[cfg(feature = "identity")]
mod identity;
#[cfg(feature = "transform")]
mod transform;

/// The manifest fields every world reports, bent by the manifest misbehaviours.
pub(crate) struct Manifest {
    pub id: String,
    pub version: String,
    pub name: String,
    pub class: String,
    pub protocol: String,
}

pub(crate) fn manifest(id: &str, name: &str, class: &str) -> Manifest {
    let mut m = Manifest {
        id: id.to_string(),
        version: "0.3.1".to_string(),
        name: name.to_string(),
        class: class.to_string(),
        protocol: "1.0".to_string(),
    };
    if cfg!(feature = "proto2") {
        m.protocol = "2.0".to_string();
    }
    if cfg!(feature = "wrong-id") {
        m.id.push_str("-renamed");
    }
    if cfg!(feature = "wrong-name") {
        m.name = format!("Renamed {}", m.name);
    }
    m
}

/// What a class call does before its real work when the component was built with a
/// misbehaviour; it only returns for the well-behaved builds (and for `grow.soft`, see gate.rs).
/// `slot` keeps the class calls distinct after optimisation, so a backtrace names the export
/// that was called.
#[inline(never)]
pub(crate) fn misbehave(slot: &str) {
    core::hint::black_box(slot);
    #[cfg(feature = "trap")]
    panic!("fixture trap in {slot}");
    #[cfg(feature = "spin")]
    spin();
    #[cfg(feature = "grow")]
    grow();
    #[cfg(feature = "recurse")]
    {
        let depth = recurse(core::hint::black_box(u64::MAX));
        core::hint::black_box(depth);
    }
    #[cfg(feature = "sleep")]
    std::thread::sleep(std::time::Duration::from_millis(500));
    #[cfg(feature = "http")]
    {
        // Any use of wasi:http makes the component import it; the gateway links no wasi:http.
        let fields = wasip2::http::types::Fields::new();
        drop(fields);
    }
}

#[cfg(feature = "spin")]
fn spin() {
    let mut n: u64 = 0;
    loop {
        n = core::hint::black_box(n.wrapping_add(1));
    }
}

/// Keeps 1 MiB blocks until the allocator fails: past the 64 MiB limit memory.grow returns -1
/// and Rust's allocation-failure path aborts (a trap).
#[cfg(feature = "grow")]
fn grow() {
    let mut kept: Vec<Vec<u8>> = Vec::new();
    loop {
        let mut block = Vec::with_capacity(1 << 20);
        block.push(1u8);
        kept.push(core::hint::black_box(block));
    }
}

#[cfg(feature = "recurse")]
#[inline(never)]
fn recurse(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    core::hint::black_box(recurse(core::hint::black_box(n - 1))) + 1
}
