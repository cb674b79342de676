//! Mount an MCP server on an existing [axum](https://docs.rs/axum) `Router`: every operation in
//! the app's OpenAPI document becomes a tool, and every tool call is served in-process by the
//! same Router — its layers, extractors and auth included, with no socket in between.
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
//! with [`bind_mcp`](RouterExt::bind_mcp), which makes tool calls go through exactly the final
//! Router, so those layers run for every in-process call too:
//!
//! ```
//! # use axum::{Router, routing::get};
//! # use mcp_axum::{McpConfig, RouterExt};
//! # let api = utoipa::openapi::OpenApiBuilder::new().build();
//! let app: Router = Router::new()
//!     .route("/health", get(|| async { "ok" }))
//!     .mount_http("/mcp", McpConfig::new(api))
//!     .layer(tower::layer::util::Identity::new()) // auth, tracing, CORS…
//!     .bind_mcp();                                 // last: tool calls see every layer
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

use std::{
    convert::Infallible,
    net::SocketAddr,
    sync::atomic::{AtomicBool, Ordering},
};

use axum::{Extension, Router, body::Body, extract::ConnectInfo};
use bytes::Bytes;
use futures::future::BoxFuture;
use http_body_util::BodyExt;
use mcp_web_core::{BoxError, CallError, DispatchBody, Dispatcher, McpService};
use tower::ServiceExt;

pub use mcp_web_core::{
    ConversionWarning, McpConfig, McpKind, McpResourceRead, McpToolCall, MountError,
    OperationFilter, OperationInfo, OperationMapping, RouteMap, ShutdownHandle,
};
pub use mcp_web_core::{curated, prelude};

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
    ///
    /// # Panics
    ///
    /// Like `Router::route`, when `path` is already routed, and when the OpenAPI document cannot
    /// be serialized to JSON.
    fn mount_http(self, path: &str, config: McpConfig) -> Self;

    /// Make tool calls go through this exact Router, with every layer added after
    /// [`mount_http`](Self::mount_http). Call it last.
    fn bind_mcp(self) -> Self;
}

impl RouterExt for Router {
    fn mount_http(self, path: &str, config: McpConfig) -> Self {
        let dispatcher = RouterDispatcher {
            at_mount: self.clone(),
            told_unbound: AtomicBool::new(false),
        };
        let service = McpService::new(config, path, dispatcher)
            .unwrap_or_else(|error| panic!("mount_http({path:?}): {error}"));
        self.route_service(path, service)
    }

    fn bind_mcp(self) -> Self {
        let bound = BoundRouter(self.clone());
        self.layer(Extension(bound))
    }
}

/// The final Router, carried to the MCP endpoint by the outermost layer of [`RouterExt::bind_mcp`].
#[derive(Clone)]
struct BoundRouter(Router);

/// Serves tool calls through a Router with `oneshot`: no socket, the same middleware stack.
struct RouterDispatcher {
    at_mount: Router,
    told_unbound: AtomicBool,
}

impl Dispatcher for RouterDispatcher {
    fn dispatch(
        &self,
        request: http::Request<Bytes>,
        incoming: Option<&http::request::Parts>,
    ) -> BoxFuture<'static, Result<http::Response<DispatchBody>, CallError>> {
        let bound = incoming.and_then(|parts| parts.extensions.get::<BoundRouter>());
        let router = match bound {
            Some(BoundRouter(router)) => router.clone(),
            None => {
                if !self.told_unbound.swap(true, Ordering::Relaxed) {
                    tracing::info!(
                        "mcp-axum: tool calls go through the Router as it was at mount_http; \
                         end the app with .bind_mcp() to include layers added after it"
                    );
                }
                self.at_mount.clone()
            }
        };
        let mut request = request.map(Body::from);
        // Handlers that extract the peer address keep working on in-process calls.
        if let Some(info) = incoming.and_then(|p| p.extensions.get::<ConnectInfo<SocketAddr>>()) {
            request.extensions_mut().insert(*info);
        }
        Box::pin(async move {
            let response = router
                .oneshot(request)
                .await
                .unwrap_or_else(|never: Infallible| match never {});
            Ok(response.map(|body| DispatchBody::new(body.map_err(BoxError::from))))
        })
    }
}
