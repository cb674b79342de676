//! The fast lane: `tools/call`s of generated tools that can only ever answer once, served
//! without rmcp's per-request machinery and answered in a single JSON write.
//!
//! rmcp serves every stateless request with a service task of its own and every session
//! request through the session worker's channels, then answers with an SSE stream written in
//! pieces. That costs tens of microseconds per call, and on hosts whose listener does not set
//! `TCP_NODELAY` (axum's and actix-web's defaults) the pieces meet Nagle's algorithm and the
//! client's delayed ACK: ~40 ms per call. A generated tool called without a progress token and
//! without log messages asked for has exactly one thing to say, so none of that is needed.
//!
//! The lane takes only what it checks completely. Everything else — other methods, curated
//! tools, unusual headers or metadata, unknown sessions — goes to rmcp untouched, and rmcp stays
//! the reference for every error answer.

// Log messages (`notifications/message`) are deprecated by SEP-2577 for a future protocol; the
// 2025-era sessions served here still have them.
#![allow(deprecated)]

use std::{
    collections::HashMap,
    convert::Infallible,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use bytes::{BufMut, Bytes, BytesMut};
use http::{HeaderMap, header};
use http_body_util::BodyExt;
use rmcp::model::{
    CallToolResult, ErrorData, JsonRpcError, JsonRpcMessage, JsonRpcNotification, JsonRpcResponse,
    JsonRpcVersion2_0, LoggingLevel, LoggingMessageNotification, LoggingMessageNotificationParam,
    NumberOrString, ServerJsonRpcMessage, ServerNotification, ServerResult,
};
use serde_json::{Map, Value};
use tokio_util::sync::CancellationToken;

use crate::{McpBody, route::Operation, server::McpServer};

/// `MCP-Protocol-Version` of the stateless era.
pub(crate) const STATELESS_VERSION: &str = "2026-07-28";
/// Session-era versions rmcp knows; the lane leaves any other to rmcp.
const SESSION_VERSIONS: [&str; 4] = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];
const META_PROTOCOL_VERSION: &str = "io.modelcontextprotocol/protocolVersion";
const META_CLIENT_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
const META_LOG_LEVEL: &str = "io.modelcontextprotocol/logLevel";

/// Which protocol era a lane request belongs to.
#[derive(Debug, Clone)]
pub(crate) enum Era {
    /// A 2025-era request inside the session with this id.
    Session(Arc<str>),
    /// A 2026-07-28 request: no session, everything in the request.
    Stateless,
}

/// The host rule the lane applies itself, mirroring rmcp's (any port unless the entry names one).
#[derive(Debug, Clone)]
pub(crate) struct Hosts(Option<Vec<(String, Option<u16>)>>);

impl Hosts {
    /// `None` (no allow-list) lets any host through, as rmcp does for an empty list.
    pub(crate) fn new(allowed: Option<&[String]>) -> Self {
        Self(allowed.filter(|list| !list.is_empty()).map(|list| {
            list.iter()
                .filter_map(|entry| authority(entry.trim()))
                .collect()
        }))
    }

    fn allow(&self, headers: &HeaderMap) -> bool {
        let Some(allowed) = &self.0 else {
            return true;
        };
        let Some((host, port)) = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .and_then(authority)
        else {
            return false;
        };
        allowed
            .iter()
            .any(|(name, only)| *name == host && only.is_none_or(|only| Some(only) == port))
    }
}

fn authority(text: &str) -> Option<(String, Option<u16>)> {
    if text.is_empty() {
        return None;
    }
    let (host, port) = match http::uri::Authority::try_from(text) {
        Ok(parsed) => (parsed.host().to_string(), parsed.port_u16()),
        Err(_) => (text.to_string(), None),
    };
    let host = host
        .trim_matches('[')
        .trim_matches(']')
        .to_ascii_lowercase();
    Some((host, port))
}

/// What the lane needs to know about the mount's transport settings.
#[derive(Debug, Clone)]
pub(crate) struct Admission {
    pub(crate) hosts: Hosts,
    /// Whether a browser `Origin` passes whatever it says (`allow_any_origin`).
    pub(crate) any_origin: bool,
    /// Whether 2025-era sessions exist at all (`McpConfig::stateless` turns them off).
    pub(crate) sessions: bool,
}

