//! [`McpService`]: the MCP endpoint as a tower `Service`, ready for any framework to route to —
//! the server of a mount inside rmcp's streamable-HTTP transport, with the session limit — and
//! [`McpConfig::preview`], the same mount without serving it.

use std::{
    convert::Infallible,
    fmt::Display,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Instant,
};

use bytes::{Buf, Bytes};
use futures::{
    FutureExt,
    future::{BoxFuture, Either},
};
use http_body_util::{BodyExt, Full};
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};

use crate::{
    McpConfig, MountError, Preview,
    catalog::ConversionWarning,
    collect::Collected,
    dispatch::Dispatcher,
    heads,
    lane::{self, Admission, Entry, Era, Hosts, SessionBook},
    malformed::{malformed_message, malformed_session_id},
    media,
    oauth::{Access, Caller, OAuthEdge},
    priming, server,
    server::McpServer,
    sessions::Sessions,
    tasks::legacy::{self, LegacyCall},
};

/// Body of the MCP endpoint's responses (JSON or an SSE stream).
pub type McpBody = http_body_util::combinators::BoxBody<Bytes, Infallible>;

/// A body that is all there in one chunk.
pub(crate) fn full_body(bytes: Bytes) -> McpBody {
    McpBody::new(Full::new(bytes).map_err(|never| match never {}))
}

/// The streamable-HTTP MCP endpoint of one mount.
///
/// Serves both protocol eras on one path: 2025-06-18/2025-11-25 clients (initialize,
/// `Mcp-Session-Id`, SSE) and stateless 2026-07-28 clients (`server/discover`).
#[derive(Clone)]
pub struct McpService {
    // One `Arc`: the service is cloned for every request, and rmcp's transport is not cheap to clone.
    inner: Arc<Endpoint>,
}

/// What an [`McpService`] shares between its clones.
struct Endpoint {
    http: StreamableHttpService<McpServer, Sessions<McpServer>>,
    server: McpServer,
    sessions: Arc<Sessions<McpServer>>,
    max_sessions: usize,
    max_request_body_bytes: usize,
    lane: Admission,
    book: Arc<SessionBook>,
    /// OAuth, when it is on: 401 and 403 answers before a message is served.
    access: Option<Arc<Access>>,
    edge: Option<OAuthEdge>,
}

impl std::fmt::Debug for McpService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("McpService")
            .field("server", &self.inner.server)
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

        let session_server = server.clone();
        let sessions = Arc::new(Sessions::new(&config, move || session_server.for_session()));
        let mut transport = StreamableHttpServerConfig::default()
            .with_legacy_session_mode(config.stateful)
            .with_json_response(config.json_responses)
            .with_sse_keep_alive(config.sse_keep_alive)
            .with_cancellation_token(config.shutdown.clone())
            .with_max_request_body_bytes(config.max_request_body_bytes);
        // Sessions opened elsewhere: rmcp loads one, `Sessions::restore_session` gives it a worker.
        transport.session_store = config.session_store.clone();
        // The transport and the fast lane check `Host` against the same list.
        let hosts = config
            .allowed_hosts
            .clone()
            .unwrap_or_else(|| LOOPBACK_HOSTS.iter().map(|h| h.to_string()).collect());
        transport = if hosts.is_empty() {
            transport.disable_allowed_hosts()
        } else {
            transport.with_allowed_hosts(hosts.clone())
        };
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
        let lane = Admission {
            hosts: Hosts::new(&hosts),
            any_origin: config.allowed_origins.as_ref().is_some_and(Vec::is_empty),
            sessions: config.stateful,
        };
        let access = server.access();
        let edge = config.oauth.resource.as_ref().map(OAuthEdge::new);
        let inner = Endpoint {
            http,
            server,
            sessions,
            max_sessions: config.max_sessions,
            max_request_body_bytes: config.max_request_body_bytes,
            lane,
            book: Arc::default(),
            access,
            edge,
        };
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// Operations that were skipped or converted with a loss, each with the reason.
    pub fn warnings(&self) -> &[ConversionWarning] {
        self.inner.server.warnings()
    }

    /// What adapters serve outside the host's auth when [`McpConfig::oauth`] is set: the
    /// resource metadata and the challenge on the host's 401s.
    pub fn oauth_edge(&self) -> Option<&OAuthEdge> {
        self.inner.edge.as_ref()
    }

    /// What this endpoint offers — tools exactly as `tools/list` returns them, resources,
    /// resource templates — and the conversion warnings.
    pub fn preview(&self) -> Preview {
        self.inner.server.preview()
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
        self.inner.clone().serve(request)
    }
}

