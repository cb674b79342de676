//! OAuth on the axum mount, in-process: the metadata reachable through the host's auth layer,
//! the challenge on the host's 401s, per-tool scopes from the OpenAPI `security` requirements and
//! a curated tool's, per-caller `tools/list`, and the caller's token kept on in-process calls.

mod support;

use axum::{
    Router,
    body::Body,
    extract::Request,
    http::{HeaderMap, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use http_body_util::BodyExt;
use mcp_axum::{
    McpConfig, RouterExt,
    curated::CuratedTool,
    oauth::{CallerScopes, ProtectedResource},
};
use mcp_test_support::{documents, protocol, reply};
use serde_json::{Value, json};
use tower::ServiceExt;

use support::post_mcp;

/// What the host's auth layer leaves for handlers: the scopes of the token.
#[derive(Clone)]
struct Claims {
    scope: String,
}

/// The host's auth: tokens `read` and `write` grant those scopes; anything else is a 401.
async fn host_auth(mut request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let scope = match token {
        Some("Bearer read") => "notes:read",
        Some("Bearer write") => "notes:read notes:write",
        _ => {
            let challenge = [(header::WWW_AUTHENTICATE, "Bearer realm=\"notes\"")];
            return (StatusCode::UNAUTHORIZED, challenge).into_response();
        }
    };
    request.extensions_mut().insert(Claims {
        scope: scope.into(),
    });
    next.run(request).await
}

fn resource() -> ProtectedResource {
    ProtectedResource::new("http://127.0.0.1:3000/mcp")
        .authorization_server("http://127.0.0.1:3020/")
        .scopes_supported(["notes:read", "notes:write"])
        .challenge_scopes(["notes:read"])
}

fn app() -> Router {
    let resource = resource();
    let admin = CuratedTool::new(
        "purge_notes",
        "Delete every note",
        |_: serde_json::Map<String, Value>, _| async { Ok("purged".to_owned()) },
    )
    .scopes(["notes:admin"]);
    let config = McpConfig::from_json(documents::scoped_notes_document())
        .stateless()
        .oauth(resource.clone())
        .caller_scopes(CallerScopes::scope_claim(|c: &Claims| &c.scope))
        .tool(admin);
    // The handler answers with the Authorization it was called with.
    let echo_token = |headers: HeaderMap| async move {
        let token = headers.get(header::AUTHORIZATION).cloned();
        token.map_or_else(String::new, |t| t.to_str().unwrap().to_owned())
    };
    Router::new()
        .route("/notes", get(echo_token).post(echo_token))
        .mount_http("/mcp", config)
        .layer(middleware::from_fn(host_auth))
        .with_oauth_edge(&resource)
        .with_mcp_calls_through_all_layers()
}

async fn call(
    app: &Router,
    method: &str,
    params: Value,
    token: &str,
) -> (StatusCode, HeaderMap, String) {
    let params = protocol::with_modern_meta(params);
    let mut headers = protocol::modern_headers(method, &params);
    let bearer = format!("Bearer {token}");
    headers.push(("authorization", &bearer));
    post_mcp(app, protocol::request(1, method, params.clone()), &headers).await
}

async fn call_tool(app: &Router, tool: &str, token: &str) -> (StatusCode, HeaderMap, String) {
    call(
        app,
        "tools/call",
        json!({"name": tool, "arguments": {}}),
        token,
    )
    .await
}

async fn fetch(app: &Router, uri: &str) -> (StatusCode, HeaderMap, String) {
    let request = Request::get(uri).body(Body::empty()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    (
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

#[tokio::test]
async fn the_metadata_needs_no_token_even_behind_the_auth_layer() {
    let (status, headers, body) = fetch(&app(), "/.well-known/oauth-protected-resource/mcp").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let document: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(document["resource"], "http://127.0.0.1:3000/mcp");
    assert_eq!(
        document["authorization_servers"],
        json!(["http://127.0.0.1:3020/"])
    );
    // Only the resource's own path: the root is served when asked for.
    let (status, _, _) = fetch(&app(), "/.well-known/oauth-protected-resource").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_hosts_401_for_mcp_names_the_metadata_and_keeps_its_own_parameters() {
    let (status, headers, _) = call(&app(), "tools/list", json!({}), "wrong").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let challenge = headers[header::WWW_AUTHENTICATE].to_str().unwrap();
    assert_eq!(
        challenge,
        "Bearer realm=\"notes\", resource_metadata=\"http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp\", scope=\"notes:read\""
    );
    assert_eq!(headers[header::CONNECTION], "close");
    // The API's own 401s stay the host's.
    let (status, headers, _) = fetch(&app(), "/notes").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer realm=\"notes\"");
}

#[tokio::test]
async fn a_read_token_sees_and_calls_read_tools_only() {
    let app = app();
    let (status, _, body) = call(&app, "tools/list", json!({}), "read").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let names = reply::tool_names(&body);
    assert_eq!(names, ["list_notes"]);

    let (status, _, body) = call_tool(&app, "list_notes", "read").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The in-process call carried the caller's token to the same app.
    assert_eq!(
        reply::message(&body)["result"]["content"][0]["text"],
        "Bearer read"
    );

    let (status, headers, body) = call_tool(&app, "create_note", "read").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let challenge = headers[header::WWW_AUTHENTICATE].to_str().unwrap();
    assert!(
        challenge.starts_with("Bearer error=\"insufficient_scope\", scope=\"notes:write\", resource_metadata=\"http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp\""),
        "{challenge}"
    );
    assert!(body.contains("create_note"), "{body}");
}

#[tokio::test]
async fn a_write_token_steps_up_to_the_write_tools_but_not_the_curated_admin_one() {
    let app = app();
    let (_, _, body) = call(&app, "tools/list", json!({}), "write").await;
    let names = reply::tool_names(&body);
    assert_eq!(names, ["list_notes", "create_note"]);

    let (status, _, body) = call_tool(&app, "create_note", "write").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        reply::message(&body)["result"]["content"][0]["text"],
        "Bearer write"
    );

    let (status, headers, _) = call_tool(&app, "purge_notes", "write").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        headers[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .contains("scope=\"notes:admin\"")
    );
}

#[tokio::test]
async fn list_all_tools_lists_what_calls_still_refuse() {
    let config = McpConfig::from_json(documents::scoped_notes_document())
        .stateless()
        .caller_scopes(CallerScopes::scope_claim(|c: &Claims| &c.scope))
        .list_all_tools();
    let app = Router::new()
        .route("/notes", get(|| async { "ok" }).post(|| async { "ok" }))
        .mount_http("/mcp", config)
        .layer(middleware::from_fn(host_auth));
    let (_, _, body) = call(&app, "tools/list", json!({}), "read").await;
    assert_eq!(
        reply::message(&body)["result"]["tools"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Without a ProtectedResource the 403 still names the scope, and no metadata.
    let (status, headers, _) = call_tool(&app, "create_note", "read").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        headers[header::WWW_AUTHENTICATE],
        "Bearer error=\"insufficient_scope\", scope=\"notes:write\""
    );
}

#[tokio::test]
async fn without_the_edge_the_mount_still_serves_the_metadata_when_nothing_wraps_it() {
    let resource = resource();
    let config = McpConfig::from_json(documents::scoped_notes_document())
        .stateless()
        .oauth(resource);
    // Auth in the handlers (none here), no auth layer: the mount's own route answers.
    let app = Router::new()
        .route("/notes", get(|| async { "ok" }))
        .mount_http("/mcp", config);
    let (status, _, body) = fetch(&app, "/.well-known/oauth-protected-resource/mcp").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[test]
fn an_unusable_resource_fails_the_mount_with_the_fix() {
    let config = McpConfig::from_json(documents::scoped_notes_document())
        .oauth(ProtectedResource::new("/mcp"));
    let error = Router::new().try_mount_http("/mcp", config).unwrap_err();
    assert!(
        error.to_string().contains("absolute http(s) URL"),
        "{error}"
    );
}
