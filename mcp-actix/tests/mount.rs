//! The mount in-process, with actix-web's test utilities: no socket anywhere, every request goes
//! through the App service that `HttpServer` would run on a worker.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use actix_web::{
    App, HttpMessage, HttpRequest, HttpResponse, Responder,
    body::MessageBody,
    dev::{Service, ServiceRequest, ServiceResponse},
    get,
    http::StatusCode,
    test, web,
};
use actix_web_httpauth::{extractors::bearer::BearerAuth, middleware::HttpAuthentication};
use bytes::Bytes;
use mcp_actix::{McpAppExt, McpConfig, McpMount, McpToolCall};
use serde_json::{Value, json};
use utoipa::OpenApi;

mod support;

use support::{AUTH, PEER, call, get_status, post_mcp, rpc};

/// Read one item.
#[utoipa::path(get, path = "/items/{name}", operation_id = "get_item",
    params(("name" = String, Path, description = "Item name")),
    responses((status = 200, body = Object), (status = 404, body = String)))]
#[get("/items/{name}")]
async fn get_item(name: web::Path<String>) -> HttpResponse {
    if name.as_str() == "missing" {
        return HttpResponse::NotFound().body(format!("no item {name}"));
    }
    HttpResponse::Ok().json(json!({"name": name.into_inner(), "tags": []}))
}

/// Who is calling: the token, the tool-call marker, the peer and what the auth middleware set.
#[utoipa::path(get, path = "/whoami", operation_id = "whoami", responses((status = 200, body = Object)))]
#[get("/whoami")]
async fn whoami(request: HttpRequest) -> HttpResponse {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    let tool = request
        .extensions()
        .get::<McpToolCall>()
        .map(|call| call.tool.clone());
    let user = request
        .extensions()
        .get::<User>()
        .map(|user| user.0.clone());
    HttpResponse::Ok().json(json!({
        "authorization": header("authorization"),
        "session": header("mcp-session-id"),
        "tool": tool,
        "peer": request.peer_addr().map(|peer| peer.to_string()),
        "user": user,
    }))
}

/// Always panics.
#[utoipa::path(get, path = "/boom", operation_id = "boom", responses((status = 200, body = String)))]
#[get("/boom")]
async fn boom() -> &'static str {
    panic!("boom handler exploded")
}

/// Set when the `slow` handler is dropped before it finishes.
#[derive(Clone, Default)]
struct Abandoned(Arc<AtomicBool>);

struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Takes far longer than the configured call timeout.
#[utoipa::path(get, path = "/slow", operation_id = "slow", responses((status = 200, body = String)))]
#[get("/slow")]
async fn slow(abandoned: web::Data<Abandoned>) -> &'static str {
    let _guard = SetOnDrop(abandoned.0.clone());
    tokio::time::sleep(Duration::from_secs(30)).await;
    "late"
}

/// Streams its answer in three chunks.
#[utoipa::path(get, path = "/ticks", operation_id = "ticks",
    responses((status = 200, content_type = "text/plain", body = String)))]
#[get("/ticks")]
async fn ticks() -> HttpResponse {
    let chunks = futures::stream::unfold(0, |tick| async move {
        if tick == 3 {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        Some((
            Ok::<_, actix_web::Error>(Bytes::from(format!("tick {tick};"))),
            tick + 1,
        ))
    });
    HttpResponse::Ok()
        .content_type("text/plain")
        .streaming(chunks)
}

/// Three JSON lines, 20 ms apart.
#[utoipa::path(get, path = "/feed", operation_id = "feed",
    responses((status = 200, content_type = "application/x-ndjson", body = String)))]
#[get("/feed")]
async fn feed() -> HttpResponse {
    let lines = futures::stream::unfold(1, |n| async move {
        if n > 3 {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        Some((
            Ok::<_, actix_web::Error>(Bytes::from(format!("{{\"n\":{n}}}\n"))),
            n + 1,
        ))
    });
    HttpResponse::Ok()
        .content_type("application/x-ndjson")
        .streaming(lines)
}

/// Creates an item from a JSON body.
#[utoipa::path(post, path = "/items", operation_id = "create_item",
    request_body = Object, responses((status = 201, body = Object)))]
