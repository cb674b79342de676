//! Tasks of the 2025-11-25 protocol (the experimental `tasks` capability): a session asks for a
//! task with `params.task`, then `tasks/get`, `tasks/result`, `tasks/list` and `tasks/cancel`;
//! only that session sees its tasks. Also: the tool policies in `tools/list`, on both eras.

mod support;

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use bytes::Bytes;
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use mcp_test_support::protocol;
use mcp_web_core::{
    McpConfig,
    curated::{CallContext, CuratedTool},
    tasks::{TaskSettings, TaskSupport},
};
use serde_json::{Value, json};
use support::{MOUNT, Mcp, Routes, task_tools, task_tools::NoArguments, text};

const VERSION: &str = "2025-11-25";

/// Task tools: `export` (optional, a while), `hang` (required, never ends; sets `dropped`
/// when its future is dropped), `fails` (optional, a tool error), `quick` (never a task),
/// `steps` (optional, reports progress).
fn tools(dropped: Arc<AtomicBool>) -> McpConfig {
    McpConfig::from_json(json!({
        "openapi": "3.1.0", "info": {"title": "none", "version": "1"}, "paths": {}
    }))
    .tool(task_tools::export())
    .tool(task_tools::hang(dropped))
    .tool(task_tools::fails())
    .tool(task_tools::quick())
    .tool(
        CuratedTool::new(
            "steps",
            "Reports progress",
            |_: NoArguments, cx: CallContext| async move {
                tokio::time::sleep(Duration::from_millis(100)).await;
                cx.progress(1.0, Some(2.0), Some("half")).await;
                tokio::time::sleep(Duration::from_millis(100)).await;
                Ok("stepped".to_string())
            },
        )
        .task_support(TaskSupport::Optional),
    )
}

fn mount(config: McpConfig) -> Mcp {
    Mcp::new(config, Routes::new())
}

