//! Choosing what a mount exposes, and as what: filters, route maps, hooks and the `x-mcp`
//! OpenAPI extension.
//!
//! Every operation of the document goes through these steps, in order; the first that decides
//! wins:
//!
//! 1. **The MCP endpoint itself** is never exposed.
//! 2. **Deprecated** operations are hidden unless [`McpConfig::include_deprecated`] is set.
//! 3. **Filters** ([`McpConfig::include_tags`], [`exclude_paths`](crate::McpConfig::exclude_paths), …,
//!    or a whole [`OperationFilter`] with [`McpConfig::operation_filter`]): an operation is
//!    exposed when it matches *every* include kind that was given and *no* exclude. Excludes win.
//! 4. **Hooks** ([`McpConfig::map_operations`]), in the order they were added: the first that
//!    returns `Some(mapping)` decides.
//! 5. **`x-mcp`** on the operation (`"hidden": true` or `"kind"`).
//! 6. **Route maps** ([`McpConfig::route_map`]), in the order they were added: the first
//!    [`RouteMap`] that matches decides.
//! 7. Otherwise the operation is a **tool**.
//!
//! Every operation left out on the way is reported as a [`ConversionWarning`] (in
//! `McpService::warnings()` and [`McpConfig::preview`]); choices you made in the configuration are
//! logged at `debug` level, everything else at `warn`.
//!
//! Steps 4 to 6 each end in an [`OperationMapping`]: expose the operation as a [`McpKind`], or
//! leave it out ([`OperationMapping::Exclude`], [`RouteMap::exclude`], `x-mcp` `"kind":
//! "exclude"` or `"hidden": true`).
//!
//! This file holds the steps (`Exposure::decide`); the pieces they read have a file each:
//! `kind.rs`, `operation.rs`, `filter.rs` (with `pattern.rs`), `route_map.rs` and `x_mcp.rs`.
//!
//! # Resources
//!
//! [`McpKind::Resource`] and [`McpKind::ResourceTemplate`] expose a `GET` operation through
//! `resources/read` instead of `tools/call`. An operation with path parameters becomes a resource
//! template (RFC 6570, `resource://tickets/tickets/{ticket_id}`, optional query parameters as
//! `{?limit,offset}`), one without a plain resource (`resource://tickets/reports/daily`); the two
//! kinds are interchangeable in that respect. URIs are `resource://<server name>/<path>`, where the
//! server name is lower-cased with anything but `a-z`, `0-9` and `-` turned into `-`; change the
//! base with [`McpConfig::resource_uri_base`].
//!
//! An operation that cannot be read through a URI — not a `GET`, or with a required query,
//! header, cookie or body parameter — stays a tool, with a [`ConversionWarning`] saying so.
//!
//! # The `x-mcp` extension
//!
//! An operation can carry its own MCP settings under `x-mcp`; with utoipa,
//! `#[utoipa::path(get, path = "/t", extensions(("x-mcp" = json!({"name": "list"}))))]`:
//!
//! ```json
//! "x-mcp": {
//!   "name": "list_tickets",        // the tool or resource name (instead of the operationId)
//!   "title": "List tickets",       // display title (instead of the summary)
//!   "hidden": true,                // leave the operation out (same as "kind": "exclude")
//!   "kind": "resource",            // "tool" | "resource" | "resource_template" | "exclude"
//!   "annotations": {               // tool hints, each overriding the one derived from the method
//!     "readOnlyHint": true, "destructiveHint": false,
//!     "idempotentHint": true, "openWorldHint": false
//!   },
//!   "headers": {                   // arguments mirrored into Mcp-Param-* headers (SEP-2243)
//!     "region": "Region"           // argument name -> header name (here Mcp-Param-Region)
//!   }
//! }
//! ```
//!
//! A value of the wrong type is ignored with a [`ConversionWarning`]. `headers` names arguments
//! of the tool (as its `inputSchema` lists them) of type string, integer or boolean; 2026-07-28
//! clients then send each one in an `Mcp-Param-{name}` header too, and a call whose header is
//! missing or differs from the argument is refused (HTTP 400, JSON-RPC `-32020`). An entry that
//! names no such argument, or whose header name is not a token or used twice, is ignored with a
//! [`ConversionWarning`].
//! [`McpConfig::rename_operation`] wins over `x-mcp.name`.
//!
//! [`McpConfig::include_deprecated`]: crate::McpConfig::include_deprecated
//! [`McpConfig::include_tags`]: crate::McpConfig::include_tags
//! [`McpConfig::operation_filter`]: crate::McpConfig::operation_filter
//! [`McpConfig::map_operations`]: crate::McpConfig::map_operations
//! [`McpConfig::route_map`]: crate::McpConfig::route_map
//! [`McpConfig::resource_uri_base`]: crate::McpConfig::resource_uri_base
//! [`McpConfig::rename_operation`]: crate::McpConfig::rename_operation
//! [`McpConfig::preview`]: crate::McpConfig::preview
//! [`ConversionWarning`]: crate::ConversionWarning

