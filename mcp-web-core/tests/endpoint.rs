//! The HTTP endpoint itself, whatever serves it: which requests it refuses (foreign hosts and
//! origins, malformed bodies), the server it announces, and the sessions of both protocol eras.

mod support;

use bytes::Bytes;
use http::{Method, Request, StatusCode, header};
use mcp_test_support::protocol;
use mcp_web_core::McpConfig;
use serde_json::{Value, json};
use support::{FnDispatcher, MOUNT, Mcp, plain};

/// One operation, `GET /ping`.
fn api() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "items", "version": "1.2.3"},
        "paths": {"/ping": {"get": {"operationId": "ping",
            "responses": {"200": {"description": "pong"}}}}}
    })
}

/// The mount of `config`, whose one tool answers `pong`.
fn mcp(config: McpConfig) -> Mcp {
    Mcp::new(config, FnDispatcher::new(|_| async { plain("pong") }))
}

fn stateless() -> McpConfig {
    McpConfig::from_json(api()).stateless().json_responses()
}

fn list() -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
}

#[tokio::test]
async fn malformed_json_and_wrong_content_type_are_refused_clearly() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    // JSON-RPC's answers, in a JSON-RPC error body with 400: -32700 for what is not JSON,
    // -32600 for JSON that is not one message.
    let bodies = [
        ("{not json", -32700, Value::Null),
        (deep.as_str(), -32700, Value::Null),
        (
            r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#,
            -32600,
            Value::Null,
        ),
        ("[]", -32600, Value::Null),
        ("42", -32600, Value::Null),
        (r#"{"jsonrpc":"2.0","id":7}"#, -32600, json!(7)),
    ];
    for config in [stateless(), McpConfig::from_json(api())] {
        let mcp = mcp(config);
        for version in ["2025-11-25", "2026-07-28"] {
            for (body, code, id) in &bodies {
                let request = Request::post(MOUNT)
                    .header(header::CONTENT_TYPE, "application/json")
                    .header(header::ACCEPT, "application/json, text/event-stream")
                    .header(header::HOST, "localhost")
                    .header("mcp-protocol-version", version)
                    .body(Bytes::from(body.to_string()))
                    .unwrap();
                let reply = mcp.send(request).await;
                let what = &body[..body.len().min(40)];
                assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{version} {what}");
                let message = reply.message();
                assert_eq!(
                    message["error"]["code"], *code,
                    "{version} {what}: {message}"
                );
                assert_eq!(message["id"], *id, "{version} {what}");
            }
        }
        // The wrong media type is still refused as such.
        let request = Request::post(MOUNT)
            .header(header::CONTENT_TYPE, "text/plain")
            .header(header::ACCEPT, "application/json, text/event-stream")
            .header(header::HOST, "localhost")
            .body(Bytes::from("{}"))
            .unwrap();
        assert_eq!(
            mcp.send(request).await.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        // Nothing was dispatched, and the endpoint keeps serving.
        assert!(
            mcp.seen().iter().all(|seen| seen == "POST /mcp"),
            "{:?}",
            mcp.seen()
        );
        let reply = mcp.post(protocol::initialize(), &[]).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(reply.message()["result"].is_object(), "{}", reply.body);
    }
}

#[tokio::test]
async fn foreign_hosts_are_refused_and_allowed_hosts_are_configurable() {
    let mcp = self::mcp(stateless());
    let reply = mcp.post(list(), &[("host", "evil.example.com")]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    let mcp = self::mcp(stateless().allowed_hosts(["api.example.com"]));
    let reply = mcp.post(list(), &[("host", "api.example.com")]).await;
    assert_eq!(reply.status, StatusCode::OK);
    let reply = mcp.post(list(), &[("host", "evil.example.com")]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    let mcp = self::mcp(stateless().allow_any_host());
    let reply = mcp.post(list(), &[("host", "evil.example.com")]).await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn foreign_browser_origins_are_refused_and_allowed_origins_are_configurable() {
    let post = |mcp: Mcp, origin: &'static str| async move {
        mcp.post(list(), &[("origin", origin)]).await.status
    };
    let mcp = self::mcp(stateless());
    assert_eq!(
        post(mcp.clone(), "https://evil.example").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(mcp.clone(), "http://localhost:6274").await,
        StatusCode::OK
    );
    assert_eq!(
        post(mcp.clone(), "http://127.0.0.1:5173").await,
        StatusCode::OK
    );

    let mcp = self::mcp(stateless().allowed_origins(["https://app.example.com:443"]));
    assert_eq!(
        post(mcp.clone(), "https://app.example.com").await,
        StatusCode::OK
    );
    assert_eq!(
        post(mcp.clone(), "http://localhost:6274").await,
        StatusCode::FORBIDDEN
    );

    let mcp = self::mcp(stateless().allow_any_origin());
    assert_eq!(post(mcp, "https://evil.example").await, StatusCode::OK);
}

#[tokio::test]
async fn server_info_comes_from_the_openapi_document() {
    let mcp = mcp(stateless());
    let reply = mcp
        .rpc(
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "test", "version": "1"}}),
        )
        .await;
    assert_eq!(reply["result"]["serverInfo"]["name"], "items");
    assert_eq!(reply["result"]["serverInfo"]["version"], "1.2.3");
    assert!(reply["result"]["capabilities"]["tools"].is_object());

    // A 2026-07-28 client discovers the same server statelessly.
    let reply = mcp.rpc_modern("server/discover", json!({})).await;
    let info = &reply["result"]["_meta"]["io.modelcontextprotocol/serverInfo"];
    assert_eq!(info["name"], "items", "{reply}");
    assert_eq!(reply["result"]["resultType"], "complete");
}

