//! The fast lane: `tools/call`s of generated tools that can only answer once are served
//! without rmcp's per-request machinery. Its answers must be exactly rmcp's, leave in one
//! write, still reach a cancelled handler, and anything unusual must still go to rmcp.

mod support;

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use bytes::Bytes;
use futures::StreamExt;
use http::{Request, Response, StatusCode, header};
use http_body::Body as _;
use http_body_util::{BodyExt, Full};
use mcp_test_support::{protocol, reply};
use mcp_web_core::{DispatchBody, McpConfig};
use serde_json::{Value, json};
use support::{Mcp, Routes, json as json_response, param, streamed};
use tokio::sync::Notify;
use tower::Service;
use utoipa::OpenApi;

/// Read one ticket.
#[utoipa::path(get, path = "/tickets/{id}", operation_id = "get_ticket",
    params(("id" = u64, Path)), responses((status = 200, body = Object), (status = 404)))]
async fn get_ticket(request: Request<Bytes>) -> Response<DispatchBody> {
    let id = param(&request, "id");
    if id == "404" {
        let mut response = json_response(json!({"error": "no such ticket"}));
        *response.status_mut() = StatusCode::NOT_FOUND;
        return response;
    }
    json_response(json!({"id": id.parse::<u64>().unwrap(), "title": "Printer on fire"}))
}

/// Waits until the test cancels it.
#[utoipa::path(get, path = "/slow", operation_id = "slow", responses((status = 200)))]
#[allow(dead_code)]
fn slow() {}

/// Three JSON lines.
#[utoipa::path(get, path = "/feed", operation_id = "feed",
    responses((status = 200, content_type = "application/x-ndjson", body = String)))]
async fn feed(_: Request<Bytes>) -> Response<DispatchBody> {
    let chunks = futures::stream::iter(["{\"n\":1}\n", "{\"n\":2}\n", "{\"n\":3}\n"]).then(
        |chunk| async move {
            tokio::time::sleep(Duration::from_millis(5)).await;
            Bytes::from_static(chunk.as_bytes())
        },
    );
    streamed("application/x-ndjson", chunks)
}

#[derive(OpenApi)]
#[openapi(paths(get_ticket, slow, feed))]
struct ApiDoc;

/// Set when the slow handler's future is dropped.
#[derive(Clone, Default)]
struct SlowHandler {
    started: Arc<Notify>,
    dropped: Arc<AtomicBool>,
}

struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

fn mcp_with(config: impl FnOnce(McpConfig) -> McpConfig, slow: SlowHandler) -> Mcp {
    let routes = Routes::new()
        .get("/tickets/{id}", get_ticket)
        .get("/feed", feed)
        .get("/slow", move |_| {
            let slow = slow.clone();
            async move {
                let _flag = DropFlag(slow.dropped.clone());
                slow.started.notify_one();
                tokio::time::sleep(Duration::from_secs(30)).await;
                json_response(json!({}))
            }
        });
    Mcp::new(config(McpConfig::new(ApiDoc::openapi())), routes)
}

fn mcp() -> Mcp {
    mcp_with(|config| config, SlowHandler::default())
}

/// How a client speaks in each era: the headers and the `tools/call` message.
#[derive(Clone, Copy, Debug)]
enum Era<'s> {
    Session(&'s str),
    Stateless,
}

fn call_request(
    era: Era<'_>,
    id: u64,
    tool: &str,
    arguments: Value,
    accept: &str,
) -> Request<Bytes> {
    let mut params = json!({"name": tool, "arguments": arguments});
    let mut headers: Vec<(String, String)> = Vec::new();
    match era {
        Era::Session(session) => {
            for (name, value) in protocol::session_headers(session) {
                headers.push((name.into(), value.into()));
            }
        }
        Era::Stateless => {
            params = protocol::with_modern_meta(params);
            for (name, value) in protocol::modern_headers("tools/call", &params) {
                headers.push((name.into(), value.into()));
            }
        }
    }
    let mut request = Request::post("/mcp")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, accept);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let message = protocol::request(id, "tools/call", params);
    request.body(Bytes::from(message.to_string())).unwrap()
}

/// The lane's `Accept`, and one that only rmcp takes (the lane leaves parameters to rmcp).
const LANE: &str = "application/json, text/event-stream";
const RMCP: &str = "application/json;q=1, text/event-stream;q=1";

