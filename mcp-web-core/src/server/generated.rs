//! Tools and resources generated from the OpenAPI document: arguments validated, an
//! `http::Request` built, dispatched in-process under the guard, and the response read and
//! mapped. A streamed response is relayed to the client while it runs.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use bytes::Bytes;
use futures::{FutureExt, future::Either};
use rmcp::{
    ErrorData, RoleServer,
    model::{CallToolResponse, CallToolResult, ReadResourceResult},
    service::RequestContext,
};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::{
    guard::{self, Interrupted, cancelled_error, guarded},
    mount::Mount,
    outcome::error_result,
    tasks::{CallMode, RunEnd, call_mode},
};
use crate::{
    CallError,
    curated::{CallContext, LogLevel},
    lane::LogSender,
    request::{build_request, forwarded_headers},
    resource::McpResourceRead,
    response::{ToolAnswer, read_body, resource_result, tool_answer, tool_result},
    route::Operation,
    tasks::inbox::TaskSlot,
};

/// Why an exchange produced no response to map.
enum Failure {
    /// The arguments do not fit the operation.
    InvalidArguments(String),
    /// The call failed, timed out or panicked: the message says which.
    Failed(String),
    /// The client cancelled the request.
    Cancelled,
}

/// Call the generated tool `operation`; every failure but cancellation is a tool error. `relay`
/// reports the messages of a streamed response to the client.
pub(super) async fn call_tool(
    mount: &Mount,
    operation: Arc<Operation>,
    arguments: serde_json::Map<String, Value>,
    context: &RequestContext<RoleServer>,
    relay: CallContext,
) -> Result<CallToolResult, ErrorData> {
    let reporter = StreamReporter {
        cx: relay,
        relayed: Arc::default(),
    };
    let arguments = Value::Object(arguments);
    let incoming = context.extensions.get::<http::request::Parts>();
    let exchange = exchange(
        mount,
        &operation,
        &arguments,
        incoming,
        Some(&context.ct),
        None,
        Relay::Client(reporter),
    );
    match exchange.await {
        Ok((parts, body)) => Ok(tool_result(&operation, &parts, body)),
        Err(Failure::InvalidArguments(message) | Failure::Failed(message)) => {
            Ok(error_result(message))
        }
        Err(Failure::Cancelled) => Err(cancelled_error()),
    }
}

/// Call the generated tool `operation`; when it may become a task and the client takes tasks,
/// through [`Tasks::run`](super::tasks::Tasks::run). `relay` makes the context that relays a
/// streamed response, from the request's context (or the task's, detached from the request,
/// with the slot of the task, whose status message then follows the stream).
pub(super) async fn call_tool_or_task(
    mount: &Arc<Mount>,
    operation: Arc<Operation>,
    arguments: serde_json::Map<String, Value>,
    context: &RequestContext<RoleServer>,
    relay: impl FnOnce(&RequestContext<RoleServer>, TaskSlot) -> CallContext,
) -> Result<CallToolResponse, ErrorData> {
    let name = operation.tool.name.to_string();
    let support = mount.tasks.settings.support_of(&operation);
    let mode = call_mode(context, &name, support)?;
    if mode == CallMode::InRequest {
        let relay = relay(context, TaskSlot::default());
        let result = call_tool(mount, operation, arguments, context, relay).await?;
        return Ok(result.into());
    }
    // A task outlives its request: only `tasks/cancel` stops it.
    let cancel = CancellationToken::new();
    let mut detached = context.clone();
    detached.ct = cancel.clone();
    let slot = TaskSlot::default();
    let relay = relay(&detached, slot.clone());
    let task_mount = mount.clone();
    let run = async move {
        match call_tool(&task_mount, operation, arguments, &detached, relay).await {
            Ok(result) => RunEnd::Answer(result.into()),
            // The only error of a generated call: it was cancelled.
            Err(_) => RunEnd::Cancelled,
        }
    };
    (mount.tasks)
        .run(context, &name, mode, run.boxed(), slot, cancel)
        .await
}

