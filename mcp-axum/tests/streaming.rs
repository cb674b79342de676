//! Endpoints that stream their answer (JSON lines, server-sent events): the client sees each
//! message as progress and log notifications while the endpoint runs, then the whole result.

mod support;

use std::time::Duration;

use axum::{Router, body::Body, http::header, response::Response};
use futures::StreamExt;
use mcp_axum::{McpConfig, RouterExt};
use serde_json::{Value, json};
use support::post_mcp;
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Three JSON lines, 20 ms apart, split across chunk boundaries.
#[utoipa::path(get, path = "/feed", operation_id = "feed",
    responses((status = 200, content_type = "application/x-ndjson", body = String)))]
async fn feed() -> Response {
    let chunks = ["{\"n\":1}\n{\"n\"", ":2}\n", "{\"n\":3}"];
    let stream = futures::stream::iter(chunks).then(|chunk| async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
        Ok::<_, std::io::Error>(chunk)
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .body(Body::from_stream(stream))
        .unwrap()
}

/// Two server-sent events.
#[utoipa::path(get, path = "/events", operation_id = "events",
    responses((status = 200, content_type = "text/event-stream", body = String)))]
async fn events() -> Response {
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .body(Body::from(
            "event: tick\ndata: first\n\ndata: second\r\n\r\n",
        ))
        .unwrap()
}

#[derive(OpenApi)]
struct ApiDoc;

fn app() -> Router {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(feed))
        .routes(routes!(events))
        .split_for_parts();
    router.mount_http("/mcp", McpConfig::new(api).stateless())
}

/// Every JSON-RPC message of an SSE reply, in order.
async fn call_streaming(app: &Router, tool: &str) -> Vec<Value> {
    let (_, _, body) = post_mcp(
        app,
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
               "params": {"name": tool, "arguments": {}, "_meta": {"progressToken": 9}}}),
        &[],
    )
    .await;
    body.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .filter_map(|d| serde_json::from_str(d.trim()).ok())
        .collect()
}

#[tokio::test]
async fn json_lines_reach_the_client_as_progress_and_log_messages_before_the_result() {
    let messages = call_streaming(&app(), "feed").await;
    let progress: Vec<&Value> = messages
        .iter()
        .filter(|m| m["method"] == "notifications/progress")
        .collect();
    let logs: Vec<&Value> = messages
        .iter()
        .filter(|m| m["method"] == "notifications/message")
        .collect();
    assert_eq!(progress.len(), 3, "{messages:?}");
    assert_eq!(progress[0]["params"]["progressToken"], 9);
    assert_eq!(progress[1]["params"]["progress"], 2.0);
    assert_eq!(progress[1]["params"]["message"], "{\"n\":2}");
    let data: Vec<&Value> = logs.iter().map(|m| &m["params"]["data"]).collect();
    assert_eq!(data, [&json!({"n": 1}), &json!({"n": 2}), &json!({"n": 3})]);
    let last = messages.last().unwrap();
    assert_eq!(
        last["result"]["content"][0]["text"], "{\"n\":1}\n{\"n\":2}\n{\"n\":3}",
        "the result comes last, with the whole body"
    );
}

#[tokio::test]
async fn server_sent_events_are_relayed_one_event_at_a_time() {
    let messages = call_streaming(&app(), "events").await;
    let relayed: Vec<&Value> = messages
        .iter()
        .filter(|m| m["method"] == "notifications/progress")
        .map(|m| &m["params"]["message"])
        .collect();
    assert_eq!(relayed, [&json!("first"), &json!("second")]);
    assert!(messages.last().unwrap()["result"].is_object());
}
