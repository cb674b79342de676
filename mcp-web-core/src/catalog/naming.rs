//! How a tool presents itself: its name (cleaned, bounded, unique in the catalog, or the one
//! configured), title, description, and the annotations its HTTP method and `x-mcp` imply (only
//! those that differ from the protocol's defaults); and the title a client of an era without a
//! tool-level `title` reads from `annotations.title`.

use std::{collections::HashSet, sync::Arc};

use http::Method;
use rmcp::model::{Tool, ToolAnnotations};
use serde_json::{Map, Value};

use crate::exposure::{OperationInfo, XMcp};

/// Longest tool name most MCP clients accept.
const MAX_TOOL_NAME: usize = 64;

/// The tool of one operation, with the given schemas: named after its `operationId` (else its
/// method and path), titled by its summary, described by its summary and description, and
/// annotated as its HTTP method behaves.
pub(super) fn tool(
    operation: &Value,
    method: &str,
    path: &str,
    http_method: &Method,
    input: Map<String, Value>,
    output: Option<Arc<Map<String, Value>>>,
    taken: &mut HashSet<String>,
) -> Tool {
    let summary = operation.get("summary").and_then(Value::as_str);
    let description = [
        summary,
        operation.get("description").and_then(Value::as_str),
    ]
    .into_iter()
    .flatten()
    .map(str::trim)
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join("\n\n");
    let description = if description.is_empty() {
        format!("{} {path}", method.to_uppercase())
    } else {
        description
    };

    let name = unique_name(
        operation.get("operationId").and_then(Value::as_str),
        method,
        path,
        taken,
    );
    // A read-only tool's other hints mean nothing.
    let annotations = match *http_method {
        Method::GET | Method::HEAD | Method::OPTIONS => ToolAnnotations::new().read_only(true),
        Method::DELETE => ToolAnnotations::new()
            .read_only(false)
            .destructive(true)
            .idempotent(true),
        Method::PUT => ToolAnnotations::new().read_only(false).idempotent(true),
        _ => ToolAnnotations::new().read_only(false),
    };
    let mut tool = Tool::new(name, description, Arc::new(input));
    annotate(&mut tool, annotations);
    if let Some(title) = summary {
        tool = tool.with_title(title);
    }
    if let Some(output) = output {
        tool = tool.with_raw_output_schema(output);
    }
    tool
}

/// Give the tool the configured `name` instead of the one it has, cleaned and made unique like
/// every name (a warning says so when that changed it).
pub(super) fn rename(
    tool: &mut Tool,
    name: &str,
    info: &OperationInfo,
    taken: &mut HashSet<String>,
    warn: &mut impl FnMut(String),
) {
    taken.remove(tool.name.as_ref());
    let method = info.method.as_str().to_ascii_lowercase();
    let unique = unique_name(Some(name), &method, &info.path, taken);
    if unique != name {
        warn(format!(
            "the name \"{name}\" is not a valid or free tool name; exposed as \"{unique}\""
        ));
    }
    tool.name = unique.into();
}

/// The `x-mcp` title and behaviour hints, over what the document and the method gave.
pub(super) fn apply_x_mcp(tool: &mut Tool, x_mcp: &XMcp) {
    if let Some(title) = &x_mcp.title {
        tool.title = Some(title.clone());
    }
    let mut annotations = tool.annotations.take().unwrap_or_default();
    let hints = [
        (&mut annotations.read_only_hint, x_mcp.read_only),
        (&mut annotations.destructive_hint, x_mcp.destructive),
        (&mut annotations.idempotent_hint, x_mcp.idempotent),
        (&mut annotations.open_world_hint, x_mcp.open_world),
    ];
    for (slot, hint) in hints {
        if hint.is_some() {
            *slot = hint;
        }
    }
    annotate(tool, annotations);
}

