//! [`McpConfig`]: what a mount serves and how its transport behaves, set with named builder
//! methods. This file holds the settings of the endpoint and the curated components;
//! [`operations`] the choice of operations, [`shutdown`] the [`ShutdownHandle`],
//! [`tool_search`] discovery mode ([`ToolSearch`]).
//!
//! `McpConfig::preview` lives beside the mount it previews, in `service.rs`.

mod operations;
mod shutdown;
mod tool_search;

use std::{collections::HashMap, sync::Arc, time::Duration};

use http::HeaderName;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

pub use shutdown::ShutdownHandle;
pub use tool_search::ToolSearch;

use crate::{
    MountError,
    catalog::{CatalogInput, CatalogSource},
    curated::{
        ArgumentCompletion, Curated, CuratedPrompt, CuratedResource, CuratedResourceTemplate,
        CuratedTool,
    },
    exposure::Exposure,
};

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
/// | [`max_sessions`](Self::max_sessions) | 10,000 open 2025-era sessions; more get 503 |
/// | responses | SSE streams; [`json_responses`](Self::json_responses) for plain JSON |
/// | [`sse_keep_alive`](Self::sse_keep_alive) | a comment every 15 s |
/// | resumability (`Last-Event-ID`) | in memory, per session, while a call runs; [`event_store`](Self::event_store) for more |
/// | [`session_store`](Self::session_store) | none: sessions live in the instance that opened them |
/// | [`allowed_origins`](Self::allowed_origins) | no `Origin` (non-browser clients) or a loopback one; others get 403 |
/// | [`allowed_hosts`](Self::allowed_hosts) | loopback only: `localhost`, `127.0.0.1`, `::1` |
/// | [`call_timeout`](Self::call_timeout) | 30 seconds per tool call |
/// | [`max_request_body_bytes`](Self::max_request_body_bytes) | 4 MiB |
/// | [`max_response_body_bytes`](Self::max_response_body_bytes) | 16 MiB |
/// | [`tool_search`](Self::tool_search) | off: `tools/list` lists every tool |
/// | [`oauth`](Self::oauth), [`caller_scopes`](Self::caller_scopes) | off: the host's auth alone decides |
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
    pub(crate) allowed_origins: Option<Vec<String>>,
    pub(crate) call_timeout: Duration,
    pub(crate) max_request_body_bytes: usize,
    pub(crate) max_response_body_bytes: usize,
    pub(crate) exposure: Exposure,
    pub(crate) keep_defs: bool,
    pub(crate) full_output_schemas: bool,
    pub(crate) shutdown: CancellationToken,
    pub(crate) curated: Curated,
    pub(crate) tool_timeouts: HashMap<String, Duration>,
    pub(crate) max_sessions: usize,
    pub(crate) request_state_key: Option<Vec<u8>>,
    pub(crate) resource_updates: crate::ResourceUpdates,
    pub(crate) event_store: Option<Arc<dyn crate::event_store::EventStore>>,
    pub(crate) session_store: Option<Arc<dyn crate::session_store::SessionStore>>,
    pub(crate) tool_search: Option<ToolSearch>,
    pub(crate) oauth: crate::oauth::OAuthSettings,
    pub(crate) tasks: crate::tasks::TaskSettings,
}

impl McpConfig {
    /// Default time a tool call may take before it returns a timeout error.
    pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default limit of open 2025-era sessions.
    pub const DEFAULT_MAX_SESSIONS: usize = 10_000;
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
            allowed_origins: None,
            call_timeout: Self::DEFAULT_CALL_TIMEOUT,
            max_request_body_bytes: 4 * 1024 * 1024,
            max_response_body_bytes: 16 * 1024 * 1024,
            exposure: Exposure::default(),
            keep_defs: false,
            full_output_schemas: false,
            shutdown: CancellationToken::new(),
            curated: Curated::default(),
            tool_timeouts: HashMap::new(),
            max_sessions: Self::DEFAULT_MAX_SESSIONS,
            request_state_key: None,
            resource_updates: crate::ResourceUpdates::default(),
            event_store: None,
            session_store: None,
            tool_search: None,
            oauth: crate::oauth::OAuthSettings::default(),
            tasks: crate::tasks::TaskSettings::default(),
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

    /// At most this many open 2025-era sessions (default 10,000); an `initialize` beyond it gets
    /// `503 Service Unavailable` until idle sessions expire or clients end theirs. Stateless
    /// requests are not counted.
    pub fn max_sessions(mut self, limit: usize) -> Self {
        self.max_sessions = limit;
        self
    }

    /// Keep the events of SSE streams in `store`, so a client that reconnects with
    /// `Last-Event-ID` gets what it missed even after the call's answer was sent, and from
    /// another instance. Default: each session keeps its streams' events in memory while the
    /// call runs (rmcp's buffer, dropped once the answer is sent), which covers a client that
    /// reconnects to the same instance before the answer.
    pub fn event_store(mut self, store: Arc<dyn crate::event_store::EventStore>) -> Self {
        self.event_store = Some(store);
        self
    }

