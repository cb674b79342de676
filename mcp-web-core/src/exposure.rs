//! Choosing what a mount exposes, and as what: filters, route maps, hooks and the `x-mcp`
//! OpenAPI extension.
//!
//! Every operation of the document goes through these steps, in order; the first that decides
//! wins:
//!
//! 1. **The MCP endpoint itself** is never exposed.
//! 2. **Deprecated** operations are hidden unless [`McpConfig::include_deprecated`] is set.
//! 3. **Filters** ([`McpConfig::include_tags`], [`exclude_paths`](crate::McpConfig::exclude_paths), …,
//!    see [`OperationFilter`]): an operation is exposed when it matches *every* include kind that
//!    was given and *no* exclude. Excludes win.
//! 4. **Hooks** ([`McpConfig::map_operations`]), in the order they were added: the first that
//!    returns `Some(kind)` decides.
//! 5. **`x-mcp`** on the operation (`"hidden": true` or `"kind"`).
//! 6. **Route maps** ([`McpConfig::route_map`]), in the order they were added: the first
//!    [`RouteMap`] that matches decides.
//! 7. Otherwise the operation is a **tool**.
//!
//! Every operation left out on the way is reported as a [`ConversionWarning`] (in
//! `McpService::warnings()` and [`McpConfig::preview`]); choices you made in the configuration are
//! logged at `debug` level, everything else at `warn`.
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
//!   }
//! }
//! ```
//!
//! A value of the wrong type is ignored with a [`ConversionWarning`].
//! [`McpConfig::rename_operation`] wins over `x-mcp.name`.
//!
//! [`McpConfig::include_deprecated`]: crate::McpConfig::include_deprecated
//! [`McpConfig::include_tags`]: crate::McpConfig::include_tags
//! [`McpConfig::map_operations`]: crate::McpConfig::map_operations
//! [`McpConfig::route_map`]: crate::McpConfig::route_map
//! [`McpConfig::resource_uri_base`]: crate::McpConfig::resource_uri_base
//! [`McpConfig::rename_operation`]: crate::McpConfig::rename_operation
//! [`McpConfig::preview`]: crate::McpConfig::preview
//! [`ConversionWarning`]: crate::ConversionWarning

use std::{collections::HashMap, fmt, sync::Arc};

use http::Method;
use serde_json::Value;

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
    /// Not exposed at all.
    Exclude,
}

impl McpKind {
    /// The kind named as in `x-mcp.kind`: `tool`, `resource`, `resource_template` or `exclude`.
    ///
    /// ```
    /// use mcp_web_core::McpKind;
    ///
    /// assert_eq!(McpKind::parse("resource_template"), Some(McpKind::ResourceTemplate));
    /// assert_eq!(McpKind::parse("widget"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "tool" => Some(Self::Tool),
            "resource" => Some(Self::Resource),
            "resource_template" | "resourceTemplate" => Some(Self::ResourceTemplate),
            "exclude" => Some(Self::Exclude),
            _ => None,
        }
    }

    /// The name used by `x-mcp.kind` (`"resource_template"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tool => "tool",
            Self::Resource => "resource",
            Self::ResourceTemplate => "resource_template",
            Self::Exclude => "exclude",
        }
    }
}

impl fmt::Display for McpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What filters, route maps and hooks see of one operation.
///
/// ```
/// use http::Method;
/// use mcp_web_core::OperationInfo;
///
/// let info = OperationInfo::new(Method::GET, "/reports/{day}")
///     .with_operation_id("get_report")
///     .with_tags(["reports"]);
/// assert_eq!(info.tags, ["reports"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationInfo {
    /// The `operationId` as documented, if any.
    pub operation_id: Option<String>,
    /// The HTTP method.
    pub method: Method,
    /// The path template as documented (`/tickets/{ticket_id}`).
    pub path: String,
    /// The operation's tags.
    pub tags: Vec<String>,
    /// The operation's summary, if any.
    pub summary: Option<String>,
    /// Whether the operation is marked deprecated.
    pub deprecated: bool,
}

