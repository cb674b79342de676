//! [`StandaloneMcp`]: the MCP endpoint as an app of its own — its own Router, listener and
//! layers — that reaches the API in-process or over HTTP.
//!
//! The same [`McpConfig`] a mount takes builds it, and the endpoint is the same: curated
//! components, filters, both protocol eras, the `Host` and `Origin` checks, the
//! [`ShutdownHandle`] and the preview. Only the way to the API differs:
//!
//! - [`in_process`](StandaloneMcp::in_process): the API's Router, in this process. Each tool call
//!   is a `oneshot` on it, with no socket, exactly as in a mount; the API's routes are not served
//!   by the MCP app.
//! - [`remote`](StandaloneMcp::remote): a dispatcher that calls the API over the network
//!   (`mcp_web_remote::RemoteApi`). The caller's headers are not forwarded
//!   ([`McpConfig::forward_headers`] does not apply): the dispatcher decides what goes upstream.

use axum::Router;
use mcp_web_core::{Dispatcher, McpService};

use crate::{McpConfig, MountError, Preview, ShutdownHandle, dispatch::RouterDispatcher};

/// An MCP app of its own, for a split deployment: the API on one listener, MCP on another (in
/// this process or another one).
///
/// ```
/// use axum::{Router, routing::get};
/// use mcp_axum::{McpConfig, StandaloneMcp};
///
/// # let document = utoipa::openapi::OpenApiBuilder::new().build();
/// let api: Router = Router::new().route("/health", get(|| async { "ok" })); // + the API's layers
/// let mcp: Router = StandaloneMcp::new("/mcp", McpConfig::new(document))
///     .in_process(api.clone())
///     .unwrap(); // + the same auth layer as the API: `.layer(..)`
/// // axum::serve(api_listener, api) and axum::serve(mcp_listener, mcp), side by side
/// # let _ = (api, mcp);
/// ```
///
/// Layers added to the returned Router wrap the MCP endpoint only; the API's own layers (put on
/// the Router given to `in_process`) run for every tool call. The caller's `Authorization` is
/// forwarded onto in-process calls as in a mount ([`McpConfig::forward_headers`]), so the
/// API's auth sees the caller.
#[derive(Debug)]
pub struct StandaloneMcp {
    path: String,
    config: McpConfig,
}

impl StandaloneMcp {
    /// The MCP app of `config`, serving at exactly `path`.
    pub fn new(path: &str, config: McpConfig) -> Self {
        Self {
            path: path.to_string(),
            config,
        }
    }

    /// What the app will offer (tools exactly as `tools/list` returns them, resources, resource
    /// templates) and the conversion warnings, without serving anything.
    ///
    /// # Errors
    ///
    /// As [`McpConfig::preview`].
    pub fn preview(&self) -> Result<Preview, MountError> {
        self.config.preview()
    }

    /// The handle that ends the app's sessions and open streams, for graceful shutdown.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.config.shutdown_handle()
    }

    /// The MCP app, its tool calls served in-process by `api`: a Router with only the MCP
    /// endpoint on it. Pass the API's final Router (after its `.layer(..)`s), so its auth,
    /// tracing and other layers run for every tool call.
    ///
    /// # Errors
    ///
    #[doc = include_str!("docs/mount_errors.md")]
    ///
    /// # Panics
    ///
    /// Like `Router::route_service`, when axum refuses the path as a route pattern.
    pub fn in_process(self, api: Router) -> Result<Router, MountError> {
        self.serve(RouterDispatcher::fixed(api), self.config.clone())
    }

    /// The MCP app, its tool calls sent to the API by `api` — over the network, typically an
    /// `mcp_web_remote::RemoteApi`: a Router with only the MCP endpoint on it.
    ///
    /// No header of the MCP request is copied onto the calls ([`McpConfig::forward_headers`]
    /// does not apply, since the API is another server): `api` decides what goes upstream.
    ///
    /// # Errors
    ///
    #[doc = include_str!("docs/mount_errors.md")]
    ///
    /// # Panics
    ///
    /// Like `Router::route_service`, when axum refuses the path as a route pattern.
    pub fn remote(self, api: impl Dispatcher) -> Result<Router, MountError> {
        let config = self.config.clone().forward_headers(None::<&str>);
        self.serve(api, config)
    }

    fn serve(&self, dispatcher: impl Dispatcher, config: McpConfig) -> Result<Router, MountError> {
        if !self.path.starts_with('/') {
            return Err(MountError::InvalidConfig(format!(
                "the MCP path {:?} does not start with '/'",
                self.path
            )));
        }
        let service = McpService::new(config, &self.path, dispatcher)?;
        Ok(crate::challenge::route_endpoint(
            Router::new(),
            &self.path,
            service,
        ))
    }
}
