//! The lane's answers, shaped as rmcp shapes them: one JSON message, or an SSE stream of log
//! notifications ending with the result.

// Log messages (`notifications/message`) are deprecated by SEP-2577 for a future protocol; the
// 2025-era sessions served here still have them.
#![allow(deprecated)]

use std::{convert::Infallible, sync::Arc};

use bytes::{BufMut, Bytes, BytesMut};
use http::header;
use http_body_util::BodyExt;
use rmcp::model::{
    CallToolResult, ErrorData, JsonRpcError, JsonRpcMessage, JsonRpcNotification, JsonRpcResponse,
    JsonRpcVersion2_0, LoggingLevel, LoggingMessageNotification, LoggingMessageNotificationParam,
    NumberOrString, ServerJsonRpcMessage, ServerNotification, ServerResult,
};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::{Era, LaneCall, SessionBook};
use crate::{McpBody, route::Operation, server::McpServer};

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
    // The channel exists only when a streamed line can become a log message: most calls
    // need none, and a channel allocates its first block up front.
    let (logs_in, logs) = match wants_logs {
        true => {
            let (logs_in, logs) = tokio::sync::mpsc::unbounded_channel();
            (Some(logs_in), Some(logs))
        }
        false => (None, None),
    };
    let legacy = matches!(era, Era::Session(_));
    let mut run = Box::pin(async move {
        let result = server
            .call_in_lane(&operation, arguments, &parts, &cancelled, logs_in)
            .await;
        drop(in_flight);
        result
    });
    let Some(mut logs) = logs else {
        return answered(&id, run.await, legacy);
    };
    let first_log = tokio::select! {
        biased;
        result = &mut run => return answered(&id, result, legacy),
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

/// The whole answer to call `id` as one JSON body, and how the call ended.
fn answered(
    id: &Value,
    result: Option<CallToolResult>,
    legacy: bool,
) -> (http::Response<McpBody>, Outcome) {
    let outcome = Outcome::of(result.as_ref());
    (json_response(final_message(id, result, legacy)), outcome)
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