impl OperationInfo {
    /// An operation without id, tags or summary.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            operation_id: None,
            method,
            path: path.into(),
            tags: Vec::new(),
            summary: None,
            deprecated: false,
        }
    }

    /// With this `operationId`.
    pub fn with_operation_id(mut self, id: impl Into<String>) -> Self {
        self.operation_id = Some(id.into());
        self
    }

    /// With these tags.
    pub fn with_tags<I, T>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// With this summary.
    pub fn with_summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = Some(summary.into());
        self
    }

    /// The view of an OpenAPI operation object.
    pub(crate) fn from_operation(method: Method, path: &str, operation: &Value) -> Self {
        let text = |key: &str| operation.get(key).and_then(Value::as_str).map(String::from);
        Self {
            operation_id: text("operationId"),
            method,
            path: path.to_string(),
            tags: operation
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect(),
            summary: text("summary"),
            deprecated: operation.get("deprecated").and_then(Value::as_bool) == Some(true),
        }
    }

    /// The label warnings use: the `operationId`, or `METHOD path`.
    pub(crate) fn label(&self) -> String {
        match &self.operation_id {
            Some(id) => id.clone(),
            None => format!("{} {}", self.method, self.path),
        }
    }
}

/// A path template glob: `*` is one segment (or part of one: `/files/*.csv`), `**` any number
/// of segments (none included), anything else must be equal. `{param}` segments are compared as
/// written, so `/tickets/{ticket_id}` matches that template exactly and `/tickets/*` matches it
/// too. Trailing slashes do not matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PathPattern {
    source: String,
    segments: Vec<String>,
}

impl PathPattern {
    pub(crate) fn new(pattern: &str) -> Self {
        Self {
            source: pattern.to_string(),
            segments: segments(pattern).map(String::from).collect(),
        }
    }

    pub(crate) fn matches(&self, path: &str) -> bool {
        let path: Vec<&str> = segments(path).collect();
        let pattern: Vec<&str> = self.segments.iter().map(String::as_str).collect();
        match_segments(&pattern, &path)
    }
}

impl fmt::Display for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

fn match_segments(pattern: &[&str], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|skip| match_segments(rest, &path[skip..])),
        Some((first, rest)) => match path.split_first() {
            Some((segment, path_rest)) => {
                match_segment(first.as_bytes(), segment.as_bytes())
                    && match_segments(rest, path_rest)
            }
            None => false,
        },
    }
}

/// `*` within one segment matches any run of characters.
fn match_segment(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|skip| match_segment(rest, &text[skip..])),
        Some((c, rest)) => text.first() == Some(c) && match_segment(rest, &text[1..]),
    }
}

fn methods<I, M>(methods: I) -> impl Iterator<Item = Method>
where
    I: IntoIterator<Item = M>,
    M: AsRef<str>,
{
    methods.into_iter().filter_map(|method| {
        let upper = method.as_ref().to_ascii_uppercase();
        Method::from_bytes(upper.as_bytes())
            .map_err(|_| tracing::warn!(method = method.as_ref(), "not an HTTP method; ignored"))
            .ok()
    })
}

fn strings<I, S>(items: I) -> impl Iterator<Item = String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    items.into_iter().map(Into::into)
}

