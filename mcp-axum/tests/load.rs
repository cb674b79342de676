//! Load with nothing lost, over real TCP: many clients of both protocol eras at once, each call
//! with arguments of its own that the handler echoes back, with calls that time out and calls
//! the client cancels mixed in. Every answer must belong to its own request (its id and its
//! echo), every request must be answered, and the mount must keep serving afterwards.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use axum::{Json, Router, extract::Path, routing::get};
use mcp_axum::{McpConfig, RouterExt};
use mcp_test_support::{
    protocol::{self, session_headers},
    reply,
    tcp::Endpoint,
};
use serde_json::{Value, json};
use tokio::net::TcpListener;

const CLIENTS: u64 = 24;
const CALLS: u64 = 30;

fn api() -> utoipa::openapi::OpenApi {
    serde_json::from_value(json!({
        "openapi": "3.1.0",
        "info": {"title": "load", "version": "1"},
        "paths": {
            "/echo/{word}": {"get": {"operationId": "echo",
                "parameters": [{"name": "word", "in": "path", "required": true,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the word", "content": {"application/json":
                    {"schema": {"type": "object", "properties": {"word": {"type": "string"}}}}}}}}},
            "/slow": {"get": {"operationId": "slow",
                "responses": {"200": {"description": "late"}}}},
            "/slower": {"get": {"operationId": "slower",
                "responses": {"200": {"description": "later"}}}}
        }
    }))
    .unwrap()
}

async fn serve() -> Endpoint {
    let config = McpConfig::new(api()).tool_timeout("slow", Duration::from_millis(150));
    let app = Router::new()
        .route(
            "/echo/{word}",
            get(|Path(word): Path<String>| async move { Json(json!({"word": word})) }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        )
        // No time limit of its own: only the client's cancellation ends it early.
        .route(
            "/slower",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                "later"
            }),
        )
        .mount_http("/mcp", config);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Endpoint::new(address, "/mcp")
}

/// The JSON-RPC message in a raw HTTP response.
fn message_of(response: &str) -> Value {
    let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP response");
    assert!(head.starts_with("HTTP/1.1 200"), "{response}");
    reply::message(body)
}

/// What the calls of one client came to.
#[derive(Default)]
struct Tally {
    echoed: AtomicUsize,
    timed_out: AtomicUsize,
    cancelled: AtomicUsize,
}

async fn client(mcp: Endpoint, number: u64, session: Option<String>, tally: Arc<Tally>) {
    for call in 0..CALLS {
        let id = number * 1_000 + call;
        let word = format!("c{number}-{call}-\u{e9}");
        // In a session, every other slow call is one the client cancels while it runs.
        let cancel = session.is_some() && call % 20 == 9;
        let (tool, arguments) = match call % 10 {
            9 if cancel => ("slower", json!({})),
            9 => ("slow", json!({})),
            _ => ("echo", json!({"word": word})),
        };
        let params = json!({"name": tool, "arguments": arguments});
        let (body, headers): (String, Vec<(&str, String)>) = match &session {
            Some(session) => (
                protocol::request(id, "tools/call", params).to_string(),
                session_headers(session)
                    .iter()
                    .map(|(name, value)| (*name, value.to_string()))
                    .collect(),
            ),
            None => {
                let params = protocol::with_modern_meta(params);
                let headers = vec![
                    ("mcp-protocol-version", "2026-07-28".to_string()),
                    ("mcp-method", "tools/call".to_string()),
                    ("mcp-name", tool.to_string()),
                ];
                (
                    protocol::request(id, "tools/call", params).to_string(),
                    headers,
                )
            }
        };
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let (response, ()) = tokio::join!(mcp.exchange("POST", &headers, &body), async {
            if cancel {
                tokio::time::sleep(Duration::from_millis(40)).await;
                let notice = json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                                    "params": {"requestId": id, "reason": "load test"}});
                let answer = mcp.exchange("POST", &headers, &notice.to_string()).await;
                assert!(answer.starts_with("HTTP/1.1 202"), "{answer}");
            }
        });
        let message = message_of(&response);
        assert_eq!(message["id"], id, "an answer to another request: {message}");
        if tool == "echo" {
            let text = message["result"]["content"][0]["text"]
                .as_str()
                .unwrap_or_default();
            let echo: Value = serde_json::from_str(text).unwrap_or(Value::Null);
            assert_eq!(
                echo["word"],
                word.as_str(),
                "another call's echo: {message}"
            );
            tally.echoed.fetch_add(1, Ordering::Relaxed);
        } else if cancel {
            assert!(message["error"]["message"].is_string(), "{message}");
            tally.cancelled.fetch_add(1, Ordering::Relaxed);
        } else {
            let text = message["result"]["content"][0]["text"]
                .as_str()
                .unwrap_or_default();
            assert!(text.contains("timed out after 150ms"), "{message}");
            tally.timed_out.fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_clients_of_both_eras_lose_nothing() {
    let mcp = serve().await;
    let tally = Arc::new(Tally::default());
    let mut clients = Vec::new();
    for number in 1..=CLIENTS {
        // Half the clients hold a 2025-11-25 session, half are stateless 2026-07-28 clients.
        let session = match number % 2 {
            0 => Some(mcp.open_session().await),
            _ => None,
        };
        clients.push(tokio::spawn(client(
            mcp.clone(),
            number,
            session,
            tally.clone(),
        )));
    }
    for client in clients {
        client
            .await
            .expect("every client finished without a failed check");
    }
    let (echoed, timed_out, cancelled) = (
        tally.echoed.load(Ordering::Relaxed),
        tally.timed_out.load(Ordering::Relaxed),
        tally.cancelled.load(Ordering::Relaxed),
    );
    let calls = (CLIENTS * CALLS) as usize;
    assert_eq!(echoed + timed_out + cancelled, calls, "every call answered");
    assert_eq!(echoed, calls * 9 / 10);
    assert!(
        timed_out > 0 && cancelled > 0,
        "{timed_out} timed out, {cancelled} cancelled"
    );
    // Still serving, sessions and all.
    let session = mcp.open_session().await;
    let call = protocol::request(
        1,
        "tools/call",
        json!({"name": "echo", "arguments": {"word": "after"}}),
    );
    let answer = message_of(
        &mcp.exchange("POST", &session_headers(&session), &call.to_string())
            .await,
    );
    assert!(
        answer["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("after"),
        "{answer}"
    );
}
