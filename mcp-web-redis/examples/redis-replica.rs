//! One replica of a small MCP service whose 2025-era sessions and resumable streams live in
//! Redis: what `scripts/redis-replicas.sh` starts twice behind no proxy at all, so that its
//! client can send each request to the replica it chooses, and kill one.
//!
//! Tools: `echo` (a generated tool, `GET /echo?text=`, served by the fast lane) answers with
//! the text and the replica's name; `countdown` (curated) sends `steps` progress notifications
//! `delay_ms` apart, then answers with the replica's name.
//!
//! Env: `REDIS_URL` (required), `PORT` (default 0: one the OS picks; the line
//! `listening on http://127.0.0.1:PORT` on stdout says which), `REPLICA` (its name, default
//! `replica`), `MCP_SESSION_IDLE_SECS` (default 300: the idle timeout and the Redis expiry of a
//! session), `MCP_STATE_KEY` (the shared `requestState` key), `MCP_MAX_SESSIONS`.

use std::{io::Write, sync::Arc, time::Duration};

use axum::{Json, Router, extract::Query, routing::get};
use mcp_axum::{
    McpConfig, RouterExt,
    curated::{CallContext, CuratedTool, HandlerError},
};
use mcp_web_redis::RedisStore;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
struct EchoQuery {
    text: String,
}

#[derive(Deserialize, JsonSchema)]
struct Countdown {
    /// Progress notifications to send before the answer.
    steps: u32,
    /// Milliseconds between two of them.
    delay_ms: u64,
}

fn openapi() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "redis-replica", "version": "1"},
        "paths": {"/echo": {"get": {
            "operationId": "echo",
            "description": "The text back, with the name of the replica that answered.",
            "parameters": [{"name": "text", "in": "query", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "echoed", "content": {"application/json": {
                "schema": {"type": "object"}
            }}}}
        }}}
    })
}

fn env_number(name: &str, default: u64) -> Result<u64, String> {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .map_err(|e| format!("{name}={value:?} is not a number: {e}")),
        Err(_) => Ok(default),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Logs on stderr; `RUST_LOG` (default `warn`) chooses.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let redis_url = std::env::var("REDIS_URL").map_err(|_| "REDIS_URL is required")?;
    let replica: Arc<str> = std::env::var("REPLICA")
        .unwrap_or_else(|_| "replica".into())
        .into();
    let port = env_number("PORT", 0)?;
    let idle = Duration::from_secs(env_number("MCP_SESSION_IDLE_SECS", 300)?);
    let max_sessions = env_number("MCP_MAX_SESSIONS", McpConfig::DEFAULT_MAX_SESSIONS as u64)?;

    let store = Arc::new(RedisStore::open(&redis_url)?.session_ttl(idle));
    if let Err(error) = store.ping().await {
        eprintln!("warning: {error}; starting anyway");
    }
    let countdown_replica = replica.clone();
    let mut config = McpConfig::from_json(openapi())
        .session_idle_timeout(idle)
        .max_sessions(usize::try_from(max_sessions)?)
        .session_store(store.clone())
        .event_store(store)
        .tool(CuratedTool::new(
            "countdown",
            "Counts down with progress notifications, then answers",
            move |args: Countdown, cx: CallContext| {
                let replica = countdown_replica.clone();
                async move {
                    for step in 1..=args.steps {
                        tokio::time::sleep(Duration::from_millis(args.delay_ms)).await;
                        cx.progress(f64::from(step), Some(f64::from(args.steps)), None)
                            .await;
                    }
                    Ok::<_, HandlerError>(format!("countdown of {} done on {replica}", args.steps))
                }
            },
        ));
    if let Ok(key) = std::env::var("MCP_STATE_KEY") {
        config = config.request_state_key(key.into_bytes());
    }
    let echo_replica = replica.clone();
    let app: Router = Router::new()
        .route(
            "/echo",
            get(move |Query(query): Query<EchoQuery>| {
                let replica = echo_replica.clone();
                async move { Json(json!({"text": query.text, "replica": &*replica})) }
            }),
        )
        .mount_http("/mcp", config);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", u16::try_from(port)?)).await?;
    let port = listener.local_addr()?.port();
    writeln!(std::io::stdout(), "listening on http://127.0.0.1:{port}")?;
    axum::serve(listener, app).await?;
    Ok(())
}