fn quoted<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|item| format!("\"{item}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which operations are exposed at all, by operation id, tag, method and path.
///
/// An operation passes when it matches *every* include kind that was given (an operation id in
/// [`include_operations`](Self::include_operations) *and* a tag in
/// [`include_tags`](Self::include_tags), …) and *none* of the excludes. Excludes win. Repeated
/// calls of one method add to its list. `McpConfig` has the same methods and passes them here.
///
/// ```
/// use http::Method;
/// use mcp_web_core::{OperationFilter, OperationInfo};
///
/// let filter = OperationFilter::new()
///     .include_paths(["/tickets/**"])
///     .exclude_methods(["DELETE"]);
/// let get = OperationInfo::new(Method::GET, "/tickets/{id}");
/// let delete = OperationInfo::new(Method::DELETE, "/tickets/{id}");
/// let other = OperationInfo::new(Method::GET, "/users");
/// assert!(filter.allows(&get));
/// assert!(!filter.allows(&delete));
/// assert!(!filter.allows(&other));
/// ```
#[derive(Debug, Clone, Default)]
pub struct OperationFilter {
    include_operations: Vec<String>,
    exclude_operations: Vec<String>,
    include_tags: Vec<String>,
    exclude_tags: Vec<String>,
    include_methods: Vec<Method>,
    exclude_methods: Vec<Method>,
    include_paths: Vec<PathPattern>,
    exclude_paths: Vec<PathPattern>,
}

impl OperationFilter {
    /// A filter that lets every operation through.
    pub fn new() -> Self {
        Self::default()
    }

    /// Expose only operations with one of these `operationId`s.
    pub fn include_operations<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.include_operations.extend(strings(ids));
        self
    }

    /// Never expose operations with one of these `operationId`s.
    pub fn exclude_operations<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.exclude_operations.extend(strings(ids));
        self
    }

    /// Expose only operations with at least one of these tags.
    pub fn include_tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.include_tags.extend(strings(tags));
        self
    }

    /// Never expose operations with any of these tags.
    pub fn exclude_tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.exclude_tags.extend(strings(tags));
        self
    }

    /// Expose only operations with one of these methods (`Method::GET` or `"get"`; any case).
    pub fn include_methods<I, M>(mut self, methods: I) -> Self
    where
        I: IntoIterator<Item = M>,
        M: AsRef<str>,
    {
        self.include_methods.extend(self::methods(methods));
        self
    }

    /// Never expose operations with one of these methods.
    pub fn exclude_methods<I, M>(mut self, methods: I) -> Self
    where
        I: IntoIterator<Item = M>,
        M: AsRef<str>,
    {
        self.exclude_methods.extend(self::methods(methods));
        self
    }

    /// Expose only operations whose path template matches one of these patterns: `/admin/*`
    /// is one more segment, `/admin/**` any depth (including `/admin`), anything else exact.
    pub fn include_paths<I, S>(mut self, patterns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.include_paths
            .extend(patterns.into_iter().map(|p| PathPattern::new(p.as_ref())));
        self
    }

    /// Never expose operations whose path template matches one of these patterns (same syntax as
    /// [`include_paths`](Self::include_paths)).
    pub fn exclude_paths<I, S>(mut self, patterns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.exclude_paths
            .extend(patterns.into_iter().map(|p| PathPattern::new(p.as_ref())));
        self
    }

    /// Whether `operation` passes the filter.
    pub fn allows(&self, operation: &OperationInfo) -> bool {
        self.rejection(operation).is_none()
    }

    /// Why `operation` does not pass, naming the setting that left it out.
    pub(crate) fn rejection(&self, op: &OperationInfo) -> Option<String> {
        let id = op.operation_id.as_deref();
        let has_tag = |tags: &[String]| op.tags.iter().any(|t| tags.contains(t));
        // Excludes first: they win, and their reason is the more useful one.
        if id.is_some_and(|id| self.exclude_operations.iter().any(|e| e == id)) {
            return Some("excluded by exclude_operations".into());
        }
        if has_tag(&self.exclude_tags) {
            return Some(format!(
                "excluded by exclude_tags([{}])",
                quoted(&self.exclude_tags)
            ));
        }
        if self.exclude_methods.contains(&op.method) {
            return Some(format!(
                "excluded by exclude_methods([{}])",
                quoted(&self.exclude_methods)
            ));
        }
        if let Some(pattern) = self.exclude_paths.iter().find(|p| p.matches(&op.path)) {
            return Some(format!("excluded by exclude_paths([\"{pattern}\"])"));
        }
        if !self.include_operations.is_empty()
            && !id.is_some_and(|id| self.include_operations.iter().any(|i| i == id))
        {
            return Some("not in include_operations".into());
        }
        if !self.include_tags.is_empty() && !has_tag(&self.include_tags) {
            return Some(format!(
                "not tagged with any of include_tags([{}])",
                quoted(&self.include_tags)
            ));
        }
        if !self.include_methods.is_empty() && !self.include_methods.contains(&op.method) {
            return Some(format!(
                "method not in include_methods([{}])",
                quoted(&self.include_methods)
            ));
        }
        if !self.include_paths.is_empty() && !self.include_paths.iter().any(|p| p.matches(&op.path))
        {
            return Some(format!(
                "path not in include_paths([{}])",
                quoted(&self.include_paths)
            ));
        }
        None
    }
}

