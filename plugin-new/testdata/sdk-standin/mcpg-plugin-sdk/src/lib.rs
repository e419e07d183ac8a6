//! Stand-in for `mcpg-plugin-sdk` v0.1.0-beta.14, for `cargo check` of scaffolded crates in CI
//! (which cannot reach the SDK's repositories). Same module paths, names, trait methods (required
//! vs defaulted), constructors, MockGateway methods and macro grammar as the real crate, written
//! from its signatures; bodies are placeholders except `fail_closed_config!`. See ../README.md.

pub mod adapters;
pub mod config;
pub mod declare_plugin;
pub mod ffi;
pub mod host_handle;
pub mod testing;

pub use adapters::SyncToolGateAdapter;
pub use host_handle::{HostHandle, MetricPoint, SpanGuard};
pub use mcpg_plugin_protocol;

/// What `register_static()` registers into. Only with the `static-firstparty` feature, as the
/// real crate re-exports `mcpg_plugin_host` only then.
#[cfg(feature = "static-firstparty")]
pub mod plugin_host {
    use mcpg_plugin_protocol::capability::Capability;

    pub struct FirstPartyRegistrar {
        _private: (),
    }

    impl FirstPartyRegistrar {
        pub fn register<H, F>(
            &mut self,
            descriptor_yaml: &str,
            granted: &[Capability],
            host: H,
            register_fn: F,
        ) -> crate::anyhow::Result<()>
        where
            F: FnOnce(&mut PluginRegistry, H) -> crate::anyhow::Result<()>,
        {
            let _ = (descriptor_yaml, granted, host, register_fn);
            unimplemented!()
        }
    }

    /// The real registry has one `register_<kind>_with_alias` per kind; the stand-in takes any
    /// adapter.
    pub struct PluginRegistry {
        _private: (),
    }

    impl PluginRegistry {
        pub fn register_entity<P: Send + Sync + 'static>(
            &mut self,
            alias: Option<String>,
            plugin: P,
        ) -> crate::anyhow::Result<()> {
            let _ = (alias, plugin);
            unimplemented!()
        }
    }
}

/// The `anyhow::Result` that `register_static()` returns.
#[cfg(feature = "static-firstparty")]
pub mod anyhow {
    #[derive(Debug)]
    pub struct Error(pub String);

    pub type Result<T, E = Error> = std::result::Result<T, E>;
}