/// Open a 2025-11-25 session; its id and the `initialize` result.
async fn open(mcp: &Mcp, version: &str) -> (String, Value) {
    let initialize = protocol::request(
        1,
        "initialize",
        json!({"protocolVersion": version, "capabilities": {"tasks": {}},
               "clientInfo": {"name": "test", "version": "1"}}),
    );
    let reply = mcp.post(initialize, &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let session = reply.headers["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_string();
    let result = reply.message()["result"].clone();
    let headers = [
        ("mcp-session-id", session.as_str()),
        ("mcp-protocol-version", version),
    ];
    let reply = mcp.post(protocol::initialized(), &headers).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.body);
    (session, result)
}

/// A request in the 2025-11-25 `session`; the reply.
async fn rpc(mcp: &Mcp, session: &str, method: &str, params: Value) -> Value {
    let headers = [
        ("mcp-session-id", session),
        ("mcp-protocol-version", VERSION),
    ];
    let reply = mcp
        .post(protocol::request(9, method, params), &headers)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.message()
}

/// A `tools/call` of `tool` that asks for a task; the new task.
async fn create(mcp: &Mcp, session: &str, tool: &str) -> Value {
    let params = json!({"name": tool, "arguments": {}, "task": {"ttl": 30_000}});
    let reply = rpc(mcp, session, "tools/call", params).await;
    let task = reply["result"]["task"].clone();
    assert!(task["taskId"].is_string(), "{reply}");
    task
}

fn task_id(task: &Value) -> String {
    task["taskId"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn initialize_declares_tasks_and_tools_list_shows_each_policy() {
    let mcp = mount(tools(Arc::default()));
    let (session, result) = open(&mcp, VERSION).await;
    assert_eq!(
        result["capabilities"]["tasks"],
        json!({"list": {}, "cancel": {}, "requests": {"tools": {"call": {}}}}),
        "{result}"
    );
    let policies = |reply: &Value| {
        let tools = reply["result"]["tools"].as_array().unwrap().clone();
        let of = |name: &str| {
            let tool = tools.iter().find(|t| t["name"] == name).unwrap();
            tool.get("execution").cloned()
        };
        (of("export"), of("hang"), of("quick"))
    };
    let expected = (
        Some(json!({"taskSupport": "optional"})),
        Some(json!({"taskSupport": "required"})),
        None,
    );
    let listed = rpc(&mcp, &session, "tools/list", json!({})).await;
    assert_eq!(policies(&listed), expected, "{listed}");
    let modern = mcp.rpc_modern("tools/list", json!({})).await;
    assert_eq!(policies(&modern), expected, "{modern}");
    // An older session has no tasks to declare.
    let (_, older) = open(&mcp, "2025-06-18").await;
    assert!(older["capabilities"].get("tasks").is_none(), "{older}");
}

#[tokio::test]
async fn the_preview_shows_the_policies_tools_list_shows() {
    let mcp = mount(tools(Arc::default()));
    let (session, _) = open(&mcp, VERSION).await;
    let listed = rpc(&mcp, &session, "tools/list", json!({})).await;
    let listed = listed["result"]["tools"].as_array().unwrap().clone();
    let preview = tools(Arc::default()).preview().unwrap();
    assert_eq!(preview.tools.len(), listed.len());
    for tool in &listed {
        let previewed = (preview.tools.iter())
            .find(|t| t["name"] == tool["name"])
            .unwrap();
        assert_eq!(previewed.get("execution"), tool.get("execution"), "{tool}");
    }
    let with_tasks = listed.iter().filter(|t| t.get("execution").is_some());
    assert_eq!(with_tasks.count(), 4, "export, hang, fails and steps");
}

#[tokio::test]
async fn a_task_is_created_at_once_polled_and_its_result_fetched() {
    let mcp = mount(tools(Arc::default()));
    let (session, _) = open(&mcp, VERSION).await;
    let task = create(&mcp, &session, "export").await;
    assert_eq!(task["status"], "working");
    assert_eq!(task["ttl"], 30_000);
    assert!(task["pollInterval"].as_u64().unwrap() > 0, "{task}");
    let id = task_id(&task);
    let got = rpc(&mcp, &session, "tasks/get", json!({"taskId": id})).await;
    assert_eq!(got["result"]["taskId"], id.as_str(), "{got}");
    assert!(got["result"]["createdAt"].is_string() && got["result"]["lastUpdatedAt"].is_string());
    // Waits for the end.
    let result = rpc(&mcp, &session, "tasks/result", json!({"taskId": id})).await;
    let result = &result["result"];
    assert_eq!(text(result), "exported", "{result}");
    assert_eq!(
        result["_meta"]["io.modelcontextprotocol/related-task"]["taskId"],
        id.as_str()
    );
    let got = rpc(&mcp, &session, "tasks/get", json!({"taskId": id})).await;
    assert_eq!(got["result"]["status"], "completed", "{got}");
}

#[tokio::test]
async fn a_tool_error_fails_the_task_and_is_its_result() {
    let mcp = mount(tools(Arc::default()));
    let (session, _) = open(&mcp, VERSION).await;
    let id = task_id(&create(&mcp, &session, "fails").await);
    let result = rpc(&mcp, &session, "tasks/result", json!({"taskId": id})).await;
    assert_eq!(result["result"]["isError"], true, "{result}");
    let got = rpc(&mcp, &session, "tasks/get", json!({"taskId": id})).await;
    assert_eq!(got["result"]["status"], "failed", "{got}");
}

#[tokio::test]
async fn tasks_list_pages_through_the_sessions_tasks() {
    let config = tools(Arc::default()).tasks(TaskSettings::new().list_page(2));
    let mcp = mount(config);
    let (session, _) = open(&mcp, VERSION).await;
    let mut created = Vec::new();
    for _ in 0..3 {
        created.push(task_id(&create(&mcp, &session, "export").await));
    }
    let (other, _) = open(&mcp, VERSION).await;
    create(&mcp, &other, "export").await;
    let ids = |reply: &Value| -> Vec<String> {
        let tasks = reply["result"]["tasks"].as_array().unwrap();
        tasks.iter().map(task_id).collect()
    };
    let first = rpc(&mcp, &session, "tasks/list", json!({})).await;
    let cursor = first["result"]["nextCursor"].as_str().expect("a next page");
    let second = rpc(&mcp, &session, "tasks/list", json!({"cursor": cursor})).await;
    assert!(second["result"].get("nextCursor").is_none(), "{second}");
    let mut listed = ids(&first);
    listed.extend(ids(&second));
    // Each of the session's tasks once, the other session's not at all. The list is in order of
    // creation by the millisecond; tasks made within one are in the order of their ids.
    listed.sort();
    created.sort();
    assert_eq!(listed, created);
    let unknown = rpc(&mcp, &session, "tasks/list", json!({"cursor": "nope"})).await;
    assert_eq!(unknown["error"]["code"], -32602, "{unknown}");
}

#[tokio::test]
async fn cancelling_a_task_drops_its_call() {
    let dropped = Arc::new(AtomicBool::new(false));
    let mcp = mount(tools(dropped.clone()));
    let (session, _) = open(&mcp, VERSION).await;
    let id = task_id(&create(&mcp, &session, "hang").await);
    assert!(!dropped.load(Ordering::SeqCst));
    let cancelled = rpc(&mcp, &session, "tasks/cancel", json!({"taskId": id})).await;
    assert_eq!(cancelled["result"]["status"], "cancelled", "{cancelled}");
    assert_eq!(cancelled["result"]["taskId"], id.as_str());
    // The abort drops the future at the runtime's next turn of that task.
    for _ in 0..1000 {
        if dropped.load(Ordering::SeqCst) {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(
        dropped.load(Ordering::SeqCst),
        "the handler's future was dropped"
    );
    let again = rpc(&mcp, &session, "tasks/cancel", json!({"taskId": id})).await;
    assert_eq!(again["error"]["code"], -32602, "{again}");
    let result = rpc(&mcp, &session, "tasks/result", json!({"taskId": id})).await;
    assert!(result["error"].is_object(), "{result}");
}

#[tokio::test]
async fn another_session_can_neither_see_nor_cancel_a_task() {
    let mcp = mount(tools(Arc::default()));
    let (ana, _) = open(&mcp, VERSION).await;
    let (bob, _) = open(&mcp, VERSION).await;
    let id = task_id(&create(&mcp, &ana, "hang").await);
    for method in ["tasks/get", "tasks/result", "tasks/cancel"] {
        let reply = rpc(&mcp, &bob, method, json!({"taskId": id})).await;
        assert_eq!(reply["error"]["code"], -32602, "{method}: {reply}");
    }
    let listed = rpc(&mcp, &bob, "tasks/list", json!({})).await;
    assert_eq!(listed["result"]["tasks"], json!([]), "{listed}");
    let got = rpc(&mcp, &ana, "tasks/get", json!({"taskId": id})).await;
    assert_eq!(got["result"]["status"], "working", "still running: {got}");
    rpc(&mcp, &ana, "tasks/cancel", json!({"taskId": id})).await;
}

#[tokio::test]
async fn required_tools_need_a_task_and_other_tools_refuse_one() {
    let mcp = mount(tools(Arc::default()));
    let (session, _) = open(&mcp, VERSION).await;
    let call = |tool: &str, task: bool| {
        let mut params = json!({"name": tool, "arguments": {}});
        if task {
            params["task"] = json!({});
        }
        params
    };
    let required = rpc(&mcp, &session, "tools/call", call("hang", false)).await;
    assert_eq!(required["error"]["code"], -32601, "{required}");
    let forbidden = rpc(&mcp, &session, "tools/call", call("quick", true)).await;
    assert_eq!(forbidden["error"]["code"], -32601, "{forbidden}");
    // Optional without a task: the result, in the request.
    let plain = rpc(&mcp, &session, "tools/call", call("export", false)).await;
    assert_eq!(text(&plain["result"]), "exported", "{plain}");
    assert!(plain["result"].get("task").is_none());
}

/// Read the session's standalone SSE stream until a message `wanted` says so (five seconds).
async fn heard_on_stream(mcp: &Mcp, session: &str, wanted: impl Fn(&Value) -> bool) -> Value {
    let request = Request::get(MOUNT)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ACCEPT, "text/event-stream")
        .header("mcp-session-id", session)
        .header("mcp-protocol-version", VERSION)
        .body(Bytes::new())
        .unwrap();
    let response = mcp.open(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let mut seen = String::new();
    let reading = async {
        while let Some(Ok(frame)) = body.frame().await {
            let Ok(data) = frame.into_data() else {
                continue;
            };
            seen.push_str(&String::from_utf8_lossy(&data));
            for line in seen.lines() {
                if let Some(message) = line.strip_prefix("data: ")
                    && let Ok(message) = serde_json::from_str::<Value>(message)
                    && wanted(&message)
                {
                    return Some(message);
                }
            }
        }
        None
    };
    tokio::time::timeout(Duration::from_secs(5), reading)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("not heard on the stream"))
}

#[tokio::test]
async fn the_session_hears_of_a_new_status_on_its_stream() {
    let mcp = Arc::new(mount(tools(Arc::default())));
    let (session, _) = open(&mcp, VERSION).await;
    let listening = tokio::spawn({
        let (mcp, session) = (mcp.clone(), session.clone());
        async move {
            heard_on_stream(&mcp, &session, |m| {
                m["method"] == "notifications/tasks/status" && m["params"]["status"] == "completed"
            })
            .await
        }
    });
    // The stream is open before the task starts.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let id = task_id(&create(&mcp, &session, "export").await);
    let notice = listening.await.unwrap();
    assert_eq!(notice["params"]["taskId"], id.as_str(), "{notice}");
    assert!(notice["params"]["ttl"].is_u64(), "the whole task: {notice}");
}

#[tokio::test]
async fn a_tasks_progress_names_its_task() {
    let mcp = Arc::new(mount(tools(Arc::default())));
    let (session, _) = open(&mcp, VERSION).await;
    let listening = tokio::spawn({
        let (mcp, session) = (mcp.clone(), session.clone());
        async move { heard_on_stream(&mcp, &session, |m| m["method"] == "notifications/progress").await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let params = json!({"name": "steps", "arguments": {}, "task": {},
                        "_meta": {"progressToken": "p1"}});
    let reply = rpc(&mcp, &session, "tools/call", params).await;
    let id = task_id(&reply["result"]["task"]);
    let progress = listening.await.unwrap();
    assert_eq!(
        progress["params"]["_meta"]["io.modelcontextprotocol/related-task"]["taskId"],
        id.as_str(),
        "{progress}"
    );
}
