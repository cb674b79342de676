//! Curated components: tools, resources, resource templates, prompts and argument completions
//! written by hand and served on the same mount as the tools generated from the OpenAPI document.
//!
//! ```
//! use mcp_web_core::McpConfig;
//! use mcp_web_core::curated::{
//!     CallContext, CuratedPrompt, CuratedResource, CuratedTool, HandlerError, LogLevel,
//! };
//! use mcp_web_core::curated::model::{PromptMessage, ResourceContents, Role};
//! use schemars::JsonSchema;
//! use serde::Deserialize;
//!
//! #[derive(Deserialize, JsonSchema)]
//! struct Triage {
//!     /// Ticket to triage.
//!     ticket_id: u64,
//! }
//!
//! async fn triage(args: Triage, cx: CallContext) -> Result<String, HandlerError> {
//!     cx.progress(0.0, Some(2.0), Some("reading the ticket")).await;
//!     cx.log(LogLevel::Info, "triaging").await;
//!     cx.progress(2.0, Some(2.0), None).await;
//!     Ok(format!("ticket {} triaged", args.ticket_id))
//! }
//!
//! #[derive(Deserialize, JsonSchema)]
//! struct Topic {
//!     topic: String,
//! }
//!
//! let api = utoipa::openapi::OpenApiBuilder::new().build();
//! let config = McpConfig::new(api)
//!     .tool(CuratedTool::new("triage", "Triage one ticket", triage))
//!     .resource(
//!         CuratedResource::new("docs://guide", "guide", |request, _cx| async move {
//!             Ok(ResourceContents::text("Be kind to tickets.", request.uri))
//!         })
//!         .mime_type("text/plain"),
//!     )
//!     .prompt(CuratedPrompt::new("summarize", "Summarize a topic", |args: Topic, _cx| async move {
//!         Ok(vec![PromptMessage::new_text(Role::User, format!("Summarize {}", args.topic))])
//!     }));
//! let preview = config.preview().unwrap();
//! assert_eq!(preview.tools[0]["name"], "triage");
//! ```
//!
//! Handlers get a [`CallContext`]: report progress, send log messages, ask the client for
//! sampling or elicitation, and read the HTTP request that carried the call (headers, and
//! extensions the host's middleware set, such as the authenticated user).
//!
//! A curated name that clashes with a generated tool (or another curated component) is an
//! error when the mount is built, never a silent override.

// rmcp marks logging, sampling and their types deprecated (SEP-2577, a future protocol); they
// are part of both protocol eras served here and used by every current client.
#![allow(deprecated)]

use std::{
    collections::{BTreeMap, HashMap},
    fmt,
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use futures::{FutureExt, future::BoxFuture};
use rmcp::{
    ErrorData, RoleServer,
    handler::server::{
        common::{schema_for_input, schema_for_output},
        prompt::cached_arguments_from_schema,
        tool::IntoCallToolResult,
    },
    model::{
        CallToolResponse, ClientCapabilities, CreateMessageRequest, CreateMessageRequestParams,
        CreateMessageResult, ElicitRequest, ElicitRequestParams, ElicitResult, GetPromptResult,
        InputRequest, InputRequiredResult, InputResponses, JsonObject, ListRootsRequest,
        ListRootsResult, LoggingLevel, LoggingMessageNotificationParam, ProgressNotificationParam,
        ProgressToken, Prompt, PromptMessage, Resource, ResourceContents, ResourceTemplate, Tool,
        ToolAnnotations,
    },
    service::Peer,
};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::resource::UriTemplate;

/// The MCP data types curated handlers take and return (rmcp's model).
pub mod model {
    pub use rmcp::model::*;
}

/// Structured tool output: a value serialized as `structuredContent` (use it with
/// [`CuratedTool::output_schema`]).
pub use rmcp::handler::server::wrapper::Json;

/// Why a curated handler did not produce a result.
///
/// Any `std::error::Error` converts into it with `?`. For tools it becomes an `isError` result
/// carrying the message (so the model can correct itself); for resources, prompts and
/// completions a JSON-RPC error.
pub struct HandlerError(Failure);

enum Failure {
    Message(String),
    InvalidParams(String),
    Rpc(ErrorData),
    InputRequired(InputRequiredResult),
}

impl HandlerError {
    /// A failure described by `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self(Failure::Message(message.into()))
    }

    /// The arguments were wrong: JSON-RPC `-32602` for resources and prompts, an `isError`
    /// result for tools.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self(Failure::InvalidParams(message.into()))
    }

    /// Answer with this exact JSON-RPC error (tools too).
    pub fn rpc(error: ErrorData) -> Self {
        Self(Failure::Rpc(error))
    }

    fn message(&self) -> String {
        match &self.0 {
            Failure::Message(message) | Failure::InvalidParams(message) => message.clone(),
            Failure::Rpc(error) => error.message.to_string(),
            Failure::InputRequired(_) => "input required".into(),
        }
    }
}

