//! Curated tools, resources, prompts and completions beside the generated tools, through the
//! axum mount, in both protocol eras.

mod support;

use std::{
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

use axum::{Router, extract::Request, middleware, middleware::Next, response::Response};
use mcp_axum::{
    McpConfig, RouterExt,
    curated::{
        ArgumentCompletion, CallContext, CuratedPrompt, CuratedResource, CuratedResourceTemplate,
        CuratedTool, HandlerError, Json, LogLevel,
        model::{
            ElicitRequestParams, ElicitationAction, ElicitationSchema, PromptMessage,
            ResourceContents, Role,
        },
    },
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use support::{post_mcp, rpc_with};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

/// An item (the one generated tool).
#[utoipa::path(get, path = "/items/{id}", operation_id = "get_item",
    params(("id" = String, Path)), responses((status = 200, body = String)))]
async fn get_item(axum::extract::Path(id): axum::extract::Path<String>) -> String {
    format!("item {id}")
}

#[derive(OpenApi)]
struct ApiDoc;

#[derive(Deserialize, JsonSchema)]
struct Add {
    /// First term.
    a: i64,
    /// Second term.
    b: i64,
}

#[derive(Serialize, JsonSchema)]
struct Sum {
    sum: i64,
}

#[derive(Deserialize, JsonSchema)]
struct NoArguments {}

#[derive(Deserialize, JsonSchema)]
struct Topic {
    /// What to write about.
    topic: String,
    /// How long.
    length: Option<String>,
}

/// The user a host middleware authenticated.
#[derive(Clone)]
struct User(&'static str);

async fn authenticate(mut request: Request, next: Next) -> Response {
    request.extensions_mut().insert(User("ada"));
    next.run(request).await
}

/// Set when the slow tool's future is dropped before it finished.
static SLOW_DROPPED: AtomicBool = AtomicBool::new(false);

struct DropFlag(&'static AtomicBool);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

async fn steps(_: NoArguments, cx: CallContext) -> Result<String, HandlerError> {
    for step in 1..=3 {
        cx.progress(f64::from(step), Some(3.0), Some(&format!("step {step}")))
            .await;
        cx.log(LogLevel::Info, json!({"step": step})).await;
    }
    Ok("three steps".into())
}

async fn confirm(_: NoArguments, cx: CallContext) -> Result<String, HandlerError> {
    let schema = ElicitationSchema::builder()
        .required_string("name")
        .build()
        .map_err(HandlerError::new)?;
    let answer = cx
        .elicit(ElicitRequestParams::FormElicitationParams {
            meta: None,
            message: "Who are you?".into(),
            requested_schema: schema,
        })
        .await?;
    match answer.action {
        ElicitationAction::Accept => Ok(format!("hello {}", answer.content.unwrap()["name"])),
        _ => Ok("declined".into()),
    }
}

fn app() -> Router {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(get_item))
        .split_for_parts();
    let config = McpConfig::new(api)
        .stateless()
        .call_timeout(Duration::from_millis(500))
        .tool(
            CuratedTool::new("add", "Add two integers", |args: Add, _cx| async move {
                Ok(Json(Sum {
                    sum: args.a + args.b,
                }))
            })
            .output_schema::<Sum>(),
        )
        .tool(CuratedTool::new(
            "steps",
            "Three steps with progress",
            steps,
        ))
        .tool(CuratedTool::new("confirm", "Ask the user", confirm))
        .tool(CuratedTool::new(
            "whoami",
            "The authenticated user",
            |_: NoArguments, cx: CallContext| async move {
                let user = cx.extension::<User>().map_or("nobody", |u| u.0);
                let agent = cx
                    .headers()
                    .and_then(|h| h.get("x-agent"))
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-")
                    .to_string();
                Ok(format!("{user} via {agent}"))
            },
        ))
        .tool(
            CuratedTool::new("slow", "Sleeps", |_: NoArguments, _cx| async move {
                let _flag = DropFlag(&SLOW_DROPPED);
                tokio::time::sleep(Duration::from_secs(30)).await;
                Ok("woke up".to_string())
            })
            .timeout(Duration::from_millis(50)),
        )
        .tool(CuratedTool::new_blocking(
            "count_bytes",
            "Blocking work",
            |args: Topic, _cx| Ok(args.topic.len().to_string()),
        ))
        .tool(CuratedTool::new(
            "panics",
            "Panics",
            |_: NoArguments, _cx| async move {
                if true {
                    panic!("curated boom");
                }
                Ok("never".to_string())
            },
        ))
        .resource(
            CuratedResource::new("docs://guide", "guide", |request, _cx| async move {
                Ok(ResourceContents::text("Be kind.", request.uri))
            })
            .mime_type("text/plain"),
        )
        .resource_template(CuratedResourceTemplate::new(
            "notes://{id}/text",
            "note",
            |request, _cx| async move {
                let id = request.variables["id"].clone();
                Ok(ResourceContents::text(format!("note {id}"), request.uri))
            },
        ))
        .prompt(CuratedPrompt::new(
            "essay",
            "Write an essay",
            |args: Topic, _cx| async move {
                let length = args.length.unwrap_or_else(|| "short".into());
                Ok(vec![PromptMessage::new_text(
                    Role::User,
                    format!("Write a {length} essay about {}", args.topic),
                )])
            },
        ))
        .completion(ArgumentCompletion::prompt("essay", "topic", |typed, _| {
            ["rust", "ruby", "python"]
                .into_iter()
                .filter(|t| t.starts_with(typed))
                .map(String::from)
                .collect()
        }));
    router
        .mount_http("/mcp", config)
        .layer(middleware::from_fn(authenticate))
        .with_mcp_calls_through_all_layers()
}

async fn rpc(app: &Router, method: &str, params: Value) -> Value {
    rpc_with(app, method, params, &[]).await
}

async fn call(app: &Router, tool: &str, arguments: Value) -> Value {
    let reply = rpc(
        app,
        "tools/call",
        json!({"name": tool, "arguments": arguments}),
    )
    .await;
    reply["result"].clone()
}

fn text(result: &Value) -> &str {
    result["content"][0]["text"].as_str().unwrap_or_default()
}

/// Headers and `_meta` of a 2026-07-28 request.
const MODERN: [(&str, &str); 1] = [("mcp-protocol-version", "2026-07-28")];

fn modern_meta() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "test", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {"elicitation": {"form": {}}}
    })
}

