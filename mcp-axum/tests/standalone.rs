//! `StandaloneMcp`: the MCP endpoint as a Router of its own, with its own layers, reaching the
//! API's Router in-process or an API served on a loopback port over HTTP.

mod support;

use axum::{
    Json, Router,
    body::Body,
    extract::{Path, Request},
    http::{StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use mcp_axum::{McpConfig, StandaloneMcp};
use mcp_web_remote::RemoteApi;
use serde_json::{Value, json};
use support::{Seen, post_mcp, record, rpc_with};
use tower::ServiceExt;

async fn get_item(Path(name): Path<String>) -> Json<Value> {
    Json(json!({"name": name}))
}

/// Echoes the Authorization header the API received.
async fn whoami(request: Request) -> Json<Value> {
    let auth = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap().to_string());
    Json(json!({"authorization": auth}))
}

fn config() -> McpConfig {
    McpConfig::from_json(mcp_test_support::documents::items_document())
        .stateless()
        .json_responses()
}

/// The host's auth, the same on both apps.
async fn require_token(request: Request, next: Next) -> Response {
    match request.headers().get(header::AUTHORIZATION) {
        Some(value) if value == "Bearer secret" => next.run(request).await,
        _ => (StatusCode::UNAUTHORIZED, "missing or bad token").into_response(),
    }
}

/// The API with its own layers: auth, and a recorder of what reaches it.
fn api(seen: &Seen) -> Router {
    Router::new()
        .route("/items/{name}", get(get_item))
        .route("/whoami", get(whoami))
        .layer(middleware::from_fn(require_token))
        .layer(middleware::from_fn_with_state(seen.clone(), record))
}

/// The MCP app's own layers: the same auth, and its own recorder.
fn with_layers(mcp: Router, seen: &Seen) -> Router {
    mcp.layer(middleware::from_fn(require_token))
        .layer(middleware::from_fn_with_state(seen.clone(), record))
}

const AUTH: (&str, &str) = ("authorization", "Bearer secret");

async fn call(app: &Router, tool: &str, arguments: Value) -> Value {
    let params = json!({"name": tool, "arguments": arguments});
    let reply = rpc_with(app, "tools/call", params, &[AUTH]).await;
    reply["result"].clone()
}

async fn status_of_get(app: &Router, uri: &str) -> StatusCode {
    let request = axum::http::Request::get(uri)
        .header("authorization", "Bearer secret")
        .body(Body::empty())
        .unwrap();
    app.clone().oneshot(request).await.unwrap().status()
}

#[tokio::test]
async fn in_process_tool_calls_go_through_the_api_router_and_its_layers() {
    let (api_seen, mcp_seen) = (Seen::default(), Seen::default());
    let mcp = StandaloneMcp::new("/mcp", config())
        .in_process(api(&api_seen))
        .unwrap();
    let mcp = with_layers(mcp, &mcp_seen);

    let result = call(&mcp, "get_item", json!({"name": "a/b"})).await;
    assert_eq!(result["isError"], false, "{result}");
    assert_eq!(result["structuredContent"], json!({"name": "a/b"}));
    // In-process, the caller's token is forwarded, as in a mount: the API's auth let it in.
    let who = call(&mcp, "whoami", json!({})).await;
    assert_eq!(who["structuredContent"]["authorization"], "Bearer secret");

    assert_eq!(*mcp_seen.lock().unwrap(), ["POST /mcp", "POST /mcp"]);
    assert_eq!(
        *api_seen.lock().unwrap(),
        ["GET /items/a%2Fb", "GET /whoami"]
    );
}

#[tokio::test]
async fn the_api_routes_are_not_served_by_the_mcp_app() {
    let seen = Seen::default();
    let api = api(&seen);
    let mcp = StandaloneMcp::new("/mcp", config())
        .in_process(api.clone())
        .unwrap();
    assert_eq!(status_of_get(&api, "/items/a").await, StatusCode::OK);
    assert_eq!(status_of_get(&mcp, "/items/a").await, StatusCode::NOT_FOUND);
    assert_eq!(status_of_get(&mcp, "/whoami").await, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_mcp_apps_own_layers_guard_the_endpoint() {
    let seen = Seen::default();
    let mcp = StandaloneMcp::new("/mcp", config())
        .in_process(api(&seen))
        .unwrap();
    let mcp = with_layers(mcp, &seen);
    let list = mcp_test_support::protocol::request(1, "tools/list", json!({}));
    let (status, _, body) = post_mcp(&mcp, list.clone(), &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    // And the endpoint's own Host check, as on a mount.
    let (status, _, body) = post_mcp(&mcp, list, &[AUTH, ("host", "evil.example")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}

#[tokio::test]
async fn the_preview_and_errors_are_those_of_a_mount() {
    let standalone = StandaloneMcp::new("/mcp", config());
    let preview = standalone.preview().unwrap();
    let names: Vec<_> = preview.tools.iter().map(|t| t["name"].clone()).collect();
    assert_eq!(names, [json!("get_item"), json!("whoami")]);
    let error = StandaloneMcp::new("mcp", config())
        .in_process(Router::new())
        .unwrap_err();
    assert!(error.to_string().contains("\"mcp\""), "{error}");
}

#[tokio::test]
async fn over_http_the_callers_token_is_not_forwarded_unless_chosen() {
    let seen = Seen::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let served = api(&seen);
    tokio::spawn(async move { axum::serve(listener, served).await.unwrap() });
    let base = format!("http://{address}");

    let mcp = StandaloneMcp::new("/mcp", config())
        .remote(RemoteApi::new(&base).unwrap())
        .unwrap();
    let refused = call(&mcp, "whoami", json!({})).await;
    assert_eq!(refused["isError"], true, "{refused}");
    assert!(
        refused["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("missing or bad token"),
        "{refused}"
    );

    let forwarding = RemoteApi::new(&base)
        .unwrap()
        .forward_caller_authorization();
    let mcp = StandaloneMcp::new("/mcp", config())
        .remote(forwarding)
        .unwrap();
    let who = call(&mcp, "whoami", json!({})).await;
    assert_eq!(who["structuredContent"]["authorization"], "Bearer secret");
    let item = call(&mcp, "get_item", json!({"name": "a/b"})).await;
    assert_eq!(item["structuredContent"], json!({"name": "a/b"}));
    assert_eq!(
        *seen.lock().unwrap(),
        ["GET /whoami", "GET /whoami", "GET /items/a%2Fb"]
    );
}