impl fmt::Debug for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("HandlerError")
            .field(&self.message())
            .finish()
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for HandlerError {
    fn from(error: E) -> Self {
        Self::new(error.to_string())
    }
}

/// What a curated handler can do besides computing its answer.
///
/// Cheap to clone. Everything here works in both protocol eras: on 2026-07-28 requests,
/// [`sample`](Self::sample) and [`elicit`](Self::elicit) answer with an *input required*
/// result and the client calls again with the answer, which runs the handler again from the
/// start; the answers given so far are then returned at once. So code before an `elicit` should
/// not have side effects it cannot repeat.
#[derive(Clone)]
pub struct CallContext {
    inner: Arc<ContextInner>,
}

struct ContextInner {
    peer: Peer<RoleServer>,
    progress_token: Option<ProgressToken>,
    request: Option<http::request::Parts>,
    cancelled: CancellationToken,
    protocol_version: String,
    stateless: bool,
    log_level: LogFilter,
    answers: BTreeMap<String, Value>,
    asked: AtomicUsize,
    client_capabilities: Option<ClientCapabilities>,
    state: Arc<StateCodec>,
    subject: String,
}

impl fmt::Debug for CallContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallContext")
            .field("protocol_version", &self.inner.protocol_version)
            .field("progress_token", &self.inner.progress_token)
            .finish_non_exhaustive()
    }
}

/// Which log messages the client wants.
#[derive(Debug, Clone, Copy)]
enum LogFilter {
    All,
    Off,
    AtLeast(LoggingLevel),
}

/// The first protocol version without server-to-client requests.
const STATELESS_ERA: &str = "2026-07-28";

/// What the server knows about one incoming request, from which a [`CallContext`] is made.
pub(crate) struct RequestFacts {
    pub(crate) peer: Peer<RoleServer>,
    pub(crate) meta: rmcp::model::RequestMetaObject,
    pub(crate) protocol_version: Option<String>,
    pub(crate) request: Option<http::request::Parts>,
    pub(crate) cancelled: CancellationToken,
    pub(crate) session_log_level: Option<LoggingLevel>,
    pub(crate) input_responses: Option<InputResponses>,
    pub(crate) request_state: Option<String>,
    pub(crate) state: Arc<StateCodec>,
    /// What the request is for (`tools/call name`): sealed into its request state.
    pub(crate) subject: String,
}

/// Seals the answers of earlier rounds into `requestState` (HMAC-SHA256, so a client cannot
/// forge or alter them) and opens them again.
pub(crate) struct StateCodec(rmcp::model::RequestStateCodec);

impl StateCodec {
    /// A codec with `key` (at least 32 bytes), or a random key when `None`.
    pub(crate) fn new(key: Option<&[u8]>) -> Result<Self, String> {
        let key = match key {
            Some(key) => key.to_vec(),
            None => {
                let mut key = vec![0; 32];
                getrandom::fill(&mut key).map_err(|e| format!("no random key: {e}"))?;
                key
            }
        };
        rmcp::model::RequestStateCodec::try_new(key)
            .map(Self)
            .map_err(|e| format!("request state key: {e}"))
    }

    fn seal(&self, subject: &str, answers: &BTreeMap<String, Value>) -> String {
        self.0.seal_json(&(subject, answers)).unwrap_or_default()
    }

    fn open(&self, subject: &str, state: &str) -> Result<BTreeMap<String, Value>, String> {
        let (sealed_for, answers): (String, BTreeMap<String, Value>) = self
            .0
            .open_json(state)
            .map_err(|e| format!("requestState failed verification: {e}"))?;
        if sealed_for != subject {
            return Err(format!(
                "requestState belongs to '{sealed_for}', not to '{subject}'"
            ));
        }
        Ok(answers)
    }
}

