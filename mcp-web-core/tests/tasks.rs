//! Tasks (SEP-2663, 2026-07-28): calls that become tasks, read, answered and cancelled through
//! `tasks/*`, only by the caller that created them; curated and generated tools, and an
//! operation documented as `202 Accepted` + `Location`.

mod support;

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::Duration,
};

use bytes::Bytes;
use futures::StreamExt;
use http::StatusCode;
use mcp_test_support::protocol;
use mcp_web_core::{
    McpConfig,
    curated::{
        CallContext, CuratedTool,
        model::{ElicitRequestParams, ElicitationSchema},
    },
    tasks::{MemoryTaskStore, TaskSettings, TaskSupport},
};
use serde_json::{Value, json};
use support::{
    Mcp, Routes, empty, json as json_response, respond, streamed, task_tools,
    task_tools::NoArguments, text,
};

fn confirm_form() -> ElicitRequestParams {
    let schema: ElicitationSchema = serde_json::from_value(json!({
        "type": "object",
        "properties": {"ok": {"type": "boolean"}},
    }))
    .unwrap();
    ElicitRequestParams::FormElicitationParams {
        meta: None,
        message: "Go ahead?".into(),
        requested_schema: schema,
    }
}

/// The curated task tools ([`task_tools`]) and `approve`, which asks first, as a task; `hang`
/// sets `hang_dropped` when its future is dropped.
fn curated_with(config: McpConfig, hang_dropped: Arc<AtomicBool>) -> McpConfig {
    config
        .tool(task_tools::export())
        .tool(task_tools::hang(hang_dropped))
        .tool(
            CuratedTool::new(
                "approve",
                "Asks first, as a task",
                |_: NoArguments, cx: CallContext| async move {
                    tokio::task::yield_now().await;
                    let answer = cx.elicit_named("go", confirm_form()).await?;
                    Ok(format!("approved: {:?}", answer.content))
                },
            )
            .task_support(TaskSupport::Optional),
        )
        .tool(task_tools::fails())
        .tool(task_tools::quick())
}

fn curated(config: McpConfig) -> McpConfig {
    curated_with(config, Arc::default())
}

/// An OpenAPI document without operations.
fn no_api() -> McpConfig {
    McpConfig::from_json(json!({
        "openapi": "3.1.0",
        "info": {"title": "none", "version": "1"},
        "paths": {}
    }))
}

/// The `_meta` of a 2026-07-28 client; with the tasks extension when `tasks`.
fn meta(tasks: bool) -> Value {
    let mut meta = protocol::modern_meta();
    let mut capabilities = json!({"elicitation": {"form": {}}});
    if tasks {
        capabilities["extensions"] = json!({"io.modelcontextprotocol/tasks": {}});
    }
    meta["io.modelcontextprotocol/clientCapabilities"] = capabilities;
    meta
}

/// A 2026-07-28 request of `method` by the caller whose credential is `who`; the reply.
async fn rpc_as(mcp: &Mcp, who: &str, method: &str, mut params: Value) -> Value {
    params["_meta"] = meta(true);
    let mut headers = protocol::modern_headers(method, &params);
    // SEP-2663: the task methods name their task in `Mcp-Name`.
    if let Some(task) = params["taskId"].as_str() {
        headers.push(("mcp-name", task));
    }
    let bearer = format!("Bearer {who}");
    headers.push(("authorization", &bearer));
    let reply = mcp
        .post(protocol::request(7, method, params.clone()), &headers)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.message()
}

/// `tools/call` of `tool` by `who`, a client that takes tasks; the result.
async fn call_as(mcp: &Mcp, who: &str, tool: &str, arguments: Value) -> Value {
    let reply = rpc_as(
        mcp,
        who,
        "tools/call",
        json!({"name": tool, "arguments": arguments}),
    )
    .await;
    reply["result"].clone()
}

