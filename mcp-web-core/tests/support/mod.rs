//! The core's test harness: the MCP endpoint ([`McpService`]) driven directly as the tower
//! `Service` every adapter routes to, in front of a host application made of closures — no web
//! framework anywhere.
//!
//! - [`Routes`]: a tiny router over method and path template whose handlers are closures or
//!   small `async fn`s from `http::Request<Bytes>` to `http::Response<DispatchBody>`; build the
//!   responses with [`json`], [`plain`], [`respond`], [`empty`], [`streamed`].
//!   [`FnDispatcher`] turns one closure into a [`Dispatcher`] when a test needs no routing.
//! - [`Mcp`]: the endpoint mounted at `/mcp`, with JSON-RPC helpers for both protocol eras:
//!   2025 requests without a session (`rpc`, `call`, on a `stateless()` config), 2025 sessions
//!   (`open_session`, `rpc_in`) and 2026-07-28 requests (`rpc_modern`, `post_modern`).

// Each test crate uses its own subset.
#![allow(dead_code)]

pub(crate) mod task_tools;

use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex},
};

use bytes::Bytes;
use futures::{Stream, StreamExt, future::BoxFuture};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full, StreamBody};
use mcp_test_support::{protocol, reply};
use mcp_web_core::{BoxError, CallError, DispatchBody, Dispatcher, McpBody, McpConfig, McpService};
use serde_json::{Value, json};
use tower::ServiceExt;

/// Where the endpoint is mounted in every test.
pub(crate) const MOUNT: &str = "/mcp";

/// What the endpoint and its dispatcher saw: `METHOD uri`, in order.
type Seen = Arc<Mutex<Vec<String>>>;

type Handler =
    Arc<dyn Fn(Request<Bytes>) -> BoxFuture<'static, Response<DispatchBody>> + Send + Sync>;