impl CallContext {
    /// The context of one request; an error when its `requestState` is not one this mount
    /// sealed for the same request.
    pub(crate) fn new(facts: RequestFacts) -> Result<Self, ErrorData> {
        let protocol_version = facts.protocol_version.unwrap_or_default();
        let stateless = protocol_version.as_str() >= STATELESS_ERA;
        let mut answers = match facts.request_state.as_deref() {
            Some(state) => facts
                .state
                .open(&facts.subject, state)
                .map_err(|why| ErrorData::invalid_params(why, None))?,
            None => BTreeMap::new(),
        };
        answers.extend(facts.input_responses.unwrap_or_default());
        let client_capabilities = if stateless {
            facts.meta.client_capabilities()
        } else {
            facts.peer.peer_info().map(|info| info.capabilities.clone())
        };
        let requested_level = facts
            .meta
            .0
            .get("io.modelcontextprotocol/logLevel")
            .and_then(|v| serde_json::from_value(v.clone()).ok());
        // 2025-era sessions get every message until `logging/setLevel`; a 2026-07-28 request
        // gets log messages only when its `_meta` opts in with a level.
        let log_level = match (requested_level, stateless) {
            (Some(level), _) => LogFilter::AtLeast(level),
            (None, true) => LogFilter::Off,
            (None, false) => facts
                .session_log_level
                .map_or(LogFilter::All, LogFilter::AtLeast),
        };
        Ok(Self {
            inner: Arc::new(ContextInner {
                progress_token: facts.meta.get_progress_token(),
                peer: facts.peer,
                request: facts.request,
                cancelled: facts.cancelled,
                protocol_version,
                stateless,
                log_level,
                answers,
                asked: AtomicUsize::new(0),
                client_capabilities,
                state: facts.state,
                subject: facts.subject,
            }),
        })
    }

    /// Report progress to the client, when it asked for progress (sent a progress token).
    pub async fn progress(&self, progress: f64, total: Option<f64>, message: Option<&str>) {
        let Some(token) = self.inner.progress_token.clone() else {
            return;
        };
        let mut param = ProgressNotificationParam::new(token, progress);
        param.total = total;
        param.message = message.map(str::to_string);
        if let Err(error) = self.inner.peer.notify_progress(param).await {
            tracing::debug!("progress notification not sent: {error}");
        }
    }

    /// Send a log message to the client, if it wants it: 2025-era sessions get every message
    /// at or above the level set with `logging/setLevel` (all until then); 2026-07-28 requests
    /// only when their `_meta` names a level (`io.modelcontextprotocol/logLevel`).
    pub async fn log(&self, level: LogLevel, data: impl Into<Value>) {
        let level = level.into_rmcp();
        let wanted = match self.inner.log_level {
            LogFilter::All => true,
            LogFilter::Off => false,
            LogFilter::AtLeast(min) => severity(level) >= severity(min),
        };
        if !wanted {
            return;
        }
        let param = LoggingMessageNotificationParam::new(level, data.into());
        if let Err(error) = self.inner.peer.notify_logging_message(param).await {
            tracing::debug!("log notification not sent: {error}");
        }
    }

    /// Ask the client's model for a completion (`sampling/createMessage`).
    ///
    /// A client that did not declare the `sampling` capability gets JSON-RPC error `-32021`
    /// naming it.
    pub async fn sample(
        &self,
        params: CreateMessageRequestParams,
    ) -> Result<CreateMessageResult, HandlerError> {
        let key = self.next_key("sampling");
        self.sample_named(&key, params).await
    }

    /// [`sample`](Self::sample), naming the question `key` in a 2026-07-28 input-required
    /// result (keys are otherwise `sampling-0`, `sampling-1`, …).
    pub async fn sample_named(
        &self,
        key: &str,
        params: CreateMessageRequestParams,
    ) -> Result<CreateMessageResult, HandlerError> {
        self.require(
            |c| c.sampling.is_some(),
            |c| c.sampling = Some(Default::default()),
        )?;
        if self.inner.stateless {
            let request = InputRequest::CreateMessage(CreateMessageRequest::new(params));
            return self.answer_or_ask(key, request);
        }
        self.inner
            .peer
            .create_message(params)
            .await
            .map_err(|e| HandlerError::new(format!("Sampling failed: {e}")))
    }

    /// Ask the user for input through the client (`elicitation/create`).
    ///
    /// A client that did not declare the `elicitation` capability gets JSON-RPC error `-32021`
    /// naming it.
    pub async fn elicit(&self, params: ElicitRequestParams) -> Result<ElicitResult, HandlerError> {
        let key = self.next_key("elicitation");
        self.elicit_named(&key, params).await
    }

    /// [`elicit`](Self::elicit), naming the question `key` in a 2026-07-28 input-required
    /// result (keys are otherwise `elicitation-0`, `elicitation-1`, …).
    pub async fn elicit_named(
        &self,
        key: &str,
        params: ElicitRequestParams,
    ) -> Result<ElicitResult, HandlerError> {
        self.require(
            |c| c.elicitation.is_some(),
            |c| c.elicitation = Some(Default::default()),
        )?;
        if self.inner.stateless {
            let request = InputRequest::Elicitation(ElicitRequest::new(params));
            return self.answer_or_ask(key, request);
        }
        self.inner
            .peer
            .create_elicitation(params)
            .await
            .map_err(|e| HandlerError::new(format!("Elicitation failed: {e}")))
    }

