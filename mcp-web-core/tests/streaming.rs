//! Endpoints that stream their answer (JSON lines, server-sent events): the client sees each
//! message as progress and log notifications while the endpoint runs, then the whole result.

mod support;

use std::{sync::Arc, time::Duration};

use bytes::Bytes;
use futures::StreamExt;
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use mcp_test_support::reply;
use mcp_web_core::{DispatchBody, McpConfig};
use serde_json::{Value, json};
use support::{Mcp, Routes, post_request, respond, streamed};
use tokio::sync::Notify;
use utoipa::OpenApi;

/// Three JSON lines, 20 ms apart, split across chunk boundaries.
#[utoipa::path(get, path = "/feed", operation_id = "feed",
    responses((status = 200, content_type = "application/x-ndjson", body = String)))]
async fn feed(_: Request<Bytes>) -> Response<DispatchBody> {
    let chunks = ["{\"n\":1}\n{\"n\"", ":2}\n", "{\"n\":3}"];
    let chunks = futures::stream::iter(chunks).then(|chunk| async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
        Bytes::from_static(chunk.as_bytes())
    });
    streamed("application/x-ndjson", chunks)
}

/// Two server-sent events.
#[utoipa::path(get, path = "/events", operation_id = "events",
    responses((status = 200, content_type = "text/event-stream", body = String)))]
async fn events(_: Request<Bytes>) -> Response<DispatchBody> {
    respond(
        StatusCode::OK,
        "text/event-stream",
        "event: tick\ndata: first\n\ndata: second\r\n\r\n",
    )
}

/// One JSON line, then a second once the test opens the gate.
#[utoipa::path(get, path = "/gated", operation_id = "gated",
    responses((status = 200, content_type = "application/x-ndjson", body = String)))]
fn gated(gate: Arc<Notify>) -> Response<DispatchBody> {
    let chunks = futures::stream::unfold(0, move |line| {
        let gate = gate.clone();
        async move {
            match line {
                0 => Some((Bytes::from_static(b"{\"line\":1}\n"), 1)),
                1 => {
                    gate.notified().await;
                    Some((Bytes::from_static(b"{\"line\":2}\n"), 2))
                }
                _ => None,
            }
        }
    });
    streamed("application/x-ndjson", chunks)
}

#[derive(OpenApi)]
#[openapi(paths(feed, events, gated))]
struct ApiDoc;

/// The mount; `gate` holds the second line of `/gated` back.
fn mcp_with_gate(gate: Arc<Notify>) -> Mcp {
    let routes = Routes::new()
        .get("/feed", feed)
        .get("/events", events)
        .get("/gated", move |_| {
            let gate = gate.clone();
            async move { gated(gate) }
        });
    Mcp::new(McpConfig::new(ApiDoc::openapi()).stateless(), routes)
}

fn mcp() -> Mcp {
    mcp_with_gate(Arc::default())
}

/// Every JSON-RPC message of an SSE reply, in order.
async fn call_streaming(mcp: &Mcp, tool: &str) -> Vec<Value> {
    mcp.post(
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
               "params": {"name": tool, "arguments": {}, "_meta": {"progressToken": 9}}}),
        &[],
    )
    .await
    .messages()
}

#[tokio::test]
async fn json_lines_reach_the_client_as_progress_and_log_messages_before_the_result() {
    let messages = call_streaming(&mcp(), "feed").await;
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
    let messages = call_streaming(&mcp(), "events").await;
    let relayed: Vec<&Value> = messages
        .iter()
        .filter(|m| m["method"] == "notifications/progress")
        .map(|m| &m["params"]["message"])
        .collect();
    assert_eq!(relayed, [&json!("first"), &json!("second")]);
    assert!(messages.last().unwrap()["result"].is_object());
}

#[tokio::test]
async fn the_first_message_reaches_the_client_while_the_endpoint_still_runs() {
    let gate = Arc::new(Notify::new());
    let mcp = mcp_with_gate(gate.clone());
    let call = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                      "params": {"name": "gated", "arguments": {}, "_meta": {"progressToken": 1}}});
    let mut body = mcp.open(post_request(call, &[])).await.into_body();
    let mut received = String::new();
    // The endpoint waits for the gate after its first line: that line must arrive before.
    let first = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let frame = body.frame().await.expect("the stream is open").unwrap();
            received.push_str(&String::from_utf8_lossy(&frame.into_data().unwrap()));
            let messages = reply::messages(&received);
            if let Some(progress) = messages
                .iter()
                .find(|m| m["method"] == "notifications/progress")
            {
                return progress.clone();
            }
        }
    })
    .await
    .expect("a progress notification before the endpoint finished");
    assert_eq!(first["params"]["message"], "{\"line\":1}");
    gate.notify_one();
    let rest = body.collect().await.unwrap().to_bytes();
    received.push_str(&String::from_utf8_lossy(&rest));
    let result = reply::message(&received);
    assert_eq!(
        result["result"]["content"][0]["text"], "{\"line\":1}\n{\"line\":2}\n",
        "{received}"
    );
}
