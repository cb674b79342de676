//! Discovery mode as clients see it ([`crate::ToolSearch`]): the short `tools/list`, the
//! `search_tools` meta-tool answered from the mount's search index, and `call_tool`, which
//! unwraps into the call of the tool it names.

use std::sync::Arc;

use rmcp::model::{CallToolRequestParams, CallToolResult, JsonObject, Tool, ToolAnnotations};
use serde_json::{Value, json};

use super::{outcome::error_result, registry::Registry};
use crate::{MountError, ToolFinder, ToolSearch, catalog::Catalog};

/// The name of the meta-tool that searches.
pub(super) const SEARCH_TOOLS: &str = "search_tools";
/// The name of the meta-tool that calls another tool.
pub(super) const CALL_TOOL: &str = "call_tool";

/// Discovery mode of a mount: the finder, and the short list it serves instead of every tool.
pub(super) struct Discovery {
    finder: ToolFinder,
    listed: Vec<Tool>,
}

impl Discovery {
    /// Discovery mode for a mount of `catalog` and `registry` as `settings` ask (`document`
    /// tags the operations); `None` when the mount serves no more tools than the threshold.
    /// An error when a pinned tool does not exist or a tool has a meta-tool's name.
    pub(super) fn new(
        settings: &ToolSearch,
        catalog: &Catalog,
        registry: &Registry,
        document: &Value,
    ) -> Result<Option<Self>, MountError> {
        let count = catalog.operations.len() + registry.curated.tools.len();
        if count <= settings.more_than {
            return Ok(None);
        }
        let tool = |name: &str| {
            let curated = registry.tool(name).map(|c| &c.tool);
            curated.or_else(|| catalog.get(name).map(|op| &op.tool))
        };
        for meta in [SEARCH_TOOLS, CALL_TOOL] {
            if tool(meta).is_some() {
                return Err(MountError::NameClash(format!(
                    "a tool is named '{meta}', the name of a meta-tool of discovery mode (ToolSearch); rename it (McpConfig::rename_operation, x-mcp or CuratedTool::new)"
                )));
            }
        }
        let mut listed = Vec::new();
        for name in &settings.always_listed {
            let Some(tool) = tool(name) else {
                return Err(MountError::InvalidConfig(format!(
                    "ToolSearch::always_listed names '{name}', which is not a tool of this mount"
                )));
            };
            listed.push(tool.clone());
        }
        listed.extend([search_tools_tool(), call_tool_tool()]);
        Ok(Some(Self {
            finder: finder(catalog, registry, document),
            listed,
        }))
    }

    /// What `tools/list` returns: the pinned tools, then `search_tools` and `call_tool`.
    pub(super) fn listed(&self) -> &[Tool] {
        &self.listed
    }

    /// The meta-tool `name`, if it is one.
    pub(super) fn meta_tool(&self, name: &str) -> Option<&Tool> {
        let metas = &self.listed[self.listed.len() - 2..];
        metas.iter().find(|tool| tool.name == name)
    }

    /// Answer a call of `search_tools`; arguments that do not fit make a tool error.
    pub(super) fn search_tools(
        &self,
        arguments: Option<JsonObject>,
        visible: impl Fn(&str) -> bool,
    ) -> CallToolResult {
        match SearchArguments::read(arguments.unwrap_or_default()) {
            Ok(asked) => CallToolResult::structured(self.finder.search_visible(
                &asked.query,
                asked.limit,
                &asked.tags,
                visible,
            )),
            Err(why) => error_result(format!("{SEARCH_TOOLS}: {why}")),
        }
    }
}

/// The finder of the tools of `catalog` and `registry`; `document` tags the operations.
pub(super) fn finder(catalog: &Catalog, registry: &Registry, document: &Value) -> ToolFinder {
    let curated = registry.curated.tools.iter().map(|t| &t.tool);
    ToolFinder::new(&catalog.operations, curated, document)
}

/// The arguments of `search_tools`.
struct SearchArguments {
    query: String,
    limit: Option<usize>,
    tags: Vec<String>,
}

