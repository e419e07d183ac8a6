//! The `tool_gate` entity (inner name `gate`): decisions keyed on the context's tool name.

use abi_stable::std_types::{ROption, RStr, RString};
use serde::Serialize;

use crate::abi::{HostHandleRef, RGateDecision, RPluginContext, RPluginHandle, ToolGateVTable};
use crate::context::Context;
use crate::host;
use crate::instance::{self, Kind, guard, hang, instance, panic_on_request, segfault};

// fixtures.md names each slot in its panic message; the real SDK says
// "plugin panicked during evaluate_pre/post_dispatch" for both.
const PRE_PANIC_MESSAGE: &str = "plugin panicked during evaluate_pre_dispatch";
const POST_PANIC_MESSAGE: &str = "plugin panicked during evaluate_post_dispatch";
const PANIC_STATUS: u16 = 500;
const PANIC_CODE: i32 = -32099;

pub fn vtable() -> ToolGateVTable {
    ToolGateVTable {
        make,
        manifest_json: instance::manifest_json,
        evaluate_pre_dispatch,
        evaluate_post_dispatch,
        shutdown: instance::shutdown,
        drop_instance: instance::drop_instance,
    }
}

extern "C" fn make(
    host: HostHandleRef,
    config_json: RString,
    inner_name: RString,
) -> RPluginHandle {
    instance::make(Kind::ToolGate, host, config_json, inner_name)
}

fn some(json: String) -> ROption<RString> {
    ROption::RSome(RString::from(json))
}

fn allow(metadata_json: ROption<RString>) -> RGateDecision {
    RGateDecision::Allow {
        modified_arguments_json: ROption::RNone,
        modified_result_json: ROption::RNone,
        metadata_json,
    }
}

fn deny(
    http_status: u16,
    code: i32,
    message: &str,
    error_data_json: ROption<RString>,
) -> RGateDecision {
    RGateDecision::Deny {
        http_status,
        code,
        message: RString::from(message),
        error_data_json,
    }
}

fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[derive(Serialize)]
struct PreEcho<'a> {
    context: &'a Context,
    arguments: &'a str,
    meta: Option<&'a str>,
    config: &'a str,
}

#[derive(Serialize)]
struct PostEcho<'a> {
    result: &'a str,
    duration_ms: u64,
    arguments: &'a str,
    config: &'a str,
}

extern "C" fn evaluate_pre_dispatch(
    handle: RPluginHandle,
    ctx: RPluginContext,
    arguments_json: RStr<'_>,
    meta_json: ROption<RStr<'_>>,
    config_json: RStr<'_>,
) -> RGateDecision {
    guard(
        || {
            // SAFETY: the host only passes handles we made and have not dropped.
            let instance = unsafe { instance(handle) };
            let context = Context::from(ctx);
            let tool = context.tool_name.as_str();
            if tool.starts_with("debug_") {
                #[derive(Serialize)]
                struct ToolRef<'a> {
                    tool: &'a str,
                }
                return deny(
                    403,
                    -32030,
                    "debug tools are blocked",
                    some(json(&ToolRef { tool })),
                );
            }
            match tool {
                "deny.all" => deny(403, -32001, "denied by test", ROption::RNone),
                "pay.me" => RGateDecision::Challenge {
                    http_status: 402,
                    code: -32099,
                    message: RString::from("payment required"),
                    challenge_data_json: RString::from(r#"{"challenge_id":"abc123"}"#),
                },
                "approve.me" => RGateDecision::PendingApproval {
                    approval_id: RString::from("appr_01HFXYZ"),
                    deadline_at: RString::from("2026-04-26T10:00:00Z"),
                    summary: RString::from("rm /etc/passwd"),
                    target_notifiers_json: RString::from(
                        r#"["security.tool-gate-slack-approval"]"#,
                    ),
                    metadata_json: RString::from(r#"{"risk":"high"}"#),
                },
                "panic" => panic_on_request("evaluate_pre_dispatch"),
                "segv" => segfault(),
                "hang" => hang(),
                "host.probe" => {
                    #[derive(Serialize)]
                    struct Probe {
                        answers: host::ProbeAnswers,
                    }
                    allow(some(json(&Probe {
                        answers: host::probe(&instance.host),
                    })))
                }
                "echo" => allow(some(json(&PreEcho {
                    context: &context,
                    arguments: arguments_json.as_str(),
                    meta: meta_json.into_option().map(|meta| meta.as_str()),
                    config: config_json.as_str(),
                }))),
                _ => allow(some(r#"{"plugin":"fixture"}"#.to_owned())),
            }
        },
        || deny(PANIC_STATUS, PANIC_CODE, PRE_PANIC_MESSAGE, ROption::RNone),
    )
}

extern "C" fn evaluate_post_dispatch(
    _handle: RPluginHandle,
    ctx: RPluginContext,
    arguments_json: RStr<'_>,
    result_json: RStr<'_>,
    execution_duration_ms: u64,
    config_json: RStr<'_>,
) -> RGateDecision {
    guard(
        || {
            let context = Context::from(ctx);
            match context.tool_name.as_str() {
                "post.deny" => deny(403, -32040, "result rejected", ROption::RNone),
                "post.panic" => panic_on_request("evaluate_post_dispatch"),
                "post.segv" => segfault(),
                "post.hang" => hang(),
                "redact" => RGateDecision::Allow {
                    modified_arguments_json: ROption::RNone,
                    modified_result_json: some(
                        r#"{"content":[{"type":"text","text":"[redacted]"}],"isError":false}"#
                            .to_owned(),
                    ),
                    metadata_json: ROption::RNone,
                },
                "echo" => allow(some(json(&PostEcho {
                    result: result_json.as_str(),
                    duration_ms: execution_duration_ms,
                    arguments: arguments_json.as_str(),
                    config: config_json.as_str(),
                }))),
                _ => allow(ROption::RNone),
            }
        },
        || deny(PANIC_STATUS, PANIC_CODE, POST_PANIC_MESSAGE, ROption::RNone),
    )
}
