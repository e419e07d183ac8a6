//! A native MCPG plugin (ABI v2) built on abi_stable, for the plugin-harness tests. It registers a
//! tool_gate, a transform and an identity_provider whose behaviour is fixed by
//! `../fixtures.md`; the C fixture in `../fixture/` behaves the same, so both run the same tests.
//! Unlike the C fixture, every string, vector and the exported TypeLayout here come from
//! abi_stable itself.

mod abi;
mod context;
mod gate;
mod host;
mod identity;
mod instance;
mod transform;

use abi_stable::StableAbi;
use abi_stable::std_types::{ROption, RString, RVec};
use abi_stable::type_layout::TypeLayout;

use abi::{ABI_VERSION, EntityRegistration, PluginRegistration, TypedCapabilityDecl};

/// The descriptor build.rs picked from FIXTURE_DESCRIPTOR (empty for `none`).
const DESCRIPTOR_YAML: &str = include_str!(concat!(env!("OUT_DIR"), "/descriptor.yaml"));

const PLUGIN_ID: &str = "com.example.fixture";

fn registration() -> PluginRegistration {
    let entities = vec![
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
