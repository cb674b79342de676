//! # axum-tickets: an existing axum API, made an MCP server with one line
//!
//! A small ticket tracker — tickets, comments, labels, bearer-token auth, request tracing —
//! written as an ordinary axum app and documented with utoipa. The only MCP-specific code is
//! `.mount_http("/mcp", config)` (plus `.with_mcp_calls_through_all_layers()` at the end) in
//! [`app`]: every documented operation becomes an MCP tool named after its `operation_id`, and
//! each tool call is served in-process by this same Router.
//!
//! The API itself — data, operations, OpenAPI docs, error shape — is `examples/tickets-shared`,
//! which actix-tickets serves too; this crate is its axum wiring.
//!
//! What it shows:
//!
//! - **Auth covers both doors.** The bearer middleware is layered *after* the mount, so it guards
//!   the `/mcp` endpoint too; the client's `Authorization` header is forwarded onto every tool
//!   call, where the handlers' own [`auth::Bearer`] extractor checks it again.
//! - **Layers run for tool calls.** `.with_mcp_calls_through_all_layers()` comes last, so tool
//!   calls go through the final Router: auth and `TraceLayer` see every in-process request too.
//! - **Awkward path values survive.** `list_tickets_by_label` with the label
//!   `needs review/urgent?` reaches the handler intact.
//! - **Graceful shutdown.** The mount's `ShutdownHandle` ends open MCP streams on Ctrl-C or
//!   SIGTERM, so `with_graceful_shutdown` does not wait for clients to hang up.
//!
//! Run it with `cargo run -p axum-tickets` (env `PORT`, default 3000; `REDIS_URL` and
//! `MCP_STATE_KEY` to share sessions and request state with other copies; `DEMO_TOKEN`, default
//! `demo-token`; `RUST_LOG`, default `info,rmcp=warn,tower_http=debug`; `TCP_NODELAY=0` leaves Nagle's
//! algorithm on, as a host that never set it) and point an MCP client at
//! `http://127.0.0.1:3000/mcp` with the header `Authorization: Bearer demo-token`.

mod auth;
mod error;
#[path = "../../tickets-shared/replicas.rs"]
mod replicas;
mod routes;
#[path = "../../tickets-shared/mod.rs"]
mod tickets;

use std::{error::Error, io, net::Ipv4Addr, sync::Arc};

use axum::{Router, serve::ListenerExt};
use mcp_axum::{McpConfig, RouterExt, ShutdownHandle};
use tower_http::trace::TraceLayer;
use tracing_subscriber::EnvFilter;
use utoipa::OpenApi;

use crate::{
    auth::Bearer,
    routes::SharedState,
    tickets::{
        api::{ApiDoc, AppState},
        settings::Settings,
    },
};

/// The user the token belongs to; comments are signed with this name.
const DEMO_USER: &str = "demo";

/// The whole app: the ticket API with MCP mounted at `/mcp`, wrapped in auth and tracing.
///
/// Also returns the handle that ends the mount's MCP sessions at shutdown.
fn app(state: SharedState, config: McpConfig) -> (Router, ShutdownHandle) {
    let shutdown = config.shutdown_handle();
    let app = routes::router(state.clone())
        .mount_http("/mcp", config) // the one added line
        // Added after the mount, so these wrap `/mcp` as well as the API routes…
        .layer(axum::middleware::from_extractor_with_state::<Bearer, _>(
            state,
        ))
        .layer(TraceLayer::new_for_http())
        // …and, because this comes last, every in-process tool call too.
        .with_mcp_calls_through_all_layers();
    (app, shutdown)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    // Logs go to stderr so stdout carries only the start-up lines below. `TraceLayer` logs at
    // debug level; enabling it by default shows MCP tool calls passing through the layers.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,rmcp=warn,tower_http=debug")),
        )
        .with_writer(io::stderr)
        .init();

    let settings = Settings::from_env()?;

    let config = McpConfig::new(ApiDoc::openapi())
        .instructions("Ticket tracker: list, read, create and update support tickets.");
    // REDIS_URL / MCP_STATE_KEY: copies of this command behind a load balancer form one service.
    let (config, shared) = replicas::from_env(config)?;
    let (app, shutdown) = app(
        Arc::new(AppState::new(settings.token.clone(), DEMO_USER)),
        config,
    );
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, settings.port)).await?;
    // The bound port, so PORT=0 prints the one the OS picked.
    let port = listener.local_addr()?.port();
    // Without TCP_NODELAY, responses written in pieces stall ~40 ms on Nagle + delayed ACK.
    // `TCP_NODELAY=0` leaves it off, to measure a host that never set it.
    let nodelay = settings.nodelay;
    let listener = listener.tap_io(move |tcp| {
        if let Err(error) = tcp.set_nodelay(nodelay) {
            tracing::warn!("could not set TCP_NODELAY: {error}");
        }
    });

    settings.print_listening("axum-tickets", port)?;
    println!("Shared state: {shared}");

    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown.after_shutdown_signal())
        .await?;
    tracing::info!("shut down");
    Ok(())
}
