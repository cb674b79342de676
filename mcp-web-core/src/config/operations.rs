//! The part of [`McpConfig`] that chooses which operations a mount exposes, and as what:
//! filters, route maps, hooks, renames (the steps are in [`crate::exposure`]).

use crate::{
    McpConfig,
    exposure::{OperationFilter, OperationInfo, OperationMapping, RouteMap},
};

impl McpConfig {
    /// Filter the operations with `filter` (built on its own, so it can be tested with
    /// [`OperationFilter::allows`] and shared by several mounts). Its includes and excludes add
    /// to the ones given with the methods below, and to other filters.
    ///
    /// ```
    /// use mcp_web_core::{McpConfig, OperationFilter};
    ///
    /// let read_only = OperationFilter::new().include_methods(["GET"]).exclude_paths(["/admin/**"]);
    /// # let api = utoipa::openapi::OpenApiBuilder::new().build();
    /// let config = McpConfig::new(api).operation_filter(read_only);
    /// # let _ = config;
    /// ```
    pub fn operation_filter(mut self, filter: OperationFilter) -> Self {
        self.exposure.filter = self.exposure.filter.merge(filter);
        self
    }

    /// Expose only operations with one of these `operationId`s.
    ///
    /// Filters combine: an operation is exposed when it matches every include kind that was
    /// given and no exclude; excludes win (see [`OperationFilter`]).
    /// Repeated calls add to the list. Operations left out appear in the warnings.
    ///
    /// ```
    /// let document = serde_json::json!({
    ///     "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
    ///     "paths": {"/a": {"get": {"operationId": "a", "responses": {}}},
    ///               "/b": {"get": {"operationId": "b", "responses": {}}}}
    /// });
    /// let config = mcp_web_core::McpConfig::from_json(document).include_operations(["a"]);
    /// let preview = config.preview().unwrap();
    /// assert_eq!(preview.tools.len(), 1);
    /// assert_eq!(preview.warnings[0].operation, "b");
    /// ```
    pub fn include_operations<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.exposure.filter = self.exposure.filter.include_operations(ids);
        self
    }

    /// Never expose operations with one of these `operationId`s.
    pub fn exclude_operations<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.exposure.filter = self.exposure.filter.exclude_operations(ids);
        self
    }

    /// Expose only operations with at least one of these tags.
    ///
    /// ```
    /// # let api = utoipa::openapi::OpenApiBuilder::new().build();
    /// let config = mcp_web_core::McpConfig::new(api)
    ///     .include_tags(["tickets"])
    ///     .exclude_tags(["admin"]);
    /// # let _ = config;
    /// ```
    pub fn include_tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.exposure.filter = self.exposure.filter.include_tags(tags);
        self
    }

    /// Never expose operations with any of these tags.
    pub fn exclude_tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.exposure.filter = self.exposure.filter.exclude_tags(tags);
        self
    }

    /// Expose only operations with one of these methods (`http::Method::GET` or `"get"`).
    ///
    /// ```
    /// # let api = utoipa::openapi::OpenApiBuilder::new().build();
    /// let read_only = mcp_web_core::McpConfig::new(api).include_methods([http::Method::GET]);
    /// # let _ = read_only;
    /// ```
    pub fn include_methods<I, M>(mut self, methods: I) -> Self
    where
        I: IntoIterator<Item = M>,
        M: AsRef<str>,
    {
        self.exposure.filter = self.exposure.filter.include_methods(methods);
        self
    }

    /// Never expose operations with one of these methods.
    pub fn exclude_methods<I, M>(mut self, methods: I) -> Self
    where
        I: IntoIterator<Item = M>,
        M: AsRef<str>,
    {
        self.exposure.filter = self.exposure.filter.exclude_methods(methods);
        self
    }

    /// Expose only operations whose path template matches one of these patterns: `/admin/*` is
    /// one more segment, `/admin/**` any depth (including `/admin` itself), anything else must
    /// be equal (`/tickets/{ticket_id}`).
    pub fn include_paths<I, S>(mut self, patterns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.exposure.filter = self.exposure.filter.include_paths(patterns);
        self
    }

    /// Never expose operations whose path template matches one of these patterns (syntax as
    /// [`include_paths`](Self::include_paths)).
    ///
    /// ```
    /// # let api = utoipa::openapi::OpenApiBuilder::new().build();
    /// let config = mcp_web_core::McpConfig::new(api).exclude_paths(["/admin/**", "/internal/*"]);
    /// # let _ = config;
    /// ```
    pub fn exclude_paths<I, S>(mut self, patterns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.exposure.filter = self.exposure.filter.exclude_paths(patterns);
        self
    }

    /// Map the operations `rule` matches to its kind — a tool, a resource, a resource template —
    /// or leave them out ([`RouteMap::exclude`]). Rules are tried in the order they were added;
    /// the first that matches wins, and operations no rule matches are tools.
    ///
    /// A resource is read with `resources/read` through the same in-process call as a tool; only
    /// `GET` operations without required query, header, cookie or body parameters can be one.
    /// Any other operation a rule maps to a resource stays a tool, with a warning.
    ///
    /// ```
    /// use http::Method;
    /// use mcp_web_core::{McpConfig, McpKind, RouteMap};
    ///
    /// let document = serde_json::json!({
    ///     "openapi": "3.1.0", "info": {"title": "Reports", "version": "1"},
    ///     "paths": {
    ///         "/reports/daily": {"get": {"operationId": "daily", "responses": {}}},
    ///         "/reports/{day}": {"get": {"operationId": "by_day", "responses": {},
    ///             "parameters": [{"name": "day", "in": "path", "required": true,
    ///                             "schema": {"type": "string"}}]}},
    ///         "/admin/reset": {"post": {"operationId": "reset", "responses": {}}}
    ///     }
    /// });
    /// let preview = McpConfig::from_json(document)
    ///     .route_map(RouteMap::new().pattern("/admin/**").exclude())
    ///     .route_map(RouteMap::new().methods([Method::GET]).pattern("/reports/**").to(McpKind::Resource))
    ///     .preview()
    ///     .unwrap();
    /// assert!(preview.tools.is_empty());
    /// assert_eq!(preview.resources[0]["uri"], "resource://reports/reports/daily");
    /// assert_eq!(preview.resource_templates[0]["uriTemplate"], "resource://reports/reports/{day}");
    /// ```
    pub fn route_map(mut self, rule: RouteMap) -> Self {
        self.exposure.route_maps.push(rule);
        self
    }

    /// Decide an operation's kind, or leave it out, in code: the hook returns an
    /// [`OperationMapping`] (or just a [`McpKind`](crate::McpKind)). Hooks are asked before `x-mcp` and the route
    /// maps, in the order they were added; `None` falls through to the next. Filtered-out
    /// operations are never offered.
    ///
    /// ```
    /// use mcp_web_core::{McpConfig, McpKind, OperationInfo, OperationMapping};
    ///
    /// # let api = utoipa::openapi::OpenApiBuilder::new().build();
    /// let config = McpConfig::new(api)
    ///     .map_operations(|op: &OperationInfo| {
    ///         if op.tags.iter().any(|t| t == "internal") {
    ///             Some(OperationMapping::Exclude)
    ///         } else {
    ///             None
    ///         }
    ///     })
    ///     .map_operations(|op: &OperationInfo| op.path.starts_with("/reports").then_some(McpKind::Resource));
    /// # let _ = config;
    /// ```
    pub fn map_operations<F, M>(mut self, hook: F) -> Self
    where
        F: Fn(&OperationInfo) -> Option<M> + Send + Sync + 'static,
        M: Into<OperationMapping>,
    {
        let hook = move |operation: &OperationInfo| hook(operation).map(Into::into);
        self.exposure.hooks.push(std::sync::Arc::new(hook));
        self
    }

    /// Expose the operation `operation_id` under `name` instead (cleaned and made unique like
    /// every name). Wins over the operation's `x-mcp.name`.
    ///
    /// ```
    /// let document = serde_json::json!({
    ///     "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
    ///     "paths": {"/t": {"get": {"operationId": "api_v2_list_tickets_get", "responses": {}}}}
    /// });
    /// let preview = mcp_web_core::McpConfig::from_json(document)
    ///     .rename_operation("api_v2_list_tickets_get", "list_tickets")
    ///     .preview()
    ///     .unwrap();
    /// assert_eq!(preview.tools[0]["name"], "list_tickets");
    /// ```
    pub fn rename_operation(
        mut self,
        operation_id: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        self.exposure
            .renames
            .insert(operation_id.into(), name.into());
        self
    }

    /// Expose operations marked `deprecated` too (hidden by default).
    pub fn include_deprecated(mut self) -> Self {
        self.exposure.include_deprecated = true;
        self
    }

    /// Append the documented description of each operation's success (2xx) response to its
    /// description, for models that need to know what a call returns.
    pub fn describe_responses(mut self) -> Self {
        self.exposure.describe_responses = true;
        self
    }

    /// The base of resource URIs (default: `resource://<server name>`, lower-cased, with anything
    /// but `a-z`, `0-9` and `-` turned into `-`). The operation's path is appended to it:
    /// `resource_uri_base("tickets://")` gives `tickets://reports/daily`.
    pub fn resource_uri_base(mut self, base: impl Into<String>) -> Self {
        self.exposure.resource_uri_base = Some(base.into());
        self
    }
}
