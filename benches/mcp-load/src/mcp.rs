//! MCP over Streamable HTTP as a client writes it, in both protocol eras, and the check that an
//! answer really is a successful result.
//!
//! - **2026-07-28 (stateless):** no `initialize`; every request carries the version in the
//!   `MCP-Protocol-Version` header and in `params._meta` with the client's info and capabilities,
//!   and names itself in `Mcp-Method` / `Mcp-Name` — the wire shape of the official SDKs.
//! - **2025-11-25 (sessions):** `initialize`, then `notifications/initialized`, then requests with
//!   `Mcp-Session-Id` and `MCP-Protocol-Version`.
//!
//! Every request accepts both `application/json` and `text/event-stream` answers.

use serde::{Deserialize, de::DeserializeOwned};
use serde_json::{Value, json};

use crate::http::{self, Connection, Response};

/// The stateless protocol version.
pub const STATELESS_VERSION: &str = "2026-07-28";
/// The session-based protocol version.
pub const SESSION_VERSION: &str = "2025-11-25";
/// What a Streamable HTTP client accepts on a POST.
const ACCEPT: &str = "application/json, text/event-stream";

/// Where the server is and who the client is.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// `host:port`, for the `Host` header.
    pub authority: String,
    /// The MCP endpoint's path, `/mcp`.
    pub mcp_path: String,
    /// Sent as `Authorization: Bearer …` when present.
    pub token: Option<String>,
}

impl Endpoint {
    fn authorization(&self) -> Option<String> {
        self.token.as_ref().map(|token| format!("Bearer {token}"))
    }

    /// A complete `GET path` request.
    pub fn rest_get(&self, path: &str) -> Vec<u8> {
        let auth = self.authorization();
        let mut headers = vec![("Accept", "application/json")];
        if let Some(auth) = &auth {
            headers.push(("Authorization", auth.as_str()));
        }
        http::request("GET", path, &self.authority, &headers, b"")
    }

    /// A complete POST of `body` to the MCP endpoint with MCP headers.
    fn post(&self, extra: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
        let mut out = self.post_head(extra);
        http::finish(&mut out, body);
        out
    }

    fn post_head(&self, extra: &[(&str, &str)]) -> Vec<u8> {
        let auth = self.authorization();
        let mut headers = vec![("Content-Type", "application/json"), ("Accept", ACCEPT)];
        if let Some(auth) = &auth {
            headers.push(("Authorization", auth.as_str()));
        }
        headers.extend_from_slice(extra);
        http::head("POST", &self.mcp_path, &self.authority, &headers)
    }

    /// The 2025-11-25 `initialize` request that opens a session.
    pub fn initialize(&self, id: u64) -> Vec<u8> {
        let body = json!({
            "jsonrpc": "2.0", "id": id, "method": "initialize",
            "params": {
                "protocolVersion": SESSION_VERSION,
                "capabilities": {},
                "clientInfo": {"name": "mcp-load", "version": env!("CARGO_PKG_VERSION")},
            },
        });
        self.post(&[], body.to_string().as_bytes())
    }

    /// `notifications/initialized` inside `session`.
    pub fn initialized(&self, session: &str) -> Vec<u8> {
        let body = br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
        self.post(
            &[
                ("Mcp-Session-Id", session),
                ("MCP-Protocol-Version", SESSION_VERSION),
            ],
            body,
        )
    }

    /// The `DELETE` that ends `session`.
    pub fn end_session(&self, session: &str) -> Vec<u8> {
        let auth = self.authorization();
        let mut headers = vec![
            ("Mcp-Session-Id", session),
            ("MCP-Protocol-Version", SESSION_VERSION),
        ];
        if let Some(auth) = &auth {
            headers.push(("Authorization", auth.as_str()));
        }
        http::request("DELETE", &self.mcp_path, &self.authority, &headers, b"")
    }
}

/// A `tools/call` request with everything fixed but its JSON-RPC id, rendered cheaply per call.
#[derive(Debug, Clone)]
pub struct ToolCall {
    /// Request line and headers, without `Content-Length`.
    head: Vec<u8>,
    /// The body after `{"jsonrpc":"2.0","id":<id>`.
    body_rest: String,
}

impl ToolCall {
    /// A stateless 2026-07-28 call of `tool` with `arguments`.
    ///
    /// The tool name goes into the `Mcp-Name` header as is, so it must be a plain header value.
    pub fn stateless(endpoint: &Endpoint, tool: &str, arguments: &Value) -> Result<Self, String> {
        check_header_value(tool)?;
        let params = json!({
            "name": tool,
            "arguments": arguments,
            "_meta": {
                "io.modelcontextprotocol/protocolVersion": STATELESS_VERSION,
                "io.modelcontextprotocol/clientInfo":
                    {"name": "mcp-load", "version": env!("CARGO_PKG_VERSION")},
                "io.modelcontextprotocol/clientCapabilities": {},
            },
        });
        let head = endpoint.post_head(&[
            ("MCP-Protocol-Version", STATELESS_VERSION),
            ("Mcp-Method", "tools/call"),
            ("Mcp-Name", tool),
        ]);
        Ok(Self::new(head, &params))
    }