/// `tasks/get` of `task` by `who` until `done` says so (at most five seconds); the task.
async fn poll_until(mcp: &Mcp, who: &str, task: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..500 {
        let reply = rpc_as(mcp, who, "tasks/get", json!({"taskId": task})).await;
        let got = reply["result"].clone();
        assert!(!got.is_null(), "{reply}");
        if done(&got) {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("task {task} did not get there")
}

fn terminal(task: &Value) -> bool {
    matches!(
        task["status"].as_str(),
        Some("completed" | "failed" | "cancelled")
    )
}

#[tokio::test]
async fn a_slow_call_becomes_a_task_that_completes_with_its_result() {
    let mcp = Mcp::new(curated(no_api()), Routes::new());
    let created = call_as(&mcp, "ana", "export", json!({})).await;
    assert_eq!(created["resultType"], "task", "{created}");
    assert_eq!(created["status"], "working");
    assert!(created["ttlMs"].as_u64().unwrap() > 0);
    assert!(created["pollIntervalMs"].as_u64().unwrap() > 0);
    assert!(created.get("result").is_none() && created.get("content").is_none());
    let id = created["taskId"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 32, "{id}");

    let done = poll_until(&mcp, "ana", &id, terminal).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(text(&done["result"]), "exported");

    // A tool error completes the task too: the model reads it.
    let failing = call_as(&mcp, "ana", "fails", json!({})).await;
    let id = failing["taskId"].as_str().unwrap();
    let done = poll_until(&mcp, "ana", id, terminal).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["result"]["isError"], true);
}

#[tokio::test]
async fn only_the_caller_who_created_a_task_sees_or_cancels_it() {
    let mcp = Mcp::new(curated(no_api()), Routes::new());
    let created = call_as(&mcp, "ana", "hang", json!({})).await;
    let id = created["taskId"].as_str().unwrap();
    for method in ["tasks/get", "tasks/cancel"] {
        let reply = rpc_as(&mcp, "bob", method, json!({"taskId": id})).await;
        assert_eq!(reply["error"]["code"], -32602, "{method}: {reply}");
    }
    let mine = rpc_as(&mcp, "ana", "tasks/get", json!({"taskId": id})).await;
    assert_eq!(mine["result"]["status"], "working", "{mine}");
    let unknown = rpc_as(&mcp, "ana", "tasks/get", json!({"taskId": "nope"})).await;
    assert_eq!(unknown["error"]["code"], -32602, "{unknown}");
    rpc_as(&mcp, "ana", "tasks/cancel", json!({"taskId": id})).await;
}

#[tokio::test]
async fn cancelling_a_task_drops_its_call() {
    let dropped = Arc::new(AtomicBool::new(false));
    let mcp = Mcp::new(curated_with(no_api(), dropped.clone()), Routes::new());
    let created = call_as(&mcp, "ana", "hang", json!({})).await;
    let id = created["taskId"].as_str().unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(!dropped.load(Ordering::SeqCst));
    let ack = rpc_as(&mcp, "ana", "tasks/cancel", json!({"taskId": id})).await;
    assert_eq!(ack["result"]["resultType"], "complete", "{ack}");
    assert!(ack["result"].get("status").is_none(), "{ack}");
    let cancelled = poll_until(&mcp, "ana", id, terminal).await;
    assert_eq!(cancelled["status"], "cancelled");
    for _ in 0..100 {
        if dropped.load(Ordering::SeqCst) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        dropped.load(Ordering::SeqCst),
        "the handler's future was dropped"
    );
    // Cancelling again is acknowledged the same way; the task stays cancelled.
    let again = rpc_as(&mcp, "ana", "tasks/cancel", json!({"taskId": id})).await;
    assert_eq!(again["result"]["resultType"], "complete", "{again}");
}

#[tokio::test]
async fn a_question_waits_in_the_task_until_tasks_update_answers_it() {
    let mcp = Mcp::new(curated(no_api()), Routes::new());
    let created = call_as(&mcp, "ana", "approve", json!({})).await;
    let id = created["taskId"].as_str().unwrap();
    let waiting = poll_until(&mcp, "ana", id, |t| t["status"] == "input_required").await;
    assert_eq!(
        waiting["inputRequests"]["go"]["method"], "elicitation/create",
        "{waiting}"
    );
    let answer = json!({"go": {"action": "accept", "content": {"ok": true}}});
    let params = json!({"taskId": id, "inputResponses": answer});
    let ack = rpc_as(&mcp, "ana", "tasks/update", params).await;
    assert_eq!(ack["result"]["resultType"], "complete", "{ack}");
    let done = poll_until(&mcp, "ana", id, terminal).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert!(text(&done["result"]).starts_with("approved"), "{done}");
}

#[tokio::test]
async fn clients_without_tasks_wait_for_optional_tools_and_are_refused_required_ones() {
    let mcp = Mcp::new(curated(no_api()), Routes::new());
    let params = json!({"name": "export", "arguments": {}, "_meta": meta(false)});
    let reply = mcp.rpc_modern("tools/call", params).await;
    assert_eq!(text(&reply["result"]), "exported", "{reply}");
    let params = json!({"name": "hang", "arguments": {}, "_meta": meta(false)});
    let reply = mcp.post_modern(7, "tools/call", params).await.message();
    assert_eq!(reply["error"]["code"], -32021, "{reply}");
    assert!(
        reply["error"]["data"]["requiredCapabilities"]["extensions"]
            ["io.modelcontextprotocol/tasks"]
            .is_object(),
        "{reply}"
    );
    // A tool without task support answers in the request even for a client that takes tasks.
    let quick = call_as(&mcp, "ana", "quick", json!({})).await;
    assert_eq!(text(&quick), "quick", "{quick}");
    // The extension is announced, and the tasks methods of rmcp answer.
    let discover = mcp.rpc_modern("server/discover", json!({})).await;
    let extensions = &discover["result"]["capabilities"]["extensions"];
    assert!(
        extensions["io.modelcontextprotocol/tasks"].is_object(),
        "{discover}"
    );
}

#[tokio::test]
async fn a_full_store_refuses_new_tasks_while_its_tasks_run() {
    let settings = TaskSettings::new().store(Arc::new(MemoryTaskStore::with_capacity(1)));
    let mcp = Mcp::new(curated(no_api()).tasks(settings), Routes::new());
    let first = call_as(&mcp, "ana", "hang", json!({})).await;
    assert_eq!(first["resultType"], "task", "{first}");
    let reply = rpc_as(
        &mcp,
        "ana",
        "tools/call",
        json!({"name": "hang", "arguments": {}}),
    )
    .await;
    assert!(
        reply["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("too many tasks")),
        "{reply}"
    );
    let id = first["taskId"].as_str().unwrap();
    rpc_as(&mcp, "ana", "tasks/cancel", json!({"taskId": id})).await;
}

/// Reports: `POST /reports` answers `202` + `Location`; the report is ready after two reads.
fn reports(reads: Arc<AtomicUsize>) -> Routes {
    Routes::new()
        .post("/reports", |_| async {
            let mut response = empty(StatusCode::ACCEPTED);
            response
                .headers_mut()
                .insert("location", "/reports/r1".parse().unwrap());
            response
        })
        .get("/reports/{id}", move |_| {
            let reads = reads.clone();
            async move {
                if reads.fetch_add(1, Ordering::SeqCst) < 2 {
                    let mut pending = respond(
                        StatusCode::ACCEPTED,
                        "application/json",
                        json!({"status": "building"}).to_string(),
                    );
                    pending
                        .headers_mut()
                        .insert("retry-after", "0".parse().unwrap());
                    pending
                } else {
                    json_response(json!({"id": "r1", "rows": 3}))
                }
            }
        })
}

fn reports_document(x_mcp: Value) -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "reports", "version": "1"},
        "paths": {
            "/reports": {"post": {
                "operationId": "create_report",
                "responses": {"202": {
                    "description": "Building; the report will be at Location",
                    "headers": {"Location": {"schema": {"type": "string"}}}
                }}
            }},
            "/exports": {"post": {
                "operationId": "create_export",
                "x-mcp": x_mcp,
                "responses": {"200": {"description": "Done"}}
            }}
        }
    })
}

