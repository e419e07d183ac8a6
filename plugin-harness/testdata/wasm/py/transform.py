"""transform-plugin in Python (componentize-py): ../fixtures.md §transform, as the Rust fixture."""

from wit_world import exports
from wit_world.imports.types import (
    PluginManifest,
    TransformResult_Error,
    TransformResult_Modified,
    TransformResult_Unchanged,
)


class Transform(exports.Transform):
    def manifest(self):
        return PluginManifest(
            "com.example.wasm-transform", "0.3.1", "Wasm Fixture Transform", "transform", "1.0"
        )

    def transform_arguments(self, ctx, arguments, config):
        if ctx.tool_name == "xf.fail":
            return TransformResult_Error("cannot transform xf.fail")
        if ctx.tool_name == "xf.badjson":
            return TransformResult_Modified("not json")
        if not arguments.startswith("{"):
            return TransformResult_Unchanged()
        rest = arguments[1:]
        sep = "" if rest.lstrip().startswith("}") else ","
        return TransformResult_Modified('{"transformed_by":"wasm-fixture"' + sep + rest)

    def transform_output(self, ctx, result, config):
        if ctx.tool_name == "echo":
            return TransformResult_Modified('{"wrapped":%s}' % result)
        return TransformResult_Unchanged()
