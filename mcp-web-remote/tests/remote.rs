//! `RemoteApi` against a real API server on a loopback port: answers mapped as in-process ones,
//! the credentials sent upstream, connect failures and retries, streaming, cancellation and
//! the read timeout.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    Json, Router,
    body::Body,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    routing::{get, post},
};
use bytes::Bytes;
use futures::future::BoxFuture;
use http_body_util::{BodyExt, Full};
use mcp_test_support::{protocol, reply};
use mcp_web_core::{BoxError, CallError, DispatchBody, Dispatcher, McpConfig, McpService};
use mcp_web_remote::RemoteApi;
use serde_json::{Value, json};
use tokio::{net::TcpListener, sync::mpsc};
use tower::ServiceExt;

/// What the upstream handlers report to the test.
#[derive(Clone)]
struct Upstream {
    /// Lets `/stream` send its second line.
    release: Arc<tokio::sync::Notify>,
    /// `/slow` started.
    started: mpsc::UnboundedSender<()>,
    /// `/slow`'s handler was dropped before it answered.
    dropped: mpsc::UnboundedSender<()>,
}

/// Sends on `dropped` when the handler holding it is dropped.
struct DropSignal(mpsc::UnboundedSender<()>);

impl Drop for DropSignal {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

async fn echo(headers: HeaderMap) -> Json<Value> {
    let text = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_string());
    Json(json!({"authorization": text("authorization"), "tenant": text("x-tenant")}))
}

async fn create_item(Json(item): Json<Value>) -> (StatusCode, Json<Value>) {
    (StatusCode::CREATED, Json(json!({"created": item})))
}

async fn get_item(Path(id): Path<u64>) -> (StatusCode, Json<Value>) {
    match id {
        1 => (StatusCode::OK, Json(json!({"id": 1, "name": "one"}))),
        _ => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": format!("no item {id}")})),
        ),
    }
}

async fn stream(State(upstream): State<Upstream>) -> axum::response::Response {
    let lines = futures::stream::unfold(0, move |step| {
        let release = upstream.release.clone();
        async move {
            match step {
                0 => Some((Ok::<_, BoxError>(Bytes::from("{\"n\":1}\n")), 1)),
                1 => {
                    release.notified().await;
                    Some((Ok(Bytes::from("{\"n\":2}\n")), 2))
                }
                _ => None,
            }
        }
    });
    axum::response::Response::builder()
        .header("content-type", "application/x-ndjson")
        .body(Body::from_stream(lines))
        .unwrap()
}

async fn slow(State(upstream): State<Upstream>) -> &'static str {
    let _signal = DropSignal(upstream.dropped.clone());
    let _ = upstream.started.send(());
    std::future::pending::<()>().await;
    "never"
}

