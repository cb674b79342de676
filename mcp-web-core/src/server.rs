//! The MCP server behind a mount: lists the catalog's tools and calls them in-process.

// Logging (`logging/setLevel`) is deprecated by SEP-2577 for a future protocol; both eras served
// here still have it.
#![allow(deprecated)]

use std::{
    any::Any,
    collections::HashMap,
    panic::AssertUnwindSafe,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use bytes::Bytes;
use futures::FutureExt;
use http::HeaderName;
use rmcp::{
    ErrorData, RoleServer, ServerHandler,
    model::{
        CallToolRequestParams, CallToolResponse, CallToolResult, CompleteRequestParams,
        CompleteResult, CompletionInfo, ContentBlock, GetPromptRequestParams, GetPromptResponse,
        Implementation, ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult,
        ListToolsResult, LoggingLevel, PaginatedRequestParams, PromptsCapability,
        ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Reference,
        ResourcesCapability, ServerCapabilities, ServerConfig, SetLevelRequestParams,
        SubscribeRequestParams, Tool, UnsubscribeRequestParams,
    },
    service::RequestContext,
};
use serde_json::Value;

use crate::{
    Error, McpConfig,
    catalog::{Catalog, ConversionWarning, Operation},
    curated::{
        CallContext, CompletionTarget, Curated, CuratedTool, LogLevel, RequestFacts,
        ResourceRequest, StateCodec, rpc_outcome, tool_outcome,
    },
    dispatch::Dispatcher,
    request::{build_request, forwarded_headers},
    resource::McpResourceRead,
    response::{read_body, resource_result, tool_result},
    updates::{ResourceUpdates, Subscriber, lock},
};

/// Shared, read-only state of one mount; each MCP session holds a cheap clone.
#[derive(Clone)]
pub(crate) struct McpServer {
    shared: Arc<Shared>,
    session: Arc<Session>,
}

struct Shared {
    catalog: Catalog,
    curated: CuratedIndex,
    dispatcher: Arc<dyn Dispatcher>,
    forward_headers: Vec<HeaderName>,
    call_timeout: Duration,
    tool_timeouts: HashMap<String, Duration>,
    max_response_body_bytes: usize,
    info: ServerConfig,
    updates: ResourceUpdates,
    request_state: Arc<StateCodec>,
}

/// What one 2025-era session asked for (2026-07-28 requests carry it in `_meta`).
#[derive(Default)]
struct Session {
    log_level: Mutex<Option<LoggingLevel>>,
    subscriber: Mutex<Option<Arc<Subscriber>>>,
}

/// The curated components, with the tools indexed by name.
struct CuratedIndex {
    source: Curated,
    tools: HashMap<String, CuratedTool>,
}

impl CuratedIndex {
    fn new(curated: &Curated) -> Self {
        let tools = curated.tools.iter();
        Self {
            source: curated.clone(),
            tools: tools
                .map(|t| (t.tool.name.to_string(), t.clone()))
                .collect(),
        }
    }
}

impl std::fmt::Debug for McpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("McpServer")
            .field("tools", &self.shared.catalog.operations.len())
            .field("curated_tools", &self.shared.curated.tools.len())
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
        let curated = &config.curated;
        let mut capabilities = ServerCapabilities::builder()
            .enable_tools()
            .enable_logging()
            .build();
        // Announce resources, prompts and completions only when there are some, so clients do
        // not offer empty lists.
        let has_resources = !catalog.resources.is_empty()
            || !catalog.templates.is_empty()
            || !curated.resources.is_empty()
            || !curated.templates.is_empty();
        if has_resources {
            let mut resources = ResourcesCapability::default();
            resources.subscribe = Some(true);
            capabilities.resources = Some(resources);
        }
        if !curated.prompts.is_empty() {
            capabilities.prompts = Some(PromptsCapability::default());
        }
        if !curated.completions.is_empty() {
            capabilities.completions = Some(Default::default());
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
                curated: CuratedIndex::new(curated),
                dispatcher,
                forward_headers: config.forward_headers.clone(),
                call_timeout: config.call_timeout,
                tool_timeouts: config.tool_timeouts.clone(),
                max_response_body_bytes: config.max_response_body_bytes,
                info,
                updates: config.resource_updates.clone(),
                request_state: Arc::new(
                    StateCodec::new(config.request_state_key.as_deref())
                        .map_err(Error::InvalidConfig)?,
                ),
            }),
            session: Arc::default(),
        })
    }

    /// The server for a new session: same mount, fresh session state.
    pub(crate) fn for_session(&self) -> Self {
        Self {
            shared: self.shared.clone(),
            session: Arc::default(),
        }
    }

    /// The context a curated handler gets for the request `context` describes.
    fn call_context(
        &self,
        context: &RequestContext<RoleServer>,
        subject: String,
        input_responses: Option<rmcp::model::InputResponses>,
        request_state: Option<String>,
    ) -> Result<CallContext, ErrorData> {
        let request = context.extensions.get::<http::request::Parts>().cloned();
        CallContext::new(RequestFacts {
            input_responses,
            request_state,
            subject,
            request,
            ..self.request_facts(context)
        })
    }

    /// What every context of `context`'s request shares; no HTTP request parts, no answers.
    fn request_facts(&self, context: &RequestContext<RoleServer>) -> RequestFacts {
        RequestFacts {
            peer: context.peer.clone(),
            meta: context.meta.clone(),
            protocol_version: context.protocol_version().map(|v| v.as_str().to_string()),
            request: None,
            cancelled: context.ct.clone(),
            session_log_level: *lock(&self.session.log_level),
            input_responses: None,
            request_state: None,
            state: self.shared.request_state.clone(),
            subject: String::new(),
        }
    }

    /// Run a curated tool: its time limit, panics as errors, cancellation drops it.
    async fn call_curated(
        &self,
        tool: CuratedTool,
        request: CallToolRequestParams,
        context: &RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let subject = format!("tools/call {}", tool.tool.name);
        let cx = self.call_context(
            context,
            subject,
            request.input_responses,
            request.request_state,
        )?;
        let limit = tool.timeout.unwrap_or(self.shared.call_timeout);
        let run = AssertUnwindSafe((tool.handler)(request.arguments.unwrap_or_default(), cx))
            .catch_unwind();
        match tokio::time::timeout(limit, run).await {
            Err(_) => Ok(error_result(format!(
                "Tool '{}' timed out after {limit:?}; the call was abandoned",
                tool.tool.name
            ))
            .into()),
            Ok(Err(panic)) => Ok(error_result(format!(
                "Tool '{}' panicked: {}",
                tool.tool.name,
                panic_message(panic)
            ))
            .into()),
            Ok(Ok(outcome)) => tool_outcome(outcome),
        }
    }

    /// Read a curated resource, if `uri` is one.
    async fn read_curated(
        &self,
        request: &ReadResourceRequestParams,
        context: &RequestContext<RoleServer>,
    ) -> Option<Result<ReadResourceResponse, ErrorData>> {
        let curated = &self.shared.curated;
        let uri = request.uri.as_str();
        let (handler, variables) = if let Some(resource) = curated
            .source
            .resources
            .iter()
            .find(|r| r.resource.uri == uri)
        {
            (resource.handler.clone(), HashMap::new())
        } else {
            curated.source.templates.iter().find_map(|template| {
                let matched = template.uri.match_uri(uri)?;
                let variables = matched
                    .into_iter()
                    .filter_map(|(k, v)| Some((k, v.as_str()?.to_string())))
                    .collect();
                Some((template.handler.clone(), variables))
            })?
        };
        let cx = match self.call_context(
            context,
            format!("resources/read {uri}"),
            request.input_responses.clone(),
            request.request_state.clone(),
        ) {
            Ok(cx) => cx,
            Err(error) => return Some(Err(error)),
        };
        let read = ResourceRequest {
            uri: uri.to_string(),
            variables,
        };
        let run = AssertUnwindSafe(handler(read, cx)).catch_unwind();
        let outcome = match tokio::time::timeout(self.shared.call_timeout, run).await {
            Err(_) => Err(ErrorData::internal_error(
                format!("Reading '{uri}' timed out"),
                None,
            )),
            Ok(Err(panic)) => Err(ErrorData::internal_error(
                format!("Reading '{uri}' panicked: {}", panic_message(panic)),
                None,
            )),
            Ok(Ok(outcome)) => rpc_outcome(outcome),
        };
        Some(outcome.map(|answer| match answer {
            Ok(contents) => ReadResourceResult::new(contents).into(),
            Err(input) => ReadResourceResponse::InputRequired(input),
        }))
    }

    pub(crate) fn warnings(&self) -> &[ConversionWarning] {
        &self.shared.catalog.warnings
    }

    pub(crate) fn preview(&self) -> crate::Preview {
        let mut preview = self.shared.catalog.preview();
        self.shared.curated.source.extend_preview(&mut preview);
        preview
    }

    /// Run one tool call to completion; never panics, always answers.
    pub(crate) async fn call(
        &self,
        operation: Arc<Operation>,
        arguments: serde_json::Map<String, Value>,
        incoming: Option<http::request::Parts>,
        reporter: Option<StreamReporter>,
    ) -> CallToolResult {
        let arguments = Value::Object(arguments);
        match self
            .exchange(&operation, &arguments, incoming, None, reporter)
            .await
        {
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
                Some(serde_json::json!({ "uri": uri })),
            ));
        };
        let marker = McpResourceRead {
            uri: uri.to_string(),
        };
        let arguments = Value::Object(arguments);
        match self
            .exchange(&operation, &arguments, incoming, Some(marker), None)
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
        reporter: Option<StreamReporter>,
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
            read_body(response, shared.max_response_body_bytes, |message| {
                let reporter = reporter.clone();
                async move {
                    if let Some(reporter) = reporter {
                        reporter.report(message).await;
                    }
                }
            })
            .await
        };
        // Handler panics must not take the session down: they become tool errors.
        let guarded = AssertUnwindSafe(exchange).catch_unwind();
        let limit = shared
            .tool_timeouts
            .get(&name)
            .copied()
            .unwrap_or(shared.call_timeout);
        match tokio::time::timeout(limit, guarded).await {
            Err(_) => Err(failed(format!(
                "{} timed out after {limit:?}; the request was abandoned",
                capitalized(&subject),
            ))),
            Ok(Err(panic)) => Err(failed(
                Error::HandlerPanicked(panic_message(panic)).to_string(),
            )),
            Ok(Ok(Err(error))) => Err(failed(error.to_string())),
            Ok(Ok(Ok(answer))) => Ok(answer),
        }
    }
}

