//! Choosing what is exposed, in-process: filters, route maps, hooks, `x-mcp`, and resources read
//! through the same `oneshot` dispatch as tool calls.

mod support;

use std::sync::Arc;

use axum::{
    Json, Router,
    extract::{Path, Query, Request},
    http::{StatusCode, header},
    middleware::{self},
    response::{IntoResponse, Response},
};
use mcp_axum::{
    McpConfig, McpKind, McpResourceRead, McpToolCall, OperationInfo, RouteMap, RouterExt,
};
use serde::Deserialize;
use serde_json::{Value, json};
use support::{Seen, record, rpc_with};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ListQuery {
    /// Only tickets with this status.
    status: Option<String>,
}

/// List tickets.
#[utoipa::path(get, path = "/tickets", operation_id = "list_tickets", tag = "tickets",
    params(ListQuery), responses((status = 200, body = Object)))]
async fn list_tickets(Query(query): Query<ListQuery>) -> Json<Value> {
    Json(json!({"tickets": [1, 2], "status": query.status}))
}

/// Read a ticket.
#[utoipa::path(get, path = "/tickets/{ticket_id}", operation_id = "get_ticket", tag = "tickets",
    params(("ticket_id" = u32, Path, description = "Ticket number")),
    responses((status = 200, body = Object), (status = 404, body = String)))]
async fn get_ticket(Path(ticket_id): Path<u32>, request: Request) -> Response {
    if ticket_id == 404 {
        return (StatusCode::NOT_FOUND, "no such ticket").into_response();
    }
    // Echo the markers the in-process request carries.
    let read = request
        .extensions()
        .get::<McpResourceRead>()
        .map(|r| r.uri.clone());
    let call = request
        .extensions()
        .get::<McpToolCall>()
        .map(|c| c.tool.clone());
    Json(json!({"id": ticket_id, "read": read, "call": call})).into_response()
}

/// Delete a ticket.
#[utoipa::path(delete, path = "/tickets/{ticket_id}", operation_id = "delete_ticket",
    tag = "tickets", params(("ticket_id" = u32, Path)), responses((status = 204)))]
async fn delete_ticket(Path(_ticket_id): Path<u32>) -> StatusCode {
    StatusCode::NO_CONTENT
}

/// The daily report.
#[utoipa::path(get, path = "/reports/daily", operation_id = "daily_report", tag = "reports",
    responses((status = 200, description = "CSV rows", content_type = "text/csv", body = String)))]
async fn daily_report() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/csv")], "day,count\nmon,3\n")
}

/// The logo.
#[utoipa::path(get, path = "/reports/logo", operation_id = "logo", tag = "reports",
    responses((status = 200, content_type = "image/png", body = Vec<u8>)))]
async fn logo() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "image/png")],
        vec![0x89, b'P', b'N', b'G'],
    )
}

/// Server statistics.
#[utoipa::path(get, path = "/admin/stats", operation_id = "admin_stats", tag = "admin",
    responses((status = 200, body = Object)))]
async fn admin_stats() -> Json<Value> {
    Json(json!({"uptime": 1}))
}

/// Close a ticket; documented with its own MCP settings.
#[utoipa::path(post, path = "/tickets/{ticket_id}/close", operation_id = "close_ticket_v2",
    tag = "tickets", params(("ticket_id" = u32, Path)), responses((status = 200, body = Object)),
    extensions(("x-mcp" = json!({"name": "close_ticket", "title": "Close a ticket",
                                  "annotations": {"idempotentHint": true}}))))]
async fn close_ticket(Path(ticket_id): Path<u32>) -> Json<Value> {
    Json(json!({"id": ticket_id, "closed": true}))
}

/// An internal operation hidden by its `x-mcp`.
#[utoipa::path(post, path = "/internal/rebuild", operation_id = "rebuild",
    responses((status = 200, body = Object)), extensions(("x-mcp" = json!({"hidden": true}))))]
async fn rebuild() -> Json<Value> {
    Json(json!({}))
}

#[derive(OpenApi)]
#[openapi(info(title = "Tickets API", version = "1"))]
struct ApiDoc;

fn base() -> (Router, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(list_tickets))
        .routes(routes!(get_ticket, delete_ticket))
        .routes(routes!(close_ticket))
        .routes(routes!(daily_report))
        .routes(routes!(logo))
        .routes(routes!(admin_stats))
        .routes(routes!(rebuild))
        .split_for_parts()
}

/// Mount `configure(config)`, then a recording layer, then bind.
fn app(configure: impl FnOnce(McpConfig) -> McpConfig) -> (Router, Seen) {
    let seen: Seen = Arc::default();
    let (router, api) = base();
    let config = configure(McpConfig::new(api).stateless().json_responses());
    let app = router
        .mount_http("/mcp", config)
        .layer(middleware::from_fn_with_state(seen.clone(), record))
        .with_mcp_calls_through_all_layers();
    (app, seen)
}

