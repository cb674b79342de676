//! The shapes of the 2025-11-25 experimental tasks on the wire, made from the same
//! [`TaskRecord`]s the 2026-07-28 extension answers with: the flat `Task` (`ttl`,
//! `pollInterval`), `CreateTaskResult` (`{task}`), the related-task `_meta` key and the
//! `tasks` server capability.

use std::sync::LazyLock;

use memchr::memmem;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{TaskRecord, TaskState, clock::iso8601};

/// The protocol version whose sessions have these tasks.
pub(crate) const VERSION: &str = "2025-11-25";

/// The `_meta` key that ties a message to its task.
const RELATED_TASK: &str = "io.modelcontextprotocol/related-task";

/// What a 2025-11-25 `tools/call` asked of its task: `params.task`, when it was there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LegacyCall {
    /// `params.task`, when the call asked to run as a task; its `ttl`, if it named one.
    pub(crate) task: Option<Option<u64>>,
}

/// The `tasks` server capability of a 2025-11-25 `initialize` result.
pub(crate) fn capability() -> Value {
    json!({"list": {}, "cancel": {}, "requests": {"tools": {"call": {}}}})
}

/// The `_meta` entry naming the task `id`, as an object to put into a `_meta` or merge with one.
pub(crate) fn related_task(id: &str) -> Map<String, Value> {
    Map::from_iter([(RELATED_TASK.to_owned(), json!({ "taskId": id }))])
}

/// The record as a 2025-11-25 `Task`. A tool result with `isError` is `failed` in this era
/// (`completed` in 2026-07-28).
pub(crate) fn task(record: &TaskRecord) -> Value {
    let status = match &record.state {
        TaskState::Working => "working",
        TaskState::InputRequired { .. } => "input_required",
        TaskState::Completed { result } if result.get("isError") == Some(&Value::Bool(true)) => {
            "failed"
        }
        TaskState::Completed { .. } => "completed",
        TaskState::Failed { .. } => "failed",
        TaskState::Cancelled => "cancelled",
    };
    let mut task = Map::new();
    task.insert("taskId".into(), record.id.clone().into());
    task.insert("status".into(), status.into());
    if let Some(message) = &record.status_message {
        task.insert("statusMessage".into(), message.clone().into());
    }
    task.insert("createdAt".into(), iso8601(record.created_at_ms).into());
    task.insert("lastUpdatedAt".into(), iso8601(record.updated_at_ms).into());
    task.insert("ttl".into(), record.ttl_ms.max(1).into());
    task.insert("pollInterval".into(), record.poll_interval_ms.max(1).into());
    Value::Object(task)
}

/// Whether `body` holds the word `task` anywhere, which a `params.task` and a `tasks/*`
/// method both do (keys and methods written with `\u` escapes are not looked for).
pub(crate) fn mentions_task(body: &[u8]) -> bool {
    // A vectorised search, its searcher made once: a byte-by-byte window compare cost ~700
    // instructions a message.
    static TASK: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("task"));
    TASK.find(body).is_some()
}

/// The `params.task` of a `tools/call` message, read without the rest of it; `None` when the
/// body is not a `tools/call`.
pub(crate) fn read_call(body: &[u8]) -> Option<LegacyCall> {
    #[derive(Deserialize)]
    struct Message {
        method: Option<String>,
        #[serde(default)]
        params: Option<Params>,
    }
    #[derive(Deserialize)]
    struct Params {
        #[serde(default)]
        task: Option<Value>,
    }
    let message: Message = serde_json::from_slice(body).ok()?;
    if message.method.as_deref() != Some("tools/call") {
        return None;
    }
    let task = message.params.and_then(|p| p.task).map(|task| {
        // `{}` or `{"ttl": n}`; anything else asks for a task all the same, with no ttl.
        task.get("ttl").and_then(Value::as_u64)
    });
    Some(LegacyCall { task })
}

/// The `_meta` key of the [`carrier`] of a new task.
const CARRIED_TASK: &str = "mcp-web/created-task";

/// The 2025-11-25 `CreateTaskResult` of `record` inside a tool result, which rmcp sends to any
/// client (it sends its own `CreateTaskResult` only to clients that declared the 2026-07-28
/// extension); [`create_task_result`] takes it out again before the client sees it.
pub(crate) fn carrier(record: &TaskRecord) -> rmcp::model::CallToolResult {
    let mut result = rmcp::model::CallToolResult::success(Vec::new());
    let mut meta = rmcp::model::MetaObject::default();
    meta.insert(CARRIED_TASK.into(), task(record));
    result.meta = Some(meta);
    result
}

/// Rewrite the answer to a call that asked for a task: a [`carrier`] becomes the 2025-11-25
/// `CreateTaskResult`, `{"task": {..}}`. Anything else (an error, a plain result) stays.
pub(crate) fn create_task_result(message: &mut Value) {
    let Some(result) = message.get_mut("result").and_then(Value::as_object_mut) else {
        return;
    };
    let carried = (result.get_mut("_meta").and_then(Value::as_object_mut))
        .and_then(|meta| meta.remove(CARRIED_TASK));
    if let Some(task) = carried {
        *result = Map::new();
        result.insert("task".into(), task);
    }
}

