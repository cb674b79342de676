//! The answer to a POST whose JSON body is not one JSON-RPC message.
//!
//! rmcp answers such a body with `415 Unsupported Media Type` and a plain-text reason, although
//! its `Content-Type` is right. JSON-RPC 2.0 has errors for exactly these cases, and clients
//! read them: `-32700 Parse error` for a body that is not JSON (a truncated body, nesting past
//! the parser's depth limit) and `-32600 Invalid Request` for JSON that is not a message (an
//! array or batch, a bare value, an object without a method or result), each in a JSON-RPC error
//! body with HTTP 400.
//!
//! It also owns the answer to an `Mcp-Session-Id` that cannot be an id at all (not visible
//! ASCII), which rmcp would otherwise report as a missing session id.

use bytes::Bytes;
use serde_json::{Value, json};

/// JSON-RPC's code for a body that is not JSON.
const PARSE_ERROR: i64 = -32700;
/// JSON-RPC's code for JSON that is not a valid request.
const INVALID_REQUEST: i64 = -32600;

/// The error answer for `body`, which rmcp could not read as a message.
pub(crate) fn malformed_message(body: &[u8]) -> http::Response<Bytes> {
    let (code, message, id) = match serde_json::from_slice::<Value>(body) {
        Err(error) => (PARSE_ERROR, format!("Parse error: {error}"), Value::Null),
        Ok(Value::Array(_)) => (
            INVALID_REQUEST,
            "Invalid Request: batches are not supported; send one JSON-RPC message per \
                 request"
                .to_owned(),
            Value::Null,
        ),
        Ok(Value::Object(mut message)) => {
            // The id, when it is one a response may carry, so the client can match it.
            let id = match message.remove("id") {
                Some(id @ (Value::String(_) | Value::Number(_))) => id,
                _ => Value::Null,
            };
            (
                INVALID_REQUEST,
                "Invalid Request: not a JSON-RPC 2.0 request, notification or response \
                     (`jsonrpc` must be \"2.0\", with a `method` or a `result`/`error`)"
                    .to_owned(),
                id,
            )
        }
        Ok(_) => (
            INVALID_REQUEST,
            "Invalid Request: a JSON-RPC message is a JSON object".to_owned(),
            Value::Null,
        ),
    };
    let answer = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    http::Response::builder()
        .status(http::StatusCode::BAD_REQUEST)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Bytes::from(answer.to_string()))
        .expect("a valid response")
}

/// 400 for an `Mcp-Session-Id` header that is not visible ASCII (0x21–0x7E), which no session
/// id is; `None` when the header is absent or well-formed.
pub(crate) fn malformed_session_id(headers: &http::HeaderMap) -> Option<http::Response<Bytes>> {
    let id = headers.get(crate::lane::MCP_SESSION_ID)?;
    if !id.is_empty() && id.as_bytes().iter().all(|b| (0x21..=0x7e).contains(b)) {
        return None;
    }
    let text = "Bad Request: Mcp-Session-Id must be visible ASCII characters (0x21-0x7E), as \
                the server issued it";
    http::Response::builder()
        .status(http::StatusCode::BAD_REQUEST)
        .header(http::header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Bytes::from_static(text.as_bytes()))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(body: &[u8]) -> (i64, Value, String) {
        let response = malformed_message(body);
        assert_eq!(response.status(), http::StatusCode::BAD_REQUEST);
        let answer: Value = serde_json::from_slice(response.body()).unwrap();
        (
            answer["error"]["code"].as_i64().unwrap(),
            answer["id"].clone(),
            answer["error"]["message"].as_str().unwrap().to_owned(),
        )
    }

    #[test]
    fn bodies_that_are_not_json_are_parse_errors() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        for body in [&b"{\"jsonrpc\":"[..], b"", b"\xff", deep.as_bytes()] {
            let (code, id, message) = answer(body);
            assert_eq!((code, id), (PARSE_ERROR, Value::Null), "{message}");
            assert!(message.starts_with("Parse error: "), "{message}");
        }
    }

    #[test]
    fn json_that_is_not_a_message_is_an_invalid_request() {
        let (code, id, message) = answer(br#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#);
        assert_eq!((code, id), (INVALID_REQUEST, Value::Null));
        assert!(message.contains("batches are not supported"), "{message}");
        assert_eq!(answer(b"42").0, INVALID_REQUEST);
        let (code, id, _) = answer(br#"{"jsonrpc":"2.0","id":"a"}"#);
        assert_eq!((code, id), (INVALID_REQUEST, json!("a")));
        assert_eq!(answer(br#"{"jsonrpc":"2.0","id":{"x":1}}"#).1, Value::Null);
    }
}
