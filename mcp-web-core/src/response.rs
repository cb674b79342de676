//! `http::Response` → MCP tool result.

use std::{borrow::Cow, future::Future};

use base64::Engine;
use bytes::Bytes;
use http::{StatusCode, header};
use http_body_util::BodyExt;
use rmcp::{
    ErrorData,
    model::{CallToolResult, ContentBlock, ReadResourceResult, ResourceContents},
};
use serde_json::{Value, json};

use crate::{
    CallError, collect::Collected, dispatch::DispatchBody, media, route::Operation,
    schema::instance::Instance, splitter::MessageSplitter,
};

/// Read the whole body, refusing more than `limit` bytes.
///
/// A streamed body (`text/event-stream`, or JSON lines: `application/x-ndjson`,
/// `application/jsonl`, `application/json-seq`) is also handed to `on_message` one message at a
/// time, as each arrives, so the client can see it while the endpoint runs.
pub(crate) async fn read_body<F, Fut>(
    response: http::Response<DispatchBody>,
    limit: usize,
    mut on_message: F,
) -> Result<(http::response::Parts, Bytes), CallError>
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = ()>,
{
    let (parts, mut body) = response.into_parts();
    let mut splitter = media_type(&parts)
        .as_deref()
        .and_then(MessageSplitter::for_media);
    let mut collected = Collected::default();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| match error.downcast::<CallError>() {
            // A dispatcher's body that fails with a `CallError` of its own says best what broke.
            Ok(own) => *own,
            Err(error) => CallError::Dispatch(format!("reading the response body failed: {error}")),
        })?;
        if let Ok(data) = frame.into_data() {
            if collected.len() + data.len() > limit {
                return Err(CallError::ResponseTooLarge { limit });
            }
            if let Some(splitter) = &mut splitter {
                for message in splitter.push(&data) {
                    on_message(message).await;
                }
            }
            collected.push(data);
        }
    }
    if let Some(message) = splitter.and_then(MessageSplitter::finish) {
        on_message(message).await;
    }
    Ok((parts, collected.into_bytes()))
}

/// The response's media type, lower-cased, without parameters; borrowed when it is lower-case
/// already (as it nearly always is).
fn media_type(parts: &http::response::Parts) -> Option<Cow<'_, str>> {
    let value = parts.headers.get(header::CONTENT_TYPE)?;
    // What nearly every JSON API answers, recognised without a parse.
    if value.as_bytes() == b"application/json" {
        return Some(Cow::Borrowed("application/json"));
    }
    let media = media::essence(value.to_str().ok()?);
    Some(match media.bytes().any(|b| b.is_ascii_uppercase()) {
        true => Cow::Owned(media.to_ascii_lowercase()),
        false => Cow::Borrowed(media),
    })
}

/// Map the endpoint's response to what the model sees.
pub(crate) fn tool_result(
    operation: &Operation,
    parts: &http::response::Parts,
    body: Bytes,
) -> CallToolResult {
    tool_answer(operation, parts, body).into_result()
}

/// A tool's answer before it becomes a [`CallToolResult`]: a successful JSON body stays the
/// bytes it came in, so that the fast lane can write it out as the text block and the
/// structured content without copying it into a `String` or serializing the parsed value again.
pub(crate) enum ToolAnswer {
    /// A 2xx JSON body.
    Json(JsonAnswer),
    /// Any other answer.
    Other(CallToolResult),
}

/// A 2xx JSON body and the structured content made of it.
pub(crate) struct JsonAnswer {
    /// The body: JSON, so valid UTF-8. It is the text block as it is.
    pub(crate) body: Bytes,
    /// Whether the body is the structured content too (wrapped as `{"result": ..}` when
    /// [`wrapped`](Self::wrapped)); not when it is off its documented schema or there is no
    /// structured content for it.
    pub(crate) structured: bool,
    /// Whether the structured content is `{"result": <body>}` rather than the body itself.
    pub(crate) wrapped: bool,
}

impl ToolAnswer {
    /// The answer as rmcp's model has it.
    pub(crate) fn into_result(self) -> CallToolResult {
        match self {
            ToolAnswer::Other(result) => result,
            ToolAnswer::Json(answer) => {
                let structured = answer.structured_content();
                let text = String::from_utf8_lossy(&answer.body).into_owned();
                let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
                result.structured_content = structured;
                result
            }
        }
    }
}

impl JsonAnswer {
    /// The structured content as a `Value`, read from the body again: only rmcp's model needs
    /// it, the fast lane writes the body's bytes.
    fn structured_content(&self) -> Option<Value> {
        if !self.structured {
            return None;
        }
        let value = serde_json::from_slice::<Value>(&self.body).ok()?;
        Some(match self.wrapped {
            true => json!({ "result": value }),
            false => value,
        })
    }
}