/// Call the generated tool `operation` for the fast lane, which has no rmcp request context:
/// the messages of a streamed response go to `logs` (when given) as log data. `None` when
/// `cancelled` (if the call can be cancelled) fired first.
pub(super) fn call_tool_in_lane<'a>(
    mount: &'a Mount,
    operation: &'a Operation,
    arguments: serde_json::Map<String, Value>,
    incoming: &'a http::request::Parts,
    cancelled: Option<&'a CancellationToken>,
    logs: Option<LogSender>,
) -> impl Future<Output = Option<ToolAnswer>> + Send + 'a {
    let relay = logs.map_or(Relay::Nowhere, Relay::Channel);
    // The arguments are read while the exchange is made, and not after: its future holds none
    // of them.
    let exchanged = exchange(
        mount,
        operation,
        &Value::Object(arguments),
        Some(incoming),
        cancelled,
        None,
        relay,
    );
    exchanged.map(move |exchanged| match exchanged {
        Ok((parts, body)) => Some(tool_answer(operation, &parts, body)),
        Err(Failure::InvalidArguments(message) | Failure::Failed(message)) => {
            Some(ToolAnswer::Other(error_result(message)))
        }
        Err(Failure::Cancelled) => None,
    })
}

/// Read the generated resource at `uri`: the same in-process call as a tool, answered as
/// resource contents.
pub(super) async fn read_resource(
    mount: &Mount,
    uri: &str,
    context: &RequestContext<RoleServer>,
) -> Result<ReadResourceResult, ErrorData> {
    let Some((operation, arguments)) = mount.catalog.resolve_resource(uri) else {
        return Err(ErrorData::resource_not_found(
            format!(
                "Unknown resource '{uri}'; call resources/list and resources/templates/list for the available ones"
            ),
            Some(serde_json::json!({ "uri": uri })),
        ));
    };
    let marker = McpResourceRead {
        uri: uri.to_string(),
    };
    let arguments = Value::Object(arguments);
    let incoming = context.extensions.get::<http::request::Parts>();
    match exchange(
        mount,
        &operation,
        &arguments,
        incoming,
        Some(&context.ct),
        Some(marker),
        Relay::Nowhere,
    )
    .await
    {
        Ok((parts, body)) => resource_result(uri, &parts, body),
        Err(Failure::InvalidArguments(message)) => Err(ErrorData::invalid_params(message, None)),
        Err(Failure::Failed(message)) => Err(ErrorData::internal_error(message, None)),
        Err(Failure::Cancelled) => Err(cancelled_error()),
    }
}

