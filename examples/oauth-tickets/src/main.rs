//! # oauth-tickets: the ticket API behind OAuth, and its MCP endpoint an OAuth resource server
//!
//! The same ticket tracker as axum-tickets (its routes and handlers are axum-tickets' own), but
//! protected by JWT access tokens with two scopes: `tickets:read` for every operation (the
//! OpenAPI document's global requirement) and `tickets:write` for the write operations (their
//! own requirement). The host validates tokens in its own middleware ([`jwt::require_token`]);
//! the MCP mount adds what MCP clients need to get a token by themselves:
//!
//! - the Protected Resource Metadata at
//!   `/.well-known/oauth-protected-resource/mcp`, reachable without a token;
//! - a `WWW-Authenticate: Bearer resource_metadata="…", scope="tickets:read"` challenge on every
//!   401 for `/mcp`, the host's included;
//! - per-tool scopes from the OpenAPI `security` requirements: `tools/list` shows a read-only
//!   caller the read tools only, and a call to a write tool answers 403 `insufficient_scope`
//!   naming `tickets:write`, so the client steps up.
//!
//! Run it with `cargo run -p oauth-tickets` (env `PORT`, default 3000). Unless `ISSUER` names a
//! real authorization server, it also starts a **development-only** authorization server on
//! `AUTH_PORT` (default 3020) that consents to everything ([`dev_issuer`]). Tokens must name the
//! resource `http://127.0.0.1:PORT/mcp` (or `RESOURCE_URL`) as their audience.

mod auth;
mod dev_issuer;
#[path = "../../axum-tickets/src/error.rs"]
mod error;
mod jwt;
#[path = "../../axum-tickets/src/routes.rs"]
mod routes;
mod scopes;
// The static-token check and settings in here are the other examples'; this one uses JWTs.
#[allow(dead_code)]
#[path = "../../tickets-shared/mod.rs"]
mod tickets;

use std::{
    env,
    error::Error,
    io::{self, Write},
    net::Ipv4Addr,
    sync::Arc,
};

use axum::{Router, middleware, serve::ListenerExt};
use mcp_axum::{
    McpConfig, RouterExt, ShutdownHandle,
    oauth::{CallerScopes, ProtectedResource},
};
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;
use tracing_subscriber::EnvFilter;
use utoipa::OpenApi;

use crate::{
    dev_issuer::DevIssuer,
    jwt::{Claims, Verifier},
    tickets::api::{ApiDoc, AppState},
};

/// The whole app: the ticket API with MCP mounted at `/mcp`, behind the host's JWT check.
fn app(
    state: routes::SharedState,
    verifier: Arc<Verifier>,
    resource_url: &str,
    issuer: &str,
) -> (Router, ShutdownHandle) {
    let resource = ProtectedResource::new(resource_url)
        .authorization_server(issuer)
        .scopes_supported([scopes::READ, scopes::WRITE])
        .challenge_scopes([scopes::READ])
        .resource_name("Ticket tracker");
    let config = McpConfig::new(scopes::require_scopes(ApiDoc::openapi(), issuer))
        .instructions("Ticket tracker: list, read, create and update support tickets.")
        .oauth(resource.clone())
        .caller_scopes(CallerScopes::scope_claim(|claims: &Claims| &claims.scope));
    let shutdown = config.shutdown_handle();
    let app = routes::router(state)
        .mount_http("/mcp", config)
        // The host's own auth, wrapping the API and `/mcp` alike…
        .layer(middleware::from_fn_with_state(verifier, jwt::require_token))
        .layer(TraceLayer::new_for_http())
        // …the metadata served outside it, and its 401s for `/mcp` challenged the MCP way…
        .with_oauth_edge(&resource)
        // …and tool calls through all of it.
        .with_mcp_calls_through_all_layers();
    (app, shutdown)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,rmcp=warn")),
        )
        .with_writer(io::stderr)
        .init();

    let port = env_port("PORT", 3000)?;
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
    let port = listener.local_addr()?.port();
    let resource_url =
        env::var("RESOURCE_URL").unwrap_or_else(|_| format!("http://127.0.0.1:{port}/mcp"));

    let (issuer, dev_issuer) = match env::var("ISSUER") {
        // Verbatim: tokens must name exactly this issuer.
        Ok(issuer) if !issuer.trim().is_empty() => (issuer.trim().to_owned(), false),
        _ => {
            let auth =
                TcpListener::bind((Ipv4Addr::LOCALHOST, env_port("AUTH_PORT", 3020)?)).await?;
            let issuer = format!("http://127.0.0.1:{}/", auth.local_addr()?.port());
            let dev = DevIssuer::new(
                issuer.clone(),
                resource_url.clone(),
                &[scopes::READ, scopes::WRITE],
            );
            let router = dev.router().layer(TraceLayer::new_for_http());
            tokio::spawn(async move { axum::serve(auth, router).await });
            (issuer, true)
        }
    };

    let verifier = Arc::new(Verifier::new(issuer.clone(), resource_url.clone()));
    let state = Arc::new(AppState::new("", ""));
    let (app, shutdown) = app(state, verifier, &resource_url, &issuer);

    let mut out = io::stdout().lock();
    writeln!(out, "oauth-tickets listening on http://127.0.0.1:{port}")?;
    writeln!(out, "MCP endpoint: {resource_url}")?;
    match dev_issuer {
        true => writeln!(
            out,
            "Authorization server: {issuer} (DEVELOPMENT ONLY: consents to every request; set ISSUER for a real one)"
        )?,
        false => writeln!(out, "Authorization server: {issuer} (from ISSUER)")?,
    }
    out.flush()?;
    drop(out);

    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::warn!("could not set TCP_NODELAY: {error}");
        }
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown.after_shutdown_signal())
        .await?;
    Ok(())
}

/// The port in `variable`, else `default` (0: one the OS picks).
fn env_port(variable: &str, default: u16) -> Result<u16, String> {
    match env::var(variable) {
        Ok(value) => value
            .parse()
            .map_err(|e| format!("{variable}={value:?} is not a port number: {e}")),
        Err(_) => Ok(default),
    }
}