impl Admission {
    /// From the headers alone: the era of a request the lane may take, or `None` for rmcp.
    pub(crate) fn era(&self, method: &http::Method, headers: &HeaderMap) -> Option<Era> {
        if method != http::Method::POST
            || !is_json(headers.get(header::CONTENT_TYPE))
            || !accepts_json_and_sse(headers)
            || headers.contains_key("last-event-id")
            || (!self.any_origin && headers.contains_key(header::ORIGIN))
            || !self.hosts.allow(headers)
        {
            return None;
        }
        let version = single(headers, "mcp-protocol-version")?;
        match single(headers, "mcp-session-id")? {
            Some(id) => {
                let known = version.is_none_or(|v| SESSION_VERSIONS.contains(&v));
                (self.sessions && known && !id.is_empty()).then(|| Era::Session(Arc::from(id)))
            }
            None => (version == Some(STATELESS_VERSION)).then_some(Era::Stateless),
        }
    }
}

/// Whether the service reads a POST's body before choosing a lane: only when rmcp would too
/// (it answers other media types with 406 or 415 before reading).
pub(crate) fn reads_body(method: &http::Method, headers: &HeaderMap) -> bool {
    method == http::Method::POST
        && is_json(headers.get(header::CONTENT_TYPE))
        && accepts_json_and_sse(headers)
}

/// The one value of a header: `Some(None)` when absent, `None` when repeated or not text.
fn single<'h>(headers: &'h HeaderMap, name: &str) -> Option<Option<&'h str>> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Some(None);
    };
    if values.next().is_some() {
        return None;
    }
    first.to_str().ok().map(Some)
}

fn is_json(value: Option<&http::HeaderValue>) -> bool {
    value
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split_once(';').map_or(v, |(essence, _)| essence))
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Both media types named plainly; anything with parameters (a `q=0`) is left to rmcp.
fn accepts_json_and_sse(headers: &HeaderMap) -> bool {
    let (mut json, mut sse) = (false, false);
    for value in headers.get_all(header::ACCEPT) {
        let Ok(value) = value.to_str() else {
            return false;
        };
        for entry in value.split(',') {
            let entry = entry.trim();
            if entry.contains(';') {
                return false;
            }
            json |= entry.eq_ignore_ascii_case("application/json");
            sse |= entry.eq_ignore_ascii_case("text/event-stream");
        }
    }
    json && sse
}

/// A `tools/call` the lane can answer: its id, tool name and arguments.
#[derive(Debug)]
pub(crate) struct LaneCall {
    pub(crate) id: Value,
    pub(crate) name: String,
    pub(crate) arguments: Map<String, Value>,
}

/// Take a parsed JSON-RPC message apart if it is a `tools/call` the lane can answer for `era`;
/// `Err` gives the message back for rmcp.
pub(crate) fn tools_call(
    message: Value,
    era: &Era,
    headers: &HeaderMap,
) -> Result<LaneCall, Value> {
    let Value::Object(mut message) = message else {
        return Err(message);
    };
    let fits = message.len() == 4
        && message.get("jsonrpc").and_then(Value::as_str) == Some("2.0")
        && message.get("method").and_then(Value::as_str) == Some("tools/call")
        && message
            .get("id")
            .is_some_and(|id| id.is_i64() || id.is_string())
        && message
            .get("params")
            .and_then(Value::as_object)
            .is_some_and(|params| params_fit(params, era, headers));
    if !fits {
        return Err(Value::Object(message));
    }
    let id = message.remove("id").unwrap_or_default();
    let Some(Value::Object(mut params)) = message.remove("params") else {
        unreachable!("checked above")
    };
    let Some(Value::String(name)) = params.remove("name") else {
        unreachable!("checked above")
    };
    let arguments = match params.remove("arguments") {
        Some(Value::Object(arguments)) => arguments,
        _ => Map::new(),
    };
    Ok(LaneCall {
        id,
        name,
        arguments,
    })
}

