//! The mount, in-process: every request goes through `Router::oneshot`, no socket.

mod support;

use std::{sync::Arc, time::Duration};

use axum::{
    Json, Router,
    body::Body,
    extract::{Path, RawQuery, Request},
    http::{HeaderMap, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use mcp_axum::{McpConfig, McpToolCall, RouterExt};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use support::{Seen, message, post_mcp, record, rpc_with};
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
    responses((status = 200, body = Item), (status = 404, body = String)))]
async fn get_item(Path(name): Path<String>) -> Result<Json<Item>, (StatusCode, String)> {
    if name == "missing" {
        return Err((StatusCode::NOT_FOUND, format!("no item {name}")));
    }
    Ok(Json(Item { name, tags: vec![] }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct Search {
    /// Tags to match.
    tag: Option<Vec<String>>,
    limit: Option<u32>,
}

/// Search items; echoes the raw query it received.
#[utoipa::path(get, path = "/items", operation_id = "search_items", params(Search),
    responses((status = 200, body = Object)))]
async fn search_items(RawQuery(query): RawQuery) -> Json<Value> {
    Json(json!({ "query": query }))
}

/// Create an item.
#[utoipa::path(post, path = "/items", operation_id = "create_item", request_body = Item,
    responses((status = 201, body = Item)))]
async fn create_item(Json(item): Json<Item>) -> (StatusCode, Json<Item>) {
    (StatusCode::CREATED, Json(item))
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

/// Always panics.
#[utoipa::path(get, path = "/boom", operation_id = "boom", responses((status = 200, body = String)))]
async fn boom() -> &'static str {
    panic!("boom handler exploded")
}

/// Takes far longer than the configured call timeout.
#[utoipa::path(get, path = "/slow", operation_id = "slow", responses((status = 200, body = String)))]
async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(30)).await;
    "late"
}

/// A tiny PNG-typed answer.
#[utoipa::path(get, path = "/logo", operation_id = "logo",
    responses((status = 200, content_type = "image/png", body = Vec<u8>)))]
async fn logo() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "image/png")],
        vec![0x89, b'P', b'N', b'G'],
    )
}

/// Raw bytes of some other type.
#[utoipa::path(get, path = "/blob", operation_id = "blob",
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>)))]
async fn blob() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/octet-stream")],
        vec![0xff, 0x00, 0xfe],
    )
}

/// Documents an Item but answers something else.
#[utoipa::path(get, path = "/liar", operation_id = "liar", responses((status = 200, body = Item)))]
async fn liar() -> Json<Value> {
    Json(json!({"unexpected": true}))
}

/// A large answer.
#[utoipa::path(get, path = "/big", operation_id = "big", responses((status = 200, body = String)))]
async fn big() -> String {
    "x".repeat(64 * 1024)
}

#[derive(Deserialize, Serialize, ToSchema)]
struct Login {
    user: String,
    remember: bool,
}

/// A form body, echoed as JSON with the content type received.
#[utoipa::path(post, path = "/login", operation_id = "login",
    request_body(content = Login, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, body = Object)))]
async fn login(headers: HeaderMap, axum::Form(form): axum::Form<Login>) -> Json<Value> {
    Json(json!({"content_type": headers[header::CONTENT_TYPE].to_str().unwrap(), "form": form}))
}

/// A text body, echoed.
#[utoipa::path(post, path = "/notes", operation_id = "add_note",
    request_body(content = String, content_type = "text/plain"),
    responses((status = 200, body = String, content_type = "text/plain")))]
async fn add_note(body: String) -> String {
    format!("noted: {body}")
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
        .routes(routes!(search_items, create_item))
        .routes(routes!(whoami))
        .routes(routes!(boom))
        .routes(routes!(slow))
        .routes(routes!(logo))
        .routes(routes!(blob))
        .routes(routes!(liar))
        .routes(routes!(big))
        .routes(routes!(login))
        .routes(routes!(add_note))
        .split_for_parts()
}

