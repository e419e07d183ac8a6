//! Our own StableAbi mirrors of the MCPG native ABI v2 types (docs/native-abi.md §2).
//!
//! The protocol crate is a git dependency we cannot fetch here, so the types are re-declared with
//! the same field order and repr. rustc derives the memory layout from `#[repr(C)]`/`#[repr(u8)]`;
//! `StableAbi` only adds the metadata that `mcpg_plugin_abi_layout` exports. The assertions at the
//! bottom pin every size and offset the Go harness depends on.

use abi_stable::StableAbi;
use abi_stable::std_types::{ROption, RStr, RString, RVec, Tuple2};

pub const ABI_VERSION: u32 = 2;
pub const ABI_PANIC_SENTINEL: u32 = u32::MAX;

/// Opaque per-instance pointer; null from `make` means the instance could not be built.
pub type RPluginHandle = *mut ();

#[repr(C)]
#[derive(StableAbi)]
pub struct RKeyValue {
    pub key: RString,
    pub value: RString,
}

#[repr(C)]
#[derive(StableAbi)]
pub struct RPluginIdentity {
    pub kind: RString,
    pub trust_level: RString,
    pub subject_id: ROption<RString>,
    pub auth_provider: ROption<RString>,
    pub issuer: ROption<RString>,
    pub roles: RVec<RString>,
    pub groups: RVec<RString>,
    pub scopes: RVec<RString>,
    pub attributes: RVec<RKeyValue>,
}

#[repr(C)]
#[derive(StableAbi)]
pub struct RPluginContext {
    pub request_id: RString,
    pub session_id: ROption<RString>,
    pub tool_name: RString,
    pub surface: RString,
    pub identity: RPluginIdentity,
    pub transport: RString,
}

#[repr(u8)]
#[derive(StableAbi)]
pub enum RGateDecision {
    Allow {
        modified_arguments_json: ROption<RString>,
        modified_result_json: ROption<RString>,
        metadata_json: ROption<RString>,
    },
    Deny {
        http_status: u16,
        code: i32,
        message: RString,
        error_data_json: ROption<RString>,
    },
    Challenge {
        http_status: u16,
        code: i32,
        message: RString,
        challenge_data_json: RString,
    },
    PendingApproval {
        approval_id: RString,
        deadline_at: RString,
        summary: RString,
        target_notifiers_json: RString,
        metadata_json: RString,
    },
}

#[repr(u8)]
#[derive(StableAbi)]
pub enum RTransformResult {
    Unchanged,
    Modified { value_json: RString },
    Error { message: RString },
}

#[repr(u8)]
#[derive(StableAbi)]
#[allow(clippy::large_enum_variant)]
pub enum RIdentityResolution {
    Resolved {
        identity: RPluginIdentity,
    },
    None,
    Invalid {
        reason: RString,
        response_headers: RVec<Tuple2<RString, RString>>,
    },
}

#[repr(C)]
#[derive(StableAbi)]
pub struct TypedCapabilityDecl {
    pub kind: RString,
    pub args_json: RString,
}

/// The cluster coordinator a host may hand out through the `cluster` service. The fixture only
/// looks at the ROption tag, so the 23 slots are kept as opaque words of the right count.
#[repr(C)]
#[derive(StableAbi, Clone, Copy)]
pub struct ClusterClientRef {
    pub handle: usize,
    pub vtable: [usize; 23],
}

