//! The `openapi-preview` binary, run as a user runs it.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_openapi-preview"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// A file with `contents` in this test binary's scratch directory.
fn scratch(name: &str, contents: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("openapi-preview-{name}"));
    std::fs::write(&path, contents).unwrap();
    path
}

fn preview(args: &[&str]) -> Value {
    let output = run(args);
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON object")
}

fn names(preview: &Value) -> Vec<&str> {
    preview["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tool| tool["name"].as_str().unwrap())
        .collect()
}

/// The failure message of a run that must fail with exit status 1.
fn failure(args: &[&str]) -> String {
    let output = run(args);
    assert_eq!(output.status.code(), Some(1), "{args:?}");
    assert!(output.stdout.is_empty(), "nothing on stdout when failing");
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn json_document_prints_the_preview() {
    let path = fixture("tickets.json");
    let preview = preview(&[path.to_str().unwrap()]);
    let object = preview.as_object().unwrap();
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        ["resourceTemplates", "resources", "tools", "warnings"],
        "exactly Preview serialized"
    );
    let mut tools = names(&preview);
    tools.sort();
    assert_eq!(
        tools,
        [
            "admin_stats",
            "create_ticket",
            "delete_ticket",
            "get_ticket",
            "list_tickets"
        ]
    );
    let get = preview["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|tool| tool["name"] == "get_ticket")
        .unwrap();
    assert_eq!(get["inputSchema"]["type"], "object");
    assert_eq!(
        get["inputSchema"]["required"],
        serde_json::json!(["ticket_id"])
    );
    // In a result, the `type` every `enum` value has says nothing more: compaction leaves it out.
    assert_eq!(
        get["outputSchema"]["properties"]["status"],
        serde_json::json!({"enum": ["open", "closed"]})
    );
    assert_eq!(get["annotations"]["readOnlyHint"], true);
}

#[test]
fn output_is_compact_on_a_pipe_and_indented_with_pretty() {
    let path = fixture("tickets.json");
    let path = path.to_str().unwrap();
    let text = |output: Output| {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    // The test harness captures stdout, so it is a pipe here, not a terminal.
    let compact = text(run(&[path]));
    let pretty = text(run(&["--pretty", path]));

    assert!(
        compact.starts_with("{\"") && compact.ends_with("}\n"),
        "{compact}"
    );
    assert_eq!(compact.lines().count(), 1, "one line: {compact}");
    assert!(
        !compact.contains("\": "),
        "no space after colons: {compact}"
    );

    assert!(pretty.starts_with("{\n  \""), "{pretty}");
    assert!(
        pretty.contains("\n      \"name\": \""),
        "tools indented: {pretty}"
    );
    assert!(pretty.lines().count() > 100, "{pretty}");

    let parse = |text: &str| serde_json::from_str::<Value>(text).unwrap();
    assert_eq!(
        parse(&compact),
        parse(&pretty),
        "the same preview either way"
    );
    assert!(compact.len() * 2 < pretty.len());
}

#[test]
fn yaml_document_gives_the_same_preview_as_json() {
    let json = run(&[fixture("tickets.json").to_str().unwrap()]);
    let yaml = run(&[fixture("tickets.yaml").to_str().unwrap()]);
    assert!(
        yaml.status.success(),
        "{}",
        String::from_utf8_lossy(&yaml.stderr)
    );
    assert_eq!(
        String::from_utf8(yaml.stdout).unwrap(),
        String::from_utf8(json.stdout).unwrap()
    );
    let summary = String::from_utf8(yaml.stderr).unwrap();
    assert!(summary.contains("5 tools"), "{summary}");
}

#[test]
fn yaml_without_extension_and_stdin() {
    let text = std::fs::read_to_string(fixture("tickets.yaml")).unwrap();
    let path = scratch("no-extension", &text);
    assert_eq!(names(&preview(&[path.to_str().unwrap()])).len(), 5);

    let mut child = Command::new(env!("CARGO_BIN_EXE_openapi-preview"))
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let preview: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(names(&preview).len(), 5);
}

#[test]
fn filters_narrow_the_tools() {
    let spec = fixture("tickets.yaml");
    let spec = spec.to_str().unwrap();
    let sorted = |preview: Value| {
        let mut names: Vec<String> = names(&preview).into_iter().map(String::from).collect();
        names.sort();
        names
    };
    assert_eq!(
        sorted(preview(&["--include-tag", "admin", spec])),
        ["admin_stats", "delete_ticket"]
    );
    assert_eq!(
        sorted(preview(&["--exclude-tag=admin", spec])),
        ["create_ticket", "get_ticket", "list_tickets"]
    );
    assert_eq!(
        sorted(preview(&["--method", "GET", "--method", "delete", spec])),
        ["admin_stats", "delete_ticket", "get_ticket", "list_tickets"]
    );
    assert_eq!(
        sorted(preview(&["--path", "/tickets/{ticket_id}", spec])),
        ["delete_ticket", "get_ticket"]
    );
    assert_eq!(
        sorted(preview(&[
            "--include-operation",
            "get_ticket",
            "--include-operation",
            "list_tickets",
            spec
        ])),
        ["get_ticket", "list_tickets"]
    );
    assert_eq!(
        sorted(preview(&[
            "--exclude-operation",
            "admin_stats",
            "--exclude-path=/tickets",
            spec
        ])),
        ["delete_ticket", "get_ticket"]
    );
    assert_eq!(
        sorted(preview(&["--exclude-method", "get", spec])),
        ["create_ticket", "delete_ticket"]
    );
}

#[test]
fn invalid_documents_fail_with_file_line_and_reason() {
    let broken_json = scratch(
        "broken.json",
        "{\n  \"openapi\": \"3.1.0\",\n  \"paths\": {,}\n}\n",
    );
    let message = failure(&[broken_json.to_str().unwrap()]);
    assert!(
        message.contains("broken.json:3:") && message.contains("not valid JSON"),
        "{message}"
    );

    let broken_yaml = scratch("broken.yaml", "openapi: 3.1.0\npaths:\n  /a: [\n");
    let message = failure(&[broken_yaml.to_str().unwrap()]);
    assert!(
        message.contains("broken.yaml:") && message.contains("not valid YAML"),
        "{message}"
    );

    let array = scratch("array.json", "[1, 2]");
    let message = failure(&[array.to_str().unwrap()]);
    assert!(message.contains("found an array"), "{message}");

    let swagger = scratch(
        "swagger.yaml",
        "info:\n  title: old\nswagger: '2.0'\npaths: {}\n",
    );
    let message = failure(&[swagger.to_str().unwrap()]);
    assert!(
        message.contains("swagger.yaml:3:") && message.contains("Swagger 2.0"),
        "{message}"
    );

    let no_version = scratch("no-version.json", "{\"paths\": {}}");
    let message = failure(&[no_version.to_str().unwrap()]);
    assert!(message.contains("no `openapi` field"), "{message}");

    let openapi_4 = scratch("v4.yaml", "openapi: 4.0.0\npaths: {}\n");
    let message = failure(&[openapi_4.to_str().unwrap()]);
    assert!(
        message.contains("v4.yaml:1:") && message.contains("only OpenAPI 3.0 and 3.1"),
        "{message}"
    );

    let paths_array = scratch(
        "paths-array.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  - /a\n",
    );
    let message = failure(&[paths_array.to_str().unwrap()]);
    assert!(
        message.contains("paths-array.yaml:3:") && message.contains("`paths` must be an object"),
        "{message}"
    );

    let message = failure(&["/nonexistent/spec.yaml"]);
    assert!(
        message.contains("/nonexistent/spec.yaml: cannot read the file"),
        "{message}"
    );
}

#[test]
fn help_and_usage_errors() {
    let help = run(&["--help"]);
    assert!(help.status.success());
    let text = String::from_utf8(help.stdout).unwrap();
    assert!(
        text.contains("Usage: openapi-preview [OPTIONS] SPEC"),
        "{text}"
    );
    for flag in [
        "--include-tag",
        "--exclude-tag",
        "--include-operation",
        "--exclude-operation",
        "--method",
        "--path",
        "--pretty",
    ] {
        assert!(text.contains(flag), "{flag} documented");
    }

    for args in [&[][..], &["--include-tag"], &["--nope", "x.json"]] {
        let output = run(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("--help"));
    }
}
