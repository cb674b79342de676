//! Calls that become tasks, and the `tasks/*` methods: a task-capable call runs until it first
//! waits (2026-07-28; a 2025-11-25 call that asked for a task becomes one at once); then it is a
//! task — recorded in the mount's [`TaskStore`](crate::tasks::TaskStore), answered with at once,
//! and run on its own tokio task, whose future `tasks/cancel` drops. The 2025-11-25 methods'
//! wire shapes are `tasks_2025.rs`'s; what they do is here.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use futures::{FutureExt, future::BoxFuture};
use rmcp::{
    ErrorData, RoleServer,
    model::{
        CallToolResponse, ClientCapabilities, CreateTaskResult, CustomNotification, ErrorCode,
        GetTaskResult, JsonObject, ServerNotification,
    },
    service::RequestContext,
};
use serde_json::Value;
use tokio::task::AbortHandle;
use tokio_util::sync::CancellationToken;

use super::{guard::cancelled_error, outcome::error_result};
use crate::{
    tasks::{
        TaskRecord, TaskSettings, TaskState, TaskSupport,
        inbox::{LiveTask, TaskSlot},
        legacy::{self, LegacyCall},
        now_ms,
    },
    updates::lock,
};

/// How a call's run ended.
#[derive(Debug)]
pub(super) enum RunEnd {
    /// The tool's answer: a result (maybe an `isError` one) or an input-required result.
    Answer(CallToolResponse),
    /// A JSON-RPC error the handler asked for.
    Error(ErrorData),
    /// The run broke (it panicked or ran out of time), for this reason.
    Broke(String),
    /// The client cancelled the request.
    Cancelled,
}

impl RunEnd {
    /// The answer of a call that did not become a task: a broken run is a tool error the
    /// model can read.
    pub(super) fn into_response(self) -> Result<CallToolResponse, ErrorData> {
        match self {
            Self::Answer(response) => Ok(response),
            Self::Error(error) => Err(error),
            Self::Broke(why) => Ok(error_result(why).into()),
            Self::Cancelled => Err(cancelled_error()),
        }
    }

    /// Where a task ends: a tool result (errors included) completes it; a protocol error, or a
    /// broken run, fails it.
    fn into_state(self) -> TaskState {
        let object = |value: Value| match value {
            Value::Object(object) => object,
            _ => JsonObject::new(),
        };
        let failed = |error: ErrorData| TaskState::Failed {
            error: object(serde_json::to_value(error).unwrap_or_default()),
        };
        match self {
            Self::Answer(CallToolResponse::Complete(result)) => TaskState::Completed {
                result: object(serde_json::to_value(result).unwrap_or_default()),
            },
            Self::Answer(_) => failed(ErrorData::internal_error(
                "the call answered a task with another task or a question",
                None,
            )),
            Self::Error(error) => failed(error),
            Self::Broke(why) => failed(ErrorData::internal_error(why, None)),
            Self::Cancelled => TaskState::Cancelled,
        }
    }
}

/// The tasks of one mount: its settings, and the calls running in this process.
pub(super) struct Tasks {
    pub(super) settings: TaskSettings,
    running: Mutex<HashMap<String, Running>>,
}

/// How one `tools/call` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CallMode {
    /// In the request.
    InRequest,
    /// As a 2026-07-28 task, when it does not finish at once.
    Task,
    /// As a 2025-11-25 task, which the client asked for, with the time to live it asked for.
    Requested {
        /// `params.task.ttl`, in milliseconds.
        ttl: Option<u64>,
    },
}

/// A task's call running in this process.
struct Running {
    live: Arc<LiveTask>,
    abort: AbortHandle,
    cancel: CancellationToken,
}

/// Whether the request declared the tasks extension (in `_meta` on 2026-07-28, else at
/// `initialize`).
pub(super) fn client_takes_tasks(context: &RequestContext<RoleServer>) -> bool {
    context
        .client_capabilities()
        .is_some_and(|caps| caps.supports_tasks())
}

