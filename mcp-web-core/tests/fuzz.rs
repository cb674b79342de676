//! Bounded fuzzing of what a client controls: JSON-RPC bodies, mutated from valid messages of
//! both protocol eras, and tool arguments, random JSON against every tool's schema.
//!
//! Nothing may panic or hang. Every answer is an HTTP status the endpoint documents, and every
//! JSON answer is one JSON-RPC message: a result, or an error with a message. A deterministic
//! generator (seeded by `FUZZ_SEED`, default 1) makes failures reproducible; `FUZZ_ITERATIONS`
//! sets how many bodies and argument sets are tried (default 1,500 each; `scripts/fuzz.sh` runs a
//! long campaign in release mode).

mod support;

use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode, header};
use mcp_test_support::{
    fuzz::{self, Rng},
    protocol,
};
use mcp_web_core::{DispatchBody, McpConfig};
use serde_json::{Map, Value, json};
use support::{HttpReply, MOUNT, Mcp, Routes, json};
use utoipa::{OpenApi, ToSchema};

const STRINGS: [&str; 8] = [
    "",
    "a",
    "caf\u{e9} \u{1F600}",
    "\"quoted\" \\ back/slash",
    "line\nbreak\ttab\u{0}nul",
    "../../etc/passwd",
    "%2F%00%ZZ",
    "{\"not\":\"parsed\"}",
];

/// Random JSON, at most `depth` levels deep.
fn random_json(rng: &mut Rng, depth: usize) -> Value {
    let kinds = if depth == 0 { 6 } else { 8 };
    match rng.below(kinds) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 1),
        2 => json!(rng.next_u64() as i64 >> rng.below(64)),
        3 => json!((rng.next_u64() as f64) / 1e9 - 9e9),
        4 => json!(rng.pick(&STRINGS)),
        5 => json!("x".repeat(rng.below(3000))),
        6 => (0..rng.below(4))
            .map(|_| random_json(rng, depth - 1))
            .collect(),
        _ => {
            let mut object = Map::new();
            for _ in 0..rng.below(4) {
                let key = rng
                    .pick(&["name", "id", "arguments", "_meta", "", "x"])
                    .to_string();
                object.insert(key, random_json(rng, depth - 1));
            }
            Value::Object(object)
        }
    }
}

/// One mutation of `bytes`: a flipped byte, a cut, an insertion, a repeat, or random JSON
/// spliced in.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    let len = bytes.len().max(1);
    let at = rng.below(len).min(bytes.len());
    match rng.below(6) {
        0 if !bytes.is_empty() => {
            let at = at.min(bytes.len() - 1);
            bytes[at] ^= 1 << rng.below(8);
        }
        1 => bytes.truncate(at),
        2 => {
            let end = (at + rng.below(16)).min(bytes.len());
            bytes.drain(at..end);
        }
        3 => {
            let token = *rng.pick(&[
                &b"{"[..],
                b"}",
                b"[",
                b"]",
                b",",
                b":",
                b"\"",
                b"null",
                b"\\u",
            ]);
            bytes.splice(at..at, token.iter().copied());
        }
        4 => {
            let end = (at + rng.below(64)).min(bytes.len());
            let copy = bytes[at..end].to_vec();
            bytes.splice(at..at, copy);
        }
        _ => {
            let value = random_json(rng, 3).to_string();
            let end = (at + rng.below(24)).min(bytes.len());
            bytes.splice(at..end, value.into_bytes());
        }
    }
}

#[derive(serde::Deserialize, serde::Serialize, ToSchema)]
struct Item {
    name: String,
    count: i64,
    kind: Kind,
    tags: Option<Vec<String>>,
}

#[derive(serde::Deserialize, serde::Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Small,
    Large,
}

/// Echo an item read by id.
#[utoipa::path(get, path = "/items/{id}", operation_id = "get_item",
    params(("id" = i64, Path), ("q" = Option<String>, Query), ("tags" = Option<Vec<String>>, Query)),
    responses((status = 200, body = Object)))]