impl Endpoint {
    /// Route one request: a `tools/call` the fast lane can take is answered there; everything
    /// else goes to rmcp's transport. One INFO line per MCP request says what happened.
    ///
    /// What the head alone decides is decided here, before any future exists, and each path's
    /// future then holds the head once: an `async fn` keeps its arguments for its whole life
    /// beside every copy it makes of them, and the head held at each level made a lane call's
    /// future 4 KB, an allocation above the allocator's per-thread cache.
    fn serve<B>(
        self: Arc<Self>,
        request: http::Request<B>,
    ) -> BoxFuture<'static, Result<http::Response<McpBody>, Infallible>>
    where
        B: http_body::Body + Send + 'static,
        B::Data: Send + 'static,
        B::Error: Display,
    {
        let started = Instant::now();
        if let Some(refused) = malformed_session_id(request.headers()) {
            return Box::pin(std::future::ready(Ok(refused.map(full_body))));
        }
        let (parts, body) = request.into_parts();
        // With OAuth, the caller is read once, here, and judged again once the body says which
        // tool it calls.
        let caller = match &self.access {
            Some(access) => match access.admit(&parts) {
                Ok(caller) => Some(caller),
                Err(refused) => {
                    log_request(parts.method.as_str(), None, "401", started);
                    return Box::pin(std::future::ready(Ok((*refused).map(full_body))));
                }
            },
            None => None,
        };
        match self.lane.entry(&parts.method, &parts.headers) {
            Entry::Body(era) => Box::pin(
                self.serve_message(parts, body, era, caller, started)
                    .map(Ok),
            ),
            Entry::Transport => {
                let request = http::Request::from_parts(parts, body);
                Box::pin(self.transport(request, started).map(Ok))
            }
        }
    }

    /// A request rmcp's transport answers without its body being read here (GET, DELETE, a
    /// media type it refuses).
    async fn transport<B>(
        self: Arc<Self>,
        request: http::Request<B>,
        started: Instant,
    ) -> http::Response<McpBody>
    where
        B: http_body::Body + Send + 'static,
        B::Data: Send + 'static,
        B::Error: Display,
    {
        let http_method = request.method().clone();
        let ends_session = http_method == http::Method::DELETE;
        let primed = priming::primes(stated_version(request.headers()));
        let mut response = finish(self.http.handle(request).await, ends_session);
        if !primed && is_event_stream(&response) {
            response = priming::without_priming(response);
        }
        log_request(
            http_method.as_str(),
            None,
            response.status().as_str(),
            started,
        );
        response
    }