    /// The client's roots (`roots/list`): the directories or files it works on.
    pub async fn list_roots(&self) -> Result<ListRootsResult, HandlerError> {
        let key = self.next_key("roots");
        self.list_roots_named(&key).await
    }

    /// [`list_roots`](Self::list_roots), naming the question `key` in a 2026-07-28
    /// input-required result (keys are otherwise `roots-0`, `roots-1`, …).
    pub async fn list_roots_named(&self, key: &str) -> Result<ListRootsResult, HandlerError> {
        self.require(
            |c| c.roots.is_some(),
            |c| c.roots = Some(Default::default()),
        )?;
        if self.inner.stateless {
            let request = InputRequest::ListRoots(ListRootsRequest::default());
            return self.answer_or_ask(key, request);
        }
        self.inner
            .peer
            .list_roots()
            .await
            .map_err(|e| HandlerError::new(format!("Listing roots failed: {e}")))
    }

    /// What the client declared it can do (from `initialize`, or the request's `_meta` on
    /// 2026-07-28), when known.
    pub fn client_capabilities(&self) -> Option<&ClientCapabilities> {
        self.inner.client_capabilities.as_ref()
    }

    /// Refuse with `-32021` when the client's declared capabilities lack one (unknown
    /// capabilities, as on a session-less 2025-era request, are not refused).
    fn require(
        &self,
        has: impl Fn(&ClientCapabilities) -> bool,
        set: impl Fn(&mut ClientCapabilities),
    ) -> Result<(), HandlerError> {
        match &self.inner.client_capabilities {
            Some(capabilities) if !has(capabilities) => {
                let mut required = ClientCapabilities::default();
                set(&mut required);
                Err(HandlerError::rpc(
                    ErrorData::missing_required_client_capability(required),
                ))
            }
            _ => Ok(()),
        }
    }

    fn next_key(&self, kind: &str) -> String {
        let index = self.inner.asked.fetch_add(1, Ordering::Relaxed);
        format!("{kind}-{index}")
    }

    /// The answer the client already gave to this handler's next question, or an
    /// input-required result asking it (2026-07-28 multi-round-trip requests).
    fn answer_or_ask<T: DeserializeOwned>(
        &self,
        key: &str,
        request: InputRequest,
    ) -> Result<T, HandlerError> {
        if let Some(answer) = self.inner.answers.get(key) {
            return serde_json::from_value(answer.clone()).map_err(|e| {
                HandlerError::rpc(ErrorData::invalid_params(
                    format!("The answer to '{key}' does not fit its request: {e}"),
                    None,
                ))
            });
        }
        let mut asked = BTreeMap::new();
        asked.insert(key.to_string(), request);
        // Earlier answers travel, sealed, in `requestState`, so every round sees all of them.
        let state = self
            .inner
            .state
            .seal(&self.inner.subject, &self.inner.answers);
        Err(HandlerError(Failure::InputRequired(
            InputRequiredResult::new(Some(asked), Some(state)),
        )))
    }

    /// The HTTP request that carried this MCP request, after the host's middleware ran:
    /// headers, and extensions such as an authenticated user.
    pub fn request(&self) -> Option<&http::request::Parts> {
        self.inner.request.as_ref()
    }

    /// A typed extension of the HTTP request (set by the host's middleware).
    pub fn extension<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.inner.request.as_ref()?.extensions.get::<T>()
    }

    /// The headers of the HTTP request that carried this MCP request.
    pub fn headers(&self) -> Option<&http::HeaderMap> {
        self.inner.request.as_ref().map(|parts| &parts.headers)
    }

    /// Whether the client cancelled this request (the handler's future is also dropped).
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.is_cancelled()
    }

    /// Completes when the client cancels this request.
    pub async fn cancelled(&self) {
        self.inner.cancelled.cancelled().await
    }

    /// The protocol version of this request (`2025-11-25`, `2026-07-28`, ...).
    pub fn protocol_version(&self) -> &str {
        &self.inner.protocol_version
    }

    /// The client connection, for notifications this context has no method for.
    pub fn peer(&self) -> &Peer<RoleServer> {
        &self.inner.peer
    }
}

/// Severity of a log message sent with [`CallContext::log`] (RFC 5424 levels, as MCP uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum LogLevel {
    /// Detailed debugging information.
    Debug,
    /// Normal operation.
    Info,
    /// Normal but significant.
    Notice,
    /// Something may be wrong.
    Warning,
    /// An operation failed.
    Error,
    /// A component failed.
    Critical,
    /// Action must be taken now.
    Alert,
    /// The system is unusable.
    Emergency,
}

