//! tools/call through the mount against a direct call of the same handler, in one run.
//!
//! `cargo bench -p mcp-axum --bench tools_call` — prints mean latency of each path and their
//! ratio, twice:
//! - in-process: both through `Router::oneshot` (no socket), so the difference is exactly what
//!   the MCP layer adds: JSON-RPC parsing, argument validation, request building, mapping;
//! - over loopback TCP: a keep-alive HTTP/1.1 client against `axum::serve`, as clients see it.

use std::{
    hint::black_box,
    time::{Duration, Instant},
};

use axum::{
    Json, Router,
    body::{Body, Bytes},
    extract::Path,
    http::Request,
};
use http_body_util::BodyExt;
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector},
    rt::TokioExecutor,
};
use mcp_axum::{McpConfig, RouterExt};
use serde::Serialize;
use tower::ServiceExt;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Serialize, ToSchema)]
struct Ticket {
    id: u64,
    title: String,
    status: String,
    labels: Vec<String>,
}

/// Read one ticket.
#[utoipa::path(get, path = "/tickets/{id}", operation_id = "get_ticket",
    params(("id" = u64, Path)), responses((status = 200, body = Ticket)))]
async fn get_ticket(Path(id): Path<u64>) -> Json<Ticket> {
    Json(Ticket {
        id,
        title: "Printer on fire".into(),
        status: "open".into(),
        labels: vec!["hardware".into(), "urgent".into()],
    })
}

#[derive(OpenApi)]
#[openapi(info(title = "bench", version = "1"))]
struct ApiDoc;

fn app() -> Router {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(get_ticket))
        .split_for_parts();
    router
        .mount_http("/mcp", McpConfig::new(api).stateless().json_responses())
        .with_mcp_calls_through_all_layers()
}

fn direct() -> Request<Body> {
    Request::get("/tickets/42").body(Body::empty()).unwrap()
}

fn via_mcp() -> Request<Body> {
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_ticket","arguments":{"id":42}}}"#;
    Request::post("/mcp")
        .header("host", "127.0.0.1")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(Body::from(body))
        .unwrap()
}

/// Where requests go: the Router itself, or a server on loopback.
#[derive(Clone)]
enum Target {
    InProcess(Router),
    Tcp(Client<HttpConnector, Body>, String),
}

impl Target {
    async fn send(&self, mut request: Request<Body>) -> axum::response::Response<Bytes> {
        match self {
            Target::InProcess(app) => {
                let response = app.clone().oneshot(request).await.unwrap();
                let (parts, body) = response.into_parts();
                axum::response::Response::from_parts(
                    parts,
                    body.collect().await.unwrap().to_bytes(),
                )
            }
            Target::Tcp(client, base) => {
                *request.uri_mut() = format!("{base}{}", request.uri()).parse().unwrap();
                let response = client.request(request).await.unwrap();
                let (parts, body) = response.into_parts();
                axum::response::Response::from_parts(
                    parts,
                    body.collect().await.unwrap().to_bytes(),
                )
            }
        }
    }
}

async fn measure(target: &Target, make: fn() -> Request<Body>, iterations: u32) -> Duration {
    let started = Instant::now();
    for _ in 0..iterations {
        let response = target.send(make()).await;
        assert!(response.status().is_success());
        black_box(response.into_body());
    }
    started.elapsed() / iterations
}

async fn compare(label: &str, target: &Target, iterations: u32) {
    let check = target.send(via_mcp()).await;
    let text = String::from_utf8(check.into_body().to_vec()).unwrap();
    assert!(
        text.contains("Printer on fire"),
        "the MCP call must reach the handler: {text}"
    );
    // Warm up both paths (allocator, validator compilation, connections) before measuring.
    measure(target, direct, iterations / 20).await;
    measure(target, via_mcp, iterations / 20).await;
    // Interleave rounds so drift on a shared machine hits both paths alike.
    let (mut direct_total, mut mcp_total) = (Duration::ZERO, Duration::ZERO);
    let rounds = 5;
    for _ in 0..rounds {
        direct_total += measure(target, direct, iterations / rounds).await;
        mcp_total += measure(target, via_mcp, iterations / rounds).await;
    }
    let (direct_mean, mcp_mean) = (direct_total / rounds, mcp_total / rounds);
    println!("{label}");
    println!(
        "  direct GET /tickets/42          mean {:>8.2} µs",
        direct_mean.as_secs_f64() * 1e6
    );
    println!(
        "  tools/call get_ticket via /mcp  mean {:>8.2} µs",
        mcp_mean.as_secs_f64() * 1e6
    );
    println!(
        "  ratio (MCP / direct)                 {:>8.2}x   ({iterations} calls each)",
        mcp_mean.as_secs_f64() / direct_mean.as_secs_f64()
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let iterations = std::env::var("BENCH_ITERATIONS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(20_000);
        let app = app();
        compare(
            "in-process (Router::oneshot)",
            &Target::InProcess(app.clone()),
            iterations,
        )
        .await;

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let client = Client::builder(TokioExecutor::new()).build_http();
        compare(
            "loopback TCP (axum::serve, keep-alive HTTP/1.1)",
            &Target::Tcp(client, base),
            iterations,
        )
        .await;
    });
}
