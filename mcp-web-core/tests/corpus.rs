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
//! - every operation of the document is either a tool or named by a conversion warning;
//! - the compacted output schemas (the default: `examples` dropped, repeated parts under `$defs`)
//!   mean what the full ones mean ([`McpConfig::full_output_schemas`]): instances generated from
//!   each full schema (its own examples, one value per type, every branch of a `oneOf`), and
//!   mutations of them (a property removed, a value of the wrong type), are accepted or rejected
//!   by both compiled schemas alike; input schemas and descriptions are the same in both.
//!
//! Problems the core still has are listed in [`KNOWN`]: they are printed as `KNOWN` and do not
//! fail the test; any other problem does. When a known problem is gone, the test says so, and the
//! entry should be removed.

use std::{
    collections::{BTreeMap, HashSet},
    path::PathBuf,
    sync::atomic::{AtomicUsize, Ordering},
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

/// The compacted tools against the full ones: the same names, descriptions and input schemas,
/// and output schemas that accept and reject the same instances.
fn same_meaning(preview: &Preview, full: &Preview, problems: &mut Vec<Problem>) {
    if preview.tools.len() != full.tools.len() {
        problems.push(Problem::new(
            "",
            format!(
                "{} tools, {} with full output schemas",
                preview.tools.len(),
                full.tools.len()
            ),
        ));
        return;
    }
    let (mut checked, mut told_apart) = (0usize, 0usize);
    // Tools whose output schema the mount's one-pass check covers; samples it decided.
    let (mut with_plan, mut decided) = (0usize, 0usize);
    for (tool, full_tool) in preview.tools.iter().zip(&full.tools) {
        let name = tool["name"].as_str().unwrap_or_default();
        for key in ["name", "title", "description", "inputSchema", "annotations"] {
            if tool.get(key) != full_tool.get(key) {
                problems.push(Problem::new(
                    name,
                    format!("{key} differs from the one with full output schemas"),
                ));
            }
        }
        let (Some(compact), Some(original)) =
            (tool.get("outputSchema"), full_tool.get("outputSchema"))
        else {
            if tool.get("outputSchema").is_some() != full_tool.get("outputSchema").is_some() {
                problems.push(Problem::new(
                    name,
                    "outputSchema appears in one only".into(),
                ));
            }
            continue;
        };
        let (Ok(new), Ok(old)) = (
            jsonschema::validator_for(compact),
            jsonschema::validator_for(original),
        ) else {
            continue; // schema_problems reports it
        };
        let in_place_check = mcp_web_core::testing::OutputCheck::new(compact);
        let mut instances = Vec::new();
        samples(original, original, 0, &mut instances);
        let mut mutated = Vec::new();
        for instance in &instances {
            mutations(instance, &mut mutated);
        }
        instances.extend(mutated);
        instances.extend([Value::Null, serde_json::json!({}), serde_json::json!("x")]);
        let (mut accepted, mut rejected) = (0, 0);
        if in_place_check
            .as_ref()
            .is_some_and(|check| check.has_one_pass_check())
        {
            with_plan += 1;
        }
        for instance in &instances {
            let verdict = old.is_valid(instance);
            // The mount checks answers read in place: the same verdict as on a `Value`.
            let body = serde_json::to_vec(instance).expect("a JSON value");
            let in_place = in_place_check
                .as_ref()
                .and_then(|check| check.accepts(&body));
            // The mount's fast path, where it decides, decides as the full check does.
            let one_pass = in_place_check
                .as_ref()
                .and_then(|check| check.one_pass_verdict(&body));
            if one_pass.is_some() {
                decided += 1;
                if one_pass != in_place {
                    problems.push(Problem::new(
                        name,
                        format!(
                            "the one-pass check gives {one_pass:?}, the full check {in_place:?}: {}",
                            truncated(instance)
                        ),
                    ));
                    break;
                }
            }
            if in_place != Some(new.is_valid(instance)) {
                problems.push(Problem::new(
                    name,
                    format!(
                        "the outputSchema checked on the answer read in place gives {in_place:?}, \
                         on a Value {}: {}",
                        new.is_valid(instance),
                        truncated(instance)
                    ),
                ));
                break;
            }
            if new.is_valid(instance) != verdict {
                problems.push(Problem::new(
                    name,
                    format!(
                        "the compacted outputSchema {} an instance the full one {}: {}",
                        if verdict { "rejects" } else { "accepts" },
                        if verdict { "accepts" } else { "rejects" },
                        truncated(instance)
                    ),
                ));
                break;
            }
            if verdict {
                accepted += 1;
            } else {
                rejected += 1;
            }
        }
        checked += 1;
        if accepted > 0 && rejected > 0 {
            told_apart += 1;
        }
    }
    println!(
        "  output schemas compared on samples of both verdicts: {told_apart} of {checked} tools; \
         one-pass check for {with_plan}, deciding {decided} samples as the full check does"
    );
    COMPARED.fetch_add(checked, Ordering::Relaxed);
    TOLD_APART.fetch_add(told_apart, Ordering::Relaxed);
}

/// Tools whose output schemas were compared, and those of them that got instances of both
/// verdicts, over the whole corpus.
static COMPARED: AtomicUsize = AtomicUsize::new(0);
static TOLD_APART: AtomicUsize = AtomicUsize::new(0);

fn truncated(instance: &Value) -> String {
    let text = instance.to_string();
    text.chars().take(300).collect()
}

/// Instances of `schema` (a subschema of `root`): its examples, then values built from its
/// keywords, one per `oneOf`/`anyOf` branch. Bounded: deep or recursive models stop at depth 8.
fn samples(schema: &Value, root: &Value, depth: usize, out: &mut Vec<Value>) {
    const MAX_SAMPLES: usize = 24;
    if let Some(examples) = schema.get("examples").and_then(Value::as_array) {
        out.extend(examples.iter().take(2).cloned());
    }
    if let Some(branches) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        for branch in branches.iter().take(MAX_SAMPLES) {
            out.push(sample(branch, root, depth + 1));
        }
    }
    out.push(sample(schema, root, depth));
}

