//! The MCP messages and headers tests send, for both protocol eras: 2025 clients (`initialize`,
//! then a session or session-less requests) and 2026-07-28 clients (stateless requests that
//! carry their client's facts in `_meta` and name themselves in headers).

use serde_json::{Value, json};

/// The 2025-era protocol version the tests speak.
pub const LEGACY_VERSION: &str = "2025-06-18";

/// The stateless protocol version.
pub const MODERN_VERSION: &str = "2026-07-28";

/// A JSON-RPC request.
pub fn request(id: u64, method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

/// A JSON-RPC notification.
pub fn notification(method: &str) -> Value {
    json!({"jsonrpc": "2.0", "method": method})
}

/// The `initialize` request that opens a 2025-era session.
pub fn initialize() -> Value {
    initialize_for(LEGACY_VERSION)
}

/// The `initialize` request of a client of protocol `version`, with no capabilities.
pub fn initialize_for(version: &str) -> Value {
    request(
        1,
        "initialize",
        json!({"protocolVersion": version, "capabilities": {},
               "clientInfo": {"name": "test", "version": "1"}}),
    )
}

/// The notification that completes a 2025-era handshake.
pub fn initialized() -> Value {
    notification("notifications/initialized")
}

/// The headers of a request in the 2025-era session `session`.
pub fn session_headers(session: &str) -> [(&'static str, &str); 2] {
    [
        ("Mcp-Session-Id", session),
        ("MCP-Protocol-Version", LEGACY_VERSION),
    ]
}

/// The `_meta` of a 2026-07-28 request: protocol version, client info, and a client that can
/// answer elicitations.
pub fn modern_meta() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": MODERN_VERSION,
        "io.modelcontextprotocol/clientInfo": {"name": "test", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {"elicitation": {"form": {}}}
    })
}

/// `params` (an object, or null for none) with [`modern_meta`] merged into its `_meta`; keys
/// the caller set win.
pub fn with_modern_meta(params: Value) -> Value {
    let mut params = match params {
        Value::Null => json!({}),
        params => params,
    };
    let meta = params
        .as_object_mut()
        .expect("params are an object")
        .entry("_meta")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("_meta is an object");
    if let Value::Object(defaults) = modern_meta() {
        for (key, value) in defaults {
            meta.entry(key).or_insert(value);
        }
    }
    params
}

/// The headers a 2026-07-28 request of `method` carries: the protocol version, `Mcp-Method`,
/// and `Mcp-Name` when the request names a tool, prompt or resource (ASCII names only).
pub fn modern_headers<'a>(method: &'a str, params: &'a Value) -> Vec<(&'static str, &'a str)> {
    let mut headers = vec![
        ("mcp-protocol-version", MODERN_VERSION),
        ("mcp-method", method),
    ];
    let name = match method {
        "tools/call" | "prompts/get" => params["name"].as_str(),
        "resources/read" => params["uri"].as_str(),
        _ => None,
    };
    if let Some(name) = name {
        headers.push(("mcp-name", name));
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modern_meta_fills_in_what_the_caller_left_out() {
        let params = json!({"name": "t", "_meta": {"io.modelcontextprotocol/logLevel": "info",
            "io.modelcontextprotocol/clientInfo": {"name": "mine", "version": "2"}}});
        let params = with_modern_meta(params);
        let meta = &params["_meta"];
        assert_eq!(meta["io.modelcontextprotocol/logLevel"], "info");
        assert_eq!(meta["io.modelcontextprotocol/clientInfo"]["name"], "mine");
        assert_eq!(
            meta["io.modelcontextprotocol/protocolVersion"],
            MODERN_VERSION
        );
        assert_eq!(with_modern_meta(Value::Null)["_meta"], modern_meta());
    }

    #[test]
    fn modern_headers_name_what_the_request_names() {
        let call = json!({"name": "add"});
        assert_eq!(
            modern_headers("tools/call", &call),
            [
                ("mcp-protocol-version", MODERN_VERSION),
                ("mcp-method", "tools/call"),
                ("mcp-name", "add")
            ]
        );
        let read = json!({"uri": "docs://guide"});
        assert_eq!(
            modern_headers("resources/read", &read)[2],
            ("mcp-name", "docs://guide")
        );
        assert_eq!(modern_headers("tools/list", &json!({})).len(), 2);
    }
}