fn params_fit(params: &Map<String, Value>, era: &Era, headers: &HeaderMap) -> bool {
    let known = params
        .keys()
        .all(|key| matches!(key.as_str(), "name" | "arguments" | "_meta"));
    let Some(name) = params.get("name").and_then(Value::as_str) else {
        return false;
    };
    let arguments_fit = params
        .get("arguments")
        .is_none_or(|a| a.is_object() || a.is_null());
    let empty = Map::new();
    let meta = match params.get("_meta") {
        None => &empty,
        Some(Value::Object(meta)) => meta,
        Some(_) => return false,
    };
    // A progress token or log messages asked for can make more than one message.
    if !known
        || !arguments_fit
        || meta.contains_key("progressToken")
        || meta.contains_key(META_LOG_LEVEL)
    {
        return false;
    }
    match era {
        // Per-request versions inside a session are rmcp's to reconcile.
        Era::Session(_) => !meta.contains_key(META_PROTOCOL_VERSION),
        Era::Stateless => {
            meta.get(META_PROTOCOL_VERSION).and_then(Value::as_str) == Some(STATELESS_VERSION)
                && meta.get(META_CLIENT_CAPABILITIES).is_some_and(|caps| {
                    serde_json::from_value::<rmcp::model::ClientCapabilities>(caps.clone()).is_ok()
                })
                && standard_headers_fit(headers, name)
        }
    }
}

/// SEP-2243 headers of a 2026-07-28 `tools/call`, in their plain form; base64-encoded names and
/// `Mcp-Param-*` headers are rmcp's to decode and check.
fn standard_headers_fit(headers: &HeaderMap, name: &str) -> bool {
    single(headers, "mcp-method") == Some(Some("tools/call"))
        && single(headers, "mcp-name") == Some(Some(name))
        && !headers
            .keys()
            .any(|key| key.as_str().starts_with("mcp-param-"))
}

/// Session-era bookkeeping the lane needs because its calls bypass the session worker: which
/// calls are in flight (so `notifications/cancelled` reaches them) and when each session was
/// last shown to rmcp as active (so a session used only through the lane does not idle out).
#[derive(Debug, Default)]
pub(crate) struct SessionBook {
    in_flight: Mutex<HashMap<(Arc<str>, String), CancellationToken>>,
    touched: Mutex<HashMap<Arc<str>, Instant>>,
}

impl SessionBook {
    /// Register a call; the guard unregisters it when dropped.
    pub(crate) fn start(self: &Arc<Self>, session: &Arc<str>, id: &Value) -> InFlight {
        let key = (session.clone(), id.to_string());
        let token = CancellationToken::new();
        lock(&self.in_flight).insert(key.clone(), token.clone());
        InFlight {
            book: self.clone(),
            key,
            token,
        }
    }

    /// Cancel the call `request_id` of `session`, if the lane is running it.
    pub(crate) fn cancel(&self, session: &str, request_id: &Value) {
        let key = (Arc::from(session), request_id.to_string());
        if let Some(token) = lock(&self.in_flight).get(&key) {
            token.cancel();
        }
    }

    /// Whether `session` is due to be shown to rmcp as active again; records it if so.
    pub(crate) fn due_for_touch(&self, session: &Arc<str>, idle: Duration, live: usize) -> bool {
        let now = Instant::now();
        let mut touched = lock(&self.touched);
        // Entries of sessions that ended elsewhere: dropped once they outnumber live sessions.
        if touched.len() > 2 * live + 64 {
            touched.retain(|_, at| now.duration_since(*at) < idle);
        }
        match touched.get(session) {
            Some(at) if now.duration_since(*at) < idle / 4 => false,
            _ => {
                touched.insert(session.clone(), now);
                true
            }
        }
    }
}

/// A lane call registered in the [`SessionBook`].
#[derive(Debug)]
pub(crate) struct InFlight {
    book: Arc<SessionBook>,
    key: (Arc<str>, String),
    token: CancellationToken,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        lock(&self.book.in_flight).remove(&self.key);
    }
}

