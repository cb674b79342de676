//! The MCP server behind a mount: lists the catalog's tools and calls them in-process.

use std::{panic::AssertUnwindSafe, sync::Arc, time::Duration};

use futures::FutureExt;
use http::HeaderName;
use rmcp::{
    ErrorData, RoleServer, ServerHandler,
    model::{
        CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
        ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
    },
    service::RequestContext,
};
use serde_json::Value;

use crate::{
    Error, McpConfig,
    catalog::{Catalog, ConversionWarning, Operation},
    dispatch::Dispatcher,
    request::{build_request, forwarded_headers},
    response::{read_body, tool_result},
};

/// Shared, read-only state of one mount; each MCP session holds a cheap clone.
#[derive(Clone)]
pub(crate) struct McpServer {
    shared: Arc<Shared>,
}

struct Shared {
    catalog: Catalog,
    dispatcher: Arc<dyn Dispatcher>,
    forward_headers: Vec<HeaderName>,
    call_timeout: Duration,
    max_response_body_bytes: usize,
    info: ServerConfig,
}

impl std::fmt::Debug for McpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("McpServer")
            .field("tools", &self.shared.catalog.operations.len())
            .finish_non_exhaustive()
    }
}

impl McpServer {
    pub(crate) fn new(
        config: &McpConfig,
        catalog: Catalog,
        dispatcher: Arc<dyn Dispatcher>,
    ) -> Result<Self, Error> {
        let document = config.document()?;
        let info_field = |field: &str| {
            document
                .pointer(&format!("/info/{field}"))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let name = config
            .name
            .clone()
            .or_else(|| info_field("title"))
            .unwrap_or_else(|| "mcp-web".into());
        let version = config
            .version
            .clone()
            .or_else(|| info_field("version"))
            .unwrap_or_else(|| env!("CARGO_PKG_VERSION").into());
        let mut info = ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(name, version));
        let instructions = config
            .instructions
            .clone()
            .or_else(|| info_field("description"));
        if let Some(instructions) = instructions {
            info = info.with_instructions(instructions);
        }
        Ok(Self {
            shared: Arc::new(Shared {
                catalog,
                dispatcher,
                forward_headers: config.forward_headers.clone(),
                call_timeout: config.call_timeout,
                max_response_body_bytes: config.max_response_body_bytes,
                info,
            }),
        })
    }

    pub(crate) fn warnings(&self) -> &[ConversionWarning] {
        &self.shared.catalog.warnings
    }

    pub(crate) fn tools(&self) -> impl Iterator<Item = &Tool> {
        self.shared.catalog.tools()
    }

    /// Run one tool call to completion; never panics, always answers.
    pub(crate) async fn call(
        &self,
        operation: Arc<Operation>,
        arguments: serde_json::Map<String, Value>,
        incoming: Option<http::request::Parts>,
    ) -> CallToolResult {
        let shared = &self.shared;
        let name = operation.tool.name.to_string();
        match operation.input_validator() {
            Ok(validator) => {
                let instance = Value::Object(arguments.clone());
                let problems: Vec<String> = validator
                    .iter_errors(&instance)
                    .map(|e| {
                        let at = e.instance_path().to_string();
                        if at.is_empty() {
                            e.to_string()
                        } else {
                            format!("{at}: {e}")
                        }
                    })
                    .collect();
                if !problems.is_empty() {
                    return error_result(format!(
                        "Invalid arguments for tool '{name}': {}",
                        problems.join("; ")
                    ));
                }
            }
            Err(why) => {
                tracing::warn!(tool = %name, "input schema does not compile, arguments not validated: {why}")
            }
        }
        let forwarded = forwarded_headers(
            incoming.as_ref().map(|p| &p.headers),
            &shared.forward_headers,
        );
        let request = match build_request(&name, &operation.route, &arguments, forwarded) {
            Ok(request) => request,
            Err(why) => return error_result(format!("Invalid arguments for tool '{name}': {why}")),
        };
        let exchange = async {
            let response = shared
                .dispatcher
                .dispatch(request, incoming.as_ref())
                .await?;
            read_body(response, shared.max_response_body_bytes).await
        };
        // Handler panics must not take the session down: they become tool errors.
        let guarded = AssertUnwindSafe(exchange).catch_unwind();
        match tokio::time::timeout(shared.call_timeout, guarded).await {
            Err(_) => error_result(format!(
                "Tool '{name}' timed out after {:?}; the request was abandoned",
                shared.call_timeout
            )),
            Ok(Err(panic)) => {
                let why = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "no message".into());
                error_result(Error::HandlerPanicked(why).to_string())
            }
            Ok(Ok(Err(error))) => error_result(error.to_string()),
            Ok(Ok(Ok((parts, body)))) => tool_result(&operation, &parts, body),
        }
    }
}

fn error_result(text: String) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(text)])
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        self.shared.info.clone()
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(
            self.tools().cloned().collect(),
        ))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.shared.catalog.get(name).map(|op| op.tool.clone())
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let Some(operation) = self.shared.catalog.get(&request.name).cloned() else {
            return Err(ErrorData::invalid_params(
                format!(
                    "Unknown tool '{}'; call tools/list for the available tools",
                    request.name
                ),
                None,
            ));
        };
        let incoming = context.extensions.get::<http::request::Parts>().cloned();
        let arguments = request.arguments.unwrap_or_default();
        // Dropping the call on cancellation drops the in-process request: the handler stops.
        tokio::select! {
            result = self.call(operation, arguments, incoming) => Ok(result.into()),
            () = context.ct.cancelled() => Err(ErrorData::internal_error("the request was cancelled", None)),
        }
    }
}