#[tokio::test]
async fn a_session_serves_its_requests_and_unknown_sessions_get_404() {
    let mcp = mcp(McpConfig::from_json(api()));
    let session = mcp.open_session().await;
    let reply = mcp.rpc_in(&session, "tools/list", json!({})).await;
    assert_eq!(reply["result"]["tools"][0]["name"], "ping", "{reply}");
    let reply = mcp
        .rpc_in(
            &session,
            "tools/call",
            json!({"name": "ping", "arguments": {}}),
        )
        .await;
    assert_eq!(reply["result"]["content"][0]["text"], "pong", "{reply}");

    let reply = mcp
        .post(list(), &protocol::session_headers("no-such-session"))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
}

#[tokio::test]
async fn a_stateful_mount_wants_a_session_from_2025_clients_but_not_from_2026_ones() {
    let mcp = mcp(McpConfig::from_json(api()));
    let reply = mcp.post(list(), &[]).await;
    assert!(reply.status.is_client_error(), "{}", reply.status);
    let reply = mcp.rpc_modern("tools/list", json!({})).await;
    assert_eq!(reply["result"]["tools"][0]["name"], "ping", "{reply}");
}

#[tokio::test]
async fn sessions_beyond_the_limit_get_503_until_one_ends() {
    let mcp = mcp(McpConfig::from_json(api()).max_sessions(1));
    let session = mcp.open_session().await;
    let reply = mcp.post(protocol::initialize(), &[]).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.headers[header::RETRY_AFTER], "5");
    assert_eq!(reply.message()["error"]["code"], -32000);
    assert!(reply.body.contains("1 open sessions"), "{}", reply.body);
    // Stateless requests are not sessions: a 2026-07-28 client is still served.
    let reply = mcp.post_modern(3, "server/discover", json!({})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    let reply = mcp
        .bare(Method::DELETE, &protocol::session_headers(&session))
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
    mcp.open_session().await;
}

