//! Helpers shared by the in-process tests of the axum mount: JSON-RPC over `Router::oneshot`,
//! and a host layer that records what it sees. Reading replies is `mcp_test_support::reply`.

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
use mcp_test_support::{protocol, reply};
use serde_json::Value;
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

/// One JSON-RPC message as a POST to `/mcp`, accepting JSON and SSE; a loopback `Host` unless
/// `headers` name one.
pub(crate) fn mcp_request(message: &Value, headers: &[(&str, &str)]) -> Request {
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
    request.body(Body::from(message.to_string())).unwrap()
}

/// POST one JSON-RPC message to `/mcp` ([`mcp_request`]); the status, headers and body.
pub(crate) async fn post_mcp(
    app: &Router,
    message: Value,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let request = mcp_request(&message, headers);
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

/// One request/reply exchange that must be answered with 200; the reply.
pub(crate) async fn rpc_with(
    app: &Router,
    method: &str,
    params: Value,
    headers: &[(&str, &str)],
) -> Value {
    let (status, _, body) = post_mcp(app, protocol::request(7, method, params), headers).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    reply::message(&body)
}
