//! Conversion time of a large OpenAPI document: what mounting costs at startup.
//!
//! ```text
//! tests/corpus/fetch.sh                                 # once: the GitHub REST description
//! cargo bench -p mcp-web-core --bench convert           # BENCH_RUNS=21 by default
//! ```
//!
//! Times, as the median of `BENCH_RUNS` runs after one warm-up:
//! - `McpConfig::from_json(doc).preview()`: the catalog plus every tool serialized as JSON;
//! - `McpService::new(config, "/mcp", dispatcher)`: the catalog as a mount builds it, with the MCP
//!   server and transport around it;
//! - the same mount with `full_output_schemas()`: without the output schemas' compaction, so the
//!   difference is what that pass costs;
//! - for comparison, a deep clone of the tools' JSON the preview returns: the cost of merely
//!   materializing that much JSON.
//!
//! The document is `github-rest.json` from the corpus (`$MCP_WEB_CORPUS_DIR`, default
//! `<repo>/.cache/corpus`) when it has been fetched; otherwise a generated document of 1,200
//! operations, so the bench always runs.

use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

use bytes::Bytes;
use futures::future::BoxFuture;
use mcp_web_core::{CallError, DispatchBody, Dispatcher, McpConfig, McpService};
use serde_json::{Map, Value, json};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Never called: the bench only builds the mount.
struct Unused;

impl Dispatcher for Unused {
    fn dispatch(
        &self,
        _request: http::Request<Bytes>,
        _incoming: Option<&http::request::Parts>,
    ) -> BoxFuture<'static, Result<http::Response<DispatchBody>, CallError>> {
        Box::pin(async { Err(CallError::Dispatch("not used by the bench".into())) })
    }
}

fn corpus_dir() -> PathBuf {
    match std::env::var_os("MCP_WEB_CORPUS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.cache/corpus"),
    }
}

/// A deterministic document of `resources` × 4 operations, with shared component schemas,
/// `$ref`s, path, query and header parameters and JSON bodies.
fn generated(resources: usize) -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for r in 0..resources {
        let name = format!("Resource{r}");
        schemas.insert(
            name.clone(),
            json!({
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "integer", "format": "int64", "readOnly": true},
                    "name": {"type": "string", "maxLength": 200},
                    "status": {"type": "string", "enum": ["open", "closed", "archived"]},
                    "labels": {"type": "array", "items": {"$ref": "#/components/schemas/Label"}},
                    "owner": {"$ref": "#/components/schemas/User"},
                    "created_at": {"type": "string", "format": "date-time", "readOnly": true}
                }
            }),
        );
        let reference = json!({"$ref": format!("#/components/schemas/{name}")});
        let ok = |schema: Value| json!({"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}});
        let body =
            json!({"required": true, "content": {"application/json": {"schema": reference}}});
        let id =
            json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
        paths.insert(
            format!("/resources{r}"),
            json!({
                "get": {
                    "operationId": format!("list_resource{r}"),
                    "summary": format!("List resource {r}"),
                    "parameters": [
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                        {"name": "per_page", "in": "query", "schema": {"type": "integer", "maximum": 100}},
                        {"name": "x-request-id", "in": "header", "schema": {"type": "string"}}
                    ],
                    "responses": ok(json!({"type": "array", "items": reference}))
                },
                "post": {
                    "operationId": format!("create_resource{r}"),
                    "summary": format!("Create resource {r}"),
                    "requestBody": body,
                    "responses": ok(reference.clone())
                }
            }),
        );
        paths.insert(
            format!("/resources{r}/{{id}}"),
            json!({
                "parameters": [id],
                "put": {
                    "operationId": format!("update_resource{r}"),
                    "requestBody": body,
                    "responses": ok(reference.clone())
                },
                "delete": {
                    "operationId": format!("delete_resource{r}"),
                    "responses": {"204": {"description": "deleted"}}
                }
            }),
        );
    }
    schemas.insert(
        "Label".into(),
        json!({"type": "object", "properties": {"name": {"type": "string"}, "color": {"type": "string"}}}),
    );
    schemas.insert(
        "User".into(),
        json!({"type": "object", "properties": {
            "login": {"type": "string"},
            "manager": {"$ref": "#/components/schemas/User"}
        }}),
    );
    json!({
        "openapi": "3.1.0",
        "info": {"title": "generated", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas}
    })
}

