//! What a `tools/call` through the mount costs in-process, on the shipped defaults, against a
//! direct call of the same handler, in one run.
//!
//! `cargo bench -p mcp-axum --bench tools_call` (`BENCH_ITERATIONS=20000` by default) prints the
//! CPU time per call of each path (this thread's time on a CPU, so a busy machine
//! does not inflate it) and the MCP overhead per call. Every request goes through
//! `Router::oneshot` (no socket), so the difference is exactly what the MCP layer adds: reading
//! the JSON-RPC message, argument validation, building the request, mapping the response and
//! writing the answer. Both protocol eras are measured on `McpConfig::new(api)` as shipped:
//! - 2026-07-28: stateless requests, the version and the method named in headers and `_meta`;
//! - 2025-11-25: calls inside one session opened by `initialize`.
//!
//! What clients see over real sockets is `scripts/bench-load.sh` (BENCHMARKS.md).

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
    router.mount_http("/mcp", McpConfig::new(api))
}

/// One kind of request, made afresh for every call.
#[derive(Clone)]
enum Call {
    Direct,
    Stateless,
    InSession(String),
}

impl Call {
    fn request(&self) -> Request<Body> {
        match self {
            Call::Direct => Request::get("/tickets/42").body(Body::empty()).unwrap(),
            Call::Stateless => mcp_post()
                .header("mcp-protocol-version", "2026-07-28")
                .header("mcp-method", "tools/call")
                .header("mcp-name", "get_ticket")
                .body(Body::from(STATELESS_CALL))
                .unwrap(),
            Call::InSession(session) => mcp_post()
                .header("mcp-protocol-version", "2025-11-25")
                .header("mcp-session-id", session.as_str())
                .body(Body::from(SESSION_CALL))
                .unwrap(),
        }
    }
}

/// A POST to the MCP endpoint with the headers every client sends.
fn mcp_post() -> axum::http::request::Builder {
    Request::post("/mcp")
        .header("host", "127.0.0.1")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
}

const STATELESS_CALL: &str = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_ticket","arguments":{"id":42},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"bench","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}"#;
const SESSION_CALL: &str = r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_ticket","arguments":{"id":42}}}"#;

async fn send(app: &Router, request: Request<Body>) -> (axum::http::response::Parts, Bytes) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    (parts, body.collect().await.unwrap().to_bytes())
}

/// A 2025-11-25 session, opened as a client opens it.
async fn open_session(app: &Router) -> String {
    let initialize = r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}"#;
    let request = mcp_post().body(Body::from(initialize)).unwrap();
    let (parts, _) = send(app, request).await;
    let session = parts.headers["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_string();
    let initialized = mcp_post()
        .header("mcp-protocol-version", "2025-11-25")
        .header("mcp-session-id", session.as_str())
        .body(Body::from(
            r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        ))
        .unwrap();
    let (parts, _) = send(app, initialized).await;
    assert!(parts.status.is_success(), "initialized: {}", parts.status);
    session
}

async fn measure(app: &Router, call: &Call, iterations: u32) -> Duration {
    let started = CpuClock::now();
    for _ in 0..iterations {
        let (parts, body) = send(app, call.request()).await;
        assert!(parts.status.is_success());
        black_box(body);
    }
    started.elapsed() / iterations
}

/// The time this thread spent on a CPU (Linux's `/proc/thread-self/schedstat`), so that other
/// work on a shared machine does not count; wall time where that file does not exist. Everything
/// runs on this one thread (a current-thread runtime).
#[derive(Clone, Copy)]
enum CpuClock {
    OnCpu(u64),
    Wall(Instant),
}

impl CpuClock {
    fn now() -> Self {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|text| text.split_whitespace().next()?.parse().ok())
            .map_or_else(|| CpuClock::Wall(Instant::now()), CpuClock::OnCpu)
    }

    fn elapsed(self) -> Duration {
        match (self, CpuClock::now()) {
            (CpuClock::OnCpu(then), CpuClock::OnCpu(now)) => Duration::from_nanos(now - then),
            (CpuClock::Wall(then), _) | (_, CpuClock::Wall(then)) => then.elapsed(),
        }
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let iterations: u32 = std::env::var("BENCH_ITERATIONS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(20_000);
        let app = app();
        let session = open_session(&app).await;
        let calls = [
            ("direct GET /tickets/42", Call::Direct),
            ("tools/call, 2026-07-28 stateless", Call::Stateless),
            ("tools/call, 2025-11-25 session", Call::InSession(session)),
        ];
        for (label, call) in &calls[1..] {
            let (_, body) = send(&app, call.request()).await;
            let text = String::from_utf8(body.to_vec()).unwrap();
            assert!(
                text.contains("Printer on fire") && !text.contains("\"isError\":true"),
                "{label} must reach the handler: {text}"
            );
        }
        // Warm up every path (allocator, validator compilation) before measuring, then
        // interleave rounds so drift on a shared machine hits all paths alike.
        for (_, call) in &calls {
            measure(&app, call, iterations / 20).await;
        }
        let rounds = 5;
        let mut totals = [Duration::ZERO; 3];
        for _ in 0..rounds {
            for (total, (_, call)) in totals.iter_mut().zip(&calls) {
                *total += measure(&app, call, iterations / rounds).await;
            }
        }
        let direct = totals[0] / rounds;
        println!(
            "in-process (Router::oneshot), McpConfig::new(api) as shipped, {iterations} calls each, CPU time per call"
        );
        for (total, (label, _)) in totals.iter().zip(&calls) {
            let mean = *total / rounds;
            let overhead = mean.saturating_sub(direct);
            println!(
                "  {label:<34} mean {:>8.2} µs   MCP overhead {:>8.2} µs",
                mean.as_secs_f64() * 1e6,
                overhead.as_secs_f64() * 1e6,
            );
        }
    });
}
