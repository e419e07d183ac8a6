//! Operator configuration: the `config:` block of this plugin's `plugins[]` entry.
//!
//! The gateway passes it as JSON text with every call, and the component parses it each time (it
//! keeps nothing between calls). Parsing FAILS CLOSED: malformed JSON, an unknown key (a typo such
//! as `deny_tool`) or a contradictory rule refuses every call, instead of letting a security gate
//! run with its rules silently dropped. An absent or empty block (`{}`) means the defaults below,
//! under which the gate allows every call.
//!
//! ```yaml
//! config:
//!   deny_tools: ["debug_*", "shell_exec"]
//!   require_verified_for: ["payroll_*"]
//!   challenge_tools: ["deploy_*"]
//!   challenge_meta_key: approval_token
//!   max_result_bytes: 1048576
//!   slow_call_ms: 2000
//! ```
//!
//! A pattern is a tool name, or a prefix followed by one `*` (`debug_*`); `*` alone matches
//! every tool.

use serde::Deserialize;

/// The `_meta` key a challenged call must carry when `challenge_meta_key` is not set.
pub const DEFAULT_CHALLENGE_META_KEY: &str = "approval_token";

/// Typed operator config. `deny_unknown_fields` turns every stray key into a parse error, and
/// so into refused calls (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GateConfig {
    /// Tools that are never callable through the gateway (HTTP 403).
    pub deny_tools: Vec<String>,
    /// Tools only a caller with trust level `verified` may call (HTTP 401 otherwise).
    pub require_verified_for: Vec<String>,
    /// Tools that need a proof in the call's `_meta` (HTTP 402 without one).
    pub challenge_tools: Vec<String>,
    /// The `_meta` key that carries the proof for `challenge_tools`.
    pub challenge_meta_key: String,
    /// Refuse a result whose JSON is larger than this many bytes; unset means no limit.
    pub max_result_bytes: Option<usize>,
    /// Annotate a call that took longer than this many milliseconds; unset means never.
    pub slow_call_ms: Option<u64>,
}

impl Default for GateConfig {
    fn default() -> Self {
        Self {
            deny_tools: Vec::new(),
            require_verified_for: Vec::new(),
            challenge_tools: Vec::new(),
            challenge_meta_key: DEFAULT_CHALLENGE_META_KEY.to_owned(),
            max_result_bytes: None,
            slow_call_ms: None,
        }
    }
}

impl GateConfig {
    /// Parse the JSON text the gateway passes, then [`validate`](Self::validate) it. Empty text,
    /// `null` and `{}` give the defaults.
    ///
    /// # Errors
    ///
    /// On malformed JSON, an unknown key or a value that does not make sense: the caller refuses
    /// the call with the message.
    pub fn from_json(config_json: &str) -> Result<Self, String> {
        let text = config_json.trim();
        let config = if text.is_empty() || text == "null" {
            Self::default()
        } else {
            serde_json::from_str(text).map_err(|e| e.to_string())?
        };
        config.validate()?;
        Ok(config)
    }

    /// Reject configs that parse but cannot be what the operator meant.
    ///
    /// # Errors
    ///
    /// On an empty or malformed pattern, a rule that a `deny_tools` pattern makes unreachable,
    /// an empty `challenge_meta_key` or a `max_result_bytes` of 0 (which would refuse every
    /// result).
    pub fn validate(&self) -> Result<(), String> {
        let lists = [
            ("deny_tools", &self.deny_tools),
            ("require_verified_for", &self.require_verified_for),
            ("challenge_tools", &self.challenge_tools),
        ];
        for (field, patterns) in lists {
            for pattern in patterns {
                check_pattern(pattern)
                    .map_err(|why| format!("{field}: pattern {pattern:?} {why}"))?;
            }
        }
        // Deny is evaluated first, so a rule on a tool that is denied anyway never applies:
        // the operator most likely listed the tool in the wrong place.
        for (field, patterns) in &lists[1..] {
            for pattern in patterns.iter() {
                if let Some(deny) = find_match(&self.deny_tools, pattern) {
                    return Err(format!(
                        "{field}: {pattern:?} can never apply, deny_tools {deny:?} blocks it"
                    ));
                }
            }
        }
        if self.challenge_meta_key.trim().is_empty() {
            return Err("challenge_meta_key must not be empty".to_owned());
        }
        if self.max_result_bytes == Some(0) {
            return Err(
                "max_result_bytes 0 would refuse every result; leave it unset for no limit"
                    .to_owned(),
            );
        }
        Ok(())
    }
}

/// The first of `patterns` that matches `name`.
pub fn find_match<'a>(patterns: &'a [String], name: &str) -> Option<&'a String> {
    patterns.iter().find(|p| matches(p, name))
}

/// Whether `pattern` matches `name`. `name` may itself be a pattern, which `validate` uses to
/// find rules that a broader pattern covers.
pub fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

fn check_pattern(pattern: &str) -> Result<(), &'static str> {
    if pattern.is_empty() {
        return Err("is empty");
    }
    if pattern.chars().any(char::is_whitespace) {
        return Err("contains whitespace");
    }
    if pattern.trim_end_matches('*').contains('*') || pattern.ends_with("**") {
        return Err("may only have one `*`, at the end");
    }
    Ok(())
}
