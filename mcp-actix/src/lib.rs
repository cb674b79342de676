//! Mount an MCP server on an existing [actix-web](https://docs.rs/actix-web) `App`: every
//! operation in the app's OpenAPI document becomes a tool, and every tool call is served
//! in-process by the same App on the same worker — its middleware, extractors, `app_data` and
//! auth included, with no socket in between.
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
//! let mcp = McpMount::new("/mcp", McpConfig::new(ApiDoc::openapi()))?;
//! let server = HttpServer::new(move || {
//!     App::new()
//!         .service(health)
//!         .mount_mcp(&mcp) // the one added line
//! });
//! # let _ = server;
//! # Ok::<(), mcp_actix::MountError>(())
//! ```
//!
//! # Middleware and extractors
//!
//! `mount_mcp` comes last in the factory, after every `.wrap(..)`. actix-web wraps the whole App
//! in its middleware whatever the order of calls, so the MCP endpoint sits behind all of it
//! (auth, logging, CORS see every MCP request), and each tool call goes through the same App
//! instance from the top: every middleware runs again, then the route's extractors and handler.
//! The caller's `Authorization` header is copied onto each call (see
//! [`McpConfig::forward_headers`]), so a guard like actix-web-httpauth's
//! `HttpAuthentication::bearer` protects both doors with no MCP-specific code. Handlers and
//! middleware can tell an MCP call by the [`McpToolCall`] (or [`McpResourceRead`]) in the request
//! extensions; `HttpRequest::peer_addr` is the MCP client's address.
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
//! let mcp = McpMount::new("/mcp", McpConfig::new(api)).expect("a usable OpenAPI document");
//! let factory_mcp = mcp.clone();
//! let server = HttpServer::new(move || App::new().mount_mcp(&factory_mcp))
//!     .bind(("127.0.0.1", 3000))?
//!     .run();
//! // On Ctrl-C or SIGTERM: end the MCP streams, then stop the server gracefully.
//! actix_web::rt::spawn(mcp.stop_on_shutdown_signal(server.handle()));
//! server.await
//! # }
//! ```

mod app;
mod body;
mod edge;
mod endpoint;
mod worker;

use std::future::Future;

use actix_web::{
    App,
    dev::{ServerHandle, ServiceFactory, ServiceRequest},
};
use mcp_web_core::McpService;
use tokio::sync::mpsc;

pub use app::{McpApp, McpAppFactory, McpAppService};
pub use mcp_web_core::prelude;
pub use mcp_web_core::{
    ConversionWarning, McpConfig, McpKind, McpResourceRead, McpToolCall, MountError,
    OperationFilter, OperationInfo, OperationMapping, Preview, RouteMap, ShutdownHandle,
};

/// The MCP endpoint of an actix-web app: built once, outside the app factory, and mounted on
/// every worker's App with [`McpAppExt::mount_mcp`].
///
/// Cloning is cheap; all clones share the tool catalog and the MCP sessions.
#[derive(Debug, Clone)]
pub struct McpMount {
    path: String,
    service: McpService,
    shutdown: ShutdownHandle,
}

impl McpMount {
    /// Serve MCP at exactly `path`; the operations of `config`'s OpenAPI document become tools.
    ///
    /// The catalog is built here, once. The endpoint itself is never offered as a tool.
    ///
    /// ```
    /// use mcp_actix::{McpConfig, McpMount};
    ///
    /// let document = serde_json::json!({
    ///     "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
    ///     "paths": {"/ping": {"get": {"operationId": "ping", "responses": {"200": {"description": "ok"}}}}}
    /// });
    /// let mcp = McpMount::new("/mcp", McpConfig::from_json(document))?;
    /// assert_eq!(mcp.path(), "/mcp");
    /// assert_eq!(mcp.preview().tools[0]["name"], "ping");
    /// # Ok::<(), mcp_actix::MountError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// When the OpenAPI document cannot be serialized to JSON.
    pub fn new(path: &str, config: McpConfig) -> Result<Self, MountError> {
        let shutdown = config.shutdown_handle();
        let service = McpService::new(config, path, worker::WorkerDispatcher)?;
        Ok(Self {
            path: path.to_string(),
            service,
            shutdown,
        })
    }

