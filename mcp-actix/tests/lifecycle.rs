//! The mount served by a real `HttpServer` over TCP, with two workers: sessions that span
//! workers, idle expiry, the client's address on in-process calls, and graceful shutdown with
//! open streams.

use std::{net::SocketAddr, time::Duration};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, get, rt};
use mcp_actix::{McpAppExt, McpConfig, McpMount};
use serde_json::Value;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    sync::oneshot,
    task::JoinHandle,
};

fn api() -> utoipa::openapi::OpenApi {
    serde_json::from_value(serde_json::json!({
        "openapi": "3.1.0",
        "info": {"title": "ping", "version": "1"},
        "paths": {
            "/ping": {"get": {"operationId": "ping",
                "responses": {"200": {"description": "pong"}}}},
            "/worker": {"get": {"operationId": "worker",
                "responses": {"200": {"description": "the serving thread"}}}},
            "/peer": {"get": {"operationId": "peer",
                "responses": {"200": {"description": "the caller's address"}}}}
        }
    }))
    .unwrap()
}

#[get("/ping")]
async fn ping() -> &'static str {
    "pong"
}

#[get("/worker")]
async fn worker() -> String {
    format!("{:?}", std::thread::current().id())
}

#[get("/peer")]
async fn peer(request: HttpRequest) -> HttpResponse {
    let peer = request.peer_addr().map(|addr| addr.ip().to_string());
    HttpResponse::Ok().body(peer.unwrap_or_default())
}

struct Server {
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

fn serve(config: McpConfig) -> Server {
    let mcp = McpMount::try_new("/mcp", config).unwrap();
    let factory_mcp = mcp.clone();
    let server = HttpServer::new(move || {
        App::new()
            .service(ping)
            .service(peer)
            .service(worker)
            .mount_http(&factory_mcp)
    })
    .workers(2)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .unwrap();
    let address = server.addrs()[0];
    let server = server.run();
    let (stop, stopped) = oneshot::channel::<()>();
    let signal = async {
        let _ = stopped.await;
    };
    rt::spawn(mcp.stop_after(signal, server.handle()));
    Server {
        address,
        stop: Some(stop),
        task: rt::spawn(server),
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

/// The JSON-RPC reply in an SSE or JSON response.
fn reply(response: &str) -> Value {
    response
        .lines()
        .filter_map(|line| line.strip_prefix("data:").or(Some(line)))
        .filter_map(|data| serde_json::from_str::<Value>(data.trim()).ok())
        .find(|value| value.get("id").is_some())
        .unwrap_or_else(|| panic!("no JSON-RPC reply in {response}"))
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

async fn call_tool(server: &Server, session: &str, tool: &str) -> Value {
    let headers = [
        ("Mcp-Session-Id", session),
        ("MCP-Protocol-Version", "2025-06-18"),
    ];
    let call = format!(
        r#"{{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{{"name":"{tool}","arguments":{{}}}}}}"#
    );
    let response = exchange(server, "POST", &headers, &call).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    reply(&response)["result"].clone()
}

#[actix_web::test]
async fn a_session_serves_tool_calls_on_every_worker_and_unknown_sessions_get_404() {
    let server = serve(McpConfig::new(api()));
    let session = open_session(&server).await;
    // Each exchange is a new connection, and actix hands connections to its workers in turn.
    let mut workers = std::collections::BTreeSet::new();
    for _ in 0..4 {
        let result = call_tool(&server, &session, "worker").await;
        assert_eq!(result["isError"], false, "{result}");
        workers.insert(result["content"][0]["text"].as_str().unwrap().to_string());
    }
    assert_eq!(
        workers.len(),
        2,
        "one session, tool calls served on both workers"
    );

    let headers = [
        ("Mcp-Session-Id", "no-such-session"),
        ("MCP-Protocol-Version", "2025-06-18"),
    ];
    let response = exchange(&server, "POST", &headers, LIST).await;
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
}

#[actix_web::test]
async fn the_in_process_call_sees_the_clients_address() {
    let server = serve(McpConfig::new(api()));
    let session = open_session(&server).await;
    let result = call_tool(&server, &session, "peer").await;
    assert_eq!(result["content"][0]["text"], "127.0.0.1", "{result}");
}

#[actix_web::test]
async fn idle_sessions_expire() {
    let server = serve(McpConfig::new(api()).session_idle_timeout(Duration::from_millis(200)));
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

#[actix_web::test]
async fn stopping_the_server_ends_open_streams_and_the_server_exits_promptly() {
    let mut server = serve(McpConfig::new(api()));
    let session = open_session(&server).await;

    // A client's standing GET stream: without the mount's shutdown it would keep the graceful
    // stop waiting for `shutdown_timeout` (30 s).
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
        .unwrap()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
}