#[actix_web::post("/items")]
async fn create_item(item: web::Json<Value>) -> impl Responder {
    HttpResponse::Created().json(item.into_inner())
}

#[derive(OpenApi)]
#[openapi(
    info(title = "items", version = "1.2.3"),
    paths(get_item, whoami, boom, slow, ticks, feed, create_item)
)]
struct ApiDoc;

/// The user the auth middleware found, for handlers to read.
#[derive(Clone)]
struct User(String);

async fn validate(
    request: ServiceRequest,
    credentials: BearerAuth,
) -> Result<ServiceRequest, (actix_web::Error, ServiceRequest)> {
    if credentials.token() == "secret" {
        request.extensions_mut().insert(User("alice".into()));
        Ok(request)
    } else {
        Err((actix_web::error::ErrorUnauthorized("bad token"), request))
    }
}

type Seen = Arc<Mutex<Vec<String>>>;

fn config() -> McpConfig {
    McpConfig::new(ApiDoc::openapi())
        .stateless()
        .json_responses()
        .call_timeout(Duration::from_millis(300))
}

/// The app as a user writes it: services, middleware, then the one line.
async fn app(
    config: McpConfig,
) -> (
    impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    Seen,
    Abandoned,
) {
    let seen: Seen = Arc::default();
    let abandoned = Abandoned::default();
    let mcp = McpMount::try_new("/mcp", config).unwrap();
    let recorder = seen.clone();
    let app = App::new()
        .app_data(web::Data::new(abandoned.clone()))
        .service(get_item)
        .service(whoami)
        .service(boom)
        .service(slow)
        .service(ticks)
        .service(feed)
        .service(create_item)
        .wrap(HttpAuthentication::bearer(validate))
        .wrap_fn(move |request, service| {
            recorder
                .lock()
                .unwrap()
                .push(format!("{} {}", request.method(), request.uri()));
            service.call(request)
        })
        .mount_http(&mcp);
    (test::init_service(app).await, seen, abandoned)
}

fn text(result: &Value) -> String {
    result["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[actix_web::test]
async fn tools_list_shows_the_documented_operations_but_not_the_mount() {
    let (app, _, _) = app(config()).await;
    let reply = rpc(&app, "tools/list", json!({})).await;
    let tools = reply["result"]["tools"].as_array().unwrap();
    let mut names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "boom",
            "create_item",
            "feed",
            "get_item",
            "slow",
            "ticks",
            "whoami"
        ]
    );
    let item = tools.iter().find(|t| t["name"] == "get_item").unwrap();
    assert_eq!(item["inputSchema"]["required"], json!(["name"]));
}

#[actix_web::test]
async fn middleware_runs_for_the_mcp_request_and_again_for_the_in_process_call() {
    let (app, seen, _) = app(config()).await;
    let result = call(&app, "get_item", json!({"name": "a/b c?d#e%f"})).await;
    assert_eq!(result["isError"], false, "{result}");
    // The handler got the value intact: the segment was encoded, routed and decoded correctly.
    assert_eq!(
        result["structuredContent"],
        json!({"name": "a/b c?d#e%f", "tags": []})
    );
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen, ["POST /mcp", "GET /items/a%2Fb%20c%3Fd%23e%25f"]);
}

