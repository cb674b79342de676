//! # openapi-preview: what mcp-web would expose for an OpenAPI document
//!
//! ```text
//! cargo run -p openapi-preview -- openapi.yaml
//! cargo run -p openapi-preview -- --include-tag tickets --method get openapi.json
//! cargo run -p openapi-preview -- openapi.json --search "add a comment to an issue" --limit 3
//! ```
//!
//! Reads an OpenAPI 3.0 or 3.1 document (JSON or YAML), converts it with the default mapping of
//! `mcp-web-core` and prints one JSON object on stdout: exactly [`mcp_web_core::Preview`]
//! serialized, that is
//! `{"tools": [..], "resources": [..], "resourceTemplates": [..], "warnings": [..]}` with each tool
//! as `tools/list` returns it to a client of protocol 2025-06-18 or later (a 2025-03-26 client
//! also gets each tool's `title` as `annotations.title`). The JSON is indented on a terminal (or with `--pretty`) and compact
//! when stdout is a file or a pipe, where a program reads it and indentation only costs time. A
//! one-line summary goes to stderr. With `--search QUERY`, it prints instead what the
//! `search_tools` tool of discovery mode (`mcp_web_core::ToolSearch`) would answer:
//! `{"tools": [{"name", "title", "description", "inputSchema"}, ..]}`, best match first.
//!
//! Exit status: 0 on success, 1 when the document cannot be read or is not an OpenAPI 3.x
//! document (the message names the file, the line when known, and what is wrong), 2 on a usage
//! error.

use std::{
    fmt,
    io::{self, BufWriter, IsTerminal, Read, Write},
    path::Path,
    process::ExitCode,
};

use mcp_web_core::McpConfig;
use serde_json::{Map, Value};

mod document;

// A large API makes this process allocate about 200 MB of small JSON values at once: mimalloc
// takes that memory from the OS in huge pages, a few hundred page faults instead of 50,000
// (BENCHMARKS.md, "openapi-preview").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
openapi-preview: print the MCP tools mcp-web would expose for an OpenAPI document

Usage: openapi-preview [OPTIONS] SPEC

Arguments:
  SPEC    an OpenAPI 3.0 or 3.1 document, JSON or YAML ('-' reads stdin)