/// Give `tool` the hints of `annotations` that differ from the protocol's defaults
/// (`readOnlyHint` false, `destructiveHint` true, `idempotentHint` false, `openWorldHint` true),
/// and no annotations when nothing is left: a client reads a missing hint as its default, so
/// such a hint says nothing a client would not assume.
fn annotate(tool: &mut Tool, mut annotations: ToolAnnotations) {
    let defaults = [
        (&mut annotations.read_only_hint, false),
        (&mut annotations.destructive_hint, true),
        (&mut annotations.idempotent_hint, false),
        (&mut annotations.open_world_hint, true),
    ];
    for (slot, default) in defaults {
        if *slot == Some(default) {
            *slot = None;
        }
    }
    tool.annotations = (annotations != ToolAnnotations::new()).then_some(annotations);
}

/// Whether a client of protocol `version` (the one the request or its session negotiated) reads
/// a tool's display title from `annotations.title` only: 2025-06-18 gave tools a `title`, which
/// takes precedence over `annotations.title`, so a later client has no use for a copy of it.
/// rmcp agrees to the version a client asks for when it knows it and falls back to a later one
/// otherwise, so only the two known earlier versions name such a client; without a version the
/// listing is the one that serves every client.
pub(crate) fn titles_in_annotations(version: Option<&str>) -> bool {
    version.is_none_or(|version| matches!(version, "2024-11-05" | "2025-03-26"))
}

/// `tool` as a client that reads titles from `annotations.title` only
/// ([`titles_in_annotations`]) sees it: with its `title` there too, unless its annotations have
/// a title of their own. Tools are built without that copy (the title is in `title`), so later
/// clients get each title once.
pub(crate) fn with_title_in_annotations(tool: &mut Tool) {
    if let Some(title) = &tool.title {
        let annotations = tool.annotations.get_or_insert_with(ToolAnnotations::new);
        if annotations.title.is_none() {
            annotations.title = Some(title.clone());
        }
    }
}

