//! OAuth for a mount: the resource-server side of the MCP authorization spec (2025-11-25 and
//! 2026-07-28), on top of the host's own auth.
//!
//! The host keeps validating tokens with its own extractor or middleware. The mount adds what MCP
//! clients need to get a token on their own, and per-tool scopes:
//!
//! - **Protected Resource Metadata** (RFC 9728) at `/.well-known/oauth-protected-resource` plus
//!   the endpoint's path, reachable without a token: the adapters serve it from their outermost
//!   layer ([`OAuthEdge`]), before the host's auth runs.
//! - **401 challenges.** A 401 for the MCP endpoint — the host's or the mount's — carries
//!   `WWW-Authenticate: Bearer resource_metadata="…", scope="…"`.
//! - **Per-tool scopes** from each operation's OpenAPI `security` (else the document's), or
//!   [`CuratedTool::scopes`](crate::curated::CuratedTool::scopes). [`CallerScopes`] reads what the
//!   caller's token grants; a `tools/call` without them is answered **403** with
//!   `WWW-Authenticate: Bearer error="insufficient_scope", scope="…"`, so clients step up, and
//!   `tools/list` shows each caller only the tools it may call.
//!
//! ```
//! use mcp_web_core::{McpConfig, oauth::{CallerScopes, ProtectedResource}};
//!
//! #[derive(Clone)]
//! struct Claims { scope: String } // what the host's JWT middleware puts in the extensions
//!
//! let api = utoipa::openapi::OpenApiBuilder::new().build();
//! let config = McpConfig::new(api)
//!     .oauth(
//!         ProtectedResource::new("https://api.example.com/mcp")
//!             .authorization_server("https://auth.example.com")
//!             .scopes_supported(["tickets:read", "tickets:write"])
//!             .challenge_scopes(["tickets:read"]),
//!     )
//!     .caller_scopes(CallerScopes::scope_claim(|claims: &Claims| &claims.scope));
//! # let _ = config;
//! ```
//!
//! Tokens go nowhere else: an in-process tool call carries the caller's `Authorization` to the
//! same app (the same resource server), and the mount sends it to no other host.
//!
//! | file | owns |
//! |---|---|
//! | `resource.rs` | [`ProtectedResource`]: the metadata document and the challenges |
//! | `scopes.rs` | [`Scopes`], [`CallerScopes`], what a tool needs |
//! | `access.rs` | one request's decision: 401, 403, which tools a list shows |
//! | `edge.rs` | [`OAuthEdge`]: what adapters serve outside the host's auth |

mod access;
mod edge;
mod resource;
mod scopes;

pub(crate) use access::{Access, Caller, OAuthSettings, ToolView};
pub use edge::OAuthEdge;
pub use resource::ProtectedResource;
pub(crate) use scopes::ScopeRequirement;
pub use scopes::{CallerScopes, Scopes};

use crate::McpConfig;

impl McpConfig {
    /// Make the endpoint an OAuth 2.1 protected resource: serve `resource`'s metadata and name
    /// it in every 401 for the endpoint. See [`oauth`](crate::oauth).
    ///
    /// The adapters serve the metadata outside the host's auth: mcp-actix on its own; with
    /// mcp-axum, end the app with `.with_oauth_edge(&resource)` after the auth layer.
    pub fn oauth(mut self, resource: ProtectedResource) -> Self {
        self.oauth.resource = Some(resource);
        self
    }

    /// How the mount reads the scopes of a request's caller; turns on per-tool scope checks and
    /// per-caller `tools/list`. A request it finds no credentials on is answered 401.
    pub fn caller_scopes(mut self, reader: CallerScopes) -> Self {
        self.oauth.caller_scopes = Some(reader);
        self
    }

    /// List every tool to every caller, including the ones its scopes do not allow calling
    /// (calls are still refused with 403). Default: a caller sees what it may call.
    pub fn list_all_tools(mut self) -> Self {
        self.oauth.list_all_tools = true;
        self
    }

    /// The OAuth resource, when [`oauth`](Self::oauth) set one.
    pub fn protected_resource(&self) -> Option<&ProtectedResource> {
        self.oauth.resource.as_ref()
    }
}