fn config(api: utoipa::openapi::OpenApi) -> McpConfig {
    McpConfig::new(api)
        .stateless()
        .json_responses()
        .call_timeout(Duration::from_millis(300))
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

async fn rpc(app: &Router, method: &str, params: Value) -> Value {
    rpc_with(app, method, params, &[AUTH]).await
}

async fn call(app: &Router, tool: &str, arguments: Value) -> Value {
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

fn text(result: &Value) -> String {
    result["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn tools_list_shows_the_documented_operations_but_not_the_mount() {
    let (app, _) = app();
    let reply = rpc(&app, "tools/list", json!({})).await;
    let tools = reply["result"]["tools"].as_array().unwrap();
    let mut names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "add_note",
            "big",
            "blob",
            "boom",
            "create_item",
            "get_item",
            "liar",
            "login",
            "logo",
            "search_items",
            "slow",
            "whoami"
        ]
    );
    let get_item = tools.iter().find(|t| t["name"] == "get_item").unwrap();
    assert_eq!(get_item["description"], "Read one item.");
    assert_eq!(get_item["inputSchema"]["required"], json!(["name"]));
    assert_eq!(
        get_item["inputSchema"]["properties"]["name"]["description"],
        "Item name"
    );
    assert_eq!(
        get_item["outputSchema"]["properties"]["tags"]["type"],
        "array"
    );
    assert_eq!(get_item["annotations"]["readOnlyHint"], true);

    let create = tools.iter().find(|t| t["name"] == "create_item").unwrap();
    assert_eq!(create["inputSchema"]["required"], json!(["name", "tags"]));
    assert_eq!(create["annotations"]["readOnlyHint"], false);
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
    let result = message(&reply.2)["result"].clone();
    assert_eq!(
        result["structuredContent"],
        json!({"authorization": "Bearer secret", "tool": "whoami"})
    );
}

#[tokio::test]
async fn forwarded_headers_are_configurable() {
    let (router, api) = base();
    let app = router.mount_http("/mcp", config(api).forward_headers(["x-tenant"]));
    let reply = post_mcp(
        &app,
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
               "params": {"name": "whoami", "arguments": {}}}),
        &[AUTH, ("x-tenant", "acme")],
    )
    .await;
    // Authorization is no longer on the allowlist.
    assert_eq!(
        message(&reply.2)["result"]["structuredContent"]["authorization"],
        Value::Null
    );
}

#[tokio::test]
async fn query_arrays_repeat_and_absent_optionals_leave_no_trace() {
    let (app, _) = app();
    let result = call(
        &app,
        "search_items",
        json!({"tag": ["red fish", "a&b"], "limit": 5}),
    )
    .await;
    assert_eq!(
        result["structuredContent"]["query"],
        "tag=red%20fish&tag=a%26b&limit=5"
    );
    let result = call(&app, "search_items", json!({})).await;
    assert_eq!(result["structuredContent"]["query"], Value::Null);
}

#[tokio::test]
async fn json_bodies_are_sent_whole() {
    let (app, _) = app();
    let result = call(&app, "create_item", json!({"name": "n", "tags": ["t"]})).await;
    assert_eq!(result["isError"], false);
    assert_eq!(
        result["structuredContent"],
        json!({"name": "n", "tags": ["t"]})
    );
}

#[tokio::test]
async fn non_2xx_answers_are_tool_errors_with_status_and_body() {
    let (app, _) = app();
    let result = call(&app, "get_item", json!({"name": "missing"})).await;
    assert_eq!(result["isError"], true);
    assert_eq!(text(&result), "HTTP 404 Not Found: no item missing");
}

#[tokio::test]
async fn arguments_that_do_not_fit_the_schema_are_tool_errors() {
    let (app, _) = app();
    let result = call(&app, "get_item", json!({})).await;
    assert_eq!(result["isError"], true);
    assert!(
        text(&result).contains("Invalid arguments for tool 'get_item'"),
        "{result}"
    );
    assert!(
        text(&result).contains("\"name\" is a required property"),
        "{result}"
    );

    let result = call(&app, "create_item", json!({"name": 3, "tags": "x"})).await;
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("/name"), "{result}");
    assert!(text(&result).contains("/tags"), "{result}");
}

#[tokio::test]
async fn unknown_tools_and_methods_are_json_rpc_errors() {
    let (app, _) = app();
    let reply = rpc(&app, "tools/call", json!({"name": "nope", "arguments": {}})).await;
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Unknown tool 'nope'")
    );

    let (status, _, body) = post_mcp(
        &app,
        json!({"jsonrpc": "2.0", "id": 1, "method": "no/such/method"}),
        &[AUTH],
    )
    .await;
    let reply = message(&body);
    assert!(
        status.is_client_error() || reply["error"]["code"] == -32601,
        "{status} {body}"
    );
}

#[tokio::test]
async fn malformed_json_and_wrong_content_type_are_refused_clearly() {
    let (app, _) = app();
    for (content_type, body) in [("application/json", "{not json"), ("text/plain", "{}")] {
        let request = axum::http::Request::post("/mcp")
            .header(header::CONTENT_TYPE, content_type)
            .header(header::ACCEPT, "application/json, text/event-stream")
            .header(header::HOST, "localhost")
            .header(header::AUTHORIZATION, "Bearer secret")
            .body(Body::from(body))
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        assert!(
            response.status().is_client_error(),
            "{content_type}: {}",
            response.status()
        );
    }
}