fn operation_count(document: &Value) -> usize {
    document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.values())
        .map(|item| METHODS.iter().filter(|m| item.get(**m).is_some()).count())
        .sum()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1e3)
}

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(21);
    let github = corpus_dir().join("github-rest.json");
    let (label, document, parse) = match std::fs::read_to_string(&github) {
        Ok(text) => {
            let started = Instant::now();
            let document: Value = serde_json::from_str(&text).expect("github-rest.json is JSON");
            let parse = started.elapsed();
            let label = format!(
                "GitHub REST API ({}, {:.1} MB)",
                github.display(),
                text.len() as f64 / 1e6
            );
            (label, document, Some(parse))
        }
        Err(_) => {
            eprintln!(
                "{} not found (run tests/corpus/fetch.sh); using a generated document",
                github.display()
            );
            (
                "generated document (300 resources)".to_string(),
                generated(300),
                None,
            )
        }
    };
    let operations = operation_count(&document);

    let mut previews = Vec::with_capacity(runs);
    let mut mounts = Vec::with_capacity(runs);
    let mut full_mounts = Vec::with_capacity(runs);
    let mut clones = Vec::with_capacity(runs);
    let mut tools = 0;
    // One warm-up round, then `runs` measured ones; the clone of the document is not timed.
    for round in 0..=runs {
        let config = McpConfig::from_json(document.clone());
        let started = Instant::now();
        let preview = config.preview().expect("preview");
        let preview_time = started.elapsed();
        tools = preview.tools.len();
        // A floor for comparison: only copying the JSON the conversion produces.
        let started = Instant::now();
        let copy = preview.tools.clone();
        let clone_time = started.elapsed();
        drop(copy);
        drop(preview);

        let config = McpConfig::from_json(document.clone());
        let started = Instant::now();
        let service = McpService::new(config, "/mcp", Unused).expect("mount");
        let mount_time = started.elapsed();
        assert_eq!(service.preview().tools.len(), tools);
        drop(service);

        // The same mount without the output schemas' compaction: what that pass costs.
        let config = McpConfig::from_json(document.clone()).full_output_schemas();
        let started = Instant::now();
        let service = McpService::new(config, "/mcp", Unused).expect("mount");
        let full_mount_time = started.elapsed();
        drop(service);

        if round > 0 {
            previews.push(preview_time);
            mounts.push(mount_time);
            full_mounts.push(full_mount_time);
            clones.push(clone_time);
        }
    }

    println!("document: {label}");
    println!("{operations} operations -> {tools} tools; median of {runs} runs (after 1 warm-up)");
    if let Some(parse) = parse {
        println!(
            "  serde_json::from_str of the file (once):      {}",
            ms(parse)
        );
    }
    println!(
        "  McpConfig::from_json(doc).preview():          {}  (min {}, max {})",
        ms(median(previews.clone())),
        ms(*previews.iter().min().unwrap()),
        ms(*previews.iter().max().unwrap())
    );
    println!(
        "  McpService::new(config, \"/mcp\", dispatcher):  {}  (min {}, max {})",
        ms(median(mounts.clone())),
        ms(*mounts.iter().min().unwrap()),
        ms(*mounts.iter().max().unwrap())
    );
    println!(
        "  the same, .full_output_schemas():            {}  (min {}, max {})",
        ms(median(full_mounts.clone())),
        ms(*full_mounts.iter().min().unwrap()),
        ms(*full_mounts.iter().max().unwrap())
    );
    println!(
        "  floor: clone of the tools' JSON (Vec<Value>): {}",
        ms(median(clones))
    );
}
