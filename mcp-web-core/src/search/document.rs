//! What search reads of a tool: its name, title, description and argument names, and for a
//! generated tool the tags, path and method of its operation.

use http::Method;
use rmcp::model::Tool;
use serde_json::Value;

use super::index::{Field, SearchDocument};
use crate::route::Operation;

/// The search document of the generated tool `operation`, tagged as the OpenAPI `document`
/// tags it.
pub(crate) fn operation_document(operation: &Operation, document: &Value) -> SearchDocument {
    let route = &operation.route;
    let segments = route
        .path
        .split('/')
        .filter(|segment| !segment.is_empty() && !segment.starts_with('{'));
    let mut search = tool_document(&operation.tool).tagged(operation_tags(operation, document));
    for segment in segments {
        search = search.with(Field::Path, segment);
    }
    search.with(Field::Action, action(&route.method, &route.path))
}

/// The search document of a tool that has no operation behind it (a curated tool).
pub(crate) fn tool_document(tool: &Tool) -> SearchDocument {
    let title = tool
        .title
        .as_deref()
        .or_else(|| tool.annotations.as_ref()?.title.as_deref());
    let mut search = SearchDocument::default()
        .with(Field::Name, &tool.name)
        .with(Field::Title, title.unwrap_or_default())
        .with(
            Field::Description,
            tool.description.as_deref().unwrap_or_default(),
        );
    let arguments = tool
        .input_schema
        .get("properties")
        .and_then(Value::as_object);
    for argument in arguments.into_iter().flat_map(|a| a.keys()) {
        search = search.with(Field::Parameters, argument);
    }
    search
}

/// The `tags` of `operation` in `document`.
fn operation_tags<'a>(operation: &Operation, document: &'a Value) -> Vec<&'a str> {
    let route = &operation.route;
    let tags = document
        .get("paths")
        .and_then(|paths| paths.get(&route.path))
        .and_then(|item| item.get(route.method.as_str().to_ascii_lowercase()))
        .and_then(|operation| operation.get("tags"))
        .and_then(Value::as_array);
    tags.into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// What an HTTP method does to what the path names, in the words a request would use: a `GET`
/// of a collection lists it, a `POST` creates or adds, and so on.
fn action(method: &Method, path: &str) -> &'static str {
    let one_item = path.trim_end_matches('/').ends_with('}');
    match *method {
        Method::GET if one_item => "get",
        Method::GET => "list get",
        Method::POST => "create add",
        Method::PUT => "update set add",
        Method::PATCH => "update edit",
        Method::DELETE => "delete remove",
        _ => "",
    }
}