    /// A 2025-11-25 call of `tool` with `arguments` inside `session`.
    pub fn in_session(endpoint: &Endpoint, session: &str, tool: &str, arguments: &Value) -> Self {
        let params = json!({"name": tool, "arguments": arguments});
        let head = endpoint.post_head(&[
            ("Mcp-Session-Id", session),
            ("MCP-Protocol-Version", SESSION_VERSION),
        ]);
        Self::new(head, &params)
    }

    fn new(head: Vec<u8>, params: &Value) -> Self {
        Self {
            head,
            body_rest: format!(r#","method":"tools/call","params":{params}}}"#),
        }
    }

    /// The complete request with JSON-RPC id `id`.
    pub fn render(&self, id: u64) -> Vec<u8> {
        let body = format!(r#"{{"jsonrpc":"2.0","id":{id}{}"#, self.body_rest);
        let mut out = Vec::with_capacity(self.head.len() + body.len() + 32);
        out.extend_from_slice(&self.head);
        http::finish(&mut out, body.as_bytes());
        out
    }
}

fn check_header_value(value: &str) -> Result<(), String> {
    let plain = !value.is_empty()
        && value.bytes().all(|b| b.is_ascii_graphic())
        && !value.starts_with("=?base64?");
    if plain {
        Ok(())
    } else {
        Err(format!(
            "tool name {value:?} would need Base64 in Mcp-Name; use a plain ASCII name"
        ))
    }
}

/// The JSON-RPC message answering request `id` in `response`, whether it came as JSON or as an
/// event of an SSE stream; otherwise why there is none.
pub fn reply(response: &Response, id: u64) -> Result<Value, String> {
    reply_as(response, id, |message: &Value| {
        message.get("id").and_then(Value::as_u64)
    })
}

/// The reply to request `id` in `response` read as a `T` (the whole message must be JSON),
/// `id_of` telling its id; otherwise why there is none.
fn reply_as<T: DeserializeOwned>(
    response: &Response,
    id: u64,
    id_of: impl Fn(&T) -> Option<u64>,
) -> Result<T, String> {
    if response.status != 200 {
        return Err(format!(
            "HTTP {}: {}",
            response.status,
            snippet(&response.body)
        ));
    }
    if response.content_type.starts_with("application/json") {
        let message: T = serde_json::from_slice(&response.body)
            .map_err(|e| format!("JSON body does not parse: {e}"))?;
        return if id_of(&message) == Some(id) {
            Ok(message)
        } else {
            Err(format!(
                "JSON body is not the reply to id {id}: {}",
                snippet(&response.body)
            ))
        };
    }
    if response.content_type.starts_with("text/event-stream") {
        let text =
            std::str::from_utf8(&response.body).map_err(|_| "SSE body is not UTF-8".to_string())?;
        for data in sse_data(text) {
            if let Ok(message) = serde_json::from_str::<T>(&data)
                && id_of(&message) == Some(id)
            {
                return Ok(message);
            }
        }
        return Err(format!(
            "SSE stream ended without the reply to id {id}: {}",
            snippet(&response.body)
        ));
    }
    Err(format!(
        "unexpected content type {:?}: {}",
        response.content_type,
        snippet(&response.body)
    ))
}

/// Whether `response` answers request `id` with a successful tool result; otherwise what it was.
///
/// The answer is read as strictly as [`reply`] reads it — the whole message must be JSON — but
/// into the three members looked at, without building a tree: a load generator's own cost per
/// call is part of what it measures, and a REST call is not parsed at all.
pub fn check_tool_result(response: &Response, id: u64) -> Result<(), String> {
    let head = reply_as(response, id, |head: &ReplyHead| head.id)?;
    let Some(result) = head.result else {
        return Err(format!("JSON-RPC error: {}", snippet(&response.body)));
    };
    if result.is_error == Some(true) {
        return Err(format!("tool error: {}", snippet(&response.body)));
    }
    match result.result_type.as_deref() {
        None | Some("complete") => Ok(()),
        Some(other) => Err(format!(
            "result of type {other:?}: {}",
            snippet(&response.body)
        )),
    }
}

/// The members of a reply [`check_tool_result`] looks at; the rest is read and skipped.
#[derive(Deserialize)]
struct ReplyHead {
    id: Option<u64>,
    result: Option<ResultHead>,
}

#[derive(Deserialize)]
struct ResultHead {
    #[serde(rename = "isError")]
    is_error: Option<bool>,
    #[serde(rename = "resultType")]
    result_type: Option<String>,
}

/// Sends `initialize` on `conn` and returns the new session's id.
pub async fn initialize(
    conn: &mut Connection,
    endpoint: &Endpoint,
    id: u64,
) -> Result<String, String> {
    let response = conn
        .send(&endpoint.initialize(id))
        .await
        .map_err(|e| e.to_string())?;
    let message = reply(&response, id)?;
    if message.get("result").is_none() {
        return Err(format!("initialize failed: {message}"));
    }
    response
        .session_id
        .ok_or_else(|| "initialize answered without an Mcp-Session-Id".to_string())
}

/// Opens a 2025-11-25 session the way a client does: `initialize`, then
/// `notifications/initialized` (which must be accepted with 202).
pub async fn open_session(
    conn: &mut Connection,
    endpoint: &Endpoint,
    id: u64,
) -> Result<String, String> {
    let session = initialize(conn, endpoint, id).await?;
    let response = conn
        .send(&endpoint.initialized(&session))
        .await
        .map_err(|e| e.to_string())?;
    if response.status != 202 {
        return Err(format!(
            "notifications/initialized: HTTP {} {}",
            response.status,
            snippet(&response.body)
        ));
    }
    Ok(session)
}

/// The `data` of each non-empty event of an SSE stream (multi-line data joined with `\n`).
fn sse_data(text: &str) -> Vec<String> {
    let mut events = Vec::new();
    let mut data: Option<String> = None;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            if let Some(done) = data.take().filter(|d| !d.is_empty()) {
                events.push(done);
            }
        } else if let Some(value) = line.strip_prefix("data:") {
            let value = value.strip_prefix(' ').unwrap_or(value);
            match &mut data {
                Some(existing) => {
                    existing.push('\n');
                    existing.push_str(value);
                }
                None => data = Some(value.to_string()),
            }
        }
    }
    if let Some(done) = data.filter(|d| !d.is_empty()) {
        events.push(done);
    }
    events
}