fn boxed<F, Fut>(handler: F) -> Handler
where
    F: Fn(Request<Bytes>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<DispatchBody>> + Send + 'static,
{
    Arc::new(move |request| Box::pin(handler(request)))
}

/// A [`Dispatcher`] made of one closure: every in-process call goes to it.
pub(crate) struct FnDispatcher(Handler);

impl FnDispatcher {
    pub(crate) fn new<F, Fut>(handler: F) -> Self
    where
        F: Fn(Request<Bytes>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Response<DispatchBody>> + Send + 'static,
    {
        Self(boxed(handler))
    }
}

impl Dispatcher for FnDispatcher {
    fn dispatch(
        &self,
        request: Request<Bytes>,
        _incoming: Option<&http::request::Parts>,
    ) -> BoxFuture<'static, Result<Response<DispatchBody>, CallError>> {
        let answer = (self.0)(request);
        Box::pin(async move { Ok(answer.await) })
    }
}

/// The host application of a test: handlers routed by method and path template
/// (`/items/{name}`), what a web framework's router does and no more. A path parameter reaches
/// the handler percent-decoded (read it with [`param`]); no route is 404, a wrong method 405.
#[derive(Clone, Default)]
pub(crate) struct Routes {
    routes: Vec<Route>,
}

#[derive(Clone)]
struct Route {
    method: Method,
    template: Vec<String>,
    handler: Handler,
}

/// The decoded path parameters of a routed request, in its extensions.
#[derive(Clone, Debug, Default)]
struct PathParams(HashMap<String, String>);

impl Routes {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Serve `method path` with `handler`.
    pub(crate) fn route<F, Fut>(mut self, method: Method, path: &str, handler: F) -> Self
    where
        F: Fn(Request<Bytes>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Response<DispatchBody>> + Send + 'static,
    {
        self.routes.push(Route {
            method,
            template: path.split('/').map(str::to_string).collect(),
            handler: boxed(handler),
        });
        self
    }

    pub(crate) fn get<F, Fut>(self, path: &str, handler: F) -> Self
    where
        F: Fn(Request<Bytes>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Response<DispatchBody>> + Send + 'static,
    {
        self.route(Method::GET, path, handler)
    }

    pub(crate) fn post<F, Fut>(self, path: &str, handler: F) -> Self
    where
        F: Fn(Request<Bytes>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Response<DispatchBody>> + Send + 'static,
    {
        self.route(Method::POST, path, handler)
    }

    pub(crate) fn delete<F, Fut>(self, path: &str, handler: F) -> Self
    where
        F: Fn(Request<Bytes>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Response<DispatchBody>> + Send + 'static,
    {
        self.route(Method::DELETE, path, handler)
    }

    /// The route for `request` and its path parameters; `Err` is the status to answer.
    fn find(&self, request: &Request<Bytes>) -> Result<(Handler, PathParams), StatusCode> {
        let segments: Vec<&str> = request.uri().path().split('/').collect();
        let mut status = StatusCode::NOT_FOUND;
        for route in &self.routes {
            let Some(params) = match_path(&route.template, &segments) else {
                continue;
            };
            if route.method != request.method() {
                status = StatusCode::METHOD_NOT_ALLOWED;
                continue;
            }
            return Ok((route.handler.clone(), params));
        }
        Err(status)
    }
}

fn match_path(template: &[String], segments: &[&str]) -> Option<PathParams> {
    if template.len() != segments.len() {
        return None;
    }
    let mut params = PathParams::default();
    for (expected, segment) in template.iter().zip(segments) {
        match expected.strip_prefix('{').and_then(|e| e.strip_suffix('}')) {
            Some(name) => {
                let value = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
                params.0.insert(name.to_string(), value.into_owned());
            }
            None if expected == segment => {}
            None => return None,
        }
    }
    Some(params)
}

impl Dispatcher for Routes {
    fn dispatch(
        &self,
        mut request: Request<Bytes>,
        _incoming: Option<&http::request::Parts>,
    ) -> BoxFuture<'static, Result<Response<DispatchBody>, CallError>> {
        match self.find(&request) {
            Ok((handler, params)) => {
                request.extensions_mut().insert(params);
                let answer = handler(request);
                Box::pin(async move { Ok(answer.await) })
            }
            Err(status) => {
                let why = format!("no route for {} {}", request.method(), request.uri().path());
                Box::pin(async move { Ok(respond(status, "text/plain", why)) })
            }
        }
    }
}

/// Path parameter `name` of a request [`Routes`] routed, percent-decoded.
pub(crate) fn param(request: &Request<Bytes>, name: &str) -> String {
    let params = request
        .extensions()
        .get::<PathParams>()
        .expect("a request routed by Routes");
    params.0[name].clone()
}

/// A response with `status`, a `Content-Type` and a body.
pub(crate) fn respond(
    status: StatusCode,
    content_type: &str,
    body: impl Into<Bytes>,
) -> Response<DispatchBody> {
    let body = Full::new(body.into()).map_err(|never| match never {});
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .body(DispatchBody::new(body))
        .unwrap()
}

/// 200 with a JSON body.
pub(crate) fn json(value: Value) -> Response<DispatchBody> {
    respond(StatusCode::OK, "application/json", value.to_string())
}

/// 200 with a plain-text body.
pub(crate) fn plain(body: impl Into<String>) -> Response<DispatchBody> {
    respond(StatusCode::OK, "text/plain; charset=utf-8", body.into())
}

/// A response of `status` with no body and no content type.
pub(crate) fn empty(status: StatusCode) -> Response<DispatchBody> {
    let body = http_body_util::Empty::new().map_err(|never| match never {});
    Response::builder()
        .status(status)
        .body(DispatchBody::new(body))
        .unwrap()
}

/// 200 with a body that arrives in `chunks`, one after another, as they are produced.
pub(crate) fn streamed<S>(content_type: &str, chunks: S) -> Response<DispatchBody>
where
    S: Stream<Item = Bytes> + Send + 'static,
{
    let frames = chunks.map(|chunk| Ok::<_, BoxError>(http_body::Frame::data(chunk)));
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .body(DispatchBody::new(StreamBody::new(frames)))
        .unwrap()
}

/// Records every in-process call in the endpoint's log, then hands it on.
struct Recording<D> {
    inner: D,
    seen: Seen,
}

impl<D: Dispatcher> Dispatcher for Recording<D> {
    fn dispatch(
        &self,
        request: Request<Bytes>,
        incoming: Option<&http::request::Parts>,
    ) -> BoxFuture<'static, Result<Response<DispatchBody>, CallError>> {
        record(&self.seen, request.method(), request.uri());
        self.inner.dispatch(request, incoming)
    }
}

fn record(seen: &Seen, method: &Method, uri: &http::Uri) {
    seen.lock().unwrap().push(format!("{method} {uri}"));
}

type HostMiddleware = Arc<dyn Fn(&mut http::request::Parts) + Send + Sync>;

/// The MCP endpoint of one mount at [`MOUNT`], driven as a tower `Service`, with a log of every
/// HTTP request it and its dispatcher saw — what a host middleware around both would record.
#[derive(Clone)]
pub(crate) struct Mcp {
    service: McpService,
    seen: Seen,
    host_middleware: Option<HostMiddleware>,
}

/// What the endpoint answered to one HTTP request.
#[derive(Debug)]
pub(crate) struct HttpReply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl HttpReply {
    /// The JSON-RPC reply in the body (JSON or SSE).
    pub(crate) fn message(&self) -> Value {
        reply::message(&self.body)
    }

    /// Every message of an SSE body, in order.
    pub(crate) fn messages(&self) -> Vec<Value> {
        reply::messages(&self.body)
    }
}

impl Mcp {
    /// Mount `config` at [`MOUNT`], calling tools through `dispatcher`.
    ///
    /// # Panics
    ///
    /// When the mount cannot be built, like the adapters' mount calls.
    pub(crate) fn new(config: McpConfig, dispatcher: impl Dispatcher) -> Self {
        let seen = Seen::default();
        let dispatcher = Recording {
            inner: dispatcher,
            seen: seen.clone(),
        };
        let service = McpService::new(config, MOUNT, dispatcher)
            .unwrap_or_else(|error| panic!("mount at {MOUNT}: {error}"));
        Self {
            service,
            seen,
            host_middleware: None,
        }
    }

    /// Change every MCP request the way a host middleware in front of the endpoint would
    /// (add extensions such as the authenticated user, headers, ...).
    pub(crate) fn host_middleware(
        mut self,
        middleware: impl Fn(&mut http::request::Parts) + Send + Sync + 'static,
    ) -> Self {
        self.host_middleware = Some(Arc::new(middleware));
        self
    }

    /// The endpoint itself, the tower `Service` the adapters route to.
    pub(crate) fn service(&self) -> McpService {
        self.service.clone()
    }

    /// What the endpoint and the dispatcher saw so far: `METHOD uri`, in order.
    pub(crate) fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }

    /// Send one HTTP request to the endpoint, through the host middleware; the response as it
    /// starts, its body still streaming.
    pub(crate) async fn open(&self, request: Request<Bytes>) -> Response<McpBody> {
        let (mut parts, body) = request.into_parts();
        if let Some(middleware) = &self.host_middleware {
            middleware(&mut parts);
        }
        record(&self.seen, &parts.method, &parts.uri);
        let request = Request::from_parts(parts, Full::new(body));
        self.service.clone().oneshot(request).await.unwrap()
    }

    /// Send one HTTP request to the endpoint, through the host middleware; the whole answer.
    pub(crate) async fn send(&self, request: Request<Bytes>) -> HttpReply {
        let response = self.open(request).await;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        HttpReply {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    /// POST one JSON-RPC message; a loopback `Host` unless `headers` name one.
    pub(crate) async fn post(&self, message: Value, headers: &[(&str, &str)]) -> HttpReply {
        self.send(post_request(message, headers)).await
    }

    /// One request/reply exchange that must be answered with 200; the reply.
    pub(crate) async fn rpc_with(
        &self,
        method: &str,
        params: Value,
        headers: &[(&str, &str)],
    ) -> Value {
        let reply = self
            .post(protocol::request(7, method, params), headers)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.message()
    }

    /// A 2025-era request without a session (the config is `stateless()`); the reply.
    pub(crate) async fn rpc(&self, method: &str, params: Value) -> Value {
        self.rpc_with(method, params, &[]).await
    }

    /// `tools/call` without a session; the result, which must be there.
    pub(crate) async fn call(&self, tool: &str, arguments: Value) -> Value {
        let reply = self
            .rpc("tools/call", json!({"name": tool, "arguments": arguments}))
            .await;
        reply
            .get("result")
            .cloned()
            .unwrap_or_else(|| panic!("no result: {reply}"))
    }

    /// POST a 2026-07-28 request: its headers, and [`protocol::modern_meta`] merged into the
    /// `_meta` of `params`.
    pub(crate) async fn post_modern(&self, id: u64, method: &str, params: Value) -> HttpReply {
        let params = protocol::with_modern_meta(params);
        let headers = protocol::modern_headers(method, &params);
        self.post(protocol::request(id, method, params.clone()), &headers)
            .await
    }

    /// A 2026-07-28 exchange that must be answered with 200; the reply.
    pub(crate) async fn rpc_modern(&self, method: &str, params: Value) -> Value {
        let reply = self.post_modern(7, method, params).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.message()
    }

    /// Open a 2025-era session (`initialize`, then `notifications/initialized`); its id.
    pub(crate) async fn open_session(&self) -> String {
        let reply = self.post(protocol::initialize(), &[]).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let session = reply
            .headers
            .get("mcp-session-id")
            .and_then(|id| id.to_str().ok())
            .expect("a session id")
            .to_string();
        let headers = protocol::session_headers(&session);
        let reply = self.post(protocol::initialized(), &headers).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.body);
        session
    }

    /// One request/reply exchange in `session` that must be answered with 200; the reply.
    pub(crate) async fn rpc_in(&self, session: &str, method: &str, params: Value) -> Value {
        self.rpc_with(method, params, &protocol::session_headers(session))
            .await
    }

    /// A request of `method` to the endpoint with these headers and no body.
    pub(crate) async fn bare(&self, method: Method, headers: &[(&str, &str)]) -> HttpReply {
        let mut request = Request::builder()
            .method(method)
            .uri(MOUNT)
            .header(header::HOST, HeaderValue::from_static("127.0.0.1:3000"));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Bytes::new()).unwrap()).await
    }
}

/// A POST of one JSON-RPC message to the endpoint; a loopback `Host` unless `headers` name one.
pub(crate) fn post_request(message: Value, headers: &[(&str, &str)]) -> Request<Bytes> {
    let mut request = Request::post(MOUNT)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json, text/event-stream");
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("host"))
    {
        request = request.header(header::HOST, "127.0.0.1:3000");
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Bytes::from(message.to_string())).unwrap()
}

/// The text of a tool result's first content block.
pub(crate) fn text(result: &Value) -> String {
    result["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}