/// The answer, its content type, and whether its body is one known-size chunk.
async fn answer(mcp: &Mcp, request: Request<Bytes>) -> (Value, String, bool) {
    let response = mcp.open(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_string();
    let one_chunk = response.body().size_hint().exact().is_some();
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let message = reply::message(&String::from_utf8_lossy(&body));
    (message, content_type, one_chunk)
}

#[tokio::test]
async fn lane_answers_are_exactly_rmcps_in_both_eras_and_leave_in_one_chunk() {
    let mcp = mcp();
    let session = mcp.open_session().await;
    for era in [Era::Session(&session), Era::Stateless] {
        for arguments in [json!({"id": 7}), json!({"id": 404}), json!({"id": "seven"})] {
            let (fast, fast_type, one_chunk) = answer(
                &mcp,
                call_request(era, 11, "get_ticket", arguments.clone(), LANE),
            )
            .await;
            let (slow, slow_type, _) = answer(
                &mcp,
                call_request(era, 11, "get_ticket", arguments.clone(), RMCP),
            )
            .await;
            assert_eq!(
                fast, slow,
                "{era:?} {arguments}: the lane must answer as rmcp does"
            );
            assert_eq!(
                fast_type, "application/json",
                "{era:?}: the lane answers JSON"
            );
            assert!(
                slow_type.starts_with("text/event-stream"),
                "{era:?}: rmcp answered {slow_type}"
            );
            assert!(
                one_chunk,
                "{era:?}: the lane's answer is one chunk with a known size"
            );
        }
    }
}

/// The largest allocation glibc's per-thread cache serves: a larger one takes malloc's locked
/// path, and merges the small free chunks on the way (a tenth of the server's CPU per call on
/// actix when the call's future was 4 KB).
const PER_THREAD_CACHE_LIMIT: usize = 1032;

#[tokio::test]
async fn a_calls_future_fits_the_allocators_per_thread_cache() {
    // The future holds the request's body until it is read: one as large as mcp-actix's.
    type AdapterBody = http_body_util::Either<Full<Bytes>, Full<Bytes>>;
    assert_eq!(std::mem::size_of::<AdapterBody>(), 40);
    let mcp = mcp();
    let session = mcp.open_session().await;
    for era in [Era::Stateless, Era::Session(&session)] {
        let request = call_request(era, 1, "get_ticket", json!({"id": 1}), LANE);
        let request = request.map(|body| AdapterBody::Left(Full::new(body)));
        let future = mcp.service().call(request);
        let size = std::mem::size_of_val(&*future);
        assert!(
            size <= PER_THREAD_CACHE_LIMIT,
            "{era:?}: the endpoint's future takes {size} bytes"
        );
        // The future measured is the one that answers the call.
        let response = future.await.unwrap();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let answer = reply::message(&String::from_utf8_lossy(&body));
        assert_eq!(
            answer["result"]["structuredContent"]["id"], 1,
            "{era:?}: {answer}"
        );
    }
}

#[tokio::test]
async fn a_lane_calls_header_map_goes_back_to_the_threads_pool() {
    let mcp = mcp();
    let session = mcp.open_session().await;
    // In a session, the call may stream, and takes the head instead of borrowing it.
    for era in [Era::Stateless, Era::Session(&session)] {
        // An adapter that builds heads asks the pool for their maps (mcp-actix does).
        let mut request = call_request(era, 1, "get_ticket", json!({"id": 1}), LANE);
        let mut headers = mcp_web_core::header_map(12);
        headers.extend(request.headers().clone());
        let room = headers.capacity();
        *request.headers_mut() = headers;
        let (answer, _, _) = answer(&mcp, request).await;
        assert_eq!(
            answer["result"]["structuredContent"]["id"], 1,
            "{era:?}: {answer}"
        );
        // The endpoint ran on this thread (a current-thread runtime) and gave the map back.
        let again = mcp_web_core::header_map(0);
        assert!(again.is_empty());
        assert_eq!(
            again.capacity(),
            room,
            "{era:?}: the request's map, handed out again"
        );
    }
}

#[tokio::test]
async fn one_message_answers_from_rmcp_also_leave_in_one_chunk() {
    let mcp = mcp();
    let response = mcp
        .open(support::post_request(protocol::initialize(), &[]))
        .await;
    assert!(
        response.body().size_hint().exact().is_some(),
        "initialize: one chunk"
    );
    let session = response.headers()["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_string();
    let list = protocol::request(2, "tools/list", json!({}));
    let response = mcp
        .open(support::post_request(
            list,
            &protocol::session_headers(&session),
        ))
        .await;
    assert!(
        response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    assert!(
        response.body().size_hint().exact().is_some(),
        "tools/list: one chunk"
    );
}

#[tokio::test]
async fn a_call_that_streams_progress_still_streams() {
    let mcp = mcp();
    let session = mcp.open_session().await;
    let call = protocol::request(
        3,
        "tools/call",
        json!({"name": "feed", "arguments": {}, "_meta": {"progressToken": 1}}),
    );
    let response = mcp
        .open(support::post_request(
            call,
            &protocol::session_headers(&session),
        ))
        .await;
    assert!(
        response.body().size_hint().exact().is_none(),
        "a real stream is not buffered"
    );
}

#[tokio::test]
async fn a_streaming_endpoint_relays_its_lines_as_log_messages_in_a_session_until_set_level() {
    let mcp = mcp();
    let session = mcp.open_session().await;
    let headers = protocol::session_headers(&session);
    let call = |id| protocol::request(id, "tools/call", json!({"name": "feed", "arguments": {}}));
    let reply = mcp.post(call(4), &headers).await;
    let messages = reply.messages();
    let logs: Vec<&Value> = messages
        .iter()
        .filter(|m| m["method"] == "notifications/message")
        .map(|m| &m["params"]["data"])
        .collect();
    assert_eq!(
        logs,
        [&json!({"n": 1}), &json!({"n": 2}), &json!({"n": 3})],
        "{}",
        reply.body
    );
    assert_eq!(messages.last().unwrap()["id"], 4, "the result comes last");
    // A session that asked for warnings and worse gets the result alone.
    mcp.rpc_in(&session, "logging/setLevel", json!({"level": "warning"}))
        .await;
    let reply = mcp.post(call(5), &headers).await;
    assert!(
        !reply.body.contains("notifications/message"),
        "{}",
        reply.body
    );
    assert_eq!(
        reply.message()["result"]["content"][0]["text"],
        "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n"
    );
}

#[tokio::test]
async fn notifications_cancelled_stops_a_lane_call_and_drops_its_handler() {
    let slow = SlowHandler::default();
    let mcp = mcp_with(|config| config, slow.clone());
    let session = mcp.open_session().await;
    let call = {
        let mcp = mcp.clone();
        let session = session.clone();
        tokio::spawn(async move {
            answer(
                &mcp,
                call_request(Era::Session(&session), 21, "slow", json!({}), LANE),
            )
            .await
        })
    };
    tokio::time::timeout(Duration::from_secs(5), slow.started.notified())
        .await
        .expect("the handler started");
    let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                        "params": {"requestId": 21, "reason": "test"}});
    let reply = mcp.post(cancel, &protocol::session_headers(&session)).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    let (message, _, _) = tokio::time::timeout(Duration::from_secs(5), call)
        .await
        .expect("the call ends once cancelled")
        .unwrap();
    assert_eq!(message["error"]["message"], "the request was cancelled");
    assert!(
        slow.dropped.load(Ordering::SeqCst),
        "the handler's future was dropped"
    );
}

#[tokio::test]
async fn a_session_used_only_through_the_lane_does_not_idle_out() {
    let mcp = mcp_with(
        |config| config.session_idle_timeout(Duration::from_millis(400)),
        SlowHandler::default(),
    );
    let session = mcp.open_session().await;
    for id in 0..12 {
        let (message, content_type, _) = answer(
            &mcp,
            call_request(
                Era::Session(&session),
                id,
                "get_ticket",
                json!({"id": 1}),
                LANE,
            ),
        )
        .await;
        assert_eq!(content_type, "application/json", "call {id} took the lane");
        assert_eq!(
            message["result"]["structuredContent"]["id"], 1,
            "call {id}: {message}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Idle now: the session ends, and the lane hands its calls to rmcp, which says so.
    tokio::time::sleep(Duration::from_millis(900)).await;
    let reply = mcp
        .send(call_request(
            Era::Session(&session),
            99,
            "get_ticket",
            json!({"id": 1}),
            LANE,
        ))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
}
