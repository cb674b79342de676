//! The JSON-RPC messages in what an MCP endpoint answers: a JSON body, an SSE body, or a whole
//! raw HTTP/1.1 response.

use serde_json::Value;

/// The JSON-RPC reply (the message with an `id`) in a JSON body, an SSE body or a raw HTTP
/// response; panics when there is none.
pub fn message(text: &str) -> Value {
    if let Ok(value) = serde_json::from_str(text) {
        return value;
    }
    text.lines()
        .filter_map(|line| {
            let data = line.strip_prefix("data:").unwrap_or(line);
            serde_json::from_str::<Value>(data.trim()).ok()
        })
        .find(|value| value.get("id").is_some())
        .unwrap_or_else(|| panic!("no JSON-RPC reply in {text:?}"))
}

/// Every JSON-RPC message of an SSE body (its `data:` lines), in order: notifications, requests
/// and the reply.
pub fn messages(text: &str) -> Vec<Value> {
    text.lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .filter_map(|data| serde_json::from_str(data.trim()).ok())
        .collect()
}

/// The tool names of the `tools/list` answer in `text`, in order.
pub fn tool_names(text: &str) -> Vec<String> {
    let answer = message(text);
    let tools = answer["result"]["tools"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    tools
        .iter()
        .filter_map(|tool| tool["name"].as_str().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_reply_is_found_in_json_sse_and_raw_http() {
        let json = r#"{"jsonrpc":"2.0","id":3,"result":{}}"#;
        assert_eq!(message(json)["id"], 3);
        let sse = "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n\
                   data: {\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{}}\n\n";
        assert_eq!(message(sse)["id"], 4);
        let raw = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{json}");
        assert_eq!(message(&raw)["id"], 3);
    }

    #[test]
    fn messages_keeps_the_order_of_the_stream() {
        let sse = "data: {\"n\":1}\n\nid: 0\ndata: {\"n\":2}\n\ndata: not json\n\n";
        assert_eq!(messages(sse), [json!({"n": 1}), json!({"n": 2})]);
    }

    #[test]
    #[should_panic(expected = "no JSON-RPC reply")]
    fn a_body_without_a_reply_panics() {
        message("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n");
    }
}
