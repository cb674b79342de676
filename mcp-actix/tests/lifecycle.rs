//! The mount served by a real `HttpServer` over TCP, with two workers: sessions that span
//! workers, idle expiry, the client's address on in-process calls, and graceful shutdown with
//! open streams.

use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, get, rt};
use mcp_actix::{McpAppExt, McpConfig, McpMount};
use mcp_test_support::{
    protocol::{self, session_headers},
    reply,
    tcp::Endpoint,
};
use serde_json::Value;
use tokio::{io::AsyncReadExt, sync::oneshot, task::JoinHandle};

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
    mcp: Endpoint,
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
        mcp: Endpoint::new(address, "/mcp"),
        stop: Some(stop),
        task: rt::spawn(server),
    }
}

fn list() -> String {
    protocol::request(2, "tools/list", serde_json::json!({})).to_string()
}

async fn call_tool(server: &Server, session: &str, tool: &str) -> Value {
    let call = protocol::request(
        3,
        "tools/call",
        serde_json::json!({"name": tool, "arguments": {}}),
    );
    let response = server
        .mcp
        .exchange("POST", &session_headers(session), &call.to_string())
        .await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    reply::message(&response)["result"].clone()
}

#[actix_web::test]
async fn a_session_serves_tool_calls_on_every_worker_and_unknown_sessions_get_404() {
    let server = serve(McpConfig::new(api()));
    let session = server.mcp.open_session().await;
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

    let headers = session_headers("no-such-session");
    let response = server.mcp.exchange("POST", &headers, &list()).await;
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
}

#[actix_web::test]
async fn the_in_process_call_sees_the_clients_address() {
    let server = serve(McpConfig::new(api()));
    let session = server.mcp.open_session().await;
    let result = call_tool(&server, &session, "peer").await;
    assert_eq!(result["content"][0]["text"], "127.0.0.1", "{result}");
}

#[actix_web::test]
async fn idle_sessions_expire() {
    let server = serve(McpConfig::new(api()).session_idle_timeout(Duration::from_millis(200)));
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

#[actix_web::test]
async fn stopping_the_server_ends_open_streams_and_the_server_exits_promptly() {
    let mut server = serve(McpConfig::new(api()));
    let session = server.mcp.open_session().await;

    // A client's standing GET stream: without the mount's shutdown it would keep the graceful
    // stop waiting for `shutdown_timeout` (30 s).
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
        .unwrap()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
}