/// Validate the arguments, build the request, dispatch it in-process and read the response:
/// everything tool calls and resource reads share.
fn exchange<'a>(
    mount: &'a Mount,
    operation: &'a Operation,
    // An object: validated as the JSON value it is, without copying it into one.
    arguments: &Value,
    incoming: Option<&'a http::request::Parts>,
    cancelled: Option<&'a CancellationToken>,
    resource: Option<McpResourceRead>,
    relay: Relay,
) -> impl Future<Output = Result<(http::response::Parts, Bytes), Failure>> + Send + use<'a> {
    let name: &str = &operation.tool.name;
    // Only failures name the call, so the text is made only for them.
    let uri = resource.as_ref().map(|read| read.uri.clone());
    let request = call_request(mount, operation, arguments, incoming, resource);
    let (request, status_headers) = match request {
        Ok(request) => request,
        Err(why) => {
            let why = format!(
                "Invalid arguments for {}: {why}",
                subject(name, uri.as_deref())
            );
            return Either::Left(std::future::ready(Err(Failure::InvalidArguments(why))));
        }
    };
    // Dispatched here, not in the `async` block below, so that block does not hold the request
    // for its whole life; a panic is caught as one while the call runs would be.
    let dispatched = match guard::started(|| mount.dispatcher.dispatch(request, incoming)) {
        Ok(dispatched) => dispatched,
        Err(why) => return Either::Left(std::future::ready(Err(panicked(why)))),
    };
    // Boxed, so the futures of every caller up to the endpoint hold a pointer to its state:
    // moving them (each `.await` does) was ~40 KB of copying.
    let exchange = Box::pin(async move {
        let response = dispatched.await?;
        let answer = read_body(response, mount.max_response_body_bytes, |message| {
            let relay = relay.clone();
            // Boxed: relaying through rmcp is a large future, and only streams relay anything;
            // every other call would carry its state.
            let report: futures::future::BoxFuture<'static, ()> =
                Box::pin(async move { relay.report(message).await });
            report
        })
        .await?;
        if !operation.accepted_follows_location {
            return Ok(answer);
        }
        // Boxed: few operations answer `202` with a status link, and its loop (a sleep, another
        // dispatch) would make every call's future larger.
        Box::pin(follow_location(mount, answer, &status_headers, incoming)).await
    });
    let limit = mount
        .tool_timeouts
        .get(name)
        .copied()
        .unwrap_or(mount.call_timeout);
    Either::Right(async move {
        // Handler panics must not take the session down: they become tool errors.
        match guarded(exchange, limit, cancelled).await {
            Err(Interrupted::TimedOut(limit)) => Err(Failure::Failed(format!(
                "{} timed out after {limit:?}; the request was abandoned",
                capitalized(&subject(name, uri.as_deref())),
            ))),
            Err(Interrupted::Panicked(why)) => Err(panicked(why)),
            Err(Interrupted::Cancelled) => Err(Failure::Cancelled),
            Ok(Err(error)) => Err(Failure::Failed(error.to_string())),
            Ok(Ok(answer)) => Ok(answer),
        }
    })
}

/// The in-process request of a call with `arguments`, once they are valid, and the headers
/// its status links are read with; `Err` says why the arguments are not valid.
fn call_request(
    mount: &Mount,
    operation: &Operation,
    arguments: &Value,
    incoming: Option<&http::request::Parts>,
    resource: Option<McpResourceRead>,
) -> Result<(http::Request<Bytes>, http::HeaderMap), String> {
    let name: &str = &operation.tool.name;
    match operation.input_validator() {
        // `is_valid` stops at the first problem and builds no errors: the common case is cheap.
        Ok(validator) if validator.is_valid(arguments) => {}
        Ok(validator) => {
            let problems: Vec<String> = validator
                .iter_errors(arguments)
                .map(|e| {
                    let at = e.instance_path().to_string();
                    if at.is_empty() {
                        e.to_string()
                    } else {
                        format!("{at}: {e}")
                    }
                })
                .collect();
            if !problems.is_empty() {
                return Err(problems.join("; "));
            }
        }
        Err(why) => {
            tracing::warn!(tool = %name, "input schema does not compile, arguments not validated: {why}")
        }
    }
    let forwarded = forwarded_headers(
        incoming.map(|p| &p.headers),
        &mount.forward_headers,
        operation.route.headers_added(),
    );
    // Status links are read with the caller's forwarded headers only.
    let status_headers = match operation.accepted_follows_location {
        true => forwarded.clone(),
        false => http::HeaderMap::new(),
    };
    let empty = serde_json::Map::new();
    let object = arguments.as_object().unwrap_or(&empty);
    let mut request = build_request(name, &operation.route, object, forwarded)?;
    if let Some(read) = resource {
        request.extensions_mut().insert(read);
    }
    Ok((request, status_headers))
}

/// The failure of a call whose handler (or dispatcher) panicked with `why`.
fn panicked(why: String) -> Failure {
    Failure::Failed(CallError::HandlerPanicked(why).to_string())
}

/// What a failure names: the resource read, or the tool called.
fn subject(tool: &str, uri: Option<&str>) -> String {
    match uri {
        Some(uri) => format!("resource '{uri}'"),
        None => format!("tool '{tool}'"),
    }
}

