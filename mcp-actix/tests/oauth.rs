//! OAuth on the actix mount, in-process: the metadata reachable through the host's
//! `HttpAuthentication::bearer` (the edge is the outermost middleware with no call of the user's),
//! the challenge on its 401s, per-tool scopes read from claims carried over from actix's
//! extensions, per-caller `tools/list`, and the caller's token kept on in-process calls.

use actix_web::{
    App, HttpMessage, HttpRequest, HttpResponse,
    body::MessageBody,
    dev::{Service, ServiceRequest, ServiceResponse},
    http::StatusCode,
    test, web,
};
use actix_web_httpauth::{extractors::bearer::BearerAuth, middleware::HttpAuthentication};
use mcp_actix::{
    McpAppExt, McpConfig, McpMount,
    oauth::{CallerScopes, ProtectedResource},
};
use mcp_test_support::{documents, protocol, reply};
use serde_json::{Value, json};

mod support;

/// What the host's validator leaves in the extensions.
#[derive(Clone)]
struct Claims {
    scope: String,
}

/// The host's auth: tokens `read` and `write` grant those scopes; anything else is a 401.
async fn validate(
    request: ServiceRequest,
    credentials: BearerAuth,
) -> Result<ServiceRequest, (actix_web::Error, ServiceRequest)> {
    let scope = match credentials.token() {
        "read" => "notes:read",
        "write" => "notes:read notes:write",
        _ => return Err((actix_web::error::ErrorUnauthorized("bad token"), request)),
    };
    request.extensions_mut().insert(Claims {
        scope: scope.into(),
    });
    Ok(request)
}

async fn echo_token(request: HttpRequest) -> HttpResponse {
    let token = request.headers().get("authorization");
    HttpResponse::Ok().body(token.map_or(String::new(), |t| t.to_str().unwrap().to_owned()))
}

async fn app() -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    let resource = ProtectedResource::new("http://127.0.0.1:3000/mcp")
        .authorization_server("http://127.0.0.1:3020/")
        .scopes_supported(["notes:read", "notes:write"])
        .challenge_scopes(["notes:read"])
        .metadata_at_root();
    let config = McpConfig::from_json(documents::scoped_notes_document())
        .stateless()
        .oauth(resource)
        .caller_scopes(CallerScopes::scope_claim(|c: &Claims| &c.scope));
    let mcp = McpMount::new("/mcp", config).carry_extension::<Claims>();
    let app = App::new()
        .route("/notes", web::get().to(echo_token))
        .route("/notes", web::post().to(echo_token))
        .wrap(HttpAuthentication::bearer(validate))
        .mount_http(&mcp);
    test::init_service(app).await
}

async fn call(
    app: &impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    method: &str,
    params: Value,
    token: &str,
) -> (StatusCode, String, String) {
    let params = protocol::with_modern_meta(params);
    let bearer = format!("Bearer {token}");
    let mut headers = protocol::modern_headers(method, &params);
    headers.push(("authorization", &bearer));
    let message = protocol::request(1, method, params.clone());
    let (status, head, body) = support::post_mcp_head(app, message, &headers).await;
    let challenge = head
        .get("www-authenticate")
        .map_or(String::new(), |v| v.to_str().unwrap().to_owned());
    (status, challenge, body)
}

#[actix_web::test]
async fn the_metadata_needs_no_token_at_both_paths() {
    let app = app().await;
    for path in [
        "/.well-known/oauth-protected-resource/mcp",
        "/.well-known/oauth-protected-resource",
    ] {
        let response =
            test::call_service(&app, test::TestRequest::get().uri(path).to_request()).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            response
                .headers()
                .get("access-control-allow-origin")
                .unwrap(),
            "*"
        );
        let document: Value = test::read_body_json(response).await;
        assert_eq!(document["resource"], "http://127.0.0.1:3000/mcp");
    }
}

#[actix_web::test]
async fn the_hosts_401_for_mcp_gains_the_challenge_and_the_apis_does_not() {
    let app = app().await;
    let (status, challenge, _) = call(&app, "tools/list", json!({}), "wrong").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(challenge.starts_with("Bearer"), "{challenge}");
    assert!(
        challenge.contains("resource_metadata=\"http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp\", scope=\"notes:read\""),
        "{challenge}"
    );
    let rest = test::call_service(&app, test::TestRequest::get().uri("/notes").to_request()).await;
    assert_eq!(rest.status(), StatusCode::UNAUTHORIZED);
    let rest_challenge = rest
        .headers()
        .get("www-authenticate")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        !rest_challenge.contains("resource_metadata"),
        "{rest_challenge}"
    );
}

#[actix_web::test]
async fn scopes_decide_what_a_caller_sees_and_calls() {
    let app = app().await;
    let (status, _, body) = call(&app, "tools/list", json!({}), "read").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(reply::tool_names(&body), ["list_notes"]);

    let read = json!({"name": "list_notes", "arguments": {}});
    let (status, _, body) = call(&app, "tools/call", read, "read").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        reply::message(&body)["result"]["content"][0]["text"],
        "Bearer read"
    );

    let write = json!({"name": "create_note", "arguments": {}});
    let (status, challenge, _) = call(&app, "tools/call", write.clone(), "read").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        challenge.starts_with("Bearer error=\"insufficient_scope\", scope=\"notes:write\""),
        "{challenge}"
    );

    let (status, _, body) = call(&app, "tools/call", write, "write").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        reply::message(&body)["result"]["content"][0]["text"],
        "Bearer write"
    );
    let (_, _, body) = call(&app, "tools/list", json!({}), "write").await;
    assert_eq!(reply::tool_names(&body), ["list_notes", "create_note"]);
}

#[actix_web::test]
async fn without_carrying_the_claims_every_caller_is_anonymous() {
    // The reader finds no claims (actix's extensions are not carried): 401 from the mount.
    let config = McpConfig::from_json(documents::scoped_notes_document())
        .stateless()
        .caller_scopes(CallerScopes::scope_claim(|c: &Claims| &c.scope));
    let mcp = McpMount::new("/mcp", config);
    let app = test::init_service(
        App::new()
            .route("/notes", web::get().to(echo_token))
            .wrap(HttpAuthentication::bearer(validate))
            .mount_http(&mcp),
    )
    .await;
    let (status, challenge, _) = call(&app, "tools/list", json!({}), "write").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(challenge, "Bearer");
}
