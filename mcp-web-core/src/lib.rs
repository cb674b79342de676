//! Framework-neutral core of **mcp-web**: the operations of an OpenAPI document become MCP
//! tools, and each tool call is served in-process by the host application.
//!
//! Web-framework adapters (`mcp-axum`, `mcp-actix`) implement [`Dispatcher`] and route an
//! [`McpService`] at the mount path; everything else lives here, once:
//!
//! ```text
//! OpenAPI document ─▶ catalog (built once, at mount time)
//! tools/call: arguments ─▶ http::Request ─▶ Dispatcher ─▶ http::Response ─▶ tool result
//! ```
//!
//! ```
//! use bytes::Bytes;
//! use futures::future::BoxFuture;
//! use mcp_web_core::{CallError, DispatchBody, Dispatcher, McpConfig, McpService};
//!
//! /// A dispatcher that answers every call with 204 (a real adapter calls the web app).
//! struct NoContent;
//!
//! impl Dispatcher for NoContent {
//!     fn dispatch(
//!         &self,
//!         _request: http::Request<Bytes>,
//!         _incoming: Option<&http::request::Parts>,
//!     ) -> BoxFuture<'static, Result<http::Response<DispatchBody>, CallError>> {
//!         Box::pin(async {
//!             let body = DispatchBody::new(http_body_util::Empty::new().map_err(|e| match e {}));
//!             Ok(http::Response::builder().status(204).body(body).unwrap())
//!         })
//!     }
//! }
//! # use http_body_util::BodyExt;
//!
//! let api = utoipa::openapi::OpenApiBuilder::new().build();
//! let service = McpService::new(McpConfig::new(api), "/mcp", NoContent).unwrap();
//! assert!(service.preview().tools.is_empty());
//! ```
//!
//! Users of a mount import [`prelude`]; adapters implement [`Dispatcher`]. Modules:
//!
//! | module | owns |
//! |---|---|
//! | `config` | [`McpConfig`] and its builder methods, [`ShutdownHandle`], [`ToolSearch`] |
//! | [`exposure`] | which operations are exposed, and as what |
//! | [`curated`] | hand-written tools, resources, prompts, completions; [`curated::CallContext`] |
//! | `catalog`, `schema` | the OpenAPI document as tools and resources, built once |
//! | `route` | the route model every stage shares: parameters, bodies, operations |
//! | `request`, `response`, `resource` | one call: arguments → request; response → result |
//! | `media` | media types compared as HTTP compares them |
//! | `splitter` | a streamed response body cut into its messages as it arrives |
//! | `search` | tool search: terms, the BM25F index discovery mode ranks tools with |
//! | `server` | the MCP server: routing, guarded calls, contexts, request state, discovery |
//! | `lane` | the fast lane: one-answer `tools/call`s without rmcp's per-request machinery |
//! | `priming` | SSE priming events only for the versions that define them |
//! | `malformed` | the JSON-RPC error for a body that is not one message |
//! | [`oauth`] | the OAuth resource server: metadata, 401/403 challenges, per-tool scopes |
//! | `service` | [`McpService`], the endpoint: the lane or rmcp's transport; [`McpConfig::preview`] |
//! | `dispatch`, `error` | [`Dispatcher`], [`MountError`], [`CallError`] |

mod catalog;
mod collect;
mod config;
pub mod curated;
/// Storage for resumable SSE streams ([`McpConfig::event_store`]): rmcp's `EventStore` trait and
/// its types.
pub mod event_store {
    pub use rmcp::transport::streamable_http_server::session::{
        ServerSseMessage,
        store::{EventId, EventStore, EventStoreError, EventStream, StreamId},
    };
}
/// Sessions shared across instances ([`McpConfig::session_store`]): rmcp's `SessionStore`
/// trait and its types.
pub mod session_store {
    pub use rmcp::transport::streamable_http_server::session::{
        SessionState, SessionStore, SessionStoreError,
    };
}
mod dispatch;
mod error;
pub mod exposure;
mod header_params;
mod heads;
mod json;
mod lane;
mod malformed;
mod media;
pub mod oauth;
pub mod prelude;
mod priming;
mod request;
mod resource;
mod response;
mod route;
mod schema;
mod search;
mod server;
mod service;
mod sessions;
mod splitter;
pub mod tasks;
#[doc(hidden)]
pub mod testing;
mod updates;

pub use catalog::{ConversionWarning, Preview};
pub use collect::Collected;
pub use config::{McpConfig, ShutdownHandle, ToolSearch};
pub use dispatch::{BoxError, DispatchBody, Dispatcher};
pub use error::{CallError, MountError};
pub use exposure::{McpKind, OperationFilter, OperationInfo, OperationMapping, RouteMap};
pub use heads::header_map;
pub use request::McpToolCall;
pub use resource::McpResourceRead;
pub use search::ToolFinder;
pub use service::{McpBody, McpService};
pub use updates::ResourceUpdates;
