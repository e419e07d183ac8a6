//! `declare_plugin!` with the real grammar: the same keys in the same order (`capabilities` and
//! `backend_profile` optional), one `<keyword> as <module> { inner_name, plugin_type, factory }`
//! arm per entity, any of the 21 keywords.
//!
//! What the expansion checks, as the real one does:
//! - `plugin_type` implements the keyword's `ffi::Sync*` trait;
//! - `factory` is callable as `(config: &str, HostHandle) -> plugin_type`;
//! - `inner_name` converts into a `String` (and, for `register_static`, is a `&str`),
//!   `capabilities` iterates `Capability` values, `backend_profile` is a `BackendProfile`;
//! - the invoking crate depends on `mcpg_plugin_protocol` and `serde_json` directly, on `serde`
//!   for the kinds whose real expansion derives serde traits, and on `mcpg_cluster_api` for
//!   `cluster_backend`;
//! - an unknown keyword is a `compile_error!`, and so are `cluster_backend` and `transport` once
//!   the invoking crate enables its `static-firstparty` feature;
//! - `cfg(feature = "cdylib-export")` and `cfg(feature = "static-firstparty")` are evaluated in
//!   the invoking crate, so a crate that does not declare them gets rustc's `unexpected_cfgs`
//!   warning, and a static-capable crate whose `static-firstparty` does not turn on the SDK's
//!   fails to find `plugin_host`.
//!
//! It emits `pub const DESCRIPTOR_YAML`, one `pub mod <module>` per entity, and the
//! feature-gated entry points (`mcpg_plugin_register`, `mcpg_plugin_abi_layout`,
//! `register_static`); none of it does anything when called.

#[macro_export]
macro_rules! declare_plugin {
    (
        plugin_id: $id:expr,
        plugin_version: $version:expr,
        descriptor_yaml: $descriptor:expr,
        $( capabilities: $caps:expr, )?
        $( backend_profile: $backend_profile:expr, )?
        entities: [
            $(
                $kind:ident as $mod_name:ident {
                    inner_name: $inner:expr,
                    plugin_type: $ty:ty,
                    factory: $factory:expr $(,)?
                }
            ),+ $(,)?
        ] $(,)?
    ) => {
        /// plugin.yaml, embedded in the binary.
        pub const DESCRIPTOR_YAML: &str = $descriptor;

        $(
            #[doc(hidden)]
            pub mod $mod_name {
                use super::*;
                $crate::__mcpg_entity! { $kind, $ty, $factory }
            }
        )+

        /// The loader's entry point.
        #[cfg(feature = "cdylib-export")]
        #[unsafe(no_mangle)]
        pub extern "C" fn mcpg_plugin_register() -> ::mcpg_plugin_protocol::abi::PluginRegistration {
            let _plugin_id = ::std::string::String::from($id);
            let _plugin_version = ::std::string::String::from($version);
            let _module_path_prefix: &str = ::std::module_path!();
            let _descriptor_yaml: &str = DESCRIPTOR_YAML;
            let mut entity_count = 0usize;
            $(
                let _inner_name = ::std::string::String::from($inner);
                let _make: fn(&str, $crate::HostHandle) -> ::mcpg_plugin_protocol::abi::RPluginHandle =
                    $mod_name::make;
                entity_count += 1;
            )+
            #[allow(unused_mut)]
            let mut capability_count = 0usize;
            $(
                for capability in $caps.iter() {
                    let _: &::mcpg_plugin_protocol::capability::Capability = capability;
                    capability_count += 1;
                }
            )?
            #[allow(unused_mut, unused_assignments)]
            let mut has_backend_profile = false;
            $(
                let _profile: ::mcpg_plugin_protocol::manifest::BackendProfile = $backend_profile;
                has_backend_profile = true;
            )?
            ::mcpg_plugin_protocol::abi::PluginRegistration {
                entity_count,
                capability_count,
                has_backend_profile,
            }
        }

        /// The loader's layout check.
        #[cfg(feature = "cdylib-export")]
        #[unsafe(no_mangle)]
        pub extern "C" fn mcpg_plugin_abi_layout() -> ::mcpg_plugin_protocol::abi::AbiLayoutPtr {
            ::mcpg_plugin_protocol::abi::plugin_registration_layout()
        }

        /// Registration for gateways that link the plugin in.
        #[cfg(feature = "static-firstparty")]
        pub fn register_static(
            registrar: &mut $crate::plugin_host::FirstPartyRegistrar,
            granted: &[::mcpg_plugin_protocol::capability::Capability],
            host: $crate::HostHandle,
        ) -> $crate::anyhow::Result<()> {
            registrar.register(DESCRIPTOR_YAML, granted, host, |registry, host| {
                $(
                    $crate::__mcpg_register_static!($kind, $mod_name, $inner, $id, registry, host);
                )+
                Ok(())
            })
        }
    };
}

