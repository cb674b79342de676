//! `openapi-preview SPEC --search QUERY`: what discovery mode's `search_tools` would answer.

use std::{path::Path, process::Command};

use serde_json::Value;

fn search(args: &[&str]) -> Value {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tickets.json");
    let output = Command::new(env!("CARGO_BIN_EXE_openapi-preview"))
        .arg(spec)
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("tools found for"), "{stderr}");
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON object")
}

fn names(found: &Value) -> Vec<&str> {
    found["tools"]
        .as_array()
        .expect("a tools array")
        .iter()
        .map(|tool| tool["name"].as_str().unwrap())
        .collect()
}

#[test]
fn search_prints_the_best_tools_with_their_schemas() {
    let found = search(&["--search", "remove a ticket", "--limit", "1"]);
    assert_eq!(names(&found), ["delete_ticket"]);
    assert!(found["tools"][0]["inputSchema"].is_object());
    let open = search(&["--search=open a new ticket"]);
    assert_eq!(names(&open)[0], "create_ticket");
}

#[test]
fn search_sees_only_what_the_filters_let_through() {
    let found = search(&["--method", "get", "--search", "remove a ticket"]);
    assert!(!names(&found).contains(&"delete_ticket"), "{found}");
}