/// Map the endpoint's response to what the model sees, keeping a JSON body as it came.
pub(crate) fn tool_answer(
    operation: &Operation,
    parts: &http::response::Parts,
    body: Bytes,
) -> ToolAnswer {
    let status = parts.status;
    let media = media_type(parts).unwrap_or_default();

    if !status.is_success() {
        let text = String::from_utf8_lossy(&body);
        let text = if text.trim().is_empty() {
            format!("HTTP {}", status_line(status))
        } else {
            format!("HTTP {}: {}", status_line(status), text.trim())
        };
        return ToolAnswer::Other(CallToolResult::error(vec![ContentBlock::text(text)]));
    }
    if body.is_empty() {
        return ToolAnswer::Other(CallToolResult::success(vec![ContentBlock::text(format!(
            "HTTP {} (empty response)",
            status_line(status)
        ))]));
    }
    if media::is_json(&media) {
        // The usual answer: checked against the output schema as its text is read.
        if let Some(check) = operation.text_check()
            && check.accepts(&body, operation.wraps_result)
        {
            return ToolAnswer::Json(JsonAnswer {
                body,
                structured: true,
                wrapped: operation.wraps_result,
            });
        }
        // Read in place: checked against the output schema, never copied into a `Value`.
        if let Ok(instance) = Instance::read(&body) {
            return ToolAnswer::Json(json_answer(operation, instance, &body));
        }
        return ToolAnswer::Other(text_result(&body));
    }
    ToolAnswer::Other(other_result(operation, &media, &body))
}

/// A body that is not JSON: an image, text, or a binary resource.
fn other_result(operation: &Operation, media: &str, body: &Bytes) -> CallToolResult {
    if media.starts_with("image/") {
        let data = base64::engine::general_purpose::STANDARD.encode(body);
        return CallToolResult::success(vec![ContentBlock::image(data, media.to_owned())]);
    }
    if media.starts_with("text/") || media.is_empty() || std::str::from_utf8(body).is_ok() {
        return text_result(body);
    }
    let blob = base64::engine::general_purpose::STANDARD.encode(body);
    let uri = format!("mcp-web://{}/response", operation.tool.name);
    CallToolResult::success(vec![ContentBlock::resource(
        ResourceContents::blob(blob, uri).with_mime_type(media.to_owned()),
    )])
}

fn json_answer(operation: &Operation, instance: Instance<'_>, body: &Bytes) -> JsonAnswer {
    let answer = |structured, wrapped| JsonAnswer {
        body: body.clone(),
        structured,
        wrapped,
    };
    let Some(validator) = operation.output_validator() else {
        // Without a schema an object is structured content as it is; with a schema that does
        // not compile, the data still reaches the model as text.
        return answer(
            operation.tool.output_schema.is_none() && instance.is_object(),
            false,
        );
    };
    let structured = match operation.wraps_result {
        true => Instance::Object(vec![(Cow::Borrowed("result"), instance)]),
        false => instance,
    };
    if validator.is_valid(&structured) {
        answer(true, operation.wraps_result)
    } else {
        tracing::warn!(
            tool = %operation.tool.name,
            "the endpoint answered off its documented schema; returning the data as text only"
        );
        answer(false, false)
    }
}

fn text_result(body: &Bytes) -> CallToolResult {
    CallToolResult::success(vec![ContentBlock::text(
        String::from_utf8_lossy(body).into_owned(),
    )])
}

fn status_line(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// Map the endpoint's response to the contents of `resources/read`: JSON and text as text
/// contents, anything else as a base64 blob, each with its media type. A non-2xx answer is a
/// JSON-RPC error: 404 and 410 are "resource not found", 400 and 422 invalid parameters.
pub(crate) fn resource_result(
    uri: &str,
    parts: &http::response::Parts,
    body: Bytes,
) -> Result<ReadResourceResult, ErrorData> {
    let status = parts.status;
    let media = media_type(parts).filter(|media| !media.is_empty());
    if !status.is_success() {
        let text = String::from_utf8_lossy(&body);
        let message = if text.trim().is_empty() {
            format!("Reading '{uri}' answered HTTP {}", status_line(status))
        } else {
            format!(
                "Reading '{uri}' answered HTTP {}: {}",
                status_line(status),
                text.trim()
            )
        };
        let data = Some(json!({ "status": status.as_u16() }));
        return Err(match status {
            StatusCode::NOT_FOUND | StatusCode::GONE => {
                ErrorData::resource_not_found(message, data)
            }
            StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => {
                ErrorData::invalid_params(message, data)
            }
            _ => ErrorData::internal_error(message, data),
        });
    }
    let is_text = match media.as_deref() {
        Some(media) => {
            media.starts_with("text/")
                || media == "application/json"
                || media.ends_with("+json")
                || media.ends_with("+xml")
                || media == "application/xml"
        }
        None => std::str::from_utf8(&body).is_ok(),
    };
    let contents = if is_text {
        ResourceContents::text(String::from_utf8_lossy(&body).into_owned(), uri)
            .with_mime_type(media.map_or_else(|| "text/plain".into(), Cow::into_owned))
    } else {
        let blob = base64::engine::general_purpose::STANDARD.encode(&body);
        ResourceContents::blob(blob, uri).with_mime_type(
            media.map_or_else(|| "application/octet-stream".into(), Cow::into_owned),
        )
    };
    Ok(ReadResourceResult::new(vec![contents]))
}
