//! The FFI side, reduced to the opaque values the SDK stand-in passes around.

/// What the gateway hands a plugin to call back into it. Opaque here.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct HostHandleRef {
    pub ctx: usize,
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
