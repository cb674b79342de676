//! [`McpConfig`]: what a mount exposes and how its transport behaves.

use std::{sync::Arc, time::Duration};

use http::HeaderName;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::Error;

/// Configuration of one MCP mount, built with named methods.
///
/// ```
/// use std::time::Duration;
/// use mcp_web_core::McpConfig;
///
/// let api = utoipa::openapi::OpenApiBuilder::new().build();
/// let config = McpConfig::new(api)
///     .name("tickets")
///     .forward_headers(["authorization", "x-request-id"])
///     .session_idle_timeout(Duration::from_secs(600))
///     .allowed_hosts(["api.example.com"]);
/// # let _ = config;
/// ```
///
/// | setting | default |
/// |---|---|
/// | [`forward_headers`](Self::forward_headers) | `authorization` only |
/// | sessions | stateful for 2025-era clients; 2026-07-28 clients are always stateless |
/// | [`session_idle_timeout`](Self::session_idle_timeout) | 5 minutes |
/// | [`allowed_hosts`](Self::allowed_hosts) | loopback only: `localhost`, `127.0.0.1`, `::1` |
/// | [`call_timeout`](Self::call_timeout) | 30 seconds per tool call |
/// | [`max_request_body_bytes`](Self::max_request_body_bytes) | 4 MiB |
/// | [`max_response_body_bytes`](Self::max_response_body_bytes) | 16 MiB |
#[derive(Debug, Clone)]
pub struct McpConfig {
    pub(crate) openapi: Arc<Result<Value, String>>,
    pub(crate) name: Option<String>,
    pub(crate) version: Option<String>,
    pub(crate) instructions: Option<String>,
    pub(crate) forward_headers: Vec<HeaderName>,
    pub(crate) stateful: bool,
    pub(crate) json_responses: bool,
    pub(crate) session_idle_timeout: Option<Duration>,
    pub(crate) sse_keep_alive: Option<Duration>,
    pub(crate) allowed_hosts: Option<Vec<String>>,
    pub(crate) allowed_origins: Vec<String>,
    pub(crate) call_timeout: Duration,
    pub(crate) max_request_body_bytes: usize,
    pub(crate) max_response_body_bytes: usize,
    pub(crate) keep_defs: bool,
    pub(crate) shutdown: CancellationToken,
}

impl McpConfig {
    /// Default time a tool call may take before it returns a timeout error.
    pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default idle time after which a 2025-era session is closed.
    pub const DEFAULT_SESSION_IDLE_TIMEOUT: Duration = Duration::from_secs(300);

    /// Expose the operations of a utoipa OpenAPI document.
    pub fn new(api: utoipa::openapi::OpenApi) -> Self {
        let openapi = serde_json::to_value(&api).map_err(|e| e.to_string());
        Self::with_document(openapi)
    }

    /// Expose the operations of an OpenAPI 3.x document given as JSON.
    pub fn from_json(document: Value) -> Self {
        Self::with_document(Ok(document))
    }

    fn with_document(openapi: Result<Value, String>) -> Self {
        Self {
            openapi: Arc::new(openapi),
            name: None,
            version: None,
            instructions: None,
            forward_headers: vec![http::header::AUTHORIZATION],
            stateful: true,
            json_responses: false,
            session_idle_timeout: Some(Self::DEFAULT_SESSION_IDLE_TIMEOUT),
            sse_keep_alive: Some(Duration::from_secs(15)),
            allowed_hosts: None,
            allowed_origins: Vec::new(),
            call_timeout: Self::DEFAULT_CALL_TIMEOUT,
            max_request_body_bytes: 4 * 1024 * 1024,
            max_response_body_bytes: 16 * 1024 * 1024,
            keep_defs: false,
            shutdown: CancellationToken::new(),
        }
    }

