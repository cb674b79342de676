//! [`CuratedTool`]: a tool written by hand, served beside the generated ones.

use std::{fmt, future::Future, sync::Arc, time::Duration};

use rmcp::{
    handler::server::common::{schema_for_input, schema_for_output},
    model::{CallToolResponse, JsonObject, Tool, ToolAnnotations},
};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;

/// What a tool handler may return (rmcp's conversion into a tool result): a `String`, content
/// blocks, a [`CallToolResult`](super::model::CallToolResult), [`Json`] for structured output, ….
pub use rmcp::handler::server::tool::IntoCallToolResult;
/// Structured tool output: a value serialized as `structuredContent` (use it with
/// [`CuratedTool::output_schema`]).
pub use rmcp::handler::server::wrapper::Json;

use super::{context::CallContext, error::HandlerError};
use crate::tasks::TaskSupport;

type ToolFn = super::typed::ErasedHandler<CallToolResponse>;

/// A tool written by hand, served beside the generated ones.
///
/// Arguments are a type that is `Deserialize + JsonSchema`; its schema (via schemars) is the
/// tool's `inputSchema`. The handler returns anything rmcp turns into a tool result: a
/// `String`, content blocks, a [`CallToolResult`](super::model::CallToolResult), or [`Json`] for
/// structured output (see [`IntoCallToolResult`]).
#[derive(Clone)]
pub struct CuratedTool {
    pub(crate) tool: Tool,
    pub(crate) timeout: Option<Duration>,
    pub(crate) scopes: Vec<String>,
    pub(crate) task_support: TaskSupport,
    pub(crate) handler: Arc<ToolFn>,
}

impl fmt::Debug for CuratedTool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CuratedTool")
            .field("name", &self.tool.name)
            .field("timeout", &self.timeout)
            .field("scopes", &self.scopes)
            .field("task_support", &self.task_support)
            .finish_non_exhaustive()
    }
}

impl CuratedTool {
    /// A tool served by an async function of its arguments and a [`CallContext`].
    pub fn new<A, R, F, Fut>(
        name: impl Into<String>,
        description: impl Into<String>,
        handler: F,
    ) -> Self
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        R: IntoCallToolResult + 'static,
        F: Fn(A, CallContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, HandlerError>> + Send + 'static,
    {
        let name = name.into();
        let schema = input_schema::<A>(&name);
        let handler = super::typed::erase("tool", &name, handler, into_tool_response);
        Self {
            tool: Tool::new(name, description.into(), schema),
            timeout: None,
            scopes: Vec::new(),
            task_support: TaskSupport::Forbidden,
            handler,
        }
    }

    /// A tool served by a blocking function; it runs on tokio's blocking thread pool, so it may
    /// do file or CPU work. (A blocking call cannot be interrupted: on cancellation or timeout
    /// the client gets its answer at once and the function's result is discarded.)
    pub fn new_blocking<A, R, F>(
        name: impl Into<String>,
        description: impl Into<String>,
        handler: F,
    ) -> Self
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        R: IntoCallToolResult + Send + 'static,
        F: Fn(A, CallContext) -> Result<R, HandlerError> + Send + Sync + 'static,
    {
        let handler = Arc::new(handler);
        Self::new(name, description, move |arguments: A, cx: CallContext| {
            let handler = handler.clone();
            async move {
                tokio::task::spawn_blocking(move || handler(arguments, cx))
                    .await
                    .map_err(|e| HandlerError::new(format!("The tool's function failed: {e}")))?
            }
        })
    }

    /// A human-readable title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.tool.title = Some(title.into());
        self
    }

    /// Hints for clients: read-only, destructive, idempotent, open-world.
    pub fn annotations(mut self, annotations: ToolAnnotations) -> Self {
        self.tool.annotations = Some(annotations);
        self
    }

    /// Declare the structured output (`outputSchema`) as the schema of `T`; return
    /// [`Json<T>`](Json) from the handler.
    pub fn output_schema<T: JsonSchema + 'static>(mut self) -> Self {
        self.tool.output_schema = Some(schema_for_output::<T>());
        self
    }

    /// Mirror the argument `argument` into the `Mcp-Param-{header}` HTTP header (SEP-2243), so
    /// that gateways can route on it without reading the body: the argument's schema gets
    /// `"x-mcp-header": header`, 2026-07-28 clients send the header with every call that has the
    /// argument, and a call whose header is missing or differs from the argument is refused
    /// with HTTP 400 and JSON-RPC error `-32020` before the handler runs.
    ///
    /// The argument must be a string, an integer or a boolean; an `Option` of one stays
    /// optional (no header when it is left out). Marks written into the schema by other means
    /// (`#[schemars(extend("x-mcp-header" = "Region"))]`) are checked by the same rules when the
    /// mount is built.
    ///
    /// # Panics
    ///
    /// When the tool has no argument `argument`, it is of another type, or `header` is not a
    /// header name token or is already used (in any case) by another argument.
    pub fn header_param(mut self, argument: &str, header: &str) -> Self {
        let mut schema = (*self.tool.input_schema).clone();
        if let Err(why) = crate::header_params::mark(&mut schema, argument, header) {
            panic!("curated tool '{}': {why}", self.tool.name);
        }
        self.tool.input_schema = Arc::new(schema);
        self
    }

    /// How long one call may take (default: the mount's
    /// [`call_timeout`](crate::McpConfig::call_timeout)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The OAuth scopes a caller needs, all of them, to call this tool and to see it listed
    /// (see [`McpConfig::caller_scopes`](crate::McpConfig::caller_scopes)). Default: none.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Whether calls may become tasks (default: [`TaskSupport::Forbidden`]). With
    /// [`Optional`](TaskSupport::Optional) or [`Required`](TaskSupport::Required), a call from a
    /// client that declared the tasks extension runs until the handler first waits: a handler
    /// done by then answers at once, and one that asks a question by then gets its answer the
    /// 2026-07-28 way (an input-required result, and the client's retry); otherwise the call
    /// becomes a task and answers with it at once, while the handler runs on. Questions it
    /// asks from then on wait in the task (`input_required`) for `tasks/update`;
    /// `tasks/cancel` drops the handler's future.
    pub fn task_support(mut self, support: TaskSupport) -> Self {
        self.task_support = support;
        self
    }

    /// The tool as `tools/list` shows it.
    pub fn definition(&self) -> &Tool {
        &self.tool
    }
}

fn input_schema<A: JsonSchema + 'static>(name: &str) -> Arc<JsonObject> {
    match schema_for_input::<A>() {
        Ok(schema) => schema,
        Err(why) => {
            panic!("the arguments of curated tool '{name}' must be a struct (a JSON object): {why}")
        }
    }
}

fn into_tool_response<R: IntoCallToolResult>(result: R) -> Result<CallToolResponse, HandlerError> {
    result.into_call_tool_result().map_err(HandlerError::rpc)
}
