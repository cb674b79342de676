//! [`CallContext`]: what a curated handler can do besides computing its answer — progress, log
//! messages ([`LogLevel`]), questions to the client (sampling, elicitation, roots) and the HTTP
//! request that carried the call. The server makes one per request from [`ContextParts`].

// rmcp marks logging, sampling and their types deprecated (SEP-2577, a future protocol); they
// are part of both protocol eras served here and used by every current client.
#![allow(deprecated)]

use std::{
    collections::BTreeMap,
    fmt,
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use rmcp::{
    ErrorData, RoleServer,
    model::{
        ClientCapabilities, CreateMessageRequest, CreateMessageRequestParams, CreateMessageResult,
        ElicitRequest, ElicitRequestParams, ElicitResult, InputRequest, ListRootsRequest,
        ListRootsResult, LoggingLevel, LoggingMessageNotificationParam, ProgressNotificationParam,
        ProgressToken,
    },
    service::{Peer, ServiceError},
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::error::{Failure, HandlerError};

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
    parts: ContextParts,
    /// How many unnamed questions this run of the handler asked so far.
    asked: AtomicUsize,
}

/// What the server knows of one request, from which a [`CallContext`] is made.
pub(crate) struct ContextParts {
    /// The client connection: notifications, and questions on 2025-era sessions.
    pub(crate) peer: Peer<RoleServer>,
    pub(crate) progress_token: Option<ProgressToken>,
    /// The HTTP request that carried the MCP request, after the host's middleware.
    pub(crate) request: Option<http::request::Parts>,
    pub(crate) cancelled: CancellationToken,
    pub(crate) protocol_version: String,
    /// A 2026-07-28 request: questions become input-required results.
    pub(crate) stateless: bool,
    pub(crate) log_filter: LogFilter,
    /// Answers the client gave to earlier questions, by key.
    pub(crate) answers: BTreeMap<String, Value>,
    pub(crate) client_capabilities: Option<ClientCapabilities>,
}

/// Which log messages the client wants.
#[derive(Debug, Clone, Copy)]
pub(crate) enum LogFilter {
    All,
    Off,
    AtLeast(LoggingLevel),
}

impl fmt::Debug for CallContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallContext")
            .field("protocol_version", &self.parts().protocol_version)
            .field("progress_token", &self.parts().progress_token)
            .finish_non_exhaustive()
    }
}

impl CallContext {
    pub(crate) fn new(parts: ContextParts) -> Self {
        Self {
            inner: Arc::new(ContextInner {
                parts,
                asked: AtomicUsize::new(0),
            }),
        }
    }

    fn parts(&self) -> &ContextParts {
        &self.inner.parts
    }

    /// Report progress to the client, when it asked for progress (sent a progress token).
    pub async fn progress(&self, progress: f64, total: Option<f64>, message: Option<&str>) {
        let Some(token) = self.parts().progress_token.clone() else {
            return;
        };
        let mut param = ProgressNotificationParam::new(token, progress);
        param.total = total;
        param.message = message.map(str::to_string);
        if let Err(error) = self.parts().peer.notify_progress(param).await {
            tracing::debug!("progress notification not sent: {error}");
        }
    }

