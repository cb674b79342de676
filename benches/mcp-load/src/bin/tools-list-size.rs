//! `tools-list-size`: how many bytes a server's `tools/list` answer takes, from the output of
//! `openapi-preview` (whose `tools` are each exactly as `tools/list` returns them).
//!
//! ```text
//! openapi-preview .cache/corpus/github-rest.json | tools-list-size
//! ```
//!
//! Prints the number of tools, the compact JSON size of the `tools` array and of the whole
//! JSON-RPC response carrying it, the median tool and the largest one.

use std::{
    io::{self, Read},
    process::ExitCode,
};

use serde_json::Value;

/// The JSON-RPC response around the tools array, as a 2025-era server sends it (a 2026-07-28 one
/// adds `"resultType":"complete"`).
const ENVELOPE: &str = r#"{"jsonrpc":"2.0","id":1,"result":{"tools":}}"#;

const USAGE: &str = "\
tools-list-size: the compact JSON size of the tools/list in an openapi-preview output

Usage: openapi-preview SPEC | tools-list-size [PREVIEW.json]
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let source = match args.as_slice() {
        [] => None,
        [flag] if flag == "-h" || flag == "--help" => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        [path] if path != "-" => Some(path.clone()),
        [_] => None,
        _ => {
            eprintln!("tools-list-size: one PREVIEW file at most\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let text = match &source {
        Some(path) => std::fs::read_to_string(path),
        None => {
            let mut text = String::new();
            io::stdin().read_to_string(&mut text).map(|_| text)
        }
    };
    let report = text
        .map_err(|e| format!("cannot read the preview: {e}"))
        .and_then(|text| {
            serde_json::from_str::<Value>(&text)
                .map_err(|e| format!("the preview is not JSON: {e}"))
        })
        .and_then(measure);
    match report {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("tools-list-size: {message}");
            ExitCode::FAILURE
        }
    }
}

fn measure(mut preview: Value) -> Result<String, String> {
    let tools = match preview.get_mut("tools").map(Value::take) {
        Some(Value::Array(tools)) => tools,
        _ => return Err("the preview has no `tools` array".into()),
    };
    let mut sizes: Vec<(usize, &str)> = tools
        .iter()
        .map(|tool| {
            let size = serde_json::to_vec(tool).map_or(0, |bytes| bytes.len());
            (size, tool["name"].as_str().unwrap_or("?"))
        })
        .collect();
    let array = serde_json::to_vec(&tools).map_err(|e| e.to_string())?.len();
    let response = ENVELOPE.len() + array;
    sizes.sort_unstable();
    let median = sizes.get(sizes.len() / 2).map_or(0, |(size, _)| *size);
    let (largest, largest_name) = sizes.last().copied().unwrap_or((0, "-"));
    Ok(format!(
        "tools: {}\n\
         tools array, compact JSON: {array} bytes ({:.2} MB)\n\
         JSON-RPC response to tools/list: {response} bytes ({:.2} MB)\n\
         median tool: {median} bytes\n\
         largest tool: {largest} bytes ({largest_name})\n",
        sizes.len(),
        array as f64 / 1e6,
        response as f64 / 1e6,
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn sizes_are_those_of_compact_json() {
        let preview = json!({
            "tools": [
                {"name": "a", "inputSchema": {"type": "object"}},
                {"name": "bb", "inputSchema": {"type": "object", "properties": {"x": {}}}},
                {"name": "c"},
            ],
            "warnings": [],
        });
        let report = measure(preview).unwrap();
        let array = r#"[{"inputSchema":{"type":"object"},"name":"a"},{"inputSchema":{"properties":{"x":{}},"type":"object"},"name":"bb"},{"name":"c"}]"#;
        assert!(report.contains("tools: 3\n"), "{report}");
        assert!(
            report.contains(&format!("compact JSON: {} bytes", array.len())),
            "{report}"
        );
        let envelope = ENVELOPE.len();
        assert!(
            report.contains(&format!("tools/list: {} bytes", array.len() + envelope)),
            "{report}"
        );
        assert!(report.contains("largest tool: 67 bytes (bb)"), "{report}");
        assert!(measure(json!({"warnings": []})).is_err());
    }
}
