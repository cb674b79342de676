//! Curated tools, resources, prompts and completions beside the generated tools, in both
//! protocol eras.

mod support;

use std::{
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

use bytes::Bytes;
use http::{Request, Response};
use mcp_test_support::protocol::modern_meta;
use mcp_web_core::{
    DispatchBody, McpConfig, McpService,
    curated::{
        ArgumentCompletion, CallContext, CuratedPrompt, CuratedResource, CuratedResourceTemplate,
        CuratedTool, HandlerError, Json, LogLevel,
        model::{
            ElicitRequestParams, ElicitResult, ElicitationAction, ElicitationSchema, PromptMessage,
            ResourceContents, Role,
        },
    },
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use support::{Mcp, Routes, param, plain, text};
use utoipa::OpenApi;

/// An item (the one generated tool).
#[utoipa::path(get, path = "/items/{id}", operation_id = "get_item",
    params(("id" = String, Path)), responses((status = 200, body = String)))]
async fn get_item(request: Request<Bytes>) -> Response<DispatchBody> {
    plain(format!("item {}", param(&request, "id")))
}

#[derive(OpenApi)]
#[openapi(paths(get_item))]
struct ApiDoc;

fn routes() -> Routes {
    Routes::new().get("/items/{id}", get_item)
}

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

/// What the host's auth middleware does to every MCP request.
fn authenticate(request: &mut http::request::Parts) {
    request.extensions.insert(User("ada"));
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

/// Ask the user `question` for a `name`.
async fn ask_name(cx: &CallContext, question: &str) -> Result<ElicitResult, HandlerError> {
    let schema = ElicitationSchema::builder()
        .required_string("name")
        .build()
        .map_err(HandlerError::new)?;
    cx.elicit(ElicitRequestParams::FormElicitationParams {
        meta: None,
        message: question.into(),
        requested_schema: schema,
    })
    .await
}

async fn confirm(_: NoArguments, cx: CallContext) -> Result<String, HandlerError> {
    let answer = ask_name(&cx, "Who are you?").await?;
    match answer.action {
        ElicitationAction::Accept => Ok(format!("hello {}", answer.content.unwrap()["name"])),
        _ => Ok("declined".into()),
    }
}

/// Two questions, one round each: the first answer travels in the sealed `requestState`.
async fn two_names(_: NoArguments, cx: CallContext) -> Result<String, HandlerError> {
    let mut names = Vec::new();
    for question in ["First name?", "Last name?"] {
        let answer = ask_name(&cx, question).await?;
        names.push(answer.content.unwrap_or_default()["name"].to_string());
    }
    Ok(names.join(" "))
}

fn config() -> McpConfig {
    with_components(McpConfig::new(ApiDoc::openapi()).stateless())
}

/// `config` with the test's curated components.
fn with_components(config: McpConfig) -> McpConfig {
    config
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
        .tool(CuratedTool::new("two_names", "Ask twice", two_names))
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
        }))
}

fn app() -> Mcp {
    Mcp::new(config(), routes()).host_middleware(authenticate)
}

/// Headers of a 2026-07-28 request.
const MODERN: [(&str, &str); 1] = [("mcp-protocol-version", "2026-07-28")];

#[tokio::test]
async fn curated_tools_are_listed_after_the_generated_ones_with_schemars_schemas() {
    let mcp = app();
    let reply = mcp.rpc("tools/list", json!({})).await;
    let tools = reply["result"]["tools"].as_array().unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "get_item",
            "add",
            "steps",
            "confirm",
            "two_names",
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
    let mcp = app();
    let result = mcp.call("add", json!({"a": 2, "b": 40})).await;
    assert_eq!(result["structuredContent"], json!({"sum": 42}));
    let result = mcp.call("add", json!({"a": "two"})).await;
    assert_eq!(result["isError"], true);
    assert!(
        text(&result).contains("Invalid arguments for tool 'add'"),
        "{result}"
    );
}

#[tokio::test]
async fn progress_and_log_messages_stream_before_the_result() {
    let mcp = app();
    let reply = mcp
        .post(
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
               "params": {"name": "steps", "arguments": {}, "_meta": {"progressToken": "p1"}}}),
            &[],
        )
        .await;
    let (body, messages) = (&reply.body, reply.messages());
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
    let mcp = app();
    let reply = mcp
        .rpc_with(
            "tools/call",
            json!({"name": "whoami", "arguments": {}}),
            &[("x-agent", "probe")],
        )
        .await;
    assert_eq!(text(&reply["result"]), "ada via probe");
}

#[tokio::test]
async fn a_slow_curated_tool_times_out_and_its_future_is_dropped() {
    let mcp = app();
    let result = mcp.call("slow", json!({})).await;
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("timed out after 50ms"), "{result}");
    assert!(SLOW_DROPPED.load(Ordering::SeqCst));
}