    /// A request whose message is read here: the lane answers a `tools/call` it can take,
    /// rmcp's transport the rest.
    ///
    /// An `async` block over the arguments, not an `async fn`: the block holds each argument
    /// once, where an `async fn` would hold the head again in a local of its own.
    #[allow(
        clippy::manual_async_fn,
        reason = "an `async fn` holds the head twice: its argument and its local"
    )]
    fn serve_message<B>(
        self: Arc<Self>,
        mut parts: http::request::Parts,
        body: B,
        era: Option<Era>,
        caller: Option<Caller>,
        started: Instant,
    ) -> impl Future<Output = http::Response<McpBody>> + Send + 'static
    where
        B: http_body::Body + Send + 'static,
        B::Data: Send + 'static,
        B::Error: Display,
    {
        async move {
            let body = match read_limited(body, self.max_request_body_bytes).await {
                Ok(body) => body,
                Err(response) => return response,
            };
            if let Some(refused) = (self.access.as_ref().zip(caller.as_ref()))
                .and_then(|(access, caller)| access.refuse_call(caller, &body))
            {
                log_request("tools/call", None, "403", started);
                return refused.map(full_body);
            }
            if let Some(method) = self.session_task_method(era.as_ref(), &mut parts, &body) {
                // Boxed: a task method is rare, and its state would make every request's
                // future larger.
                if let Some(answer) = Box::pin(self.server.answer_task_method(&parts, &body)).await
                {
                    log_request(&method, None, "200", started);
                    return lane::json_response(Bytes::from(answer.to_string()));
                }
            }
            let lane = self.lane_call(&body, era, &mut parts, started);
            let rpc_method = match lane.await {
                Ok(response) => {
                    // The head is done with: its header map goes to this thread's pool, for an
                    // adapter that builds heads itself (`crate::heads`).
                    heads::give_back(std::mem::take(&mut parts.headers));
                    return response;
                }
                Err(rpc_method) => rpc_method,
            };
            // Boxed: rmcp's futures are large, and a `tools/call` in the lane should not carry
            // (and move) their state.
            Box::pin(self.rmcp(parts, body, rpc_method, started)).await
        }
    }

    /// The 2025-11-25 tasks of a session request (rmcp has only the 2026-07-28 extension): the
    /// method of a `tasks/get`, `tasks/result`, `tasks/list` or `tasks/cancel` to answer here; a
    /// `tools/call` is marked with its `params.task` ([`LegacyCall`]) for the server, and its
    /// answer is rewritten in [`Self::rmcp`].
    fn session_task_method(
        &self,
        era: Option<&Era>,
        parts: &mut http::request::Parts,
        body: &[u8],
    ) -> Option<String> {
        let Some(Era::Session(session)) = era else {
            return None;
        };
        if !self.server.has_tasks() || stated_version(&parts.headers) != Some(legacy::VERSION) {
            return None;
        }
        // Most requests of a mount with task tools are plain calls: one scan of the body for
        // `task` spares them reading the message twice (for a `params.task`, a `tasks/*`
        // method). Without one, a `tools/call` runs in the request.
        if !legacy::mentions_task(body) {
            parts.extensions.insert(LegacyCall { task: None });
            return None;
        }
        if let Some(call) = legacy::read_call(body) {
            parts.extensions.insert(call);
            return None;
        }
        let method = lane::method_of(body)?;
        // An unknown session is rmcp's to refuse.
        (McpServer::is_task_method(&method) && self.sessions.touch(session)).then_some(method)
    }

    /// The answer to the message in `body` from the fast lane, if it fits in `era` (`None`: the
    /// lane takes nothing of this request); `Err` leaves it to rmcp, with the message's method
    /// when it has one. A call that may stream takes `parts`.
    ///
    /// Everything before the call is decided before the future is made, and a refusal is a
    /// future too: the caller awaits one future either way, where a `Result` holding the
    /// answer's future would be kept beside it in the caller's state.
    fn lane_call<'a>(
        &'a self,
        body: &'a [u8],
        era: Option<Era>,
        parts: &'a mut http::request::Parts,
        started: Instant,
    ) -> impl Future<Output = Result<http::Response<McpBody>, Option<String>>> + Send + 'a {
        let refused = |rpc_method| Either::Right(std::future::ready(Err(rpc_method)));
        let Some(era) = era else {
            // What the session limit, the log line and the one-write rule need: the method,
            // read without the rest of the message.
            return refused(lane::method_of(body));
        };
        let Some(call) = lane::tools_call(body, &era, &parts.headers) else {
            let rpc_method = lane::method_of(body);
            if let Era::Session(session) = &era
                && rpc_method.as_deref() == Some("notifications/cancelled")
                && let Some(id) = lane::cancelled_request(body)
            {
                // A lane call of this session may be the one cancelled; rmcp gets the notice too.
                self.book.cancel(session, &id);
            }
            return refused(rpc_method);
        };
        let Some(operation) = self.server.lane_tool(&call.name) else {
            return refused(Some("tools/call".to_owned()));
        };
        // A session in use through the lane only is in use all the same: not idle.
        if let Era::Session(session) = &era
            && !self.sessions.touch(session)
        {
            return refused(Some("tools/call".to_owned()));
        }
        // The name the log line and the span give: the catalog's, not a copy of the message's.
        let tool: &str = &operation.tool.name;
        let span = tracing::info_span!(
            "mcp.tools_call",
            tool = %tool,
            session = tracing::field::Empty,
            request_id = %call.id,
        );
        if let Era::Session(session) = &era {
            span.record("session", &**session);
        }
        Either::Left(LoggedCall {
            answer: lane::answer(&self.server, operation, call, parts, era, &self.book),
            span,
            tool,
            started,
        })
    }

    /// rmcp's transport, with a single-message answer sent in one write.
    async fn rmcp(
        &self,
        parts: http::request::Parts,
        body: Bytes,
        rpc_method: Option<String>,
        started: Instant,
    ) -> http::Response<McpBody> {
        // Only a request without a session can open one; refuse it while at the limit.
        if rpc_method.as_deref() == Some("initialize")
            && !parts.headers.contains_key(lane::MCP_SESSION_ID)
            && self.sessions.len() >= self.max_sessions
        {
            log_request("initialize", None, "503", started);
            return too_many_sessions(self.max_sessions);
        }
        // A session opened on another instance would be restored here: one more, all the same.
        if let Some(id) = parts.headers.get(lane::MCP_SESSION_ID)
            && self.sessions.restores(id.as_bytes())
        {
            log_request(
                rpc_method.as_deref().unwrap_or("(unreadable)"),
                None,
                "503",
                started,
            );
            return too_many_sessions(self.max_sessions);
        }
        let json_body = media::content_type_is(&parts.headers, "application/json");
        let primed = match rpc_method.as_deref() {
            Some("initialize") => priming::primes(priming::requested_version(&body).as_deref()),
            _ => priming::primes(stated_version(&parts.headers)),
        };
        // What rmcp's answer lacks of the tasks: the 2025-11-25 shapes, the tool policies.
        let task_call = (parts.extensions.get::<LegacyCall>()).is_some_and(|c| c.task.is_some());
        let completed = matches!(rpc_method.as_deref(), Some("initialize" | "tools/list"))
            && self.server.has_tasks();
        let request = http::Request::from_parts(parts, Full::new(body.clone()));
        let mut response = finish(self.http.handle(request).await, false);
        if json_body && response.status() == http::StatusCode::UNSUPPORTED_MEDIA_TYPE {
            // rmcp's answer to a JSON body it cannot read as a message.
            response = malformed_message(&body).map(full_body);
        }
        if is_event_stream(&response) {
            if rpc_method.as_deref().is_some_and(answers_once) {
                response = in_one_write(response, primed).await;
            } else if !primed {
                response = priming::without_priming(response);
            }
        }
        if task_call {
            response = rewritten(response, legacy::create_task_result).await;
        } else if completed && let Some(method) = rpc_method.as_deref() {
            let server = &self.server;
            response = rewritten(response, |message| server.complete_answer(method, message)).await;
        }
        let method = rpc_method.as_deref().unwrap_or("(unreadable)");
        log_request(method, None, response.status().as_str(), started);
        response
    }
}

