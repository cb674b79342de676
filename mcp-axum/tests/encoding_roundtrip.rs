//! Property: whatever string a model passes, the handler receives exactly that string.
//!
//! Each handler echoes what axum's extractors decoded (path segment, query values, a header,
//! a JSON body); the tool call goes through the mount in-process and the echo must equal the
//! arguments. Strings are arbitrary Unicode, biased towards the characters that break naive
//! encoders: `/ ? # % & = + ; , [ ]`, spaces and non-ASCII.

mod support;

use axum::{
    Json, Router,
    extract::{Path, Query},
    http::HeaderMap,
};
use mcp_axum::{McpConfig, RouterExt};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use support::rpc_with;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Serialize, Deserialize, ToSchema)]
struct Echo {
    segment: String,
    q: String,
    tags: Vec<String>,
    header: Option<String>,
}

/// Echo the path segment, the query values and a header, as axum decoded them.
#[utoipa::path(get, path = "/echo/{segment}", operation_id = "echo",
    params(
        ("segment" = String, Path),
        ("q" = String, Query),
        ("tag" = Vec<String>, Query),
        ("x-echo" = Option<String>, Header),
    ),
    responses((status = 200, body = Echo)))]
async fn echo(
    Path(segment): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Json<Echo> {
    let values = |name: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    };
    Json(Echo {
        segment,
        q: values("q").concat(),
        tags: values("tag"),
        header: headers
            .get("x-echo")
            .map(|v| v.to_str().unwrap().to_string()),
    })
}

#[derive(Serialize, Deserialize, ToSchema)]
struct Note {
    id: String,
    text: String,
    labels: Vec<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
struct NoteEcho {
    path_id: String,
    note: Note,
}

/// Echo a JSON body whose `id` clashes with the path's `id`.
#[utoipa::path(put, path = "/notes/{id}", operation_id = "put_note",
    params(("id" = String, Path)),
    request_body = Note,
    responses((status = 200, body = NoteEcho)))]
async fn put_note(Path(path_id): Path<String>, Json(note): Json<Note>) -> Json<NoteEcho> {
    Json(NoteEcho { path_id, note })
}

#[derive(OpenApi)]
#[openapi(info(title = "echo", version = "1"))]
struct ApiDoc;

fn app() -> Router {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(echo))
        .routes(routes!(put_note))
        .split_for_parts();
    router.mount_http("/mcp", McpConfig::new(api).stateless().json_responses())
}

/// `tools/call` through the mount; the result's `structuredContent`.
async fn call(app: &Router, tool: &str, arguments: Value) -> Value {
    let params = json!({"name": tool, "arguments": arguments});
    let reply = rpc_with(app, "tools/call", params, &[]).await;
    let result = &reply["result"];
    assert_ne!(result["isError"], true, "{reply}");
    result["structuredContent"].clone()
}

/// Any Unicode, often made of the characters that need escaping.
fn text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::string::string_regex(&format!("(?s).{{0,{max}}}")).unwrap(),
        proptest::string::string_regex(&format!("[/?#%&=+;,\\[\\] a~é😀\\\\.]{{0,{max}}}"))
            .unwrap(),
    ]
}

/// A path segment: anything but empty (an empty segment is another route).
fn segment() -> impl Strategy<Value = String> {
    text(24).prop_filter("non-empty", |s| !s.is_empty())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn path_query_and_header_values_arrive_intact(
        segment in segment(),
        q in text(24),
        tags in proptest::collection::vec(text(12), 0..4),
        header in proptest::option::of("[!-~]{0,32}"),
    ) {
        let app = app();
        let echo = runtime().block_on(call(
            &app,
            "echo",
            json!({"segment": segment, "q": q, "tag": tags, "x-echo": header}),
        ));
        prop_assert_eq!(
            echo,
            json!({"segment": segment, "q": q, "tags": tags, "header": header})
        );
    }

    #[test]
    fn json_bodies_and_clashing_names_arrive_intact(
        path_id in segment(),
        body_id in text(16),
        note in text(48),
        labels in proptest::collection::vec(text(12), 0..4),
    ) {
        let app = app();
        let echo = runtime().block_on(call(
            &app,
            "put_note",
            json!({"id__path": path_id, "id__body": body_id, "text": note, "labels": labels}),
        ));
        prop_assert_eq!(
            echo,
            json!({"path_id": path_id, "note": {"id": body_id, "text": note, "labels": labels}})
        );
    }
}
