//! `StandaloneMcp`: the MCP endpoint on an App of its own, with its own middleware, its tool
//! calls served by the workers of the API's App ([`InProcessApi`]) or over HTTP by an API served
//! on a loopback port.

use std::sync::{Arc, Mutex};

use actix_web::{
    App, HttpRequest, HttpResponse, HttpServer,
    dev::{Service, ServiceRequest},
    http::StatusCode,
    test, web,
};
use actix_web_httpauth::{extractors::bearer::BearerAuth, middleware::HttpAuthentication};
use mcp_actix::{InProcessApi, McpAppExt, McpConfig, StandaloneMcp};
use mcp_web_remote::RemoteApi;
use serde_json::json;

mod support;

use support::{AUTH, PEER, call, get_status, post_mcp};

async fn get_item(name: web::Path<String>) -> HttpResponse {
    HttpResponse::Ok().json(json!({"name": name.into_inner()}))
}

/// Echoes what the API received: the Authorization header and the caller's address.
async fn whoami(request: HttpRequest) -> HttpResponse {
    let auth = request
        .headers()
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_string());
    let peer = request.peer_addr().map(|a| a.to_string());
    HttpResponse::Ok().json(json!({"authorization": auth, "peer": peer}))
}

fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/items/{name}", web::get().to(get_item))
        .route("/whoami", web::get().to(whoami));
}

fn config() -> McpConfig {
    McpConfig::from_json(mcp_test_support::documents::items_document())
        .stateless()
        .json_responses()
}

/// The host's auth, the same on both apps.
async fn validate(
    request: ServiceRequest,
    credentials: BearerAuth,
) -> Result<ServiceRequest, (actix_web::Error, ServiceRequest)> {
    if credentials.token() == "secret" {
        Ok(request)
    } else {
        Err((actix_web::error::ErrorUnauthorized("bad token"), request))
    }
}

type Seen = Arc<Mutex<Vec<String>>>;

/// Records `METHOD uri` of every request that reaches the App it wraps.
fn recorder(seen: Seen) -> impl Fn(ServiceRequest) -> ServiceRequest + Clone {
    move |request| {
        let line = format!("{} {}", request.method(), request.uri());
        seen.lock().unwrap().push(line);
        request
    }
}

#[actix_web::test]
async fn in_process_tool_calls_go_through_the_api_app_and_its_middleware() {
    let (api_seen, mcp_seen) = (Seen::default(), Seen::default());
    let api = InProcessApi::new();
    let mcp = StandaloneMcp::new("/mcp", config())
        .in_process(&api)
        .unwrap();
    assert_eq!(api.workers(), 0);

    let record_api = recorder(api_seen.clone());
    let api_app = App::new()
        .configure(routes)
        .wrap(HttpAuthentication::bearer(validate))
        .wrap_fn(move |request, service| service.call(record_api(request)))
        .serve_mcp_calls(&api);
    let api_app = test::init_service(api_app).await;
    assert_eq!(api.workers(), 1);
    let record_mcp = recorder(mcp_seen.clone());
    let mcp_app = App::new()
        .wrap(HttpAuthentication::bearer(validate))
        .wrap_fn(move |request, service| service.call(record_mcp(request)))
        .mount_http(&mcp);
    let mcp_app = test::init_service(mcp_app).await;

    let result = call(&mcp_app, "get_item", json!({"name": "a/b"})).await;
    assert_eq!(result["isError"], false, "{result}");
    assert_eq!(result["structuredContent"], json!({"name": "a/b"}));
    // The caller's token is forwarded in-process, and the API sees the MCP client's address.
    let who = call(&mcp_app, "whoami", json!({})).await;
    assert_eq!(
        who["structuredContent"],
        json!({"authorization": "Bearer secret", "peer": PEER})
    );
    assert_eq!(*mcp_seen.lock().unwrap(), ["POST /mcp", "POST /mcp"]);
    assert_eq!(
        *api_seen.lock().unwrap(),
        ["GET /items/a%2Fb", "GET /whoami"]
    );

    // The API's routes are served by the API's App only.
    assert_eq!(get_status(&api_app, "/items/a").await, StatusCode::OK);
    assert_eq!(
        get_status(&mcp_app, "/items/a").await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get_status(&mcp_app, "/whoami").await, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn the_mcp_apps_own_middleware_guards_the_endpoint() {
    let api = InProcessApi::new();
    let mcp = StandaloneMcp::new("/mcp", config())
        .in_process(&api)
        .unwrap();
    let mcp_app = App::new()
        .wrap(HttpAuthentication::bearer(validate))
        .mount_http(&mcp);
    let mcp_app = test::init_service(mcp_app).await;
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}});
    let (status, body) = post_mcp(&mcp_app, list.clone(), &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, body) = post_mcp(&mcp_app, list, &[AUTH, ("host", "evil.example")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}

#[actix_web::test]
async fn without_a_running_api_app_a_call_says_what_is_missing() {
    let api = InProcessApi::new();
    let mcp = StandaloneMcp::new("/mcp", config())
        .in_process(&api)
        .unwrap();
    let mcp_app = test::init_service(App::new().mount_http(&mcp)).await;
    let result = call(&mcp_app, "get_item", json!({"name": "a"})).await;
    assert_eq!(result["isError"], true, "{result}");
    let text = result["content"][0]["text"].as_str().unwrap();
    assert!(text.contains(".serve_mcp_calls(&api)"), "{text}");
}

#[actix_web::test]
async fn over_http_the_callers_token_is_not_forwarded_unless_chosen() {
    let server = HttpServer::new(|| {
        App::new()
            .configure(routes)
            .wrap(HttpAuthentication::bearer(validate))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .unwrap();
    let base = format!("http://{}", server.addrs()[0]);
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);

    let mcp = StandaloneMcp::new("/mcp", config())
        .remote(RemoteApi::new(&base).unwrap())
        .unwrap();
    let mcp_app = test::init_service(App::new().mount_http(&mcp)).await;
    let refused = call(&mcp_app, "whoami", json!({})).await;
    assert_eq!(refused["isError"], true, "{refused}");
    assert!(refused.to_string().contains("401"), "{refused}");

    let forwarding = RemoteApi::new(&base)
        .unwrap()
        .forward_caller_authorization();
    let mcp = StandaloneMcp::new("/mcp", config())
        .remote(forwarding)
        .unwrap();
    let mcp_app = test::init_service(App::new().mount_http(&mcp)).await;
    let who = call(&mcp_app, "whoami", json!({})).await;
    assert_eq!(who["structuredContent"]["authorization"], "Bearer secret");
    let item = call(&mcp_app, "get_item", json!({"name": "a/b"})).await;
    assert_eq!(item["structuredContent"], json!({"name": "a/b"}));
    handle.stop(false).await;
}