/// Apply `rewrite` to every JSON-RPC message of a response body: the JSON body itself, or each
/// `data:` line of an SSE body. Lines that are not JSON messages are left alone.
pub(crate) fn rewrite_messages(
    body: &[u8],
    event_stream: bool,
    rewrite: impl Fn(&mut Value),
) -> Vec<u8> {
    let rewritten = |text: &[u8]| -> Option<Vec<u8>> {
        let mut message: Value = serde_json::from_slice(text).ok()?;
        rewrite(&mut message);
        serde_json::to_vec(&message).ok()
    };
    if !event_stream {
        return rewritten(body).unwrap_or_else(|| body.to_vec());
    }
    let mut out = Vec::with_capacity(body.len() + 64);
    for line in body.split_inclusive(|b| *b == b'\n') {
        let data = line
            .strip_prefix(b"data: ")
            .or_else(|| line.strip_prefix(b"data:"));
        let replaced = data.and_then(|data| {
            let json = data.strip_suffix(b"\n").unwrap_or(data);
            let json = json.strip_suffix(b"\r").unwrap_or(json);
            if json.is_empty() {
                return None;
            }
            let mut new_line = b"data: ".to_vec();
            new_line.extend(rewritten(json)?);
            new_line.extend_from_slice(&line[line.len() - (data.len() - json.len())..]);
            Some(new_line)
        });
        match replaced {
            Some(new_line) => out.extend(new_line),
            None => out.extend_from_slice(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::TaskState;

    fn record(state: TaskState) -> TaskRecord {
        TaskRecord {
            id: "t1".into(),
            owner: "session:s".into(),
            tool: "export".into(),
            state,
            status_message: None,
            created_at_ms: 0,
            updated_at_ms: 1000,
            ttl_ms: 60_000,
            poll_interval_ms: 500,
        }
    }

    #[test]
    fn a_task_reads_as_the_2025_schema_has_it() {
        let task = task(&record(TaskState::Working));
        assert_eq!(
            task,
            json!({"taskId": "t1", "status": "working", "createdAt": "1970-01-01T00:00:00.000Z",
                   "lastUpdatedAt": "1970-01-01T00:00:01.000Z", "ttl": 60000, "pollInterval": 500})
        );
        let error = json!({"content": [], "isError": true});
        let failed = record(TaskState::Completed {
            result: error.as_object().unwrap().clone(),
        });
        assert_eq!(super::task(&failed)["status"], "failed");
        let done = json!({"content": []});
        let done = record(TaskState::Completed {
            result: done.as_object().unwrap().clone(),
        });
        assert_eq!(super::task(&done)["status"], "completed");
    }

    #[test]
    fn calls_say_whether_they_want_a_task() {
        let call = |body: Value| read_call(body.to_string().as_bytes());
        let plain =
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "x"}});
        assert_eq!(call(plain), Some(LegacyCall { task: None }));
        let with_ttl = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                              "params": {"name": "x", "task": {"ttl": 5000}}});
        assert_eq!(
            call(with_ttl),
            Some(LegacyCall {
                task: Some(Some(5000))
            })
        );
        let bare = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                          "params": {"name": "x", "task": {}}});
        assert_eq!(call(bare), Some(LegacyCall { task: Some(None) }));
        assert_eq!(
            call(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"})),
            None
        );
    }

    #[test]
    fn task_calls_and_methods_mention_a_task_and_plain_calls_do_not() {
        let mentions = |body: Value| mentions_task(body.to_string().as_bytes());
        assert!(mentions(
            json!({"method": "tools/call", "params": {"task": {}}})
        ));
        assert!(mentions(
            json!({"method": "tasks/get", "params": {"taskId": "t"}})
        ));
        assert!(!mentions(
            json!({"method": "tools/call", "params": {"name": "x"}})
        ));
    }

    #[test]
    fn the_carrier_becomes_the_2025_create_task_result_in_json_and_sse() {
        let record = record(TaskState::Working);
        let result = serde_json::to_value(carrier(&record)).unwrap();
        let answer = json!({"jsonrpc": "2.0", "id": 3, "result": result});
        let expected = json!({"jsonrpc": "2.0", "id": 3, "result": {"task": task(&record)}});
        let json_body = rewrite_messages(answer.to_string().as_bytes(), false, create_task_result);
        assert_eq!(
            serde_json::from_slice::<Value>(&json_body).unwrap(),
            expected
        );
        let sse = format!("id: 0\nretry: 3000\ndata: \n\ndata: {answer}\nid: 1\n\n");
        let sse = rewrite_messages(sse.as_bytes(), true, create_task_result);
        let sse = String::from_utf8(sse).unwrap();
        let data = sse.lines().find(|l| l.starts_with("data: {")).unwrap();
        let message: Value = serde_json::from_str(&data["data: ".len()..]).unwrap();
        assert_eq!(message, expected);
        assert!(sse.starts_with("id: 0\nretry: 3000\ndata: \n\n") && sse.ends_with("\nid: 1\n\n"));
        let error = json!({"jsonrpc": "2.0", "id": 3, "error": {"code": -32601, "message": "m"}});
        let mut unchanged = error.clone();
        create_task_result(&mut unchanged);
        assert_eq!(unchanged, error);
    }
}