/// Callbacks the host offers the plugin; every slot takes the host's `ctx` first.
#[repr(C)]
#[derive(StableAbi, Clone, Copy)]
pub struct HostServicesVTable {
    pub resolve_secret: extern "C" fn(ctx: usize, uri: RString) -> RString,
    pub issue_credential:
        extern "C" fn(ctx: usize, uri: RString, identity_json: RString) -> RString,
    pub config_snapshot: extern "C" fn(ctx: usize, uri: RString) -> RString,
    pub audit_event: extern "C" fn(ctx: usize, event_json: RString) -> RString,
    pub metric_emit: extern "C" fn(ctx: usize, point_json: RString),
    pub cluster: extern "C" fn(ctx: usize) -> ROption<ClusterClientRef>,
    pub span_start: extern "C" fn(ctx: usize, name: RString, attrs_json: RString) -> u64,
    pub span_end: extern "C" fn(ctx: usize, span_id: u64),
    pub span_event: extern "C" fn(ctx: usize, span_id: u64, name: RString, attrs_json: RString),
    pub alias: extern "C" fn(ctx: usize) -> RString,
    pub resolve_credentials:
        extern "C" fn(ctx: usize, value_json: RString, identity_json: RString) -> RString,
    pub cache_get: extern "C" fn(ctx: usize, key: RString) -> RString,
    pub fetch_content: extern "C" fn(ctx: usize, uri: RString) -> RString,
    pub store_content: extern "C" fn(ctx: usize, args_json: RString) -> RString,
    pub invoke_tool: extern "C" fn(
        ctx: usize,
        ctx_json: RString,
        tool_name: RString,
        args_json: RString,
    ) -> RString,
    /// `cb` is an `extern "C" fn(cb_ctx, plugin_id: RString, target: RString)` cast to usize.
    pub subscribe_credential_revoked: extern "C" fn(ctx: usize, cb: usize, cb_ctx: usize) -> u64,
    /// `cb` is an `extern "C" fn(cb_ctx, secret_ref: RString, version: u64)` cast to usize.
    pub subscribe_secret_rotation: extern "C" fn(ctx: usize, cb: usize, cb_ctx: usize) -> u64,
    pub host_unsubscribe: extern "C" fn(ctx: usize, sub_id: u64),
}

#[repr(C)]
#[derive(StableAbi, Clone, Copy)]
pub struct HostHandleRef {
    pub ctx: usize,
    pub vtable: HostServicesVTable,
}

#[repr(C)]
#[derive(StableAbi)]
pub struct ToolGateVTable {
    pub make: extern "C" fn(
        host: HostHandleRef,
        config_json: RString,
        inner_name: RString,
    ) -> RPluginHandle,
    pub manifest_json: extern "C" fn(handle: RPluginHandle) -> RString,
    pub evaluate_pre_dispatch: extern "C" fn(
        handle: RPluginHandle,
        ctx: RPluginContext,
        arguments_json: RStr<'_>,
        meta_json: ROption<RStr<'_>>,
        config_json: RStr<'_>,
    ) -> RGateDecision,
    pub evaluate_post_dispatch: extern "C" fn(
        handle: RPluginHandle,
        ctx: RPluginContext,
        arguments_json: RStr<'_>,
        result_json: RStr<'_>,
        execution_duration_ms: u64,
        config_json: RStr<'_>,
    ) -> RGateDecision,
    pub shutdown: extern "C" fn(handle: RPluginHandle),
    pub drop_instance: extern "C" fn(handle: RPluginHandle),
}

#[repr(C)]
#[derive(StableAbi)]
pub struct TransformVTable {
    pub make: extern "C" fn(
        host: HostHandleRef,
        config_json: RString,
        inner_name: RString,
    ) -> RPluginHandle,
    pub manifest_json: extern "C" fn(handle: RPluginHandle) -> RString,
    pub transform_arguments: extern "C" fn(
        handle: RPluginHandle,
        ctx: RPluginContext,
        arguments_json: RStr<'_>,
        config_json: RStr<'_>,
    ) -> RTransformResult,
    pub transform_result: extern "C" fn(
        handle: RPluginHandle,
        ctx: RPluginContext,
        result_json: RStr<'_>,
        config_json: RStr<'_>,
    ) -> RTransformResult,
    pub shutdown: extern "C" fn(handle: RPluginHandle),
    pub drop_instance: extern "C" fn(handle: RPluginHandle),
}

#[repr(C)]
#[derive(StableAbi)]
pub struct IdentityProviderVTable {
    pub make: extern "C" fn(
        host: HostHandleRef,
        config_json: RString,
        inner_name: RString,
    ) -> RPluginHandle,
    pub manifest_json: extern "C" fn(handle: RPluginHandle) -> RString,
    pub resolve_identity: extern "C" fn(
        handle: RPluginHandle,
        headers_json: RStr<'_>,
        metadata_json: RStr<'_>,
        config_json: RStr<'_>,
    ) -> RIdentityResolution,
    pub shutdown: extern "C" fn(handle: RPluginHandle),
    pub drop_instance: extern "C" fn(handle: RPluginHandle),
}

