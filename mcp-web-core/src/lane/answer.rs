//! The lane's answers, shaped as rmcp shapes them: one JSON message, or an SSE stream of log
//! notifications ending with the result.

// Log messages (`notifications/message`) are deprecated by SEP-2577 for a future protocol; the
// 2025-era sessions served here still have them.
#![allow(deprecated)]

use std::{convert::Infallible, sync::Arc};

use bytes::{BufMut, Bytes, BytesMut};
use futures::{StreamExt, future::Either};
use http::header;
use rmcp::model::{
    CallToolResult, ContentBlock, ErrorData, JsonRpcError, JsonRpcMessage, JsonRpcNotification,
    JsonRpcResponse, JsonRpcVersion2_0, LoggingLevel, LoggingMessageNotification,
    LoggingMessageNotificationParam, NumberOrString, ResultType, ServerJsonRpcMessage,
    ServerNotification, ServerResult,
};
use serde_json::Value;

use super::{Era, LaneCall, LogSender, SessionBook, book::InFlight};
use crate::{
    McpBody,
    response::{JsonAnswer, ToolAnswer},
    route::Operation,
    server::McpServer,
    service::full_body,
};

/// Answer a lane call: one JSON message, or — when the endpoint streams and the client gets
/// its messages as log notifications — an SSE stream of those notifications and then the
/// result, ending with the result's event.
///
/// A call whose client takes no log messages borrows the request's head; one that may stream
/// takes it (`parts` is left empty), since its call may outlive this future in a task.
pub(crate) fn answer<'a>(
    server: &'a McpServer,
    operation: &'a Arc<Operation>,
    call: LaneCall<'_>,
    parts: &'a mut http::request::Parts,
    era: Era,
    book: &'a Arc<SessionBook>,
) -> impl Future<Output = (http::Response<McpBody>, Outcome)> + Send + 'a {
    let LaneCall { id, arguments, .. } = call;
    let (in_flight, wants_logs) = match &era {
        Era::Session(session) => (
            Some(book.start(session, &id)),
            server.session_wants_info_logs(session),
        ),
        Era::Stateless => (None, false),
    };
    let legacy = matches!(era, Era::Session(_));
    if !wants_logs {
        let parts = &*parts;
        // Only calls in a session can be cancelled by a notice; a stateless call ends with
        // its connection. An `async` block, not an `async fn`: it holds its inputs once.
        return Either::Left(async move {
            let result = run_call(
                server,
                operation,
                arguments,
                parts,
                in_flight.as_ref(),
                None,
            )
            .await;
            drop(in_flight);
            answered(&id, result, legacy)
        });
    }
    let parts = std::mem::replace(parts, http::Request::new(()).into_parts().0);
    Either::Right(answer_with_logs(
        server.clone(),
        operation.clone(),
        id,
        arguments,
        parts,
        in_flight,
        legacy,
    ))
}

/// [`answer`] for a client that gets the endpoint's streamed messages as log notifications.
fn answer_with_logs(
    server: McpServer,
    operation: Arc<Operation>,
    id: Value,
    arguments: serde_json::Map<String, Value>,
    mut parts: http::request::Parts,
    in_flight: Option<InFlight>,
    legacy: bool,
) -> impl Future<Output = (http::Response<McpBody>, Outcome)> + Send + 'static {
    let (logs_in, mut logs) = super::logs::log_queue();
    // The call is moved to the heap, to be polled from a task below if it streams.
    let mut run = Box::pin(async move {
        let result = run_call(
            &server,
            &operation,
            arguments,
            &parts,
            in_flight.as_ref(),
            Some(logs_in),
        )
        .await;
        drop(in_flight);
        // The head is done with, as in `Endpoint::serve_message` for a call that borrows it.
        crate::heads::give_back(std::mem::take(&mut parts.headers));
        result
    });
    async move {
        let first_log = tokio::select! {
            biased;
            result = &mut run => return answered(&id, result, legacy),
            Some(data) = logs.next() => data,
        };
        // The endpoint streams: relay its messages as they come, the result last. A task runs
        // the call so the body stays `Sync`; a client that hangs up drops the call with the
        // channel.
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
                    Some(data) = logs.next() => pending = Some(data),
                    result = &mut run => {
                        // What arrived before the result goes out with it, in one write.
                        let mut last = BytesMut::new();
                        while let Some(data) = logs.try_next() {
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
}

/// Run the call; a session's call becomes cancellable by a notice once it waits.
fn run_call<'a>(
    server: &'a McpServer,
    operation: &'a Operation,
    arguments: serde_json::Map<String, Value>,
    parts: &'a http::request::Parts,
    in_flight: Option<&'a InFlight>,
    logs: Option<LogSender>,
) -> impl Future<Output = Option<ToolAnswer>> + Send + 'a {
    let call = server.call_in_lane(
        operation,
        arguments,
        parts,
        in_flight.map(|in_flight| &in_flight.token),
        logs,
    );
    match in_flight {
        Some(in_flight) => Either::Left(in_flight.run(call)),
        None => Either::Right(call),
    }
}

