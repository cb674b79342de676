//! The `split-deployment` binary, run as the README says: both apps in one process, then a
//! second process whose MCP app calls the first one's API with `--remote`.

use std::{net::SocketAddr, process::Stdio, time::Duration};

use mcp_test_support::{protocol, reply, tcp::Endpoint};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

/// The binary started with `args` on ports the OS picks; the child and its start-up lines, up
/// to the last one (the token).
async fn start(args: &[&str]) -> (Child, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_split-deployment"))
        .args(args)
        .env("PORT", "0")
        .env("MCP_PORT", "0")
        .env("DEMO_TOKEN", "cli-token")
        .env_remove("API_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    let read = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            let last = line.starts_with("Bearer token:");
            seen.push(line);
            if last {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .expect("the binary printed where it listens");
    // Keep reading, so the binary can write to its stdout as long as it runs.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, seen)
}

/// The address in the line that starts with `prefix`: `… http://127.0.0.1:PORT…`.
fn address(lines: &[String], prefix: &str) -> SocketAddr {
    let line = lines
        .iter()
        .find(|line| line.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starts with {prefix:?}: {lines:?}"));
    let url = &line[line.find("http://").unwrap() + "http://".len()..];
    url.trim_end_matches("/mcp").parse().unwrap()
}

async fn call(mcp: SocketAddr, tool: &str, arguments: Value) -> Value {
    let params = protocol::with_modern_meta(json!({"name": tool, "arguments": arguments}));
    let message = protocol::request(1, "tools/call", params.clone()).to_string();
    let mut headers = protocol::modern_headers("tools/call", &params);
    headers.push(("authorization", "Bearer cli-token"));
    let response = Endpoint::new(mcp, "/mcp")
        .exchange("POST", &headers, &message)
        .await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let body = &response[response.find("\r\n\r\n").unwrap() + 4..];
    reply::message(body)["result"].clone()
}

#[tokio::test]
async fn both_apps_in_one_process_then_an_mcp_app_calling_it_remotely() {
    let (mut local, lines) = start(&[]).await;
    let api = address(&lines, "split-deployment API listening on");
    let mcp = address(&lines, "MCP endpoint:");
    assert_ne!(api, mcp);
    let created = call(
        mcp,
        "create_ticket",
        json!({"title": "from the local MCP app"}),
    )
    .await;
    assert_eq!(created["isError"], false, "{created}");

    let base = format!("http://{api}");
    let (mut remote, lines) = start(&["--remote", &base]).await;
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&format!("calls the API at {base}"))),
        "{lines:?}"
    );
    let remote_mcp = address(&lines, "MCP endpoint:");
    let listed = call(remote_mcp, "list_tickets", json!({})).await;
    assert_eq!(listed["isError"], false, "{listed}");
    assert!(
        listed.to_string().contains("from the local MCP app"),
        "{listed}"
    );

    remote.kill().await.unwrap();
    local.kill().await.unwrap();
}
