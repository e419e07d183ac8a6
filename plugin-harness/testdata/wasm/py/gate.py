"""tool-gate-plugin in Python (componentize-py): the decisions of ../fixtures.md §gate, as the Rust
fixture makes them. componentize-py instantiates the class named after the exported interface."""

import json

from wit_world import exports
from wit_world.imports.types import (
    GateAllow,
    GateChallenge,
    GateDecision_Allow,
    GateDecision_Challenge,
    GateDecision_Deny,
    GateDenial,
    PluginManifest,
)

MAX_RESULT_BYTES = 1024


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def allow(metadata=None):
    return GateDecision_Allow(GateAllow(metadata, None, None))


def deny(http_status, code, message, error_data=None):
    return GateDecision_Deny(GateDenial(http_status, code, message, error_data))


def context_json(ctx):
    ident = ctx.identity
    return {
        "request_id": ctx.request_id,
        "session_id": ctx.session_id,
        "tool_name": ctx.tool_name,
        "surface": ctx.surface,
        "transport": ctx.transport,
        "identity": {
            "kind": ident.kind,
            "trust_level": ident.trust_level,
            "subject_id": ident.subject_id,
            "auth_provider": ident.auth_provider,
            "issuer": ident.issuer,
            "roles": ident.roles,
            "groups": ident.groups,
            "scopes": ident.scopes,
            "attributes": dict(ident.attributes),
        },
    }


class ToolGate(exports.ToolGate):
    def manifest(self):
        return PluginManifest("com.example.wasm-gate", "0.3.1", "Wasm Fixture Gate", "tool_gate", "1.0")

    def evaluate_pre_dispatch(self, ctx, arguments, meta, config):
        tool = ctx.tool_name
        if tool.startswith("debug_"):
            return deny(403, -32030, "debug tools are blocked", compact({"tool": tool}))
        if tool == "guest.throw":
            raise RuntimeError("fixture raise in evaluate-pre-dispatch")
        if tool == "deny.all":
            return deny(403, -32001, "denied by test")
        if tool == "pay.me":
            return GateDecision_Challenge(
                GateChallenge(402, -32099, "payment required", '{"challenge_id":"abc123"}')
            )
        if tool == "rewrite":
            return GateDecision_Allow(GateAllow(None, '{"original":%s,"rewritten":true}' % arguments, None))
        if tool == "bad.allow":
            return GateDecision_Allow(GateAllow("not json", "", "{"))
        if tool == "bad.deny":
            return deny(403, -32002, "denied with bad data", "{oops")
        if tool == "bad.challenge":
            return GateDecision_Challenge(GateChallenge(402, -32098, "challenge with bad data", "nope"))
        if tool == "echo":
            return allow(
                compact({"context": context_json(ctx), "arguments": arguments, "meta": meta, "config": config})
            )
        return allow('{"plugin":"wasm-fixture"}')

    def evaluate_post_dispatch(self, ctx, arguments, result, execution_duration_ms, config):
        size = len(result.encode("utf-8"))
        if size > MAX_RESULT_BYTES:
            return deny(413, -32041, "result too large", compact({"bytes": size, "limit": MAX_RESULT_BYTES}))
        tool = ctx.tool_name
        if tool == "post.deny":
            return deny(403, -32040, "result rejected")
        if tool == "redact":
            return GateDecision_Allow(
                GateAllow(None, None, '{"content":[{"type":"text","text":"[redacted]"}],"isError":false}')
            )
        if tool == "echo":
            return allow(
                compact(
                    {
                        "result": result,
                        "duration_ms": execution_duration_ms,
                        "arguments": arguments,
                        "config": config,
                    }
                )
            )
        return allow()
