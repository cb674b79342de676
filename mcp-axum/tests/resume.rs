//! Resuming an SSE stream with `Last-Event-ID` over real TCP: a client whose connection drops
//! before a tool call's answer gets the answer — once — by resuming the stream from the last
//! event it saw: from the session's replay buffer while the call runs, and from the
//! `event_store` the mount was given after the answer was sent.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::Router;
use mcp_axum::{
    McpConfig, RouterExt,
    curated::{CallContext, CuratedTool},
    event_store::{EventId, EventStore, EventStoreError, EventStream, ServerSseMessage},
};
use mcp_test_support::{protocol, tcp::Endpoint};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// The version whose streams open with a priming event: an id to resume from before anything
/// else is sent.
const VERSION: &str = "2025-11-25";

/// Answers after 400 ms.
fn slow_tool() -> CuratedTool {
    CuratedTool::new(
        "slow",
        "Answers after a while",
        |_: serde_json::Map<String, Value>, _: CallContext| async move {
            tokio::time::sleep(Duration::from_millis(400)).await;
            Ok("done".to_owned())
        },
    )
}

async fn serve(config: McpConfig) -> Endpoint {
    let app = Router::new().mount_http("/mcp", config.tool(slow_tool()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Endpoint::new(address, "/mcp")
}

fn config() -> McpConfig {
    McpConfig::from_json(
        json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}),
    )
}

/// The SSE events read from `stream` until `enough` says so: (id, data), data `Null` for an
/// event without any (the priming event).
async fn read_events(
    stream: &mut TcpStream,
    enough: impl Fn(&[(String, Value)]) -> bool,
) -> Vec<(String, Value)> {
    let mut raw = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let events = parse(&raw);
        if enough(&events) {
            return events;
        }
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk)).await;
        let read = read
            .unwrap_or_else(|_| panic!("no more within 5 s: {}", String::from_utf8_lossy(&raw)))
            .unwrap();
        assert!(
            read > 0,
            "the stream ended early: {}",
            String::from_utf8_lossy(&raw)
        );
        raw.extend_from_slice(&chunk[..read]);
    }
}

/// (id, data) of each complete SSE event in a raw HTTP response.
fn parse(raw: &[u8]) -> Vec<(String, Value)> {
    let text = String::from_utf8_lossy(raw);
    let mut events = Vec::new();
    let (mut id, mut data, mut fields) = (String::new(), String::new(), 0);
    for line in text.split('\n').map(|l| l.trim_end_matches('\r')) {
        if let Some(value) = line.strip_prefix("id:") {
            id = value.trim().to_owned();
            fields += 1;
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push_str(value.trim_start());
            fields += 1;
        } else if line.is_empty() && fields > 0 {
            let value = serde_json::from_str(&data).unwrap_or(Value::Null);
            events.push((std::mem::take(&mut id), value));
            data.clear();
            fields = 0;
        }
    }
    events
}

fn answers(events: &[(String, Value)]) -> usize {
    events
        .iter()
        .filter(|(_, e)| e["id"] == 5 && e.get("result").is_some())
        .count()
}