/// operationId cleaned to `[A-Za-z0-9_.-]`, at most 64 characters, unique within the catalog.
pub(super) fn unique_name(
    operation_id: Option<&str>,
    method: &str,
    path: &str,
    taken: &mut HashSet<String>,
) -> String {
    let raw = match operation_id {
        Some(id) if !id.trim().is_empty() => id.to_string(),
        _ => format!("{method}_{path}"),
    };
    let mut cleaned = String::with_capacity(raw.len());
    for c in raw.chars() {
        let c = if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
            c
        } else {
            '_'
        };
        // Collapse the runs of '_' that path punctuation produces.
        if !(c == '_' && cleaned.ends_with('_')) {
            cleaned.push(c);
        }
    }
    let cleaned = cleaned.trim_matches('_');
    let base: String = if cleaned.is_empty() {
        "operation"
    } else {
        cleaned
    }
    .chars()
    .take(MAX_TOOL_NAME)
    .collect();
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        let suffix = format!("_{n}");
        let keep = MAX_TOOL_NAME - suffix.len();
        name = format!("{}{suffix}", &base[..base.len().min(keep)]);
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn tool_of(method: Method, summary: Option<&str>) -> Tool {
        let operation = match summary {
            Some(summary) => json!({"operationId": "op", "summary": summary}),
            None => json!({"operationId": "op"}),
        };
        let verb = method.as_str().to_ascii_lowercase();
        tool(
            &operation,
            &verb,
            "/x",
            &method,
            Map::new(),
            None,
            &mut HashSet::new(),
        )
    }

    /// What a client takes the hints to be: each annotation, or the protocol's default.
    fn hints(tool: &Tool) -> [bool; 4] {
        let a = tool.annotations.clone().unwrap_or_default();
        [
            a.read_only_hint.unwrap_or(false),
            a.destructive_hint.unwrap_or(true),
            a.idempotent_hint.unwrap_or(false),
            a.open_world_hint.unwrap_or(true),
        ]
    }

    #[test]
    fn hints_are_only_those_that_differ_from_the_protocol_defaults() {
        let get = tool_of(Method::GET, None);
        assert_eq!(
            get.annotations,
            Some(ToolAnnotations::new().read_only(true))
        );
        for method in [Method::PUT, Method::DELETE] {
            let tool = tool_of(method.clone(), None);
            let idempotent = Some(ToolAnnotations::new().idempotent(true));
            assert_eq!(tool.annotations, idempotent, "{method}");
            assert_eq!(hints(&tool), [false, true, true, true], "{method}");
        }
        let post = tool_of(Method::POST, None);
        assert_eq!(
            post.annotations, None,
            "every hint of a POST is the default"
        );
        assert_eq!(hints(&post), [false, true, false, true]);
    }

    #[test]
    fn x_mcp_hints_that_say_the_default_are_left_out_and_the_others_kept() {
        let mut put = tool_of(Method::PUT, Some("Replace it"));
        let x_mcp = XMcp {
            read_only: Some(false),
            destructive: Some(false),
            idempotent: Some(false),
            open_world: Some(true),
            ..XMcp::default()
        };
        apply_x_mcp(&mut put, &x_mcp);
        assert_eq!(
            put.annotations,
            Some(ToolAnnotations::new().destructive(false)),
            "idempotentHint false overrides the method's true, and says the default"
        );
        assert_eq!(hints(&put), [false, false, false, true]);

        let mut get = tool_of(Method::GET, None);
        let x_mcp = XMcp {
            read_only: Some(false),
            ..XMcp::default()
        };
        apply_x_mcp(&mut get, &x_mcp);
        assert_eq!(get.annotations, None, "nothing is left to say");
        assert_eq!(hints(&get), [false, true, false, true]);
    }

    #[test]
    fn the_title_is_in_title_and_copied_into_annotations_for_earlier_clients() {
        let mut tool = tool_of(Method::POST, Some("Open a ticket"));
        assert_eq!(tool.title.as_deref(), Some("Open a ticket"));
        assert_eq!(tool.annotations, None, "no copy of the title");
        apply_x_mcp(
            &mut tool,
            &XMcp {
                title: Some("Open one ticket".into()),
                ..XMcp::default()
            },
        );
        assert_eq!(tool.title.as_deref(), Some("Open one ticket"));
        assert_eq!(tool.annotations, None);

        let mut earlier = tool.clone();
        with_title_in_annotations(&mut earlier);
        let annotations = earlier.annotations.clone().unwrap();
        assert_eq!(annotations.title.as_deref(), Some("Open one ticket"));
        assert_eq!(earlier.title, tool.title);

        // A title of the annotations' own stays; a tool without a title gets none.
        let mut own = tool_of(Method::GET, Some("Read it"));
        own.annotations.as_mut().unwrap().title = Some("Read the ticket".into());
        with_title_in_annotations(&mut own);
        let title = own.annotations.and_then(|a| a.title);
        assert_eq!(title.as_deref(), Some("Read the ticket"));
        let mut untitled = tool_of(Method::GET, None);
        with_title_in_annotations(&mut untitled);
        assert_eq!(
            untitled.annotations,
            Some(ToolAnnotations::new().read_only(true))
        );
    }

    #[test]
    fn only_clients_before_2025_06_18_read_titles_from_annotations() {
        for version in ["2024-11-05", "2025-03-26"] {
            assert!(titles_in_annotations(Some(version)), "{version}");
        }
        assert!(
            titles_in_annotations(None),
            "unknown: the listing for every client"
        );
        // Unknown versions are negotiated to a later one.
        for version in [
            "2025-06-18",
            "2025-11-25",
            "2026-07-28",
            "2025-04-01",
            "1999-01-01",
        ] {
            assert!(!titles_in_annotations(Some(version)), "{version}");
        }
    }

    #[test]
    fn names_are_cleaned_bounded_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(
            unique_name(Some("get ticket!"), "get", "/t", &mut taken),
            "get_ticket"
        );
        assert_eq!(
            unique_name(Some("get ticket?"), "get", "/t", &mut taken),
            "get_ticket_2"
        );
        assert_eq!(
            unique_name(None, "get", "/tickets/{id}", &mut taken),
            "get_tickets_id"
        );
        let long = "x".repeat(100);
        let first = unique_name(Some(&long), "get", "/", &mut taken);
        let second = unique_name(Some(&long), "get", "/", &mut taken);
        assert_eq!(first.len(), 64);
        assert_eq!(second.len(), 64);
        assert!(second.ends_with("_2"));
    }
}
