//! The success response → the tool's output schema (an object at the root, the result wrapped as
//! `{"result": ..}` when it is not one), and the response's description for the tool's.

use std::collections::BTreeMap;

use rmcp::model::Tool;
use serde_json::{Map, Value, json};

use super::bodies::is_json;
use crate::schema::{Direction, SchemaResolver, compact_output, single, with_defs};

/// The output schema of a response's JSON `schema` ([`response_schema`]), and whether results
/// are wrapped as `{"result": ..}` because that schema is not an object. With `compact`,
/// annotations that mean nothing in a result are dropped and repeated parts kept once under
/// `$defs` ([`compact_output`]). It depends on nothing but `schema` and the document: operations
/// with equal response schemas have equal output schemas.
pub(super) fn output_schema<'a>(
    resolver: &SchemaResolver<'a>,
    schema: &'a Value,
    compact: bool,
    warn: &mut impl FnMut(String),
) -> (Map<String, Value>, bool) {
    let resolved = resolver.resolve(schema, Direction::Output);
    resolved.problems.into_iter().for_each(&mut *warn);
    let defs: BTreeMap<String, Value> = resolved.defs.into_iter().collect();
    let (root, wraps) = match resolved.schema {
        Value::Object(mut root) => {
            if declare_object_root(&mut root) {
                (root, false)
            } else {
                wrap_result(Value::Object(root))
            }
        }
        other => wrap_result(other),
    };
    let mut schema = with_defs(root, defs);
    if compact {
        compact_output(&mut schema);
    }
    (schema, wraps)
}

/// The schema of the first 2xx response's JSON content, which becomes the output schema.
pub(super) fn response_schema<'a>(
    resolver: &SchemaResolver<'a>,
    operation: &'a Value,
) -> Option<&'a Value> {
    let responses = operation.get("responses").and_then(Value::as_object)?;
    let mut codes: Vec<&String> = responses
        .keys()
        .filter(|code| code.starts_with('2'))
        .collect();
    codes.sort();
    let response = resolver.follow(responses.get(*codes.first()?)?)?;
    let content = response.get("content").and_then(Value::as_object)?;
    let (_, media) = content.iter().find(|(media, _)| is_json(media))?;
    media.get("schema")
}

/// The first documented 2xx response, by status code.
pub(super) fn success_response<'v>(
    resolver: &'v SchemaResolver<'_>,
    operation: &'v Value,
) -> Option<(&'v str, &'v Value)> {
    let responses = operation.get("responses").and_then(Value::as_object)?;
    let mut codes: Vec<&String> = responses
        .keys()
        .filter(|code| code.starts_with('2'))
        .collect();
    codes.sort();
    let code = codes.first()?;
    Some((code.as_str(), resolver.follow(responses.get(*code)?)?))
}

/// Append the success response's description to the tool's, as `Responds 200: ..`.
pub(super) fn describe_success(resolver: &SchemaResolver<'_>, operation: &Value, tool: &mut Tool) {
    let text = success_response(resolver, operation).and_then(|(code, response)| {
        let text = response.get("description")?.as_str()?.trim();
        (!text.is_empty()).then(|| format!("Responds {code}: {text}"))
    });
    if let Some(text) = text {
        let description = match tool.description.as_deref() {
            Some(existing) if !existing.is_empty() => format!("{existing}\n\n{text}"),
            _ => text,
        };
        tool.description = Some(description.into());
    }
}

/// A result schema that is not an object, wrapped as `{"result": ..}` (MCP's `outputSchema`
/// and `structuredContent` are objects).
fn wrap_result(schema: Value) -> (Map<String, Value>, bool) {
    let mut root = Map::new();
    root.insert("type".into(), json!("object"));
    // Built directly: `json!` would serialize the whole schema into a copy.
    root.insert("properties".into(), single("result", schema));
    root.insert("required".into(), json!(["result"]));
    (root, true)
}

/// Whether a result schema describes an object; if so, say it at the root with
/// `"type": "object"`, which MCP requires of an `outputSchema` (clients check it).
fn declare_object_root(root: &mut Map<String, Value>) -> bool {
    let describes_object = |schema: &Value| {
        schema.get("type") == Some(&json!("object"))
            || (schema.get("type").is_none() && schema.get("properties").is_some())
    };
    let is_object = match root.get("type") {
        Some(kind) => kind == "object",
        // Untyped: `properties`, or an `allOf` member that is an object, says what was meant.
        None => {
            root.contains_key("properties")
                || root
                    .get("allOf")
                    .and_then(Value::as_array)
                    .is_some_and(|members| members.iter().any(describes_object))
        }
    };
    if is_object {
        root.insert("type".into(), json!("object"));
    }
    is_object
}

/// Whether `operation` documents the asynchronous pattern: a `202 Accepted` response with a
/// `Location` header (where the work's status, then its result, is read).
pub(super) fn accepted_with_location(resolver: &SchemaResolver<'_>, operation: &Value) -> bool {
    let accepted = operation
        .pointer("/responses/202")
        .and_then(|response| resolver.follow(response));
    let headers = accepted
        .and_then(|r| r.get("headers"))
        .and_then(Value::as_object);
    headers.is_some_and(|headers| headers.keys().any(|h| h.eq_ignore_ascii_case("location")))
}