/// Reports as resources, single tickets as a template, the rest tools.
fn with_resources(config: McpConfig) -> McpConfig {
    config
        .route_map(
            RouteMap::new()
                .methods(["GET"])
                .pattern("/reports/**")
                .to(McpKind::Resource),
        )
        .route_map(
            RouteMap::new()
                .pattern("/tickets/{ticket_id}")
                .to(McpKind::ResourceTemplate),
        )
}

async fn rpc(app: &Router, method: &str, params: Value) -> Value {
    rpc_with(app, method, params, &[]).await
}

async fn tool_names(app: &Router) -> Vec<String> {
    let reply = rpc(app, "tools/list", json!({})).await;
    let mut names: Vec<String> = reply["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

async fn capabilities(app: &Router) -> Value {
    let reply = rpc(
        app,
        "initialize",
        json!({"protocolVersion": "2025-06-18", "capabilities": {},
               "clientInfo": {"name": "test", "version": "1"}}),
    )
    .await;
    reply["result"]["capabilities"].clone()
}

#[tokio::test]
async fn resources_are_listed_and_announced_only_when_some_exist() {
    let (app, _) = app(with_resources);
    let reply = rpc(&app, "resources/list", json!({})).await;
    assert_eq!(
        reply["result"]["resources"],
        json!([
            {"uri": "resource://tickets-api/reports/daily", "name": "daily_report",
             "title": "The daily report.", "description": "The daily report.", "mimeType": "text/csv"},
            {"uri": "resource://tickets-api/reports/logo", "name": "logo",
             "title": "The logo.", "description": "The logo.", "mimeType": "image/png"}
        ])
    );
    let reply = rpc(&app, "resources/templates/list", json!({})).await;
    let templates = reply["result"]["resourceTemplates"].as_array().unwrap();
    assert_eq!(templates.len(), 1, "{reply}");
    assert_eq!(
        templates[0]["uriTemplate"],
        "resource://tickets-api/tickets/{ticket_id}"
    );
    assert_eq!(templates[0]["name"], "get_ticket");
    assert!(capabilities(&app).await["resources"].is_object());

    // Resources are not tools: the template's operation is gone from tools/list and tools/call.
    assert_eq!(
        tool_names(&app).await,
        [
            "admin_stats",
            "close_ticket",
            "delete_ticket",
            "list_tickets"
        ]
    );
    let reply = rpc(
        &app,
        "tools/call",
        json!({"name": "get_ticket", "arguments": {"ticket_id": 1}}),
    )
    .await;
    assert_eq!(reply["error"]["code"], -32602, "{reply}");

    let (plain, _) = self::app(|config| config);
    assert!(capabilities(&plain).await.get("resources").is_none());
    assert!(capabilities(&plain).await["tools"].is_object());
}

#[tokio::test]
async fn reading_a_resource_goes_through_the_same_in_process_dispatch_as_a_tool_call() {
    let (app, seen) = app(with_resources);
    let uri = "resource://tickets-api/tickets/7";
    let reply = rpc(&app, "resources/read", json!({"uri": uri})).await;
    let contents = &reply["result"]["contents"];
    assert_eq!(contents[0]["uri"], uri, "{reply}");
    assert_eq!(contents[0]["mimeType"], "application/json");
    let body: Value = serde_json::from_str(contents[0]["text"].as_str().unwrap()).unwrap();
    // The URI variable became the path parameter; the handler saw both markers.
    assert_eq!(body, json!({"id": 7, "read": uri, "call": "get_ticket"}));
    // The host layer added after the mount saw the sub-request, exactly like a tool call's.
    assert_eq!(
        seen.lock().unwrap().clone(),
        ["POST /mcp", "GET /tickets/7"]
    );

    let reply = rpc(
        &app,
        "resources/read",
        json!({"uri": "resource://tickets-api/reports/daily"}),
    )
    .await;
    assert_eq!(
        reply["result"]["contents"],
        json!([{"uri": "resource://tickets-api/reports/daily", "mimeType": "text/csv",
                "text": "day,count\nmon,3\n"}])
    );

    let reply = rpc(
        &app,
        "resources/read",
        json!({"uri": "resource://tickets-api/reports/logo"}),
    )
    .await;
    assert_eq!(
        reply["result"]["contents"],
        json!([{"uri": "resource://tickets-api/reports/logo", "mimeType": "image/png",
                "blob": "iVBORw=="}])
    );
}

#[tokio::test]
async fn unknown_uris_missing_records_and_bad_variables_are_json_rpc_errors() {
    let (app, seen) = app(with_resources);
    let reply = rpc(
        &app,
        "resources/read",
        json!({"uri": "resource://tickets-api/nothing/here"}),
    )
    .await;
    let code = reply["error"]["code"].as_i64().unwrap();
    // -32002 for 2025-era peers; rmcp turns it into -32602 for 2026-07-28 ones.
    assert!(code == -32002 || code == -32602, "{reply}");
    assert_eq!(
        reply["error"]["data"]["uri"],
        "resource://tickets-api/nothing/here"
    );
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Unknown resource"),
        "{reply}"
    );
    // Nothing was dispatched for an unknown URI.
    assert_eq!(seen.lock().unwrap().clone(), ["POST /mcp"]);

    let reply = rpc(
        &app,
        "resources/read",
        json!({"uri": "resource://tickets-api/tickets/404"}),
    )
    .await;
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("HTTP 404 Not Found: no such ticket"),
        "{reply}"
    );
    assert_eq!(reply["error"]["data"]["status"], 404);

    let reply = rpc(
        &app,
        "resources/read",
        json!({"uri": "resource://tickets-api/tickets/seven"}),
    )
    .await;
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Invalid arguments for resource"),
        "{reply}"
    );
}

