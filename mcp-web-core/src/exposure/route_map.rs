//! [`RouteMap`]: rules that map the operations they match to a kind, or leave them out (step 6
//! of the [exposure steps](super)).

use http::Method;

use super::{
    kind::{McpKind, OperationMapping},
    operation::{OperationInfo, methods, strings},
    pattern::PathPattern,
};

/// A rule that maps matching operations to a [`McpKind`] ([`to`](Self::to)) or leaves them out
/// ([`exclude`](Self::exclude)); see [`McpConfig::route_map`].
///
/// A rule matches when every criterion it was given matches (any of its methods, any of its
/// patterns, any of its tags, any of its operation ids); a rule without criteria matches
/// everything. Without `to` or `exclude`, a rule maps to [`McpKind::Tool`].
///
/// ```
/// use http::Method;
/// use mcp_web_core::{McpKind, OperationInfo, OperationMapping, RouteMap};
///
/// let reports = RouteMap::new()
///     .methods([Method::GET])
///     .pattern("/reports/**")
///     .to(McpKind::Resource);
/// assert!(reports.matches(&OperationInfo::new(Method::GET, "/reports/daily")));
/// assert!(!reports.matches(&OperationInfo::new(Method::POST, "/reports/daily")));
/// assert_eq!(reports.mapping(), OperationMapping::Expose(McpKind::Resource));
///
/// let admin = RouteMap::new().pattern("/admin/**").exclude();
/// assert_eq!(admin.mapping(), OperationMapping::Exclude);
/// ```
///
/// [`McpConfig::route_map`]: crate::McpConfig::route_map
#[derive(Debug, Clone)]
pub struct RouteMap {
    methods: Vec<Method>,
    patterns: Vec<PathPattern>,
    tags: Vec<String>,
    operations: Vec<String>,
    mapping: OperationMapping,
}

impl Default for RouteMap {
    fn default() -> Self {
        Self::new()
    }
}

impl RouteMap {
    /// A rule that matches every operation and maps it to a tool.
    pub fn new() -> Self {
        Self {
            methods: Vec::new(),
            patterns: Vec::new(),
            tags: Vec::new(),
            operations: Vec::new(),
            mapping: OperationMapping::Expose(McpKind::Tool),
        }
    }

    /// Match only these methods (`Method::GET` or `"get"`).
    pub fn methods<I, M>(mut self, methods: I) -> Self
    where
        I: IntoIterator<Item = M>,
        M: AsRef<str>,
    {
        self.methods.extend(self::methods(methods));
        self
    }

    /// Match only paths matching this pattern (or another given pattern); syntax as
    /// [`OperationFilter::include_paths`](super::OperationFilter::include_paths).
    pub fn pattern(mut self, pattern: impl AsRef<str>) -> Self {
        self.patterns.push(PathPattern::new(pattern.as_ref()));
        self
    }

    /// Match only operations with at least one of these tags.
    pub fn tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.tags.extend(strings(tags));
        self
    }

    /// Match only operations with one of these `operationId`s.
    pub fn operations<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.operations.extend(strings(ids));
        self
    }

    /// Map matching operations to `kind`.
    pub fn to(mut self, kind: McpKind) -> Self {
        self.mapping = OperationMapping::Expose(kind);
        self
    }

    /// Leave matching operations out: they are neither tools nor resources.
    pub fn exclude(mut self) -> Self {
        self.mapping = OperationMapping::Exclude;
        self
    }

    /// What matching operations become.
    pub fn mapping(&self) -> OperationMapping {
        self.mapping
    }

    /// Whether this rule applies to `operation`.
    pub fn matches(&self, operation: &OperationInfo) -> bool {
        (self.methods.is_empty() || self.methods.contains(&operation.method))
            && (self.patterns.is_empty()
                || self.patterns.iter().any(|p| p.matches(&operation.path)))
            && (self.tags.is_empty() || operation.tags.iter().any(|t| self.tags.contains(t)))
            && (self.operations.is_empty()
                || operation
                    .operation_id
                    .as_ref()
                    .is_some_and(|id| self.operations.contains(id)))
    }
}
