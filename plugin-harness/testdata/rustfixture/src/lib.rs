//! A native MCPG plugin (ABI v2) built on abi_stable, for the plugin-harness tests. It registers a
//! tool_gate, a transform and an identity_provider whose behaviour is fixed by
//! `../fixtures.md`; the C fixture in `../fixture/` behaves the same, so both run the same tests.
//! Built with FIXTURE_ENTITIES=kinds it also registers one entity per kind group the harness
//! drives by a call plan, with real threads behind the callbacks (kinds/mod.rs).
//! Unlike the C fixture, every string, vector and the exported TypeLayout here come from
//! abi_stable itself.

mod abi;
mod context;
mod gate;
mod host;
mod identity;
mod instance;
mod kinds;
mod transform;

use abi_stable::StableAbi;
use abi_stable::std_types::{ROption, RString, RVec};
use abi_stable::type_layout::TypeLayout;

use abi::{ABI_VERSION, EntityRegistration, PluginRegistration, TypedCapabilityDecl};

/// The descriptor build.rs picked from FIXTURE_DESCRIPTOR (empty for `none`).
const DESCRIPTOR_YAML: &str = include_str!(concat!(env!("OUT_DIR"), "/descriptor.yaml"));

// WITH_KINDS: whether build.rs was asked for the kinds entities (FIXTURE_ENTITIES=kinds).
include!(concat!(env!("OUT_DIR"), "/entities.rs"));

const PLUGIN_ID: &str = "com.example.fixture";

fn registration() -> PluginRegistration {
    let mut entities = vec![
        EntityRegistration::ToolGate {
            inner_name: RString::from("gate"),
            vtable: gate::vtable(),
        },
        EntityRegistration::Transform {
            inner_name: RString::from("xf"),
            vtable: transform::vtable(),
        },
        EntityRegistration::IdentityProvider {
            inner_name: RString::from("idp"),
            vtable: identity::vtable(),
        },
    ];
    if WITH_KINDS {
        entities.extend(kind_entities());
    }
    let capabilities = vec![TypedCapabilityDecl {
        kind: RString::from("audit_write"),
        args_json: RString::new(),
    }];
    PluginRegistration {
        abi_version: ABI_VERSION,
        plugin_id: RString::from(PLUGIN_ID),
        plugin_version: RString::from(instance::PLUGIN_VERSION),
        module_path_prefix: RString::from(module_path!()),
        entities: RVec::from(entities),
        capabilities: RVec::from(capabilities),
        backend_profile_json: ROption::RNone,
        descriptor_yaml: RString::from(DESCRIPTOR_YAML),
    }
}

/// The `kinds` build's entities, after the Tier-1 three.
fn kind_entities() -> Vec<EntityRegistration> {
    let name = RString::from;
    vec![
        EntityRegistration::AuditSink {
            inner_name: name("audit"),
            vtable: kinds::audit::vtable(),
        },
        EntityRegistration::SecretProvider {
            inner_name: name("secret"),
            vtable: kinds::secret::vtable(),
        },
        EntityRegistration::Store {
            inner_name: name("store"),
            vtable: kinds::store::vtable(),
        },
        EntityRegistration::Backend {
            inner_name: name("backend"),
            vtable: kinds::backend::vtable(),
        },
        EntityRegistration::WatchStrategy {
            inner_name: name("watch"),
            vtable: kinds::watch::vtable(),
        },
        EntityRegistration::HttpRoute {
            inner_name: name("route"),
            vtable: kinds::http_route::vtable(),
        },
        EntityRegistration::Cluster {
            inner_name: name("cluster"),
            vtable: kinds::cluster::vtable(),
        },
        EntityRegistration::Transport {
            inner_name: name("transport"),
            vtable: kinds::transport::vtable(),
        },
    ]
}

/// Entry point the host calls after checking the layout. Builds fresh strings on every call.
#[unsafe(no_mangle)]
pub extern "C" fn mcpg_plugin_register() -> PluginRegistration {
    instance::guard(registration, PluginRegistration::panicked)
}

/// abi_stable's own description of `PluginRegistration`, for the host's layout check.
#[unsafe(no_mangle)]
pub extern "C" fn mcpg_plugin_abi_layout() -> &'static TypeLayout {
    <PluginRegistration as StableAbi>::LAYOUT
}
