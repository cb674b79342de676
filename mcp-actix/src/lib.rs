//! Mount an MCP server on an existing [actix-web](https://docs.rs/actix-web) `App`: every
//! operation in the app's OpenAPI document becomes a tool, and every tool call is served
//! in-process by the same App on the same worker — its middleware, extractors, `app_data` and
//! auth included, with no socket in between.
//!
//! This crate is the actix-web side only: the [`McpMount`] built once per server, the
//! [`McpAppExt`] front door, and the plumbing between actix's `!Send` workers and the `Send`
//! core. Everything framework-neutral lives in `mcp-web-core`.
//!
//! ```
//! use actix_web::{App, HttpServer, get};
//! use mcp_actix::{McpAppExt, McpConfig, McpMount};
//! use utoipa::OpenApi;
//!
//! #[utoipa::path(get, path = "/health", responses((status = 200, body = String)))]
//! #[get("/health")]
//! async fn health() -> &'static str { "ok" }
//!
//! #[derive(OpenApi)]
//! #[openapi(paths(health))]
//! struct ApiDoc;
//!
//! // Once, outside the app factory: the catalog and the sessions, shared by every worker.
//! let mcp = McpMount::new("/mcp", McpConfig::new(ApiDoc::openapi()));
//! let server = HttpServer::new(move || {
//!     App::new()
//!         .service(health)
//!         .mount_http(&mcp) // the one added line
//! });
//! # let _ = server;
//! ```
//!
//! # Middleware and extractors
//!
//! `mount_http` comes last in the factory, after every `.wrap(..)`. actix-web wraps the whole App
//! in its middleware whatever the order of calls, so the MCP endpoint sits behind all of it
//! (auth, logging, CORS see every MCP request), and each tool call goes through the same App
//! instance from the top: every middleware runs again, then the route's extractors and handler.
//! The caller's `Authorization` header is copied onto each call (see
//! [`McpConfig::forward_headers`]), so a guard like actix-web-httpauth's
//! `HttpAuthentication::bearer` protects both doors with no MCP-specific code. Handlers and
//! middleware can tell an MCP call by the [`McpToolCall`] (or [`McpResourceRead`]) in the request
//! extensions; `HttpRequest::peer_addr` is the MCP client's address.
//!
//! # Routing `/mcp` first
//!
//! actix-web tries an App's resources in the order they were registered, with a regex search
//! for each pattern that has a `{param}`, so the endpoint `mount_http` registers at the end is
//! reached only after every route of the app has been tried — a cost on every MCP request that
//! grows with the API, and a catch-all route such as `/{page}` would take `/mcp` for itself.
//! Register [`McpMount::endpoint`] first in the factory to have it matched before them;
//! `mount_http` still comes last and serves its tool calls.
//!
//! # Workers
//!
//! actix-web runs one App per worker thread, and App services are not `Send`. The [`McpMount`]
//! (tool catalog, sessions, configuration) is built once and shared by all workers, so a
//! session opened on one worker continues on any other. A tool call runs on the worker that
//! received the MCP request carrying it, through that worker's App; each worker serves its calls
//! with one small task that starts when actix builds the worker's App.
//!
//! # Hostnames
//!
//! Like every MCP server, the endpoint checks the `Host` header against DNS rebinding; only
//! loopback names pass by default. Behind a real hostname, list it:
//! `McpConfig::new(api).allowed_hosts(["api.example.com"])`.
//!
//! # Graceful shutdown
//!
//! Open MCP streams (SSE) would keep a graceful stop waiting for `shutdown_timeout`. Stopping
//! through the mount ends them first:
//!
//! ```no_run
//! # use actix_web::{App, HttpServer};
//! # use mcp_actix::{McpAppExt, McpConfig, McpMount};
//! # #[actix_web::main]
//! # async fn main() -> std::io::Result<()> {
//! # let api = utoipa::openapi::OpenApiBuilder::new().build();
//! let mcp = McpMount::new("/mcp", McpConfig::new(api));
//! let factory_mcp = mcp.clone();
//! let server = HttpServer::new(move || App::new().mount_http(&factory_mcp))
//!     .bind(("127.0.0.1", 3000))?
//!     .run();
//! // On Ctrl-C or SIGTERM: end the MCP streams, then stop the server gracefully.
//! actix_web::rt::spawn(mcp.stop_on_shutdown_signal(server.handle()));
//! server.await
//! # }
//! ```
//!
//! # A separate MCP app
//!
//! [`StandaloneMcp`] builds the MCP endpoint for an `HttpServer` of its own, from the same
//! [`McpConfig`], with its own listener and middleware: its tool calls go in-process to the
//! workers of the API's server ([`InProcessApi`], [`McpAppExt::serve_mcp_calls`]), or over HTTP
//! to an API elsewhere (with `mcp_web_remote::RemoteApi`).
//!
//! # Re-exports
//!
//! The `mcp-web-core` items an app names to configure and serve a mount — [`McpConfig`] and its
//! builder types, [`curated`] components, [`event_store`], [`Preview`], [`ResourceUpdates`],
//! [`ShutdownHandle`], [`MountError`] and the request markers — are re-exported, so the app needs no
//! direct dependency on the core. mcp-axum and mcp-actix re-export the same list; the items for
//! adapter authors (`Dispatcher`, `McpService`) stay in `mcp-web-core`.

