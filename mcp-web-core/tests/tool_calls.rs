//! Generated tools, end to end through the endpoint: what `tools/list` shows, how arguments
//! become the in-process request, and how every answer — or failure — becomes a tool result.

mod support;

use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode, header};
use mcp_web_core::{DispatchBody, McpConfig, McpToolCall};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use support::{Mcp, Routes, json, param, plain, respond, text};
use utoipa::{OpenApi, ToSchema};

#[derive(Serialize, Deserialize, ToSchema)]
struct Item {
    name: String,
    tags: Vec<String>,
}

/// Read one item.
#[utoipa::path(get, path = "/items/{name}", operation_id = "get_item",
    params(("name" = String, Path, description = "Item name")),
    responses((status = 200, body = Item), (status = 404, body = String)))]
async fn get_item(request: Request<Bytes>) -> Response<DispatchBody> {
    let name = param(&request, "name");
    if name == "missing" {
        let why = format!("no item {name}");
        return respond(StatusCode::NOT_FOUND, "text/plain; charset=utf-8", why);
    }
    json(json!(Item { name, tags: vec![] }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct Search {
    /// Tags to match.
    tag: Option<Vec<String>>,
    limit: Option<u32>,
}

/// Search items; echoes the raw query it received.
#[utoipa::path(get, path = "/items", operation_id = "search_items", params(Search),
    responses((status = 200, body = Object)))]
async fn search_items(request: Request<Bytes>) -> Response<DispatchBody> {
    json(json!({ "query": request.uri().query() }))
}

/// Create an item.
#[utoipa::path(post, path = "/items", operation_id = "create_item", request_body = Item,
    responses((status = 201, body = Item)))]
async fn create_item(request: Request<Bytes>) -> Response<DispatchBody> {
    let item: Item = serde_json::from_slice(request.body()).expect("an Item");
    let body = serde_json::to_string(&item).unwrap();
    respond(StatusCode::CREATED, "application/json", body)
}

/// Who is calling: echoes the headers it got and the tool-call marker.
#[utoipa::path(get, path = "/whoami", operation_id = "whoami", responses((status = 200, body = Object)))]
async fn whoami(request: Request<Bytes>) -> Response<DispatchBody> {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    let tool = request
        .extensions()
        .get::<McpToolCall>()
        .map(|c| c.tool.clone());
    json(json!({
        "authorization": header("authorization"),
        "cookie": header("cookie"),
        "other": header("x-other"),
        "tenant": header("x-tenant"),
        "tool": tool,
    }))
}

/// Always panics.
#[utoipa::path(get, path = "/boom", operation_id = "boom", responses((status = 200, body = String)))]
async fn boom(_: Request<Bytes>) -> Response<DispatchBody> {
    panic!("boom handler exploded")
}

/// Takes far longer than the configured call timeout.
#[utoipa::path(get, path = "/slow", operation_id = "slow", responses((status = 200, body = String)))]
async fn slow(_: Request<Bytes>) -> Response<DispatchBody> {
    tokio::time::sleep(Duration::from_secs(30)).await;
    plain("late")
}

/// A tiny PNG-typed answer.
#[utoipa::path(get, path = "/logo", operation_id = "logo",
    responses((status = 200, content_type = "image/png", body = Vec<u8>)))]
async fn logo(_: Request<Bytes>) -> Response<DispatchBody> {
    respond(StatusCode::OK, "image/png", vec![0x89, b'P', b'N', b'G'])
}

/// Raw bytes of some other type.
#[utoipa::path(get, path = "/blob", operation_id = "blob",
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>)))]
async fn blob(_: Request<Bytes>) -> Response<DispatchBody> {
    respond(
        StatusCode::OK,
        "application/octet-stream",
        vec![0xff, 0x00, 0xfe],
    )
}

/// Documents an Item but answers something else.
#[utoipa::path(get, path = "/liar", operation_id = "liar", responses((status = 200, body = Item)))]
async fn liar(_: Request<Bytes>) -> Response<DispatchBody> {
    json(json!({"unexpected": true}))
}

/// A large answer.
#[utoipa::path(get, path = "/big", operation_id = "big", responses((status = 200, body = String)))]
async fn big(_: Request<Bytes>) -> Response<DispatchBody> {
    plain("x".repeat(64 * 1024))
}

#[derive(Deserialize, Serialize, ToSchema)]
struct Login {
    user: String,
    remember: bool,
}

/// A form body, echoed as JSON with the content type received.
#[utoipa::path(post, path = "/login", operation_id = "login",
    request_body(content = Login, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, body = Object)))]
async fn login(request: Request<Bytes>) -> Response<DispatchBody> {
    let fields = form_fields(request.body());
    let form = Login {
        user: fields["user"].clone(),
        remember: fields["remember"].parse().expect("a boolean"),
    };
    let content_type = request.headers()[header::CONTENT_TYPE].to_str().unwrap();
    json(json!({"content_type": content_type, "form": form}))
}