/// One registered entity. Tags follow the protocol's declaration order (0..=20). The kinds the
/// fixture implements (the Tier-1 three, and in the `kinds` build the eight of src/kinds/) carry
/// typed vtables; the others keep their tag position and slot count as opaque words, so the enum
/// keeps the real 224-byte stride (Cluster's 23 slots are the largest).
#[repr(u8)]
#[derive(StableAbi)]
pub enum EntityRegistration {
    ToolGate {
        inner_name: RString,
        vtable: ToolGateVTable,
    },
    Transform {
        inner_name: RString,
        vtable: TransformVTable,
    },
    IdentityProvider {
        inner_name: RString,
        vtable: IdentityProviderVTable,
    },
    Backend {
        inner_name: RString,
        vtable: BackendVTable,
    },
    WatchStrategy {
        inner_name: RString,
        vtable: WatchStrategyVTable,
    },
    HttpRoute {
        inner_name: RString,
        vtable: HttpRouteVTable,
    },
    AuditSink {
        inner_name: RString,
        vtable: AuditSinkVTable,
    },
    LogSink {
        inner_name: RString,
        vtable: [usize; 6],
    },
    TelemetrySink {
        inner_name: RString,
        vtable: [usize; 9],
    },
    MetricsSink {
        inner_name: RString,
        vtable: [usize; 7],
    },
    Store {
        inner_name: RString,
        vtable: StoreVTable,
    },
    Cache {
        inner_name: RString,
        vtable: [usize; 11],
    },
    SecretProvider {
        inner_name: RString,
        vtable: SecretProviderVTable,
    },
    ConfigProvider {
        inner_name: RString,
        vtable: [usize; 8],
    },
    PolicyEngine {
        inner_name: RString,
        vtable: [usize; 7],
    },
    Cluster {
        inner_name: RString,
        vtable: ClusterVTable,
    },
    Transport {
        inner_name: RString,
        vtable: TransportVTable,
    },
    CatalogProvider {
        inner_name: RString,
        vtable: [usize; 7],
    },
    CredentialIssuer {
        inner_name: RString,
        vtable: [usize; 6],
    },
    ApprovalNotifier {
        inner_name: RString,
        vtable: [usize; 5],
    },
    ContentStore {
        inner_name: RString,
        vtable: [usize; 12],
    },
}

/// The host's event sink (docs/native-kinds.md §1): the host owns the event string it receives.
#[repr(C)]
#[derive(StableAbi, Clone, Copy)]
pub struct EventSinkRef {
    pub ctx: usize,
    pub callback: extern "C" fn(ctx: usize, event: RString),
}

/// The host's byte sink (http_route.handle_streaming): an empty vector ends the body.
#[repr(C)]
#[derive(StableAbi, Clone, Copy)]
pub struct BytesSinkRef {
    pub ctx: usize,
    pub callback: extern "C" fn(ctx: usize, chunk: RVec<u8>),
}

/// What every watch/subscribe/stream slot and transport.start return: `handle == 0` means the
/// call failed and `error_json` says why.
#[repr(C)]
#[derive(StableAbi)]
pub struct StreamHandle {
    pub handle: usize,
    pub error_json: RString,
    pub metadata_json: RString,
}

/// http_route.handle_streaming's answer: `handle == 0` → `head_json` is the whole response.
#[repr(C)]
#[derive(StableAbi)]
pub struct HttpHandleResult {
    pub handle: usize,
    pub head_json: RString,
}

/// The four cluster acquire slots' answer.
#[repr(C)]
#[derive(StableAbi)]
pub struct LeaseHandle {
    pub handle: usize,
    pub error_json: RString,
    pub fencing_token: u64,
    pub expires_at: RString,
}

/// The host's reply to one dispatched transport message; the plugin owns and drops it.
#[repr(C)]
#[derive(StableAbi)]
pub struct DispatcherCallbackResult {
    pub reply_json: RString,
}

