//! Curated components: tools, resources, resource templates, prompts and argument completions
//! written by hand and served on the same mount as the tools generated from the OpenAPI document.
//!
//! ```
//! use mcp_web_core::McpConfig;
//! use mcp_web_core::curated::{
//!     CallContext, CuratedPrompt, CuratedResource, CuratedTool, HandlerError, LogLevel,
//! };
//! use mcp_web_core::curated::model::{PromptMessage, ResourceContents, Role};
//! use schemars::JsonSchema;
//! use serde::Deserialize;
//!
//! #[derive(Deserialize, JsonSchema)]
//! struct Triage {
//!     /// Ticket to triage.
//!     ticket_id: u64,
//! }
//!
//! async fn triage(args: Triage, cx: CallContext) -> Result<String, HandlerError> {
//!     cx.progress(0.0, Some(2.0), Some("reading the ticket")).await;
//!     cx.log(LogLevel::Info, "triaging").await;
//!     cx.progress(2.0, Some(2.0), None).await;
//!     Ok(format!("ticket {} triaged", args.ticket_id))
//! }
//!
//! #[derive(Deserialize, JsonSchema)]
//! struct Topic {
//!     topic: String,
//! }
//!
//! let api = utoipa::openapi::OpenApiBuilder::new().build();
//! let config = McpConfig::new(api)
//!     .tool(CuratedTool::new("triage", "Triage one ticket", triage))
//!     .resource(
//!         CuratedResource::new("docs://guide", "guide", |request, _cx| async move {
//!             Ok(ResourceContents::text("Be kind to tickets.", request.uri))
//!         })
//!         .mime_type("text/plain"),
//!     )
//!     .prompt(CuratedPrompt::new("summarize", "Summarize a topic", |args: Topic, _cx| async move {
//!         Ok(vec![PromptMessage::new_text(Role::User, format!("Summarize {}", args.topic))])
//!     }));
//! let preview = config.preview().unwrap();
//! assert_eq!(preview.tools[0]["name"], "triage");
//! ```
//!
//! Handlers get a [`CallContext`]: report progress, send log messages, ask the client for
//! sampling, elicitation or roots (several at once with [`CallContext::ask`]), and read the HTTP request that carried the call (headers, and
//! extensions the host's middleware set, such as the authenticated user).
//!
//! A curated name that clashes with a generated tool (or another curated component) is an
//! error when the mount is built ([`MountError::NameClash`](crate::MountError::NameClash)), never
//! a silent override.
//!
//! This module is what users write; the server that runs these components lives apart
//! (`server/`): it indexes and checks them at mount time, builds each [`CallContext`], and turns
//! a [`HandlerError`] into the answer the protocol expects.

mod ask;
mod completion;
mod context;
mod error;
mod prompt;
mod resource;
mod tool;
mod typed;

pub use ask::Ask;
pub use completion::ArgumentCompletion;
pub(crate) use completion::CompletionTarget;
pub use context::{CallContext, LogLevel};
pub(crate) use context::{ContextParts, LogFilter};
pub(crate) use error::Failure;
pub use error::HandlerError;
pub use prompt::{CuratedPrompt, IntoPromptResult};
pub use resource::{
    CuratedResource, CuratedResourceTemplate, IntoResourceContents, ResourceRequest,
};
pub use tool::{CuratedTool, IntoCallToolResult, Json};

/// The MCP data types curated handlers take and return, from rmcp's model: the ones this API
/// names, and the ones needed to build them.
pub mod model {
    // Sampling and roots are deprecated by SEP-2577 for a future protocol; both eras served here
    // still have them.
    #[allow(deprecated)]
    pub use rmcp::model::{
        // Elicitation (`CallContext::elicit`) and its form schemas.
        BooleanSchema,
        // What handlers return: tool results, resource contents, prompt messages.
        CallToolResult,
        // Capabilities and protocol errors (`CallContext::client_capabilities`, `HandlerError::rpc`).
        ClientCapabilities,
        ContentBlock,
        // Sampling (`CallContext::sample`).
        ContextInclusion,
        CreateMessageRequestParams,
        CreateMessageResult,
        ElicitRequestParams,
        ElicitResult,
        ElicitationAction,
        ElicitationSchema,
        EnumSchema,
        ErrorCode,
        ErrorData,
        GetPromptResult,
        IntegerSchema,
        JsonObject,
        // Roots (`CallContext::list_roots`).
        ListRootsResult,
        ModelPreferences,
        NumberSchema,
        PrimitiveSchemaDefinition,
        PromptMessage,
        ResourceContents,
        Role,
        Root,
        SamplingMessage,
        SamplingMessageContentBlock,
        StringFormat,
        StringSchema,
        // Tool definitions (`CuratedTool::definition`, `CuratedTool::annotations`).
        Tool,
        ToolAnnotations,
    };
}

/// Everything curated on one mount, in the order it was added to the
/// [`McpConfig`](crate::McpConfig).
#[derive(Debug, Clone, Default)]
pub(crate) struct Curated {
    pub(crate) tools: Vec<CuratedTool>,
    pub(crate) resources: Vec<CuratedResource>,
    pub(crate) templates: Vec<CuratedResourceTemplate>,
    pub(crate) prompts: Vec<CuratedPrompt>,
    pub(crate) completions: Vec<ArgumentCompletion>,
}
