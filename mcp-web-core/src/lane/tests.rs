//! The lane's choices, one rule at a time.

use std::sync::Arc;

use http::HeaderMap;
use serde_json::{Value, json};

use crate::updates::lock;

use super::{
    admission::{META_CLIENT_CAPABILITIES, META_LOG_LEVEL, META_PROTOCOL_VERSION},
    *,
};

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    map
}

fn admission() -> Admission {
    Admission {
        hosts: Hosts::new(&["localhost".into(), "127.0.0.1".into(), "::1".into()]),
        any_origin: false,
        sessions: true,
    }
}

const BASE: [(&str, &str); 3] = [
    ("host", "127.0.0.1:3000"),
    ("content-type", "application/json"),
    ("accept", "application/json, text/event-stream"),
];

#[test]
fn the_era_comes_from_the_session_or_the_2026_version_header() {
    let post = http::Method::POST;
    let mut stateless = BASE.to_vec();
    stateless.push(("mcp-protocol-version", "2026-07-28"));
    assert!(matches!(
        admission().era(&post, &headers(&stateless)),
        Some(Era::Stateless)
    ));
    let mut session = BASE.to_vec();
    session.push(("mcp-session-id", "abc"));
    session.push(("mcp-protocol-version", "2025-11-25"));
    assert!(
        matches!(admission().era(&post, &headers(&session)), Some(Era::Session(id)) if &*id == "abc")
    );
    // No version and no session: an `initialize` or an old client, rmcp's.
    assert!(admission().era(&post, &headers(&BASE)).is_none());
}

#[test]
fn anything_unusual_in_the_headers_goes_to_rmcp() {
    let post = http::Method::POST;
    let with = |extra: &[(&str, &str)], without: &str| {
        let mut list: Vec<(&str, &str)> = BASE
            .iter()
            .copied()
            .filter(|(n, _)| *n != without)
            .collect();
        list.push(("mcp-protocol-version", "2026-07-28"));
        list.extend_from_slice(extra);
        admission().era(&post, &headers(&list))
    };
    assert!(with(&[], "").is_some());
    assert!(with(&[("host", "evil.example.com")], "host").is_none());
    assert!(with(&[], "host").is_none());
    assert!(with(&[("origin", "http://127.0.0.1:3000")], "").is_none());
    assert!(with(&[("accept", "application/json")], "accept").is_none());
    assert!(
        with(
            &[("accept", "application/json;q=0, text/event-stream")],
            "accept"
        )
        .is_none()
    );
    assert!(with(&[("content-type", "text/plain")], "content-type").is_none());
    assert!(with(&[("last-event-id", "1")], "").is_none());
    assert!(
        with(&[("mcp-protocol-version", "2026-07-28")], "").is_none(),
        "repeated header"
    );
    assert!(
        admission()
            .era(&http::Method::GET, &headers(&BASE))
            .is_none()
    );
    let stateless_only = Admission {
        sessions: false,
        ..admission()
    };
    let mut session = BASE.to_vec();
    session.push(("mcp-session-id", "abc"));
    assert!(stateless_only.era(&post, &headers(&session)).is_none());
}

#[test]
fn hosts_match_like_rmcp_any_port_unless_named() {
    let hosts = Hosts::new(&["example.com:8080".into(), "::1".into()]);
    let host = |value: &str| hosts.allow(&headers(&[("host", value)]));
    assert!(host("example.com:8080"));
    assert!(!host("example.com:8081"));
    assert!(host("[::1]:9"));
    assert!(!host("127.0.0.1"));
    assert!(Hosts::new(&[]).allow(&HeaderMap::new()));
}

fn meta_2026() -> Value {
    json!({
        META_PROTOCOL_VERSION: "2026-07-28",
        META_CLIENT_CAPABILITIES: {},
    })
}

#[test]
fn a_plain_generated_call_fits_and_anything_more_goes_to_rmcp() {
    let h = headers(&[("mcp-method", "tools/call"), ("mcp-name", "get")]);
    let call = |params: Value| {
        tools_call(
            json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": params}),
            &Era::Stateless,
            &h,
        )
    };
    let fit = call(json!({"name": "get", "arguments": {"a": 1}, "_meta": meta_2026()})).unwrap();
    assert_eq!(
        (fit.id, fit.name, fit.arguments),
        (
            json!(3),
            "get".into(),
            json!({"a": 1}).as_object().unwrap().clone()
        )
    );
    let mut progress = meta_2026();
    progress["progressToken"] = json!(1);
    assert!(call(json!({"name": "get", "_meta": progress})).is_err());
    let mut logs = meta_2026();
    logs[META_LOG_LEVEL] = json!("info");
    assert!(call(json!({"name": "get", "_meta": logs})).is_err());
    assert!(call(json!({"name": "get"})).is_err(), "2026 without _meta");
    assert!(
        call(json!({"name": "other", "_meta": meta_2026()})).is_err(),
        "Mcp-Name differs"
    );
    assert!(call(json!({"name": "get", "_meta": meta_2026(), "task": {}})).is_err());
    assert!(call(json!({"name": "get", "arguments": [1], "_meta": meta_2026()})).is_err());
    let session = Era::Session(Arc::from("s"));
    let in_session = |message: Value| tools_call(message, &session, &HeaderMap::new());
    assert!(
        in_session(
            json!({"jsonrpc": "2.0", "id": "x", "method": "tools/call", "params": {"name": "get"}})
        )
        .is_ok()
    );
    assert!(
        in_session(
            json!({"jsonrpc": "2.0", "id": 1.5, "method": "tools/call", "params": {"name": "get"}})
        )
        .is_err()
    );
    assert!(
        in_session(
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"name": "get"}})
        )
        .is_err()
    );
    assert!(in_session(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "get", "_meta": meta_2026()}})).is_err());
    assert!(in_session(json!([1])).is_err());
}

#[test]
fn calls_in_flight_are_cancelled_by_session_and_id_and_forgotten_when_done() {
    let book = Arc::new(SessionBook::default());
    let session: Arc<str> = Arc::from("s");
    let call = book.start(&session, &json!(7));
    book.cancel("other", &json!(7));
    book.cancel("s", &json!("7"));
    assert!(
        !call.token.is_cancelled(),
        "another session or id type must not cancel"
    );
    book.cancel("s", &json!(7));
    assert!(call.token.is_cancelled());
    drop(call);
    assert!(lock(&book.in_flight).is_empty());
}
