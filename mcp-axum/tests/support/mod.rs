//! Helpers shared by the in-process tests: JSON-RPC over `Router::oneshot`, and a host layer
//! that records what it sees.

// Each test crate uses its own subset.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use axum::{
    Router,
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, StatusCode, header},
    middleware::Next,
    response::Response,
};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// What the recording layer saw: `METHOD uri`, in order.
pub(crate) type Seen = Arc<Mutex<Vec<String>>>;

/// A host middleware (add it after the mount): records every request it sees.
pub(crate) async fn record(State(seen): State<Seen>, request: Request, next: Next) -> Response {
    seen.lock()
        .unwrap()
        .push(format!("{} {}", request.method(), request.uri()));
    next.run(request).await
}

/// POST one JSON-RPC message to `/mcp`; a loopback `Host` unless `headers` name one.
pub(crate) async fn post_mcp(
    app: &Router,
    message: Value,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let mut request = axum::http::Request::post("/mcp")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json, text/event-stream");
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("host"))
    {
        request = request.header(header::HOST, "127.0.0.1:3000");
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Body::from(message.to_string())).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

/// The JSON-RPC reply in a JSON or SSE response body.
pub(crate) fn message(body: &str) -> Value {
    if let Ok(value) = serde_json::from_str(body) {
        return value;
    }
    body.lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .filter_map(|data| serde_json::from_str::<Value>(data.trim()).ok())
        .find(|value| value.get("id").is_some())
        .unwrap_or_else(|| panic!("no JSON-RPC message in {body:?}"))
}

/// One request/reply exchange that must be answered with 200; the reply.
pub(crate) async fn rpc_with(
    app: &Router,
    method: &str,
    params: Value,
    headers: &[(&str, &str)],
) -> Value {
    let (status, _, body) = post_mcp(
        app,
        json!({"jsonrpc": "2.0", "id": 7, "method": method, "params": params}),
        headers,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    message(&body)
}
