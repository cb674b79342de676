//! Helpers shared by the in-process tests of the actix mount: JSON-RPC to `/mcp` through an App
//! service built by actix-web's test utilities, from a fixed peer, with a fixed bearer token.

// Each test crate uses its own subset.
#![allow(dead_code)]

use std::net::SocketAddr;

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
    http::{StatusCode, header::HeaderMap},
    test,
};
use serde_json::{Value, json};

/// The peer address every request comes from.
pub(crate) const PEER: &str = "10.1.2.3:4567";

/// The bearer token the tests' auth accepts.
pub(crate) const AUTH: (&str, &str) = ("authorization", "Bearer secret");

/// The status of a GET of `uri` with the bearer token.
pub(crate) async fn get_status(
    app: &impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    uri: &str,
) -> StatusCode {
    let request = test::TestRequest::get()
        .uri(uri)
        .insert_header(AUTH)
        .to_request();
    test::call_service(app, request).await.status()
}

/// POST one JSON-RPC message to `/mcp` from [`PEER`]; a loopback `Host` unless `headers` name
/// one. The status, the response headers and the body.
pub(crate) async fn post_mcp_head(
    app: &impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    message: Value,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let mut request = test::TestRequest::post()
        .uri("/mcp")
        .peer_addr(PEER.parse::<SocketAddr>().unwrap())
        .insert_header(("content-type", "application/json"))
        .insert_header(("accept", "application/json, text/event-stream"))
        .set_payload(message.to_string());
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("host"))
    {
        request = request.insert_header(("host", "127.0.0.1:3000"));
    }
    for (name, value) in headers {
        request = request.insert_header((*name, *value));
    }
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status();
    let response_headers = response.headers().clone();
    let body = test::read_body(response).await;
    (
        status,
        response_headers,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

/// [`post_mcp_head`] without the response headers.
pub(crate) async fn post_mcp(
    app: &impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    message: Value,
    headers: &[(&str, &str)],
) -> (StatusCode, String) {
    let (status, _, body) = post_mcp_head(app, message, headers).await;
    (status, body)
}

/// One request with [`AUTH`] that must be answered with 200; the reply.
pub(crate) async fn rpc(
    app: &impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    method: &str,
    params: Value,
) -> Value {
    let message = json!({"jsonrpc": "2.0", "id": 7, "method": method, "params": params});
    let (status, body) = post_mcp(app, message, &[AUTH]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// `tools/call` of `tool`; the result (the test fails on a JSON-RPC error).
pub(crate) async fn call(
    app: &impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    tool: &str,
    arguments: Value,
) -> Value {
    let reply = rpc(
        app,
        "tools/call",
        json!({"name": tool, "arguments": arguments}),
    )
    .await;
    reply
        .get("result")
        .cloned()
        .unwrap_or_else(|| panic!("no result: {reply}"))
}