    /// The server name announced to clients (default: the OpenAPI `info.title`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The server version announced to clients (default: the OpenAPI `info.version`).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// Instructions for the model, sent at initialization.
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// Headers copied from the MCP request onto every in-process call, replacing the default
    /// (`authorization`). Names that are not valid header names are ignored with a warning.
    ///
    /// Only these headers reach your handlers: cookies, hosts and anything else the client sent
    /// stay behind unless you list them.
    pub fn forward_headers<I, N>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = N>,
        N: AsRef<str>,
    {
        self.forward_headers = names
            .into_iter()
            .filter_map(|name| {
                let name = name.as_ref();
                HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| {
                        tracing::warn!(header = name, "not a valid header name; not forwarded")
                    })
                    .ok()
            })
            .collect();
        self
    }

    /// Serve 2025-era clients without sessions too (no `Mcp-Session-Id`, one response per POST).
    ///
    /// 2026-07-28 clients are always served statelessly. Use this behind load balancers that do
    /// not pin clients to one instance.
    pub fn stateless(mut self) -> Self {
        self.stateful = false;
        self
    }

    /// Answer stateless requests with `application/json` instead of an SSE stream when the
    /// answer is a single message.
    pub fn json_responses(mut self) -> Self {
        self.json_responses = true;
        self
    }

    /// Close a 2025-era session after this long without traffic (default 5 minutes).
    pub fn session_idle_timeout(mut self, idle: Duration) -> Self {
        self.session_idle_timeout = Some(idle);
        self
    }

    /// Interval of SSE keep-alive comments on open streams (default 15 s; `None` turns them off).
    pub fn sse_keep_alive(mut self, interval: Option<Duration>) -> Self {
        self.sse_keep_alive = interval;
        self
    }

    /// Accept requests whose `Host` is one of these (`"api.example.com"` or
    /// `"api.example.com:8443"`), replacing the loopback-only default.
    ///
    /// The `Host` check protects a server on a developer machine against DNS rebinding. Behind a
    /// real hostname, list it here; loopback names are not kept unless you list them too.
    pub fn allowed_hosts<I, H>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = H>,
        H: Into<String>,
    {
        self.allowed_hosts = Some(hosts.into_iter().map(Into::into).collect());
        self
    }

    /// Accept any `Host` header. Only for servers whose proxy already checks it.
    pub fn allow_any_host(mut self) -> Self {
        self.allowed_hosts = Some(Vec::new());
        self
    }

    /// Browser origins allowed to call the endpoint (`"https://app.example.com:443"`).
    /// Empty (the default) skips the `Origin` check.
    pub fn allowed_origins<I, O>(mut self, origins: I) -> Self
    where
        I: IntoIterator<Item = O>,
        O: Into<String>,
    {
        self.allowed_origins = origins.into_iter().map(Into::into).collect();
        self
    }

    /// How long one tool call may run before the caller gets a timeout error (default 30 s).
    /// The in-process request is dropped at that point, so the handler stops too.
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// Largest JSON-RPC request body accepted on the MCP endpoint (default 4 MiB); larger gets 413.
    pub fn max_request_body_bytes(mut self, limit: usize) -> Self {
        self.max_request_body_bytes = limit;
        self
    }

    /// Largest endpoint response a tool call reads (default 16 MiB); larger becomes a tool error.
    pub fn max_response_body_bytes(mut self, limit: usize) -> Self {
        self.max_response_body_bytes = limit;
        self
    }

    /// Keep every component schema once under the tool schema's `$defs` and refer to it with
    /// `$ref`, instead of inlining the ones that are not recursive (the default).
    ///
    /// Smaller tool schemas for documents that reuse large models; use it only with clients that
    /// resolve `$ref`, which several do not. The root of a body or result is inlined either way,
    /// so its properties stay arguments.
    pub fn keep_defs(mut self) -> Self {
        self.keep_defs = true;
        self
    }

    /// A handle that ends this mount's sessions and open streams, for graceful shutdown.
    ///
    /// ```no_run
    /// # async fn run(listener: tokio::net::TcpListener, api: utoipa::openapi::OpenApi) {
    /// # let serve = |_: &str| async {};
    /// let config = mcp_web_core::McpConfig::new(api);
    /// let shutdown = config.shutdown_handle();
    /// // hand `config` to the mount, then:
    /// let signal = shutdown.after(async { let _ = tokio::signal::ctrl_c().await; });
    /// // axum::serve(listener, app).with_graceful_shutdown(signal).await
    /// # let _ = signal;
    /// # }
    /// ```
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle(self.shutdown.clone())
    }

    /// What a mount of this configuration would expose, without serving anything: tools exactly as
    /// `tools/list` returns them, resources, resource templates and conversion warnings.
    ///
    /// ```
    /// let document = serde_json::json!({
    ///     "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
    ///     "paths": {"/ping": {"get": {"operationId": "ping", "responses": {"200": {"description": "ok"}}}}}
    /// });
    /// let preview = mcp_web_core::McpConfig::from_json(document).preview().unwrap();
    /// assert_eq!(preview.tools[0]["name"], "ping");
    /// ```
    pub fn preview(&self) -> Result<crate::Preview, Error> {
        Ok(crate::catalog::build_catalog(self, None)?.preview())
    }

    pub(crate) fn document(&self) -> Result<&Value, Error> {
        self.openapi
            .as_ref()
            .as_ref()
            .map_err(|why| Error::OpenApi(why.clone()))
    }
}

/// Ends a mount's MCP sessions and open streams, so the host server's graceful shutdown finishes
/// promptly instead of waiting for clients to hang up.
#[derive(Debug, Clone)]
pub struct ShutdownHandle(CancellationToken);

impl ShutdownHandle {
    /// End every session and open stream of the mount now.
    pub fn shutdown(&self) {
        self.0.cancel();
    }

    /// Wait for `signal`, then end the mount's sessions. Pass the result to
    /// `with_graceful_shutdown`.
    pub fn after<F>(&self, signal: F) -> impl Future<Output = ()> + Send + 'static
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let token = self.0.clone();
        async move {
            signal.await;
            token.cancel();
        }
    }

    /// Whether the mount has been shut down.
    pub fn is_shut_down(&self) -> bool {
        self.0.is_cancelled()
    }
}