impl LogLevel {
    fn into_rmcp(self) -> LoggingLevel {
        match self {
            LogLevel::Debug => LoggingLevel::Debug,
            LogLevel::Info => LoggingLevel::Info,
            LogLevel::Notice => LoggingLevel::Notice,
            LogLevel::Warning => LoggingLevel::Warning,
            LogLevel::Error => LoggingLevel::Error,
            LogLevel::Critical => LoggingLevel::Critical,
            LogLevel::Alert => LoggingLevel::Alert,
            LogLevel::Emergency => LoggingLevel::Emergency,
        }
    }
}

fn severity(level: LoggingLevel) -> u8 {
    match level {
        LoggingLevel::Debug => 0,
        LoggingLevel::Info => 1,
        LoggingLevel::Notice => 2,
        LoggingLevel::Warning => 3,
        LoggingLevel::Error => 4,
        LoggingLevel::Critical => 5,
        LoggingLevel::Alert => 6,
        LoggingLevel::Emergency => 7,
    }
}

type ToolFn = dyn Fn(JsonObject, CallContext) -> BoxFuture<'static, Result<CallToolResponse, HandlerError>>
    + Send
    + Sync;

/// A tool written by hand, served beside the generated ones.
///
/// Arguments are a type that is `Deserialize + JsonSchema`; its schema (via schemars) is the
/// tool's `inputSchema`. The handler returns anything rmcp turns into a tool result: a
/// `String`, content blocks, a [`model::CallToolResult`], or [`Json`] for structured output.
#[derive(Clone)]
pub struct CuratedTool {
    pub(crate) tool: Tool,
    pub(crate) timeout: Option<Duration>,
    pub(crate) handler: Arc<ToolFn>,
}

impl fmt::Debug for CuratedTool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CuratedTool")
            .field("name", &self.tool.name)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl CuratedTool {
    /// A tool served by an async function of its arguments and a [`CallContext`].
    pub fn new<A, R, F, Fut>(
        name: impl Into<String>,
        description: impl Into<String>,
        handler: F,
    ) -> Self
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        R: IntoCallToolResult + 'static,
        F: Fn(A, CallContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, HandlerError>> + Send + 'static,
    {
        let name = name.into();
        let schema = input_schema::<A>(&name);
        let tool_name = name.clone();
        let handler = move |arguments: JsonObject, cx: CallContext| {
            let arguments = match parse_arguments::<A>(&tool_name, arguments) {
                Ok(arguments) => arguments,
                Err(error) => return futures::future::ready(Err(error)).boxed(),
            };
            handler(arguments, cx)
                .map(|result| result.and_then(into_tool_response))
                .boxed()
        };
        Self {
            tool: Tool::new(name, description.into(), schema),
            timeout: None,
            handler: Arc::new(handler),
        }
    }

    /// A tool served by a blocking function; it runs on tokio's blocking thread pool, so it may
    /// do file or CPU work. (A blocking call cannot be interrupted: on cancellation or timeout
    /// the client gets its answer at once and the function's result is discarded.)
    pub fn new_blocking<A, R, F>(
        name: impl Into<String>,
        description: impl Into<String>,
        handler: F,
    ) -> Self
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        R: IntoCallToolResult + Send + 'static,
        F: Fn(A, CallContext) -> Result<R, HandlerError> + Send + Sync + 'static,
    {
        let handler = Arc::new(handler);
        Self::new(name, description, move |arguments: A, cx: CallContext| {
            let handler = handler.clone();
            async move {
                tokio::task::spawn_blocking(move || handler(arguments, cx))
                    .await
                    .map_err(|e| HandlerError::new(format!("The tool's function failed: {e}")))?
            }
        })
    }

    /// A human-readable title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.tool.title = Some(title.into());
        self
    }

    /// Hints for clients: read-only, destructive, idempotent, open-world.
    pub fn annotations(mut self, annotations: ToolAnnotations) -> Self {
        self.tool.annotations = Some(annotations);
        self
    }

    /// Declare the structured output (`outputSchema`) as the schema of `T`; return
    /// [`Json<T>`](Json) from the handler.
    pub fn output_schema<T: JsonSchema + 'static>(mut self) -> Self {
        self.tool.output_schema = Some(schema_for_output::<T>());
        self
    }

    /// How long one call may take (default: the mount's
    /// [`call_timeout`](crate::McpConfig::call_timeout)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The tool as `tools/list` shows it.
    pub fn definition(&self) -> &Tool {
        &self.tool
    }
}

