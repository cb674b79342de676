//! [`ToolSearch`]: discovery mode, for APIs too large to list — `tools/list` shows a few pinned
//! tools and `search_tools`, and the model finds the rest by asking (the ranking is
//! `crate::search`'s, the meta-tools the server's).

use crate::{McpConfig, MountError, ToolFinder};

/// Discovery mode: instead of every tool, `tools/list` returns the tools pinned with
/// [`always_listed`](Self::always_listed) and two meta-tools,
///
/// - `search_tools` (`query`, optional `limit` and `tags`): the tools that best match a task
///   in words, each with its name, title, description and input schema, as structured content
///   and as JSON text;
/// - `call_tool` (`name`, `arguments`): calls any tool by name, for clients that only call
///   tools they have seen listed.
///
/// Every tool stays callable with `tools/call` by its own name, listed or not. Search sees
/// exactly what the mount exposes: operations left out by filters or route maps are neither
/// found nor callable, and curated tools are found like generated ones. Both protocol eras get
/// the same, deterministic list.
///
/// ```
/// use mcp_web_core::{McpConfig, ToolSearch};
///
/// let document = serde_json::json!({
///     "openapi": "3.1.0", "info": {"title": "tickets", "version": "1"},
///     "paths": {
///         "/tickets": {"post": {"operationId": "createTicket", "summary": "Open a ticket",
///                               "responses": {"201": {"description": "created"}}}},
///         "/tickets/{id}": {"delete": {"operationId": "deleteTicket", "summary": "Delete a ticket",
///                                      "parameters": [{"name": "id", "in": "path", "required": true,
///                                                      "schema": {"type": "string"}}],
///                                      "responses": {"204": {"description": "gone"}}}}
///     }
/// });
/// let config = McpConfig::from_json(document)
///     .tool_search(ToolSearch::new().when_more_than(1).always_listed(["createTicket"]));
///
/// // What `search_tools` answers for this query:
/// let found = config.tool_finder().unwrap().search("remove a ticket", Some(1), &[]);
/// assert_eq!(found["tools"][0]["name"], "deleteTicket");
/// ```
#[derive(Debug, Clone, Default)]
pub struct ToolSearch {
    pub(crate) more_than: usize,
    pub(crate) always_listed: Vec<String>,
}

impl ToolSearch {
    /// How many tools `search_tools` returns when the call gives no `limit`.
    pub const DEFAULT_LIMIT: usize = 5;
    /// The most tools one `search_tools` call returns, whatever `limit` it gives.
    pub const MAX_LIMIT: usize = 25;

    /// Discovery mode for any number of tools, with nothing pinned.
    pub fn new() -> Self {
        Self::default()
    }

    /// Use discovery mode only when the mount serves more than `tools` tools (generated and
    /// curated); with fewer, `tools/list` lists them all and there are no meta-tools.
    pub fn when_more_than(mut self, tools: usize) -> Self {
        self.more_than = tools;
        self
    }

    /// List these tools (by name, generated or curated) before the meta-tools, in this order:
    /// the ones a model needs in most conversations. Repeated calls add to the list; a name the
    /// mount does not serve is a [`MountError::InvalidConfig`].
    pub fn always_listed<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for name in names {
            let name = name.into();
            if !self.always_listed.contains(&name) {
                self.always_listed.push(name);
            }
        }
        self
    }
}

impl McpConfig {
    /// Serve the mount in discovery mode (see [`ToolSearch`]); off by default.
    pub fn tool_search(mut self, search: ToolSearch) -> Self {
        self.tool_search = Some(search);
        self
    }

    /// The search of a mount of this configuration, whether or not discovery mode is on:
    /// [`ToolFinder::search`] answers exactly what `search_tools` would. Try the queries your
    /// users would ask, and tune the summaries, descriptions and tags of your operations until
    /// they find the right tools.
    ///
    /// # Errors
    ///
    /// The [`MountError`] mounting this configuration would give, as for
    /// [`preview`](Self::preview).
    pub fn tool_finder(&self) -> Result<ToolFinder, MountError> {
        crate::server::tool_finder(self)
    }
}
