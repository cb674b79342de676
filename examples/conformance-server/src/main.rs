//! # conformance-server: the official MCP conformance suite's fixtures, on an mcp-web mount
//!
//! Serves every tool, resource, resource template, prompt and completion that
//! `@modelcontextprotocol/conformance` calls, as curated components built with mcp-web's public
//! API ([`fixtures::mcp_config`]), beside two utoipa-documented REST endpoints that become
//! generated tools. `scripts/conformance.sh` starts it and runs the suite against it.
//!
//! ```text
//! cargo run -p conformance-server                      # http://127.0.0.1:3001/mcp
//! PORT=4000 cargo run -p conformance-server -- --framework actix
//! ```
//!
//! `--framework` picks the web framework the mount runs on (`axum`, the default, or `actix`). The fixtures
//! are framework-neutral: only the app around them changes.

mod fixtures;
mod rest;

use std::{
    env,
    error::Error,
    io::{self, Write},
    net::Ipv4Addr,
    process::ExitCode,
};

use mcp_axum::RouterExt;
use tracing_subscriber::EnvFilter;

/// Port used when `PORT` is not set.
const DEFAULT_PORT: u16 = 3001;

/// The web frameworks the server can run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framework {
    Axum,
    Actix,
}

impl Framework {
    const NAMES: &'static str = "axum, actix";

    fn parse(name: &str) -> Option<Self> {
        match name {
            "axum" => Some(Self::Axum),
            "actix" => Some(Self::Actix),
            _ => None,
        }
    }
}

const USAGE: &str = "usage: conformance-server [--framework axum|actix]   (env PORT, default 3001)";

/// The framework named on the command line (`--framework NAME` or `--framework=NAME`).
fn framework_from_args(mut args: impl Iterator<Item = String>) -> Result<Framework, String> {
    let mut framework = Framework::Axum;
    while let Some(arg) = args.next() {
        let name = match arg.as_str() {
            "--framework" => args
                .next()
                .ok_or_else(|| "--framework needs a value".to_string())?,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => match other.strip_prefix("--framework=") {
                Some(name) => name.to_string(),
                None => return Err(format!("unknown argument '{other}'\n{USAGE}")),
            },
        };
        framework = Framework::parse(&name)
            .ok_or_else(|| format!("unknown framework '{name}' (one of: {})", Framework::NAMES))?;
    }
    Ok(framework)
}

fn main() -> ExitCode {
    let framework = match framework_from_args(env::args().skip(1)) {
        Ok(framework) => framework,
        Err(message) => {
            eprintln!("conformance-server: {message}");
            return ExitCode::from(2);
        }
    };
    let port = match env::var("PORT") {
        Ok(port) => match port.parse::<u16>() {
            Ok(port) => port,
            Err(e) => {
                eprintln!("conformance-server: PORT={port:?} is not a port number: {e}");
                return ExitCode::from(2);
            }
        },
        Err(_) => DEFAULT_PORT,
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,rmcp=warn")),
        )
        .with_writer(io::stderr)
        .init();
    let served = match framework {
        Framework::Axum => serve_axum(port),
        Framework::Actix => serve_actix(port),
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("conformance-server: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Serve the fixtures on axum until Ctrl-C or SIGTERM.
#[tokio::main]
async fn serve_axum(port: u16) -> Result<(), Box<dyn Error>> {
    let (router, api) = rest::router();
    let config = fixtures::mcp_config(api);
    let shutdown = config.shutdown_handle();
    let app = router
        .mount_http("/mcp", config)
        .with_mcp_calls_through_all_layers();
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
    print_endpoint("axum", listener.local_addr()?.port())?;
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown.after_shutdown_signal())
        .await?;
    tracing::info!("shut down");
    Ok(())
}

/// Serve the same fixtures on actix-web until Ctrl-C or SIGTERM.
#[actix_web::main]
async fn serve_actix(port: u16) -> Result<(), Box<dyn Error>> {
    use actix_web::{App, HttpServer};
    use mcp_actix::{McpAppExt, McpMount};

    let (_, api) = rest::router();
    let mcp = McpMount::try_new("/mcp", fixtures::mcp_config(api))?;
    let factory_mcp = mcp.clone();
    let server = HttpServer::new(move || {
        App::new()
            .configure(rest::actix::routes)
            .mount_http(&factory_mcp)
    })
    .bind((Ipv4Addr::LOCALHOST, port))?;
    print_endpoint("actix", server.addrs()[0].port())?;
    let server = server.run();
    actix_web::rt::spawn(mcp.stop_on_shutdown_signal(server.handle()));
    server.await?;
    tracing::info!("shut down");
    Ok(())
}

/// Printed only once the socket is bound: whoever reads it can connect right away.
fn print_endpoint(framework: &str, port: u16) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "conformance-server ({framework}) MCP endpoint: http://127.0.0.1:{port}/mcp"
    )?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Framework, String> {
        framework_from_args(args.iter().map(|a| a.to_string()))
    }

    #[test]
    fn the_framework_defaults_to_axum_and_unknown_ones_are_refused() {
        assert_eq!(parse(&[]), Ok(Framework::Axum));
        assert_eq!(parse(&["--framework", "actix"]), Ok(Framework::Actix));
        assert_eq!(parse(&["--framework=axum"]), Ok(Framework::Axum));
        let refused = parse(&["--framework", "rocket"]).unwrap_err();
        assert!(refused.contains("unknown framework 'rocket'"), "{refused}");
        assert!(parse(&["--framework"]).is_err());
        assert!(parse(&["--port"]).is_err());
    }

    #[test]
    fn every_fixture_mounts_without_a_name_clash() {
        let (_, api) = rest::router();
        let preview = fixtures::mcp_config(api).preview().unwrap();
        let names: Vec<&str> = preview
            .tools
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        assert!(names.contains(&"get_greeting"), "{names:?}");
        assert!(names.contains(&"test_simple_text"), "{names:?}");
        assert!(
            preview
                .tools
                .iter()
                .all(|t| t["description"].as_str().is_some_and(|d| !d.is_empty())),
            "every tool needs a description (tools-list checks it)"
        );
    }
}
