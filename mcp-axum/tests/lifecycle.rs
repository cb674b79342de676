//! The mount over real TCP: sessions, idle expiry and graceful shutdown with open streams.

use std::time::Duration;

use axum::{Router, routing::get};
use mcp_axum::{McpConfig, RouterExt};
use mcp_test_support::{
    protocol::{self, session_headers},
    tcp::{Endpoint, header},
};
use tokio::{io::AsyncReadExt, net::TcpListener, sync::oneshot, task::JoinHandle};

fn api() -> utoipa::openapi::OpenApi {
    serde_json::from_value(serde_json::json!({
        "openapi": "3.1.0",
        "info": {"title": "ping", "version": "1"},
        "paths": {"/ping": {"get": {"operationId": "ping",
            "responses": {"200": {"description": "pong"}}}}}
    }))
    .unwrap()
}

struct Server {
    mcp: Endpoint,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

async fn serve(config: McpConfig) -> Server {
    let shutdown = config.shutdown_handle();
    let app = Router::new()
        .route("/ping", get(|| async { "pong" }))
        .mount_http("/mcp", config);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown.after(async {
                let _ = stopped.await;
            }))
            .await
            .unwrap();
    });
    Server {
        mcp: Endpoint::new(address, "/mcp"),
        stop: Some(stop),
        task,
    }
}

fn list() -> String {
    protocol::request(2, "tools/list", serde_json::json!({})).to_string()
}

