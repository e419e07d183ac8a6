//! The `transform` entity (inner name `xf`): upper-cases a `"name":"…"` value in the arguments.

use abi_stable::std_types::{RStr, RString};

use crate::abi::{HostHandleRef, RPluginContext, RPluginHandle, RTransformResult, TransformVTable};
use crate::context::Context;
use crate::instance::{self, Kind, guard, hang, panic_on_request, segfault};

const PANIC_MESSAGE: &str = "plugin panicked during transform";

pub fn vtable() -> TransformVTable {
    TransformVTable {
        make,
        manifest_json: instance::manifest_json,
        transform_arguments,
        transform_result,
        shutdown: instance::shutdown,
        drop_instance: instance::drop_instance,
    }
}

extern "C" fn make(
    host: HostHandleRef,
    config_json: RString,
    inner_name: RString,
) -> RPluginHandle {
    instance::make(Kind::Transform, host, config_json, inner_name)
}

fn panicked() -> RTransformResult {
    RTransformResult::Error {
        message: RString::from(PANIC_MESSAGE),
    }
}

/// The same text with the first `"name":"<s>"` value ASCII-upper-cased, if there is one. It works
/// on the raw text (escape sequences such as `\n` or `\u00e9` are skipped, not upper-cased) so the
/// output is byte-identical to the C fixture's.
fn upper_case_name(json: &str) -> Option<String> {
    const KEY: &str = r#""name":""#;
    let start = json.find(KEY)? + KEY.len();
    let bytes = json.as_bytes();
    let mut end = start;
    while end < bytes.len() && bytes[end] != b'"' {
        end += if bytes[end] == b'\\' { 2 } else { 1 };
    }
    if end >= bytes.len() {
        return None; // the string never closes
    }
    let mut text = bytes.to_vec();
    let mut i = start;
    while i < end {
        match text[i] {
            b'\\' if text[i + 1] == b'u' => i += 6,
            b'\\' => i += 2,
            byte => {
                text[i] = byte.to_ascii_uppercase();
                i += 1;
            }
        }
    }
    // Only ASCII letters changed, so the bytes are still the UTF-8 they were.
    String::from_utf8(text).ok()
}

extern "C" fn transform_arguments(
    _handle: RPluginHandle,
    ctx: RPluginContext,
    arguments_json: RStr<'_>,
    _config_json: RStr<'_>,
) -> RTransformResult {
    guard(
        || {
            let context = Context::from(ctx);
            match context.tool_name.as_str() {
                "panic" => panic_on_request("transform_arguments"),
                "segv" => segfault(),
                "hang" => hang(),
                "xf.fail" => RTransformResult::Error {
                    message: RString::from("cannot transform xf.fail"),
                },
                _ => match upper_case_name(arguments_json.as_str()) {
                    Some(text) => RTransformResult::Modified {
                        value_json: RString::from(text),
                    },
                    None => RTransformResult::Unchanged,
                },
            }
        },
        panicked,
    )
}

extern "C" fn transform_result(
    _handle: RPluginHandle,
    ctx: RPluginContext,
    result_json: RStr<'_>,
    _config_json: RStr<'_>,
) -> RTransformResult {
    guard(
        || {
            let context = Context::from(ctx);
            if context.tool_name == "echo" {
                let wrapped = format!(r#"{{"wrapped":{}}}"#, result_json.as_str());
                RTransformResult::Modified {
                    value_json: RString::from(wrapped),
                }
            } else {
                RTransformResult::Unchanged
            }
        },
        panicked,
    )
}
