//! Fail-closed parsing of the operator's `config:` block. This one is real code: the generated
//! tests rely on its behaviour (an empty block gives `Default`, anything else must parse, and a
//! failure panics with a message containing "failing closed").

use serde::de::DeserializeOwned;

/// Parses `config_json` into `T`. `""`, `"{}"` and `"null"` (surrounding whitespace ignored)
/// give `T::default()`.
///
/// # Panics
///
/// When the text is anything else and does not deserialize into `T`.
pub fn parse_config_or_fail_closed<T>(config_json: &str) -> T
where
    T: DeserializeOwned + Default,
{
    let text = config_json.trim();
    if matches!(text, "" | "{}" | "null") {
        return T::default();
    }
    serde_json::from_str(text).unwrap_or_else(|err| {
        panic!(
            "invalid plugin config for {} (failing closed): {err}",
            std::any::type_name::<T>()
        )
    })
}

/// `fail_closed_config!(json)` (type inferred) or `fail_closed_config!(json, Type)`.
#[macro_export]
macro_rules! fail_closed_config {
    ($config_json:expr $(,)?) => {
        $crate::config::parse_config_or_fail_closed($config_json)
    };
    ($config_json:expr, $ty:ty $(,)?) => {
        $crate::config::parse_config_or_fail_closed::<$ty>($config_json)
    };
}
