//! The command line and the environment of split-deployment: `--remote URL`,
//! `--forward-token`, `MCP_PORT` and `API_TOKEN` (the settings the tickets examples share —
//! `PORT`, `DEMO_TOKEN`, `TCP_NODELAY` — are read by `tickets::settings`).

use std::env;

/// The MCP app's port when `MCP_PORT` is not set.
const DEFAULT_MCP_PORT: u16 = 3010;

/// How the MCP app is run.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Options {
    /// The port of the MCP app (0: one the OS picks).
    pub(crate) mcp_port: u16,
    /// `Some`: the MCP app calls the API at this base URL, and no API is served here.
    pub(crate) remote: Option<String>,
    /// The credential the MCP app sends to a remote API.
    pub(crate) upstream_token: UpstreamToken,
}

/// What a remote API receives as `Authorization` with each tool call.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum UpstreamToken {
    /// `Bearer <token>`: the MCP app's own service credential (`API_TOKEN`, by default the demo
    /// token, which the demo API accepts).
    Service(String),
    /// The MCP client's own `Authorization` (`--forward-token`), for an API that accepts the
    /// same tokens as the MCP app.
    ForwardCaller,
}

/// What `--help` prints.
pub(crate) const USAGE: &str = "\
usage: split-deployment [--remote URL [--forward-token]]

Without --remote: serves the tickets API on PORT (default 3000) and its MCP app on MCP_PORT
(default 3010), tool calls going into the API in-process.
With --remote URL: serves only the MCP app, which calls the API at URL over HTTP, sending
`Authorization: Bearer $API_TOKEN` (default: the demo token), or with --forward-token the MCP
client's own Authorization header.
Both apps accept `Authorization: Bearer $DEMO_TOKEN` (default demo-token).";

impl Options {
    /// Read the command line `args` (without the program name) and the environment; `Err` has
    /// the message to print (the usage for `--help`).
    pub(crate) fn parse(
        args: impl IntoIterator<Item = String>,
        demo_token: &str,
    ) -> Result<Self, String> {
        let mut remote = None;
        let mut forward_token = false;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--remote" => {
                    let url = args.next().ok_or("--remote needs the API's base URL")?;
                    remote = Some(url);
                }
                "--forward-token" => forward_token = true,
                "-h" | "--help" => return Err(USAGE.to_string()),
                other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
            }
        }
        if forward_token && remote.is_none() {
            return Err(format!(
                "--forward-token is for --remote: in-process calls carry the caller's token \
                 anyway\n\n{USAGE}"
            ));
        }
        let mcp_port = match env::var("MCP_PORT") {
            Ok(port) => port
                .parse()
                .map_err(|e| format!("MCP_PORT={port:?} is not a port number: {e}"))?,
            Err(_) => DEFAULT_MCP_PORT,
        };
        let upstream_token = if forward_token {
            UpstreamToken::ForwardCaller
        } else {
            let token = env::var("API_TOKEN")
                .ok()
                .filter(|token| !token.trim().is_empty());
            UpstreamToken::Service(token.unwrap_or_else(|| demo_token.to_string()))
        };
        Ok(Self {
            mcp_port,
            remote,
            upstream_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        Options::parse(args.iter().map(|a| a.to_string()), "demo")
    }

    #[test]
    fn the_command_line_chooses_in_process_or_remote() {
        let local = parse(&[]).unwrap();
        assert_eq!(local.remote, None);
        let remote = parse(&["--remote", "http://api:3000"]).unwrap();
        assert_eq!(remote.remote.as_deref(), Some("http://api:3000"));
        let forwarding = parse(&["--remote", "http://api:3000", "--forward-token"]).unwrap();
        assert_eq!(forwarding.upstream_token, UpstreamToken::ForwardCaller);
    }

    #[test]
    fn wrong_command_lines_say_why() {
        assert!(parse(&["--remote"]).unwrap_err().contains("base URL"));
        assert!(
            parse(&["--forward-token"])
                .unwrap_err()
                .contains("--remote")
        );
        assert!(parse(&["--bogus"]).unwrap_err().contains("\"--bogus\""));
        assert_eq!(parse(&["--help"]).unwrap_err(), USAGE);
    }
}