#[tokio::test]
async fn curated_tools_are_listed_after_the_generated_ones_with_schemars_schemas() {
    let app = app();
    let reply = rpc(&app, "tools/list", json!({})).await;
    let tools = reply["result"]["tools"].as_array().unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "get_item",
            "add",
            "steps",
            "confirm",
            "whoami",
            "slow",
            "count_bytes",
            "panics"
        ]
    );
    let add = &tools[1];
    assert_eq!(add["inputSchema"]["type"], "object");
    assert_eq!(
        add["inputSchema"]["properties"]["a"]["description"],
        "First term."
    );
    assert_eq!(add["outputSchema"]["properties"]["sum"]["type"], "integer");
}

#[tokio::test]
async fn a_curated_tool_returns_structured_output_and_bad_arguments_are_a_tool_error() {
    let app = app();
    let result = call(&app, "add", json!({"a": 2, "b": 40})).await;
    assert_eq!(result["structuredContent"], json!({"sum": 42}));
    let result = call(&app, "add", json!({"a": "two"})).await;
    assert_eq!(result["isError"], true);
    assert!(
        text(&result).contains("Invalid arguments for tool 'add'"),
        "{result}"
    );
}

#[tokio::test]
async fn progress_and_log_messages_stream_before_the_result() {
    let app = app();
    let (_, _, body) = post_mcp(
        &app,
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
               "params": {"name": "steps", "arguments": {}, "_meta": {"progressToken": "p1"}}}),
        &[],
    )
    .await;
    let messages: Vec<Value> = body
        .lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .filter_map(|d| serde_json::from_str(d.trim()).ok())
        .collect();
    let methods: Vec<&str> = messages
        .iter()
        .map(|m| m["method"].as_str().unwrap_or("<result>"))
        .collect();
    assert_eq!(
        methods,
        [
            "notifications/progress",
            "notifications/message",
            "notifications/progress",
            "notifications/message",
            "notifications/progress",
            "notifications/message",
            "<result>"
        ],
        "{body}"
    );
    assert_eq!(messages[4]["params"]["progress"], 3.0);
    assert_eq!(messages[4]["params"]["total"], 3.0);
    assert_eq!(messages[4]["params"]["progressToken"], "p1");
    assert_eq!(messages[5]["params"]["data"], json!({"step": 3}));
    assert_eq!(text(&messages[6]["result"]), "three steps");
}

