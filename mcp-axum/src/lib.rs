//! Mount an MCP server on an existing [axum](https://docs.rs/axum) `Router`: every operation in
//! the app's OpenAPI document becomes a tool, and every tool call is served in-process by the
//! same Router — its layers, extractors and auth included, with no socket in between.
//!
//! This crate is the axum side only: the [`RouterExt`] front door and a dispatcher that calls
//! the Router with `oneshot`. Everything framework-neutral lives in `mcp-web-core`.
//!
//! ```
//! use axum::{Router, routing::get};
//! use mcp_axum::{McpConfig, RouterExt};
//! use utoipa::OpenApi;
//!
//! #[utoipa::path(get, path = "/health", responses((status = 200, body = String)))]
//! async fn health() -> &'static str { "ok" }
//!
//! #[derive(OpenApi)]
//! #[openapi(paths(health))]
//! struct ApiDoc;
//!
//! let app: Router = Router::new()
//!     .route("/health", get(health))
//!     .mount_http("/mcp", McpConfig::new(ApiDoc::openapi())); // the one added line
//! # let _ = app;
//! ```
//!
//! # Layers added after the mount
//!
//! `Router::layer` wraps the routes that exist when it is called, so layers added after
//! `mount_http` wrap the MCP endpoint itself (auth, tracing and CORS see every MCP request).
//! Tool calls are dispatched through the Router as it was at `mount_http` — unless the app ends
//! with [`with_mcp_calls_through_all_layers`](RouterExt::with_mcp_calls_through_all_layers),
//! which makes tool calls go through exactly the final Router, so those layers run for every
//! in-process call too:
//!
//! ```
//! # use axum::{Router, routing::get};
//! # use mcp_axum::{McpConfig, RouterExt};
//! # let api = utoipa::openapi::OpenApiBuilder::new().build();
//! let app: Router = Router::new()
//!     .route("/health", get(|| async { "ok" }))
//!     .mount_http("/mcp", McpConfig::new(api))
//!     .layer(tower::layer::util::Identity::new()) // auth, tracing, CORS…
//!     .with_mcp_calls_through_all_layers();       // last: tool calls see every layer
//! # let _ = app;
//! ```
//!
//! # Hostnames
//!
//! Like every MCP server, the endpoint checks the `Host` header against DNS rebinding; only
//! loopback names pass by default. Behind a real hostname, list it:
//! `McpConfig::new(api).allowed_hosts(["api.example.com"])`.
//!
//! # Graceful shutdown
//!
//! Open MCP streams would keep `with_graceful_shutdown` waiting; end them with the mount's
//! [`ShutdownHandle`]:
//!
//! ```no_run
//! # async fn run(router: axum::Router, api: utoipa::openapi::OpenApi) {
//! use mcp_axum::{McpConfig, RouterExt};
//!
//! let config = McpConfig::new(api);
//! let shutdown = config.shutdown_handle();
//! let app = router.mount_http("/mcp", config);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await.unwrap();
//! axum::serve(listener, app)
//!     .with_graceful_shutdown(shutdown.after(async { let _ = tokio::signal::ctrl_c().await; }))
//!     .await
//!     .unwrap();
//! # }
//! ```
//!
//! # A separate MCP app
//!
//! [`StandaloneMcp`] builds the MCP endpoint as a Router of its own, from the same
//! [`McpConfig`], for its own listener and layers: its tool calls go in-process into the API's
//! Router, or over HTTP to an API elsewhere (with `mcp_web_remote::RemoteApi`).
//!
//! # Re-exports
//!
//! The `mcp-web-core` items an app names to configure and serve a mount — [`McpConfig`] and its
//! builder types, [`curated`] components, [`event_store`], [`Preview`], [`ResourceUpdates`],
//! [`ShutdownHandle`], [`MountError`] and the request markers — are re-exported, so the app needs no
//! direct dependency on the core. mcp-axum and mcp-actix re-export the same list; the items for
//! adapter authors (`Dispatcher`, `McpService`) stay in `mcp-web-core`.

mod challenge;
mod dispatch;
mod standalone;
mod turn;

use std::sync::Arc;

use axum::{Extension, Router, middleware};
use mcp_web_core::{
    McpService,
    oauth::{OAuthEdge, ProtectedResource},
};

pub use mcp_web_core::{
    ConversionWarning, McpConfig, McpKind, McpResourceRead, McpToolCall, MountError,
    OperationFilter, OperationInfo, OperationMapping, Preview, ResourceUpdates, RouteMap,
    ShutdownHandle, ToolFinder, ToolSearch, curated, event_store, oauth, prelude,
};

pub use standalone::StandaloneMcp;

use crate::dispatch::{FinalRouter, RouterDispatcher};

mod sealed {
    pub trait Sealed {}
    impl Sealed for axum::Router {}
}

