//! Several questions to the client in one round (`CallContext::ask`): one input-required result
//! on 2026-07-28, server-to-client requests sent at once in a 2025-era session.

// Sampling and roots are deprecated by SEP-2577 for a future protocol; both eras have them.
#![allow(deprecated)]

mod support;

use std::time::Duration;

use http::StatusCode;
use http_body_util::BodyExt;
use mcp_test_support::{protocol, reply};
use mcp_web_core::{
    McpConfig,
    curated::{
        CallContext, CuratedTool, HandlerError,
        model::{
            CreateMessageRequestParams, ElicitRequestParams, ElicitationSchema, SamplingMessage,
        },
    },
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use support::{Mcp, Routes, post_request};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi()]
struct NoApi;

#[derive(Deserialize, JsonSchema)]
struct NoArguments {}

fn name_form() -> Result<ElicitRequestParams, HandlerError> {
    Ok(ElicitRequestParams::FormElicitationParams {
        meta: None,
        message: "What is your name?".into(),
        requested_schema: ElicitationSchema::builder()
            .required_string("name")
            .build()
            .map_err(HandlerError::new)?,
    })
}

fn greeting() -> CreateMessageRequestParams {
    CreateMessageRequestParams::new(vec![SamplingMessage::user_text("A greeting")], 20)
}

/// Asks for a name (named), a greeting and the roots (numbered), all in one round.
async fn greet(_: NoArguments, cx: CallContext) -> Result<String, HandlerError> {
    let (name, greeting, roots) = cx
        .ask()
        .elicit_named("user_name", name_form()?)
        .sample(greeting())
        .roots()
        .await?;
    let name = name.content.unwrap_or_default()["name"].clone();
    let text = greeting.message.content.first().and_then(|c| c.as_text());
    let text = text.map(|t| t.text.clone()).unwrap_or_default();
    Ok(format!("{text}, {name} ({} roots)", roots.roots.len()))
}

fn config(config: McpConfig) -> McpConfig {
    config
        .tool(CuratedTool::new("greet", "Three questions at once", greet))
        .tool(CuratedTool::new(
            "twice",
            "Two questions under one key",
            |_: NoArguments, cx: CallContext| async move {
                cx.ask().roots_named("same").roots_named("same").await?;
                Ok("never".to_string())
            },
        ))
}

/// The `_meta` of a 2026-07-28 client that declared `capabilities`.
fn meta(capabilities: Value) -> Value {
    let mut meta = protocol::modern_meta();
    meta["io.modelcontextprotocol/clientCapabilities"] = capabilities;
    meta
}

fn every_capability() -> Value {
    json!({"elicitation": {"form": {}}, "sampling": {}, "roots": {}})
}

/// A 2026-07-28 call of `tool` with `extra` members in its params; the reply.
async fn call(mcp: &Mcp, tool: &str, extra: Value) -> Value {
    let mut params = json!({"name": tool, "arguments": {}, "_meta": meta(every_capability())});
    for (key, value) in extra.as_object().unwrap() {
        params[key] = value.clone();
    }
    mcp.rpc_modern("tools/call", params).await
}