/// One entity module's items, by keyword.
#[macro_export]
#[doc(hidden)]
macro_rules! __mcpg_entity {
    (tool_gate, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(SyncToolGate, [SyncToolGateAdapter], $ty, $factory);
    };
    (transform, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(SyncTransform, [SyncTransformAdapter], $ty, $factory);
    };
    (identity, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(SyncIdentityResolver, [SyncIdentityAdapter], $ty, $factory);
    };
    (backend, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(SyncBackendPlugin, [SyncBackendPluginAdapter], $ty, $factory);
    };
    (watch_strategy, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(
            SyncWatchStrategyPlugin,
            [SyncWatchStrategyAdapter],
            $ty,
            $factory
        );
    };
    (http_route, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(SyncHttpRoute, [SyncHttpRouteAdapter], $ty, $factory);
    };
    (audit_sink, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(SyncAuditSink, [SyncAuditSinkAdapter], $ty, $factory);
    };
    (log_sink, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(SyncLogSink, [SyncLogSinkAdapter], $ty, $factory);
    };
    (metrics_sink, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(SyncMetricsSink, [SyncMetricsSinkAdapter], $ty, $factory);
    };
    (telemetry_sink, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(SyncTelemetrySink, [SyncTelemetrySinkAdapter], $ty, $factory);
    };
    (store, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(SyncStorePlugin, [SyncStorePluginAdapter], $ty, $factory);
        $crate::__mcpg_serde_wire!();
    };
    (cache, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(SyncCachePlugin, [SyncCachePluginAdapter], $ty, $factory);
        $crate::__mcpg_serde_wire!();
    };
    (secret_provider, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(
            SyncSecretProvider,
            [SyncSecretProviderAdapter],
            $ty,
            $factory
        );
    };
    (config_provider, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(
            SyncConfigProvider,
            [SyncConfigProviderAdapter],
            $ty,
            $factory
        );
    };
    (policy_engine, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(SyncPolicyEngine, [SyncPolicyEngineAdapter], $ty, $factory);
        $crate::__mcpg_serde_wire!();
    };
    (approval_notifier, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(
            SyncApprovalNotifier,
            [SyncApprovalNotifierAdapter],
            $ty,
            $factory
        );
    };
    (credential_issuer, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(
            SyncCredentialIssuer,
            [SyncCredentialIssuerAdapter],
            $ty,
            $factory
        );
        $crate::__mcpg_serde_wire!();
    };
    (catalog_provider, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(
            SyncCatalogProvider,
            [SyncCatalogProviderAdapter],
            $ty,
            $factory
        );
        $crate::__mcpg_serde_wire!();
    };
    (content_store, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(SyncContentStore, [SyncContentStoreAdapter], $ty, $factory);
        $crate::__mcpg_serde_wire!();
    };
    (cluster_backend, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(SyncClusterBackend, [], $ty, $factory);
        $crate::__mcpg_serde_wire!();
        #[doc(hidden)]
        pub type ClusterError = ::mcpg_cluster_api::ClusterError;
    };
    (transport, $ty:ty, $factory:expr) => {
        $crate::__mcpg_entity_items!(SyncTransport, [], $ty, $factory);
    };
    ($other:ident, $($rest:tt)*) => {
        ::std::compile_error!(::std::concat!(
            "declare_plugin!: `",
            ::std::stringify!($other),
            "` is not an entity kind; use one of tool_gate, transform, identity, backend, \
             watch_strategy, http_route, audit_sink, log_sink, metrics_sink, telemetry_sink, \
             store, cache, secret_provider, config_provider, policy_engine, approval_notifier, \
             credential_issuer, catalog_provider, content_store, cluster_backend, transport"
        ));
    };
}

#[macro_export]
#[doc(hidden)]
macro_rules! __mcpg_entity_items {
    ($sync_trait:ident, [$($adapter:ident)?], $ty:ty, $factory:expr) => {
        /// The loader's `make` slot: the factory must take `(&str, HostHandle)`.
        pub fn make(
            config_json: &str,
            host: $crate::HostHandle,
        ) -> ::mcpg_plugin_protocol::abi::RPluginHandle {
            $crate::ffi::boxed_make_with_host::<$ty, _>(config_json, host, $factory)
        }

        /// The loader's `manifest_json` slot: the type must implement the keyword's trait.
        pub fn manifest_json(plugin: &$ty) -> ::std::string::String {
            let manifest = <$ty as $crate::ffi::$sync_trait>::manifest(plugin);
            ::serde_json::to_string(manifest).unwrap_or_default()
        }

        $(
            /// The plugin behind its async adapter, for `register_static`.
            #[cfg(feature = "static-firstparty")]
            pub fn build_static(
                config_json: &str,
                host: $crate::HostHandle,
            ) -> $crate::adapters::$adapter<$ty> {
                let factory = $factory;
                let inner: $ty = factory(config_json, host);
                $crate::adapters::$adapter::new(inner)
            }
        )?
    };
}

/// The real expansion of these kinds derives serde traits in the invoking crate.
#[macro_export]
#[doc(hidden)]
macro_rules! __mcpg_serde_wire {
    () => {
        #[doc(hidden)]
        #[derive(::serde::Deserialize)]
        pub struct WireKey {
            pub key: ::std::string::String,
        }
    };
}

#[macro_export]
#[doc(hidden)]
macro_rules! __mcpg_register_static {
    (cluster_backend, $($rest:tt)*) => {
        ::std::compile_error!(
            "declare_plugin!: a cluster_backend entity cannot be registered statically; \
             build it as a cdylib only (leave the static-firstparty feature off)"
        )
    };
    (transport, $($rest:tt)*) => {
        ::std::compile_error!(
            "declare_plugin!: a transport entity cannot be registered statically; \
             build it as a cdylib only (leave the static-firstparty feature off)"
        )
    };
    ($kind:ident, $mod:ident, $inner:expr, $id:expr, $registry:ident, $host:ident) => {{
        let inner_name: &str = $inner;
        let alias: ::std::option::Option<::std::string::String> = if inner_name.is_empty() {
            ::std::option::Option::None
        } else {
            ::std::option::Option::Some(::std::format!("{}:{}", $id, inner_name))
        };
        $registry.register_entity(alias, $mod::build_static("", $host.clone()))?
    }};
}
