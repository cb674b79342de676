//! [`StandaloneMcp`]: the MCP endpoint as an app of its own — its own `HttpServer`, listener
//! and middleware — that reaches the API in-process or over HTTP; and [`InProcessApi`], the
//! workers of the API's own server that serve its in-process calls.
//!
//! The same [`McpConfig`] a mount takes builds it, and the endpoint is the same: curated
//! components, filters, both protocol eras, the `Host` and `Origin` checks, graceful shutdown
//! and the preview. Only the way to the API differs:
//!
//! - [`in_process`](StandaloneMcp::in_process): the API's App, in this process. The API's server
//!   builds its App with [`serve_mcp_calls`](crate::McpAppExt::serve_mcp_calls), and each of
//!   its workers then serves tool calls too, through its full App (middleware, extractors,
//!   `app_data`), with no socket; the API's routes are not on the MCP listener, whose App holds
//!   only the endpoint.
//! - [`remote`](StandaloneMcp::remote): a dispatcher that calls the API over the network
//!   (`mcp_web_remote::RemoteApi`). The caller's headers are not forwarded
//!   ([`McpConfig::forward_headers`] does not apply): the dispatcher decides what goes upstream.
//!
//! actix Apps are `!Send` and built per worker, so the MCP app cannot hold the API's App the way
//! an axum Router can. Instead each API worker registers a channel in the [`InProcessApi`] when
//! its App is built; the MCP app sends each call to one of them in turn, and the call runs on
//! that worker as an in-process call of a mount does.

use std::{
    fmt,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicUsize, Ordering},
    },
};

use bytes::Bytes;
use futures_util::future::BoxFuture;
use mcp_web_core::{CallError, DispatchBody, Dispatcher};

use crate::{
    McpConfig, McpMount, MountError, Preview, ShutdownHandle,
    worker::{self, CallSender, ReceivedBy},
};

/// An MCP app of its own, for a split deployment: the API on one `HttpServer`, MCP on another
/// (in this process or another one).
///
/// ```no_run
/// use actix_web::{App, HttpServer, web};
/// use mcp_actix::{InProcessApi, McpAppExt, McpConfig, StandaloneMcp};
///
/// # fn routes(_: &mut web::ServiceConfig) {}
/// # #[actix_web::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let document = utoipa::openapi::OpenApiBuilder::new().build();
/// let api = InProcessApi::new();
/// let mcp = StandaloneMcp::new("/mcp", McpConfig::new(document)).in_process(&api)?;
/// let factory_api = api.clone();
/// let api_server = HttpServer::new(move || {
///     App::new().configure(routes).serve_mcp_calls(&factory_api) // + the API's .wrap(auth)
/// })
/// .bind(("127.0.0.1", 3000))?
/// .run();
/// let factory_mcp = mcp.clone();
/// let mcp_server = HttpServer::new(move || App::new().mount_http(&factory_mcp)) // + .wrap(auth)
///     .bind(("127.0.0.1", 3010))?
///     .run();
/// actix_web::rt::spawn(mcp.stop_on_shutdown_signal(mcp_server.handle()));
/// futures::try_join!(api_server, mcp_server)?;
/// # Ok(())
/// # }
/// ```
///
/// What it builds is an [`McpMount`], served by the MCP server's App with
/// [`mount_http`](crate::McpAppExt::mount_http) as a mount is: that App's middleware wraps the
/// MCP endpoint. The caller's `Authorization` is forwarded onto in-process calls as in a mount
/// ([`McpConfig::forward_headers`]), so the API's middleware sees the caller.
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

    /// The MCP endpoint, its tool calls served in-process by the workers of the API's server,
    /// whose App factory ends with [`serve_mcp_calls(&api)`](crate::McpAppExt::serve_mcp_calls).
    /// Serve it on the MCP server's App with [`mount_http`](crate::McpAppExt::mount_http).
    ///
    /// # Errors
    ///
    #[doc = include_str!("docs/mount_errors.md")]
    pub fn in_process(self, api: &InProcessApi) -> Result<McpMount, MountError> {
        let dispatcher = ApiDispatcher { api: api.clone() };
        McpMount::with_dispatcher(&self.path, self.config, dispatcher)
    }

    /// The MCP endpoint, its tool calls sent to the API by `api` — over the network, typically
    /// an `mcp_web_remote::RemoteApi`. Serve it on the MCP server's App with
    /// [`mount_http`](crate::McpAppExt::mount_http).
    ///
    /// No header of the MCP request is copied onto the calls ([`McpConfig::forward_headers`]
    /// does not apply, since the API is another server): `api` decides what goes upstream.
    ///
    /// # Errors
    ///
    #[doc = include_str!("docs/mount_errors.md")]
    pub fn remote(self, api: impl Dispatcher) -> Result<McpMount, MountError> {
        let config = self.config.forward_headers(None::<&str>);
        McpMount::with_dispatcher(&self.path, config, api)
    }
}

/// The workers of the API's `HttpServer`, which serve the in-process tool calls of a
/// [`StandaloneMcp`].
///
/// Create it once, give it to [`StandaloneMcp::in_process`], and end the API's App factory with
/// [`serve_mcp_calls(&api)`](crate::McpAppExt::serve_mcp_calls). Cloning is cheap; clones share
/// the workers. Calls go to the workers in turn.
#[derive(Clone, Default)]
pub struct InProcessApi {
    workers: Arc<Workers>,
}

#[derive(Default)]
struct Workers {
    senders: Mutex<Vec<CallSender>>,
    next: AtomicUsize,
}

impl InProcessApi {
    /// No worker yet: they register as the API's server builds its Apps.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many API workers serve calls now.
    pub fn workers(&self) -> usize {
        let mut senders = self.senders();
        senders.retain(|sender| !sender.is_closed());
        senders.len()
    }

    /// Add the worker whose App receives on `sender`'s channel.
    pub(crate) fn register(&self, sender: CallSender) {
        self.senders().push(sender);
    }

    /// The next worker in turn, forgetting those that stopped.
    fn next_worker(&self) -> Option<CallSender> {
        let mut senders = self.senders();
        senders.retain(|sender| !sender.is_closed());
        if senders.is_empty() {
            return None;
        }
        let turn = self.workers.next.fetch_add(1, Ordering::Relaxed);
        Some(senders[turn % senders.len()].clone())
    }

    fn senders(&self) -> std::sync::MutexGuard<'_, Vec<CallSender>> {
        // A list of channels stays consistent even if a holder panicked.
        self.workers
            .senders
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for InProcessApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InProcessApi")
            .field("workers", &self.workers())
            .finish()
    }
}

/// The core's [`Dispatcher`] for a standalone app in-process: each call to the next API worker.
struct ApiDispatcher {
    api: InProcessApi,
}

impl Dispatcher for ApiDispatcher {
    fn dispatch(
        &self,
        request: http::Request<Bytes>,
        incoming: Option<&http::request::Parts>,
    ) -> BoxFuture<'static, Result<http::Response<DispatchBody>, CallError>> {
        let Some(worker) = self.api.next_worker() else {
            let why = "no worker of the API's server is running: end the API's App factory with \
                       .serve_mcp_calls(&api), with the InProcessApi given to \
                       StandaloneMcp::in_process, and start that server";
            return Box::pin(std::future::ready(Err(CallError::Dispatch(why.into()))));
        };
        // The MCP client's address, as the API's handlers would see it on a mount.
        let peer_addr = incoming
            .and_then(|parts| parts.extensions.get::<ReceivedBy>())
            .and_then(|received| received.peer_addr);
        Box::pin(worker::call_on(worker, request, peer_addr))
    }
}
