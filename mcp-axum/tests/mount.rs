//! The mount in an axum app, in-process: every request goes through `Router::oneshot`, no
//! socket. What the core does with a call is tested in `mcp-web-core/tests`; here, what axum
//! adds: layers around the mount, `with_mcp_calls_through_all_layers`, headers and extensions through the Router, and
//! the mount's place among the routes.

mod support;

use std::sync::Arc;

use axum::{
    Json, Router,
    body::Body,
    extract::{Path, Request},
    http::{StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use mcp_axum::{McpConfig, McpToolCall, RouterExt};
use mcp_test_support::reply;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use support::{Seen, post_mcp, record, rpc_with};
use tower::ServiceExt;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Serialize, Deserialize, ToSchema)]
struct Item {
    name: String,
    tags: Vec<String>,
}

/// Read one item.
#[utoipa::path(get, path = "/items/{name}", operation_id = "get_item",
    params(("name" = String, Path, description = "Item name")),
    responses((status = 200, body = Item)))]
async fn get_item(Path(name): Path<String>) -> Json<Item> {
    Json(Item { name, tags: vec![] })
}

/// Who is calling: echoes the Authorization header and the tool-call marker.
#[utoipa::path(get, path = "/whoami", operation_id = "whoami", responses((status = 200, body = Object)))]
async fn whoami(request: Request) -> Json<Value> {
    let auth = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap().to_string());
    let tool = request
        .extensions()
        .get::<McpToolCall>()
        .map(|c| c.tool.clone());
    Json(json!({ "authorization": auth, "tool": tool }))
}

#[derive(OpenApi)]
#[openapi(info(title = "items", version = "1.2.3"))]
struct ApiDoc;

/// A host auth layer added after the mount.
async fn require_token(request: Request, next: Next) -> Response {
    match request.headers().get(header::AUTHORIZATION) {
        Some(value) if value == "Bearer secret" => next.run(request).await,
        _ => (StatusCode::UNAUTHORIZED, "missing or bad token").into_response(),
    }
}

fn base() -> (Router, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(get_item))
        .routes(routes!(whoami))
        .split_for_parts()
}

fn config(api: utoipa::openapi::OpenApi) -> McpConfig {
    McpConfig::new(api).stateless().json_responses()
}

/// The app as a user writes it: mount, then layers, then bind.
fn app() -> (Router, Seen) {
    let seen: Seen = Arc::default();
    let (router, api) = base();
    let app = router
        .mount_http("/mcp", config(api))
        .layer(middleware::from_fn(require_token))
        .layer(middleware::from_fn_with_state(seen.clone(), record))
        .with_mcp_calls_through_all_layers();
    (app, seen)
}

const AUTH: (&str, &str) = ("authorization", "Bearer secret");

async fn call(app: &Router, tool: &str, arguments: Value) -> Value {
    let params = json!({"name": tool, "arguments": arguments});
    let reply = rpc_with(app, "tools/call", params, &[AUTH]).await;
    reply
        .get("result")
        .cloned()
        .unwrap_or_else(|| panic!("no result: {reply}"))
}

#[tokio::test]
async fn a_layer_added_after_the_mount_runs_for_the_mcp_request_and_the_in_process_call() {
    let (app, seen) = app();
    let result = call(&app, "get_item", json!({"name": "a/b c?d#e%f"})).await;
    assert_eq!(result["isError"], false, "{result}");
    // The handler got the value intact, so the path segment was encoded and decoded correctly.
    assert_eq!(
        result["structuredContent"],
        json!({"name": "a/b c?d#e%f", "tags": []})
    );
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen, ["POST /mcp", "GET /items/a%2Fb%20c%3Fd%23e%25f"]);
}

#[tokio::test]
async fn without_bind_tool_calls_use_the_router_as_it_was_at_the_mount() {
    let seen: Seen = Arc::default();
    let (router, api) = base();
    let app = router
        .mount_http("/mcp", config(api))
        .layer(middleware::from_fn_with_state(seen.clone(), record));
    let result = call(&app, "get_item", json!({"name": "x"})).await;
    assert_eq!(result["structuredContent"]["name"], "x");
    assert_eq!(seen.lock().unwrap().clone(), ["POST /mcp"]);
}

#[tokio::test]
async fn the_hosts_auth_layer_refuses_mcp_requests_without_a_token() {
    let (app, seen) = app();
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
    let (status, _, _) = post_mcp(&app, list.clone(), &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = post_mcp(&app, list, &[("authorization", "Bearer wrong")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Nothing reached an endpoint: only the two refused MCP requests were recorded.
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn the_callers_token_reaches_the_handler_and_nothing_else_is_forwarded() {
    let (app, _) = app();
    let reply = post_mcp(
        &app,
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
               "params": {"name": "whoami", "arguments": {}}}),
        &[AUTH, ("cookie", "session=1"), ("x-other", "no")],
    )
    .await;
    let result = reply::message(&reply.2)["result"].clone();
    assert_eq!(
        result["structuredContent"],
        json!({"authorization": "Bearer secret", "tool": "whoami"})
    );
}

#[tokio::test]
async fn the_mount_answers_at_exactly_its_path_and_other_routes_are_untouched() {
    let (app, _) = app();
    let get = |uri: &str| {
        axum::http::Request::get(uri)
            .header(header::AUTHORIZATION, "Bearer secret")
            .body(Body::empty())
            .unwrap()
    };
    let response = app.clone().oneshot(get("/items/plain")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = app.clone().oneshot(get("/mcp/")).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.headers().get(header::LOCATION).is_none());
}

#[tokio::test]
async fn a_tool_calls_answer_is_handed_over_in_the_poll_after_the_one_that_made_it() {
    let (app, _) = app();
    let params = mcp_test_support::protocol::with_modern_meta(
        json!({"name": "get_item", "arguments": {"name": "x"}}),
    );
    let message = mcp_test_support::protocol::request(1, "tools/call", params.clone());
    let mut headers = mcp_test_support::protocol::modern_headers("tools/call", &params);
    headers.push(AUTH);
    let request = support::mcp_request(&message, &headers);
    // The handler answers at once, so the whole call is made in the first poll; the answer
    // waits for the next one, which the endpoint asked for by waking its task.
    let mut answering = Box::pin(app.oneshot(request));
    let mut polls = 0;
    let response = std::future::poll_fn(|cx| {
        polls += 1;
        answering.as_mut().poll(cx)
    })
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(polls, 2);
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let reply: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(reply["result"]["structuredContent"]["name"], "x", "{reply}");
}