pin_project_lite::pin_project! {
    /// A lane call's answer, polled inside the call's span, and the request's log line in that
    /// span once it is ready. One struct, not `.instrument(span)` and a closure that logs: the
    /// span is held once.
    struct LoggedCall<'a, F> {
        #[pin]
        answer: F,
        span: tracing::Span,
        tool: &'a str,
        started: Instant,
    }
}

impl<F> Future for LoggedCall<'_, F>
where
    F: Future<Output = (http::Response<McpBody>, lane::Outcome)>,
{
    type Output = Result<http::Response<McpBody>, Option<String>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _in_span = this.span.enter();
        let (response, outcome) = std::task::ready!(this.answer.poll(cx));
        log_request(
            "tools/call",
            Some(this.tool),
            outcome.as_str(),
            *this.started,
        );
        Poll::Ready(Ok(response))
    }
}

/// `response` (a JSON body, or an SSE one that ends with the answer) with each message
/// rewritten by `rewrite`.
async fn rewritten(
    response: http::Response<McpBody>,
    rewrite: impl Fn(&mut serde_json::Value),
) -> http::Response<McpBody> {
    let event_stream = is_event_stream(&response);
    let json = media::content_type_is(response.headers(), "application/json");
    if !event_stream && !json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(collected) = body.collect().await;
    let body = legacy::rewrite_messages(&collected.to_bytes(), event_stream, rewrite);
    parts.headers.remove(http::header::CONTENT_LENGTH);
    http::Response::from_parts(parts, full_body(Bytes::from(body)))
}

/// Methods whose SSE answer is one message and then the end of the stream: nothing in them can
/// notify or ask the client.
fn answers_once(method: &str) -> bool {
    matches!(
        method,
        "initialize"
            | "ping"
            | "server/discover"
            | "tools/list"
            | "resources/list"
            | "resources/templates/list"
            | "prompts/list"
            | "completion/complete"
            | "logging/setLevel"
            | "resources/subscribe"
            | "resources/unsubscribe"
    )
}

