//! Real-world OpenAPI documents, converted whole: every tool must be usable by an MCP client.
//!
//! The documents are listed in `tests/corpus/manifest.tsv` and fetched by `tests/corpus/fetch.sh`
//! into `$MCP_WEB_CORPUS_DIR` (default `<repo>/.cache/corpus`). `scripts/test.sh` fetches them
//! and runs this test with `cargo test -p mcp-web-core --test corpus -- --ignored --nocapture`.
//! It is ignored by default so that `cargo test --workspace` works on a fresh checkout, and it
//! fails (never skips) when a listed document is missing.
//!
//! For each document, every tool is checked:
//! - the name is unique, at most 64 characters, `^[A-Za-z0-9_.-]+$`;
//! - `inputSchema` and `outputSchema` are valid against the JSON Schema 2020-12 meta-schema,
//!   compile as validators (as the server compiles them for `tools/call`), and have
//!   `"type": "object"` at the root;
//! - every operation of the document is either a tool or named by a conversion warning.
//!
//! Problems the core still has are listed in [`KNOWN`]: they are printed as `KNOWN` and do not
//! fail the test; any other problem does. When a known problem is gone, the test says so, and the
//! entry should be removed.

use std::{
    collections::{BTreeMap, HashSet},
    path::PathBuf,
    time::{Duration, Instant},
};

use mcp_web_core::{McpConfig, Preview};
use serde_json::Value;

const MANIFEST: &str = include_str!("../../tests/corpus/manifest.tsv");
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Known conversion problems: (corpus file, tool, what is wrong). Each matches every problem of
/// that tool in that file. Remove an entry once the core fixes it (the test prints which are gone).
const KNOWN: &[(&str, &str, &str)] = &[];

/// One document of the manifest.
struct Document {
    file: String,
    package: String,
    title: String,
    licence: String,
}

fn documents() -> Vec<Document> {
    MANIFEST
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .filter(|columns| columns[0] == "doc")
        .map(|columns| Document {
            file: columns[1].to_string(),
            package: columns[2].to_string(),
            title: columns.get(5).unwrap_or(&"").to_string(),
            licence: columns.get(6).unwrap_or(&"").to_string(),
        })
        .collect()
}

fn corpus_dir() -> PathBuf {
    match std::env::var_os("MCP_WEB_CORPUS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.cache/corpus"),
    }
}

/// The operations a document declares, labelled as conversion warnings label them.
fn operations(document: &Value) -> Vec<String> {
    let mut labels = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return labels;
    };
    for (path, item) in paths {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                labels.push(
                    operation
                        .get("operationId")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("{} {path}", method.to_uppercase())),
                );
            }
        }
    }
    labels
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// Every problem with one tool schema (`which` is `inputSchema` or `outputSchema`).
fn schema_problems(tool: &str, which: &str, schema: &Value, problems: &mut Vec<Problem>) {
    let meta = jsonschema::draft202012::meta::validator();
    for error in meta.iter_errors(schema) {
        problems.push(Problem::new(
            tool,
            format!(
                "{which} at '{}' is not valid JSON Schema 2020-12: {error}",
                error.instance_path()
            ),
        ));
    }
    if schema.get("type").and_then(Value::as_str) != Some("object") {
        problems.push(Problem::new(
            tool,
            format!(
                "{which} root is not \"type\": \"object\" (type is {})",
                schema.get("type").unwrap_or(&Value::Null)
            ),
        ));
    }
    if let Err(error) = jsonschema::validator_for(schema) {
        problems.push(Problem::new(
            tool,
            format!("{which} does not compile: {error}"),
        ));
    }
}

/// One thing wrong with a tool (`tool` is empty for problems of the whole document).
struct Problem {
    tool: String,
    text: String,
}