#[tokio::test]
async fn a_stateful_session_lists_tools_and_unknown_sessions_get_404() {
    let server = serve(McpConfig::new(api())).await;
    let session = server.mcp.open_session().await;
    let response = server
        .mcp
        .exchange("POST", &session_headers(&session), &list())
        .await;
    assert!(response.contains(r#""name":"ping""#), "{response}");

    let headers = session_headers("no-such-session");
    let response = server.mcp.exchange("POST", &headers, &list()).await;
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
}

#[tokio::test]
async fn idle_sessions_expire() {
    let server =
        serve(McpConfig::new(api()).session_idle_timeout(Duration::from_millis(200))).await;
    // `initialize` alone: a loaded machine cannot let the timeout pass inside the opening.
    let session = server.mcp.initialize_only().await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let response = server
        .mcp
        .exchange("POST", &session_headers(&session), &list())
        .await;
    assert!(
        response.starts_with("HTTP/1.1 404"),
        "an expired session must be gone: {response}"
    );
}

#[tokio::test]
async fn graceful_shutdown_ends_open_streams_and_the_server_exits_promptly() {
    let mut server = serve(McpConfig::new(api())).await;
    let session = server.mcp.open_session().await;

    // A client's standing GET stream: without the shutdown handle it would keep
    // `with_graceful_shutdown` waiting forever.
    let mut stream = server.mcp.open_event_stream(&session).await;

    let started = std::time::Instant::now();
    server.stop.take().unwrap().send(()).unwrap();
    let mut rest = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest))
        .await
        .expect("the open SSE stream ended")
        .unwrap();
    tokio::time::timeout(Duration::from_secs(5), server.task)
        .await
        .expect("the server exited")
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn sessions_beyond_the_limit_get_503_until_one_ends() {
    let server = serve(McpConfig::new(api()).max_sessions(1)).await;
    let session = server.mcp.open_session().await;
    let initialize = protocol::initialize().to_string();
    let response = server.mcp.exchange("POST", &[], &initialize).await;
    assert!(response.starts_with("HTTP/1.1 503"), "{response}");
    assert_eq!(header(&response, "retry-after"), Some("5"));
    assert!(response.contains("1 open sessions"), "{response}");
    // Stateless requests are not sessions: a 2026-07-28 client is still served.
    let params = protocol::with_modern_meta(serde_json::json!({}));
    let discover = protocol::request(3, "server/discover", params.clone()).to_string();
    let modern = protocol::modern_headers("server/discover", &params);
    let response = server.mcp.exchange("POST", &modern, &discover).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let response = server
        .mcp
        .exchange("DELETE", &session_headers(&session), "")
        .await;
    assert!(response.starts_with("HTTP/1.1 204"), "{response}");
    server.mcp.open_session().await;
}

/// Clients that ask for a large answer and never read it hold only their own connections: the
/// server keeps answering everyone else.
#[tokio::test]
async fn clients_that_never_read_do_not_hold_up_the_others() {
    // 450 operations with long descriptions: a tools/list of about 5.5 MB, more than the socket
    // buffers of a connection nobody reads can take (4 MB at most for the sender's here).
    let mut paths = serde_json::Map::new();
    for n in 0..450 {
        paths.insert(
            format!("/items{n}"),
            serde_json::json!({"get": {"operationId": format!("item{n}"),
                "description": "words ".repeat(2_000),
                "responses": {"200": {"description": "ok"}}}}),
        );
    }
    let api = serde_json::from_value(serde_json::json!({
        "openapi": "3.1.0", "info": {"title": "big", "version": "1"}, "paths": paths
    }))
    .unwrap();
    let server = serve(McpConfig::new(api).stateless().json_responses()).await;
    let address = server.mcp.address();
    let list = list();
    let request = format!(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nContent-Length: {}\r\n\r\n{list}",
        list.len()
    );
    let mut silent = Vec::new();
    for _ in 0..4 {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        tokio::io::AsyncWriteExt::write_all(&mut stream, request.as_bytes())
            .await
            .unwrap();
        silent.push(stream); // never read
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Everyone else is answered (`exchange` fails the test past 5 s).
    let ping = protocol::request(3, "ping", serde_json::json!({})).to_string();
    for _ in 0..3 {
        let response = server.mcp.exchange("POST", &[], &ping).await;
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(response.contains(r#""id":3"#), "{response}");
    }
    drop(silent);
}

/// The soft limit on open files of this process (`Max open files` in /proc/self/limits).
fn open_files_limit() -> usize {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let line = limits.lines().find(|l| l.starts_with("Max open files"));
    let soft = line.and_then(|l| l.split_whitespace().nth(3));
    soft.and_then(|n| n.parse().ok()).unwrap_or(1024)
}

fn open_files() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, Iterator::count)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_open_event_streams_leave_the_host_serving_and_close_cleanly() {
    use futures::StreamExt;

    // Each stream is two descriptors here (client and server side); stay well inside the limit.
    let streams = 2_000.min(open_files_limit().saturating_sub(512) / 2);
    let server = serve(McpConfig::new(api())).await;
    let before = open_files();
    let endpoint = &server.mcp;
    let open: Vec<_> = futures::stream::iter(0..streams)
        .map(|_| async move {
            let session = endpoint.open_session().await;
            endpoint.open_event_stream(&session).await
        })
        .buffer_unordered(64)
        .collect()
        .await;
    assert_eq!(open.len(), streams);

    // With every stream open, the app and the MCP endpoint still answer at once (`exchange`
    // fails past 5 s): a REST route, a new session and a tool call in it.
    let mut ping = tokio::net::TcpStream::connect(endpoint.address())
        .await
        .unwrap();
    let request = "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    tokio::io::AsyncWriteExt::write_all(&mut ping, request.as_bytes())
        .await
        .unwrap();
    let mut answer = String::new();
    ping.read_to_string(&mut answer).await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with("pong"),
        "{answer}"
    );
    let session = endpoint.open_session().await;
    let call = protocol::request(9, "tools/call", serde_json::json!({"name": "ping"}));
    let response = endpoint
        .exchange("POST", &session_headers(&session), &call.to_string())
        .await;
    assert!(response.contains(r#""id":9"#), "{response}");

    // Clients hang up: the server lets go of every connection.
    drop(open);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while open_files() > before + 64 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        open_files() <= before + 64,
        "{} descriptors open after {streams} streams closed, {before} before",
        open_files()
    );
}