#[tokio::test]
async fn filters_hide_operations_from_tools_list_and_tools_call() {
    let (app, seen) = app(|config| {
        config
            .exclude_tags(["admin"])
            .exclude_methods([axum::http::Method::DELETE])
            .include_paths(["/tickets/**", "/admin/*"])
    });
    assert_eq!(
        tool_names(&app).await,
        ["close_ticket", "get_ticket", "list_tickets"]
    );
    for hidden in ["admin_stats", "delete_ticket", "daily_report"] {
        let reply = rpc(
            &app,
            "tools/call",
            json!({"name": hidden, "arguments": {"ticket_id": 1}}),
        )
        .await;
        assert_eq!(reply["error"]["code"], -32602, "{reply}");
        assert!(
            reply["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Unknown tool"),
            "{reply}"
        );
    }
    // Hidden operations were never dispatched.
    assert!(seen.lock().unwrap().iter().all(|r| r == "POST /mcp"));
}

#[tokio::test]
async fn a_closure_hook_decides_before_the_route_maps() {
    let (app, _) = app(|config| {
        with_resources(config).map_operations(|op: &OperationInfo| {
            if op.tags.iter().any(|t| t == "admin") {
                Some(McpKind::Resource)
            } else if op.path.starts_with("/reports") {
                Some(McpKind::Exclude)
            } else {
                None // falls through to the route maps
            }
        })
    });
    let reply = rpc(&app, "resources/list", json!({})).await;
    let resources = reply["result"]["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 1, "{reply}");
    assert_eq!(resources[0]["uri"], "resource://tickets-api/admin/stats");
    let reply = rpc(
        &app,
        "resources/read",
        json!({"uri": "resource://tickets-api/admin/stats"}),
    )
    .await;
    assert_eq!(
        reply["result"]["contents"][0]["text"], r#"{"uptime":1}"#,
        "{reply}"
    );
    // The route map for single tickets still applies.
    let reply = rpc(&app, "resources/templates/list", json!({})).await;
    assert_eq!(
        reply["result"]["resourceTemplates"][0]["name"],
        "get_ticket"
    );
}

#[tokio::test]
async fn x_mcp_in_a_utoipa_annotation_renames_annotates_and_hides() {
    let (app, _) = app(|config| config);
    let reply = rpc(&app, "tools/list", json!({})).await;
    let tools = reply["result"]["tools"].as_array().unwrap();
    assert!(tools.iter().all(|t| t["name"] != "rebuild"));
    let close = tools.iter().find(|t| t["name"] == "close_ticket").unwrap();
    assert_eq!(close["title"], "Close a ticket");
    assert_eq!(close["annotations"]["idempotentHint"], true);
    let reply = rpc(
        &app,
        "tools/call",
        json!({"name": "close_ticket", "arguments": {"ticket_id": 3}}),
    )
    .await;
    assert_eq!(
        reply["result"]["structuredContent"],
        json!({"id": 3, "closed": true})
    );
}

#[tokio::test]
async fn a_rule_that_cannot_make_a_resource_leaves_a_tool_and_a_warning() {
    let (_, api) = base();
    let config =
        McpConfig::new(api).route_map(RouteMap::new().pattern("/tickets/**").to(McpKind::Resource));
    let preview = config.preview().unwrap();
    let names: Vec<&str> = preview
        .tools
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"delete_ticket"));
    assert!(names.contains(&"close_ticket"));
    let warning = preview
        .warnings
        .iter()
        .find(|w| w.operation == "delete_ticket")
        .unwrap();
    assert!(
        warning
            .reason
            .contains("only GET operations can be resources"),
        "{warning}"
    );
    // list_tickets has only an optional query parameter: a fixed resource that still takes it.
    assert_eq!(
        preview.resources[0]["uri"],
        "resource://tickets-api/tickets"
    );
}
