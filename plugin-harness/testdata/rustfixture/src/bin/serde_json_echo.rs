//! The oracle for plugin-harness's SerdeJSON: reads a JSON array of strings on stdin and prints,
//! for each, what the gateway makes of it with the same serde_json: `{"ok": to_string(&value)}`,
//! or `{"err": message}` when serde_json::from_str::<Value> refuses it.

use std::io::Read;

use serde_json::{Value, json};

fn main() {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .expect("serde-json-echo: read stdin");
    let texts: Vec<String> =
        serde_json::from_str(&input).expect("serde-json-echo: stdin must be a JSON array of strings");
    let answers: Vec<Value> = texts
        .iter()
        .map(|text| match serde_json::from_str::<Value>(text) {
            Ok(value) => json!({ "ok": serde_json::to_string(&value).expect("a Value serializes") }),
            Err(err) => json!({ "err": err.to_string() }),
        })
        .collect();
    println!(
        "{}",
        serde_json::to_string(&answers).expect("serde-json-echo: answers serialize")
    );
}