/// MCP for an axum [`Router`]: the front door of mcp-axum.
///
/// Sealed: implemented for `Router<()>` only, so mount after `.with_state(..)`.
pub trait RouterExt: sealed::Sealed + Sized {
    /// Serve MCP at exactly `path`; the operations of `config`'s OpenAPI document become tools.
    ///
    /// The catalog is built here, once. The endpoint itself is never offered as a tool.
    /// [`try_mount_http`](Self::try_mount_http) is the same, with the mount's errors returned.
    ///
    /// # Panics
    ///
    /// When the mount cannot be built, with the message of the [`MountError`]:
    ///
    #[doc = include_str!("docs/mount_errors.md")]
    ///
    /// And, like `Router::route_service`, when axum refuses `path`: it is routed already, or it
    /// is not a valid route pattern.
    fn mount_http(self, path: &str, config: McpConfig) -> Self;

    /// [`mount_http`](Self::mount_http) that returns the reason when the mount cannot be built.
    ///
    /// ```
    /// use axum::Router;
    /// use mcp_axum::{McpConfig, MountError, RouterExt};
    ///
    /// let api = utoipa::openapi::OpenApiBuilder::new().build();
    /// let config = McpConfig::new(api).request_state_key(*b"too short for a key");
    /// let mounted = Router::new().try_mount_http("/mcp", config);
    /// assert!(matches!(mounted, Err(MountError::InvalidConfig(_))));
    /// ```
    ///
    /// # Errors
    ///
    #[doc = include_str!("docs/mount_errors.md")]
    ///
    /// # Panics
    ///
    /// Like `Router::route_service`, when axum refuses `path`: it is routed already, or it is not
    /// a valid route pattern.
    fn try_mount_http(self, path: &str, config: McpConfig) -> Result<Self, MountError>;

    /// Make tool calls go through this exact Router, with every layer added after
    /// [`mount_http`](Self::mount_http). Call it last.
    ///
    /// It adds the outermost layer, which hands this Router to the MCP endpoint with each MCP
    /// request; without it, tool calls go through the Router as it was at `mount_http`.
    fn with_mcp_calls_through_all_layers(self) -> Self;

    /// Serve `resource`'s OAuth metadata without a token, and add its challenge to the 401s the
    /// app answers for the MCP endpoint. Call it after the host's auth layer (before or after
    /// [`with_mcp_calls_through_all_layers`](Self::with_mcp_calls_through_all_layers)): axum
    /// layers wrap only the routes that exist when they are added, so this outer layer answers
    /// metadata requests before the auth layer sees them.
    ///
    /// ```
    /// use axum::{Router, routing::get};
    /// use mcp_axum::{McpConfig, RouterExt, oauth::ProtectedResource};
    ///
    /// let resource = ProtectedResource::new("https://api.example.com/mcp")
    ///     .authorization_server("https://auth.example.com")
    ///     .scopes_supported(["tickets:read", "tickets:write"]);
    /// let api = utoipa::openapi::OpenApiBuilder::new().build();
    /// let app: Router = Router::new()
    ///     .route("/health", get(|| async { "ok" }))
    ///     .mount_http("/mcp", McpConfig::new(api).oauth(resource.clone()))
    ///     .layer(tower::layer::util::Identity::new()) // the host's auth
    ///     .with_oauth_edge(&resource)
    ///     .with_mcp_calls_through_all_layers();
    /// # let _ = app;
    /// ```
    fn with_oauth_edge(self, resource: &ProtectedResource) -> Self;
}

impl RouterExt for Router {
    fn mount_http(self, path: &str, config: McpConfig) -> Self {
        self.try_mount_http(path, config)
            .unwrap_or_else(|error| panic!("mount_http({path:?}): {error}"))
    }

    fn try_mount_http(self, path: &str, config: McpConfig) -> Result<Self, MountError> {
        if !path.starts_with('/') {
            return Err(MountError::InvalidConfig(format!(
                "the mount path {path:?} does not start with '/'"
            )));
        }
        let dispatcher = RouterDispatcher::new(self.clone());
        let service = McpService::new(config, path, dispatcher)?;
        Ok(challenge::route_endpoint(self, path, service))
    }

    fn with_mcp_calls_through_all_layers(self) -> Self {
        let final_router = FinalRouter(self.clone());
        self.layer(Extension(final_router))
    }

    fn with_oauth_edge(self, resource: &ProtectedResource) -> Self {
        let edge = Arc::new(OAuthEdge::new(resource));
        self.layer(middleware::from_fn_with_state(edge, challenge::oauth_edge))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_api() -> McpConfig {
        McpConfig::new(utoipa::openapi::OpenApiBuilder::new().build())
    }

    #[test]
    fn a_path_without_a_leading_slash_is_refused() {
        let error = Router::new()
            .try_mount_http("mcp", empty_api())
            .unwrap_err();
        assert!(matches!(error, MountError::InvalidConfig(_)), "{error}");
        assert!(error.to_string().contains("\"mcp\""), "{error}");
    }

    #[test]
    fn mount_http_panics_with_the_reason() {
        let config = empty_api().request_state_key(*b"short");
        let error = Router::new()
            .try_mount_http("/mcp", config.clone())
            .unwrap_err();
        assert!(matches!(error, MountError::InvalidConfig(_)), "{error}");
        let mount = std::panic::AssertUnwindSafe(|| Router::new().mount_http("/mcp", config));
        let panic = std::panic::catch_unwind(mount).unwrap_err();
        let message = panic.downcast_ref::<String>().unwrap();
        assert_eq!(*message, format!("mount_http(\"/mcp\"): {error}"));
    }
}