fn input_schema<A: JsonSchema + 'static>(name: &str) -> Arc<JsonObject> {
    match schema_for_input::<A>() {
        Ok(schema) => schema,
        Err(why) => {
            panic!("the arguments of curated tool '{name}' must be a struct (a JSON object): {why}")
        }
    }
}

fn parse_arguments<A: DeserializeOwned>(
    name: &str,
    arguments: JsonObject,
) -> Result<A, HandlerError> {
    serde_json::from_value(Value::Object(arguments)).map_err(|e| {
        HandlerError::invalid_params(format!("Invalid arguments for tool '{name}': {e}"))
    })
}

fn into_tool_response<R: IntoCallToolResult>(result: R) -> Result<CallToolResponse, HandlerError> {
    result.into_call_tool_result().map_err(HandlerError::rpc)
}

/// How a curated tool's outcome is answered: errors become `isError` results so the model can
/// react, unless the handler asked for a protocol error or for client input.
pub(crate) fn tool_outcome(
    outcome: Result<CallToolResponse, HandlerError>,
) -> Result<CallToolResponse, ErrorData> {
    match outcome {
        Ok(response) => Ok(response),
        Err(HandlerError(Failure::InputRequired(input))) => {
            Ok(CallToolResponse::InputRequired(input))
        }
        Err(HandlerError(Failure::Rpc(error))) => Err(error),
        Err(error) => Ok(model::CallToolResult::error(vec![model::ContentBlock::text(
            error.message(),
        )])
        .into()),
    }
}

/// How a non-tool outcome is answered: a JSON-RPC error, or the input-required result.
pub(crate) fn rpc_outcome<T>(
    outcome: Result<T, HandlerError>,
) -> Result<Result<T, InputRequiredResult>, ErrorData> {
    match outcome {
        Ok(value) => Ok(Ok(value)),
        Err(HandlerError(Failure::InputRequired(input))) => Ok(Err(input)),
        Err(HandlerError(Failure::Rpc(error))) => Err(error),
        Err(HandlerError(Failure::InvalidParams(message))) => {
            Err(ErrorData::invalid_params(message, None))
        }
        Err(HandlerError(Failure::Message(message))) => {
            Err(ErrorData::internal_error(message, None))
        }
    }
}

/// The resource a read asked for: its URI and, for a template, the variables it matched.
#[derive(Debug, Clone)]
pub struct ResourceRequest {
    /// The URI that was read.
    pub uri: String,
    /// Template variables taken from the URI (empty for a fixed resource).
    pub variables: HashMap<String, String>,
}

/// What a resource handler may return.
pub trait IntoResourceContents {
    /// The contents of the read.
    fn into_resource_contents(self) -> Vec<ResourceContents>;
}

impl IntoResourceContents for ResourceContents {
    fn into_resource_contents(self) -> Vec<ResourceContents> {
        vec![self]
    }
}

impl IntoResourceContents for Vec<ResourceContents> {
    fn into_resource_contents(self) -> Vec<ResourceContents> {
        self
    }
}

type ResourceFn = dyn Fn(
        ResourceRequest,
        CallContext,
    ) -> BoxFuture<'static, Result<Vec<ResourceContents>, HandlerError>>
    + Send
    + Sync;

fn resource_handler<R, F, Fut>(handler: F) -> Arc<ResourceFn>
where
    R: IntoResourceContents + 'static,
    F: Fn(ResourceRequest, CallContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, HandlerError>> + Send + 'static,
{
    Arc::new(move |request, cx| {
        handler(request, cx)
            .map(|result| result.map(IntoResourceContents::into_resource_contents))
            .boxed()
    })
}

/// A resource at a fixed URI, written by hand.
#[derive(Clone)]
pub struct CuratedResource {
    pub(crate) resource: Resource,
    pub(crate) handler: Arc<ResourceFn>,
}

impl fmt::Debug for CuratedResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CuratedResource")
            .field("uri", &self.resource.uri)
            .finish_non_exhaustive()
    }
}

impl CuratedResource {
    /// The resource `uri`, listed as `name`, read by `handler`.
    pub fn new<R, F, Fut>(uri: impl Into<String>, name: impl Into<String>, handler: F) -> Self
    where
        R: IntoResourceContents + 'static,
        F: Fn(ResourceRequest, CallContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, HandlerError>> + Send + 'static,
    {
        Self {
            resource: Resource::new(uri, name),
            handler: resource_handler(handler),
        }
    }

    /// What the resource is, for the model.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.resource.description = Some(description.into());
        self
    }

    /// A human-readable title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.resource.title = Some(title.into());
        self
    }

    /// The MIME type of its contents.
    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.resource.mime_type = Some(mime_type.into());
        self
    }
}

