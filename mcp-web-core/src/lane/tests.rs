//! The lane's choices, one rule at a time.

use std::sync::Arc;

use http::HeaderMap;
use serde_json::{Value, json};

use crate::updates::lock;

use super::{
    admission::{META_CLIENT_CAPABILITIES, META_LOG_LEVEL, META_PROTOCOL_VERSION},
    *,
};

fn bytes(message: Value) -> Vec<u8> {
    serde_json::to_vec(&message).unwrap()
}

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
    assert!(host("EXAMPLE.com:8080"), "names are case-insensitive");
    assert!(!host("example.com:8081"));
    assert!(!host("example.com:80a"));
    assert!(!host("example.com:"));
    assert!(!host("example.com.evil:8080"));
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
            &bytes(json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": params})),
            &Era::Stateless,
            &h,
        )
        .map(|fit| (fit.id, fit.name.into_owned(), fit.arguments))
    };
    let fit = call(json!({"name": "get", "arguments": {"a": 1}, "_meta": meta_2026()})).unwrap();
    assert_eq!(
        fit,
        (
            json!(3),
            "get".to_owned(),
            json!({"a": 1}).as_object().unwrap().clone()
        )
    );
    let mut progress = meta_2026();
    progress["progressToken"] = json!(1);
    assert!(call(json!({"name": "get", "_meta": progress})).is_none());
    let mut logs = meta_2026();
    logs[META_LOG_LEVEL] = json!("info");
    assert!(call(json!({"name": "get", "_meta": logs})).is_none());
    assert!(call(json!({"name": "get"})).is_none(), "2026 without _meta");
    assert!(
        call(json!({"name": "other", "_meta": meta_2026()})).is_none(),
        "Mcp-Name differs"
    );
    assert!(call(json!({"name": "get", "_meta": meta_2026(), "task": {}})).is_none());
    assert!(call(json!({"name": "get", "arguments": [1], "_meta": meta_2026()})).is_none());
    let session = Era::Session(Arc::from("s"));
    let in_session =
        |message: Value| tools_call(&bytes(message), &session, &HeaderMap::new()).map(|fit| fit.id);
    assert!(
        in_session(
            json!({"jsonrpc": "2.0", "id": "x", "method": "tools/call", "params": {"name": "get"}})
        )
        .is_some()
    );
    assert!(
        in_session(
            json!({"jsonrpc": "2.0", "id": 1.5, "method": "tools/call", "params": {"name": "get"}})
        )
        .is_none()
    );
    assert!(
        in_session(
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"name": "get"}})
        )
        .is_none()
    );
    assert!(in_session(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "get", "_meta": meta_2026()}})).is_none());
    assert!(in_session(json!([1])).is_none());
    // serde reads structs from arrays too; the lane reads objects only.
    assert!(in_session(json!(["2.0", 1, "tools/call", {"name": "get"}])).is_none());
    assert!(
        in_session(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": ["get"]}))
            .is_none()
    );
    let repeated =
        br#"{"jsonrpc":"2.0","id":1,"id":2,"method":"tools/call","params":{"name":"get"}}"#;
    assert!(tools_call(repeated, &session, &HeaderMap::new()).is_none());
    assert!(
        in_session(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "get", "_meta": null}}))
            .is_none()
    );
}

#[test]
fn the_method_and_a_cancelled_request_are_read_without_the_rest() {
    assert_eq!(
        method_of(&bytes(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"x": [1, {"y": 2}]}}))).as_deref(),
        Some("initialize")
    );
    assert_eq!(method_of(&bytes(json!(["initialize"]))), None);
    assert_eq!(method_of(b"{not json"), None);
    assert_eq!(
        method_of(&bytes(json!({"jsonrpc": "2.0", "id": 1, "result": {}}))),
        None
    );
    let cancelled = json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 7, "reason": "x"}});
    assert_eq!(cancelled_request(&bytes(cancelled)), Some(json!(7)));
    let other =
        json!({"jsonrpc": "2.0", "method": "notifications/progress", "params": {"requestId": 7}});
    assert_eq!(cancelled_request(&bytes(other)), None);
}

#[test]
fn calls_in_flight_are_cancelled_by_session_and_id_and_forgotten_when_done() {
    let book = Arc::new(SessionBook::default());
    let session: Arc<str> = Arc::from("s");
    let call = book.start(&session, &json!(7));
    book.cancel("s", &json!(7));
    assert!(
        !call.token.is_cancelled(),
        "a call that has not waited yet is not in the book"
    );
    call.enter();
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

#[test]
fn a_call_enters_the_book_only_once_it_waits() {
    let book = Arc::new(SessionBook::default());
    let session: Arc<str> = Arc::from("s");
    let call = book.start(&session, &json!(1));
    futures::executor::block_on(call.run(std::pin::pin!(async {})));
    assert!(lock(&book.in_flight).is_empty());
    let mut waited = false;
    futures::executor::block_on(call.run(std::pin::pin!(std::future::poll_fn(|cx| {
        if waited {
            return std::task::Poll::Ready(());
        }
        waited = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }))));
    assert_eq!(lock(&book.in_flight).len(), 1);
    book.cancel("s", &json!(1));
    assert!(call.token.is_cancelled());
    drop(call);
    assert!(lock(&book.in_flight).is_empty());
}