#[actix_web::test]
async fn the_hosts_auth_middleware_refuses_mcp_requests_without_a_valid_token() {
    let (app, seen, _) = app(config()).await;
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
    let (status, _) = post_mcp(&app, list.clone(), &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = post_mcp(&app, list, &[("authorization", "Bearer wrong")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[actix_web::test]
async fn the_in_process_call_carries_the_token_the_marker_and_the_clients_address() {
    let (app, _, _) = app(config()).await;
    let result = call(&app, "whoami", json!({})).await;
    assert_eq!(
        result["structuredContent"],
        json!({
            "authorization": "Bearer secret",
            // Only the allowlisted headers are forwarded.
            "session": null,
            "tool": "whoami",
            "peer": PEER,
            // The auth middleware ran for the in-process call and its extensions reached the handler.
            "user": "alice",
        })
    );
}

#[actix_web::test]
async fn json_bodies_and_non_2xx_answers() {
    let (app, _, _) = app(config()).await;
    let result = call(
        &app,
        "create_item",
        json!({"body": {"name": "x", "tags": ["a"]}}),
    )
    .await;
    assert_eq!(result["isError"], false, "{result}");
    assert_eq!(
        result["structuredContent"],
        json!({"name": "x", "tags": ["a"]})
    );

    let result = call(&app, "get_item", json!({"name": "missing"})).await;
    assert_eq!(result["isError"], true);
    assert_eq!(text(&result), "HTTP 404 Not Found: no item missing");
}

#[actix_web::test]
async fn a_streamed_response_arrives_whole() {
    let (app, _, _) = app(config()).await;
    let result = call(&app, "ticks", json!({})).await;
    assert_eq!(result["isError"], false, "{result}");
    assert_eq!(text(&result), "tick 0;tick 1;tick 2;");
}

#[actix_web::test]
async fn streamed_messages_reach_the_client_as_progress_before_the_result() {
    let (app, _, _) = app(config()).await;
    let message = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "feed", "arguments": {}, "_meta": {"progressToken": 9}}});
    let (status, body) = post_mcp(&app, message, &[AUTH]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let messages = mcp_test_support::reply::messages(&body);
    let progress: Vec<&Value> = messages
        .iter()
        .filter(|m| m["method"] == "notifications/progress")
        .map(|m| &m["params"]["message"])
        .collect();
    assert_eq!(
        progress,
        [
            &json!("{\"n\":1}"),
            &json!("{\"n\":2}"),
            &json!("{\"n\":3}")
        ],
        "{body}"
    );
    let last = messages.last().unwrap();
    assert_eq!(
        last["result"]["content"][0]["text"], "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n",
        "the result comes last, with the whole body: {body}"
    );
}

#[actix_web::test]
async fn a_response_over_the_limit_is_a_tool_error() {
    let (tight, _, _) = app(config().max_response_body_bytes(10)).await;
    let result = call(&tight, "ticks", json!({})).await;
    assert_eq!(result["isError"], true, "{result}");
    assert!(text(&result).contains("larger than 10 bytes"), "{result}");
    // Under the limit the same tool answers.
    let (roomy, _, _) = app(config().max_response_body_bytes(100)).await;
    assert_eq!(
        text(&call(&roomy, "ticks", json!({})).await),
        "tick 0;tick 1;tick 2;"
    );
}

#[actix_web::test]
async fn a_panicking_handler_is_a_tool_error_and_the_worker_keeps_serving() {
    let (app, _, _) = app(config()).await;
    let result = call(&app, "boom", json!({})).await;
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("boom handler exploded"), "{result}");
    let result = call(&app, "get_item", json!({"name": "after"})).await;
    assert_eq!(result["structuredContent"]["name"], "after");
}

#[actix_web::test]
async fn a_call_past_its_timeout_is_a_tool_error_and_the_handler_is_dropped() {
    let (app, _, abandoned) = app(config()).await;
    let result = call(&app, "slow", json!({})).await;
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("timed out"), "{result}");
    for _ in 0..50 {
        if abandoned.0.load(Ordering::SeqCst) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the timed-out handler is still running on the worker");
}

#[actix_web::test]
async fn arguments_that_do_not_fit_and_unknown_tools_are_refused() {
    let (app, _, _) = app(config()).await;
    let result = call(&app, "get_item", json!({"name": 5})).await;
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("Invalid arguments"), "{result}");
    let reply = rpc(&app, "tools/call", json!({"name": "nope", "arguments": {}})).await;
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
}

#[actix_web::test]
async fn a_large_message_streams_in_and_one_over_the_limit_is_refused_clearly() {
    let (app, _, _) = app(config().max_request_body_bytes(200_000)).await;
    // Past what the endpoint reads whole on the worker (64 KiB), so it is relayed as it streams.
    let padded = |bytes: usize| {
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
            "name": "get_item", "arguments": {"name": "big"},
            "_meta": {"padding": "x".repeat(bytes)}}})
    };
    let (status, body) = post_mcp(&app, padded(150_000), &[AUTH]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains(r#""structuredContent":{"name":"big""#),
        "{body}"
    );

    let (status, body) = post_mcp(&app, padded(250_000), &[AUTH]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body.contains("exceeds 200000 bytes"), "{body}");
    // The worker keeps serving.
    let result = call(&app, "get_item", json!({"name": "after"})).await;
    assert_eq!(result["structuredContent"]["name"], "after");
}