#[tokio::test]
async fn every_session_answers_when_more_are_open_than_keep_a_worker() {
    // Only the 64 most recently used idle sessions keep a worker; the others are parked and
    // revived by their next request, which the client does not notice.
    let mcp = mcp(McpConfig::from_json(api()));
    let mut sessions = Vec::new();
    for _ in 0..80 {
        sessions.push(mcp.open_session().await);
    }
    for session in &sessions {
        let call = json!({"name": "ping", "arguments": {}});
        let reply = mcp.rpc_in(session, "tools/call", call).await;
        assert_eq!(reply["result"]["content"][0]["text"], "pong", "{reply}");
    }

    // The first session is parked again by now: DELETE still ends it.
    let headers = protocol::session_headers(&sessions[0]);
    let reply = mcp.bare(Method::DELETE, &headers).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
    let reply = mcp.post(list(), &headers).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
    let reply = mcp.rpc_in(&sessions[79], "tools/list", json!({})).await;
    assert_eq!(reply["result"]["tools"][0]["name"], "ping", "{reply}");
}

/// SSE priming events (an id and empty data) exist from 2025-11-25 on; clients of earlier
/// versions read every `data` field as a message, so their streams start with a message.
#[tokio::test]
async fn priming_events_go_only_to_versions_that_define_them() {
    let mcp = mcp(McpConfig::from_json(api()));
    for (version, primed) in [
        ("2024-11-05", false),
        ("2025-03-26", false),
        ("2025-06-18", false),
        ("2025-11-25", true),
    ] {
        let initialize = protocol::initialize_for(version);
        let reply = mcp.post(initialize, &[]).await;
        assert_eq!(reply.status, StatusCode::OK, "{version}: {}", reply.body);
        let has_priming =
            |body: &str| body.starts_with("data: \n") || body.contains("\n\ndata: \n");
        assert_eq!(
            has_priming(&reply.body),
            primed,
            "{version}: {:?}",
            reply.body
        );
        assert_eq!(reply.message()["result"]["protocolVersion"], version);
        let session = reply.headers["mcp-session-id"].to_str().unwrap().to_owned();
        // Later requests state the version (2025-03-26 clients send no header at all).
        let mut headers = vec![("mcp-session-id", session.as_str())];
        if version >= "2025-06-18" {
            headers.push(("mcp-protocol-version", version));
        }
        mcp.post(protocol::initialized(), &headers).await;
        let reply = mcp.post(list(), &headers).await;
        assert_eq!(reply.status, StatusCode::OK, "{version}: {}", reply.body);
        assert_eq!(
            has_priming(&reply.body),
            primed,
            "{version}: {:?}",
            reply.body
        );
        assert_eq!(reply.message()["result"]["tools"][0]["name"], "ping");
    }
}

/// What was wrong, the headers that say it, the status expected and a word the answer must say.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, StatusCode, &'a str);