/// How a call of the tool `tool`, of policy `support`, runs: in a 2025-11-25 session, as the
/// call's `params.task` asks (`-32601` for a task the tool does not run, or for no task when
/// it runs only as one, as that spec says); else as a task when the client takes tasks.
pub(super) fn call_mode(
    context: &RequestContext<RoleServer>,
    tool: &str,
    support: TaskSupport,
) -> Result<CallMode, ErrorData> {
    let legacy = (context.extensions.get::<http::request::Parts>())
        .and_then(|parts| parts.extensions.get::<LegacyCall>());
    if let Some(call) = legacy {
        let not_found =
            |message: String| ErrorData::new(ErrorCode::METHOD_NOT_FOUND, message, None);
        return match (support, call.task) {
            (TaskSupport::Forbidden, Some(_)) => Err(not_found(format!(
                "Tool '{tool}' does not run as a task; call it without `task`"
            ))),
            (TaskSupport::Required, None) => Err(not_found(format!(
                "Task augmentation required for tools/call requests of tool '{tool}'"
            ))),
            (_, Some(ttl)) => Ok(CallMode::Requested { ttl }),
            (_, None) => Ok(CallMode::InRequest),
        };
    }
    let as_task = support.allows_tasks() && client_takes_tasks(context);
    if support == TaskSupport::Required && !as_task {
        return Err(tasks_required());
    }
    Ok(if as_task {
        CallMode::Task
    } else {
        CallMode::InRequest
    })
}

/// `-32021` for a call of a tool that runs only as a task, from a client that takes none.
pub(super) fn tasks_required() -> ErrorData {
    ErrorData::missing_required_client_capability(
        ClientCapabilities::builder().enable_tasks().build(),
    )
}

impl Tasks {
    pub(super) fn new(settings: TaskSettings) -> Self {
        Self {
            settings,
            running: Mutex::default(),
        }
    }

    /// The owner of the tasks `context`'s request creates or reads.
    fn owner(&self, context: &RequestContext<RoleServer>) -> String {
        let request = context.extensions.get::<http::request::Parts>();
        self.settings.owner_of(request)
    }

    /// Run the call `run` of the tool `tool` in `mode` (a task mode): a 2026-07-28 call's
    /// answer, when it has one before it first waits; else a new task, answered at once, while
    /// `run` goes on. Its questions then wait in the task, which is put in `slot`; `cancel`
    /// fires when the task is cancelled. A 2025-11-25 task tells the session of its new
    /// statuses (`notifications/tasks/status`).
    pub(super) async fn run(
        self: &Arc<Self>,
        context: &RequestContext<RoleServer>,
        tool: &str,
        mode: CallMode,
        mut run: BoxFuture<'static, RunEnd>,
        slot: TaskSlot,
        cancel: CancellationToken,
    ) -> Result<CallToolResponse, ErrorData> {
        let requested_ttl = match mode {
            CallMode::Requested { ttl } => Some(ttl),
            _ => None,
        };
        if requested_ttl.is_none()
            && let Some(end) = (&mut run).now_or_never()
        {
            return end.into_response();
        }
        let now = now_ms();
        // A client may ask for less time than the mount keeps tasks, never more.
        let ttl = millis(self.settings.ttl);
        let ttl = requested_ttl
            .flatten()
            .map_or(ttl, |asked| asked.min(ttl).max(1));
        let record = TaskRecord {
            id: task_id()?,
            owner: self.owner(context),
            tool: tool.to_string(),
            state: TaskState::Working,
            status_message: None,
            created_at_ms: now,
            updated_at_ms: now,
            ttl_ms: ttl,
            poll_interval_ms: millis(self.settings.poll_interval),
        };
        let store = self.settings.store.clone();
        // Durable before the client hears of it: its first `tasks/get` finds the task.
        (store.insert(record.clone()).await)
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        let live = LiveTask::new(store, record.clone());
        if requested_ttl.is_some() {
            live.on_status(status_notices(context.peer.clone()));
        }
        let _ = slot.set(live.clone());
        let (registered, is_registered) = tokio::sync::oneshot::channel::<()>();
        let tasks = self.clone();
        let id = record.id.clone();
        let handle = tokio::spawn({
            let live = live.clone();
            async move {
                // Only once it is in `running`, so that finishing takes it out again.
                let _ = is_registered.await;
                let end = run.await;
                if let Err(e) = live.finish(end.into_state()).await {
                    tracing::warn!(task = %id, "the task's end was not stored: {e}");
                }
                lock(&tasks.running).remove(&id);
            }
        });
        let running = Running {
            live,
            abort: handle.abort_handle(),
            cancel,
        };
        lock(&self.running).insert(record.id.clone(), running);
        let _ = registered.send(());
        if requested_ttl.is_some() {
            // rmcp sends a `CreateTaskResult` only to 2026-07-28 clients that declared the
            // extension: the 2025-11-25 one goes out as a carrier the mount rewrites.
            return Ok(legacy::carrier(&record).into());
        }
        Ok(CallToolResponse::Task(CreateTaskResult::new(record.task())))
    }