/// Relays the messages of a streamed response (SSE events, JSON lines) to the client while the
/// endpoint runs: a progress notification each (when the client asked for progress) and a log
/// message with the message's data.
#[derive(Clone)]
pub(crate) struct StreamReporter {
    cx: CallContext,
    relayed: Arc<AtomicU64>,
}

impl StreamReporter {
    async fn report(&self, message: String) {
        let count = self.relayed.fetch_add(1, Ordering::Relaxed) + 1;
        // Progress messages are for display: keep them short.
        let mut summary: String = message.chars().take(200).collect();
        if summary.len() < message.len() {
            summary.push('…');
        }
        self.cx.progress(count as f64, None, Some(&summary)).await;
        let data = serde_json::from_str::<Value>(&message).unwrap_or(Value::String(message));
        self.cx.log(LogLevel::Info, data).await;
    }
}

/// Why a call produced no response to map: bad arguments, or a failed exchange.
struct Failure {
    invalid_arguments: bool,
    message: String,
}

fn panic_message(panic: Box<dyn Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into())
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
        let curated = &self.shared.curated;
        let curated_tools = curated.source.tools.iter().map(|t| t.tool.clone());
        Ok(ListToolsResult::with_all_items(
            self.shared
                .catalog
                .tools()
                .cloned()
                .chain(curated_tools)
                .collect(),
        ))
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let generated = self.shared.catalog.resources.iter().map(|e| &e.resource);
        let curated = self
            .shared
            .curated
            .source
            .resources
            .iter()
            .map(|c| &c.resource);
        Ok(ListResourcesResult::with_all_items(
            generated.chain(curated).cloned().collect(),
        ))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        let generated = self.shared.catalog.templates.iter().map(|e| &e.template);
        let curated = self
            .shared
            .curated
            .source
            .templates
            .iter()
            .map(|c| &c.template);
        Ok(ListResourceTemplatesResult::with_all_items(
            generated.chain(curated).cloned().collect(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        if let Some(read) = tokio::select! {
            read = self.read_curated(&request, &context) => read,
            () = context.ct.cancelled() => return Err(ErrorData::internal_error("the request was cancelled", None)),
        } {
            return read;
        }
        let incoming = context.extensions.get::<http::request::Parts>().cloned();
        tokio::select! {
            result = self.read(&request.uri, incoming) => result.map(Into::into),
            () = context.ct.cancelled() => Err(ErrorData::internal_error("the request was cancelled", None)),
        }
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        let curated = self.shared.curated.tools.get(name).map(|c| c.tool.clone());
        curated.or_else(|| self.shared.catalog.get(name).map(|op| op.tool.clone()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        if let Some(tool) = self
            .shared
            .curated
            .tools
            .get(request.name.as_ref())
            .cloned()
        {
            // Dropping the handler's future on cancellation stops it.
            return tokio::select! {
                result = self.call_curated(tool, request, &context) => result,
                () = context.ct.cancelled() => Err(ErrorData::internal_error("the request was cancelled", None)),
            };
        }
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
        // The relay needs the client connection only, not a second copy of the HTTP request;
        // without a request state to open, a context is always made.
        let reporter = CallContext::new(self.request_facts(&context))
            .ok()
            .map(|cx| StreamReporter {
                cx,
                relayed: Arc::default(),
            });
        // Dropping the call on cancellation drops the in-process request: the handler stops.
        tokio::select! {
            result = self.call(operation, arguments, incoming, reporter) => Ok(result.into()),
            () = context.ct.cancelled() => Err(ErrorData::internal_error("the request was cancelled", None)),
        }
    }

    // 2026-07-28 `subscriptions/listen`: accept what the client asks for; rmcp acknowledges
    // and holds the stream until the client or the mount's shutdown ends it.
    fn accepted_subscription_filter(
        &self,
        requested: &rmcp::model::SubscriptionFilter,
    ) -> Option<rmcp::model::SubscriptionFilter> {
        Some(requested.clone())
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        let prompts = self.shared.curated.source.prompts.iter();
        Ok(ListPromptsResult::with_all_items(
            prompts.map(|p| p.prompt.clone()).collect(),
        ))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let Some(prompt) = self
            .shared
            .curated
            .source
            .prompts
            .iter()
            .find(|p| p.prompt.name == request.name)
        else {
            return Err(ErrorData::invalid_params(
                format!(
                    "Unknown prompt '{}'; call prompts/list for the available prompts",
                    request.name
                ),
                None,
            ));
        };
        let cx = self.call_context(
            &context,
            format!("prompts/get {}", request.name),
            request.input_responses,
            request.request_state,
        )?;
        let run = AssertUnwindSafe((prompt.handler)(request.arguments.unwrap_or_default(), cx))
            .catch_unwind();
        let outcome = tokio::select! {
            outcome = tokio::time::timeout(self.shared.call_timeout, run) => outcome,
            () = context.ct.cancelled() => return Err(ErrorData::internal_error("the request was cancelled", None)),
        };
        let answer = match outcome {
            Err(_) => Err(ErrorData::internal_error(
                format!("Prompt '{}' timed out", request.name),
                None,
            )),
            Ok(Err(panic)) => Err(ErrorData::internal_error(
                format!(
                    "Prompt '{}' panicked: {}",
                    request.name,
                    panic_message(panic)
                ),
                None,
            )),
            Ok(Ok(outcome)) => rpc_outcome(outcome),
        }?;
        Ok(match answer {
            Ok(result) => result.into(),
            Err(input) => GetPromptResponse::InputRequired(input),
        })
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        let argument = &request.argument.name;
        let found = self.shared.curated.source.completions.iter().find(|c| {
            match (&c.target, &request.r#ref) {
                (CompletionTarget::Prompt { name, argument: a }, Reference::Prompt(p)) => {
                    *name == p.name && a == argument
                }
                (
                    CompletionTarget::Resource {
                        uri_template,
                        variable,
                    },
                    Reference::Resource(r),
                ) => *uri_template == r.uri && variable == argument,
                _ => false,
            }
        });
        let context = request
            .context
            .and_then(|c| c.arguments)
            .unwrap_or_default();
        let values = match found {
            Some(completion) => (completion.complete)(&request.argument.value, &context),
            None => Vec::new(),
        };
        let total = values.len();
        let mut values = values;
        values.truncate(CompletionInfo::MAX_VALUES);
        let mut info =
            CompletionInfo::new(values).map_err(|why| ErrorData::internal_error(why, None))?;
        info.total = u32::try_from(total).ok();
        info.has_more = Some(total > CompletionInfo::MAX_VALUES);
        Ok(CompleteResult::new(info))
    }

    async fn set_level(
        &self,
        request: SetLevelRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        *lock(&self.session.log_level) = Some(request.level);
        Ok(())
    }

    async fn subscribe(
        &self,
        request: SubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let subscriber = lock(&self.session.subscriber)
            .get_or_insert_with(|| self.shared.updates.subscriber(context.peer.clone()))
            .clone();
        subscriber.subscribe(request.uri);
        Ok(())
    }

    async fn unsubscribe(
        &self,
        request: UnsubscribeRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        if let Some(subscriber) = &*lock(&self.session.subscriber) {
            subscriber.unsubscribe(&request.uri);
        }
        Ok(())
    }
}
