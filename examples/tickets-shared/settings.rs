//! What both examples read from the environment, and the lines they print once listening.

use std::{
    env,
    io::{self, Write},
};

/// Token used when `DEMO_TOKEN` is not set.
const DEFAULT_TOKEN: &str = "demo-token";

/// The examples' settings: `DEMO_TOKEN`, `PORT`, `TCP_NODELAY`.
#[derive(Debug)]
pub(crate) struct Settings {
    /// The bearer token every request must carry.
    pub(crate) token: String,
    /// Where the token came from, for the start-up line.
    pub(crate) token_source: &'static str,
    /// The port to listen on (0: one the OS picks).
    pub(crate) port: u16,
    /// Whether accepted connections get `TCP_NODELAY` (`TCP_NODELAY=0` turns it off, to measure
    /// a host that never set it).
    pub(crate) nodelay: bool,
}

impl Settings {
    /// Read the settings; a `PORT` that is not a port number is an error.
    pub(crate) fn from_env() -> Result<Self, String> {
        let (token, token_source) = match env::var("DEMO_TOKEN") {
            Ok(token) if !token.trim().is_empty() => (token.trim().to_string(), "from DEMO_TOKEN"),
            _ => (
                DEFAULT_TOKEN.to_string(),
                "default; set DEMO_TOKEN to change it",
            ),
        };
        let port = match env::var("PORT") {
            Ok(port) => port
                .parse()
                .map_err(|e| format!("PORT={port:?} is not a port number: {e}"))?,
            Err(_) => 3000,
        };
        let nodelay = env::var("TCP_NODELAY").map_or(true, |v| v != "0");
        Ok(Self {
            token,
            token_source,
            port,
            nodelay,
        })
    }

    /// Print where `name` listens, once the socket is bound: whoever reads these lines can
    /// connect right away.
    pub(crate) fn print_listening(&self, name: &str, port: u16) -> io::Result<()> {
        let mut out = io::stdout().lock();
        writeln!(out, "{name} listening on http://127.0.0.1:{port}")?;
        writeln!(out, "MCP endpoint: http://127.0.0.1:{port}/mcp")?;
        writeln!(out, "Bearer token: {} ({})", self.token, self.token_source)?;
        out.flush()
    }
}
