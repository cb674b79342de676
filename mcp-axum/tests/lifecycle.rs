//! The mount over real TCP: sessions, idle expiry and graceful shutdown with open streams.

use std::time::Duration;

use axum::{Router, routing::get};
use mcp_axum::{McpConfig, RouterExt};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::oneshot,
    task::JoinHandle,
};

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
    address: std::net::SocketAddr,
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
        address,
        stop: Some(stop),
        task,
    }
}

/// One HTTP/1.1 exchange on a fresh connection; returns the raw response.
async fn exchange(server: &Server, method: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    let mut request = format!(
        "{method} /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n\
         Content-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_string(&mut response))
        .await
        .expect("the server answered within 5 s")
        .unwrap();
    response
}

fn header<'r>(response: &'r str, name: &str) -> Option<&'r str> {
    response
        .lines()
        .take_while(|line| !line.is_empty())
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then_some(value.trim())
        })
}

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#;
const INITIALIZED: &str = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
const LIST: &str = r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#;

async fn open_session(server: &Server) -> String {
    let response = exchange(server, "POST", &[], INITIALIZE).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let session = header(&response, "mcp-session-id")
        .expect("a session id")
        .to_string();
    let headers = [
        ("Mcp-Session-Id", session.as_str()),
        ("MCP-Protocol-Version", "2025-06-18"),
    ];
    let response = exchange(server, "POST", &headers, INITIALIZED).await;
    assert!(response.starts_with("HTTP/1.1 202"), "{response}");
    session
}

#[tokio::test]
async fn a_stateful_session_lists_tools_and_unknown_sessions_get_404() {
    let server = serve(McpConfig::new(api())).await;
    let session = open_session(&server).await;
    let headers = [
        ("Mcp-Session-Id", session.as_str()),
        ("MCP-Protocol-Version", "2025-06-18"),
    ];
    let response = exchange(&server, "POST", &headers, LIST).await;
    assert!(response.contains(r#""name":"ping""#), "{response}");

    let headers = [
        ("Mcp-Session-Id", "no-such-session"),
        ("MCP-Protocol-Version", "2025-06-18"),
    ];
    let response = exchange(&server, "POST", &headers, LIST).await;
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
}

#[tokio::test]
async fn idle_sessions_expire() {
    let server =
        serve(McpConfig::new(api()).session_idle_timeout(Duration::from_millis(200))).await;
    let session = open_session(&server).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let headers = [
        ("Mcp-Session-Id", session.as_str()),
        ("MCP-Protocol-Version", "2025-06-18"),
    ];
    let response = exchange(&server, "POST", &headers, LIST).await;
    assert!(
        response.starts_with("HTTP/1.1 404"),
        "an expired session must be gone: {response}"
    );
}

#[tokio::test]
async fn graceful_shutdown_ends_open_streams_and_the_server_exits_promptly() {
    let mut server = serve(McpConfig::new(api())).await;
    let session = open_session(&server).await;

    // A client's standing GET stream: without the shutdown handle it would keep
    // `with_graceful_shutdown` waiting forever.
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    let request = format!(
        "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\
         Mcp-Session-Id: {session}\r\nMCP-Protocol-Version: 2025-06-18\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).await.unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");

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
    let session = open_session(&server).await;
    let response = exchange(&server, "POST", &[], INITIALIZE).await;
    assert!(response.starts_with("HTTP/1.1 503"), "{response}");
    assert_eq!(header(&response, "retry-after"), Some("5"));
    assert!(response.contains("1 open sessions"), "{response}");
    // Stateless requests are not sessions: a 2026-07-28 client is still served.
    let discover = r#"{"jsonrpc":"2.0","id":3,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"raw","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}"#;
    let modern = [
        ("MCP-Protocol-Version", "2026-07-28"),
        ("Mcp-Method", "server/discover"),
    ];
    let response = exchange(&server, "POST", &modern, discover).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let headers = [
        ("Mcp-Session-Id", session.as_str()),
        ("MCP-Protocol-Version", "2025-06-18"),
    ];
    let response = exchange(&server, "DELETE", &headers, "").await;
    assert!(response.starts_with("HTTP/1.1 204"), "{response}");
    open_session(&server).await;
}