Options (each repeatable; values may also be given as --option=value):
  --include-tag TAG              expose only operations with one of these tags
  --exclude-tag TAG              leave out operations with any of these tags
  --include-operation ID         expose only these operationIds
  --exclude-operation ID         leave out these operationIds
  --method METHOD                expose only these HTTP methods (get, post, ...)
  --exclude-method METHOD        leave out these HTTP methods
  --path PATTERN                 expose only these path templates: /tickets/{id} exactly,
                                 /admin/* one more segment, /admin/** any depth
  --exclude-path PATTERN         leave out these path templates (same patterns)
  --search QUERY                 print what search_tools (discovery mode) answers for QUERY
                                 instead of the preview
  --limit N                      with --search: at most N tools (default 5, at most 25)
  --pretty                       indent the JSON even when stdout is not a terminal
  -h, --help                     print this help

Output (stdout): {\"tools\": [..], \"resources\": [..], \"resourceTemplates\": [..],
\"warnings\": [..]}, each tool exactly as tools/list returns it to clients of protocol
2025-06-18 or later (2025-03-26 clients also get the title as annotations.title); indented on
a terminal, compact on a pipe or a file unless --pretty. A summary goes to stderr.

Exit status: 0 success, 1 unreadable or invalid document, 2 usage error.
";

/// The methods an OpenAPI path item can hold.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The filter flags, in the order the user gave them (and `--search`, which searches what they
/// let through instead of previewing it).
#[derive(Debug, Default)]
struct Filters {
    search: Vec<String>,
    limit: Vec<String>,
    include_tags: Vec<String>,
    exclude_tags: Vec<String>,
    include_operations: Vec<String>,
    exclude_operations: Vec<String>,
    methods: Vec<String>,
    exclude_methods: Vec<String>,
    paths: Vec<String>,
    exclude_paths: Vec<String>,
}

/// What the command line asks for.
#[derive(Debug)]
enum Command {
    Help,
    Preview {
        spec: String,
        filters: Box<Filters>,
        /// Indent the JSON whatever stdout is.
        pretty: bool,
    },
}

/// A usage error: the message, then the usage hint.
#[derive(Debug)]
struct UsageError(String);

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, UsageError> {
    let mut filters = Filters::default();
    let mut spec: Option<String> = None;
    let mut pretty = false;
    let mut args = args.into_iter();
    let mut only_positional = false;
    while let Some(arg) = args.next() {
        if only_positional || arg == "-" || !arg.starts_with('-') {
            if let Some(first) = &spec {
                return Err(UsageError(format!(
                    "one SPEC only: got '{first}' and '{arg}'"
                )));
            }
            spec = Some(arg);
            continue;
        }
        if arg == "--" {
            only_positional = true;
            continue;
        }
        if arg == "-h" || arg == "--help" {
            return Ok(Command::Help);
        }
        if arg == "--pretty" {
            pretty = true;
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_string(), Some(value.to_string())),
            None => (arg.clone(), None),
        };
        let list = match flag.as_str() {
            "--include-tag" => &mut filters.include_tags,
            "--exclude-tag" => &mut filters.exclude_tags,
            "--include-operation" => &mut filters.include_operations,
            "--exclude-operation" => &mut filters.exclude_operations,
            "--method" => &mut filters.methods,
            "--exclude-method" => &mut filters.exclude_methods,
            "--path" => &mut filters.paths,
            "--exclude-path" => &mut filters.exclude_paths,
            "--search" => &mut filters.search,
            "--limit" => &mut filters.limit,
            _ => return Err(UsageError(format!("unknown option '{flag}'"))),
        };
        let value = match inline {
            Some(value) => value,
            None => args
                .next()
                .ok_or_else(|| UsageError(format!("{flag} needs a value")))?,
        };
        if value.is_empty() {
            return Err(UsageError(format!("{flag} needs a non-empty value")));
        }
        if flag.ends_with("method") && !METHODS.contains(&value.to_ascii_lowercase().as_str()) {
            return Err(UsageError(format!(
                "{flag} '{value}' is not an OpenAPI operation method ({})",
                METHODS.join(", ")
            )));
        }
        list.push(value);
    }
    check_search(&filters)?;
    match spec {
        Some(spec) => Ok(Command::Preview {
            spec,
            filters: Box::new(filters),
            pretty,
        }),
        None => Err(UsageError(
            "missing SPEC (the OpenAPI document to read)".into(),
        )),
    }
}

/// `--search` once at most, and `--limit` only with it, as a positive number.
fn check_search(filters: &Filters) -> Result<(), UsageError> {
    if filters.search.len() > 1 || filters.limit.len() > 1 {
        return Err(UsageError("--search and --limit are given once".into()));
    }
    if !filters.limit.is_empty() && filters.search.is_empty() {
        return Err(UsageError("--limit goes with --search".into()));
    }
    if let Some(limit) = filters.limit.first()
        && !limit.parse::<usize>().is_ok_and(|n| n > 0)
    {
        return Err(UsageError(format!(
            "--limit '{limit}' is not a positive number"
        )));
    }
    Ok(())
}

/// Print what `search_tools` answers for `query` over the tools of `spec` with `filters`.
fn print_search(spec: &str, filters: &Filters, query: &str, pretty: bool) -> ExitCode {
    let source = match read_source(spec).and_then(|source| {
        let (document, syntax) = parse_document(&source)?;
        check_openapi(&document, &source, syntax)?;
        Ok((source.name, document))
    }) {
        Ok(read) => read,
        Err(error) => {
            eprintln!("openapi-preview: {error}");
            return ExitCode::from(1);
        }
    };
    let (name, document) = source;
    let finder = match config(document, filters).tool_finder() {
        Ok(finder) => finder,
        Err(error) => {
            eprintln!("openapi-preview: {name}: {error}");
            return ExitCode::from(1);
        }
    };
    let limit = filters.limit.first().and_then(|l| l.parse().ok());
    let found = finder.search(query, limit, &[]);
    let text = if pretty || io::stdout().is_terminal() {
        serde_json::to_string_pretty(&found)
    } else {
        serde_json::to_string(&found)
    };
    println!("{}", text.unwrap_or_default());
    eprintln!(
        "openapi-preview: {name}: {} of {} tools found for '{query}'",
        found["tools"].as_array().map_or(0, Vec::len),
        finder.len()
    );
    ExitCode::SUCCESS
}

/// Why a document cannot be previewed, with where the problem is when that is known.
#[derive(Debug)]
struct DocumentError {
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
}

impl fmt::Display for DocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// The document's text and the name to use for it in messages.
struct Source {
    name: String,
    text: String,
}

fn read_source(spec: &str) -> Result<Source, DocumentError> {
    let fail = |message: String| DocumentError {
        file: spec.to_string(),
        line: None,
        column: None,
        message,
    };
    let mut bytes = Vec::new();
    if spec == "-" {
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| fail(format!("cannot read stdin: {e}")))?;
    } else {
        bytes = std::fs::read(spec).map_err(|e| fail(format!("cannot read the file: {e}")))?;
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "not UTF-8 text (invalid byte at offset {}); OpenAPI documents are JSON or YAML",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let name = if spec == "-" { "<stdin>" } else { spec };
    Ok(Source {
        name: name.to_string(),
        text,
    })
}

/// The syntax a document is parsed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Json,
    Yaml,
}

impl Syntax {
    /// By extension; otherwise JSON when the text starts like a JSON object or array.
    fn guess(name: &str, text: &str) -> Self {
        let extension = Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("json") => Self::Json,
            Some("yaml" | "yml") => Self::Yaml,
            _ if text
                .trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with(['{', '[']) =>
            {
                Self::Json
            }
            _ => Self::Yaml,
        }
    }
}

fn parse_document(source: &Source) -> Result<(Value, Syntax), DocumentError> {
    let text = source.text.trim_start_matches('\u{feff}');
    let syntax = Syntax::guess(&source.name, text);
    let value = match syntax {
        Syntax::Json => document::parse_json(text).map_err(|e| {
            // The location is printed up front, not again inside the message.
            let message = without_location(&e.to_string());
            DocumentError {
                file: source.name.clone(),
                line: (e.line() > 0).then_some(e.line()),
                column: (e.column() > 0).then_some(e.column()),
                message: format!("not valid JSON: {message}"),
            }
        })?,
        Syntax::Yaml => {
            let fail = |e: yaml_serde::Error| {
                let location = e.location();
                DocumentError {
                    file: source.name.clone(),
                    line: location.as_ref().map(|l| l.line()),
                    column: location.as_ref().map(|l| l.column()),
                    message: format!("not valid YAML: {}", without_location(&e.to_string())),
                }
            };
            let mut yaml: yaml_serde::Value = yaml_serde::from_str(text).map_err(fail)?;
            yaml.apply_merge().map_err(fail)?;
            yaml_to_json(yaml).map_err(|message| DocumentError {
                file: source.name.clone(),
                line: None,
                column: None,
                message: format!("YAML that has no JSON equivalent: {message}"),
            })?
        }
    };
    Ok((value, syntax))
}

/// `message` without the " at line L column C" that serde_json and yaml_serde put in it.
fn without_location(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(" at line ") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + " at line ".len()..];
        let after_line = tail.trim_start_matches(|c: char| c.is_ascii_digit());
        let after_column = after_line
            .strip_prefix(" column ")
            .map(|t| t.trim_start_matches(|c: char| c.is_ascii_digit()));
        match after_column {
            Some(remaining) if after_line.len() < tail.len() => rest = remaining,
            // Not a location after all: keep the text.
            _ => {
                out.push_str(" at line ");
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// YAML values as JSON: scalar mapping keys become strings (`200:` is the key `"200"`), tags are
/// dropped; NaN and infinities, and keys that are sequences or mappings, are errors.
fn yaml_to_json(value: yaml_serde::Value) -> Result<Value, String> {
    use yaml_serde::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| format!("the number {n} is not finite"))?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(yaml_to_json)
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(mapping) => {
            let mut object = Map::new();
            for (key, value) in mapping {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    Y::Tagged(tagged) => match yaml_to_json(tagged.value)? {
                        Value::String(s) => s,
                        other => other.to_string(),
                    },
                    Y::Sequence(_) | Y::Mapping(_) => {
                        return Err("a mapping key is a sequence or a mapping".into());
                    }
                };
                object.insert(key, yaml_to_json(value)?);
            }
            Value::Object(object)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value)?,
    })
}

/// The first line that holds the top-level key `key`, as a hint for messages: `"key":` in JSON,
/// `key:` at the start of a line in YAML.
fn line_of_key(text: &str, syntax: Syntax, key: &str) -> Option<usize> {
    let quoted = format!("\"{key}\"");
    text.lines()
        .position(|line| match syntax {
            Syntax::Json => line.contains(&quoted),
            Syntax::Yaml => [key, quoted.as_str(), &format!("'{key}'")].iter().any(|k| {
                line.strip_prefix(k)
                    .is_some_and(|rest| rest.trim_start().starts_with(':'))
            }),
        })
        .map(|index| index + 1)
}

/// The checks mcp-web-core leaves to its callers: a JSON object with `openapi: 3.x` and, where
/// given, `paths` as an object.
fn check_openapi(value: &Value, source: &Source, syntax: Syntax) -> Result<(), DocumentError> {
    let fail = |key: Option<&str>, message: String| DocumentError {
        file: source.name.clone(),
        line: key.and_then(|key| line_of_key(&source.text, syntax, key)),
        column: None,
        message,
    };
    let Value::Object(document) = value else {
        let kind = match value {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => unreachable!(),
        };
        return Err(fail(
            None,
            format!("an OpenAPI document is an object at the top level, found {kind}"),
        ));
    };
    let version = match document.get("openapi") {
        Some(Value::String(version)) => version.as_str(),
        Some(other) => {
            return Err(fail(
                Some("openapi"),
                format!("`openapi` must be a version string such as \"3.1.0\", found {other}"),
            ));
        }
        None => {
            let message = match document.get("swagger") {
                Some(swagger) => format!(
                    "this is a Swagger {} document (`swagger` field); only OpenAPI 3.0 and 3.1 are \
                     supported, convert it first (for example with swagger2openapi)",
                    swagger.as_str().unwrap_or("2.0")
                ),
                None => "no `openapi` field: not an OpenAPI 3.x document".to_string(),
            };
            return Err(fail(Some("swagger"), message));
        }
    };
    if !(version.starts_with("3.0") || version.starts_with("3.1")) {
        return Err(fail(
            Some("openapi"),
            format!("`openapi` is \"{version}\"; only OpenAPI 3.0 and 3.1 documents are supported"),
        ));
    }
    match document.get("paths") {
        Some(Value::Object(_)) => {}
        Some(other) => {
            return Err(fail(
                Some("paths"),
                format!(
                    "`paths` must be an object of path templates, found {}",
                    match other {
                        Value::Array(_) => "an array".to_string(),
                        other => other.to_string(),
                    }
                ),
            ));
        }
        // 3.1 allows documents of webhooks or components only; 3.0 requires `paths`.
        None if version.starts_with("3.0") => {
            return Err(fail(
                None,
                "no `paths` object, which OpenAPI 3.0 requires".to_string(),
            ));
        }
        None => {}
    }
    Ok(())
}

/// The configuration for `document` with the command line's filters; a filter given no values
/// is left at its default (everything passes).
fn config(document: Value, filters: &Filters) -> McpConfig {
    let mut config = McpConfig::from_json(document);
    let given = |list: &Vec<String>| (!list.is_empty()).then(|| list.clone());
    if let Some(tags) = given(&filters.include_tags) {
        config = config.include_tags(tags);
    }
    if let Some(tags) = given(&filters.exclude_tags) {
        config = config.exclude_tags(tags);
    }
    if let Some(ids) = given(&filters.include_operations) {
        config = config.include_operations(ids);
    }
    if let Some(ids) = given(&filters.exclude_operations) {
        config = config.exclude_operations(ids);
    }
    if let Some(methods) = given(&filters.methods) {
        config = config.include_methods(methods);
    }
    if let Some(methods) = given(&filters.exclude_methods) {
        config = config.exclude_methods(methods);
    }
    if let Some(patterns) = given(&filters.paths) {
        config = config.include_paths(patterns);
    }
    if let Some(patterns) = given(&filters.exclude_paths) {
        config = config.exclude_paths(patterns);
    }
    config
}

fn run(spec: &str, filters: &Filters) -> Result<mcp_web_core::Preview, DocumentError> {
    let source = read_source(spec)?;
    let (document, syntax) = parse_document(&source)?;
    check_openapi(&document, &source, syntax)?;
    // The text is not read again: freed now, its memory is reused by the conversion instead of
    // fresh pages the kernel must zero first (a large cost here, BENCHMARKS.md).
    let Source { name, text } = source;
    drop(text);
    let config = config(document, filters);
    let preview = config.preview();
    // The process ends soon: freeing the document (megabytes of small JSON values for a large
    // API) would only delay the exit.
    std::mem::forget(config);
    preview.map_err(|e| DocumentError {
        file: name,
        line: None,
        column: None,
        message: e.to_string(),
    })
}

fn main() -> ExitCode {
    let command = match parse_args(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(UsageError(message)) => {
            eprintln!("openapi-preview: {message}\n(run with --help for usage)");
            return ExitCode::from(2);
        }
    };
    let (spec, filters, pretty) = match command {
        Command::Help => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Command::Preview {
            spec,
            filters,
            pretty,
        } => (spec, filters, pretty),
    };
    if let Some(query) = filters.search.first() {
        return print_search(&spec, &filters, query, pretty);
    }
    let preview = match run(&spec, &filters) {
        Ok(preview) => preview,
        Err(error) => {
            eprintln!("openapi-preview: {error}");
            return ExitCode::from(1);
        }
    };
    let stdout = io::stdout();
    let pretty = pretty || stdout.is_terminal();
    // serde_json writes many small pieces; stdout alone would pass each newline on to the
    // terminal or pipe as a write of its own.
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let written = if pretty {
        serde_json::to_writer_pretty(&mut out, &preview)
    } else {
        serde_json::to_writer(&mut out, &preview)
    };
    let written = written
        .map_err(io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush());
    match written {
        Ok(()) => {}
        // A closed pipe (`| head`) is not an error of ours.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("openapi-preview: cannot write the preview: {e}");
            return ExitCode::from(1);
        }
    }
    eprintln!(
        "openapi-preview: {}: {} tools, {} resources, {} resource templates, {} warnings",
        if spec == "-" { "<stdin>" } else { &spec },
        preview.tools.len(),
        preview.resources.len(),
        preview.resource_templates.len(),
        preview.warnings.len()
    );
    // The process ends here: freeing the preview (megabytes of small JSON values for a large
    // API) would only delay the exit.
    std::mem::forget(preview);
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_repeat_and_take_inline_values() {
        let Command::Preview {
            spec,
            filters,
            pretty,
        } = parse_args(args(&[
            "--include-tag",
            "a",
            "--include-tag=b",
            "--method",
            "get",
            "spec.yaml",
            "--path=/x/{id}",
            "--exclude-operation",
            "op",
            "--pretty",
        ]))
        .unwrap()
        else {
            panic!("expected a preview command");
        };
        assert_eq!(spec, "spec.yaml");
        assert_eq!(filters.include_tags, ["a", "b"]);
        assert_eq!(filters.methods, ["get"]);
        assert_eq!(filters.paths, ["/x/{id}"]);
        assert_eq!(filters.exclude_operations, ["op"]);
        assert!(filters.exclude_tags.is_empty());
        assert!(pretty);
        assert!(matches!(
            parse_args(args(&["spec.yaml"])),
            Ok(Command::Preview { pretty: false, .. })
        ));
    }

    #[test]
    fn usage_errors() {
        for bad in [
            &[][..],
            &["--include-tag"],
            &["--bogus", "x.json"],
            &["a.json", "b.json"],
            &["--method=", "a.json"],
            &["--method", "fetch", "a.json"],
            &["--limit", "3", "a.json"],
            &["--search", "x", "--limit", "0", "a.json"],
            &["--search", "x", "--search", "y", "a.json"],
        ] {
            assert!(parse_args(args(bad)).is_err(), "{bad:?}");
        }
        assert!(parse_args(args(&["a.json", "--search", "add a comment", "--limit=3"])).is_ok());
        assert!(matches!(
            parse_args(args(&["x", "--help"])),
            Ok(Command::Help)
        ));
        assert!(matches!(
            parse_args(args(&["--", "--odd-name.json"])),
            Ok(Command::Preview { spec, .. }) if spec == "--odd-name.json"
        ));
    }

    #[test]
    fn yaml_keys_become_strings() {
        let yaml: yaml_serde::Value =
            yaml_serde::from_str("responses:\n  200: {description: ok}\n  true: 1\n").unwrap();
        let json = yaml_to_json(yaml).unwrap();
        assert_eq!(json["responses"]["200"]["description"], "ok");
        assert_eq!(json["responses"]["true"], 1);
    }

    #[test]
    fn locations_are_taken_out_of_messages() {
        assert_eq!(
            without_location("did not find node at line 4 column 1, while parsing"),
            "did not find node, while parsing"
        );
        assert_eq!(
            without_location("key must be a string at line 3 column 13"),
            "key must be a string"
        );
        assert_eq!(without_location("stop at line feed"), "stop at line feed");
    }

    #[test]
    fn key_lines() {
        let yaml = "info:\n  openapi: x\nopenapi: 2.0\n";
        assert_eq!(line_of_key(yaml, Syntax::Yaml, "openapi"), Some(3));
        let json = "{\n  \"paths\": []\n}";
        assert_eq!(line_of_key(json, Syntax::Json, "paths"), Some(2));
    }
}
