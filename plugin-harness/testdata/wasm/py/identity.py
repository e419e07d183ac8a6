"""identity-plugin in Python (componentize-py): ../fixtures.md §identity, as the Rust fixture."""

from wit_world import exports
from wit_world.imports.types import (
    IdentityResolution_Invalid,
    IdentityResolution_None_,
    IdentityResolution_Resolved,
    PluginIdentity,
    PluginManifest,
)


def header(headers, name):
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


class Identity(exports.Identity):
    def manifest(self):
        return PluginManifest(
            "com.example.wasm-identity", "0.3.1", "Wasm Fixture Identity", "identity_provider", "1.0"
        )

    def resolve_identity(self, headers, config):
        auth = header(headers, "authorization")
        if auth is not None:
            if not auth.startswith("Bearer "):
                return IdentityResolution_Invalid("unsupported authorization scheme")
            token = auth[len("Bearer "):]
            if token in ("", "bad"):
                return IdentityResolution_Invalid("bad token")
            return IdentityResolution_Resolved(
                PluginIdentity(
                    kind="verified",
                    trust_level="verified",
                    subject_id=token,
                    auth_provider="wasm-fixture",
                    issuer="https://issuer.example",
                    roles=["reader", "writer"],
                    groups=["engineering"],
                    scopes=["mcp:tools:call"],
                    attributes=[("tenant_id", "acme-prod"), ("config", config)],
                )
            )
        subject = header(headers, "x-mcpg-test-subject")
        if subject is not None:
            return IdentityResolution_Resolved(
                PluginIdentity("header_asserted", "header_asserted", subject, None, None, [], [], [], [])
            )
        return IdentityResolution_None_()