    /// Send a log message to the client, if it wants it: 2025-era sessions get every message
    /// at or above the level set with `logging/setLevel` (all until then); 2026-07-28 requests
    /// only when their `_meta` names a level (`io.modelcontextprotocol/logLevel`).
    pub async fn log(&self, level: LogLevel, data: impl Into<Value>) {
        let level = level.into_rmcp();
        let wanted = match self.parts().log_filter {
            LogFilter::All => true,
            LogFilter::Off => false,
            LogFilter::AtLeast(min) => severity(level) >= severity(min),
        };
        if !wanted {
            return;
        }
        let param = LoggingMessageNotificationParam::new(level, data.into());
        if let Err(error) = self.parts().peer.notify_logging_message(param).await {
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
        self.ask(None, params).await
    }

    /// [`sample`](Self::sample), naming the question `key` in a 2026-07-28 input-required
    /// result (keys are otherwise `sampling-0`, `sampling-1`, …).
    pub async fn sample_named(
        &self,
        key: &str,
        params: CreateMessageRequestParams,
    ) -> Result<CreateMessageResult, HandlerError> {
        self.ask(Some(key), params).await
    }

    /// Ask the user for input through the client (`elicitation/create`).
    ///
    /// A client that did not declare the `elicitation` capability gets JSON-RPC error `-32021`
    /// naming it.
    pub async fn elicit(&self, params: ElicitRequestParams) -> Result<ElicitResult, HandlerError> {
        self.ask(None, params).await
    }

    /// [`elicit`](Self::elicit), naming the question `key` in a 2026-07-28 input-required
    /// result (keys are otherwise `elicitation-0`, `elicitation-1`, …).
    pub async fn elicit_named(
        &self,
        key: &str,
        params: ElicitRequestParams,
    ) -> Result<ElicitResult, HandlerError> {
        self.ask(Some(key), params).await
    }

    /// The client's roots (`roots/list`): the directories or files it works on.
    pub async fn list_roots(&self) -> Result<ListRootsResult, HandlerError> {
        self.ask(None, ListRoots).await
    }

    /// [`list_roots`](Self::list_roots), naming the question `key` in a 2026-07-28
    /// input-required result (keys are otherwise `roots-0`, `roots-1`, …).
    pub async fn list_roots_named(&self, key: &str) -> Result<ListRootsResult, HandlerError> {
        self.ask(Some(key), ListRoots).await
    }

    /// What the client declared it can do (from `initialize`, or the request's `_meta` on
    /// 2026-07-28), when known.
    pub fn client_capabilities(&self) -> Option<&ClientCapabilities> {
        self.parts().client_capabilities.as_ref()
    }

    /// Put `question` to the client: a server-to-client request on a 2025-era session; on a
    /// 2026-07-28 request the answer the client already gave under `key`, or an input-required
    /// result asking for it. Unnamed questions are numbered per kind.
    async fn ask<Q: ClientQuestion>(
        &self,
        key: Option<&str>,
        question: Q,
    ) -> Result<Q::Answer, HandlerError> {
        let key = match key {
            Some(key) => key.to_string(),
            None => {
                let index = self.inner.asked.fetch_add(1, Ordering::Relaxed);
                format!("{}-{index}", Q::KIND)
            }
        };
        // Unknown capabilities, as on a session-less 2025-era request, are not refused.
        if let Some(capabilities) = &self.parts().client_capabilities
            && !Q::declared(capabilities)
        {
            let mut required = ClientCapabilities::default();
            Q::declare(&mut required);
            return Err(HandlerError::rpc(
                ErrorData::missing_required_client_capability(required),
            ));
        }
        if self.parts().stateless {
            return self.answer_or_ask(&key, question.into_input());
        }
        question
            .send(&self.parts().peer)
            .await
            .map_err(|e| HandlerError::new(format!("{} failed: {e}", Q::FAILED)))
    }

    /// The answer the client already gave to the question `key`, or an input-required result
    /// asking it (2026-07-28 multi-round-trip requests).
    fn answer_or_ask<T: DeserializeOwned>(
        &self,
        key: &str,
        request: InputRequest,
    ) -> Result<T, HandlerError> {
        if let Some(answer) = self.parts().answers.get(key) {
            return serde_json::from_value(answer.clone()).map_err(|e| {
                HandlerError::rpc(ErrorData::invalid_params(
                    format!("The answer to '{key}' does not fit its request: {e}"),
                    None,
                ))
            });
        }
        let mut asked = BTreeMap::new();
        asked.insert(key.to_string(), request);
        // Earlier answers go back with the question (sealed by the server), so every round
        // sees all of them.
        Err(HandlerError(Failure::InputRequired {
            asked,
            answers: self.parts().answers.clone(),
        }))
    }

    /// The HTTP request that carried this MCP request, after the host's middleware ran:
    /// headers, and extensions such as an authenticated user.
    pub fn request(&self) -> Option<&http::request::Parts> {
        self.parts().request.as_ref()
    }

    /// A typed extension of the HTTP request (set by the host's middleware).
    pub fn extension<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.parts().request.as_ref()?.extensions.get::<T>()
    }

