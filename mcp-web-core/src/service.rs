//! [`McpService`]: the MCP endpoint as a tower `Service`, ready for any framework to route to.

use std::{
    convert::Infallible,
    fmt::Display,
    sync::Arc,
    task::{Context, Poll},
};

use bytes::Bytes;
use futures::future::BoxFuture;
use rmcp::transport::{
    StreamableHttpServerConfig, StreamableHttpService,
    streamable_http_server::session::local::LocalSessionManager,
};

use crate::{
    Error, McpConfig,
    catalog::{ConversionWarning, build_catalog},
    dispatch::Dispatcher,
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
    pub fn new(
        config: McpConfig,
        mount_path: &str,
        dispatcher: impl Dispatcher,
    ) -> Result<Self, Error> {
        let catalog = build_catalog(&config, Some(mount_path))?;
        config.curated.check(&catalog)?;
        let server = McpServer::new(&config, catalog, Arc::new(dispatcher))?;

        let mut sessions = LocalSessionManager::default();
        sessions.session_config.keep_alive = config.session_idle_timeout;
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
        if !config.allowed_origins.is_empty() {
            transport = transport.with_allowed_origins(config.allowed_origins.clone());
        }
        let factory_server = server.clone();
        let http = StreamableHttpService::new(
            move || Ok(factory_server.for_session()),
            Arc::new(sessions),
            transport,
        );
        Ok(Self { http, server })
    }

    /// Operations that were skipped or converted with a loss, each with the reason.
    pub fn warnings(&self) -> &[ConversionWarning] {
        self.server.warnings()
    }

    /// What this endpoint offers — tools exactly as `tools/list` returns them, resources,
    /// resource templates — and the conversion warnings.
    pub fn preview(&self) -> crate::Preview {
        self.server.preview()
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
        Box::pin(async move {
            let mut response = http.handle(request).await;
            // A session ended by DELETE has nothing to say: 204, which every client accepts
            // (the Python SDK logs rmcp's 202 as a failed termination).
            if ends_session && response.status() == http::StatusCode::ACCEPTED {
                *response.status_mut() = http::StatusCode::NO_CONTENT;
            }
            Ok(response)
        })
    }
}