/// A family of resources described by an RFC 6570 URI template (`notes://{id}`), written by
/// hand.
#[derive(Clone)]
pub struct CuratedResourceTemplate {
    pub(crate) template: ResourceTemplate,
    pub(crate) uri: UriTemplate,
    pub(crate) handler: Arc<ResourceFn>,
}

impl fmt::Debug for CuratedResourceTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CuratedResourceTemplate")
            .field("uri_template", &self.template.uri_template)
            .finish_non_exhaustive()
    }
}

impl CuratedResourceTemplate {
    /// Resources matching `uri_template` (simple `{var}` path variables and an optional
    /// `{?a,b}` query part), listed as `name`, read by `handler`.
    ///
    /// # Panics
    /// When `uri_template` is not such a template (a programming error, found at startup).
    pub fn new<R, F, Fut>(
        uri_template: impl Into<String>,
        name: impl Into<String>,
        handler: F,
    ) -> Self
    where
        R: IntoResourceContents + 'static,
        F: Fn(ResourceRequest, CallContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, HandlerError>> + Send + 'static,
    {
        let uri_template = uri_template.into();
        let uri = UriTemplate::parse(&uri_template)
            .unwrap_or_else(|why| panic!("resource template '{uri_template}': {why}"));
        Self {
            template: ResourceTemplate::new(uri_template, name),
            uri,
            handler: resource_handler(handler),
        }
    }

    /// What the resources are, for the model.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.template.description = Some(description.into());
        self
    }

    /// A human-readable title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.template.title = Some(title.into());
        self
    }

    /// The MIME type of their contents.
    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.template.mime_type = Some(mime_type.into());
        self
    }
}

/// What a prompt handler may return.
pub trait IntoPromptResult {
    /// The prompt's messages (and description).
    fn into_prompt_result(self) -> GetPromptResult;
}

impl IntoPromptResult for GetPromptResult {
    fn into_prompt_result(self) -> GetPromptResult {
        self
    }
}

impl IntoPromptResult for Vec<PromptMessage> {
    fn into_prompt_result(self) -> GetPromptResult {
        GetPromptResult::new(self)
    }
}

type PromptFn = dyn Fn(JsonObject, CallContext) -> BoxFuture<'static, Result<GetPromptResult, HandlerError>>
    + Send
    + Sync;

/// A prompt template written by hand.
#[derive(Clone)]
pub struct CuratedPrompt {
    pub(crate) prompt: Prompt,
    pub(crate) handler: Arc<PromptFn>,
}

impl fmt::Debug for CuratedPrompt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CuratedPrompt")
            .field("name", &self.prompt.name)
            .finish_non_exhaustive()
    }
}

impl CuratedPrompt {
    /// A prompt whose arguments are the fields of `A` (strings; `Option` fields are optional,
    /// doc comments are their descriptions).
    pub fn new<A, R, F, Fut>(
        name: impl Into<String>,
        description: impl Into<String>,
        handler: F,
    ) -> Self
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        R: IntoPromptResult + 'static,
        F: Fn(A, CallContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, HandlerError>> + Send + 'static,
    {
        let name = name.into();
        let arguments = cached_arguments_from_schema::<A>().filter(|a| !a.is_empty());
        let prompt_name = name.clone();
        let handler = move |arguments: JsonObject, cx: CallContext| {
            let arguments = match serde_json::from_value::<A>(Value::Object(arguments)) {
                Ok(arguments) => arguments,
                Err(e) => {
                    let why = format!("Invalid arguments for prompt '{prompt_name}': {e}");
                    return futures::future::ready(Err(HandlerError::invalid_params(why))).boxed();
                }
            };
            handler(arguments, cx)
                .map(|result| result.map(IntoPromptResult::into_prompt_result))
                .boxed()
        };
        Self {
            prompt: Prompt::new(name, Some(description.into()), arguments),
            handler: Arc::new(handler),
        }
    }

    /// A human-readable title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.prompt.title = Some(title.into());
        self
    }
}

/// What is completed: an argument of a prompt, or a variable of a resource template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CompletionTarget {
    Prompt {
        name: String,
        argument: String,
    },
    Resource {
        uri_template: String,
        variable: String,
    },
}

type CompleteFn = dyn Fn(&str, &HashMap<String, String>) -> Vec<String> + Send + Sync;

/// Suggestions for one argument (`completion/complete`), written by hand.
///
/// The function gets the value typed so far and the other arguments already given, and returns
/// candidates (the first 100 are sent, with the total).
#[derive(Clone)]
pub struct ArgumentCompletion {
    pub(crate) target: CompletionTarget,
    pub(crate) complete: Arc<CompleteFn>,
}

