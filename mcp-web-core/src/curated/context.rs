//! [`CallContext`]: what a curated handler can do besides computing its answer — progress, log
//! messages ([`LogLevel`]), questions to the client (sampling, elicitation, roots; several at
//! once through [`Ask`], in `ask.rs`) and the HTTP request that carried the call. The server makes one per request from [`ContextParts`].

// rmcp marks logging, sampling and their types deprecated (SEP-2577, a future protocol); they
// are part of both protocol eras served here and used by every current client.
#![allow(deprecated)]

use std::{
    collections::BTreeMap,
    fmt,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use rmcp::{
    RoleServer,
    model::{
        ClientCapabilities, CreateMessageRequestParams, CreateMessageResult, ElicitRequestParams,
        ElicitResult, ListRootsResult, LoggingLevel, LoggingMessageNotificationParam, MetaObject,
        NotificationMetaObject, ProgressNotificationParam, ProgressToken,
    },
    service::Peer,
};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::{ask::Ask, error::HandlerError};
use crate::tasks::inbox::{LiveTask, TaskSlot};

/// What a curated handler can do besides computing its answer.
///
/// Cheap to clone. Everything here works in both protocol eras: on 2026-07-28 requests,
/// [`sample`](Self::sample) and [`elicit`](Self::elicit) answer with an *input required*
/// result and the client calls again with the answer, which runs the handler again from the
/// start; the answers given so far are then returned at once. So code before an `elicit` should
/// not have side effects it cannot repeat. [`ask`](Self::ask) puts several questions in one
/// round, so the client answers them all with one retry.
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
    /// The task the call became, once it became one: questions then wait in it.
    pub(crate) task: TaskSlot,
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
        // A call that became a task says so on its progress (the related-task `_meta`).
        if let Some(task) = self.parts().task.get() {
            let related = crate::tasks::legacy::related_task(&task.id());
            param.meta = Some(NotificationMetaObject(MetaObject(related)));
        }
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
        let (answer,) = self.ask().sample(params).await?;
        Ok(answer)
    }

    /// [`sample`](Self::sample), naming the question `key` in a 2026-07-28 input-required
    /// result (keys are otherwise `sampling-0`, `sampling-1`, …).
    pub async fn sample_named(
        &self,
        key: &str,
        params: CreateMessageRequestParams,
    ) -> Result<CreateMessageResult, HandlerError> {
        let (answer,) = self.ask().sample_named(key, params).await?;
        Ok(answer)
    }

    /// Ask the user for input through the client (`elicitation/create`).
    ///
    /// A client that did not declare the `elicitation` capability gets JSON-RPC error `-32021`
    /// naming it.
    pub async fn elicit(&self, params: ElicitRequestParams) -> Result<ElicitResult, HandlerError> {
        let (answer,) = self.ask().elicit(params).await?;
        Ok(answer)
    }

    /// [`elicit`](Self::elicit), naming the question `key` in a 2026-07-28 input-required
    /// result (keys are otherwise `elicitation-0`, `elicitation-1`, …).
    pub async fn elicit_named(
        &self,
        key: &str,
        params: ElicitRequestParams,
    ) -> Result<ElicitResult, HandlerError> {
        let (answer,) = self.ask().elicit_named(key, params).await?;
        Ok(answer)
    }

    /// The client's roots (`roots/list`): the directories or files it works on.
    pub async fn list_roots(&self) -> Result<ListRootsResult, HandlerError> {
        let (answer,) = self.ask().roots().await?;
        Ok(answer)
    }

    /// [`list_roots`](Self::list_roots), naming the question `key` in a 2026-07-28
    /// input-required result (keys are otherwise `roots-0`, `roots-1`, …).
    pub async fn list_roots_named(&self, key: &str) -> Result<ListRootsResult, HandlerError> {
        let (answer,) = self.ask().roots_named(key).await?;
        Ok(answer)
    }

    /// Several questions to the client in one round: add them to the [`Ask`], await it, and get
    /// every answer at once, as a tuple in the order they were added.
    ///
    /// ```text
    /// let (name, greeting, roots) = cx.ask().elicit(form).sample(prompt).roots().await?;
    /// ```
    ///
    /// On a 2026-07-28 request they share one input-required result (one retry of the call
    /// instead of one per question); on a 2025-era session they are sent at once.
    pub fn ask(&self) -> Ask<'_, ()> {
        Ask::new(self)
    }

    /// What the client declared it can do (from `initialize`, or the request's `_meta` on
    /// 2026-07-28), when known.
    pub fn client_capabilities(&self) -> Option<&ClientCapabilities> {
        self.parts().client_capabilities.as_ref()
    }

    /// The key of the next unnamed question, of `kind`.
    pub(super) fn next_key(&self, kind: &str) -> String {
        let index = self.inner.asked.fetch_add(1, Ordering::Relaxed);
        format!("{kind}-{index}")
    }

    /// Whether questions become input-required results (2026-07-28) instead of requests.
    pub(super) fn stateless(&self) -> bool {
        self.parts().stateless
    }

    /// The answers the client gave to earlier questions, by key.
    pub(super) fn answers(&self) -> &BTreeMap<String, Value> {
        &self.parts().answers
    }

    /// The task this call became, if it became one.
    pub(crate) fn task(&self) -> Option<&Arc<LiveTask>> {
        self.parts().task.get()
    }

    /// The client connection, for questions on 2025-era sessions.
    pub(super) fn peer(&self) -> &Peer<RoleServer> {
        &self.parts().peer
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
