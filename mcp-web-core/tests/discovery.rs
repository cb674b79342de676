//! Discovery mode ([`ToolSearch`]): a short `tools/list` with the pinned tools, `search_tools`
//! and `call_tool`; every tool still callable by name, in both protocol eras; and nothing
//! changed when it is off.

mod support;

use bytes::Bytes;
use http::{Request, Response};
use mcp_web_core::{
    DispatchBody, McpConfig, MountError, ToolSearch,
    curated::{CuratedTool, Json},
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use support::{Mcp, Routes, json as json_response, param, text};

/// A small tracker: issues, their comments, labels and releases.
fn document() -> Value {
    let path_id = json!([{"name": "number", "in": "path", "required": true,
                          "schema": {"type": "integer"}}]);
    let ok = json!({"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "tracker", "version": "1"},
        "paths": {
            "/issues": {
                "get": {"operationId": "list_issues", "summary": "List issues", "tags": ["issues"],
                        "responses": ok},
                "post": {"operationId": "create_issue", "summary": "Create an issue", "tags": ["issues"],
                         "requestBody": {"required": true, "content": {"application/json": {"schema": {
                             "type": "object", "properties": {"title": {"type": "string"}},
                             "required": ["title"]}}}},
                         "responses": ok}
            },
            "/issues/{number}": {
                "get": {"operationId": "get_issue", "summary": "Get an issue", "tags": ["issues"],
                        "parameters": path_id, "responses": ok}
            },
            "/issues/{number}/comments": {
                "post": {"operationId": "create_issue_comment", "summary": "Create an issue comment",
                         "description": "Adds a comment to an issue.", "tags": ["issues"],
                         "parameters": path_id,
                         "requestBody": {"required": true, "content": {"application/json": {"schema": {
                             "type": "object", "properties": {"body": {"type": "string"}},
                             "required": ["body"]}}}},
                         "responses": ok}
            },
            "/labels": {
                "get": {"operationId": "list_labels", "summary": "List labels", "tags": ["labels"],
                        "responses": ok}
            },
            "/releases": {
                "get": {"operationId": "list_releases", "summary": "List releases", "tags": ["releases"],
                        "responses": ok}
            },
            "/admin/purge": {
                "post": {"operationId": "purge_comments", "summary": "Purge every comment",
                         "tags": ["admin"], "responses": ok}
            }
        }
    })
}

async fn echo(request: Request<Bytes>) -> Response<DispatchBody> {
    json_response(json!({"method": request.method().as_str(), "path": request.uri().path()}))
}

fn routes() -> Routes {
    Routes::new()
        .get("/issues", echo)
        .post("/issues", echo)
        .get("/issues/{number}", |request: Request<Bytes>| async move {
            json_response(json!({"number": param(&request, "number")}))
        })
        .post(
            "/issues/{number}/comments",
            |request: Request<Bytes>| async move {
                let body: Value = serde_json::from_slice(request.body()).unwrap();
                json_response(json!({"issue": param(&request, "number"), "comment": body["body"]}))
            },
        )
        .get("/labels", echo)
        .get("/releases", echo)
        .post("/admin/purge", echo)
}

#[derive(Deserialize, JsonSchema)]
struct Shout {
    /// The words to shout.
    words: String,
}

/// The tracker with the admin operations left out and a curated tool, sessions on.
fn with_sessions() -> McpConfig {
    McpConfig::from_json(document())
        .exclude_tags(["admin"])
        .tool(CuratedTool::new(
            "shout",
            "Shout words back in capitals",
            |args: Shout, _cx| async move { Ok(Json(json!({"shouted": args.words.to_uppercase()}))) },
        ))
}

fn config() -> McpConfig {
    with_sessions().stateless()
}

fn pinned() -> ToolSearch {
    ToolSearch::new().always_listed(["list_issues"])
}

fn discovery() -> McpConfig {
    config().tool_search(pinned())
}

/// The reply is the error for a tool the mount does not serve.
fn assert_unknown_tool(reply: &Value) {
    assert!(
        reply["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Unknown tool")),
        "{reply}"
    );
}

fn names(list: &Value) -> Vec<String> {
    list["result"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("no tools: {list}"))
        .iter()
        .map(|tool| tool["name"].as_str().unwrap().to_string())
        .collect()
}

