//! [`TaskStore`]: where a mount keeps what clients read of its tasks, as [`TaskRecord`]s. The
//! records are plain serde data, so a store shared by several instances (e.g. Redis) can keep
//! them as JSON.

use std::fmt;

use futures::future::BoxFuture;
use rmcp::model::{DetailedTask, JsonObject, Task, TaskPayload, TaskStatus};
use serde::{Deserialize, Serialize};

use super::clock::iso8601;

/// What clients can read of one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRecord {
    /// The task's id: 32 random hex digits.
    pub id: String,
    /// Who may read and cancel it (see [`TaskSettings::owner`](super::TaskSettings::owner)).
    pub owner: String,
    /// The tool whose call it runs.
    pub tool: String,
    /// Where it stands.
    pub state: TaskState,
    /// A message for the user about where it stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// When it was created, in milliseconds since the Unix epoch.
    pub created_at_ms: u64,
    /// When it last changed, in milliseconds since the Unix epoch.
    pub updated_at_ms: u64,
    /// How long after its creation it may be discarded, in milliseconds.
    pub ttl_ms: u64,
    /// How often clients are asked to poll, in milliseconds.
    pub poll_interval_ms: u64,
}

/// Where a task stands, with what each status carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TaskState {
    /// Running.
    Working,
    /// Waiting for the client's answers to these questions (`inputRequests`, by key).
    InputRequired {
        /// The questions not answered yet, by key.
        input_requests: JsonObject,
    },
    /// Finished with this tool result (which may be an `isError` result).
    Completed {
        /// The `CallToolResult`.
        result: JsonObject,
    },
    /// Failed with this JSON-RPC error.
    Failed {
        /// The JSON-RPC error object (`code`, `message`, `data`).
        error: JsonObject,
    },
    /// Cancelled by the client.
    Cancelled,
}

impl TaskState {
    /// Whether the task is over: completed, failed or cancelled.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Completed { .. } | Self::Failed { .. } | Self::Cancelled
        )
    }
}

impl TaskRecord {
    /// Whether the record may be discarded at `now_ms`.
    pub fn expired(&self, now_ms: u64) -> bool {
        self.created_at_ms.saturating_add(self.ttl_ms) <= now_ms
    }

    /// The task as a `CreateTaskResult` carries it.
    pub fn task(&self) -> Task {
        let status = match &self.state {
            TaskState::Working => TaskStatus::Working,
            TaskState::InputRequired { .. } => TaskStatus::InputRequired,
            TaskState::Completed { .. } => TaskStatus::Completed,
            TaskState::Failed { .. } => TaskStatus::Failed,
            TaskState::Cancelled => TaskStatus::Cancelled,
        };
        let mut task = Task::new(
            self.id.clone(),
            status,
            iso8601(self.created_at_ms),
            iso8601(self.updated_at_ms),
        )
        .with_ttl_ms(self.ttl_ms.max(1))
        .with_poll_interval_ms(self.poll_interval_ms.max(1));
        task.status_message = self.status_message.clone();
        task
    }

    /// The task as `tasks/get` answers it: with its questions, result or error inline.
    pub fn detailed(&self) -> Result<DetailedTask, serde_json::Error> {
        let payload = match &self.state {
            TaskState::Working => TaskPayload::Working,
            TaskState::InputRequired { input_requests } => TaskPayload::InputRequired {
                input_requests: serde_json::from_value(input_requests.clone().into())?,
            },
            TaskState::Completed { result } => TaskPayload::Completed {
                result: result.clone(),
            },
            TaskState::Failed { error } => TaskPayload::Failed {
                error: error.clone(),
            },
            TaskState::Cancelled => TaskPayload::Cancelled,
        };
        Ok(DetailedTask::new(self.task(), payload))
    }
}

/// Why a store could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskStoreError {
    /// The store holds as many live tasks as it may.
    Full,
    /// The store failed (a shared store's connection, say), for this reason.
    Unavailable(String),
}

impl fmt::Display for TaskStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Full => f.write_str("too many tasks are running; try again later"),
            Self::Unavailable(why) => write!(f, "the task store is unavailable: {why}"),
        }
    }
}

impl std::error::Error for TaskStoreError {}

/// Where a mount keeps its task records.
///
/// Records are looked up by id *and* owner: a record of another owner is as good as absent.
/// A store may discard a record once it [`expired`](TaskRecord::expired), never before. Writes
/// never replace a terminal record, so a call that finishes after it was cancelled stays
/// cancelled; a shared store implements [`update`](Self::update) as one atomic
/// compare-and-set.
pub trait TaskStore: Send + Sync + fmt::Debug {
    /// Add a new record; visible to [`get`](Self::get) once the returned future is done.
    fn insert(&self, record: TaskRecord) -> BoxFuture<'_, Result<(), TaskStoreError>>;

    /// The record `id` of `owner`, unless there is none, it is another owner's, or it expired.
    fn get<'a>(
        &'a self,
        owner: &'a str,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>>;

    /// Replace the record of `record.id`, unless it is gone or already terminal; whether it was
    /// replaced.
    fn update(&self, record: TaskRecord) -> BoxFuture<'_, Result<bool, TaskStoreError>>;

    /// Up to `limit` live records of `owner`, oldest first, after the record `after` (a cursor
    /// from an earlier page).
    fn list<'a>(
        &'a self,
        owner: &'a str,
        after: Option<&'a str>,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<TaskRecord>, TaskStoreError>>;
}
