//! transform-plugin: the results of ../../fixtures.md §transform.

wit_bindgen::generate!({
    path: "../wit/plugin.wit",
    world: "transform-plugin",
});

use exports::mcpg::plugin::transform::Guest;
use mcpg::plugin::types::{PluginContext, PluginManifest, TransformResult};

struct Transform;

impl Guest for Transform {
    fn manifest() -> PluginManifest {
        let m = crate::manifest(
            "com.example.wasm-transform",
            "Wasm Fixture Transform",
            "transform",
        );
        PluginManifest {
            id: m.id,
            version: m.version,
            name: m.name,
            plugin_class: m.class,
            protocol_version: m.protocol,
        }
    }

    fn transform_arguments(
        ctx: PluginContext,
        arguments: String,
        _config: String,
    ) -> TransformResult {
        crate::misbehave("transform-arguments");
        match ctx.tool_name.as_str() {
            "xf.fail" => TransformResult::Error("cannot transform xf.fail".to_string()),
            "xf.badjson" => TransformResult::Modified("not json".to_string()),
            _ => {
                // The gateway hands over compact JSON, so an object starts with '{' and an empty
                // one is exactly "{}": add a member in front of the others.
                let Some(rest) = arguments.strip_prefix('{') else {
                    return TransformResult::Unchanged;
                };
                let sep = if rest.trim_start().starts_with('}') {
                    ""
                } else {
                    ","
                };
                TransformResult::Modified(format!(
                    r#"{{"transformed_by":"wasm-fixture"{sep}{rest}"#
                ))
            }
        }
    }

    fn transform_output(ctx: PluginContext, result: String, _config: String) -> TransformResult {
        crate::misbehave("transform-output");
        match ctx.tool_name.as_str() {
            "echo" => TransformResult::Modified(format!(r#"{{"wrapped":{result}}}"#)),
            _ => TransformResult::Unchanged,
        }
    }
}

export!(Transform);