/// One value built from a schema's keywords.
fn sample(schema: &Value, root: &Value, depth: usize) -> Value {
    use serde_json::json;
    if depth > 8 {
        return Value::Null;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str)
        && let Some(target) = reference.strip_prefix('#').and_then(|p| root.pointer(p))
    {
        return sample(target, root, depth + 1);
    }
    if let Some(value) = schema.get("const") {
        return value.clone();
    }
    if let Some(value) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return value.clone();
    }
    if let Some(value) = schema
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return value.clone();
    }
    if let Some(first) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
        .and_then(|b| b.first())
    {
        return sample(first, root, depth + 1);
    }
    if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = serde_json::Map::new();
        for member in members {
            if let Value::Object(part) = sample(member, root, depth + 1) {
                merged.extend(part);
            }
        }
        return Value::Object(merged);
    }
    let kind = match schema.get("type") {
        Some(Value::String(kind)) => kind.as_str(),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ => "null",
    };
    match kind {
        "object" => Value::Object(
            schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(name, sub)| (name.clone(), sample(sub, root, depth + 1)))
                .collect(),
        ),
        "array" => match schema.get("items") {
            Some(items) => json!([sample(items, root, depth + 1)]),
            None => json!([]),
        },
        "string" => match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => json!("2024-01-01T00:00:00Z"),
            Some("date") => json!("2024-01-01"),
            Some("uri") => json!("https://example.com/x"),
            Some("email") => json!("a@example.com"),
            _ => json!("x"),
        },
        "integer" => json!(1),
        "number" => json!(1.5),
        "boolean" => json!(true),
        _ => Value::Null,
    }
}

/// Variants of an instance with one change each: a property removed, or a value of another type
/// (the first few dozen places, depth first).
fn mutations(instance: &Value, out: &mut Vec<Value>) {
    const MAX_MUTATIONS: usize = 40;
    fn walk(value: &Value, path: &mut Vec<String>, places: &mut Vec<Vec<String>>) {
        if places.len() >= MAX_MUTATIONS {
            return;
        }
        places.push(path.clone());
        match value {
            Value::Object(map) => {
                for (key, sub) in map {
                    path.push(key.clone());
                    walk(sub, path, places);
                    path.pop();
                }
            }
            Value::Array(list) => {
                if let Some(first) = list.first() {
                    path.push("0".into());
                    walk(first, path, places);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut places = Vec::new();
    walk(instance, &mut Vec::new(), &mut places);
    for place in places.iter().skip(1) {
        let pointer: String = place
            .iter()
            .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
            .collect();
        let wrong = match instance.pointer(&pointer) {
            Some(Value::String(_)) => serde_json::json!(12345),
            Some(Value::Object(_) | Value::Array(_)) => serde_json::json!("x"),
            _ => serde_json::json!({"x": 1}),
        };
        let mut changed = instance.clone();
        if let Some(target) = changed.pointer_mut(&pointer) {
            *target = wrong;
        }
        out.push(changed);
        // The same place removed from its object.
        let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", ""));
        let mut removed = instance.clone();
        if let Some(Value::Object(map)) = removed.pointer_mut(parent) {
            map.remove(&last.replace("~1", "/").replace("~0", "~"));
            out.push(removed);
        }
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

fn check(document: &Value, preview: &Preview, full: &Preview, convert: Duration) -> Report {
    let mut problems = Vec::new();
    same_meaning(preview, full, &mut problems);
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
        let full = McpConfig::from_json(document.clone())
            .full_output_schemas()
            .preview()
            .unwrap_or_else(|e| panic!("{}: preview failed: {e}", entry.file));
        let report = check(&document, &preview, &full, convert);
        let bytes = |p: &Preview| serde_json::to_vec(&p.tools).map_or(0, |v| v.len());
        println!(
            "  tools/list {} bytes compact JSON; {} with full output schemas",
            bytes(&preview),
            bytes(&full)
        );

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
    // The generator cannot satisfy every schema (patterns, lengths): most tools must still get
    // instances of both verdicts, or the comparison of output schemas proves little.
    let (compared, told_apart) = (
        COMPARED.load(Ordering::Relaxed),
        TOLD_APART.load(Ordering::Relaxed),
    );
    println!("\noutput schemas compared on instances of both verdicts: {told_apart} of {compared}");
    assert!(
        compared >= 1000 && told_apart * 10 >= compared * 9,
        "output schema samples: only {told_apart} of {compared} tools got both accepted and \
         rejected instances"
    );
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
