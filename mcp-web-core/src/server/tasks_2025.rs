//! The 2025-11-25 experimental tasks as a session sees them, where rmcp (which has only the
//! 2026-07-28 extension) cannot: the `tasks/get`, `tasks/result`, `tasks/list` and
//! `tasks/cancel` methods, answered before rmcp; and the tool policies and `tasks` capability
//! written into rmcp's `tools/list` and `initialize` answers. The tasks themselves are the
//! mount's one set ([`Tasks`](super::tasks::Tasks)), in the 2025-11-25 shapes of
//! [`legacy`](crate::tasks::legacy).

use std::time::Duration;

use rmcp::ErrorData;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{McpServer, guard::cancelled_error, registry::Registry};
use crate::catalog::Catalog;
use crate::tasks::{TaskSettings, TaskState, TaskSupport, legacy};

/// The methods of the 2025-11-25 tasks answered here.
const METHODS: [&str; 4] = ["tasks/get", "tasks/result", "tasks/list", "tasks/cancel"];

/// A request to one of [`METHODS`].
#[derive(Deserialize)]
struct Request {
    id: Value,
    method: String,
    #[serde(default)]
    params: Option<Value>,
}

impl McpServer {
    /// Whether some tool's calls may become tasks (the mount declares tasks).
    pub(crate) fn has_tasks(&self) -> bool {
        self.mount.info.capabilities.supports_tasks()
    }

    /// The task policy of the tool `name` (see [`policy`]).
    pub(crate) fn task_support(&self, name: &str) -> TaskSupport {
        let mount = &self.mount;
        policy(&mount.registry, &mount.catalog, &mount.tasks.settings, name)
    }

    /// Whether `method` is a 2025-11-25 task method answered by [`Self::answer_task_method`].
    pub(crate) fn is_task_method(method: &str) -> bool {
        METHODS.contains(&method)
    }

    /// Answer the 2025-11-25 task request in `body` for the session request `parts`: the
    /// JSON-RPC response; `None` when `body` is not one.
    pub(crate) async fn answer_task_method(
        &self,
        parts: &http::request::Parts,
        body: &[u8],
    ) -> Option<Value> {
        let request: Request = serde_json::from_slice(body).ok()?;
        if !Self::is_task_method(&request.method) {
            return None;
        }
        let owner = self.mount.tasks.settings.owner_of(Some(parts));
        let params = request.params.unwrap_or_default();
        let task_id = params.get("taskId").and_then(Value::as_str);
        let answer = match (request.method.as_str(), task_id) {
            ("tasks/list", _) => {
                let cursor = params.get("cursor").and_then(Value::as_str);
                self.list_tasks(&owner, cursor).await
            }
            (_, None) => Err(ErrorData::invalid_params("`taskId` is required", None)),
            ("tasks/get", Some(id)) => {
                (self.mount.tasks.record_of(&owner, id).await).map(|record| legacy::task(&record))
            }
            ("tasks/result", Some(id)) => self.task_result(&owner, id).await,
            (_, Some(id)) => self.cancel_task(&owner, id).await,
        };
        Some(match answer {
            Ok(result) => json!({"jsonrpc": "2.0", "id": request.id, "result": result}),
            Err(error) => json!({"jsonrpc": "2.0", "id": request.id, "error": error}),
        })
    }

    /// `tasks/result`: wait until the task ends, then answer what its call would have: the
    /// tool result (with the related-task `_meta`), or the call's error.
    async fn task_result(&self, owner: &str, id: &str) -> Result<Value, ErrorData> {
        let tasks = &self.mount.tasks;
        loop {
            let live = tasks.live(id);
            let changed = live.as_ref().map(|live| live.changed());
            let mut changed = std::pin::pin!(changed);
            if let Some(changed) = changed.as_mut().as_pin_mut() {
                // Registered before the read: a write after it wakes this wait.
                changed.enable();
            }
            let record = tasks.record_of(owner, id).await?;
            match record.state {
                TaskState::Completed { mut result } => {
                    let meta = result
                        .entry("_meta")
                        .or_insert_with(|| Value::Object(Default::default()));
                    if let Value::Object(meta) = meta {
                        meta.extend(legacy::related_task(id));
                    }
                    return Ok(Value::Object(result));
                }
                TaskState::Failed { error } => {
                    return Err(serde_json::from_value(Value::Object(error)).unwrap_or_else(
                        |_| ErrorData::internal_error("the task's call failed", None),
                    ));
                }
                TaskState::Cancelled => return Err(cancelled_error()),
                TaskState::Working | TaskState::InputRequired { .. } => {}
            }
            // A task running here wakes the wait; one running elsewhere is polled.
            let poll = Duration::from_millis(record.poll_interval_ms.clamp(10, 5000));
            match changed.as_pin_mut() {
                Some(changed) => {
                    let _ = tokio::time::timeout(poll, changed).await;
                }
                None => tokio::time::sleep(poll).await,
            }
        }
    }