/// A rule that maps matching operations to a [`McpKind`]; see [`McpConfig::route_map`].
///
/// A rule matches when every criterion it was given matches (any of its methods, any of its
/// patterns, any of its tags, any of its operation ids); a rule without criteria matches
/// everything. Without [`to`](Self::to), a rule maps to [`McpKind::Tool`].
///
/// ```
/// use http::Method;
/// use mcp_web_core::{McpKind, OperationInfo, RouteMap};
///
/// let reports = RouteMap::new()
///     .methods([Method::GET])
///     .pattern("/reports/**")
///     .to(McpKind::Resource);
/// assert!(reports.matches(&OperationInfo::new(Method::GET, "/reports/daily")));
/// assert!(!reports.matches(&OperationInfo::new(Method::POST, "/reports/daily")));
/// assert_eq!(reports.kind(), McpKind::Resource);
/// ```
///
/// [`McpConfig::route_map`]: crate::McpConfig::route_map
#[derive(Debug, Clone)]
pub struct RouteMap {
    methods: Vec<Method>,
    patterns: Vec<PathPattern>,
    tags: Vec<String>,
    operations: Vec<String>,
    kind: McpKind,
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
            kind: McpKind::Tool,
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
    /// [`OperationFilter::include_paths`].
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
        self.kind = kind;
        self
    }

    /// The kind matching operations get.
    pub fn kind(&self) -> McpKind {
        self.kind
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

/// A closure that may decide an operation's kind; `None` falls through.
pub(crate) type Hook = Arc<dyn Fn(&OperationInfo) -> Option<McpKind> + Send + Sync>;

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
        let by_setting = |kind: McpKind, by: &'static str| match kind {
            McpKind::Exclude => Decision::Hidden {
                reason: format!("excluded by {by}"),
                chosen: true,
            },
            kind => Decision::Exposed { kind, by },
        };
        if let Some(kind) = self.hooks.iter().find_map(|hook| hook(info)) {
            return by_setting(kind, "map_operations");
        }
        if x_mcp.hidden {
            return by_setting(McpKind::Exclude, "x-mcp.hidden");
        }
        if let Some(kind) = x_mcp.kind {
            return by_setting(kind, "x-mcp.kind");
        }
        if let Some(rule) = self.route_maps.iter().find(|rule| rule.matches(info)) {
            return by_setting(rule.kind, "route_map");
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

/// The `x-mcp` extension of one operation, as far as it is well-formed.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct XMcp {
    pub(crate) name: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) hidden: bool,
    pub(crate) kind: Option<McpKind>,
    pub(crate) read_only: Option<bool>,
    pub(crate) destructive: Option<bool>,
    pub(crate) idempotent: Option<bool>,
    pub(crate) open_world: Option<bool>,
}