#[tokio::test]
async fn blocking_tools_run_and_panics_become_tool_errors() {
    let mcp = app();
    let result = mcp.call("count_bytes", json!({"topic": "four"})).await;
    assert_eq!(text(&result), "4");
    let result = mcp.call("panics", json!({})).await;
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("curated boom"), "{result}");
    // The mount keeps serving.
    let result = mcp.call("add", json!({"a": 1, "b": 1})).await;
    assert_eq!(result["structuredContent"]["sum"], 2);
}

#[tokio::test]
async fn curated_resources_and_templates_are_listed_and_read() {
    let mcp = app();
    let reply = mcp.rpc("resources/list", json!({})).await;
    assert_eq!(reply["result"]["resources"][0]["uri"], "docs://guide");
    let reply = mcp.rpc("resources/templates/list", json!({})).await;
    assert_eq!(
        reply["result"]["resourceTemplates"][0]["uriTemplate"],
        "notes://{id}/text"
    );
    let reply = mcp
        .rpc("resources/read", json!({"uri": "docs://guide"}))
        .await;
    assert_eq!(reply["result"]["contents"][0]["text"], "Be kind.");
    let reply = mcp
        .rpc("resources/read", json!({"uri": "notes://n7/text"}))
        .await;
    assert_eq!(reply["result"]["contents"][0]["text"], "note n7");
    assert_eq!(reply["result"]["contents"][0]["uri"], "notes://n7/text");
    let reply = mcp
        .rpc("resources/read", json!({"uri": "notes://n7"}))
        .await;
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Unknown resource")
    );
}

#[tokio::test]
async fn prompts_are_listed_rendered_and_their_arguments_completed() {
    let mcp = app();
    let reply = mcp.rpc("prompts/list", json!({})).await;
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
    let reply = mcp
        .rpc(
            "prompts/get",
            json!({"name": "essay", "arguments": {"topic": "crabs"}}),
        )
        .await;
    assert_eq!(
        reply["result"]["messages"][0]["content"]["text"],
        "Write a short essay about crabs"
    );
    let reply = mcp
        .rpc("prompts/get", json!({"name": "essay", "arguments": {}}))
        .await;
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    let reply = mcp
        .rpc(
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
    let mcp = app();
    let reply = mcp
        .rpc(
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
    let mcp = app();
    let mut headers = MODERN.to_vec();
    headers.extend([("mcp-method", "tools/call"), ("mcp-name", "confirm")]);
    let first = mcp
        .rpc_with(
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
    let retry = mcp.rpc_with("tools/call",
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
    let config = McpConfig::new(ApiDoc::openapi()).tool(CuratedTool::new(
        "get_item",
        "shadows the generated tool",
        |_: NoArguments, _cx| async move { Ok("no".to_string()) },
    ));
    let error = config.preview().unwrap_err().to_string();
    assert!(error.contains("curated tool 'get_item'"), "{error}");
    let error = McpService::new(config, "/mcp", routes())
        .unwrap_err()
        .to_string();
    assert!(error.contains("curated tool 'get_item'"), "{error}");
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
    let mcp = app();
    let mut headers = MODERN.to_vec();
    headers.extend([("mcp-method", "tools/call"), ("mcp-name", "steps")]);
    let log_messages = |body: &str| body.matches("notifications/message").count();
    let silent = mcp
        .post(
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
               "params": {"name": "steps", "arguments": {}, "_meta": modern_meta()}}),
            &headers,
        )
        .await
        .body;
    assert!(silent.contains("three steps"), "{silent}");
    assert_eq!(log_messages(&silent), 0, "{silent}");
    let mut meta = modern_meta();
    meta["io.modelcontextprotocol/logLevel"] = json!("info");
    let logged = mcp
        .post(
            json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
               "params": {"name": "steps", "arguments": {}, "_meta": meta}}),
            &headers,
        )
        .await
        .body;
    assert_eq!(log_messages(&logged), 3, "{logged}");
}

/// A 2026-07-28 `tools/call` of `tool` with `extra` members in its params.
async fn modern_call(mcp: &Mcp, tool: &str, extra: serde_json::Value) -> serde_json::Value {
    let mut headers = MODERN.to_vec();
    headers.extend([("mcp-method", "tools/call"), ("mcp-name", tool)]);
    let mut params = json!({"name": tool, "arguments": {}, "_meta": modern_meta()});
    for (key, value) in extra.as_object().unwrap() {
        params[key] = value.clone();
    }
    let reply = mcp
        .post(
            mcp_test_support::protocol::request(9, "tools/call", params),
            &headers,
        )
        .await;
    reply.message()
}