/// Headers a client gets wrong: each gets a 4xx with a message that says what is wrong, and the
/// endpoint keeps serving.
#[tokio::test]
async fn wrong_headers_get_clear_client_errors() {
    let mcp = mcp(McpConfig::from_json(api()));
    let long_session = "s".repeat(10_000);
    let cases: [Case; 5] = [
        (
            "an Accept without JSON or SSE",
            vec![("accept", "text/html")],
            StatusCode::NOT_ACCEPTABLE,
            "Accept",
        ),
        (
            "an unknown protocol version",
            vec![("mcp-protocol-version", "1999-01-01")],
            StatusCode::BAD_REQUEST,
            "1999-01-01",
        ),
        (
            "a session id nobody issued",
            vec![
                ("mcp-session-id", "no-such-session"),
                ("mcp-protocol-version", "2025-11-25"),
            ],
            StatusCode::NOT_FOUND,
            "ession",
        ),
        (
            "a 10 kB session id",
            vec![
                ("mcp-session-id", long_session.as_str()),
                ("mcp-protocol-version", "2025-11-25"),
            ],
            StatusCode::NOT_FOUND,
            "ession",
        ),
        (
            "a session id that is not visible ASCII",
            vec![
                ("mcp-session-id", "caf\u{e9}"),
                ("mcp-protocol-version", "2025-11-25"),
            ],
            StatusCode::BAD_REQUEST,
            "Mcp-Session-Id must be visible ASCII",
        ),
    ];
    for (what, headers, status, says) in cases {
        let mut request = Request::post(MOUNT)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::HOST, "localhost");
        if !headers.iter().any(|(name, _)| *name == "accept") {
            request = request.header(header::ACCEPT, "application/json, text/event-stream");
        }
        for (name, value) in &headers {
            request = request.header(
                *name,
                http::HeaderValue::from_bytes(value.as_bytes()).unwrap(),
            );
        }
        let request = request.body(Bytes::from(list().to_string())).unwrap();
        let reply = mcp.send(request).await;
        assert_eq!(reply.status, status, "{what}: {}", reply.body);
        assert!(reply.body.contains(says), "{what}: {}", reply.body);
    }
    let reply = mcp.post(protocol::initialize(), &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

/// A tool's display title is its `title` from 2025-06-18 on, before `annotations.title`; a
/// 2025-03-26 client has only the latter. Each gets the title once where it reads it, and the
/// hints that say the protocol's defaults are left out for all.
#[tokio::test]
async fn each_era_gets_the_title_where_it_reads_it() {
    let mut document = api();
    document["paths"]["/ping"]["get"]["summary"] = json!("Ping the server");
    document["paths"]["/ping"]["post"] = json!({"operationId": "post_ping",
        "x-mcp": {"title": "Post a ping", "annotations": {"openWorldHint": true}},
        "responses": {"200": {"description": "pong"}}});
    let config = || McpConfig::from_json(document.clone());
    let annotations = |tools: &Value, name: &str| {
        let tools = tools.as_array().expect("tools");
        let tool = tools.iter().find(|t| t["name"] == name).expect(name);
        assert_eq!(
            tool["title"],
            if name == "ping" {
                "Ping the server"
            } else {
                "Post a ping"
            }
        );
        tool.get("annotations").cloned()
    };

    let sessions = mcp(config());
    for (version, copied) in [
        ("2024-11-05", true),
        ("2025-03-26", true),
        ("2025-06-18", false),
        ("2025-11-25", false),
    ] {
        let initialize = protocol::initialize_for(version);
        let reply = sessions.post(initialize, &[]).await;
        let session = reply.headers["mcp-session-id"].to_str().unwrap().to_owned();
        let mut headers = vec![("mcp-session-id", session.as_str())];
        if version >= "2025-06-18" {
            headers.push(("mcp-protocol-version", version));
        }
        sessions.post(protocol::initialized(), &headers).await;
        let reply = sessions.post(list(), &headers).await;
        let tools = &reply.message()["result"]["tools"];
        let (ping, post) = (annotations(tools, "ping"), annotations(tools, "post_ping"));
        if copied {
            let read_only_titled = json!({"title": "Ping the server", "readOnlyHint": true});
            assert_eq!(ping, Some(read_only_titled), "{version}");
            assert_eq!(post, Some(json!({"title": "Post a ping"})), "{version}");
        } else {
            assert_eq!(ping, Some(json!({"readOnlyHint": true})), "{version}");
            assert_eq!(post, None, "{version}: every hint is the default");
        }
    }

    // Without a session: no `MCP-Protocol-Version` means 2025-03-26; 2026-07-28 is later.
    let stateless = mcp(config().stateless().json_responses());
    let reply = stateless.rpc("tools/list", json!({})).await;
    let post = annotations(&reply["result"]["tools"], "post_ping");
    assert_eq!(post, Some(json!({"title": "Post a ping"})));
    let headers = [("mcp-protocol-version", "2025-06-18")];
    let reply = stateless.rpc_with("tools/list", json!({}), &headers).await;
    assert_eq!(annotations(&reply["result"]["tools"], "post_ping"), None);
    let reply = stateless.rpc_modern("tools/list", json!({})).await;
    assert_eq!(annotations(&reply["result"]["tools"], "post_ping"), None);
}
