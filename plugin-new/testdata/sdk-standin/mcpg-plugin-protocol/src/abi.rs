//! The FFI side, reduced to the opaque values the SDK stand-in passes around.

/// What the gateway hands a plugin to call back into it.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct HostHandleRef {
    pub ctx: usize,
    pub vtable: HostServicesVTable,
}

impl HostHandleRef {
    /// Stand-in only: how `testing::stub_host_ref` makes one.
    #[doc(hidden)]
    pub const fn __stand_in() -> Self {
        Self {
            ctx: 0,
            vtable: HostServicesVTable { _slots: () },
        }
    }
}

/// The host's function table; opaque here, so plugins cannot build one.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct HostServicesVTable {
    _slots: (),
}

/// What the exported registration symbol returns. Only its shape matters to a type check.
#[derive(Debug)]
#[repr(C)]
pub struct PluginRegistration {
    pub entity_count: usize,
    pub capability_count: usize,
    pub has_backend_profile: bool,
}

/// The pointer-sized handle the loader keeps for a plugin instance.
pub type RPluginHandle = *mut ();

/// What the layout symbol returns; opaque here.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct AbiLayoutPtr {
    _opaque: usize,
}

/// The layout the loader compares before reading the registration.
pub fn plugin_registration_layout() -> AbiLayoutPtr {
    AbiLayoutPtr { _opaque: 0 }
}