/// The host's dispatcher handed to transport.start; the plugin calls it from its own threads.
#[repr(C)]
#[derive(StableAbi, Clone, Copy)]
pub struct DispatcherCallbackRef {
    pub ctx: usize,
    pub dispatch: extern "C" fn(
        ctx: usize,
        session_id: RString,
        message_json: RString,
    ) -> DispatcherCallbackResult,
}

#[repr(C)]
#[derive(StableAbi)]
pub struct BackendVTable {
    pub make: extern "C" fn(
        host: HostHandleRef,
        config_json: RString,
        inner_name: RString,
    ) -> RPluginHandle,
    pub manifest_json: extern "C" fn(handle: RPluginHandle) -> RString,
    pub kind: extern "C" fn(handle: RPluginHandle) -> RString,
    pub register_profile:
        extern "C" fn(handle: RPluginHandle, backend_name: RString, spec_json: RString) -> RString,
    pub execute: extern "C" fn(
        handle: RPluginHandle,
        backend_name: RString,
        request_json: RString,
    ) -> RString,
    pub execute_streaming: extern "C" fn(
        handle: RPluginHandle,
        backend_name: RString,
        request_json: RString,
        sink: EventSinkRef,
    ) -> StreamHandle,
    pub cancel_stream: extern "C" fn(handle: RPluginHandle, token: usize),
    pub execute_transaction: extern "C" fn(
        handle: RPluginHandle,
        backend_name: RString,
        tx_group_json: RString,
    ) -> RString,
    pub input_schema_json:
        extern "C" fn(handle: RPluginHandle, backend_name: RString) -> ROption<RString>,
    pub output_schema_json:
        extern "C" fn(handle: RPluginHandle, backend_name: RString) -> ROption<RString>,
    pub complete_template_variable:
        extern "C" fn(handle: RPluginHandle, args_json: RString) -> RString,
    pub list_resources: extern "C" fn(
        handle: RPluginHandle,
        backend_name: RString,
        cursor: ROption<RString>,
    ) -> RString,
    pub audit_metadata: extern "C" fn(handle: RPluginHandle, args_json: RString) -> RString,
    pub expand_capabilities: extern "C" fn(handle: RPluginHandle) -> RString,
    pub shutdown: extern "C" fn(handle: RPluginHandle),
    pub drop_instance: extern "C" fn(handle: RPluginHandle),
}

#[repr(C)]
#[derive(StableAbi)]
pub struct WatchStrategyVTable {
    pub make: extern "C" fn(
        host: HostHandleRef,
        config_json: RString,
        inner_name: RString,
    ) -> RPluginHandle,
    pub manifest_json: extern "C" fn(handle: RPluginHandle) -> RString,
    pub kind: extern "C" fn(handle: RPluginHandle) -> RString,
    pub watch: extern "C" fn(
        handle: RPluginHandle,
        uri: RString,
        spec_json: RString,
        sink: EventSinkRef,
    ) -> StreamHandle,
    pub cancel: extern "C" fn(handle: RPluginHandle, token: usize),
    pub shutdown: extern "C" fn(handle: RPluginHandle),
    pub drop_instance: extern "C" fn(handle: RPluginHandle),
}

#[repr(C)]
#[derive(StableAbi)]
pub struct HttpRouteVTable {
    pub make: extern "C" fn(
        host: HostHandleRef,
        config_json: RString,
        inner_name: RString,
    ) -> RPluginHandle,
    pub manifest_json: extern "C" fn(handle: RPluginHandle) -> RString,
    pub routes_json: extern "C" fn(handle: RPluginHandle) -> RString,
    pub handle: extern "C" fn(handle: RPluginHandle, args_json: RString) -> RString,
    pub handle_streaming: extern "C" fn(
        handle: RPluginHandle,
        request_json: RString,
        sink: EventSinkRef,
        bytes_sink: BytesSinkRef,
    ) -> HttpHandleResult,
    pub cancel_stream: extern "C" fn(handle: RPluginHandle, token: usize),
    pub shutdown: extern "C" fn(handle: RPluginHandle),
    pub drop_instance: extern "C" fn(handle: RPluginHandle),
}

