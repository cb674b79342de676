//! Search quality on a real API: `tests/search_queries.json` lists tasks a user might give a
//! model with GitHub's REST API mounted in discovery mode, each with the operation that does it.
//! The test ranks every query with the mount's [`ToolFinder`] (what `search_tools` answers
//! from), prints the top-1 and top-5 hit rates, each miss, and the time per query, and holds the
//! top-5 rate at 90% or more.
//!
//! Like `corpus.rs`, it reads the document `tests/corpus/fetch.sh` fetched into
//! `$MCP_WEB_CORPUS_DIR` (default `<repo>/.cache/corpus`), is ignored by default so that
//! `cargo test --workspace` works on a fresh checkout, and fails (never skips) when the
//! document is missing. `scripts/test.sh` runs it in a debug build (the hit rates; the timing
//! check is for release builds only); for timings worth reporting, run it optimised:
//!
//! ```text
//! cargo test --release -p mcp-web-core --test search_quality -- --ignored --nocapture
//! ```

use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

use http::StatusCode;
use mcp_web_core::{McpConfig, ToolFinder, ToolSearch};
use serde_json::{Value, json};

mod support;

use support::{FnDispatcher, Mcp, empty};

const QUERIES: &str = include_str!("search_queries.json");

/// The share of queries whose expected tool must be among the first five.
const TOP_5_FLOOR: f64 = 0.90;

fn corpus_dir() -> PathBuf {
    match std::env::var_os("MCP_WEB_CORPUS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.cache/corpus"),
    }
}

struct Query {
    text: String,
    expected: String,
}

fn queries(set: &Value) -> Vec<Query> {
    set["queries"]
        .as_array()
        .expect("search_queries.json has a 'queries' array")
        .iter()
        .map(|q| Query {
            text: q["query"].as_str().expect("a query").to_string(),
            expected: q["expected"]
                .as_str()
                .expect("an expected tool")
                .to_string(),
        })
        .collect()
}

fn read(file: &str) -> Value {
    let path = corpus_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}\nrun tests/corpus/fetch.sh (it fills $MCP_WEB_CORPUS_DIR, \
             default <repo>/.cache/corpus)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn finder(file: &str) -> ToolFinder {
    McpConfig::from_json(read(file))
        .tool_finder()
        .unwrap_or_else(|e| panic!("{file}: the mount fails: {e}"))
}

/// The mean time of one call of `search` over all `queries`, after a first round that warms
/// the caches, over enough rounds to last about half a second.
fn mean_time(queries: &[Query], mut search: impl FnMut(&str)) -> Duration {
    for query in queries {
        search(&query.text);
    }
    let started = Instant::now();
    let mut calls = 0u32;
    while started.elapsed() < Duration::from_millis(500) {
        for query in queries {
            search(&query.text);
            calls += 1;
        }
    }
    started.elapsed() / calls
}

#[test]
#[ignore = "needs tests/corpus/fetch.sh"]
fn github_tasks_find_their_operation_in_the_top_five() {
    let set: Value = serde_json::from_str(QUERIES).expect("search_queries.json is JSON");
    let queries = queries(&set);
    assert!(queries.len() >= 40, "{} queries", queries.len());
    let file = set["document"].as_str().expect("the document searched");
    let finder = finder(file);
    for query in &queries {
        assert!(
            !finder.ranked(&query.expected, 1).is_empty(),
            "'{}' expects {}, which is not a tool of {file}",
            query.text,
            query.expected
        );
    }

    let (mut top_1, mut top_5) = (0, 0);
    for query in &queries {
        let ranked = finder.ranked(&query.text, 5);
        let position = ranked.iter().position(|name| *name == query.expected);
        match position {
            Some(0) => top_1 += 1,
            Some(_) => {}
            None => println!(
                "  MISS  '{}': expected {}, got {ranked:?}",
                query.text, query.expected
            ),
        }
        if let Some(at @ 1..) = position {
            println!(
                "  #{}    '{}': {} after {:?}",
                at + 1,
                query.text,
                query.expected,
                &ranked[..at]
            );
        }
        top_5 += usize::from(position.is_some());
    }
    let rate = |hits: usize| hits as f64 / queries.len() as f64;
    let ranking = mean_time(&queries, |q| drop(finder.ranked(q, 5)));
    let answer = mean_time(&queries, |q| drop(finder.search(q, Some(5), &[])));
    println!(
        "tool search on {file} ({} tools, {} queries): top-1 {:.1}% ({top_1}), top-5 {:.1}% ({top_5}); \
         per query: ranking {ranking:?}, the whole search_tools answer (5 tools with schemas) {answer:?}{}",
        finder.len(),
        queries.len(),
        100.0 * rate(top_1),
        100.0 * rate(top_5),
        if cfg!(debug_assertions) {
            " (debug build: run with --release for real timings)"
        } else {
            ""
        }
    );
    assert!(
        rate(top_5) >= TOP_5_FLOOR,
        "top-5 hit rate {:.1}% is under {:.0}%",
        100.0 * rate(top_5),
        100.0 * TOP_5_FLOOR
    );
    if !cfg!(debug_assertions) {
        assert!(
            ranking < Duration::from_millis(1),
            "a search takes {ranking:?}"
        );
    }
}

/// The tools a discovery-mode mount of GitHub lists must stay small. (What pinned tools add is
/// theirs: GitHub's `repos_get` alone is 40 KB with its output schema.)
const LIST_CEILING: usize = 20 * 1024;

#[tokio::test]
#[ignore = "needs tests/corpus/fetch.sh"]
async fn github_in_discovery_mode_lists_a_few_kilobytes() {
    let set: Value = serde_json::from_str(QUERIES).expect("search_queries.json is JSON");
    let file = set["document"].as_str().expect("the document searched");
    let config = McpConfig::from_json(read(file))
        .stateless()
        .tool_search(ToolSearch::new().when_more_than(50));
    let mcp = Mcp::new(
        config,
        FnDispatcher::new(|_| async { empty(StatusCode::OK) }),
    );
    let listed = mcp.rpc("tools/list", json!({})).await;
    let tools = &listed["result"]["tools"];
    let names: Vec<&str> = tools
        .as_array()
        .expect("a tool list")
        .iter()
        .filter_map(|tool| tool["name"].as_str())
        .collect();
    assert_eq!(names, ["search_tools", "call_tool"]);
    let bytes = tools.to_string().len();
    println!("tools/list of {file} in discovery mode: {bytes} bytes");
    assert!(bytes < LIST_CEILING, "tools/list is {bytes} bytes");
    let found = mcp
        .call(
            "search_tools",
            json!({"query": "add a comment to an issue"}),
        )
        .await;
    let first = &found["structuredContent"]["tools"][0]["name"];
    assert_eq!(first, "issues_create-comment", "{found}");
}