    /// `tasks/list`: a page of the owner's tasks, oldest first; the cursor is the last task of
    /// the page before.
    async fn list_tasks(&self, owner: &str, cursor: Option<&str>) -> Result<Value, ErrorData> {
        let tasks = &self.mount.tasks;
        if let Some(cursor) = cursor
            && tasks.record_of(owner, cursor).await.is_err()
        {
            return Err(ErrorData::invalid_params(
                format!("Unknown cursor '{cursor}'"),
                None,
            ));
        }
        let page_size = tasks.settings.list_page;
        let mut page = (tasks
            .settings
            .store
            .list(owner, cursor, page_size + 1)
            .await)
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        let more = page.len() > page_size;
        page.truncate(page_size);
        let mut result = json!({ "tasks": page.iter().map(legacy::task).collect::<Vec<_>>() });
        if more && let Some(last) = page.last() {
            result["nextCursor"] = last.id.clone().into();
        }
        Ok(result)
    }

    /// `tasks/cancel`: the task, cancelled; `-32602` for a task that already ended.
    async fn cancel_task(&self, owner: &str, id: &str) -> Result<Value, ErrorData> {
        let tasks = &self.mount.tasks;
        let record = tasks.record_of(owner, id).await?;
        if record.state.is_terminal() {
            return Err(ErrorData::invalid_params(
                format!("Task '{id}' already ended; it cannot be cancelled"),
                Some(json!({ "taskId": id })),
            ));
        }
        let mut cancelled = record.clone();
        tasks.cancel_record(record).await?;
        match tasks.record_of(owner, id).await {
            Ok(record) => cancelled = record,
            // Gone already (a store may drop a cancelled task at once): as it was cancelled.
            Err(_) => cancelled.state = TaskState::Cancelled,
        }
        Ok(legacy::task(&cancelled))
    }

    /// Write what rmcp cannot into its answer `message` to `method` in a session of
    /// `version`: the `tasks` capability of a 2025-11-25 `initialize`, each task-capable tool's
    /// `execution.taskSupport` in `tools/list`. Mounts without tasks are left alone.
    pub(crate) fn complete_answer(&self, method: &str, message: &mut Value) {
        if !self.has_tasks() {
            return;
        }
        let Some(result) = message.get_mut("result").and_then(Value::as_object_mut) else {
            return;
        };
        match method {
            "initialize" => {
                if result.get("protocolVersion").and_then(Value::as_str) == Some(legacy::VERSION)
                    && let Some(Value::Object(capabilities)) = result.get_mut("capabilities")
                {
                    capabilities.insert("tasks".into(), legacy::capability());
                }
            }
            "tools/list" => {
                let Some(Value::Array(tools)) = result.get_mut("tools") else {
                    return;
                };
                show_execution(tools, |name| self.task_support(name));
            }
            _ => {}
        }
    }
}

/// The task policy of the tool `name`: a curated tool's, else a generated one's as `settings`
/// give it ([`TaskSettings::support_of`]); `forbidden` for any other name. One rule for
/// `tools/list` and previews.
pub(super) fn policy(
    registry: &Registry,
    catalog: &Catalog,
    settings: &TaskSettings,
    name: &str,
) -> TaskSupport {
    if let Some(tool) = registry.tool(name) {
        return tool.task_support;
    }
    (catalog.get(name)).map_or_else(TaskSupport::default, |op| settings.support_of(op))
}

/// Each tool's `execution.taskSupport` as `support` gives it, written only where calls may
/// become tasks: absent is `forbidden` (2025-11-25).
pub(super) fn show_execution(tools: &mut [Value], support: impl Fn(&str) -> TaskSupport) {
    for tool in tools.iter_mut().filter_map(Value::as_object_mut) {
        let Some(name) = tool.get("name").and_then(Value::as_str) else {
            continue;
        };
        let support = support(name);
        if support.allows_tasks() {
            tool.insert(
                "execution".into(),
                json!({ "taskSupport": support.as_str() }),
            );
        }
    }
}