#[actix_web::test]
async fn malformed_json_is_refused_clearly() {
    let (app, _, _) = app(config()).await;
    let request = test::TestRequest::post()
        .uri("/mcp")
        .insert_header(("host", "127.0.0.1"))
        .insert_header(AUTH)
        .insert_header(("content-type", "application/json"))
        .insert_header(("accept", "application/json, text/event-stream"))
        .set_payload("{not json")
        .to_request();
    let response = test::call_service(&app, request).await;
    assert!(response.status().is_client_error(), "{}", response.status());
}

#[actix_web::test]
async fn foreign_hosts_are_refused_and_allowed_hosts_are_configurable() {
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
    let (default, _, _) = app(config()).await;
    let (status, _) = post_mcp(
        &default,
        list.clone(),
        &[AUTH, ("host", "evil.example.com")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (allowed, _, _) = app(config().allowed_hosts(["api.example.com"])).await;
    let (status, _) = post_mcp(&allowed, list.clone(), &[AUTH, ("host", "api.example.com")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = post_mcp(&allowed, list, &[AUTH, ("host", "evil.example.com")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn the_mount_answers_at_exactly_its_path_and_other_routes_are_untouched() {
    let (app, _, _) = app(config()).await;
    assert_eq!(get_status(&app, "/items/plain").await, StatusCode::OK);
    let request = test::TestRequest::post()
        .uri("/mcp/extra")
        .insert_header(AUTH)
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn server_info_comes_from_the_openapi_document() {
    let (app, _, _) = app(config()).await;
    let reply = rpc(
        &app,
        "initialize",
        json!({"protocolVersion": "2025-06-18", "capabilities": {},
               "clientInfo": {"name": "test", "version": "1"}}),
    )
    .await;
    assert_eq!(reply["result"]["serverInfo"]["name"], "items");
    assert_eq!(reply["result"]["serverInfo"]["version"], "1.2.3");

    // A 2026-07-28 client discovers the same server statelessly.
    let meta = json!({"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                      "io.modelcontextprotocol/clientCapabilities": {}});
    let discover = json!({"jsonrpc": "2.0", "id": 8, "method": "server/discover",
                          "params": {"_meta": meta}});
    let headers = [
        AUTH,
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "server/discover"),
    ];
    let (status, body) = post_mcp(&app, discover, &headers).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let reply: Value = serde_json::from_str(&body).unwrap();
    let info = &reply["result"]["_meta"]["io.modelcontextprotocol/serverInfo"];
    assert_eq!(info["name"], "items", "{reply}");
    assert_eq!(reply["result"]["resultType"], "complete");
}

#[actix_web::test]
async fn an_endpoint_registered_first_is_matched_before_a_catch_all_route() {
    let mcp = McpMount::try_new("/mcp", config()).unwrap();
    // Registered by `mount_http` alone, `/mcp` would be taken by the catch-all below.
    let caught = || async { HttpResponse::ImATeapot().body("caught by /{page}") };
    let app = |first: bool| {
        let app = App::new();
        let app = match first {
            true => app.service(mcp.endpoint()),
            false => app.service(web::resource("/unused")),
        };
        app.service(get_item)
            .route("/{page}", web::route().to(caught))
            .wrap(HttpAuthentication::bearer(validate))
            .mount_http(&mcp)
    };
    let late = test::init_service(app(false)).await;
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
    let (status, body) = post_mcp(&late, list, &[AUTH]).await;
    assert_eq!(status, StatusCode::IM_A_TEAPOT, "{body}");

    let first = test::init_service(app(true)).await;
    // The tool call reaches the handler through this App (auth included), and the App's own
    // routes are untouched.
    let result = call(&first, "get_item", json!({"name": "x"})).await;
    assert_eq!(
        result["structuredContent"],
        json!({"name": "x", "tags": []})
    );
    assert_eq!(get_status(&first, "/about").await, StatusCode::IM_A_TEAPOT);
}
