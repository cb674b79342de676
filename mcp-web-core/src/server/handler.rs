//! The MCP methods of a mount (rmcp's [`ServerHandler`]): lists, and each call routed to what
//! serves it — a meta-tool of discovery mode, a curated component, else the catalog.

// Logging (`logging/setLevel`) is deprecated by SEP-2577 for a future protocol; both eras served
// here still have it.
#![allow(deprecated)]

use rmcp::{
    ErrorData, RoleServer, ServerHandler,
    model::{
        CallToolRequestParams, CallToolResponse, CancelTaskParams, CompleteRequestParams,
        CompleteResult, CustomRequest, CustomResult, ErrorCode, GetPromptRequestParams,
        GetPromptResponse, GetTaskParams, GetTaskResult, ListPromptsResult,
        ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
        ProtocolVersion, ReadResourceRequestParams, ReadResourceResponse, ServerConfig,
        SetLevelRequestParams, SubscribeRequestParams, SubscriptionFilter, Tool,
        UnsubscribeRequestParams, UpdateTaskParams,
    },
    service::RequestContext,
};

use super::{
    McpServer,
    context::relay_context,
    curated, generated,
    search::{CALL_TOOL, SEARCH_TOOLS, unwrapped_call},
};
use crate::{
    catalog::{titles_in_annotations, with_title_in_annotations},
    updates::lock,
};

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        self.mount.info.clone()
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let view = self.tool_view(&context);
        let visible = |tool: &&Tool| view.shows(&tool.name);
        // Tools are kept as later clients see them; a client of an era without a tool-level
        // `title` gets each title in `annotations.title` as well, put in the copy it is sent.
        let version = context.protocol_version();
        let copy_title = titles_in_annotations(version.as_ref().map(ProtocolVersion::as_str));
        let listed = |tool: &Tool| {
            let mut tool = tool.clone();
            if copy_title {
                with_title_in_annotations(&mut tool);
            }
            tool
        };
        if let Some(discovery) = &self.mount.discovery {
            let tools = discovery.listed().iter().filter(visible).map(listed);
            return Ok(ListToolsResult::with_all_items(tools.collect()));
        }
        let generated = self.mount.catalog.tools();
        let curated = self.mount.registry.curated.tools.iter().map(|t| &t.tool);
        let tools = generated.chain(curated).filter(visible).map(listed);
        Ok(ListToolsResult::with_all_items(tools.collect()))
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let generated = self.mount.catalog.resources.iter().map(|e| &e.resource);
        let curated = self.mount.registry.curated.resources.iter();
        Ok(ListResourcesResult::with_all_items(
            generated
                .chain(curated.map(|c| &c.resource))
                .cloned()
                .collect(),
        ))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        let generated = self.mount.catalog.templates.iter().map(|e| &e.template);
        let curated = self.mount.registry.curated.templates.iter();
        Ok(ListResourceTemplatesResult::with_all_items(
            generated
                .chain(curated.map(|c| &c.template))
                .cloned()
                .collect(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let uri = request.uri.clone();
        if let Some(read) =
            curated::read_resource(&self.mount, &self.session, request, &context).await
        {
            return read;
        }
        generated::read_resource(&self.mount, &uri, &context)
            .await
            .map(Into::into)
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        let discovery = self.mount.discovery.as_ref();
        if let Some(meta) = discovery.and_then(|d| d.meta_tool(name)) {
            return Some(meta.clone());
        }
        let curated = self.mount.registry.tool(name).map(|c| c.tool.clone());
        curated.or_else(|| self.mount.catalog.get(name).map(|op| op.tool.clone()))
    }

    async fn call_tool(
        &self,
        mut request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        if let Some(discovery) = &self.mount.discovery {
            if request.name == CALL_TOOL {
                request = match unwrapped_call(request) {
                    Ok(call) => call,
                    Err(failed) => return Ok(failed.into()),
                };
            }
            if request.name == SEARCH_TOOLS {
                // A search never reveals a tool the caller could not list.
                let view = self.tool_view(&context);
                let visible = |name: &str| view.shows(name);
                return Ok(discovery.search_tools(request.arguments, visible).into());
            }
        }
        if let Some(tool) = self.mount.registry.tool(&request.name) {
            return curated::call_tool(&self.mount, &self.session, tool, request, &context).await;
        }
        let Some(operation) = self.mount.catalog.get(&request.name).cloned() else {
            return Err(ErrorData::invalid_params(
                format!(
                    "Unknown tool '{}'; call tools/list for the available tools",
                    request.name
                ),
                None,
            ));
        };
        let arguments = request.arguments.unwrap_or_default();
        let relay = |context: &RequestContext<RoleServer>, task| {
            relay_context(&self.session, context, task)
        };
        generated::call_tool_or_task(&self.mount, operation, arguments, &context, relay).await
    }

    async fn get_task(
        &self,
        request: GetTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetTaskResult, ErrorData> {
        self.mount.tasks.get(&context, &request.task_id).await
    }

    async fn update_task(
        &self,
        request: UpdateTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let responses = request.input_responses;
        (self.mount.tasks)
            .update(&context, &request.task_id, responses)
            .await
    }

    async fn cancel_task(
        &self,
        request: CancelTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.mount.tasks.cancel(&context, &request.task_id).await
    }

    // 2026-07-28 `subscriptions/listen`: accept what the client asks for; rmcp acknowledges
    // and holds the stream until the client or the mount's shutdown ends it.
    fn accepted_subscription_filter(
        &self,
        requested: &SubscriptionFilter,
    ) -> Option<SubscriptionFilter> {
        Some(requested.clone())
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        let prompts = self.mount.registry.curated.prompts.iter();
        Ok(ListPromptsResult::with_all_items(
            prompts.map(|p| p.prompt.clone()).collect(),
        ))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let prompts = &self.mount.registry.curated.prompts;
        let Some(prompt) = prompts.iter().find(|p| p.prompt.name == request.name) else {
            return Err(ErrorData::invalid_params(
                format!(
                    "Unknown prompt '{}'; call prompts/list for the available prompts",
                    request.name
                ),
                None,
            ));
        };
        curated::get_prompt(&self.mount, &self.session, prompt, request, &context).await
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        curated::complete(&self.mount.registry, request)
    }

    async fn set_level(
        &self,
        request: SetLevelRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let id = context
            .extensions
            .get::<http::request::Parts>()
            .and_then(|parts| parts.headers.get("mcp-session-id"))
            .and_then(|value| value.to_str().ok());
        let levels = &self.mount.session_levels;
        self.session.set_level(request.level, levels, id);
        Ok(())
    }

    async fn subscribe(
        &self,
        request: SubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let subscriber = lock(&self.session.subscriber)
            .get_or_insert_with(|| self.mount.updates.subscriber(context.peer.clone()))
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

    /// A method this server does not have: `-32601` with a message that names it (rmcp's own
    /// answer is the bare method name, an empty message for an empty one).
    async fn on_custom_request(
        &self,
        request: CustomRequest,
        _context: RequestContext<RoleServer>,
    ) -> Result<CustomResult, ErrorData> {
        Err(ErrorData::new(
            ErrorCode::METHOD_NOT_FOUND,
            format!("Method not found: {:?}", request.method),
            Some(serde_json::json!({ "method": request.method })),
        ))
    }
}