impl fmt::Debug for ArgumentCompletion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ArgumentCompletion")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl ArgumentCompletion {
    /// Complete `argument` of the prompt `prompt`.
    pub fn prompt<F>(prompt: impl Into<String>, argument: impl Into<String>, complete: F) -> Self
    where
        F: Fn(&str, &HashMap<String, String>) -> Vec<String> + Send + Sync + 'static,
    {
        Self {
            target: CompletionTarget::Prompt {
                name: prompt.into(),
                argument: argument.into(),
            },
            complete: Arc::new(complete),
        }
    }

    /// Complete `variable` of the resource template `uri_template`.
    pub fn resource<F>(
        uri_template: impl Into<String>,
        variable: impl Into<String>,
        complete: F,
    ) -> Self
    where
        F: Fn(&str, &HashMap<String, String>) -> Vec<String> + Send + Sync + 'static,
    {
        Self {
            target: CompletionTarget::Resource {
                uri_template: uri_template.into(),
                variable: variable.into(),
            },
            complete: Arc::new(complete),
        }
    }
}

/// Everything curated on one mount.
#[derive(Debug, Clone, Default)]
pub(crate) struct Curated {
    pub(crate) tools: Vec<CuratedTool>,
    pub(crate) resources: Vec<CuratedResource>,
    pub(crate) templates: Vec<CuratedResourceTemplate>,
    pub(crate) prompts: Vec<CuratedPrompt>,
    pub(crate) completions: Vec<ArgumentCompletion>,
}

impl Curated {
    /// Refuse names that clash with each other or with what the OpenAPI document generated.
    pub(crate) fn check(&self, catalog: &crate::catalog::Catalog) -> Result<(), crate::Error> {
        let clash = |what: String| Err(crate::Error::NameClash(what));
        let mut tools = std::collections::HashSet::new();
        for tool in &self.tools {
            let name = tool.tool.name.as_ref();
            if catalog.get(name).is_some() {
                return clash(format!(
                    "curated tool '{name}' has the name of a tool generated from the OpenAPI document; rename one of them (CuratedTool::new, McpConfig::rename_operation or x-mcp)"
                ));
            }
            if !tools.insert(name) {
                return clash(format!("two curated tools are named '{name}'"));
            }
        }
        let mut uris = std::collections::HashSet::new();
        let generated = catalog.resources.iter().map(|e| e.resource.uri.as_str());
        for uri in generated.chain(self.resources.iter().map(|r| r.resource.uri.as_str())) {
            if !uris.insert(uri) {
                return clash(format!("two resources have the URI '{uri}'"));
            }
        }
        let mut templates = std::collections::HashSet::new();
        let generated = catalog
            .templates
            .iter()
            .map(|e| e.template.uri_template.as_str());
        let curated = self
            .templates
            .iter()
            .map(|t| t.template.uri_template.as_str());
        for template in generated.chain(curated) {
            if !templates.insert(template) {
                return clash(format!("two resource templates are '{template}'"));
            }
        }
        let mut prompts = std::collections::HashSet::new();
        for prompt in &self.prompts {
            if !prompts.insert(prompt.prompt.name.as_str()) {
                return clash(format!("two prompts are named '{}'", prompt.prompt.name));
            }
        }
        for completion in &self.completions {
            let known = match &completion.target {
                CompletionTarget::Prompt { name, argument } => self.prompts.iter().any(|p| {
                    p.prompt.name == *name
                        && p.prompt
                            .arguments
                            .iter()
                            .flatten()
                            .any(|a| a.name == *argument)
                }),
                CompletionTarget::Resource { uri_template, .. } => {
                    templates.contains(uri_template.as_str())
                }
            };
            if !known {
                return clash(format!(
                    "a completion refers to {:?}, which this mount does not serve",
                    completion.target
                ));
            }
        }
        Ok(())
    }

    /// Add the curated tools, resources and templates to a preview.
    pub(crate) fn extend_preview(&self, preview: &mut crate::Preview) {
        let json = |value: &dyn erased::Serialize| value.to_json();
        preview
            .tools
            .extend(self.tools.iter().map(|t| json(&t.tool)));
        preview
            .resources
            .extend(self.resources.iter().map(|r| json(&r.resource)));
        preview
            .resource_templates
            .extend(self.templates.iter().map(|t| json(&t.template)));
    }
}

mod erased {
    /// Serialize to a JSON value through a trait object.
    pub(super) trait Serialize {
        fn to_json(&self) -> serde_json::Value;
    }

    impl<T: serde::Serialize> Serialize for T {
        fn to_json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or_default()
        }
    }
}
