//! What a user of a mount needs, in one import: the configuration, the choice of operations,
//! and the curated components with their context.
//!
//! ```
//! use mcp_web_core::prelude::*;
//!
//! #[derive(serde::Deserialize, schemars::JsonSchema)]
//! struct Ping {}
//!
//! let api = utoipa::openapi::OpenApiBuilder::new().build();
//! let config = McpConfig::new(api)
//!     .route_map(RouteMap::new().pattern("/admin/**").exclude())
//!     .map_operations(|op: &OperationInfo| op.tags.contains(&"reports".into()).then_some(McpKind::Resource))
//!     .tool(CuratedTool::new("ping", "Answers pong", |_: Ping, cx: CallContext| async move {
//!         cx.log(LogLevel::Info, "ping").await;
//!         Ok::<_, HandlerError>("pong".to_string())
//!     }));
//! assert_eq!(config.preview().unwrap().tools[0]["name"], "ping");
//! ```

pub use crate::{
    ConversionWarning, McpConfig, McpKind, MountError, OperationFilter, OperationInfo,
    OperationMapping, Preview, ResourceUpdates, RouteMap, ShutdownHandle, ToolSearch,
    curated::{
        ArgumentCompletion, CallContext, CuratedPrompt, CuratedResource, CuratedResourceTemplate,
        CuratedTool, HandlerError, Json, LogLevel, ResourceRequest,
    },
};