    /// The headers of the HTTP request that carried this MCP request.
    pub fn headers(&self) -> Option<&http::HeaderMap> {
        self.parts().request.as_ref().map(|parts| &parts.headers)
    }

    /// Whether the client cancelled this request (the handler's future is also dropped).
    pub fn is_cancelled(&self) -> bool {
        self.parts().cancelled.is_cancelled()
    }

    /// Completes when the client cancels this request.
    pub async fn cancelled(&self) {
        self.parts().cancelled.cancelled().await
    }

    /// The protocol version of this request (`2025-11-25`, `2026-07-28`, ...).
    pub fn protocol_version(&self) -> &str {
        &self.parts().protocol_version
    }
}

/// A question a handler can put to the client, answered in either protocol era by
/// [`CallContext::ask`].
trait ClientQuestion {
    /// What the client answers.
    type Answer: DeserializeOwned;
    /// Names unnamed questions of this kind: `sampling-0`, `sampling-1`, …
    const KIND: &'static str;
    /// What failed, when the client's answer is an error.
    const FAILED: &'static str;
    /// Whether the client declared the capability this question needs.
    fn declared(capabilities: &ClientCapabilities) -> bool;
    /// Declare that capability (for the `-32021` error naming it).
    fn declare(capabilities: &mut ClientCapabilities);
    /// The question inside a 2026-07-28 input-required result.
    fn into_input(self) -> InputRequest;
    /// The question as a server-to-client request on a 2025-era session.
    fn send(
        self,
        peer: &Peer<RoleServer>,
    ) -> impl Future<Output = Result<Self::Answer, ServiceError>> + Send;
}

impl ClientQuestion for CreateMessageRequestParams {
    type Answer = CreateMessageResult;
    const KIND: &'static str = "sampling";
    const FAILED: &'static str = "Sampling";

    fn declared(capabilities: &ClientCapabilities) -> bool {
        capabilities.sampling.is_some()
    }

    fn declare(capabilities: &mut ClientCapabilities) {
        capabilities.sampling = Some(Default::default());
    }

    fn into_input(self) -> InputRequest {
        InputRequest::CreateMessage(CreateMessageRequest::new(self))
    }

    fn send(
        self,
        peer: &Peer<RoleServer>,
    ) -> impl Future<Output = Result<Self::Answer, ServiceError>> + Send {
        peer.create_message(self)
    }
}

impl ClientQuestion for ElicitRequestParams {
    type Answer = ElicitResult;
    const KIND: &'static str = "elicitation";
    const FAILED: &'static str = "Elicitation";

    fn declared(capabilities: &ClientCapabilities) -> bool {
        capabilities.elicitation.is_some()
    }

    fn declare(capabilities: &mut ClientCapabilities) {
        capabilities.elicitation = Some(Default::default());
    }

    fn into_input(self) -> InputRequest {
        InputRequest::Elicitation(ElicitRequest::new(self))
    }

    fn send(
        self,
        peer: &Peer<RoleServer>,
    ) -> impl Future<Output = Result<Self::Answer, ServiceError>> + Send {
        peer.create_elicitation(self)
    }
}

/// `roots/list`, which has no parameters.
struct ListRoots;

impl ClientQuestion for ListRoots {
    type Answer = ListRootsResult;
    const KIND: &'static str = "roots";
    const FAILED: &'static str = "Listing roots";

    fn declared(capabilities: &ClientCapabilities) -> bool {
        capabilities.roots.is_some()
    }

    fn declare(capabilities: &mut ClientCapabilities) {
        capabilities.roots = Some(Default::default());
    }

    fn into_input(self) -> InputRequest {
        InputRequest::ListRoots(ListRootsRequest::default())
    }

    fn send(
        self,
        peer: &Peer<RoleServer>,
    ) -> impl Future<Output = Result<Self::Answer, ServiceError>> + Send {
        peer.list_roots()
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