/// Answer a lane call: one JSON message, or — when the endpoint streams and the client gets
/// its messages as log notifications — an SSE stream of those notifications and then the
/// result, ending with the result's event.
pub(crate) async fn answer(
    server: McpServer,
    operation: Arc<Operation>,
    call: LaneCall,
    parts: http::request::Parts,
    era: Era,
    book: Arc<SessionBook>,
) -> (http::Response<McpBody>, Outcome) {
    let LaneCall { id, arguments, .. } = call;
    let in_flight = match &era {
        Era::Session(session) => Some(book.start(session, &id)),
        Era::Stateless => None,
    };
    let cancelled = in_flight
        .as_ref()
        .map_or_else(CancellationToken::new, |c| c.token.clone());
    let wants_logs = match &era {
        Era::Session(session) => server.session_wants_info_logs(session),
        Era::Stateless => false,
    };
    let (logs_in, mut logs) = tokio::sync::mpsc::unbounded_channel();
    let legacy = matches!(era, Era::Session(_));
    let mut run = Box::pin(async move {
        let result = server
            .call_in_lane(
                &operation,
                arguments,
                &parts,
                &cancelled,
                wants_logs.then_some(logs_in),
            )
            .await;
        drop(in_flight);
        result
    });
    let first_log = tokio::select! {
        biased;
        result = &mut run => {
            let outcome = Outcome::of(result.as_ref());
            return (json_response(final_message(&id, result, legacy)), outcome);
        }
        Some(data) = logs.recv() => data,
    };
    // The endpoint streams: relay its messages as they come, the result last. A task runs the
    // call so the body stays `Sync`; a client that hangs up drops the call with the channel.
    let (events_in, events) = tokio::sync::mpsc::channel::<Bytes>(16);
    tokio::spawn(async move {
        let mut pending = Some(first_log);
        loop {
            if let Some(data) = pending.take()
                && events_in.send(sse_event(&log_message(data))).await.is_err()
            {
                return;
            }
            tokio::select! {
                biased;
                () = events_in.closed() => return,
                Some(data) = logs.recv() => pending = Some(data),
                result = &mut run => {
                    // What arrived before the result goes out with it, in one write.
                    let mut last = BytesMut::new();
                    while let Ok(data) = logs.try_recv() {
                        last.put(sse_event(&log_message(data)));
                    }
                    last.put(sse_event(&final_message(&id, result, legacy)));
                    let _ = events_in.send(last.freeze()).await;
                    return;
                }
            }
        }
    });
    let events = futures::stream::unfold(events, |mut events| async move {
        let chunk = events.recv().await?;
        Some((Ok::<_, Infallible>(http_body::Frame::data(chunk)), events))
    });
    let response = http::Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(McpBody::new(http_body_util::StreamBody::new(events)))
        .expect("a valid response");
    (response, Outcome::Streamed)
}

/// How a lane call ended, for the request's log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The tool answered.
    Ok,
    /// The tool answered with `isError`.
    ToolError,
    /// The client cancelled the call.
    Cancelled,
    /// The answer is streaming; it ends later.
    Streamed,
}

impl Outcome {
    fn of(result: Option<&CallToolResult>) -> Self {
        match result {
            None => Outcome::Cancelled,
            Some(result) if result.is_error == Some(true) => Outcome::ToolError,
            Some(_) => Outcome::Ok,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::ToolError => "tool_error",
            Outcome::Cancelled => "cancelled",
            Outcome::Streamed => "streaming",
        }
    }
}

/// The JSON-RPC answer to call `id`: its result, shaped for the era as rmcp shapes it, or the
/// error of a cancelled call.
fn final_message(id: &Value, result: Option<CallToolResult>, legacy: bool) -> Bytes {
    let id = request_id(id);
    let message: ServerJsonRpcMessage = match result {
        Some(result) => {
            let mut result = ServerResult::CallToolResult(result);
            if legacy {
                result.strip_result_type_for_legacy_peer();
            }
            JsonRpcMessage::Response(JsonRpcResponse {
                jsonrpc: JsonRpcVersion2_0,
                id,
                result,
            })
        }
        None => JsonRpcMessage::Error(JsonRpcError::new(
            Some(id),
            ErrorData::internal_error("the request was cancelled", None),
        )),
    };
    Bytes::from(serde_json::to_vec(&message).expect("MCP messages serialize"))
}