/// The end of asynchronous work the API accepted (`202 Accepted` + `Location`): the status
/// link is read in-process — again after `Retry-After` (or half a second) while it answers
/// `202`, through any `3xx` + `Location` — until it answers something else, the final
/// resource. An answer without a link is final as it is.
async fn follow_location(
    mount: &Mount,
    mut answer: (http::response::Parts, Bytes),
    headers: &http::HeaderMap,
    incoming: Option<&http::request::Parts>,
) -> Result<(http::response::Parts, Bytes), CallError> {
    let mut link: Option<String> = None;
    loop {
        let (parts, _) = &answer;
        let status = parts.status;
        let accepted = status == http::StatusCode::ACCEPTED;
        if !accepted && !status.is_redirection() {
            return Ok(answer);
        }
        let location = (parts.headers.get(http::header::LOCATION))
            .and_then(|value| value.to_str().ok())
            .and_then(in_process_path);
        // A `202` from the status link itself may name no link: it is read again.
        let Some(target) = location.or_else(|| link.clone().filter(|_| accepted)) else {
            return Ok(answer);
        };
        if accepted && link.is_some() {
            tokio::time::sleep(retry_after(&parts.headers)).await;
        }
        let mut request = http::Request::get(target.as_str())
            .body(Bytes::new())
            .map_err(|e| CallError::Dispatch(format!("status link '{target}': {e}")))?;
        *request.headers_mut() = headers.clone();
        let response = mount.dispatcher.dispatch(request, incoming).await?;
        answer = read_body(response, mount.max_response_body_bytes, |_| async {}).await?;
        link = Some(target);
    }
}

/// The path and query of a `Location` (absolute URLs are read in-process too: the API is the
/// one behind this mount).
fn in_process_path(location: &str) -> Option<String> {
    let uri: http::Uri = location.parse().ok()?;
    let path = uri.path_and_query()?.as_str();
    path.starts_with('/').then(|| path.to_string())
}

/// How long to wait before reading a status link again: its `Retry-After` seconds (at most a
/// minute), else half a second.
fn retry_after(headers: &http::HeaderMap) -> std::time::Duration {
    let seconds = (headers.get(http::header::RETRY_AFTER))
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.trim().parse::<u64>().ok());
    match seconds {
        Some(seconds) => std::time::Duration::from_secs(seconds.min(60)),
        None => std::time::Duration::from_millis(500),
    }
}

/// Where the messages of a streamed response go while the endpoint runs.
#[derive(Clone)]
pub(super) enum Relay {
    /// Nowhere: the full body is the answer.
    Nowhere,
    /// To the client through rmcp: progress and log notifications.
    Client(StreamReporter),
    /// Into the lane's queue, as the data of log messages (the fast lane sends them itself).
    Channel(LogSender),
}

impl Relay {
    async fn report(&self, message: String) {
        match self {
            Relay::Nowhere => {}
            Relay::Client(reporter) => reporter.report(message).await,
            Relay::Channel(sender) => {
                sender.send(log_data(message));
            }
        }
    }
}

/// A streamed message as the data of a log message: its JSON, or its text.
fn log_data(message: String) -> Value {
    serde_json::from_str::<Value>(&message).unwrap_or(Value::String(message))
}

/// Relays the messages of a streamed response (SSE events, JSON lines) to the client while the
/// endpoint runs: a progress notification each (when the client asked for progress) and a log
/// message with the message's data.
#[derive(Clone)]
pub(super) struct StreamReporter {
    cx: CallContext,
    relayed: Arc<AtomicU64>,
}

impl StreamReporter {
    async fn report(&self, message: String) {
        let count = self.relayed.fetch_add(1, Ordering::Relaxed) + 1;
        // Progress messages are for display: keep them short.
        let mut summary: String = message.chars().take(200).collect();
        if summary.len() < message.len() {
            summary.push('…');
        }
        if let Some(task) = self.cx.task()
            && let Err(e) = task.note(summary.clone()).await
        {
            tracing::warn!("a task's status message was not stored: {e}");
        }
        self.cx.progress(count as f64, None, Some(&summary)).await;
        self.cx.log(LogLevel::Info, log_data(message)).await;
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
