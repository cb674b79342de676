//! Curated components on the axum mount: what axum adds around them. Their behaviour (both
//! protocol eras, progress, elicitation, resources, prompts) is tested in
//! `mcp-web-core/tests/curated.rs`.

mod support;

use axum::{Router, extract::Request, middleware, middleware::Next, response::Response};
use mcp_axum::{
    McpConfig, RouterExt,
    curated::{CallContext, CuratedTool},
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use support::rpc_with;
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

/// An item (the one generated tool).
#[utoipa::path(get, path = "/items/{id}", operation_id = "get_item",
    params(("id" = String, Path)), responses((status = 200, body = String)))]
async fn get_item(axum::extract::Path(id): axum::extract::Path<String>) -> String {
    format!("item {id}")
}

#[derive(OpenApi)]
struct ApiDoc;

#[derive(Deserialize, JsonSchema)]
struct NoArguments {}

/// The user a host middleware authenticated.
#[derive(Clone)]
struct User(&'static str);

async fn authenticate(mut request: Request, next: Next) -> Response {
    request.extensions_mut().insert(User("ada"));
    next.run(request).await
}

fn base() -> (Router, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(get_item))
        .split_for_parts()
}

#[tokio::test]
async fn a_layer_added_after_the_mount_reaches_a_curated_handlers_context() {
    let (router, api) = base();
    let config = McpConfig::new(api).stateless().tool(CuratedTool::new(
        "whoami",
        "The authenticated user",
        |_: NoArguments, cx: CallContext| async move {
            let user = cx.extension::<User>().map_or("nobody", |u| u.0);
            let agent = cx
                .headers()
                .and_then(|h| h.get("x-agent"))
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-")
                .to_string();
            Ok(format!("{user} via {agent}"))
        },
    ));
    let app = router
        .mount_http("/mcp", config)
        .layer(middleware::from_fn(authenticate))
        .with_mcp_calls_through_all_layers();
    let reply = rpc_with(
        &app,
        "tools/call",
        json!({"name": "whoami", "arguments": {}}),
        &[("x-agent", "probe")],
    )
    .await;
    assert_eq!(reply["result"]["content"][0]["text"], "ada via probe");
}

#[test]
fn a_curated_name_that_clashes_with_a_generated_tool_is_refused_at_mount() {
    let (router, api) = base();
    let config = McpConfig::new(api).tool(CuratedTool::new(
        "get_item",
        "shadows the generated tool",
        |_: NoArguments, _cx| async move { Ok("no".to_string()) },
    ));
    let error = config.preview().unwrap_err().to_string();
    assert!(error.contains("curated tool 'get_item'"), "{error}");
    let mount = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        router.mount_http("/mcp", config)
    }));
    let panic = mount.unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains("curated tool 'get_item'"), "{message}");
}