#[tokio::test]
async fn an_operation_documented_as_202_with_location_is_a_task_whose_result_is_the_resource() {
    let reads = Arc::new(AtomicUsize::new(0));
    let config = McpConfig::from_json(reports_document(json!({})));
    let mcp = Mcp::new(config, reports(reads.clone()));
    let created = call_as(&mcp, "ana", "create_report", json!({})).await;
    assert_eq!(created["resultType"], "task", "{created}");
    let id = created["taskId"].as_str().unwrap();
    let done = poll_until(&mcp, "ana", id, terminal).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(
        done["result"]["structuredContent"],
        json!({"id": "r1", "rows": 3}),
        "{done}"
    );
    assert_eq!(reads.load(Ordering::SeqCst), 3);
    assert!(
        mcp.seen().iter().any(|s| s.contains("GET /reports/r1")),
        "{:?}",
        mcp.seen()
    );

    // A client without tasks waits in the request, for the same final resource.
    reads.store(0, Ordering::SeqCst);
    let params = json!({"name": "create_report", "arguments": {}, "_meta": meta(false)});
    let reply = mcp.rpc_modern("tools/call", params).await;
    assert_eq!(
        reply["result"]["structuredContent"],
        json!({"id": "r1", "rows": 3}),
        "{reply}"
    );
}