    /// Keep each 2025-era session's `initialize` parameters in `store`, so that an instance
    /// that does not know a session restores it (replaying the handshake) instead of answering
    /// 404: replicas behind a load balancer serve the same sessions. While a session is in use
    /// its entry is written again every quarter of the
    /// [`session_idle_timeout`](Self::session_idle_timeout), which should be the store's
    /// expiry. A session restored here counts against [`max_sessions`](Self::max_sessions).
    /// Default: none, each instance knows its own sessions.
    pub fn session_store(mut self, store: Arc<dyn crate::session_store::SessionStore>) -> Self {
        self.session_store = Some(store);
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

    /// Browser origins allowed to call the endpoint (`"https://app.example.com:443"`,
    /// `"http://localhost:*"`), replacing the loopback-only default. A request with any other
    /// `Origin` gets 403; requests without one (every non-browser client) are not affected.
    /// Empty (the default) skips the `Origin` check.
    pub fn allowed_origins<I, O>(mut self, origins: I) -> Self
    where
        I: IntoIterator<Item = O>,
        O: Into<String>,
    {
        self.allowed_origins = Some(origins.into_iter().map(Into::into).collect());
        self
    }

    /// Accept any `Origin` header (any web page may call the endpoint through a browser).
    pub fn allow_any_origin(mut self) -> Self {
        self.allowed_origins = Some(Vec::new());
        self
    }

    /// How long one tool call may run before the caller gets a timeout error (default 30 s).
    /// The in-process request is dropped at that point, so the handler stops too.
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// A different time limit for one generated tool (by tool name), e.g. a slow report
    /// endpoint. Curated tools set theirs with [`CuratedTool::timeout`].
    pub fn tool_timeout(mut self, tool: impl Into<String>, timeout: Duration) -> Self {
        self.tool_timeouts.insert(tool.into(), timeout);
        self
    }

    /// Serve a hand-written tool beside the generated ones (see [`crate::curated`]).
    pub fn tool(mut self, tool: CuratedTool) -> Self {
        self.curated.tools.push(tool);
        self
    }

    /// Serve a hand-written resource at a fixed URI.
    pub fn resource(mut self, resource: CuratedResource) -> Self {
        self.curated.resources.push(resource);
        self
    }

    /// Serve a hand-written resource template.
    pub fn resource_template(mut self, template: CuratedResourceTemplate) -> Self {
        self.curated.templates.push(template);
        self
    }

    /// Serve a prompt.
    pub fn prompt(mut self, prompt: CuratedPrompt) -> Self {
        self.curated.prompts.push(prompt);
        self
    }

    /// Offer completions for a prompt argument or a resource template variable.
    pub fn completion(mut self, completion: ArgumentCompletion) -> Self {
        self.curated.completions.push(completion);
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

    /// Keep output schemas as resolved: with their `examples`, and every part inlined wherever it
    /// occurs.
    ///
    /// By default an output schema drops `examples`, `readOnly`, `writeOnly: false`,
    /// `deprecated: false`, `default`, titles that repeat their description, a `type` its `enum`
    /// implies and OpenAPI's numeric widths (`int32`, `int64`, `float`, `double` beside a numeric
    /// type) — none validates anything, nor tells a reader of the result anything — and keeps
    /// each part that occurs more than once in it once under `$defs`, referred to with `$ref`
    /// (parts that differ only in their type, format or annotations share the rest, and objects
    /// with many properties alike apply them from one entry with `allOf`): with the tools' other
    /// savings, GitHub's `tools/list` shrinks from 11.6 to 5.78 MB, every description kept. Output schemas are what
    /// clients validate `structuredContent` with, and the official SDKs' validators resolve
    /// `$ref`; use this for a client that does not. Input schemas are never changed this way.
    pub fn full_output_schemas(mut self) -> Self {
        self.full_output_schemas = true;
        self
    }

    /// The key (at least 32 bytes) that seals the `requestState` of 2026-07-28 input-required
    /// results, so a client cannot alter the answers it already gave. Default: a random key per
    /// mount, which is right for one instance; give every instance behind a load balancer the
    /// same secret key, since a client's next round may reach another instance.
    pub fn request_state_key(mut self, key: impl Into<Vec<u8>>) -> Self {
        self.request_state_key = Some(key.into());
        self
    }

    /// How tool calls that take long run as tasks: the store, time to live and poll interval,
    /// and which generated tools may become tasks (see [`crate::tasks`]).
    pub fn tasks(mut self, settings: crate::tasks::TaskSettings) -> Self {
        self.tasks = settings;
        self
    }

    /// A handle that notifies sessions subscribed to a resource that it changed.
    pub fn resource_updates(&self) -> crate::ResourceUpdates {
        self.resource_updates.clone()
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

    /// The server name announced to clients: [`name`](Self::name), else `info.title`.
    pub(crate) fn server_name(&self) -> String {
        let title = self
            .document()
            .ok()
            .and_then(|d| d.pointer("/info/title"))
            .and_then(Value::as_str);
        self.name
            .as_deref()
            .or(title)
            .unwrap_or("mcp-web")
            .to_string()
    }

    pub(crate) fn document(&self) -> Result<&Value, MountError> {
        self.openapi
            .as_ref()
            .as_ref()
            .map_err(|why| MountError::OpenApi(why.clone()))
    }
}

/// The catalog is built from the document and the settings that choose what is exposed.
impl CatalogSource for McpConfig {
    fn catalog_input(&self) -> Result<CatalogInput<'_>, MountError> {
        Ok(CatalogInput {
            document: self.document()?,
            keep_defs: self.keep_defs,
            full_output_schemas: self.full_output_schemas,
            exposure: &self.exposure,
            server_name: self.server_name(),
        })
    }
}
