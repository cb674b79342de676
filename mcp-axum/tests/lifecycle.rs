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
