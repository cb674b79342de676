//! The MCP server behind a mount: lists the catalog's tools and calls them in-process.

use std::{panic::AssertUnwindSafe, sync::Arc, time::Duration};

use bytes::Bytes;
use futures::FutureExt;
use http::HeaderName;
use rmcp::{
    ErrorData, RoleServer, ServerHandler,
    model::{
        CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
        ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
        ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, ResourcesCapability,
        ServerCapabilities, ServerConfig, Tool,
    },
    service::RequestContext,
};
use serde_json::Value;

use crate::{
    Error, McpConfig,
    catalog::{Catalog, ConversionWarning, Operation},
    dispatch::Dispatcher,
    request::{build_request, forwarded_headers},
    resource::McpResourceRead,
    response::{read_body, resource_result, tool_result},
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
        let name = config.server_name();
        let version = config
            .version
            .clone()
            .or_else(|| info_field("version"))
            .unwrap_or_else(|| env!("CARGO_PKG_VERSION").into());
        let mut capabilities = ServerCapabilities::builder().enable_tools().build();
        // Announce resources only when there are some, so clients do not offer an empty list.
        if !catalog.resources.is_empty() || !catalog.templates.is_empty() {
            capabilities.resources = Some(ResourcesCapability::default());
        }
        let mut info =
            ServerConfig::new(capabilities).with_server_info(Implementation::new(name, version));
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

    pub(crate) fn preview(&self) -> crate::Preview {
        self.shared.catalog.preview()
    }

    /// Run one tool call to completion; never panics, always answers.
    pub(crate) async fn call(
        &self,
        operation: Arc<Operation>,
        arguments: serde_json::Map<String, Value>,
        incoming: Option<http::request::Parts>,
    ) -> CallToolResult {
        let arguments = Value::Object(arguments);
        match self.exchange(&operation, &arguments, incoming, None).await {
            Ok((parts, body)) => tool_result(&operation, &parts, body),
            Err(failure) => error_result(failure.message),
        }
    }

    /// Read one resource: the same in-process call as a tool, answered as resource contents.
    pub(crate) async fn read(
        &self,
        uri: &str,
        incoming: Option<http::request::Parts>,
    ) -> Result<ReadResourceResult, ErrorData> {
        let Some((operation, arguments)) = self.shared.catalog.resolve_resource(uri) else {
            return Err(ErrorData::resource_not_found(
                format!(
                    "Unknown resource '{uri}'; call resources/list and resources/templates/list for the available ones"
                ),
                None,
            ));
        };
        let marker = McpResourceRead {
            uri: uri.to_string(),
        };
        let arguments = Value::Object(arguments);
        match self
            .exchange(&operation, &arguments, incoming, Some(marker))
            .await
        {
            Ok((parts, body)) => resource_result(uri, &parts, body),
            Err(Failure {
                invalid_arguments: true,
                message,
            }) => Err(ErrorData::invalid_params(message, None)),
            Err(Failure { message, .. }) => Err(ErrorData::internal_error(message, None)),
        }
    }

    /// Validate the arguments, build the request, dispatch it in-process and read the response:
    /// everything tool calls and resource reads share.
    async fn exchange(
        &self,
        operation: &Operation,
        // An object: validated as the JSON value it is, without copying it into one.
        arguments: &Value,
        incoming: Option<http::request::Parts>,
        resource: Option<McpResourceRead>,
    ) -> Result<(http::response::Parts, Bytes), Failure> {
        let shared = &self.shared;
        let name = operation.tool.name.to_string();
        let subject = match &resource {
            Some(read) => format!("resource '{}'", read.uri),
            None => format!("tool '{name}'"),
        };
        let invalid = |why: String| Failure {
            invalid_arguments: true,
            message: format!("Invalid arguments for {subject}: {why}"),
        };
        let failed = |message: String| Failure {
            invalid_arguments: false,
            message,
        };
        match operation.input_validator() {
            Ok(validator) => {
                let problems: Vec<String> = validator
                    .iter_errors(arguments)
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
                    return Err(invalid(problems.join("; ")));
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
        let empty = serde_json::Map::new();
        let object = arguments.as_object().unwrap_or(&empty);
        let mut request =
            build_request(&name, &operation.route, object, forwarded).map_err(invalid)?;
        if let Some(read) = resource {
            request.extensions_mut().insert(read);
        }
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
            Err(_) => Err(failed(format!(
                "{} timed out after {:?}; the request was abandoned",
                capitalized(&subject),
                shared.call_timeout
            ))),
            Ok(Err(panic)) => {
                let why = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "no message".into());
                Err(failed(Error::HandlerPanicked(why).to_string()))
            }
            Ok(Ok(Err(error))) => Err(failed(error.to_string())),
            Ok(Ok(Ok(answer))) => Ok(answer),
        }
    }
}

/// Why a call produced no response to map: bad arguments, or a failed exchange.
struct Failure {
    invalid_arguments: bool,
    message: String,
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
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
            self.shared.catalog.tools().cloned().collect(),
        ))
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let resources = self.shared.catalog.resources.iter();
        Ok(ListResourcesResult::with_all_items(
            resources.map(|entry| entry.resource.clone()).collect(),
        ))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        let templates = self.shared.catalog.templates.iter();
        Ok(ListResourceTemplatesResult::with_all_items(
            templates.map(|entry| entry.template.clone()).collect(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let incoming = context.extensions.get::<http::request::Parts>().cloned();
        tokio::select! {
            result = self.read(&request.uri, incoming) => result.map(Into::into),
            () = context.ct.cancelled() => Err(ErrorData::internal_error("the request was cancelled", None)),
        }
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
