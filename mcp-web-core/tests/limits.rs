//! Limits and hints the README promises, each held here: the request body limit, per-tool time
//! limits, and the tool annotations derived from the HTTP method.

mod support;

use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use mcp_web_core::{DispatchBody, McpConfig};
use serde_json::{Value, json};
use support::{Mcp, Routes, plain, text};
use utoipa::OpenApi;

/// Echo a note.
#[utoipa::path(post, path = "/notes", operation_id = "add_note", request_body = String,
    responses((status = 200, body = String)))]
async fn add_note(request: Request<Bytes>) -> Response<DispatchBody> {
    plain(format!("{} bytes", request.body().len()))
}

/// Answers after 400 ms.
#[utoipa::path(get, path = "/medium", operation_id = "medium",
    responses((status = 200, body = String)))]
async fn medium(_: Request<Bytes>) -> Response<DispatchBody> {
    tokio::time::sleep(Duration::from_millis(400)).await;
    plain("in time")
}

/// Answers after 30 s.
#[utoipa::path(get, path = "/slow", operation_id = "slow", responses((status = 200, body = String)))]
async fn slow(_: Request<Bytes>) -> Response<DispatchBody> {
    tokio::time::sleep(Duration::from_secs(30)).await;
    plain("late")
}

/// Replace a note.
#[utoipa::path(put, path = "/notes/{id}", operation_id = "put_note", request_body = String,
    params(("id" = u32, Path)), responses((status = 200, body = String)))]
async fn put_note(_: Request<Bytes>) -> Response<DispatchBody> {
    plain("replaced")
}

/// Delete a note.
#[utoipa::path(delete, path = "/notes/{id}", operation_id = "delete_note",
    params(("id" = u32, Path)), responses((status = 200, body = String)))]
async fn delete_note(_: Request<Bytes>) -> Response<DispatchBody> {
    plain("deleted")
}

#[derive(OpenApi)]
#[openapi(paths(add_note, medium, slow, put_note, delete_note))]
struct ApiDoc;

fn routes() -> Routes {
    Routes::new()
        .post("/notes", add_note)
        .get("/medium", medium)
        .get("/slow", slow)
        .route(http::Method::PUT, "/notes/{id}", put_note)
        .delete("/notes/{id}", delete_note)
}

#[tokio::test]
async fn a_request_body_over_the_limit_gets_413_in_both_eras() {
    let config = McpConfig::new(ApiDoc::openapi()).max_request_body_bytes(2048);
    let mcp = Mcp::new(config, routes());
    let session = mcp.open_session().await;
    let call = |size: usize| json!({"name": "add_note", "arguments": {"body": "x".repeat(size)}});

    let reply = mcp.post_modern(1, "tools/call", call(4096)).await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.body
    );
    assert!(reply.body.contains("exceeds 2048 bytes"), "{}", reply.body);
    let headers = mcp_test_support::protocol::session_headers(&session);
    let message = mcp_test_support::protocol::request(2, "tools/call", call(4096));
    let reply = mcp.post(message, &headers).await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.body
    );

    // Under the limit, the same calls go through: nothing was lost on the way.
    let reply = mcp.rpc_modern("tools/call", call(1000)).await;
    assert_eq!(text(&reply["result"]), "1000 bytes", "{reply}");
    let reply = mcp.rpc_in(&session, "tools/call", call(1000)).await;
    assert_eq!(text(&reply["result"]), "1000 bytes", "{reply}");
}

#[tokio::test]
async fn a_tool_timeout_limits_that_tool_only() {
    let config = McpConfig::new(ApiDoc::openapi())
        .stateless()
        .call_timeout(Duration::from_secs(20))
        .tool_timeout("slow", Duration::from_millis(100));
    let mcp = Mcp::new(config, routes());
    let (slow, medium) = tokio::join!(mcp.call("slow", json!({})), mcp.call("medium", json!({})));
    assert_eq!(slow["isError"], true, "{slow}");
    let why = text(&slow);
    assert!(why.contains("timed out after 100ms"), "{why}");
    // `medium` takes four times longer than `slow`'s limit, under the mount's 20 s.
    assert_eq!(text(&medium), "in time", "{medium}");

    let config = McpConfig::new(ApiDoc::openapi())
        .stateless()
        .call_timeout(Duration::from_millis(100));
    let mcp = Mcp::new(config, routes());
    let medium = mcp.call("medium", json!({})).await;
    assert!(text(&medium).contains("timed out after 100ms"), "{medium}");
}

/// What a client takes a hint to be: the annotation, or the protocol's default without it.
fn hint(tool: &Value, name: &str) -> bool {
    let default = matches!(name, "destructiveHint" | "openWorldHint");
    tool["annotations"][name].as_bool().unwrap_or(default)
}

#[tokio::test]
async fn hints_follow_the_http_method() {
    let mcp = Mcp::new(McpConfig::new(ApiDoc::openapi()).stateless(), routes());
    let reply = mcp.rpc("tools/list", json!({})).await;
    let tools = reply["result"]["tools"].as_array().unwrap();
    let tool = |name: &str| tools.iter().find(|t| t["name"] == name).unwrap().clone();
    let hints = |name: &str| {
        let tool = tool(name);
        ["readOnlyHint", "destructiveHint", "idempotentHint"].map(|h| hint(&tool, h))
    };
    // A read-only tool's other hints mean nothing (the protocol says so).
    assert!(hint(&tool("medium"), "readOnlyHint"), "GET");
    // read-only, destructive, idempotent

    assert_eq!(hints("delete_note"), [false, true, true], "DELETE");
    assert_eq!(hints("put_note"), [false, true, true], "PUT");
    assert_eq!(hints("add_note"), [false, true, false], "POST");
}

#[tokio::test]
async fn a_huge_argument_under_the_limit_arrives_whole() {
    // 2 MB of text, 2.8 MB once escaped in JSON: inside the default 4 MiB body limit.
    let mcp = Mcp::new(McpConfig::new(ApiDoc::openapi()), routes());
    let note: String = "a\"\u{e9}\n".repeat(400_000);
    let reply = mcp
        .rpc_modern(
            "tools/call",
            json!({"name": "add_note", "arguments": {"body": note}}),
        )
        .await;
    assert_eq!(
        text(&reply["result"]),
        format!("{} bytes", note.len()),
        "the handler got every byte"
    );
}