/// The start of a body, for messages.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut short: String = text.chars().take(300).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, content_type: &str, body: &str) -> Response {
        Response {
            status,
            content_type: content_type.into(),
            session_id: None,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn results_come_as_json_or_as_an_sse_event_after_a_priming_event() {
        let ok = r#"{"jsonrpc":"2.0","id":7,"result":{"content":[],"resultType":"complete"}}"#;
        assert_eq!(
            check_tool_result(&response(200, "application/json", ok), 7),
            Ok(())
        );
        let sse = format!(
            "id: 0\nretry: 3000\ndata:\n\n\
             data: {{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{{}}}}\n\n\
             id: 1\r\ndata: {ok}\r\n\r\n"
        );
        assert_eq!(
            check_tool_result(&response(200, "text/event-stream", &sse), 7),
            Ok(())
        );
    }

    #[test]
    fn anything_but_a_successful_result_for_our_id_is_an_error() {
        let cases = [
            response(401, "text/plain", "no"),
            response(
                200,
                "application/json",
                r#"{"jsonrpc":"2.0","id":8,"result":{}}"#,
            ),
            response(
                200,
                "application/json",
                r#"{"jsonrpc":"2.0","id":7,"error":{"code":-32602}}"#,
            ),
            response(
                200,
                "application/json",
                r#"{"jsonrpc":"2.0","id":7,"result":{"isError":true}}"#,
            ),
            response(
                200,
                "application/json",
                r#"{"jsonrpc":"2.0","id":7,"result":{"resultType":"input_required"}}"#,
            ),
            response(200, "text/event-stream", "id: 0\ndata:\n\n"),
            response(200, "text/html", "<p>"),
        ];
        for case in cases {
            assert!(check_tool_result(&case, 7).is_err(), "{case:?}");
        }
    }

    #[test]
    fn a_stateless_call_names_itself_in_headers_and_meta() {
        let endpoint = Endpoint {
            authority: "127.0.0.1:9".into(),
            mcp_path: "/mcp".into(),
            token: Some("t".into()),
        };
        let call = ToolCall::stateless(&endpoint, "get_ticket", &json!({"ticket_id": 1})).unwrap();
        let text = String::from_utf8(call.render(42)).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        for line in [
            "POST /mcp HTTP/1.1",
            "Authorization: Bearer t",
            "MCP-Protocol-Version: 2026-07-28",
            "Mcp-Method: tools/call",
            "Mcp-Name: get_ticket",
            &format!("Content-Length: {}", body.len()),
        ] {
            assert!(head.lines().any(|l| l == line), "{line} in {head}");
        }
        let body: Value = serde_json::from_str(body).unwrap();
        assert_eq!(body["id"], 42);
        assert_eq!(body["params"]["arguments"]["ticket_id"], 1);
        assert_eq!(
            body["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"],
            STATELESS_VERSION
        );
        assert!(ToolCall::stateless(&endpoint, "naïve", &json!({})).is_err());
    }
}