#[tokio::test]
async fn the_context_sees_the_http_request_after_the_host_middleware() {
    let app = app();
    let reply = rpc_with(
        &app,
        "tools/call",
        json!({"name": "whoami", "arguments": {}}),
        &[("x-agent", "probe")],
    )
    .await;
    assert_eq!(text(&reply["result"]), "ada via probe");
}

#[tokio::test]
async fn a_slow_curated_tool_times_out_and_its_future_is_dropped() {
    let app = app();
    let result = call(&app, "slow", json!({})).await;
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("timed out after 50ms"), "{result}");
    assert!(SLOW_DROPPED.load(Ordering::SeqCst));
}

#[tokio::test]
async fn blocking_tools_run_and_panics_become_tool_errors() {
    let app = app();
    let result = call(&app, "count_bytes", json!({"topic": "four"})).await;
    assert_eq!(text(&result), "4");
    let result = call(&app, "panics", json!({})).await;
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("curated boom"), "{result}");
    // The mount keeps serving.
    let result = call(&app, "add", json!({"a": 1, "b": 1})).await;
    assert_eq!(result["structuredContent"]["sum"], 2);
}

#[tokio::test]
async fn curated_resources_and_templates_are_listed_and_read() {
    let app = app();
    let reply = rpc(&app, "resources/list", json!({})).await;
    assert_eq!(reply["result"]["resources"][0]["uri"], "docs://guide");
    let reply = rpc(&app, "resources/templates/list", json!({})).await;
    assert_eq!(
        reply["result"]["resourceTemplates"][0]["uriTemplate"],
        "notes://{id}/text"
    );
    let reply = rpc(&app, "resources/read", json!({"uri": "docs://guide"})).await;
    assert_eq!(reply["result"]["contents"][0]["text"], "Be kind.");
    let reply = rpc(&app, "resources/read", json!({"uri": "notes://n7/text"})).await;
    assert_eq!(reply["result"]["contents"][0]["text"], "note n7");
    assert_eq!(reply["result"]["contents"][0]["uri"], "notes://n7/text");
    let reply = rpc(&app, "resources/read", json!({"uri": "notes://n7"})).await;
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Unknown resource")
    );
}