/// The OpenAPI document of the upstream API.
fn document() -> Value {
    let ok = json!({"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}});
    json!({
        "openapi": "3.1.0", "info": {"title": "upstream", "version": "1"},
        "paths": {
            "/echo": {"get": {"operationId": "echo", "responses": ok}},
            "/items": {"post": {"operationId": "create_item",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {"201": {"description": "created", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/items/{id}": {"get": {"operationId": "get_item",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": ok}},
            "/stream": {"get": {"operationId": "stream",
                "responses": {"200": {"description": "lines", "content": {"application/x-ndjson": {"schema": {}}}}}}},
            "/slow": {"get": {"operationId": "slow", "responses": ok}}
        }
    })
}

/// The upstream API and what its handlers report.
struct Api {
    router: Router,
    release: Arc<tokio::sync::Notify>,
    started: mpsc::UnboundedReceiver<()>,
    dropped: mpsc::UnboundedReceiver<()>,
}

fn api() -> Api {
    let (started, started_rx) = mpsc::unbounded_channel();
    let (dropped, dropped_rx) = mpsc::unbounded_channel();
    let release = Arc::new(tokio::sync::Notify::new());
    let upstream = Upstream {
        release: release.clone(),
        started,
        dropped,
    };
    let router = Router::new()
        .route("/echo", get(echo))
        .route("/items", post(create_item))
        .route("/items/{id}", get(get_item))
        .route("/stream", get(stream))
        .route("/slow", get(slow))
        .with_state(upstream);
    Api {
        router,
        release,
        started: started_rx,
        dropped: dropped_rx,
    }
}

/// Serve `router` on `listener` in the background.
fn serve_on(listener: TcpListener, router: Router) {
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
}

/// The upstream API served on a loopback port; its address and reports.
async fn served_api() -> (SocketAddr, Api) {
    let api = api();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    serve_on(listener, api.router.clone());
    (address, api)
}

fn remote(address: SocketAddr) -> RemoteApi {
    RemoteApi::new(&format!("http://{address}")).unwrap()
}

/// An address nothing listens on (now).
async fn refusing_address() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

/// The MCP endpoint calling its tools through `dispatcher`.
fn endpoint(dispatcher: impl Dispatcher) -> McpService {
    let config = McpConfig::from_json(document())
        .stateless()
        .json_responses();
    McpService::new(config, "/mcp", dispatcher).unwrap()
}

/// `tools/call` of `tool` on `service` by a caller sending `headers`; the result.
async fn call(
    service: &McpService,
    tool: &str,
    arguments: Value,
    headers: &[(&str, &str)],
) -> Value {
    let message = protocol::request(
        1,
        "tools/call",
        json!({"name": tool, "arguments": arguments}),
    );
    let mut request = http::Request::post("/mcp")
        .header("host", "127.0.0.1")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(Full::new(Bytes::from(message.to_string())))
        .unwrap();
    let response = service.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let reply = reply::message(&String::from_utf8_lossy(&body));
    reply["result"].clone()
}

fn error_text(result: &Value) -> &str {
    assert_eq!(result["isError"], true, "{result}");
    result["content"][0]["text"].as_str().unwrap()
}

/// The in-process way, for comparison: a `oneshot` on the Router.
struct InProcess(Router);

impl Dispatcher for InProcess {
    fn dispatch(
        &self,
        request: http::Request<Bytes>,
        _incoming: Option<&http::request::Parts>,
    ) -> BoxFuture<'static, Result<http::Response<DispatchBody>, CallError>> {
        let router = self.0.clone();
        Box::pin(async move {
            let response = router.oneshot(request.map(Body::from)).await.unwrap();
            Ok(response.map(|body| DispatchBody::new(body.map_err(BoxError::from))))
        })
    }
}

/// A `GET` (or `POST`) of `path` as the core would hand it to a dispatcher.
fn request(method: &str, path: &str, body: &'static str) -> http::Request<Bytes> {
    http::Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .body(Bytes::from_static(body.as_bytes()))
        .unwrap()
}

#[tokio::test]
async fn answers_become_the_same_tool_results_as_in_process_answers() {
    let (address, api) = served_api().await;
    let over_http = endpoint(remote(address));
    let in_process = endpoint(InProcess(api.router.clone()));
    let calls = [
        ("get_item", json!({"id": 1})),
        ("get_item", json!({"id": 7})),
        ("create_item", json!({"body": {"name": "new"}})),
    ];
    for (tool, arguments) in calls {
        let remote = call(&over_http, tool, arguments.clone(), &[]).await;
        let local = call(&in_process, tool, arguments.clone(), &[]).await;
        assert_eq!(remote, local, "{tool} {arguments}");
    }
    let found = call(&over_http, "get_item", json!({"id": 1}), &[]).await;
    assert_eq!(found["structuredContent"], json!({"id": 1, "name": "one"}));
    let missing = call(&over_http, "get_item", json!({"id": 7}), &[]).await;
    assert!(error_text(&missing).contains("no item 7"), "{missing}");
}

#[tokio::test]
async fn the_callers_token_goes_upstream_only_when_chosen() {
    let (address, _api) = served_api().await;
    let caller = [("authorization", "Bearer caller"), ("x-tenant", "acme")];
    let sent = |api: RemoteApi| async move {
        let result = call(&endpoint(api), "echo", json!({}), &caller).await;
        assert_eq!(result["isError"], false, "{result}");
        result["structuredContent"].clone()
    };

    // By default, although the mount's forward_headers lists `authorization`.
    let by_default = sent(remote(address)).await;
    assert_eq!(by_default, json!({"authorization": null, "tenant": null}));

    let forwarded = sent(remote(address).forward_caller_authorization()).await;
    assert_eq!(forwarded["authorization"], "Bearer caller");

    let service = http::HeaderValue::from_static("Bearer service");
    let credential = sent(remote(address).service_credential(service)).await;
    assert_eq!(credential["authorization"], "Bearer service");

    let mapped = sent(remote(address).map_headers(|incoming| {
        let mut upstream = http::HeaderMap::new();
        upstream.insert("x-tenant", incoming["x-tenant"].clone());
        upstream
    }))
    .await;
    assert_eq!(mapped, json!({"authorization": null, "tenant": "acme"}));
}

#[tokio::test]
async fn an_unreachable_api_is_a_clear_tool_error() {
    let address = refusing_address().await;
    let api = remote(address).connect_retries(0);
    let result = call(&endpoint(api), "get_item", json!({"id": 1}), &[]).await;
    let text = error_text(&result);
    let expected =
        format!("the call to the API failed: cannot connect to the API at http://{address}");
    assert!(text.contains(&expected), "{text}");
    assert!(text.to_lowercase().contains("refused"), "{text}");
}

#[tokio::test]
async fn a_get_is_retried_after_a_connect_error_but_a_post_is_not() {
    let address = refusing_address().await;
    let api = remote(address).connect_retries(6); // pauses of 50, 100, 200… ms: up to 3 s
    let get = api.dispatch(request("GET", "/items/1", ""), None);
    let post = api.dispatch(request("POST", "/items", "{\"name\":\"x\"}"), None);
    // The API comes up on that port while the GET waits to try again.
    let server = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let listener = TcpListener::bind(address).await.unwrap();
        serve_on(listener, api_router());
    };
    let (get, post, ()) = tokio::join!(get, post, server);
    assert_eq!(get.unwrap().status(), 200);
    // The POST was not tried again: had it been, it would have reached the API too.
    let error = post.unwrap_err().to_string();
    assert!(error.contains("cannot connect"), "{error}");
    assert!(!error.contains("tried"), "{error}");
}

fn api_router() -> Router {
    api().router
}

#[tokio::test]
async fn a_streamed_response_streams_through() {
    let (address, api) = served_api().await;
    let response = remote(address)
        .dispatch(request("GET", "/stream", ""), None)
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    let mut body = response.into_body();
    // The first line arrives while the API still holds back the second.
    let first = tokio::time::timeout(Duration::from_secs(5), body.frame())
        .await
        .expect("the first line arrived before the end of the response")
        .unwrap()
        .unwrap();
    assert_eq!(first.into_data().unwrap(), "{\"n\":1}\n");
    api.release.notify_one();
    let rest = body.collect().await.unwrap().to_bytes();
    assert_eq!(rest, "{\"n\":2}\n");
}

#[tokio::test]
async fn a_cancelled_call_ends_the_upstream_request() {
    let (address, mut api) = served_api().await;
    let call = remote(address).dispatch(request("GET", "/slow", ""), None);
    let waiting = tokio::spawn(call);
    api.started.recv().await.unwrap();
    assert!(
        api.dropped.try_recv().is_err(),
        "the handler is still running"
    );
    waiting.abort();
    tokio::time::timeout(Duration::from_secs(5), api.dropped.recv())
        .await
        .expect("the API dropped the handler once the call was cancelled")
        .unwrap();
}

#[tokio::test]
async fn an_api_that_goes_silent_hits_the_read_timeout() {
    let (address, mut api) = served_api().await;
    let api_client = remote(address).read_timeout(Duration::from_millis(300));
    // No response head.
    let error = api_client
        .dispatch(request("GET", "/slow", ""), None)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("read timeout"), "{error}");
    api.started.recv().await.unwrap();
    // A body that stops half-way: the tool error says so, as the dispatcher's own error.
    let result = call(&endpoint(api_client), "stream", json!({}), &[]).await;
    let text = error_text(&result);
    assert!(
        text.starts_with("the call to the API failed: the API sent nothing more"),
        "{text}"
    );
    assert!(text.contains("read timeout"), "{text}");
}

/// Calls the core makes from several sessions at once share the pool.
#[tokio::test]
async fn concurrent_calls_are_each_answered_with_their_own_result() {
    let (address, _api) = served_api().await;
    let service = endpoint(remote(address));
    let calls = (0..32).map(|n| {
        let service = service.clone();
        async move {
            let result = call(&service, "create_item", json!({"body": {"n": n}}), &[]).await;
            (n, result["structuredContent"]["created"]["n"].clone())
        }
    });
    let answers = futures::future::join_all(calls).await;
    assert_eq!(answers.len(), 32);
    for (n, got) in answers {
        assert_eq!(got, json!(n));
    }
}
