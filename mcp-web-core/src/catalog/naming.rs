//! How a tool presents itself: its name (cleaned, bounded, unique in the catalog, or the one
//! configured), title, description, and the annotations its HTTP method and `x-mcp` imply.

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
    let mut annotations = match summary {
        Some(title) => ToolAnnotations::with_title(title),
        None => ToolAnnotations::new(),
    };
    annotations = match *http_method {
        Method::GET | Method::HEAD | Method::OPTIONS => annotations.read_only(true),
        Method::DELETE => annotations
            .read_only(false)
            .destructive(true)
            .idempotent(true),
        Method::PUT => annotations.read_only(false).idempotent(true),
        _ => annotations.read_only(false),
    };
    let mut tool = Tool::new(name, description, Arc::new(input)).annotate(annotations);
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
    let annotations = tool.annotations.get_or_insert_with(ToolAnnotations::new);
    if let Some(title) = &x_mcp.title {
        annotations.title = Some(title.clone());
    }
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
    use super::*;

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