fn answers() -> [(&'static str, Value); 3] {
    [
        (
            "user_name",
            json!({"action": "accept", "content": {"name": "Ada"}}),
        ),
        (
            "sampling-0",
            json!({"role": "assistant", "content": {"type": "text", "text": "Hello"},
                   "model": "m", "stopReason": "endTurn"}),
        ),
        (
            "roots-1",
            json!({"roots": [{"uri": "file:///a"}, {"uri": "file:///b"}]}),
        ),
    ]
}

#[tokio::test]
async fn on_2026_07_28_the_questions_of_a_round_share_one_input_required_result() {
    let mcp = Mcp::new(config(McpConfig::new(NoApi::openapi())), Routes::new());
    let first = call(&mcp, "greet", json!({})).await;
    let result = &first["result"];
    assert_eq!(result["resultType"], "input_required", "{first}");
    let requests = result["inputRequests"].as_object().unwrap();
    let methods: Vec<(&str, &str)> = requests
        .iter()
        .map(|(key, request)| (key.as_str(), request["method"].as_str().unwrap()))
        .collect();
    assert_eq!(
        methods,
        [
            ("roots-1", "roots/list"),
            ("sampling-0", "sampling/createMessage"),
            ("user_name", "elicitation/create"),
        ]
    );

    // An answer to one question: the next round asks only the two others.
    let [name, sampled, roots] = answers();
    let partial = json!({name.0: name.1});
    let second = call(
        &mcp,
        "greet",
        json!({"inputResponses": partial, "requestState": result["requestState"]}),
    )
    .await;
    let result = &second["result"];
    assert_eq!(result["resultType"], "input_required", "{second}");
    let keys: Vec<&String> = result["inputRequests"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(keys, ["roots-1", "sampling-0"]);

    // The rest, with the state that carries the first answer: the tool completes.
    let rest = json!({sampled.0: sampled.1, roots.0: roots.1});
    let done = call(
        &mcp,
        "greet",
        json!({"inputResponses": rest, "requestState": result["requestState"]}),
    )
    .await;
    assert_eq!(done["result"]["resultType"], "complete", "{done}");
    assert_eq!(
        done["result"]["content"][0]["text"],
        "Hello, \"Ada\" (2 roots)"
    );
}

#[tokio::test]
async fn every_capability_a_round_needs_and_the_client_lacks_is_named_at_once() {
    let mcp = Mcp::new(config(McpConfig::new(NoApi::openapi())), Routes::new());
    let params = json!({"name": "greet", "arguments": {},
                        "_meta": meta(json!({"elicitation": {"form": {}}}))});
    let reply = mcp.post_modern(7, "tools/call", params).await.message();
    assert_eq!(reply["error"]["code"], -32021, "{reply}");
    let required = &reply["error"]["data"]["requiredCapabilities"];
    assert!(required["sampling"].is_object(), "{reply}");
    assert!(required["roots"].is_object(), "{reply}");
    assert!(required.get("elicitation").is_none(), "{reply}");
}

#[tokio::test]
async fn two_questions_of_one_round_under_one_key_are_an_error() {
    let mcp = Mcp::new(config(McpConfig::new(NoApi::openapi())), Routes::new());
    let reply = call(&mcp, "twice", json!({})).await;
    assert_eq!(reply["result"]["isError"], true, "{reply}");
    let text = reply["result"]["content"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("Two questions of one round are named 'same'"),
        "{text}"
    );
}

#[tokio::test]
async fn in_a_2025_session_the_questions_are_sent_at_once_and_answered_together() {
    let mcp = Mcp::new(config(McpConfig::new(NoApi::openapi())), Routes::new());
    let initialize = protocol::request(
        1,
        "initialize",
        json!({"protocolVersion": protocol::LEGACY_VERSION, "capabilities": every_capability(),
               "clientInfo": {"name": "test", "version": "1"}}),
    );
    let opened = mcp.post(initialize, &[]).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    let session = opened.headers["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_string();
    let headers = protocol::session_headers(&session);
    mcp.post(protocol::initialized(), &headers).await;

    // An id of its own: the server numbers its requests from 0 on the same stream.
    let call = protocol::request(100, "tools/call", json!({"name": "greet", "arguments": {}}));
    let mut body = mcp.open(post_request(call, &headers)).await.into_body();
    let mut received = String::new();
    // Every question arrives before any is answered: they are sent at once.
    let requests = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let frame = body.frame().await.expect("the stream is open").unwrap();
            received.push_str(&String::from_utf8_lossy(&frame.into_data().unwrap()));
            let requests: Vec<Value> = reply::messages(&received)
                .into_iter()
                .filter(|m| m.get("method").is_some() && m.get("id").is_some())
                .collect();
            if requests.len() == 3 {
                return requests;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("three requests before any answer: {received}"));
    let [name, sampled, roots] = answers();
    for request in &requests {
        let result = match request["method"].as_str().unwrap() {
            "elicitation/create" => name.1.clone(),
            "sampling/createMessage" => sampled.1.clone(),
            "roots/list" => roots.1.clone(),
            other => panic!("unexpected request {other}"),
        };
        let answer = json!({"jsonrpc": "2.0", "id": request["id"], "result": result});
        let posted = mcp.post(answer, &headers).await;
        assert_eq!(posted.status, StatusCode::ACCEPTED, "{}", posted.body);
    }
    let rest = tokio::time::timeout(Duration::from_secs(5), body.collect())
        .await
        .expect("the result after the answers")
        .unwrap()
        .to_bytes();
    received.push_str(&String::from_utf8_lossy(&rest));
    let result = reply::messages(&received)
        .into_iter()
        .find(|m| m["id"] == 100 && m.get("method").is_none())
        .unwrap_or_else(|| panic!("no result: {received}"));
    assert_eq!(
        result["result"]["content"][0]["text"], "Hello, \"Ada\" (2 roots)",
        "{result}"
    );
}