#[repr(C)]
#[derive(StableAbi)]
pub struct AuditSinkVTable {
    pub make: extern "C" fn(
        host: HostHandleRef,
        config_json: RString,
        inner_name: RString,
    ) -> RPluginHandle,
    pub manifest_json: extern "C" fn(handle: RPluginHandle) -> RString,
    pub emit: extern "C" fn(handle: RPluginHandle, args_json: RString) -> RString,
    pub flush: extern "C" fn(handle: RPluginHandle, timeout_ms: u64) -> RString,
    pub shutdown: extern "C" fn(handle: RPluginHandle),
    pub drop_instance: extern "C" fn(handle: RPluginHandle),
}

#[repr(C)]
#[derive(StableAbi)]
pub struct StoreVTable {
    pub make: extern "C" fn(
        host: HostHandleRef,
        config_json: RString,
        inner_name: RString,
    ) -> RPluginHandle,
    pub manifest_json: extern "C" fn(handle: RPluginHandle) -> RString,
    pub supported_roles_json: extern "C" fn(handle: RPluginHandle) -> RString,
    pub get: extern "C" fn(handle: RPluginHandle, args_json: RString) -> RString,
    pub put: extern "C" fn(handle: RPluginHandle, args_json: RString) -> RString,
    pub delete: extern "C" fn(handle: RPluginHandle, args_json: RString) -> RString,
    pub list: extern "C" fn(handle: RPluginHandle, args_json: RString) -> RString,
    pub compare_and_swap: extern "C" fn(handle: RPluginHandle, args_json: RString) -> RString,
    pub append: extern "C" fn(handle: RPluginHandle, args_json: RString) -> RString,
    pub watch:
        extern "C" fn(handle: RPluginHandle, args: RString, sink: EventSinkRef) -> StreamHandle,
    pub cancel_watch: extern "C" fn(handle: RPluginHandle, token: usize),
    pub shutdown: extern "C" fn(handle: RPluginHandle),
    pub drop_instance: extern "C" fn(handle: RPluginHandle),
}

#[repr(C)]
#[derive(StableAbi)]
pub struct SecretProviderVTable {
    pub make: extern "C" fn(
        host: HostHandleRef,
        config_json: RString,
        inner_name: RString,
    ) -> RPluginHandle,
    pub manifest_json: extern "C" fn(handle: RPluginHandle) -> RString,
    pub supported_schemes_json: extern "C" fn(handle: RPluginHandle) -> RString,
    pub get: extern "C" fn(handle: RPluginHandle, args_json: RString) -> RString,
    pub watch:
        extern "C" fn(handle: RPluginHandle, args: RString, sink: EventSinkRef) -> StreamHandle,
    pub cancel_watch: extern "C" fn(handle: RPluginHandle, token: usize),
    pub shutdown: extern "C" fn(handle: RPluginHandle),
    pub drop_instance: extern "C" fn(handle: RPluginHandle),
}

