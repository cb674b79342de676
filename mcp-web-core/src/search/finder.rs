//! [`ToolFinder`]: a mount's tools and the index over them, answering searches as
//! `search_tools` does.

use std::{fmt, sync::Arc};

use rmcp::model::Tool;
use serde_json::{Map, Value, json};

use super::{
    document::{operation_document, tool_document},
    index::SearchIndex,
};
use crate::{ToolSearch, route::Operation};

/// The tools of a mount, searchable: what `search_tools` answers from in discovery mode
/// ([`ToolSearch`]). Built once; each search ranks every tool in microseconds.
///
/// Get one with [`McpConfig::tool_finder`](crate::McpConfig::tool_finder):
///
/// ```
/// let document = serde_json::json!({
///     "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
///     "paths": {
///         "/issues/{number}/comments": {"post": {
///             "operationId": "createIssueComment", "summary": "Comment on an issue",
///             "tags": ["issues"], "responses": {"201": {"description": "created"}}}},
///         "/issues": {"get": {
///             "operationId": "listIssues", "summary": "List issues",
///             "tags": ["issues"], "responses": {"200": {"description": "ok"}}}}
///     }
/// });
/// let finder = mcp_web_core::McpConfig::from_json(document).tool_finder().unwrap();
/// assert_eq!(finder.ranked("add a comment to an issue", 1), ["createIssueComment"]);
/// let found = finder.search("comment", None, &["issues".into()]);
/// assert_eq!(found["tools"][0]["name"], "createIssueComment");
/// assert!(found["tools"][0]["inputSchema"].is_object());
/// ```
pub struct ToolFinder {
    index: SearchIndex,
    tools: Vec<Tool>,
}

impl fmt::Debug for ToolFinder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToolFinder")
            .field("tools", &self.tools.len())
            .finish_non_exhaustive()
    }
}

impl ToolFinder {
    /// The finder of the generated tools of `operations`, tagged as `document` tags them, and
    /// of the `curated` tools after them.
    pub(crate) fn new<'a>(
        operations: &[Arc<Operation>],
        curated: impl Iterator<Item = &'a Tool>,
        document: &Value,
    ) -> Self {
        let mut documents = Vec::new();
        let mut tools = Vec::new();
        for operation in operations {
            documents.push(operation_document(operation, document));
            tools.push(operation.tool.clone());
        }
        for tool in curated {
            documents.push(tool_document(tool));
            tools.push(tool.clone());
        }
        Self {
            index: SearchIndex::new(documents),
            tools,
        }
    }

    /// What `search_tools` answers for `query`: `{"tools": [{"name", "title", "description",
    /// "inputSchema"}, ..]}`, best match first, at most `limit` tools
    /// ([`ToolSearch::DEFAULT_LIMIT`] when `None`, never more than [`ToolSearch::MAX_LIMIT`]),
    /// only tools with one of `tags` unless it is empty (tags compare case-insensitively).
    /// Tools that share no word with the query are not returned.
    pub fn search(&self, query: &str, limit: Option<usize>, tags: &[String]) -> Value {
        self.search_visible(query, limit, tags, |_| true)
    }

    /// [`search`](Self::search) among the tools whose names `visible` accepts: a search never
    /// reveals a tool its caller may not list.
    pub(crate) fn search_visible(
        &self,
        query: &str,
        limit: Option<usize>,
        tags: &[String],
        visible: impl Fn(&str) -> bool,
    ) -> Value {
        let limit = limit
            .unwrap_or(ToolSearch::DEFAULT_LIMIT)
            .min(ToolSearch::MAX_LIMIT);
        let keep = |document: usize| visible(&self.tools[document].name);
        let found: Vec<Value> = self
            .index
            .search_where(query, limit, tags, keep)
            .iter()
            .map(|hit| found_tool(&self.tools[hit.document]))
            .collect();
        json!({ "tools": found })
    }

    /// The names of the `limit` tools that best match `query`, best first: the ranking of
    /// [`search`](Self::search) alone, without the limit's cap.
    pub fn ranked(&self, query: &str, limit: usize) -> Vec<&str> {
        let hits = self.index.search(query, limit, &[]);
        let tools = hits.iter().map(|hit| &self.tools[hit.document]);
        tools.map(|tool| tool.name.as_ref()).collect()
    }

    /// How many tools there are to find.
    pub fn len(&self) -> usize {
        self.tools.len()
    }

    /// Whether there are no tools to find.
    pub fn is_empty(&self) -> bool {
        self.tools.is_empty()
    }
}

/// A found tool as `search_tools` shows it: what a model needs to call it next.
fn found_tool(tool: &Tool) -> Value {
    let mut found = Map::new();
    found.insert("name".into(), Value::String(tool.name.to_string()));
    if let Some(title) = &tool.title {
        found.insert("title".into(), Value::String(title.clone()));
    }
    if let Some(description) = &tool.description {
        found.insert("description".into(), Value::String(description.to_string()));
    }
    found.insert(
        "inputSchema".into(),
        Value::Object((*tool.input_schema).clone()),
    );
    Value::Object(found)
}