impl XMcp {
    /// Read `operation["x-mcp"]`; malformed parts are reported through `warn` and ignored.
    pub(crate) fn parse(operation: &Value, warn: &mut impl FnMut(String)) -> Self {
        let mut parsed = Self::default();
        let Some(value) = operation.get("x-mcp") else {
            return parsed;
        };
        let Some(object) = value.as_object() else {
            warn("x-mcp is not an object; ignored".into());
            return parsed;
        };
        let text = |key: &str, warn: &mut dyn FnMut(String)| match object.get(key) {
            None => None,
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(_) => {
                warn(format!("x-mcp.{key} is not a non-empty string; ignored"));
                None
            }
        };
        parsed.name = text("name", warn);
        parsed.title = text("title", warn);
        match object.get("hidden") {
            None => {}
            Some(Value::Bool(hidden)) => parsed.hidden = *hidden,
            Some(_) => warn("x-mcp.hidden is not a boolean; ignored".into()),
        }
        if let Some(kind) = text("kind", warn) {
            parsed.kind = McpKind::parse(&kind);
            if parsed.kind.is_none() {
                warn(format!(
                    "x-mcp.kind \"{kind}\" is not one of tool, resource, resource_template, exclude; ignored"
                ));
            }
        }
        match object.get("annotations") {
            None => {}
            Some(Value::Object(annotations)) => {
                for (key, value) in annotations {
                    let slot = match key.as_str() {
                        "readOnlyHint" => &mut parsed.read_only,
                        "destructiveHint" => &mut parsed.destructive,
                        "idempotentHint" => &mut parsed.idempotent,
                        "openWorldHint" => &mut parsed.open_world,
                        other => {
                            warn(format!(
                                "x-mcp.annotations.{other} is not a known hint; ignored"
                            ));
                            continue;
                        }
                    };
                    match value {
                        Value::Bool(b) => *slot = Some(*b),
                        _ => warn(format!("x-mcp.annotations.{key} is not a boolean; ignored")),
                    }
                }
            }
            Some(_) => warn("x-mcp.annotations is not an object; ignored".into()),
        }
        for key in object.keys() {
            if !matches!(
                key.as_str(),
                "name" | "title" | "hidden" | "kind" | "annotations"
            ) {
                warn(format!("x-mcp.{key} is not a known setting; ignored"));
            }
        }
        parsed
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn op(method: Method, path: &str, id: &str, tags: &[&str]) -> OperationInfo {
        OperationInfo::new(method, path)
            .with_operation_id(id)
            .with_tags(tags.iter().copied())
    }

    #[test]
    fn path_globs_match_one_segment_any_depth_or_exactly() {
        let one = PathPattern::new("/admin/*");
        assert!(one.matches("/admin/users"));
        assert!(one.matches("/admin/{id}"));
        assert!(!one.matches("/admin"));
        assert!(!one.matches("/admin/users/1"));

        let deep = PathPattern::new("/admin/**");
        assert!(deep.matches("/admin"));
        assert!(deep.matches("/admin/users"));
        assert!(deep.matches("/admin/users/{id}/roles"));
        assert!(!deep.matches("/administrators"));
        assert!(!deep.matches("/public/admin"));

        let exact = PathPattern::new("/tickets/{ticket_id}");
        assert!(exact.matches("/tickets/{ticket_id}"));
        assert!(exact.matches("/tickets/{ticket_id}/"));
        assert!(!exact.matches("/tickets/{id}"));
        assert!(!exact.matches("/tickets"));

        let middle = PathPattern::new("/**/export");
        assert!(middle.matches("/export"));
        assert!(middle.matches("/a/b/export"));
        assert!(!middle.matches("/a/b/export/x"));

        let partial = PathPattern::new("/files/*.csv");
        assert!(partial.matches("/files/report.csv"));
        assert!(!partial.matches("/files/report.json"));
        assert!(PathPattern::new("/**").matches("/"));
    }

    #[test]
    fn an_operation_must_match_every_include_kind_and_no_exclude() {
        let filter = OperationFilter::new()
            .include_tags(["public"])
            .include_methods(["get", "post"])
            .exclude_paths(["/public/secret/**"]);
        assert!(filter.allows(&op(Method::GET, "/public/a", "a", &["public"])));
        assert!(filter.allows(&op(Method::POST, "/x", "x", &["other", "public"])));
        // Tagged but the wrong method: both include kinds must match.
        assert!(!filter.allows(&op(Method::DELETE, "/public/a", "d", &["public"])));
        // Right method but untagged.
        assert!(!filter.allows(&op(Method::GET, "/public/a", "a", &[])));
        // Matches every include, but an exclude wins.
        let secret = op(Method::GET, "/public/secret/key", "k", &["public"]);
        assert_eq!(
            filter.rejection(&secret).unwrap(),
            "excluded by exclude_paths([\"/public/secret/**\"])"
        );
    }

    #[test]
    fn excludes_win_over_includes_of_the_same_operation() {
        let filter = OperationFilter::new()
            .include_operations(["a", "b"])
            .exclude_operations(["b"])
            .exclude_tags(["internal"]);
        assert!(filter.allows(&op(Method::GET, "/a", "a", &[])));
        assert!(!filter.allows(&op(Method::GET, "/b", "b", &[])));
        assert!(!filter.allows(&op(Method::GET, "/a", "a", &["internal"])));
        assert!(!filter.allows(&op(Method::GET, "/c", "c", &[])));
        // Without an operationId nothing is in include_operations.
        assert!(!filter.allows(&OperationInfo::new(Method::GET, "/a")));
        // Repeated calls add to the list.
        let filter = OperationFilter::new()
            .include_tags(["a"])
            .include_tags(["b"])
            .exclude_methods([Method::DELETE]);
        assert!(filter.allows(&op(Method::GET, "/", "x", &["b"])));
        assert!(!filter.allows(&op(Method::DELETE, "/", "x", &["b"])));
    }

    #[test]
    fn the_first_matching_route_map_wins_and_the_default_is_a_tool() {
        let exposure = Exposure {
            route_maps: vec![
                RouteMap::new()
                    .pattern("/reports/internal/**")
                    .to(McpKind::Exclude),
                RouteMap::new()
                    .methods([Method::GET])
                    .pattern("/reports/**")
                    .to(McpKind::Resource),
                RouteMap::new()
                    .tags(["lookup"])
                    .to(McpKind::ResourceTemplate),
            ],
            ..Exposure::default()
        };
        let none = XMcp::default();
        let decide = |info: OperationInfo| exposure.decide(&info, &none);
        assert_eq!(
            decide(op(Method::GET, "/reports/daily", "d", &["lookup"])),
            Decision::Exposed {
                kind: McpKind::Resource,
                by: "route_map"
            }
        );
        assert!(matches!(
            decide(op(Method::GET, "/reports/internal/x", "i", &[])),
            Decision::Hidden { chosen: true, .. }
        ));
        assert_eq!(
            decide(op(Method::POST, "/reports/daily", "p", &["lookup"])),
            Decision::Exposed {
                kind: McpKind::ResourceTemplate,
                by: "route_map"
            }
        );
        assert_eq!(
            decide(op(Method::POST, "/reports/daily", "p", &[])),
            Decision::Exposed {
                kind: McpKind::Tool,
                by: "default"
            }
        );
    }

    #[test]
    fn hooks_come_first_and_none_falls_through() {
        let exposure = Exposure {
            hooks: vec![
                Arc::new(|info: &OperationInfo| {
                    (info.operation_id.as_deref() == Some("special")).then_some(McpKind::Tool)
                }),
                Arc::new(|info: &OperationInfo| {
                    info.path.starts_with("/hidden").then_some(McpKind::Exclude)
                }),
            ],
            route_maps: vec![RouteMap::new().to(McpKind::Resource)],
            filter: OperationFilter::new().exclude_operations(["filtered"]),
            ..Exposure::default()
        };
        let none = XMcp::default();
        let kind = |info: OperationInfo| match exposure.decide(&info, &none) {
            Decision::Exposed { kind, by } => Some((kind, by)),
            Decision::Hidden { .. } => None,
        };
        assert_eq!(
            kind(op(Method::GET, "/x", "special", &[])),
            Some((McpKind::Tool, "map_operations"))
        );
        assert_eq!(kind(op(Method::GET, "/hidden/x", "h", &[])), None);
        assert_eq!(
            kind(op(Method::GET, "/x", "plain", &[])),
            Some((McpKind::Resource, "route_map"))
        );
        // Filters run before hooks: a hook cannot bring back a filtered operation.
        assert_eq!(kind(op(Method::GET, "/x", "filtered", &[])), None);
    }

    #[test]
    fn x_mcp_overrides_route_maps_but_not_hooks() {
        let mut warnings = Vec::new();
        let x_mcp = XMcp::parse(
            &json!({"x-mcp": {"kind": "tool", "name": "renamed", "title": "T",
                    "annotations": {"readOnlyHint": false, "openWorldHint": true}}}),
            &mut |w| warnings.push(w),
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(x_mcp.kind, Some(McpKind::Tool));
        assert_eq!(x_mcp.name.as_deref(), Some("renamed"));
        assert_eq!(x_mcp.read_only, Some(false));
        assert_eq!(x_mcp.open_world, Some(true));
        assert_eq!(x_mcp.destructive, None);

        let exposure = Exposure {
            route_maps: vec![RouteMap::new().to(McpKind::Resource)],
            ..Exposure::default()
        };
        let info = op(Method::GET, "/x", "x", &[]);
        assert_eq!(
            exposure.decide(&info, &x_mcp),
            Decision::Exposed {
                kind: McpKind::Tool,
                by: "x-mcp.kind"
            }
        );
        let hidden = XMcp {
            hidden: true,
            ..XMcp::default()
        };
        assert!(matches!(
            exposure.decide(&info, &hidden),
            Decision::Hidden { .. }
        ));
        let hooked = Exposure {
            hooks: vec![Arc::new(|_: &OperationInfo| Some(McpKind::Resource))],
            ..Exposure::default()
        };
        assert_eq!(
            hooked.decide(&info, &hidden),
            Decision::Exposed {
                kind: McpKind::Resource,
                by: "map_operations"
            }
        );
    }

    #[test]
    fn malformed_x_mcp_parts_are_reported_and_ignored() {
        let mut warnings = Vec::new();
        let x_mcp = XMcp::parse(
            &json!({"x-mcp": {"kind": "widget", "hidden": "yes", "name": 3,
                    "annotations": {"readOnlyHint": "no", "fastHint": true}, "colour": 1}}),
            &mut |w| warnings.push(w),
        );
        assert_eq!(x_mcp, XMcp::default());
        assert_eq!(warnings.len(), 6, "{warnings:?}");
        assert!(warnings.iter().any(|w| w.contains("x-mcp.kind \"widget\"")));
        let mut warnings = Vec::new();
        XMcp::parse(&json!({"x-mcp": true}), &mut |w| warnings.push(w));
        assert_eq!(warnings, ["x-mcp is not an object; ignored"]);
    }

    #[test]
    fn renames_win_over_x_mcp_names() {
        let mut exposure = Exposure::default();
        exposure.renames.insert("a".into(), "from_config".into());
        let x_mcp = XMcp {
            name: Some("from_document".into()),
            ..XMcp::default()
        };
        assert_eq!(
            exposure.name_for(&op(Method::GET, "/", "a", &[]), &x_mcp),
            Some("from_config")
        );
        assert_eq!(
            exposure.name_for(&op(Method::GET, "/", "b", &[]), &x_mcp),
            Some("from_document")
        );
    }

    #[test]
    fn deprecated_operations_are_hidden_unless_included() {
        let mut info = op(Method::GET, "/old", "old", &[]);
        info.deprecated = true;
        let none = XMcp::default();
        assert!(matches!(
            Exposure::default().decide(&info, &none),
            Decision::Hidden { .. }
        ));
        let exposure = Exposure {
            include_deprecated: true,
            ..Exposure::default()
        };
        assert!(matches!(
            exposure.decide(&info, &none),
            Decision::Exposed { .. }
        ));
    }

    /// A small document: tickets (list, read, create), a report, an admin route and an old one.
    fn document() -> Value {
        let ok = json!({"200": {"description": "The answer.",
                                "content": {"application/json": {"schema": {"type": "object"}}}}});
        json!({
            "openapi": "3.1.0", "info": {"title": "Help Desk", "version": "1"},
            "paths": {
                "/tickets": {
                    "get": {"operationId": "list_tickets", "tags": ["tickets"], "responses": ok,
                            "parameters": [{"name": "limit", "in": "query",
                                            "schema": {"type": "integer"}}]},
                    "post": {"operationId": "create_ticket", "tags": ["tickets"], "responses": ok,
                             "summary": "Create a ticket"}
                },
                "/tickets/{ticket_id}": {
                    "get": {"operationId": "get_ticket", "tags": ["tickets"], "responses": ok,
                            "summary": "Read a ticket",
                            "parameters": [{"name": "ticket_id", "in": "path", "required": true,
                                            "schema": {"type": "integer"}}]}
                },
                "/search": {
                    "get": {"operationId": "search", "responses": ok,
                            "parameters": [{"name": "q", "in": "query", "required": true,
                                            "schema": {"type": "string"}}]}
                },
                "/reports/daily": {
                    "get": {"operationId": "daily_report", "tags": ["reports"],
                            "responses": {"200": {"description": "CSV rows.",
                                                  "content": {"text/csv": {}}}}}
                },
                "/admin/reset": {"post": {"operationId": "reset", "tags": ["admin"], "responses": ok}},
                "/old": {"get": {"operationId": "old", "deprecated": true, "responses": ok}}
            }
        })
    }

    fn config() -> crate::McpConfig {
        crate::McpConfig::from_json(document())
    }

    fn names(items: &[Value], key: &str) -> Vec<String> {
        let mut names: Vec<String> = items
            .iter()
            .map(|item| item[key].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    }

    fn reasons(preview: &crate::Preview, operation: &str) -> Vec<String> {
        preview
            .warnings
            .iter()
            .filter(|w| w.operation == operation)
            .map(|w| w.reason.clone())
            .collect()
    }

    #[test]
    fn filters_leave_operations_out_of_the_catalog_with_a_reason() {
        let preview = config()
            .include_tags(["tickets", "admin"])
            .exclude_methods(["POST"])
            .preview()
            .unwrap();
        assert_eq!(
            names(&preview.tools, "name"),
            ["get_ticket", "list_tickets"]
        );
        assert_eq!(
            reasons(&preview, "reset"),
            ["excluded by exclude_methods([\"POST\"])"]
        );
        assert_eq!(
            reasons(&preview, "search"),
            ["not tagged with any of include_tags([\"tickets\", \"admin\"])"]
        );
        assert!(reasons(&preview, "old")[0].contains("deprecated"));

        let preview = config()
            .include_paths(["/tickets/*"])
            .include_deprecated()
            .preview()
            .unwrap();
        assert_eq!(names(&preview.tools, "name"), ["get_ticket"]);
        let preview = config()
            .include_deprecated()
            .exclude_paths(["/tickets/**", "/admin/*"])
            .exclude_operations(["search"])
            .preview()
            .unwrap();
        assert_eq!(names(&preview.tools, "name"), ["daily_report", "old"]);
    }

    #[test]
    fn route_maps_make_resources_and_templates_and_refuse_what_cannot_be_read() {
        let preview = config()
            .route_map(RouteMap::new().pattern("/admin/**").to(McpKind::Exclude))
            .route_map(RouteMap::new().to(McpKind::Resource))
            .preview()
            .unwrap();
        // POST and a required query parameter cannot be resources: they stay tools, with reasons.
        assert_eq!(names(&preview.tools, "name"), ["create_ticket", "search"]);
        assert_eq!(
            reasons(&preview, "create_ticket"),
            [
                "route_map maps it to a resource, but only GET operations can be resources, not POST; it is a tool instead"
            ]
        );
        assert!(reasons(&preview, "search")[0].contains("required query parameter 'q'"));
        assert_eq!(reasons(&preview, "reset"), ["excluded by route_map"]);

        assert_eq!(
            names(&preview.resources, "uri"),
            [
                "resource://help-desk/reports/daily",
                "resource://help-desk/tickets"
            ]
        );
        let daily = preview
            .resources
            .iter()
            .find(|r| r["name"] == "daily_report")
            .unwrap();
        assert_eq!(daily["mimeType"], "text/csv");
        assert_eq!(
            preview.resource_templates,
            [json!({
                "uriTemplate": "resource://help-desk/tickets/{ticket_id}",
                "name": "get_ticket",
                "title": "Read a ticket",
                "description": "Read a ticket",
                "mimeType": "application/json"
            })]
        );
    }

    #[test]
    fn resource_uris_resolve_to_typed_arguments() {
        let config = config()
            .route_map(
                RouteMap::new()
                    .methods(["GET"])
                    .to(McpKind::ResourceTemplate),
            )
            .resource_uri_base("desk://");
        let catalog = crate::catalog::build_catalog(&config, None).unwrap();
        let (operation, arguments) = catalog.resolve_resource("desk://tickets/42").unwrap();
        assert_eq!(operation.tool.name, "get_ticket");
        assert_eq!(Value::Object(arguments), json!({"ticket_id": 42}));
        // A fixed resource still takes its optional query parameters.
        let (operation, arguments) = catalog.resolve_resource("desk://tickets?limit=5").unwrap();
        assert_eq!(operation.tool.name, "list_tickets");
        assert_eq!(Value::Object(arguments), json!({"limit": 5}));
        assert!(catalog.resolve_resource("desk://tickets/42/x").is_none());
        assert!(
            catalog
                .resolve_resource("resource://help-desk/tickets")
                .is_none()
        );
        assert!(
            catalog.get("get_ticket").is_none(),
            "a resource is not a tool"
        );
    }

    #[test]
    fn x_mcp_renames_retitles_annotates_hides_and_maps() {
        let mut document = document();
        let paths = document["paths"].as_object_mut().unwrap();
        paths["/tickets"]["post"]["x-mcp"] = json!({
            "name": "open_ticket", "title": "Open a ticket",
            "annotations": {"idempotentHint": true, "openWorldHint": false}
        });
        paths["/admin/reset"]["post"]["x-mcp"] = json!({"hidden": true});
        paths["/reports/daily"]["get"]["x-mcp"] = json!({"kind": "resource"});
        paths["/search"]["get"]["x-mcp"] = json!({"kind": "sideways"});
        let preview = crate::McpConfig::from_json(document).preview().unwrap();
        let open = preview
            .tools
            .iter()
            .find(|t| t["name"] == "open_ticket")
            .unwrap();
        assert_eq!(open["title"], "Open a ticket");
        assert_eq!(open["annotations"]["title"], "Open a ticket");
        assert_eq!(open["annotations"]["idempotentHint"], true);
        assert_eq!(open["annotations"]["openWorldHint"], false);
        assert_eq!(open["annotations"]["readOnlyHint"], false);
        assert_eq!(reasons(&preview, "reset"), ["excluded by x-mcp.hidden"]);
        assert_eq!(preview.resources[0]["name"], "daily_report");
        assert!(reasons(&preview, "search")[0].contains("x-mcp.kind \"sideways\""));
        assert!(preview.tools.iter().any(|t| t["name"] == "search"));
    }

    #[test]
    fn rename_operation_wins_and_names_stay_unique() {
        let mut document = document();
        document["paths"]["/tickets"]["post"]["x-mcp"] = json!({"name": "from_document"});
        let preview = crate::McpConfig::from_json(document)
            .rename_operation("create_ticket", "new ticket")
            .rename_operation("reset", "get_ticket")
            .preview()
            .unwrap();
        let tools = names(&preview.tools, "name");
        assert!(tools.contains(&"new_ticket".to_string()), "{tools:?}");
        assert!(tools.contains(&"get_ticket".to_string()));
        assert!(tools.contains(&"get_ticket_2".to_string()));
        assert!(reasons(&preview, "create_ticket")[0].contains("exposed as \"new_ticket\""));
    }

    #[test]
    fn describe_responses_appends_the_success_description() {
        let preview = config().describe_responses().preview().unwrap();
        let tool = |name: &str| {
            preview
                .tools
                .iter()
                .find(|t| t["name"] == name)
                .unwrap()
                .clone()
        };
        assert_eq!(
            tool("create_ticket")["description"],
            "Create a ticket\n\nResponds 200: The answer."
        );
        assert_eq!(
            tool("daily_report")["description"],
            "GET /reports/daily\n\nResponds 200: CSV rows."
        );
        let plain = config().preview().unwrap();
        assert_eq!(plain.tools.len(), preview.tools.len());
        assert!(
            plain
                .tools
                .iter()
                .all(|t| !t["description"].as_str().unwrap().contains("Responds"))
        );
    }
}
