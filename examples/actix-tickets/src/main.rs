//! # actix-tickets: an existing actix-web API, made an MCP server with one line
//!
//! The same ticket tracker as `axum-tickets` — tickets, comments, labels, bearer-token auth,
//! request logging — written as an ordinary actix-web app and documented with utoipa. The only
//! MCP-specific code is the [`McpMount`] built once in `main` and `.mount_http(&mcp)` at the end
//! of the app factory: every documented operation becomes an MCP tool named after its
//! `operation_id`, and each tool call is served in-process by the same App on the same worker.
//!
//! The API itself — data, operations, OpenAPI docs, error shape — is `examples/tickets-shared`,
//! which axum-tickets serves too; this crate is its actix-web wiring.
//!
//! What it shows:
//!
//! - **Auth covers both doors.** actix-web-httpauth's `HttpAuthentication::bearer` wraps the
//!   whole App, so it guards the `/mcp` endpoint; the client's `Authorization` header is
//!   forwarded onto every tool call, where the same middleware checks it again and hands the
//!   caller to the handlers ([`auth::Caller`]).
//! - **Middleware runs for tool calls.** `Logger` logs every in-process request too.
//! - **`/mcp` is routed first.** `.service(mcp.endpoint())` at the top of the factory registers
//!   the endpoint before the API's routes, so actix does not try every `{param}` pattern of the
//!   API before reaching it; `mount_http` still comes last.
//! - **Awkward path values survive.** `list_tickets_by_label` with the label
//!   `needs review/urgent?` reaches the handler intact.
//! - **Graceful shutdown.** On Ctrl-C or SIGTERM the mount ends open MCP streams and stops the
//!   server, so the graceful stop does not wait for clients to hang up.
//!
//! Run it with `cargo run -p actix-tickets` (env `PORT`, default 3000; `REDIS_URL` and
//! `MCP_STATE_KEY` to share sessions and request state with other copies; `DEMO_TOKEN`, default
//! `demo-token`; `RUST_LOG`, default `info,rmcp=warn`; `TCP_NODELAY=0` leaves Nagle's
//! algorithm on, as a host that never set it) and point an MCP client at
//! `http://127.0.0.1:3000/mcp` with the header `Authorization: Bearer demo-token`.

mod auth;
mod error;
#[path = "../../tickets-shared/replicas.rs"]
mod replicas;
mod routes;
#[path = "../../tickets-shared/mod.rs"]
mod tickets;

use std::{error::Error, io, net::Ipv4Addr};

use actix_web::{App, HttpServer, middleware::Logger, web};
use actix_web_httpauth::middleware::HttpAuthentication;
use mcp_actix::{McpAppExt, McpConfig, McpMount};
use tracing_subscriber::EnvFilter;
use utoipa::OpenApi;

use crate::tickets::{
    api::{ApiDoc, AppState},
    settings::Settings,
};

/// The user the token belongs to; comments are signed with this name.
const DEMO_USER: &str = "demo";

#[actix_web::main]
async fn main() -> Result<(), Box<dyn Error>> {
    // Logs go to stderr so stdout carries only the start-up lines below. actix's `Logger` logs
    // every request, MCP tool calls included, through the `log` bridge.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,rmcp=warn")),
        )
        .with_writer(io::stderr)
        .init();

    let settings = Settings::from_env()?;

    // Built once, outside the app factory: every worker shares the store and the MCP sessions.
    let state = web::Data::new(AppState::new(settings.token.clone(), DEMO_USER));
    let config = McpConfig::new(ApiDoc::openapi())
        .instructions("Ticket tracker: list, read, create and update support tickets.");
    // REDIS_URL / MCP_STATE_KEY: copies of this command behind a load balancer form one service.
    let (config, shared) = replicas::from_env(config)?;
    let mcp = McpMount::try_new("/mcp", config)?;

    let factory_mcp = mcp.clone();
    let server = HttpServer::new(move || {
        App::new()
            // Matched before the API's `{param}` routes, which actix tries in order.
            .service(factory_mcp.endpoint())
            .app_data(state.clone())
            .configure(routes::configure)
            .wrap(HttpAuthentication::bearer(auth::validate))
            .wrap(Logger::default())
            .mount_http(&factory_mcp) // the one added line
    })
    // Off by default in actix: responses written in pieces would stall ~40 ms on Nagle + delayed
    // ACK. `TCP_NODELAY=0` leaves it off, to measure a host that never set it.
    .tcp_nodelay(settings.nodelay)
    .bind((Ipv4Addr::LOCALHOST, settings.port))?;
    // The bound port, so PORT=0 prints the one the OS picked.
    let port = server.addrs()[0].port();

    settings.print_listening("actix-tickets", port)?;
    println!("Shared state: {shared}");

    let server = server.run();
    actix_web::rt::spawn(mcp.stop_on_shutdown_signal(server.handle()));
    server.await?;
    tracing::info!("shut down");
    Ok(())
}