#[tokio::test]
async fn x_mcp_and_the_settings_make_generated_tools_tasks() {
    let routes = || {
        Routes::new().post("/exports", |_| async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            json_response(json!({"ok": true}))
        })
    };
    let config = McpConfig::from_json(reports_document(json!({"taskSupport": "required"})));
    let mcp = Mcp::new(config, routes());
    let params = json!({"name": "create_export", "arguments": {}, "_meta": meta(false)});
    let refused = mcp.post_modern(7, "tools/call", params).await.message();
    assert_eq!(refused["error"]["code"], -32021, "{refused}");
    let created = call_as(&mcp, "ana", "create_export", json!({})).await;
    assert_eq!(created["resultType"], "task", "{created}");

    // The settings win over `x-mcp`.
    let config = McpConfig::from_json(reports_document(json!({"taskSupport": "required"})))
        .tasks(TaskSettings::new().tool("create_export", TaskSupport::Forbidden));
    let mcp = Mcp::new(config, routes());
    let answered = call_as(&mcp, "ana", "create_export", json!({})).await;
    assert_eq!(
        answered["structuredContent"],
        json!({"ok": true}),
        "{answered}"
    );
}

#[tokio::test]
async fn a_streaming_endpoint_reports_its_progress_into_the_task() {
    let routes = Routes::new().post("/exports", |_| async {
        // The first line once the call is a task (a line read before it first waits is not).
        let first = futures::stream::once(async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            Bytes::from("{\"done\": 1}\n")
        });
        // Then nothing more for a long while: the task is still working.
        let rest = futures::stream::once(async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Bytes::from("{\"done\": 2}\n")
        });
        streamed("application/x-ndjson", first.chain(rest))
    });
    let config = McpConfig::from_json(reports_document(json!({"taskSupport": "optional"})));
    let mcp = Mcp::new(config, routes);
    let created = call_as(&mcp, "ana", "create_export", json!({})).await;
    let id = created["taskId"].as_str().unwrap();
    let working = poll_until(&mcp, "ana", id, |t| t.get("statusMessage").is_some()).await;
    assert_eq!(working["status"], "working", "{working}");
    assert_eq!(working["statusMessage"], "{\"done\": 1}", "{working}");
    rpc_as(&mcp, "ana", "tasks/cancel", json!({"taskId": id})).await;
}
