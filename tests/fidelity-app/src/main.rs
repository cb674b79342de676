//! # fidelity-app: an echo API for the end-to-end tests
//!
//! Every handler answers with exactly what it received — method, raw path, raw query, the
//! `X-Request-Id` header, the raw `Cookie` header, the content type, the raw body — next to what
//! its typed extractors parsed out of it. `tests/e2e/test_fidelity.py` calls each operation as an
//! MCP tool with the official Python SDK and compares the echo with the intended HTTP request.
//!
//! The operations cover what is awkward to turn into a tool: recursive and mutually recursive
//! models, tagged and untagged unions and `Option<T>` fields, a JSON array body, header and
//! cookie parameters, a form body, a name used both in the path and in the body, and path values
//! with reserved and non-ASCII characters.
//!
//! Run it with `cargo run -p fidelity-app` (env `PORT`, default 3001). With
//! `FIDELITY_OPENAPI=path/to/openapi.json` it mounts that document instead, in discovery mode,
//! every operation answered by one echo handler (`foreign.rs`).

mod api;
mod curated;
mod foreign;

use std::{
    env,
    error::Error,
    io::{self, Write},
    net::Ipv4Addr,
};

use mcp_axum::{McpConfig, RouterExt};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(io::stderr)
        .init();

    let port: u16 = match env::var("PORT") {
        Ok(port) => port
            .parse()
            .map_err(|e| format!("PORT={port:?} is not a port number: {e}"))?,
        Err(_) => 3001,
    };

    // FIDELITY_OPENAPI mounts another document over one echo handler instead (foreign.rs).
    let (app, shutdown) = match env::var_os("FIDELITY_OPENAPI") {
        Some(path) => foreign::app(path.as_ref())?,
        None => {
            let (router, api) = api::router();
            let config = curated::add_to(McpConfig::new(api));
            let shutdown = config.shutdown_handle();
            (router.mount_http("/mcp", config), shutdown)
        }
    };

    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
    let port = listener.local_addr()?.port();
    let mut out = io::stdout().lock();
    writeln!(out, "fidelity-app listening on http://127.0.0.1:{port}")?;
    writeln!(out, "MCP endpoint: http://127.0.0.1:{port}/mcp")?;
    out.flush()?;
    drop(out);

    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown.after_shutdown_signal())
        .await?;
    tracing::info!("shut down");
    Ok(())
}