fn log_message(data: Value) -> Bytes {
    let param = LoggingMessageNotificationParam::new(LoggingLevel::Info, data);
    let message: ServerJsonRpcMessage = JsonRpcMessage::Notification(JsonRpcNotification {
        jsonrpc: JsonRpcVersion2_0,
        notification: ServerNotification::LoggingMessageNotification(
            LoggingMessageNotification::new(param),
        ),
    });
    Bytes::from(serde_json::to_vec(&message).expect("MCP messages serialize"))
}

/// The lane only takes integer and string ids (checked in [`tools_call`]).
fn request_id(id: &Value) -> NumberOrString {
    match id {
        Value::Number(number) => NumberOrString::Number(number.as_i64().unwrap_or_default()),
        Value::String(text) => NumberOrString::String(Arc::from(text.as_str())),
        _ => NumberOrString::Number(0),
    }
}

fn sse_event(message: &[u8]) -> Bytes {
    let mut event = BytesMut::with_capacity(message.len() + 8);
    event.put_slice(b"data: ");
    event.put_slice(message);
    event.put_slice(b"\n\n");
    event.freeze()
}

/// A whole answer in one body chunk, so it leaves in one write with the headers.
fn json_response(message: Bytes) -> http::Response<McpBody> {
    let body = http_body_util::Full::new(message).map_err(|never| match never {});
    http::Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .body(McpBody::new(body))
        .expect("a valid response")
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    fn admission() -> Admission {
        Admission {
            hosts: Hosts::new(Some(&[
                "localhost".into(),
                "127.0.0.1".into(),
                "::1".into(),
            ])),
            any_origin: false,
            sessions: true,
        }
    }

    const BASE: [(&str, &str); 3] = [
        ("host", "127.0.0.1:3000"),
        ("content-type", "application/json"),
        ("accept", "application/json, text/event-stream"),
    ];

    #[test]
    fn the_era_comes_from_the_session_or_the_2026_version_header() {
        let post = http::Method::POST;
        let mut stateless = BASE.to_vec();
        stateless.push(("mcp-protocol-version", "2026-07-28"));
        assert!(matches!(
            admission().era(&post, &headers(&stateless)),
            Some(Era::Stateless)
        ));
        let mut session = BASE.to_vec();
        session.push(("mcp-session-id", "abc"));
        session.push(("mcp-protocol-version", "2025-11-25"));
        assert!(
            matches!(admission().era(&post, &headers(&session)), Some(Era::Session(id)) if &*id == "abc")
        );
        // No version and no session: an `initialize` or an old client, rmcp's.
        assert!(admission().era(&post, &headers(&BASE)).is_none());
    }

    #[test]
    fn anything_unusual_in_the_headers_goes_to_rmcp() {
        let post = http::Method::POST;
        let with = |extra: &[(&str, &str)], without: &str| {
            let mut list: Vec<(&str, &str)> = BASE
                .iter()
                .copied()
                .filter(|(n, _)| *n != without)
                .collect();
            list.push(("mcp-protocol-version", "2026-07-28"));
            list.extend_from_slice(extra);
            admission().era(&post, &headers(&list))
        };
        assert!(with(&[], "").is_some());
        assert!(with(&[("host", "evil.example.com")], "host").is_none());
        assert!(with(&[], "host").is_none());
        assert!(with(&[("origin", "http://127.0.0.1:3000")], "").is_none());
        assert!(with(&[("accept", "application/json")], "accept").is_none());
        assert!(
            with(
                &[("accept", "application/json;q=0, text/event-stream")],
                "accept"
            )
            .is_none()
        );
        assert!(with(&[("content-type", "text/plain")], "content-type").is_none());
        assert!(with(&[("last-event-id", "1")], "").is_none());
        assert!(
            with(&[("mcp-protocol-version", "2026-07-28")], "").is_none(),
            "repeated header"
        );
        assert!(
            admission()
                .era(&http::Method::GET, &headers(&BASE))
                .is_none()
        );
        let stateless_only = Admission {
            sessions: false,
            ..admission()
        };
        let mut session = BASE.to_vec();
        session.push(("mcp-session-id", "abc"));
        assert!(stateless_only.era(&post, &headers(&session)).is_none());
    }

    #[test]
    fn hosts_match_like_rmcp_any_port_unless_named() {
        let hosts = Hosts::new(Some(&["example.com:8080".into(), "::1".into()]));
        let host = |value: &str| hosts.allow(&headers(&[("host", value)]));
        assert!(host("example.com:8080"));
        assert!(!host("example.com:8081"));
        assert!(host("[::1]:9"));
        assert!(!host("127.0.0.1"));
        assert!(Hosts::new(None).allow(&HeaderMap::new()));
        assert!(Hosts::new(Some(&[])).allow(&HeaderMap::new()));
    }

    fn meta_2026() -> Value {
        json!({
            META_PROTOCOL_VERSION: "2026-07-28",
            META_CLIENT_CAPABILITIES: {},
        })
    }

    #[test]
    fn a_plain_generated_call_fits_and_anything_more_goes_to_rmcp() {
        let h = headers(&[("mcp-method", "tools/call"), ("mcp-name", "get")]);
        let call = |params: Value| {
            tools_call(
                json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": params}),
                &Era::Stateless,
                &h,
            )
        };
        let fit =
            call(json!({"name": "get", "arguments": {"a": 1}, "_meta": meta_2026()})).unwrap();
        assert_eq!(
            (fit.id, fit.name, fit.arguments),
            (
                json!(3),
                "get".into(),
                json!({"a": 1}).as_object().unwrap().clone()
            )
        );
        let mut progress = meta_2026();
        progress["progressToken"] = json!(1);
        assert!(call(json!({"name": "get", "_meta": progress})).is_err());
        let mut logs = meta_2026();
        logs[META_LOG_LEVEL] = json!("info");
        assert!(call(json!({"name": "get", "_meta": logs})).is_err());
        assert!(call(json!({"name": "get"})).is_err(), "2026 without _meta");
        assert!(
            call(json!({"name": "other", "_meta": meta_2026()})).is_err(),
            "Mcp-Name differs"
        );
        assert!(call(json!({"name": "get", "_meta": meta_2026(), "task": {}})).is_err());
        assert!(call(json!({"name": "get", "arguments": [1], "_meta": meta_2026()})).is_err());
        let session = Era::Session(Arc::from("s"));
        let in_session = |message: Value| tools_call(message, &session, &HeaderMap::new());
        assert!(in_session(json!({"jsonrpc": "2.0", "id": "x", "method": "tools/call", "params": {"name": "get"}})).is_ok());
        assert!(in_session(json!({"jsonrpc": "2.0", "id": 1.5, "method": "tools/call", "params": {"name": "get"}})).is_err());
        assert!(in_session(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"name": "get"}})).is_err());
        assert!(in_session(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "get", "_meta": meta_2026()}})).is_err());
        assert!(in_session(json!([1])).is_err());
    }

    #[test]
    fn calls_in_flight_are_cancelled_by_session_and_id_and_forgotten_when_done() {
        let book = Arc::new(SessionBook::default());
        let session: Arc<str> = Arc::from("s");
        let call = book.start(&session, &json!(7));
        book.cancel("other", &json!(7));
        book.cancel("s", &json!("7"));
        assert!(
            !call.token.is_cancelled(),
            "another session or id type must not cancel"
        );
        book.cancel("s", &json!(7));
        assert!(call.token.is_cancelled());
        drop(call);
        assert!(lock(&book.in_flight).is_empty());
    }

    #[test]
    fn sessions_are_touched_at_most_every_quarter_of_the_idle_time() {
        let book = SessionBook::default();
        let session: Arc<str> = Arc::from("s");
        let idle = Duration::from_secs(300);
        assert!(book.due_for_touch(&session, idle, 1));
        assert!(!book.due_for_touch(&session, idle, 1));
        assert!(book.due_for_touch(&session, Duration::ZERO, 1));
    }
}
