//! [`McpService`]: the MCP endpoint as a tower `Service`, ready for any framework to route to —
//! the server of a mount inside rmcp's streamable-HTTP transport, with the session limit — and
//! [`McpConfig::preview`], the same mount without serving it.

use std::{
    convert::Infallible,
    fmt::Display,
    sync::Arc,
    task::{Context, Poll},
};

use bytes::Bytes;
use futures::future::BoxFuture;
use http_body_util::BodyExt;
use rmcp::transport::{
    StreamableHttpServerConfig, StreamableHttpService,
    streamable_http_server::session::local::LocalSessionManager,
};

use crate::{
    McpConfig, MountError, Preview, catalog::ConversionWarning, dispatch::Dispatcher, server,
    server::McpServer,
};

/// Body of the MCP endpoint's responses (JSON or an SSE stream).
pub type McpBody = http_body_util::combinators::BoxBody<Bytes, Infallible>;

/// The streamable-HTTP MCP endpoint of one mount.
///
/// Serves both protocol eras on one path: 2025-06-18/2025-11-25 clients (initialize,
/// `Mcp-Session-Id`, SSE) and stateless 2026-07-28 clients (`server/discover`).
#[derive(Clone)]
pub struct McpService {
    http: StreamableHttpService<McpServer, LocalSessionManager>,
    server: McpServer,
    sessions: Arc<LocalSessionManager>,
    max_sessions: usize,
}

impl std::fmt::Debug for McpService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("McpService")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

impl McpService {
    /// Build the endpoint that will be served at `mount_path`, calling tools through
    /// `dispatcher`. The catalog is built here, once.
    ///
    /// # Errors
    ///
    /// A [`MountError`] when the OpenAPI document cannot be used, when components clash, or
    /// when a configuration value cannot be used.
    pub fn new(
        config: McpConfig,
        mount_path: &str,
        dispatcher: impl Dispatcher,
    ) -> Result<Self, MountError> {
        let server = McpServer::new(&config, mount_path, Arc::new(dispatcher))?;

        let mut sessions = LocalSessionManager::default();
        sessions.session_config.keep_alive = config.session_idle_timeout;
        if let Some(store) = &config.event_store {
            sessions = sessions.with_event_store(store.clone());
        }
        let sessions = Arc::new(sessions);
        let mut transport = StreamableHttpServerConfig::default()
            .with_legacy_session_mode(config.stateful)
            .with_json_response(config.json_responses)
            .with_sse_keep_alive(config.sse_keep_alive)
            .with_cancellation_token(config.shutdown.clone())
            .with_max_request_body_bytes(config.max_request_body_bytes);
        if let Some(hosts) = &config.allowed_hosts {
            transport = if hosts.is_empty() {
                transport.disable_allowed_hosts()
            } else {
                transport.with_allowed_hosts(hosts.clone())
            };
        }
        // Browser pages on other sites must not reach a local server (DNS rebinding, CSRF).
        let origins = config
            .allowed_origins
            .clone()
            .unwrap_or_else(|| LOOPBACK_ORIGINS.iter().map(|o| o.to_string()).collect());
        transport = if origins.is_empty() {
            transport.disable_allowed_origins()
        } else {
            transport
                .with_allowed_origins(origins)
                .enforce_origin_validation()
        };
        let factory_server = server.clone();
        let http = StreamableHttpService::new(
            move || Ok(factory_server.for_session()),
            sessions.clone(),
            transport,
        );
        Ok(Self {
            http,
            server,
            sessions,
            max_sessions: config.max_sessions,
        })
    }

    /// Operations that were skipped or converted with a loss, each with the reason.
    pub fn warnings(&self) -> &[ConversionWarning] {
        self.server.warnings()
    }

    /// What this endpoint offers — tools exactly as `tools/list` returns them, resources,
    /// resource templates — and the conversion warnings.
    pub fn preview(&self) -> Preview {
        self.server.preview()
    }
}

impl McpConfig {
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
    ///
    /// # Errors
    ///
    /// The [`MountError`] mounting this configuration would give, except for an unusable
    /// [`request_state_key`](Self::request_state_key), which only a mount checks.
    pub fn preview(&self) -> Result<Preview, MountError> {
        server::preview(self)
    }
}

impl<B> tower::Service<http::Request<B>> for McpService
where
    B: http_body::Body + Send + 'static,
    B::Data: Send + 'static,
    B::Error: Display,
{
    type Response = http::Response<McpBody>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let http = self.http.clone();
        let ends_session = request.method() == http::Method::DELETE;
        let sessions = self.sessions.clone();
        let max_sessions = self.max_sessions;
        Box::pin(async move {
            // Only a request without a session can open one; refuse it while at the limit.
            if request.method() == http::Method::POST
                && !request.headers().contains_key("mcp-session-id")
                && sessions.sessions.read().await.len() >= max_sessions
            {
                let (parts, body) = request.into_parts();
                let body = match body.collect().await {
                    Ok(body) => body.to_bytes(),
                    Err(e) => {
                        return Ok(plain(
                            http::StatusCode::BAD_REQUEST,
                            format!("unreadable body: {e}"),
                        ));
                    }
                };
                if opens_session(&body) {
                    return Ok(too_many_sessions(max_sessions));
                }
                let request = http::Request::from_parts(parts, http_body_util::Full::new(body));
                return Ok(finish(http.handle(request).await, false));
            }
            Ok(finish(http.handle(request).await, ends_session))
        })
    }
}

/// Origins of pages served from this machine, on any port.
const LOOPBACK_ORIGINS: [&str; 6] = [
    "http://localhost:*",
    "https://localhost:*",
    "http://127.0.0.1:*",
    "https://127.0.0.1:*",
    "http://[::1]:*",
    "https://[::1]:*",
];

/// Whether a request body is an `initialize` request (which opens a 2025-era session).
fn opens_session(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Method<'a> {
        #[serde(borrow)]
        method: Option<&'a str>,
    }
    serde_json::from_slice::<Method<'_>>(body).is_ok_and(|m| m.method == Some("initialize"))
}

fn too_many_sessions(limit: usize) -> http::Response<McpBody> {
    let message = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": -32000, "message": format!(
            "This server has {limit} open sessions, its limit; retry later or end unused sessions"
        )}
    });
    let mut response = plain(http::StatusCode::SERVICE_UNAVAILABLE, message.to_string());
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response.headers_mut().insert(
        http::header::RETRY_AFTER,
        http::HeaderValue::from_static("5"),
    );
    response
}

fn plain(status: http::StatusCode, text: String) -> http::Response<McpBody> {
    let body = http_body_util::Full::new(Bytes::from(text)).map_err(|never| match never {});
    let mut response = http::Response::new(McpBody::new(body));
    *response.status_mut() = status;
    response
}

/// A session ended by DELETE has nothing to say: 204, which every client accepts (the Python
/// SDK logs rmcp's 202 as a failed termination).
fn finish(mut response: http::Response<McpBody>, ends_session: bool) -> http::Response<McpBody> {
    if ends_session && response.status() == http::StatusCode::ACCEPTED {
        *response.status_mut() = http::StatusCode::NO_CONTENT;
    }
    response
}