impl SearchArguments {
    fn read(mut arguments: JsonObject) -> Result<Self, String> {
        let query = match arguments.remove("query") {
            Some(Value::String(query)) => query,
            Some(_) => return Err("'query' must be a string".into()),
            None => return Err("'query' is required: the task, in words".into()),
        };
        let limit = match arguments.remove("limit") {
            None | Some(Value::Null) => None,
            Some(limit) => match limit.as_u64() {
                Some(limit @ 1..) => Some(usize::try_from(limit).unwrap_or(usize::MAX)),
                _ => return Err("'limit' must be a positive integer".into()),
            },
        };
        let tags = match arguments.remove("tags") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(tags)) => tags
                .into_iter()
                .map(|tag| match tag {
                    Value::String(tag) => Ok(tag),
                    _ => Err("'tags' must be an array of strings".to_string()),
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("'tags' must be an array of strings".into()),
        };
        if let Some(other) = arguments.keys().next() {
            return Err(format!(
                "unknown argument '{other}'; the arguments are query, limit and tags"
            ));
        }
        Ok(Self { query, limit, tags })
    }
}

/// The call `call_tool` stands for: the tool it names with the arguments it gives (and the
/// request's metadata and earlier rounds' answers, which belong to that call); a tool error
/// when its arguments do not name a tool to call.
pub(super) fn unwrapped_call(
    request: CallToolRequestParams,
) -> Result<CallToolRequestParams, CallToolResult> {
    let failed = |why: &str| error_result(format!("{CALL_TOOL}: {why}"));
    let mut arguments = request.arguments.unwrap_or_default();
    let name = match arguments.remove("name") {
        Some(Value::String(name)) if name != CALL_TOOL => name,
        Some(Value::String(_)) => {
            return Err(failed("call the tool itself, not call_tool again"));
        }
        Some(_) => return Err(failed("'name' must be a string")),
        None => {
            return Err(failed(
                "'name' is required: the name of the tool to call, as search_tools gives it",
            ));
        }
    };
    let inner = match arguments.remove("arguments") {
        None | Some(Value::Null) => None,
        Some(Value::Object(inner)) => Some(inner),
        Some(_) => return Err(failed("'arguments' must be an object")),
    };
    if let Some(other) = arguments.keys().next() {
        return Err(failed(&format!(
            "unknown argument '{other}'; the arguments are name and arguments"
        )));
    }
    let mut call = CallToolRequestParams::new(name);
    call.arguments = inner;
    call.meta = request.meta;
    call.input_responses = request.input_responses;
    call.request_state = request.request_state;
    Ok(call)
}

fn search_tools_tool() -> Tool {
    let input = json!({
        "type": "object",
        "properties": {
            "query": {
                "type": "string",
                "description": "What you want to do, in a few words (\"add a comment to an issue\")"
            },
            "limit": {
                "type": "integer",
                "minimum": 1,
                "maximum": ToolSearch::MAX_LIMIT,
                "default": ToolSearch::DEFAULT_LIMIT,
                "description": "How many tools to return at most"
            },
            "tags": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Only tools with one of these tags"
            }
        },
        "required": ["query"],
        "additionalProperties": false
    });
    let output = json!({
        "type": "object",
        "properties": {
            "tools": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "title": {"type": "string"},
                        "description": {"type": "string"},
                        "inputSchema": {"type": "object"}
                    },
                    "required": ["name", "inputSchema"]
                }
            }
        },
        "required": ["tools"]
    });
    let mut tool = Tool::new(
        SEARCH_TOOLS,
        "Find the tools for a task. This server has more tools than it lists: describe what \
         you want to do and get the best-matching tools, best first, each with its name, \
         description and input schema. Then call a found tool by its name (or through \
         call_tool).",
        Arc::new(object(input)),
    )
    .with_title("Search tools")
    .with_raw_output_schema(Arc::new(object(output)));
    // The title is in `title`; clients that read it from annotations get it there when listed.
    tool.annotations = Some(ToolAnnotations::new().read_only(true).open_world(false));
    tool
}

fn call_tool_tool() -> Tool {
    let input = json!({
        "type": "object",
        "properties": {
            "name": {
                "type": "string",
                "description": "The name of the tool to call, as search_tools gives it"
            },
            "arguments": {
                "type": "object",
                "description": "The tool's arguments, as its input schema describes them"
            }
        },
        "required": ["name"],
        "additionalProperties": false
    });
    Tool::new(
        CALL_TOOL,
        "Call a tool found with search_tools by its name, with its arguments. Tools can also be \
         called directly by name.",
        Arc::new(object(input)),
    )
    .with_title("Call a tool")
}

fn object(value: Value) -> JsonObject {
    match value {
        Value::Object(object) => object,
        _ => JsonObject::new(),
    }
}