#[repr(C)]
#[derive(StableAbi)]
pub struct ClusterVTable {
    pub make: extern "C" fn(
        host: HostHandleRef,
        config_json: RString,
        inner_name: RString,
    ) -> RPluginHandle,
    pub manifest_json: extern "C" fn(handle: RPluginHandle) -> RString,
    pub node_info: extern "C" fn(handle: RPluginHandle) -> RString,
    pub list_peers: extern "C" fn(handle: RPluginHandle) -> RString,
    pub publish: extern "C" fn(handle: RPluginHandle, args_json: RString) -> RString,
    pub subscribe:
        extern "C" fn(handle: RPluginHandle, args: RString, sink: EventSinkRef) -> StreamHandle,
    pub watch_peers: extern "C" fn(handle: RPluginHandle, sink: EventSinkRef) -> StreamHandle,
    pub cancel_stream: extern "C" fn(handle: RPluginHandle, token: usize),
    pub acquire_leadership: extern "C" fn(handle: RPluginHandle, args_json: RString) -> LeaseHandle,
    pub acquire_lock: extern "C" fn(handle: RPluginHandle, args_json: RString) -> LeaseHandle,
    pub try_acquire_leadership:
        extern "C" fn(handle: RPluginHandle, args_json: RString) -> LeaseHandle,
    pub try_acquire_lock: extern "C" fn(handle: RPluginHandle, args_json: RString) -> LeaseHandle,
    pub lease_renew: extern "C" fn(handle: RPluginHandle, token: usize) -> RString,
    pub lease_release: extern "C" fn(handle: RPluginHandle, token: usize) -> RString,
    pub lease_drop: extern "C" fn(handle: RPluginHandle, token: usize),
    pub kv_get: extern "C" fn(handle: RPluginHandle, args_json: RString) -> RString,
    pub kv_put: extern "C" fn(handle: RPluginHandle, args_json: RString) -> RString,
    pub kv_put_if_absent: extern "C" fn(handle: RPluginHandle, args_json: RString) -> RString,
    pub kv_delete: extern "C" fn(handle: RPluginHandle, args_json: RString) -> RString,
    pub kv_list_prefix: extern "C" fn(handle: RPluginHandle, args_json: RString) -> RString,
    pub kv_expire: extern "C" fn(handle: RPluginHandle, args_json: RString) -> RString,
    pub shutdown: extern "C" fn(handle: RPluginHandle),
    pub drop_instance: extern "C" fn(handle: RPluginHandle),
}

#[repr(C)]
#[derive(StableAbi)]
pub struct TransportVTable {
    pub make: extern "C" fn(
        host: HostHandleRef,
        config_json: RString,
        inner_name: RString,
    ) -> RPluginHandle,
    pub manifest_json: extern "C" fn(handle: RPluginHandle) -> RString,
    pub name: extern "C" fn(handle: RPluginHandle) -> RString,
    pub start: extern "C" fn(
        handle: RPluginHandle,
        listener_config_json: RString,
        dispatcher: DispatcherCallbackRef,
    ) -> StreamHandle,
    pub transport_handle_close: extern "C" fn(handle: RPluginHandle, token: usize),
    pub transport_handle_drop: extern "C" fn(handle: RPluginHandle, token: usize),
    pub transport_handle_listen_address:
        extern "C" fn(handle: RPluginHandle, token: usize) -> RString,
    pub shutdown: extern "C" fn(handle: RPluginHandle),
    pub drop_instance: extern "C" fn(handle: RPluginHandle),
}

/// What `mcpg_plugin_register` returns by value (through sret: 240 bytes).
#[repr(C)]
#[derive(StableAbi)]
pub struct PluginRegistration {
    pub abi_version: u32,
    pub plugin_id: RString,
    pub plugin_version: RString,
    pub module_path_prefix: RString,
    pub entities: RVec<EntityRegistration>,
    pub capabilities: RVec<TypedCapabilityDecl>,
    pub backend_profile_json: ROption<RString>,
    pub descriptor_yaml: RString,
}

impl PluginRegistration {
    /// The registration the host must refuse: what a panicking register body yields.
    pub fn panicked() -> Self {
        Self {
            abi_version: ABI_PANIC_SENTINEL,
            plugin_id: RString::new(),
            plugin_version: RString::new(),
            module_path_prefix: RString::new(),
            entities: RVec::new(),
            capabilities: RVec::new(),
            backend_profile_json: ROption::RNone,
            descriptor_yaml: RString::new(),
        }
    }
}

// ---- Layout pins (docs/native-abi.md §2). A mismatch fails the build, not the harness. ----

use core::mem::{MaybeUninit, align_of, offset_of, size_of};

macro_rules! assert_layout {
    ($ty:ty, size $size:expr $(, $field:tt @ $off:expr)* $(,)?) => {
        const _: () = {
            assert!(size_of::<$ty>() == $size);
            assert!(align_of::<$ty>() == 8);
            $( assert!(offset_of!($ty, $field) == $off); )*
        };
    };
}