impl Problem {
    fn new(tool: &str, text: String) -> Self {
        Self {
            tool: tool.to_string(),
            text,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.tool.is_empty() {
            write!(f, "{}", self.text)
        } else {
            write!(f, "{}: {}", self.tool, self.text)
        }
    }
}

/// What one document produced.
struct Report {
    operations: usize,
    tools: usize,
    warnings: usize,
    convert: Duration,
    problems: Vec<Problem>,
}

fn check(document: &Value, preview: &Preview, convert: Duration) -> Report {
    let mut problems = Vec::new();
    let mut names = HashSet::new();
    for tool in &preview.tools {
        let name = tool["name"].as_str().unwrap_or_default();
        if !valid_name(name) {
            problems.push(Problem::new(
                name,
                "the name is not 1-64 characters of [A-Za-z0-9_.-]".into(),
            ));
        }
        if !names.insert(name.to_string()) {
            problems.push(Problem::new(name, "the name is used twice".into()));
        }
        if tool["description"].as_str().is_none_or(str::is_empty) {
            problems.push(Problem::new(name, "no description".into()));
        }
        match tool.get("inputSchema") {
            Some(schema) => schema_problems(name, "inputSchema", schema, &mut problems),
            None => problems.push(Problem::new(name, "no inputSchema".into())),
        }
        if let Some(schema) = tool.get("outputSchema") {
            schema_problems(name, "outputSchema", schema, &mut problems);
        }
    }
    let operations = operations(document);
    let warned: HashSet<&str> = preview
        .warnings
        .iter()
        .map(|w| w.operation.as_str())
        .collect();
    if preview.tools.len() < operations.len() {
        // A dropped operation must be named by a warning; tool names are cleaned operationIds,
        // so compare on the warnings only.
        let silent: Vec<&String> = operations
            .iter()
            .filter(|label| !warned.contains(label.as_str()))
            .collect();
        let unexplained = operations.len() - preview.tools.len();
        if silent.len() > preview.tools.len() {
            problems.push(Problem::new(
                "",
                format!(
                    "{unexplained} operations are not tools, and only {} of them are named by a \
                     warning",
                    operations.len() - silent.len()
                ),
            ));
        }
    }
    Report {
        operations: operations.len(),
        tools: preview.tools.len(),
        warnings: preview.warnings.len(),
        convert,
        problems,
    }
}

#[test]
#[ignore = "needs tests/corpus/fetch.sh"]
fn corpus_documents_convert_to_valid_tools() {
    let dir = corpus_dir();
    let documents = documents();
    assert!(
        documents.len() >= 3,
        "the manifest lists {} documents",
        documents.len()
    );
    let missing: Vec<String> = documents
        .iter()
        .map(|d| dir.join(&d.file))
        .filter(|path| !path.is_file())
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "corpus documents missing: {}\nrun tests/corpus/fetch.sh (it fills $MCP_WEB_CORPUS_DIR, \
         default <repo>/.cache/corpus)",
        missing.join(", ")
    );

    let mut failures = Vec::new();
    let mut known_seen = HashSet::new();
    for entry in &documents {
        let path = dir.join(&entry.file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let document: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
        let started = Instant::now();
        let preview = McpConfig::from_json(document.clone())
            .preview()
            .unwrap_or_else(|e| panic!("{}: preview failed: {e}", entry.file));
        let convert = started.elapsed();
        let report = check(&document, &preview, convert);

        println!(
            "\n{} — {} {} [{}; {}]",
            entry.title,
            entry.file,
            document["openapi"].as_str().unwrap_or("?"),
            entry.package,
            entry.licence
        );
        println!(
            "  {} operations, {} tools, {} warnings, converted in {:.1} ms",
            report.operations,
            report.tools,
            report.warnings,
            report.convert.as_secs_f64() * 1e3
        );
        let mut reasons: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for warning in &preview.warnings {
            reasons
                .entry(warning.reason.as_str())
                .or_default()
                .push(warning.operation.as_str());
        }
        for (reason, operations) in &reasons {
            let shown: Vec<&str> = operations.iter().take(3).copied().collect();
            let more = operations.len().saturating_sub(shown.len());
            println!(
                "  warning ×{}: {reason} ({}{})",
                operations.len(),
                shown.join(", "),
                if more > 0 {
                    format!(", and {more} more")
                } else {
                    String::new()
                }
            );
        }
        for problem in &report.problems {
            let known = KNOWN
                .iter()
                .find(|(file, tool, _)| *file == entry.file && *tool == problem.tool);
            match known {
                Some(known @ (_, _, why)) => {
                    known_seen.insert(*known);
                    println!("  KNOWN ({why}): {problem}");
                }
                None => {
                    println!("  PROBLEM: {problem}");
                    failures.push(format!("{}: {problem}", entry.file));
                }
            }
        }
    }
    let fixed: Vec<String> = KNOWN
        .iter()
        .filter(|known| !known_seen.contains(*known))
        .map(|(file, tool, _)| format!("{file} {tool}"))
        .collect();
    if !fixed.is_empty() {
        println!(
            "\nknown problems that are gone (remove them from KNOWN in {}): {}",
            file!(),
            fixed.join(", ")
        );
    }
    assert!(
        failures.is_empty(),
        "{} problems in the corpus:\n{}",
        failures.len(),
        failures
            .iter()
            .take(50)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn manifest_lists_documents_with_licences() {
    let documents = documents();
    assert!(documents.len() >= 3);
    for document in &documents {
        assert!(document.file.ends_with(".json"), "{}", document.file);
        assert!(document.package.contains('@'), "{}", document.package);
        assert!(!document.licence.is_empty(), "{}", document.file);
    }
}