/// The fields of an `application/x-www-form-urlencoded` body, decoded.
fn form_fields(body: &[u8]) -> std::collections::HashMap<String, String> {
    let decode = |text: &str| {
        let text = text.replace('+', " ");
        percent_encoding::percent_decode_str(&text)
            .decode_utf8()
            .unwrap()
            .into_owned()
    };
    std::str::from_utf8(body)
        .unwrap()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (decode(name), decode(value)))
        .collect()
}

/// A text body, echoed.
#[utoipa::path(post, path = "/notes", operation_id = "add_note",
    request_body(content = String, content_type = "text/plain"),
    responses((status = 200, body = String, content_type = "text/plain")))]
async fn add_note(request: Request<Bytes>) -> Response<DispatchBody> {
    let body = std::str::from_utf8(request.body()).unwrap();
    plain(format!("noted: {body}"))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "items", version = "1.2.3"),
    paths(
        get_item,
        search_items,
        create_item,
        whoami,
        boom,
        slow,
        logo,
        blob,
        liar,
        big,
        login,
        add_note
    )
)]
struct ApiDoc;

fn routes() -> Routes {
    Routes::new()
        .get("/items/{name}", get_item)
        .get("/items", search_items)
        .post("/items", create_item)
        .get("/whoami", whoami)
        .get("/boom", boom)
        .get("/slow", slow)
        .get("/logo", logo)
        .get("/blob", blob)
        .get("/liar", liar)
        .get("/big", big)
        .post("/login", login)
        .post("/notes", add_note)
}

fn config() -> McpConfig {
    McpConfig::new(ApiDoc::openapi())
        .stateless()
        .json_responses()
        .call_timeout(Duration::from_millis(300))
}

fn mcp() -> Mcp {
    Mcp::new(config(), routes())
}

const AUTH: (&str, &str) = ("authorization", "Bearer secret");

#[tokio::test]
async fn tools_list_shows_the_documented_operations_but_not_the_mount() {
    let mcp = mcp();
    let reply = mcp.rpc("tools/list", json!({})).await;
    let tools = reply["result"]["tools"].as_array().unwrap();
    let mut names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "add_note",
            "big",
            "blob",
            "boom",
            "create_item",
            "get_item",
            "liar",
            "login",
            "logo",
            "search_items",
            "slow",
            "whoami"
        ]
    );
    let get_item = tools.iter().find(|t| t["name"] == "get_item").unwrap();
    assert_eq!(get_item["description"], "Read one item.");
    assert_eq!(get_item["inputSchema"]["required"], json!(["name"]));
    assert_eq!(
        get_item["inputSchema"]["properties"]["name"]["description"],
        "Item name"
    );
    assert_eq!(
        get_item["outputSchema"]["properties"]["tags"]["type"],
        "array"
    );
    assert_eq!(get_item["annotations"]["readOnlyHint"], true);

    let create = tools.iter().find(|t| t["name"] == "create_item").unwrap();
    assert_eq!(create["inputSchema"]["required"], json!(["name", "tags"]));
    // Not read-only: `false`, or left out, which means `false`.
    assert!(
        (create
            .get("annotations")
            .and_then(|a| a.get("readOnlyHint")))
        .is_none_or(|hint| hint == false),
        "{create}"
    );
}

#[tokio::test]
async fn path_values_are_one_encoded_segment_that_decodes_intact() {
    let mcp = mcp();
    let result = mcp.call("get_item", json!({"name": "a/b c?d#e%f"})).await;
    assert_eq!(result["isError"], false, "{result}");
    assert_eq!(
        result["structuredContent"],
        json!({"name": "a/b c?d#e%f", "tags": []})
    );
    assert_eq!(
        mcp.seen(),
        ["POST /mcp", "GET /items/a%2Fb%20c%3Fd%23e%25f"]
    );
}

#[tokio::test]
async fn the_callers_token_reaches_the_handler_and_nothing_else_is_forwarded() {
    let mcp = mcp();
    let reply = mcp
        .post(
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                   "params": {"name": "whoami", "arguments": {}}}),
            &[AUTH, ("cookie", "session=1"), ("x-other", "no")],
        )
        .await;
    let result = reply.message()["result"].clone();
    assert_eq!(
        result["structuredContent"],
        json!({"authorization": "Bearer secret", "cookie": null, "other": null,
               "tenant": null, "tool": "whoami"})
    );
}

#[tokio::test]
async fn forwarded_headers_are_configurable() {
    let mcp = Mcp::new(config().forward_headers(["x-tenant"]), routes());
    let reply = mcp
        .post(
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                   "params": {"name": "whoami", "arguments": {}}}),
            &[AUTH, ("x-tenant", "acme")],
        )
        .await;
    let echoed = &reply.message()["result"]["structuredContent"];
    // Authorization is no longer on the allowlist.
    assert_eq!(echoed["authorization"], Value::Null);
    assert_eq!(echoed["tenant"], "acme");
}