fn found(result: &Value) -> Vec<String> {
    let tools = result["structuredContent"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("no structured tools: {result}"));
    tools
        .iter()
        .map(|tool| tool["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn discovery_lists_the_pinned_tools_and_the_meta_tools_in_both_eras() {
    let mcp = Mcp::new(discovery(), routes());
    let expected = ["list_issues", "search_tools", "call_tool"];
    // A 2025-era client that states its version: one of 2025-03-26 (no header) also gets each
    // title in `annotations.title` (endpoint tests).
    let version = [("mcp-protocol-version", "2025-06-18")];
    let stateless = mcp.rpc_with("tools/list", json!({}), &version).await;
    assert_eq!(names(&stateless), expected);
    let modern = mcp.rpc_modern("tools/list", json!({})).await;
    assert_eq!(names(&modern), expected);
    assert_eq!(
        stateless["result"]["tools"], modern["result"]["tools"],
        "both eras list the same tools"
    );
    let search = &stateless["result"]["tools"][1];
    assert_eq!(search["inputSchema"]["required"], json!(["query"]));
    assert!(search["inputSchema"]["properties"]["tags"].is_object());
    assert!(search["outputSchema"].is_object());

    let session = Mcp::new(with_sessions().tool_search(pinned()), routes());
    let id = session.open_session().await;
    let listed = session.rpc_in(&id, "tools/list", json!({})).await;
    assert_eq!(names(&listed), expected);
}

#[tokio::test]
async fn search_tools_finds_generated_and_curated_tools_with_their_schemas() {
    let mcp = Mcp::new(discovery(), routes());
    let result = mcp
        .call(
            "search_tools",
            json!({"query": "add a comment to an issue"}),
        )
        .await;
    assert_eq!(result["isError"], json!(false), "{result}");
    assert_eq!(found(&result)[0], "create_issue_comment");
    let first = &result["structuredContent"]["tools"][0];
    assert_eq!(first["title"], "Create an issue comment");
    assert!(
        first["description"]
            .as_str()
            .unwrap()
            .contains("Adds a comment")
    );
    assert_eq!(first["inputSchema"]["required"], json!(["number", "body"]));
    let as_text: Value = serde_json::from_str(&text(&result)).expect("the text is the JSON");
    assert_eq!(as_text, result["structuredContent"]);

    let shout = mcp
        .call(
            "search_tools",
            json!({"query": "shout in capitals", "limit": 1}),
        )
        .await;
    assert_eq!(found(&shout), ["shout"]);

    let limited = mcp
        .call("search_tools", json!({"query": "issue", "limit": 2}))
        .await;
    assert_eq!(found(&limited).len(), 2);
    let tagged = mcp
        .call("search_tools", json!({"query": "list", "tags": ["Labels"]}))
        .await;
    assert_eq!(found(&tagged), ["list_labels"]);

    // In 2026-07-28 too.
    let modern = mcp
        .rpc_modern(
            "tools/call",
            json!({"name": "search_tools", "arguments": {"query": "releases"}}),
        )
        .await;
    assert_eq!(found(&modern["result"])[0], "list_releases");
}

#[tokio::test]
async fn search_never_reveals_what_the_filters_leave_out() {
    let mcp = Mcp::new(discovery(), routes());
    let result = mcp
        .call("search_tools", json!({"query": "purge every comment"}))
        .await;
    assert!(!found(&result).contains(&"purge_comments".to_string()));
    let reply = mcp
        .rpc(
            "tools/call",
            json!({"name": "purge_comments", "arguments": {}}),
        )
        .await;
    assert_unknown_tool(&reply);
    let reply = mcp
        .rpc(
            "tools/call",
            json!({"name": "call_tool", "arguments": {"name": "purge_comments"}}),
        )
        .await;
    assert_unknown_tool(&reply);
}

#[tokio::test]
async fn unlisted_tools_are_called_by_name_in_both_eras() {
    let mcp = Mcp::new(discovery(), routes());
    let result = mcp
        .call(
            "create_issue_comment",
            json!({"number": 7, "body": "hello"}),
        )
        .await;
    assert_eq!(
        result["structuredContent"],
        json!({"issue": "7", "comment": "hello"}),
        "{result}"
    );
    let modern = mcp
        .rpc_modern(
            "tools/call",
            json!({"name": "get_issue", "arguments": {"number": 3}}),
        )
        .await;
    assert_eq!(
        modern["result"]["structuredContent"],
        json!({"number": "3"})
    );
    let shout = mcp.call("shout", json!({"words": "hi"})).await;
    assert_eq!(shout["structuredContent"], json!({"shouted": "HI"}));

    let session = Mcp::new(with_sessions().tool_search(pinned()), routes());
    let id = session.open_session().await;
    let reply = session
        .rpc_in(
            &id,
            "tools/call",
            json!({"name": "get_issue", "arguments": {"number": 5}}),
        )
        .await;
    assert_eq!(reply["result"]["structuredContent"], json!({"number": "5"}));
}

#[tokio::test]
async fn call_tool_calls_the_tool_it_names() {
    let mcp = Mcp::new(discovery(), routes());
    let result = mcp
        .call(
            "call_tool",
            json!({"name": "create_issue_comment", "arguments": {"number": 2, "body": "via"}}),
        )
        .await;
    assert_eq!(
        result["structuredContent"],
        json!({"issue": "2", "comment": "via"}),
        "{result}"
    );
    let shout = mcp
        .call(
            "call_tool",
            json!({"name": "shout", "arguments": {"words": "ok"}}),
        )
        .await;
    assert_eq!(shout["structuredContent"], json!({"shouted": "OK"}));
    let search = mcp
        .call(
            "call_tool",
            json!({"name": "search_tools", "arguments": {"query": "labels"}}),
        )
        .await;
    assert_eq!(found(&search)[0], "list_labels");
    let modern = mcp
        .rpc_modern(
            "tools/call",
            json!({"name": "call_tool", "arguments": {"name": "list_releases"}}),
        )
        .await;
    assert_eq!(
        modern["result"]["structuredContent"],
        json!({"method": "GET", "path": "/releases"})
    );

    // Arguments that do not fit are tool errors the model can read.
    let nameless = mcp.call("call_tool", json!({"arguments": {}})).await;
    assert_eq!(nameless["isError"], json!(true));
    assert!(text(&nameless).contains("'name' is required"), "{nameless}");
    let nested = mcp
        .call("call_tool", json!({"name": "call_tool", "arguments": {}}))
        .await;
    assert_eq!(nested["isError"], json!(true));
    let invalid = mcp
        .call(
            "call_tool",
            json!({"name": "create_issue_comment", "arguments": {"number": "x"}}),
        )
        .await;
    assert_eq!(invalid["isError"], json!(true), "{invalid}");
    let queryless = mcp.call("search_tools", json!({"limit": 3})).await;
    assert_eq!(queryless["isError"], json!(true));
    assert!(
        text(&queryless).contains("'query' is required"),
        "{queryless}"
    );
}

#[tokio::test]
async fn without_discovery_nothing_changes() {
    let all = [
        "list_issues",
        "create_issue",
        "get_issue",
        "create_issue_comment",
        "list_labels",
        "list_releases",
        "shout",
    ];
    let off = Mcp::new(config(), routes());
    assert_eq!(names(&off.rpc("tools/list", json!({})).await), all);
    let reply = off
        .rpc(
            "tools/call",
            json!({"name": "search_tools", "arguments": {"query": "issues"}}),
        )
        .await;
    assert_unknown_tool(&reply);

    // Under the threshold, discovery mode stays off.
    let small = config().tool_search(ToolSearch::new().when_more_than(all.len()));
    let small = Mcp::new(small, routes());
    assert_eq!(names(&small.rpc("tools/list", json!({})).await), all);
    let over = config().tool_search(ToolSearch::new().when_more_than(all.len() - 1));
    let over = Mcp::new(over, routes());
    assert_eq!(
        names(&over.rpc("tools/list", json!({})).await),
        ["search_tools", "call_tool"]
    );
}

#[test]
fn pinned_tools_must_exist_and_meta_tool_names_must_be_free() {
    let unknown = config().tool_search(ToolSearch::new().always_listed(["no_such_tool"]));
    let error = mcp_web_core::McpService::new(unknown, "/mcp", support::FnDispatcher::new(echo))
        .unwrap_err();
    assert!(
        matches!(&error, MountError::InvalidConfig(why) if why.contains("no_such_tool")),
        "{error}"
    );
    let clash = config()
        .tool(CuratedTool::new(
            "search_tools",
            "My own search",
            |args: Shout, _cx| async move { Ok(args.words) },
        ))
        .tool_search(ToolSearch::new());
    let error =
        mcp_web_core::McpService::new(clash, "/mcp", support::FnDispatcher::new(echo)).unwrap_err();
    assert!(matches!(error, MountError::NameClash(_)), "{error}");
}

#[test]
fn the_finder_answers_what_search_tools_answers() {
    let finder = config().tool_finder().unwrap();
    assert_eq!(
        finder.len(),
        7,
        "the filtered operations and the curated tool"
    );
    assert_eq!(finder.ranked("new issue", 1), ["create_issue"]);
    let found = finder.search("comment on an issue", Some(1), &[]);
    assert_eq!(found["tools"][0]["name"], "create_issue_comment");
    assert_eq!(found["tools"].as_array().unwrap().len(), 1);
    let capped = finder.search("issue", Some(1000), &[]);
    assert!(capped["tools"].as_array().unwrap().len() <= ToolSearch::MAX_LIMIT);
}