/// The whole answer to call `id` as one JSON body, and how the call ended.
fn answered(
    id: &Value,
    answer: Option<ToolAnswer>,
    legacy: bool,
) -> (http::Response<McpBody>, Outcome) {
    let outcome = Outcome::of(answer.as_ref());
    (json_response(final_message(id, answer, legacy)), outcome)
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
    fn of(answer: Option<&ToolAnswer>) -> Self {
        match answer {
            None => Outcome::Cancelled,
            Some(ToolAnswer::Other(result)) if result.is_error == Some(true) => Outcome::ToolError,
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
fn final_message(id: &Value, answer: Option<ToolAnswer>, legacy: bool) -> Bytes {
    let result = match answer {
        None => None,
        Some(ToolAnswer::Json(json)) => match plain_json(id, &json, legacy) {
            Some(message) => return message,
            None => Some(ToolAnswer::Json(json).into_result()),
        },
        Some(ToolAnswer::Other(result)) => match plain_result(id, &result, legacy) {
            Some(message) => return message,
            None => Some(result),
        },
    };
    modelled_message(id, result, legacy)
}

/// The same answer written through rmcp's model: any result, and the reference for
/// [`plain_result`].
fn modelled_message(id: &Value, result: Option<CallToolResult>, legacy: bool) -> Bytes {
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

/// The answer carrying the usual result — text blocks without metadata or annotations, the
/// structured content, `isError` — written straight out, byte for byte as rmcp writes it (a
/// test holds the two equal); `None` for any other result, which rmcp's model writes.
fn plain_result(id: &Value, result: &CallToolResult, legacy: bool) -> Option<Bytes> {
    let mut texts = Vec::with_capacity(result.content.len());
    for block in &result.content {
        match block {
            ContentBlock::Text(text) if text.meta.is_none() && text.annotations.is_none() => {
                texts.push(&text.text);
            }
            _ => return None,
        }
    }
    if result.meta.is_some() {
        return None;
    }
    let room = texts.iter().map(|t| t.len() + t.len() / 8).sum::<usize>();
    let mut out = Vec::with_capacity(192 + room * 2);
    open_result(&mut out, id, result.result_type.as_ref(), legacy)?;
    out.extend_from_slice(br#""content":["#);
    for (n, text) in texts.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(br#"{"type":"text","text":"#);
        crate::json::write_str(&mut out, text);
        out.push(b'}');
    }
    out.push(b']');
    if let Some(structured) = &result.structured_content {
        out.extend_from_slice(br#","structuredContent":"#);
        serde_json::to_writer(&mut out, structured).ok()?;
    }
    if let Some(is_error) = result.is_error {
        out.extend_from_slice(br#","isError":"#);
        out.extend_from_slice(if is_error { b"true" } else { b"false" });
    }
    out.extend_from_slice(b"}}");
    Some(Bytes::from(out))
}

/// The answer carrying a JSON body, written straight out: the body escaped as the one text block
/// and, when it is the structured content, the body itself there — the JSON rmcp writes for
/// [`ToolAnswer::into_result`], with the members in the body's own order (a test holds the two
/// equal as JSON). `None` when the body is not UTF-8, which rmcp's model then writes.
fn plain_json(id: &Value, answer: &JsonAnswer, legacy: bool) -> Option<Bytes> {
    let text = std::str::from_utf8(&answer.body).ok()?;
    let mut out = Vec::with_capacity(192 + text.len() * 2 + text.len() / 8);
    open_result(&mut out, id, Some(&ResultType::COMPLETE), legacy)?;
    out.extend_from_slice(br#""content":[{"type":"text","text":"#);
    crate::json::write_str(&mut out, text);
    out.extend_from_slice(b"}]");
    if answer.structured {
        out.extend_from_slice(br#","structuredContent":"#);
        if answer.wrapped {
            out.extend_from_slice(br#"{"result":"#);
        }
        out.extend_from_slice(answer.body.trim_ascii());
        if answer.wrapped {
            out.push(b'}');
        }
    }
    out.extend_from_slice(br#","isError":false}}"#);
    Some(Bytes::from(out))
}

/// A result message up to its first member: the id, and the result type where the era has it
/// (rmcp leaves `complete` out for 2025-era peers).
fn open_result(
    out: &mut Vec<u8>,
    id: &Value,
    result_type: Option<&ResultType>,
    legacy: bool,
) -> Option<()> {
    out.extend_from_slice(br#"{"jsonrpc":"2.0","id":"#);
    serde_json::to_writer(&mut *out, id).ok()?;
    out.extend_from_slice(br#","result":{"#);
    match result_type {
        Some(kind) if !(legacy && kind.is_complete()) => {
            out.extend_from_slice(br#""resultType":"#);
            serde_json::to_writer(&mut *out, kind.as_str()).ok()?;
            out.push(b',');
        }
        _ => {}
    }
    Some(())
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

/// The lane only takes integer and string ids (read by [`super::tools_call`]).
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
pub(crate) fn json_response(message: Bytes) -> http::Response<McpBody> {
    let mut response = http::Response::new(full_body(message));
    // Sized for its one header: a map grown by its first insert makes room for six (624 bytes).
    let mut headers = http::HeaderMap::with_capacity(1);
    // Static: a header value made from a `&str` is copied into a new buffer on every call.
    headers.insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    *response.headers_mut() = headers;
    response
}

#[cfg(test)]
mod tests {
    use rmcp::model::{Annotations, ResultType};
    use serde_json::json;

    use super::*;

    #[test]
    fn the_plain_answer_is_what_rmcp_writes() {
        let text = "{\"id\":1,\"note\":\"\\u00e9 \\\" <\\n> \u{1F600}\"}";
        let mut structured = CallToolResult::success(vec![ContentBlock::text(text)]);
        structured.structured_content =
            Some(json!({"id": 1, "note": "é \" <\n> 😀", "z": [null, 1.5]}));
        let mut null_structure = CallToolResult::success(vec![ContentBlock::text("x")]);
        null_structure.structured_content = Some(Value::Null);
        let mut no_flag = CallToolResult::success(vec![]);
        no_flag.is_error = None;
        let mut input_required = CallToolResult::success(vec![ContentBlock::text("a")]);
        input_required.result_type = Some(ResultType::INPUT_REQUIRED);
        let mut untyped = CallToolResult::error(vec![
            ContentBlock::text("HTTP 404 Not Found"),
            ContentBlock::text("second"),
        ]);
        untyped.result_type = None;
        let results = [structured, null_structure, no_flag, input_required, untyped];
        for result in results {
            for id in [json!(7), json!(-3), json!("abc\"d")] {
                for legacy in [false, true] {
                    let plain = plain_result(&id, &result, legacy).expect("a plain result");
                    assert_eq!(
                        std::str::from_utf8(&plain).unwrap(),
                        std::str::from_utf8(&modelled_message(&id, Some(result.clone()), legacy))
                            .unwrap(),
                    );
                }
            }
        }
    }

    #[test]
    fn a_json_body_is_written_as_rmcp_writes_its_result() {
        let bodies: [(&str, bool, bool); 5] = [
            (
                r#"{"z":1,"a":"\u00e9 \" <\n> 😀","n":[null,1.5e3]}"#,
                true,
                false,
            ),
            ("{\n  \"pretty\": true\n}\n", true, false),
            ("[1,2,3]", true, true),
            (r#""just a string""#, true, true),
            (r#"{"off":"schema"}"#, false, false),
        ];
        for (body, structured, wrapped) in bodies {
            let parsed: Value = serde_json::from_str(body).unwrap();
            let expected = structured.then(|| match wrapped {
                true => json!({ "result": parsed }),
                false => parsed,
            });
            let answer = JsonAnswer {
                body: Bytes::from(body),
                structured,
                wrapped,
            };
            let mut reference = CallToolResult::success(vec![ContentBlock::text(body)]);
            reference.structured_content = expected;
            let result = ToolAnswer::Json(JsonAnswer {
                body: answer.body.clone(),
                structured,
                wrapped,
            })
            .into_result();
            assert_eq!(result, reference, "{body}");
            for id in [json!(7), json!("abc\"d")] {
                for legacy in [false, true] {
                    let plain = plain_json(&id, &answer, legacy).expect("UTF-8");
                    let modelled = modelled_message(&id, Some(reference.clone()), legacy);
                    assert_eq!(
                        serde_json::from_slice::<Value>(&plain).unwrap(),
                        serde_json::from_slice::<Value>(&modelled).unwrap(),
                        "{body}"
                    );
                }
            }
        }
    }

    #[test]
    fn anything_else_is_left_to_rmcp() {
        let annotated = ContentBlock::Text(
            rmcp::model::TextContent::new("a")
                .with_annotations(Annotations::default().with_priority(0.5)),
        );
        let with_annotations = CallToolResult::success(vec![annotated]);
        assert!(plain_result(&json!(1), &with_annotations, false).is_none());
        let image = CallToolResult::success(vec![ContentBlock::image("AAAA", "image/png")]);
        assert!(plain_result(&json!(1), &image, false).is_none());
        let mut with_meta = CallToolResult::success(vec![ContentBlock::text("a")]);
        with_meta.meta = Some(rmcp::model::MetaObject(serde_json::Map::new()));
        assert!(plain_result(&json!(1), &with_meta, false).is_none());
    }
}