#[tokio::test]
async fn a_panicking_handler_is_a_tool_error_and_the_app_keeps_serving() {
    let (app, _) = app();
    let result = call(&app, "boom", json!({})).await;
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("boom handler exploded"), "{result}");
    let result = call(&app, "get_item", json!({"name": "after"})).await;
    assert_eq!(result["structuredContent"]["name"], "after");
}

#[tokio::test]
async fn a_call_past_its_timeout_is_a_tool_error() {
    let (app, _) = app();
    let result = call(&app, "slow", json!({})).await;
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("timed out"), "{result}");
}

#[tokio::test]
async fn foreign_hosts_are_refused_and_allowed_hosts_are_configurable() {
    let (app, _) = app();
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
    let (status, _, _) = post_mcp(&app, list.clone(), &[AUTH, ("host", "evil.example.com")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (router, api) = base();
    let app = router.mount_http("/mcp", config(api).allowed_hosts(["api.example.com"]));
    let (status, _, _) = post_mcp(&app, list.clone(), &[("host", "api.example.com")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = post_mcp(&app, list, &[("host", "evil.example.com")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn foreign_browser_origins_are_refused_and_allowed_origins_are_configurable() {
    let (app, _) = app();
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
    let post = |app: Router, origin: &'static str| {
        let list = list.clone();
        async move { post_mcp(&app, list, &[AUTH, ("origin", origin)]).await.0 }
    };
    assert_eq!(
        post(app.clone(), "https://evil.example").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(app.clone(), "http://localhost:6274").await,
        StatusCode::OK
    );
    assert_eq!(
        post(app.clone(), "http://127.0.0.1:5173").await,
        StatusCode::OK
    );

    let (router, api) = base();
    let app = router.mount_http(
        "/mcp",
        config(api).allowed_origins(["https://app.example.com:443"]),
    );
    assert_eq!(
        post(app.clone(), "https://app.example.com").await,
        StatusCode::OK
    );
    assert_eq!(
        post(app.clone(), "http://localhost:6274").await,
        StatusCode::FORBIDDEN
    );

    let (router, api) = base();
    let app = router.mount_http("/mcp", config(api).allow_any_origin());
    assert_eq!(post(app, "https://evil.example").await, StatusCode::OK);
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
async fn server_info_comes_from_the_openapi_document() {
    let (app, _) = app();
    let reply = rpc(
        &app,
        "initialize",
        json!({"protocolVersion": "2025-06-18", "capabilities": {},
               "clientInfo": {"name": "test", "version": "1"}}),
    )
    .await;
    assert_eq!(reply["result"]["serverInfo"]["name"], "items");
    assert_eq!(reply["result"]["serverInfo"]["version"], "1.2.3");
    assert!(reply["result"]["capabilities"]["tools"].is_object());
}

#[tokio::test]
async fn images_become_image_content_and_other_bytes_an_embedded_blob() {
    let (app, _) = app();
    let result = call(&app, "logo", json!({})).await;
    assert_eq!(result["content"][0]["type"], "image");
    assert_eq!(result["content"][0]["mimeType"], "image/png");
    assert_eq!(result["content"][0]["data"], "iVBORw==");

    let result = call(&app, "blob", json!({})).await;
    assert_eq!(result["content"][0]["type"], "resource");
    assert_eq!(
        result["content"][0]["resource"]["mimeType"],
        "application/octet-stream"
    );
    assert_eq!(result["content"][0]["resource"]["blob"], "/wD+");
}

#[tokio::test]
async fn an_answer_off_its_documented_schema_still_reaches_the_model_as_text() {
    let (app, _) = app();
    let result = call(&app, "liar", json!({})).await;
    assert_eq!(result["isError"], false);
    assert_eq!(text(&result), r#"{"unexpected":true}"#);
    assert!(result.get("structuredContent").is_none(), "{result}");
}

#[tokio::test]
async fn a_response_over_the_limit_is_a_tool_error() {
    let (router, api) = base();
    let app = router.mount_http("/mcp", config(api).max_response_body_bytes(1024));
    let result = call(&app, "big", json!({})).await;
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("larger than 1024 bytes"), "{result}");
}

#[tokio::test]
async fn form_and_text_bodies_are_encoded_as_documented() {
    let (app, _) = app();
    let result = call(&app, "login", json!({"user": "a b&c", "remember": true})).await;
    assert_eq!(
        result["structuredContent"],
        json!({"content_type": "application/x-www-form-urlencoded",
               "form": {"user": "a b&c", "remember": true}})
    );
    let result = call(&app, "add_note", json!({"body": "hello"})).await;
    assert_eq!(text(&result), "noted: hello");
}