/// Open a session, start the slow call, drop the connection after its first event, wait
/// `away`, and resume from that event's id; the events before the break and those of the
/// resumed stream.
async fn drop_and_resume(
    endpoint: &Endpoint,
    away: Duration,
) -> (Vec<(String, Value)>, Vec<(String, Value)>) {
    let initialize = protocol::request(
        1,
        "initialize",
        json!({"protocolVersion": VERSION,
        "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}),
    );
    let response = endpoint
        .exchange("POST", &[], &initialize.to_string())
        .await;
    let session = mcp_test_support::tcp::header(&response, "mcp-session-id")
        .unwrap()
        .to_owned();
    let headers = [
        ("Mcp-Session-Id", session.as_str()),
        ("MCP-Protocol-Version", VERSION),
    ];
    let initialized = protocol::initialized().to_string();
    let response = endpoint.exchange("POST", &headers, &initialized).await;
    assert!(response.starts_with("HTTP/1.1 202"), "{response}");

    let call = protocol::request(5, "tools/call", json!({"name": "slow", "arguments": {}}));
    let call = call.to_string();
    let mut first = TcpStream::connect(endpoint.address()).await.unwrap();
    let request = format!(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nMcp-Session-Id: {session}\r\n\
         MCP-Protocol-Version: {VERSION}\r\nContent-Length: {}\r\n\r\n{call}",
        call.len()
    );
    first.write_all(request.as_bytes()).await.unwrap();
    let before = read_events(&mut first, |events| !events.is_empty()).await;
    drop(first); // the connection breaks before the answer

    let (last, _) = before.last().unwrap().clone();
    assert!(
        !last.is_empty(),
        "the first event carries an id to resume from: {before:?}"
    );
    tokio::time::sleep(away).await;
    let mut resumed = TcpStream::connect(endpoint.address()).await.unwrap();
    let request = format!(
        "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\
         Mcp-Session-Id: {session}\r\nMCP-Protocol-Version: {VERSION}\r\n\
         Last-Event-ID: {last}\r\n\r\n"
    );
    resumed.write_all(request.as_bytes()).await.unwrap();
    let after = read_events(&mut resumed, |events| answers(events) > 0).await;
    (before, after)
}

fn assert_the_answer_came_once(before: &[(String, Value)], after: &[(String, Value)]) {
    assert_eq!(answers(before), 0, "{before:?}");
    assert_eq!(answers(after), 1, "{after:?}");
    let (id, answer) = after.iter().find(|(_, e)| e["id"] == 5).unwrap();
    assert_eq!(answer["result"]["content"][0]["text"], "done");
    assert!(
        !id.is_empty() && before.iter().all(|(seen, _)| seen != id),
        "{before:?} {after:?}"
    );
}

/// Back before the answer: the session's own replay buffer (rmcp's) serves the resumed stream.
/// rmcp drops that buffer once a call's answer is sent, even to a dropped connection; replays
/// after that need an event store (below).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_dropped_during_the_call_resumes_from_the_sessions_buffer() {
    let endpoint = serve(config()).await;
    let (before, after) = drop_and_resume(&endpoint, Duration::from_millis(50)).await;
    assert_the_answer_came_once(&before, &after);
}

/// Every event in memory, in order, as a store shared by replicas would keep them.
#[derive(Default)]
struct Remembered {
    events: Mutex<Vec<(EventId, String, ServerSseMessage)>>,
    replays: Mutex<Vec<EventId>>,
}

#[async_trait::async_trait]
impl EventStore for Remembered {
    async fn store_event(
        &self,
        stream_id: &str,
        event: &ServerSseMessage,
    ) -> Result<EventId, EventStoreError> {
        let mut events = self.events.lock().unwrap();
        let id = format!("e{}", events.len());
        events.push((id.clone(), stream_id.to_owned(), event.clone()));
        Ok(id)
    }

    async fn replay_events_after(&self, last: &str) -> Result<EventStream, EventStoreError> {
        self.replays.lock().unwrap().push(last.to_owned());
        let events = self.events.lock().unwrap();
        let at = events
            .iter()
            .position(|(id, _, _)| id == last)
            .ok_or("unknown event id")?;
        let stream = events[at].1.clone();
        let later: Vec<ServerSseMessage> = events[at + 1..]
            .iter()
            .filter(|(_, s, _)| *s == stream)
            .map(|(id, _, event)| {
                let mut event = event.clone();
                event.event_id = Some(id.clone());
                event
            })
            .collect();
        Ok(Box::pin(futures::stream::iter(later)))
    }
}

/// Back after the answer was sent to nobody: the event store replays it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_dropped_until_after_the_answer_resumes_through_the_event_store() {
    let store = Arc::new(Remembered::default());
    let endpoint = serve(config().event_store(store.clone())).await;
    let (before, after) = drop_and_resume(&endpoint, Duration::from_millis(800)).await;
    assert_the_answer_came_once(&before, &after);
    // The replay came from the store, from the id the client gave.
    let replays = store.replays.lock().unwrap().clone();
    assert_eq!(replays, [before.last().unwrap().0.clone()]);
}