    /// The record `id` of the caller of `context`; `-32602` when it has none by that id.
    async fn record(
        &self,
        context: &RequestContext<RoleServer>,
        id: &str,
    ) -> Result<TaskRecord, ErrorData> {
        self.record_of(&self.owner(context), id).await
    }

    /// The record `id` of `owner`; `-32602` when it has none by that id (another owner's task
    /// is as good as absent).
    pub(super) async fn record_of(&self, owner: &str, id: &str) -> Result<TaskRecord, ErrorData> {
        match self.settings.store.get(owner, id).await {
            Ok(Some(record)) => Ok(record),
            Ok(None) => Err(ErrorData::invalid_params(
                format!("Unknown task '{id}'"),
                Some(serde_json::json!({ "taskId": id })),
            )),
            Err(e) => Err(ErrorData::internal_error(e.to_string(), None)),
        }
    }

    /// `tasks/get`: the task, with its questions, result or error inline.
    pub(super) async fn get(
        &self,
        context: &RequestContext<RoleServer>,
        id: &str,
    ) -> Result<GetTaskResult, ErrorData> {
        let record = self.record(context, id).await?;
        let detailed = (record.detailed())
            .map_err(|e| ErrorData::internal_error(format!("task record: {e}"), None))?;
        Ok(GetTaskResult::new(detailed))
    }

    /// `tasks/update`: deliver the client's answers to the questions the task waits on.
    pub(super) async fn update(
        &self,
        context: &RequestContext<RoleServer>,
        id: &str,
        responses: impl IntoIterator<Item = (String, Value)>,
    ) -> Result<(), ErrorData> {
        self.record(context, id).await?;
        let live = lock(&self.running).get(id).map(|r| r.live.clone());
        if let Some(live) = live {
            (live.answer(responses).await)
                .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        }
        Ok(())
    }

    /// `tasks/cancel`: drop the call's future and record the task cancelled; a task that
    /// already ended stays as it ended.
    pub(super) async fn cancel(
        &self,
        context: &RequestContext<RoleServer>,
        id: &str,
    ) -> Result<(), ErrorData> {
        let record = self.record(context, id).await?;
        self.cancel_record(record).await
    }

    /// The task `id` running in this process, if it is.
    pub(super) fn live(&self, id: &str) -> Option<Arc<LiveTask>> {
        lock(&self.running).get(id).map(|r| r.live.clone())
    }

    /// Cancel the task of `record` (its owner's, read just before): drop the call's future
    /// if it runs here, and record the task cancelled.
    pub(super) async fn cancel_record(&self, mut record: TaskRecord) -> Result<(), ErrorData> {
        let id = record.id.clone();
        let running = lock(&self.running).remove(&id);
        let stored = match running {
            Some(running) => {
                running.abort.abort();
                running.cancel.cancel();
                running.live.finish(TaskState::Cancelled).await
            }
            // Running elsewhere (a shared store), or lost with a process: the record says
            // cancelled, and no later write of that process can change it.
            None => {
                record.state = TaskState::Cancelled;
                record.updated_at_ms = now_ms().max(record.updated_at_ms);
                self.settings.store.update(record).await
            }
        };
        stored
            .map(drop)
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))
    }
}

/// What tells a 2025-11-25 session of its task's new statuses: `notifications/tasks/status`
/// through the session (its standalone stream, when the client keeps one open), in order;
/// best effort, as the spec allows. The sender ends when the task is dropped.
fn status_notices(peer: rmcp::Peer<RoleServer>) -> crate::tasks::inbox::StatusHook {
    let (notices, mut queued) = tokio::sync::mpsc::unbounded_channel::<Value>();
    tokio::spawn(async move {
        while let Some(task) = queued.recv().await {
            let notice = CustomNotification::new("notifications/tasks/status", Some(task));
            let notice = ServerNotification::CustomNotification(notice);
            if let Err(error) = peer.send_notification(notice).await {
                tracing::debug!("task status notification not sent: {error}");
            }
        }
    });
    Box::new(move |record: &TaskRecord| {
        let _ = notices.send(legacy::task(record));
    })
}

/// A new task id: 128 random bits, in hex.
fn task_id() -> Result<String, ErrorData> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| ErrorData::internal_error(format!("no random task id: {e}"), None))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