/// The protocol version a request states in `MCP-Protocol-Version`.
fn stated_version(headers: &http::HeaderMap) -> Option<&str> {
    headers
        .get(lane::MCP_PROTOCOL_VERSION)
        .and_then(|v| v.to_str().ok())
}

fn is_event_stream(response: &http::Response<McpBody>) -> bool {
    response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"))
}

/// The whole SSE body of a one-message answer as one chunk. rmcp writes the priming event, the
/// message and the end of the stream separately, and a host whose listener leaves Nagle's
/// algorithm on (axum's and actix-web's default) then holds the later writes for the client's
/// delayed ACK: ~40 ms per request.
/// Without its priming event unless the client is `primed`.
async fn in_one_write(response: http::Response<McpBody>, primed: bool) -> http::Response<McpBody> {
    let (parts, body) = response.into_parts();
    let Ok(collected) = body.collect().await;
    let collected = match primed {
        true => collected.to_bytes(),
        false => priming::strip_collected(collected.to_bytes()),
    };
    http::Response::from_parts(parts, full_body(collected))
}

/// Read a request body as rmcp would, with its answers for a body too large or unreadable.
async fn read_limited<B>(body: B, limit: usize) -> Result<Bytes, http::Response<McpBody>>
where
    B: http_body::Body,
    B::Error: Display,
{
    let mut body = std::pin::pin!(body);
    let mut collected = Collected::default();
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => {
                let Ok(data) = frame.into_data() else {
                    continue;
                };
                if data.remaining() > limit.saturating_sub(collected.len()) {
                    return Err(plain(
                        http::StatusCode::PAYLOAD_TOO_LARGE,
                        format!("Payload Too Large: request body exceeds {limit} bytes"),
                    ));
                }
                collected.push(data);
            }
            Err(e) => {
                return Err(plain(
                    http::StatusCode::INTERNAL_SERVER_ERROR,
                    format!("Failed to read request body: {e}"),
                ));
            }
        }
    }
    Ok(collected.into_bytes())
}

/// The one INFO line of an MCP request; the request's span (when there is one) adds the
/// session and request ids.
fn log_request(method: &str, tool: Option<&str>, outcome: &str, started: Instant) {
    let micros = started.elapsed().as_micros() as u64;
    match tool {
        Some(tool) => tracing::info!(method, tool, outcome, micros, "mcp request"),
        None => tracing::info!(method, outcome, micros, "mcp request"),
    }
}

/// Names of this machine, on any port: the hosts allowed by default.
const LOOPBACK_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// Origins of pages served from this machine, on any port.
const LOOPBACK_ORIGINS: [&str; 6] = [
    "http://localhost:*",
    "https://localhost:*",
    "http://127.0.0.1:*",
    "https://127.0.0.1:*",
    "http://[::1]:*",
    "https://[::1]:*",
];

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
    let mut response = http::Response::new(full_body(Bytes::from(text)));
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

#[cfg(test)]
mod tests {
    use http_body_util::Empty;

    use super::*;
    use crate::{CallError, DispatchBody};

    struct NoContent;

    impl Dispatcher for NoContent {
        fn dispatch(
            &self,
            _request: http::Request<Bytes>,
            _incoming: Option<&http::request::Parts>,
        ) -> BoxFuture<'static, Result<http::Response<DispatchBody>, CallError>> {
            Box::pin(async {
                let body = DispatchBody::new(Empty::new().map_err(|never| match never {}));
                Ok(http::Response::builder().status(204).body(body).unwrap())
            })
        }
    }

    /// Every request's future is boxed, and each `.await` moves a future: a call's state must
    /// stay small. Before the exchange was boxed it was ~40 KB, copied several times per call.
    #[test]
    fn a_requests_future_stays_small() {
        let api = utoipa::openapi::OpenApiBuilder::new().build();
        let service = McpService::new(McpConfig::new(api), "/mcp", NoContent).unwrap();
        let request = http::Request::new(Full::new(Bytes::new()));
        let serving = service.inner.clone().serve(request);
        let size = std::mem::size_of_val(&serving);
        assert!(size <= 5 * 1024, "the endpoint's future takes {size} bytes");
    }
}
