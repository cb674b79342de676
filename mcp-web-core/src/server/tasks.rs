//! Calls that become tasks, and the `tasks/*` methods: a task-capable call runs until it first
//! waits; then it is a task — recorded in the mount's [`TaskStore`](crate::tasks::TaskStore),
//! answered with at once, and run on its own tokio task, whose future `tasks/cancel` drops.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use futures::{FutureExt, future::BoxFuture};
use rmcp::{
    ErrorData, RoleServer,
    model::{CallToolResponse, ClientCapabilities, CreateTaskResult, GetTaskResult, JsonObject},
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
    settings: TaskSettings,
    running: Mutex<HashMap<String, Running>>,
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

    /// The policy of the generated tool `tool` set in the settings, if any.
    pub(super) fn configured(&self, tool: &str) -> Option<TaskSupport> {
        self.settings.tools.get(tool).copied()
    }

    /// The owner of the tasks `context`'s request creates or reads.
    fn owner(&self, context: &RequestContext<RoleServer>) -> String {
        let request = context.extensions.get::<http::request::Parts>();
        self.settings.owner_of(request)
    }

    /// Run the call `run` of the tool `tool`: its answer, when it has one before it first
    /// waits; else a new task, answered at once, while `run` goes on. Its questions then wait
    /// in the task, which is put in `slot`; `cancel` fires when the task is cancelled.
    pub(super) async fn run(
        self: &Arc<Self>,
        context: &RequestContext<RoleServer>,
        tool: &str,
        mut run: BoxFuture<'static, RunEnd>,
        slot: TaskSlot,
        cancel: CancellationToken,
    ) -> Result<CallToolResponse, ErrorData> {
        if let Some(end) = (&mut run).now_or_never() {
            return end.into_response();
        }
        let now = now_ms();
        let record = TaskRecord {
            id: task_id()?,
            owner: self.owner(context),
            tool: tool.to_string(),
            state: TaskState::Working,
            status_message: None,
            created_at_ms: now,
            updated_at_ms: now,
            ttl_ms: millis(self.settings.ttl),
            poll_interval_ms: millis(self.settings.poll_interval),
        };
        let store = self.settings.store.clone();
        // Durable before the client hears of it: its first `tasks/get` finds the task.
        (store.insert(record.clone()).await)
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        let live = LiveTask::new(store, record.clone());
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
        Ok(CallToolResponse::Task(CreateTaskResult::new(record.task())))
    }

    /// The record `id` of the caller of `context`; `-32602` when it has none by that id.
    async fn record(
        &self,
        context: &RequestContext<RoleServer>,
        id: &str,
    ) -> Result<TaskRecord, ErrorData> {
        let owner = self.owner(context);
        match self.settings.store.get(&owner, id).await {
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
        let mut record = self.record(context, id).await?;
        let running = lock(&self.running).remove(id);
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
