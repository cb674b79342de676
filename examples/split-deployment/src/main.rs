//! # split-deployment: the tickets API and its MCP server as two apps
//!
//! The ticket tracker of `axum-tickets` — the same routes, auth and OpenAPI docs, included from
//! there — deployed in the other shape: the API on one listener, and the MCP server as an app of
//! its own on another, built from the same `McpConfig` by [`mcp_axum::StandaloneMcp`]. Both
//! apps check the same bearer token.
//!
//! - `cargo run -p split-deployment` serves the API on `PORT` (default 3000) and the MCP app on
//!   `MCP_PORT` (default 3010). Tool calls go into the API's Router in-process, with no socket,
//!   carrying the caller's `Authorization`; the API's routes are not served on the MCP port.
//! - `cargo run -p split-deployment -- --remote http://127.0.0.1:3000` serves only the MCP app,
//!   which calls the API running at that URL over HTTP. The caller's token is not passed
//!   through: each call carries the MCP app's own credential, `Bearer $API_TOKEN` (default: the
//!   demo token, which the demo API accepts) — or, with `--forward-token`, the caller's own
//!   `Authorization` (the documented opt-in, for an API that is the same resource server).
//!
//! Env: `REDIS_URL` puts 2025-11-25 sessions and resumable streams in that Redis and
//! `MCP_STATE_KEY` sets the shared `requestState` key, so copies of this command behind a load
//! balancer form one service; `MCP_STATELESS=1` instead serves every era without sessions, so
//! copies need no shared state at all (see docs/deployment.md); `DEMO_TOKEN` (default
//! `demo-token`), the token both apps accept; `RUST_LOG` (default
//! `info,rmcp=warn,tower_http=debug`); `TCP_NODELAY=0` leaves Nagle's algorithm on.
//! Ctrl-C or SIGTERM ends open MCP streams and stops both servers gracefully.

mod apps;
#[path = "../../axum-tickets/src/auth.rs"]
mod auth;
#[path = "../../axum-tickets/src/error.rs"]
mod error;
mod options;
#[path = "../../tickets-shared/replicas.rs"]
mod replicas;
#[path = "../../axum-tickets/src/routes.rs"]
mod routes;
#[path = "../../tickets-shared/mod.rs"]
mod tickets;

use std::{
    error::Error,
    io::{self, Write},
    net::Ipv4Addr,
    sync::Arc,
};

use axum::serve::{Listener, ListenerExt};
use mcp_axum::{McpConfig, StandaloneMcp};
use mcp_web_remote::RemoteApi;
use tokio::{net::TcpListener, sync::watch};
use tracing_subscriber::EnvFilter;

use crate::{
    apps::Upstream,
    options::{Options, UpstreamToken},
    tickets::{api::AppState, settings::Settings},
};

/// The user the token belongs to; comments are signed with this name.
const DEMO_USER: &str = "demo";

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    // Logs go to stderr so stdout carries only the start-up lines below.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,rmcp=warn,tower_http=debug")),
        )
        .with_writer(io::stderr)
        .init();

    let settings = Settings::from_env()?;
    let options = match Options::parse(std::env::args().skip(1), &settings.token) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };

    let state = Arc::new(AppState::new(settings.token.clone(), DEMO_USER));
    let (config, shared) = replicas::from_env(apps::mcp_config())?;
    let standalone = StandaloneMcp::new("/mcp", config);
    let shutdown = standalone.shutdown_handle();
    let (stop, stopped) = watch::channel(false);
    let signal = shutdown.after_shutdown_signal();
    tokio::spawn(async move {
        signal.await;
        let _ = stop.send(true);
    });

    // The API, unless it runs elsewhere.
    let (upstream, api_server) = match &options.remote {
        None => {
            let api = apps::api(state.clone());
            let listener = bind(settings.port, settings.nodelay).await?;
            let port = listener.local_addr()?.port();
            writeln!(
                io::stdout(),
                "split-deployment API listening on http://127.0.0.1:{port}"
            )?;
            let server = axum::serve(listener, api.clone())
                .with_graceful_shutdown(stop_signal(stopped.clone()))
                .into_future();
            (Upstream::InProcess(api), Some(server))
        }
        Some(url) => {
            let remote = RemoteApi::new(url)?;
            let (remote, sent) = match &options.upstream_token {
                UpstreamToken::Service(token) => {
                    let value = http::HeaderValue::from_str(&format!("Bearer {token}"))?;
                    (
                        remote.service_credential(value),
                        "the service token API_TOKEN",
                    )
                }
                UpstreamToken::ForwardCaller => (
                    remote.forward_caller_authorization(),
                    "the MCP client's own token (--forward-token)",
                ),
            };
            writeln!(
                io::stdout(),
                "split-deployment MCP app calls the API at {} with {sent}",
                remote.base_url()
            )?;
            (Upstream::Remote(remote), None)
        }
    };

    writeln!(io::stdout(), "split-deployment MCP app: {shared}")?;
    let mcp = apps::mcp(standalone, upstream, state)?;
    let listener = bind(options.mcp_port, settings.nodelay).await?;
    let port = listener.local_addr()?.port();
    settings.print_listening("split-deployment MCP app", port)?;
    let mcp_server = axum::serve(listener, mcp)
        .with_graceful_shutdown(stop_signal(stopped))
        .into_future();

    match api_server {
        Some(api_server) => {
            tokio::try_join!(api_server, mcp_server)?;
        }
        None => mcp_server.await?,
    }
    tracing::info!("shut down");
    Ok(())
}

/// A listener on loopback `port` (0: one the OS picks) whose connections get `TCP_NODELAY` as
/// the settings say (without it, responses written in pieces stall ~40 ms).
async fn bind(port: u16, nodelay: bool) -> io::Result<impl Listener<Addr = std::net::SocketAddr>> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
    Ok(listener.tap_io(move |tcp| {
        if let Err(error) = tcp.set_nodelay(nodelay) {
            tracing::warn!("could not set TCP_NODELAY: {error}");
        }
    }))
}

/// Resolves once the shutdown signal came (and the MCP streams were ended).
async fn stop_signal(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stopped| *stopped).await;
}