#[tokio::test]
async fn query_arrays_repeat_and_absent_optionals_leave_no_trace() {
    let mcp = mcp();
    let result = mcp
        .call(
            "search_items",
            json!({"tag": ["red fish", "a&b"], "limit": 5}),
        )
        .await;
    assert_eq!(
        result["structuredContent"]["query"],
        "tag=red%20fish&tag=a%26b&limit=5"
    );
    let result = mcp.call("search_items", json!({})).await;
    assert_eq!(result["structuredContent"]["query"], Value::Null);
}

#[tokio::test]
async fn json_bodies_are_sent_whole() {
    let mcp = mcp();
    let result = mcp
        .call("create_item", json!({"name": "n", "tags": ["t"]}))
        .await;
    assert_eq!(result["isError"], false);
    assert_eq!(
        result["structuredContent"],
        json!({"name": "n", "tags": ["t"]})
    );
}

#[tokio::test]
async fn non_2xx_answers_are_tool_errors_with_status_and_body() {
    let mcp = mcp();
    let result = mcp.call("get_item", json!({"name": "missing"})).await;
    assert_eq!(result["isError"], true);
    assert_eq!(text(&result), "HTTP 404 Not Found: no item missing");
}

#[tokio::test]
async fn arguments_that_do_not_fit_the_schema_are_tool_errors() {
    let mcp = mcp();
    let result = mcp.call("get_item", json!({})).await;
    assert_eq!(result["isError"], true);
    assert!(
        text(&result).contains("Invalid arguments for tool 'get_item'"),
        "{result}"
    );
    assert!(
        text(&result).contains("\"name\" is a required property"),
        "{result}"
    );

    let result = mcp
        .call("create_item", json!({"name": 3, "tags": "x"}))
        .await;
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("/name"), "{result}");
    assert!(text(&result).contains("/tags"), "{result}");

    // A path parameter of the wrong type never reaches the handler.
    let result = mcp.call("get_item", json!({"name": 5})).await;
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("Invalid arguments"), "{result}");
    assert_eq!(mcp.seen().iter().filter(|r| *r != "POST /mcp").count(), 0);
}

#[tokio::test]
async fn unknown_tools_and_methods_are_json_rpc_errors() {
    let mcp = mcp();
    let reply = mcp
        .rpc("tools/call", json!({"name": "nope", "arguments": {}}))
        .await;
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Unknown tool 'nope'")
    );

    let reply = mcp
        .post(
            json!({"jsonrpc": "2.0", "id": 1, "method": "no/such/method"}),
            &[],
        )
        .await;
    let message = reply.message();
    assert!(
        reply.status.is_client_error() || message["error"]["code"] == -32601,
        "{} {}",
        reply.status,
        reply.body
    );
}

#[tokio::test]
async fn a_panicking_handler_is_a_tool_error_and_the_app_keeps_serving() {
    let mcp = mcp();
    let result = mcp.call("boom", json!({})).await;
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("boom handler exploded"), "{result}");
    let result = mcp.call("get_item", json!({"name": "after"})).await;
    assert_eq!(result["structuredContent"]["name"], "after");
}

#[tokio::test]
async fn a_call_past_its_timeout_is_a_tool_error() {
    let mcp = mcp();
    let result = mcp.call("slow", json!({})).await;
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("timed out"), "{result}");
}

#[tokio::test]
async fn images_become_image_content_and_other_bytes_an_embedded_blob() {
    let mcp = mcp();
    let result = mcp.call("logo", json!({})).await;
    assert_eq!(result["content"][0]["type"], "image");
    assert_eq!(result["content"][0]["mimeType"], "image/png");
    assert_eq!(result["content"][0]["data"], "iVBORw==");

    let result = mcp.call("blob", json!({})).await;
    assert_eq!(result["content"][0]["type"], "resource");
    assert_eq!(
        result["content"][0]["resource"]["mimeType"],
        "application/octet-stream"
    );
    assert_eq!(result["content"][0]["resource"]["blob"], "/wD+");
}

#[tokio::test]
async fn an_answer_off_its_documented_schema_still_reaches_the_model_as_text() {
    let mcp = mcp();
    let result = mcp.call("liar", json!({})).await;
    assert_eq!(result["isError"], false);
    assert_eq!(text(&result), r#"{"unexpected":true}"#);
    assert!(result.get("structuredContent").is_none(), "{result}");
}

#[tokio::test]
async fn a_response_over_the_limit_is_a_tool_error() {
    let mcp = Mcp::new(config().max_response_body_bytes(1024), routes());
    let result = mcp.call("big", json!({})).await;
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("larger than 1024 bytes"), "{result}");
}

#[tokio::test]
async fn form_and_text_bodies_are_encoded_as_documented() {
    let mcp = mcp();
    let result = mcp
        .call("login", json!({"user": "a b&c", "remember": true}))
        .await;
    assert_eq!(
        result["structuredContent"],
        json!({"content_type": "application/x-www-form-urlencoded",
               "form": {"user": "a b&c", "remember": true}})
    );
    let result = mcp.call("add_note", json!({"body": "hello"})).await;
    assert_eq!(text(&result), "noted: hello");
}