mod filter;
mod kind;
mod operation;
mod pattern;
mod route_map;
mod x_mcp;

use std::{collections::HashMap, fmt, sync::Arc};

pub use filter::OperationFilter;
pub use kind::{McpKind, OperationMapping};
pub use operation::OperationInfo;
pub use route_map::RouteMap;
pub(crate) use x_mcp::XMcp;

/// A closure that may decide an operation's mapping; `None` falls through.
pub(crate) type Hook = Arc<dyn Fn(&OperationInfo) -> Option<OperationMapping> + Send + Sync>;

/// The exposure settings of one `McpConfig`.
#[derive(Clone, Default)]
pub(crate) struct Exposure {
    pub(crate) filter: OperationFilter,
    pub(crate) route_maps: Vec<RouteMap>,
    pub(crate) hooks: Vec<Hook>,
    pub(crate) renames: HashMap<String, String>,
    pub(crate) include_deprecated: bool,
    pub(crate) describe_responses: bool,
    pub(crate) resource_uri_base: Option<String>,
}

impl fmt::Debug for Exposure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exposure")
            .field("filter", &self.filter)
            .field("route_maps", &self.route_maps)
            .field("hooks", &self.hooks.len())
            .field("renames", &self.renames)
            .field("include_deprecated", &self.include_deprecated)
            .field("describe_responses", &self.describe_responses)
            .field("resource_uri_base", &self.resource_uri_base)
            .finish()
    }
}

/// Why an operation got its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Left out: the reason, and whether it was a configuration choice (logged at debug).
    Hidden { reason: String, chosen: bool },
    /// Exposed as this kind; `by` names the setting that asked for it.
    Exposed { kind: McpKind, by: &'static str },
}

impl Exposure {
    /// Steps 2–7 of the module documentation.
    pub(crate) fn decide(&self, info: &OperationInfo, x_mcp: &XMcp) -> Decision {
        if info.deprecated && !self.include_deprecated {
            return Decision::Hidden {
                reason: "deprecated operations are not exposed (see McpConfig::include_deprecated)"
                    .into(),
                chosen: true,
            };
        }
        if let Some(reason) = self.filter.rejection(info) {
            return Decision::Hidden {
                reason,
                chosen: true,
            };
        }
        let by_setting = |mapping: OperationMapping, by: &'static str| match mapping {
            OperationMapping::Exclude => Decision::Hidden {
                reason: format!("excluded by {by}"),
                chosen: true,
            },
            OperationMapping::Expose(kind) => Decision::Exposed { kind, by },
        };
        if let Some(mapping) = self.hooks.iter().find_map(|hook| hook(info)) {
            return by_setting(mapping, "map_operations");
        }
        if x_mcp.hidden {
            return by_setting(OperationMapping::Exclude, "x-mcp.hidden");
        }
        if let Some(mapping) = x_mcp.kind {
            return by_setting(mapping, "x-mcp.kind");
        }
        if let Some(rule) = self.route_maps.iter().find(|rule| rule.matches(info)) {
            return by_setting(rule.mapping(), "route_map");
        }
        Decision::Exposed {
            kind: McpKind::Tool,
            by: "default",
        }
    }

    /// The name asked for by `rename_operation` or `x-mcp.name`.
    pub(crate) fn name_for<'a>(&'a self, info: &OperationInfo, x_mcp: &'a XMcp) -> Option<&'a str> {
        info.operation_id
            .as_ref()
            .and_then(|id| self.renames.get(id))
            .or(x_mcp.name.as_ref())
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests;
