//! [`McpKind`], what an exposed operation becomes, and [`OperationMapping`], what hooks,
//! `x-mcp` and route maps decide: a kind, or leaving the operation out.

use std::fmt;

/// What an operation becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum McpKind {
    /// A tool, called with `tools/call` (the default).
    Tool,
    /// A resource at a fixed URI, read with `resources/read`. An operation with path parameters
    /// becomes a [`ResourceTemplate`](Self::ResourceTemplate) instead.
    Resource,
    /// A resource template whose URI variables are the operation's path (and optional query)
    /// parameters. An operation without path parameters becomes a plain
    /// [`Resource`](Self::Resource) instead.
    ResourceTemplate,
}

impl McpKind {
    /// The kind named as in `x-mcp.kind`: `tool`, `resource` or `resource_template`. (`exclude`,
    /// also accepted there, is not a kind but [`OperationMapping::Exclude`].)
    ///
    /// ```
    /// use mcp_web_core::McpKind;
    ///
    /// assert_eq!(McpKind::parse("resource_template"), Some(McpKind::ResourceTemplate));
    /// assert_eq!(McpKind::parse("widget"), None);
    /// assert_eq!(McpKind::parse("exclude"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "tool" => Some(Self::Tool),
            "resource" => Some(Self::Resource),
            "resource_template" | "resourceTemplate" => Some(Self::ResourceTemplate),
            _ => None,
        }
    }

    /// The name used by `x-mcp.kind` (`"resource_template"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tool => "tool",
            Self::Resource => "resource",
            Self::ResourceTemplate => "resource_template",
        }
    }
}

impl fmt::Display for McpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a hook, `x-mcp` or a route map decides for an operation: expose it as a kind, or leave it
/// out.
///
/// [`McpConfig::map_operations`] hooks return `Option<OperationMapping>` (or `Option<McpKind>`,
/// which converts); [`RouteMap::to`] and [`RouteMap::exclude`] set a rule's.
///
/// [`McpConfig::map_operations`]: crate::McpConfig::map_operations
/// [`RouteMap::to`]: super::RouteMap::to
/// [`RouteMap::exclude`]: super::RouteMap::exclude
///
/// ```
/// use mcp_web_core::{McpKind, OperationMapping};
///
/// assert_eq!(OperationMapping::from(McpKind::Resource), OperationMapping::Expose(McpKind::Resource));
/// assert_ne!(OperationMapping::Exclude, OperationMapping::Expose(McpKind::Tool));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperationMapping {
    /// Expose the operation as this kind.
    Expose(McpKind),
    /// Leave the operation out: it is neither a tool nor a resource, and the warnings say which
    /// setting left it out.
    Exclude,
}

impl From<McpKind> for OperationMapping {
    fn from(kind: McpKind) -> Self {
        Self::Expose(kind)
    }
}