async fn get_item(request: Request<Bytes>) -> Response<DispatchBody> {
    json(json!({"path": request.uri().path(), "query": request.uri().query()}))
}

/// Echo a created item.
#[utoipa::path(post, path = "/items", operation_id = "create_item", request_body = Item,
    responses((status = 200, body = Item)))]
async fn create_item(request: Request<Bytes>) -> Response<DispatchBody> {
    let body: Value = serde_json::from_slice(request.body()).unwrap_or(Value::Null);
    json(body)
}

#[derive(OpenApi)]
#[openapi(paths(get_item, create_item))]
struct ApiDoc;

fn mcp() -> Mcp {
    let routes = Routes::new()
        .get("/items/{id}", get_item)
        .post("/items", create_item);
    Mcp::new(McpConfig::new(ApiDoc::openapi()), routes)
}

fn iterations() -> usize {
    fuzz::iterations(1500) as usize
}

/// Send with a deadline: a hang is a failure too.
async fn send(mcp: &Mcp, body: Vec<u8>, headers: &[(&str, String)]) -> HttpReply {
    let mut request = Request::post(MOUNT)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json, text/event-stream")
        .header(header::HOST, "localhost");
    for (name, value) in headers {
        request = request.header(*name, value.as_str());
    }
    let request = request.body(Bytes::from(body)).unwrap();
    tokio::time::timeout(Duration::from_secs(10), mcp.send(request))
        .await
        .expect("the endpoint answers within 10 s")
}

/// The answer is one the endpoint documents, and any JSON in it is JSON-RPC.
fn check(reply: &HttpReply, input: &[u8]) {
    let shown = String::from_utf8_lossy(&input[..input.len().min(300)]).into_owned();
    let allowed = [200, 202, 400, 404, 406, 413, 415, 422];
    assert!(
        allowed.contains(&reply.status.as_u16()),
        "status {} for {shown:?}: {}",
        reply.status,
        reply.body
    );
    let content_type = reply
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let messages: Vec<Value> = if content_type.starts_with("application/json") {
        vec![
            serde_json::from_str(&reply.body)
                .unwrap_or_else(|e| panic!("a JSON answer that is not JSON ({e}) for {shown:?}")),
        ]
    } else if content_type.starts_with("text/event-stream") {
        reply
            .body
            .lines()
            .filter_map(|line| line.strip_prefix("data:"))
            .map(str::trim)
            .filter(|data| !data.is_empty())
            .map(|data| serde_json::from_str(data).expect("SSE data is JSON"))
            .collect()
    } else if reply.status == StatusCode::ACCEPTED {
        // A notification or a response from the client: accepted, nothing to say.
        assert!(
            reply.body.is_empty(),
            "202 with a body for {shown:?}: {}",
            reply.body
        );
        Vec::new()
    } else {
        assert!(
            reply.status.is_client_error() && !reply.body.trim().is_empty(),
            "a plain answer must be a client error that says why, for {shown:?}: {} {:?}",
            reply.status,
            reply.body
        );
        Vec::new()
    };
    for message in messages {
        assert_eq!(message["jsonrpc"], "2.0", "{message} for {shown:?}");
        let error = &message["error"];
        let says_why = error["message"].as_str().is_some_and(|m| !m.is_empty());
        assert!(
            message.get("result").is_some() || message.get("method").is_some() || says_why,
            "{message} for {shown:?}"
        );
    }
}