mod app;
mod body;
mod challenge;
mod edge;
mod endpoint;
mod mount;
mod standalone;
mod worker;

use actix_web::{
    App,
    body::{EitherBody, MessageBody},
    dev::{ServiceFactory, ServiceRequest, ServiceResponse},
};
use tokio::sync::mpsc;

pub use app::{McpApp, McpAppFactory, McpAppService};
pub use endpoint::McpEndpoint;
pub use mcp_web_core::{
    ConversionWarning, McpConfig, McpKind, McpResourceRead, McpToolCall, MountError,
    OperationFilter, OperationInfo, OperationMapping, Preview, ResourceUpdates, RouteMap,
    ShutdownHandle, ToolFinder, ToolSearch, curated, event_store, oauth, prelude,
};
pub use mount::McpMount;
pub use standalone::{InProcessApi, StandaloneMcp};

mod sealed {
    pub trait Sealed {}
    impl<T> Sealed for actix_web::App<T> {}
}

/// MCP for an actix-web [`App`]: the front door of mcp-actix.
pub trait McpAppExt<T, B>: sealed::Sealed + Sized {
    /// Serve `mount` on this App, and make tool calls go through this App.
    ///
    /// Call it last in the app factory, after every `.wrap(..)`, `.app_data(..)` and
    /// `.service(..)`: it returns the [`McpApp`] that `HttpServer::new` serves (or
    /// `actix_web::test::init_service` builds, as here). It cannot fail: what can is building
    /// the [`McpMount`], once, outside the factory. An app with many `{param}` routes also
    /// registers [`McpMount::endpoint`] first: see [Routing `/mcp` first](crate#routing-mcp-first).
    ///
    /// ```
    /// use actix_web::{App, middleware::Logger, test};
    /// use mcp_actix::{McpAppExt, McpConfig, McpMount};
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let mcp = McpMount::new("/mcp", McpConfig::new(utoipa::openapi::OpenApiBuilder::new().build()));
    /// let app = test::init_service(App::new().wrap(Logger::default()).mount_http(&mcp)).await;
    /// let initialize = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
    ///     "params": {"protocolVersion": "2025-06-18", "capabilities": {},
    ///                "clientInfo": {"name": "doc", "version": "1"}}});
    /// let request = test::TestRequest::post()
    ///     .uri("/mcp")
    ///     .insert_header(("host", "127.0.0.1"))
    ///     .insert_header(("accept", "application/json, text/event-stream"))
    ///     .set_json(initialize)
    ///     .to_request();
    /// let response = test::call_service(&app, request).await;
    /// assert!(response.headers().contains_key("mcp-session-id"));
    /// # });
    /// ```
    fn mount_http(
        self,
        mount: &McpMount,
    ) -> McpApp<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<EitherBody<B>>,
            Error = actix_web::Error,
            InitError = (),
        > + use<Self, T, B>,
    >;

    /// Serve the in-process tool calls of a [`StandaloneMcp`] on this App: the API's App, in the
    /// API's own server. Each worker's App registers with `api` when actix builds it, and serves
    /// the calls sent to it through the full App, as a mount does. Nothing is routed: the App
    /// answers its listener exactly as before.
    ///
    /// Call it last in the API's app factory, as `mount_http`.
    fn serve_mcp_calls(self, api: &InProcessApi) -> McpApp<T>;
}

impl<T, B> McpAppExt<T, B> for App<T>
where
    T: ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<B>,
            Error = actix_web::Error,
            InitError = (),
        >,
    B: MessageBody + 'static,
{
    fn mount_http(
        self,
        mount: &McpMount,
    ) -> McpApp<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<EitherBody<B>>,
            Error = actix_web::Error,
            InitError = (),
        > + use<T, B>,
    > {
        // Registered here too: where `McpMount::endpoint` came first, this one is never reached.
        let (calls, received_calls) = endpoint::calls_channel(mount);
        let endpoint = endpoint::resource(mount, calls);
        // The last `wrap` is the outermost: the OAuth edge runs before the host's middleware.
        let edge = challenge::OAuthEdgeMiddleware::new(mount.service.oauth_edge().cloned());
        McpApp::new(self.service(endpoint).wrap(edge), received_calls)
    }

    fn serve_mcp_calls(self, api: &InProcessApi) -> McpApp<T> {
        let (calls, received_calls) = mpsc::unbounded_channel();
        api.register(calls);
        McpApp::new(self, received_calls)
    }
}