assert_layout!(RString, size 32);
assert_layout!(RVec<RString>, size 32);
assert_layout!(RStr<'static>, size 16);
assert_layout!(ROption<RString>, size 40);
assert_layout!(ROption<RStr<'static>>, size 24);
assert_layout!(Tuple2<RString, RString>, size 64, 0 @ 0, 1 @ 32);
assert_layout!(RKeyValue, size 64, key @ 0, value @ 32);
assert_layout!(TypedCapabilityDecl, size 64, kind @ 0, args_json @ 32);
assert_layout!(RPluginIdentity, size 312,
    kind @ 0, trust_level @ 32, subject_id @ 64, auth_provider @ 104, issuer @ 144,
    roles @ 184, groups @ 216, scopes @ 248, attributes @ 280);
assert_layout!(RPluginContext, size 480,
    request_id @ 0, session_id @ 32, tool_name @ 72, surface @ 104, identity @ 136, transport @ 448);
assert_layout!(HostServicesVTable, size 144,
    resolve_secret @ 0, metric_emit @ 32, cluster @ 40, alias @ 72, invoke_tool @ 112,
    host_unsubscribe @ 136);
assert_layout!(HostHandleRef, size 152, ctx @ 0, vtable @ 8);
assert_layout!(ClusterClientRef, size 192, handle @ 0, vtable @ 8);
assert_layout!(ROption<ClusterClientRef>, size 200);
assert_layout!(ToolGateVTable, size 48, evaluate_pre_dispatch @ 16, drop_instance @ 40);
assert_layout!(TransformVTable, size 48, transform_arguments @ 16, drop_instance @ 40);
assert_layout!(IdentityProviderVTable, size 40, resolve_identity @ 16, drop_instance @ 32);
assert_layout!(RGateDecision, size 168);
assert_layout!(RTransformResult, size 40);
assert_layout!(RIdentityResolution, size 320);
assert_layout!(EventSinkRef, size 16, ctx @ 0, callback @ 8);
assert_layout!(BytesSinkRef, size 16, ctx @ 0, callback @ 8);
assert_layout!(DispatcherCallbackRef, size 16, ctx @ 0, dispatch @ 8);
assert_layout!(DispatcherCallbackResult, size 32, reply_json @ 0);
assert_layout!(StreamHandle, size 72, handle @ 0, error_json @ 8, metadata_json @ 40);
assert_layout!(HttpHandleResult, size 40, handle @ 0, head_json @ 8);
assert_layout!(LeaseHandle, size 80, handle @ 0, error_json @ 8, fencing_token @ 40, expires_at @ 48);
assert_layout!(BackendVTable, size 128, execute_streaming @ 40, cancel_stream @ 48,
    complete_template_variable @ 80, list_resources @ 88, drop_instance @ 120);
assert_layout!(WatchStrategyVTable, size 56, watch @ 24, cancel @ 32, drop_instance @ 48);
assert_layout!(HttpRouteVTable, size 64, handle_streaming @ 32, cancel_stream @ 40, drop_instance @ 56);
assert_layout!(AuditSinkVTable, size 48, emit @ 16, flush @ 24, drop_instance @ 40);
assert_layout!(StoreVTable, size 104, get @ 24, append @ 64, watch @ 72, cancel_watch @ 80,
    drop_instance @ 96);
assert_layout!(SecretProviderVTable, size 64, get @ 24, watch @ 32, cancel_watch @ 40,
    drop_instance @ 56);
assert_layout!(ClusterVTable, size 184, subscribe @ 40, cancel_stream @ 56, lease_drop @ 112,
    kv_get @ 120, kv_expire @ 160, drop_instance @ 176);
assert_layout!(TransportVTable, size 72, start @ 24, transport_handle_listen_address @ 48,
    drop_instance @ 64);
assert_layout!(EntityRegistration, size 224);
assert_layout!(PluginRegistration, size 240,
    abi_version @ 0, plugin_id @ 8, plugin_version @ 40, module_path_prefix @ 72, entities @ 104,
    capabilities @ 136, backend_profile_json @ 168, descriptor_yaml @ 208);

/// Byte offset of a field inside a value, evaluated at compile time (offset_of! cannot name
/// enum variant fields on stable Rust).
const fn byte_offset<T, F>(base: &T, field: &F) -> usize {
    // SAFETY: `field` borrows from inside `base`, so both pointers lie in one allocation.
    unsafe {
        (field as *const F)
            .cast::<u8>()
            .offset_from((base as *const T).cast::<u8>()) as usize
    }
}

/// Variant field offsets of the `#[repr(u8)]` enums: each variant is a repr(C) struct that
/// starts with the tag, so `Deny.http_status` sits at 2, not 8.
const _: () = {
    let deny = MaybeUninit::new(RGateDecision::Deny {
        http_status: 0,
        code: 0,
        message: RString::new(),
        error_data_json: ROption::RNone,
    });
    // SAFETY: initialised just above; MaybeUninit keeps const eval from running a destructor.
    let deny = unsafe { &*deny.as_ptr() };
    if let RGateDecision::Deny {
        http_status,
        code,
        message,
        error_data_json,
    } = deny
    {
        assert!(byte_offset(deny, http_status) == 2);
        assert!(byte_offset(deny, code) == 4);
        assert!(byte_offset(deny, message) == 8);
        assert!(byte_offset(deny, error_data_json) == 40);
    }
    let allow = MaybeUninit::new(RGateDecision::Allow {
        modified_arguments_json: ROption::RNone,
        modified_result_json: ROption::RNone,
        metadata_json: ROption::RNone,
    });
    // SAFETY: as above.
    let allow = unsafe { &*allow.as_ptr() };
    if let RGateDecision::Allow {
        modified_arguments_json,
        modified_result_json,
        metadata_json,
    } = allow
    {
        assert!(byte_offset(allow, modified_arguments_json) == 8);
        assert!(byte_offset(allow, modified_result_json) == 48);
        assert!(byte_offset(allow, metadata_json) == 88);
    }
    let pending = MaybeUninit::new(RGateDecision::PendingApproval {
        approval_id: RString::new(),
        deadline_at: RString::new(),
        summary: RString::new(),
        target_notifiers_json: RString::new(),
        metadata_json: RString::new(),
    });
    // SAFETY: as above.
    let pending = unsafe { &*pending.as_ptr() };
    if let RGateDecision::PendingApproval {
        approval_id,
        metadata_json,
        ..
    } = pending
    {
        assert!(byte_offset(pending, approval_id) == 8);
        assert!(byte_offset(pending, metadata_json) == 136);
    }
    let invalid = MaybeUninit::new(RIdentityResolution::Invalid {
        reason: RString::new(),
        response_headers: RVec::new(),
    });
    // SAFETY: as above.
    let invalid = unsafe { &*invalid.as_ptr() };
    if let RIdentityResolution::Invalid {
        reason,
        response_headers,
    } = invalid
    {
        assert!(byte_offset(invalid, reason) == 8);
        assert!(byte_offset(invalid, response_headers) == 40);
    }
    let resolved = MaybeUninit::new(RIdentityResolution::Resolved {
        identity: RPluginIdentity {
            kind: RString::new(),
            trust_level: RString::new(),
            subject_id: ROption::RNone,
            auth_provider: ROption::RNone,
            issuer: ROption::RNone,
            roles: RVec::new(),
            groups: RVec::new(),
            scopes: RVec::new(),
            attributes: RVec::new(),
        },
    });
    // SAFETY: as above.
    let resolved = unsafe { &*resolved.as_ptr() };
    if let RIdentityResolution::Resolved { identity } = resolved {
        assert!(byte_offset(resolved, identity) == 8);
    }
    let content = MaybeUninit::new(EntityRegistration::ContentStore {
        inner_name: RString::new(),
        vtable: [0; 12],
    });
    // SAFETY: as above.
    let content = unsafe { &*content.as_ptr() };
    if let EntityRegistration::ContentStore { inner_name, vtable } = content {
        assert!(byte_offset(content, inner_name) == 8);
        assert!(byte_offset(content, vtable) == 40);
    }
    let modified = MaybeUninit::new(RTransformResult::Modified {
        value_json: RString::new(),
    });
    // SAFETY: as above.
    let modified = unsafe { &*modified.as_ptr() };
    if let RTransformResult::Modified { value_json } = modified {
        assert!(byte_offset(modified, value_json) == 8);
    }
};