#[tokio::test]
async fn mutated_messages_get_documented_answers() {
    let mcp = mcp();
    let session = mcp.open_session().await;
    let call = |era_meta: bool| {
        let mut params = json!({"name": "create_item",
            "arguments": {"name": "a", "count": 1, "kind": "small", "tags": ["x"]}});
        if era_meta {
            params = protocol::with_modern_meta(params);
        }
        protocol::request(3, "tools/call", params)
    };
    let seeds: Vec<(Vec<u8>, &str)> = vec![
        (protocol::initialize().to_string().into_bytes(), "none"),
        (
            json!({"jsonrpc":"2.0","id":1,"method":"tools/list"})
                .to_string()
                .into_bytes(),
            "session",
        ),
        (call(false).to_string().into_bytes(), "session"),
        (call(true).to_string().into_bytes(), "modern"),
        (
            protocol::request(4, "server/discover", protocol::with_modern_meta(json!({})))
                .to_string()
                .into_bytes(),
            "modern",
        ),
        (
            json!({"jsonrpc":"2.0","method":"notifications/cancelled",
                   "params":{"requestId":3,"reason":"x"}})
            .to_string()
            .into_bytes(),
            "session",
        ),
        (
            json!({"jsonrpc":"2.0","id":"p","method":"ping"})
                .to_string()
                .into_bytes(),
            "session",
        ),
    ];
    // Found by this test: rmcp answered an empty method name with an empty message.
    let empty = json!({"jsonrpc": "2.0", "id": "p", "method": ""});
    let reply = mcp.post(empty, &protocol::session_headers(&session)).await;
    let message = reply.message();
    assert_eq!(message["error"]["code"], -32601, "{message}");
    assert_eq!(
        message["error"]["message"], "Method not found: \"\"",
        "{message}"
    );

    let mut rng = Rng::from_env();
    for _ in 0..iterations() {
        let (seed, era) = rng.pick(&seeds);
        let mut body = seed.clone();
        for _ in 0..=rng.below(3) {
            mutate(&mut rng, &mut body);
        }
        let headers: Vec<(&str, String)> = match *era {
            "modern" => vec![
                ("mcp-protocol-version", "2026-07-28".into()),
                ("mcp-method", "tools/call".into()),
                ("mcp-name", "create_item".into()),
            ],
            "session" => vec![
                ("mcp-protocol-version", "2025-11-25".into()),
                ("mcp-session-id", session.clone()),
            ],
            _ => Vec::new(),
        };
        let reply = send(&mcp, body.clone(), &headers).await;
        check(&reply, &body);
    }
    // Still serving.
    let reply = mcp
        .rpc_in(
            &session,
            "tools/call",
            json!({"name": "get_item", "arguments": {"id": 7}}),
        )
        .await;
    assert!(
        reply["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("/items/7"),
        "{reply}"
    );
}

#[tokio::test]
async fn random_arguments_are_results_or_clear_errors() {
    let mcp = mcp();
    let mut rng = Rng::from_env();
    let keys = ["id", "q", "tags", "name", "count", "kind", "body", "extra"];
    for n in 0..iterations() {
        let tool = *rng.pick(&["get_item", "create_item"]);
        let mut arguments = Map::new();
        for _ in 0..rng.below(6) {
            arguments.insert(rng.pick(&keys).to_string(), random_json(&mut rng, 3));
        }
        let arguments = match rng.below(10) {
            0 => random_json(&mut rng, 2),
            _ => Value::Object(arguments),
        };
        let params = json!({"name": tool, "arguments": arguments});
        let body = protocol::request(n as u64, "tools/call", protocol::with_modern_meta(params));
        let headers = [
            ("mcp-protocol-version", "2026-07-28".to_string()),
            ("mcp-method", "tools/call".to_string()),
            ("mcp-name", tool.to_string()),
        ];
        let bytes = body.to_string().into_bytes();
        let reply = send(&mcp, bytes.clone(), &headers).await;
        check(&reply, &bytes);
        if reply.status == StatusCode::OK {
            let message = reply.message();
            if let Some(result) = message.get("result") {
                let text = result["content"][0]["text"].as_str().unwrap_or_default();
                assert!(!text.is_empty(), "a result says something: {message}");
            }
        }
    }
}