#[tokio::test]
async fn prompts_are_listed_rendered_and_their_arguments_completed() {
    let app = app();
    let reply = rpc(&app, "prompts/list", json!({})).await;
    let prompt = &reply["result"]["prompts"][0];
    assert_eq!(prompt["name"], "essay");
    let arguments = prompt["arguments"].as_array().unwrap();
    let argument = |name: &str| {
        arguments
            .iter()
            .find(|a| a["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(argument("topic")["required"], true);
    assert_eq!(argument("topic")["description"], "What to write about.");
    assert_eq!(argument("length")["required"], false);
    let reply = rpc(
        &app,
        "prompts/get",
        json!({"name": "essay", "arguments": {"topic": "crabs"}}),
    )
    .await;
    assert_eq!(
        reply["result"]["messages"][0]["content"]["text"],
        "Write a short essay about crabs"
    );
    let reply = rpc(
        &app,
        "prompts/get",
        json!({"name": "essay", "arguments": {}}),
    )
    .await;
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    let reply = rpc(
        &app,
        "completion/complete",
        json!({"ref": {"type": "ref/prompt", "name": "essay"},
               "argument": {"name": "topic", "value": "r"}}),
    )
    .await;
    assert_eq!(
        reply["result"]["completion"]["values"],
        json!(["rust", "ruby"])
    );
    assert_eq!(reply["result"]["completion"]["total"], 2);
}

#[tokio::test]
async fn the_capabilities_announce_prompts_completions_logging_and_subscriptions() {
    let app = app();
    let reply = rpc(
        &app,
        "initialize",
        json!({"protocolVersion": "2025-11-25", "capabilities": {},
               "clientInfo": {"name": "t", "version": "1"}}),
    )
    .await;
    let capabilities = &reply["result"]["capabilities"];
    assert!(capabilities["prompts"].is_object(), "{capabilities}");
    assert!(capabilities["completions"].is_object(), "{capabilities}");
    assert!(capabilities["logging"].is_object(), "{capabilities}");
    assert_eq!(
        capabilities["resources"]["subscribe"], true,
        "{capabilities}"
    );
}

#[tokio::test]
async fn on_2026_07_28_elicitation_is_an_input_required_round_trip() {
    let app = app();
    let mut headers = MODERN.to_vec();
    headers.extend([("mcp-method", "tools/call"), ("mcp-name", "confirm")]);
    let first = rpc_with(
        &app,
        "tools/call",
        json!({"name": "confirm", "arguments": {}, "_meta": modern_meta()}),
        &headers,
    )
    .await;
    let result = &first["result"];
    assert_eq!(result["resultType"], "input_required", "{first}");
    let request = &result["inputRequests"]["elicitation-0"];
    assert_eq!(request["method"], "elicitation/create", "{first}");
    assert_eq!(request["params"]["message"], "Who are you?");
    let retry = rpc_with(
        &app,
        "tools/call",
        json!({"name": "confirm", "arguments": {}, "_meta": modern_meta(),
               "inputResponses": {"elicitation-0": {"action": "accept", "content": {"name": "Ada"}}}}),
        &headers,
    )
    .await;
    assert_eq!(text(&retry["result"]), "hello \"Ada\"", "{retry}");
    assert_eq!(retry["result"]["resultType"], "complete");
}

#[test]
fn a_curated_name_that_clashes_with_a_generated_tool_is_refused_at_mount() {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(get_item))
        .split_for_parts();
    let config = McpConfig::new(api).tool(CuratedTool::new(
        "get_item",
        "shadows the generated tool",
        |_: NoArguments, _cx| async move { Ok("no".to_string()) },
    ));
    let error = config.preview().unwrap_err().to_string();
    assert!(error.contains("curated tool 'get_item'"), "{error}");
    let mount = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        router.mount_http("/mcp", config)
    }));
    let panic = mount.unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains("curated tool 'get_item'"), "{message}");
}

#[test]
fn a_completion_for_an_unknown_prompt_is_refused() {
    let config = McpConfig::new(ApiDoc::openapi()).completion(ArgumentCompletion::prompt(
        "nope",
        "x",
        |_, _| Vec::new(),
    ));
    let error = config.preview().unwrap_err().to_string();
    assert!(error.contains("nope"), "{error}");
}

#[tokio::test]
async fn on_2026_07_28_log_messages_are_sent_only_when_the_request_names_a_log_level() {
    let app = app();
    let mut headers = MODERN.to_vec();
    headers.extend([("mcp-method", "tools/call"), ("mcp-name", "steps")]);
    let log_messages = |body: &str| body.matches("notifications/message").count();
    let (_, _, silent) = post_mcp(
        &app,
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
               "params": {"name": "steps", "arguments": {}, "_meta": modern_meta()}}),
        &headers,
    )
    .await;
    assert!(silent.contains("three steps"), "{silent}");
    assert_eq!(log_messages(&silent), 0, "{silent}");
    let mut meta = modern_meta();
    meta["io.modelcontextprotocol/logLevel"] = json!("info");
    let (_, _, logged) = post_mcp(
        &app,
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
               "params": {"name": "steps", "arguments": {}, "_meta": meta}}),
        &headers,
    )
    .await;
    assert_eq!(log_messages(&logged), 3, "{logged}");
}