#[tokio::test]
async fn request_state_is_sealed_and_opens_on_every_instance_with_the_key() {
    const KEY: &[u8] = b"one secret shared by every replica of the mount";
    let first = Mcp::new(config().request_state_key(KEY), routes());
    let second = Mcp::new(config().request_state_key(KEY), routes());
    let other_key = Mcp::new(
        config().request_state_key(&b"another secret, another deployment"[..]),
        routes(),
    );

    let round = modern_call(&first, "two_names", json!({})).await;
    assert_eq!(round["result"]["resultType"], "input_required", "{round}");
    assert_eq!(
        round["result"]["inputRequests"]["elicitation-0"]["params"]["message"],
        "First name?"
    );
    let answer =
        |key: &str, name: &str| json!({key: {"action": "accept", "content": {"name": name}}});
    // The second round reaches another instance: the state from the first opens there.
    let state = round["result"]["requestState"].clone();
    let round = modern_call(
        &second,
        "two_names",
        json!({"requestState": state, "inputResponses": answer("elicitation-0", "Ada")}),
    )
    .await;
    assert_eq!(round["result"]["resultType"], "input_required", "{round}");
    let request = &round["result"]["inputRequests"]["elicitation-1"];
    assert_eq!(request["params"]["message"], "Last name?", "{round}");
    let state = round["result"]["requestState"].as_str().unwrap().to_owned();
    let last = answer("elicitation-1", "Lovelace");
    let done = modern_call(
        &first,
        "two_names",
        json!({"requestState": state, "inputResponses": last}),
    )
    .await;
    assert_eq!(text(&done["result"]), "\"Ada\" \"Lovelace\"", "{done}");

    // A state altered by the client, or sealed by another key, is refused: -32602.
    let mut tampered = state.clone().into_bytes();
    let at = tampered.len() / 2;
    tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    for (mcp, state) in [(&first, tampered.as_str()), (&other_key, state.as_str())] {
        let refused = modern_call(
            mcp,
            "two_names",
            json!({"requestState": state, "inputResponses": last}),
        )
        .await;
        assert_eq!(refused["error"]["code"], -32602, "{refused}");
        assert!(
            refused["error"]["message"]
                .as_str()
                .unwrap()
                .contains("requestState"),
            "{refused}"
        );
    }
}

#[tokio::test]
async fn a_client_without_the_capability_is_told_which_one_it_lacks() {
    let mcp = app();
    let meta = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "test", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {}
    });
    let reply = modern_call(&mcp, "confirm", json!({"_meta": meta})).await;
    assert_eq!(reply["error"]["code"], -32021, "{reply}");
    let required = &reply["error"]["data"]["requiredCapabilities"];
    assert!(required["elicitation"].is_object(), "{reply}");

    // The same in a 2025-era session whose client declared no capabilities.
    let mcp = Mcp::new(with_components(McpConfig::new(ApiDoc::openapi())), routes());
    let session = mcp.open_session().await;
    let reply = mcp
        .rpc_in(
            &session,
            "tools/call",
            json!({"name": "confirm", "arguments": {}}),
        )
        .await;
    assert_eq!(reply["error"]["code"], -32021, "{reply}");
}

/// Arguments whose schemars schema uses the JSON Schema 2020-12 keywords of the official suite's
/// `json-schema-2020-12` scenario.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(extend(
    "allOf" = [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
    "if" = {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
    "then" = {"required": ["phone"]},
    "else" = {"required": ["email"]},
))]
#[allow(dead_code)]
struct Contact {
    address: Option<Address>,
    contact_method: Option<String>,
    phone: Option<String>,
    email: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "address", extend("$anchor" = "addressDef"))]
#[allow(dead_code)]
struct Address {
    city: Option<String>,
}

#[test]
fn a_curated_tool_schema_keeps_its_json_schema_2020_12_keywords() {
    let config = McpConfig::new(ApiDoc::openapi()).tool(CuratedTool::new(
        "contact",
        "2020-12 keywords",
        |_: Contact, _cx| async move { Ok(String::new()) },
    ));
    let preview = config.preview().unwrap();
    let schema = &preview
        .tools
        .iter()
        .find(|t| t["name"] == "contact")
        .unwrap()["inputSchema"];
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["$defs"]["address"]["$anchor"], "addressDef");
    let address = schema["properties"]["address"].to_string();
    assert!(
        address.contains("\"$ref\":\"#/$defs/address\""),
        "{address}"
    );
    assert_eq!(
        schema["allOf"][0]["anyOf"][1],
        json!({"required": ["email"]})
    );
    assert_eq!(schema["if"]["required"], json!(["contactMethod"]));
    assert_eq!(schema["then"], json!({"required": ["phone"]}));
    assert_eq!(schema["else"], json!({"required": ["email"]}));
}