    /// The path the endpoint answers at.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What the endpoint offers (tools exactly as `tools/list` returns them, resources,
    /// resource templates) and the conversion warnings.
    pub fn preview(&self) -> Preview {
        self.service.preview()
    }

    /// Operations that were skipped or converted with a loss, each with the reason.
    pub fn warnings(&self) -> &[ConversionWarning] {
        self.service.warnings()
    }

    /// The handle that ends this mount's sessions and open streams.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }

    /// Wait for `signal`, end this mount's MCP sessions and streams, then stop `server`
    /// gracefully. Spawn it next to the running server.
    ///
    /// ```no_run
    /// # use actix_web::{App, HttpServer};
    /// # use mcp_actix::{McpAppExt, McpConfig, McpMount};
    /// # #[actix_web::main]
    /// # async fn main() -> std::io::Result<()> {
    /// # let mcp = McpMount::new("/mcp", McpConfig::new(utoipa::openapi::OpenApiBuilder::new().build())).unwrap();
    /// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    /// let factory_mcp = mcp.clone();
    /// let server = HttpServer::new(move || App::new().mount_mcp(&factory_mcp))
    ///     .bind(("127.0.0.1", 0))?
    ///     .run();
    /// actix_web::rt::spawn(mcp.stop_after(async { let _ = stopped.await; }, server.handle()));
    /// # let _ = stop;
    /// server.await
    /// # }
    /// ```
    pub fn stop_after<F>(
        &self,
        signal: F,
        server: ServerHandle,
    ) -> impl Future<Output = ()> + 'static
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let ends_streams = self.shutdown.after(signal);
        async move {
            ends_streams.await;
            server.stop(true).await;
        }
    }

    /// [`stop_after`](Self::stop_after) Ctrl-C or, on Unix, SIGTERM.
    pub fn stop_on_shutdown_signal(
        &self,
        server: ServerHandle,
    ) -> impl Future<Output = ()> + 'static {
        let ends_streams = self.shutdown.after_shutdown_signal();
        async move {
            ends_streams.await;
            server.stop(true).await;
        }
    }
}

mod sealed {
    pub trait Sealed {}
    impl<T> Sealed for actix_web::App<T> {}
}

/// MCP for an actix-web [`App`]: the front door of mcp-actix.
pub trait McpAppExt<T>: sealed::Sealed {
    /// Serve `mount` on this App, and make tool calls go through this App.
    ///
    /// Call it last in the app factory, after every `.wrap(..)`, `.app_data(..)` and
    /// `.service(..)`: it returns the [`McpApp`] that `HttpServer::new` serves (or
    /// `actix_web::test::init_service` builds, as here).
    ///
    /// ```
    /// use actix_web::{App, middleware::Logger, test};
    /// use mcp_actix::{McpAppExt, McpConfig, McpMount};
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let mcp = McpMount::new("/mcp", McpConfig::new(utoipa::openapi::OpenApiBuilder::new().build()))?;
    /// let app = test::init_service(App::new().wrap(Logger::default()).mount_mcp(&mcp)).await;
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
    /// # Ok::<(), mcp_actix::MountError>(())
    /// # }).unwrap();
    /// ```
    fn mount_mcp(self, mount: &McpMount) -> McpApp<T>;
}

impl<T> McpAppExt<T> for App<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    fn mount_mcp(self, mount: &McpMount) -> McpApp<T> {
        let (calls, received_calls) = mpsc::unbounded_channel();
        let endpoint = endpoint::resource(&mount.path, mount.service.clone(), calls);
        McpApp::new(self.service(endpoint), received_calls)
    }
}
