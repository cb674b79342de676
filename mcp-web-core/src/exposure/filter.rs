//! [`OperationFilter`]: which operations are exposed at all, by operation id, tag, method and
//! path (step 3 of the [exposure steps](super)).

use std::fmt;

use http::Method;

use super::{
    operation::{OperationInfo, methods, strings},
    pattern::PathPattern,
};

/// Which operations are exposed at all, by operation id, tag, method and path.
///
/// An operation passes when it matches *every* include kind that was given (an operation id in
/// [`include_operations`](Self::include_operations) *and* a tag in
/// [`include_tags`](Self::include_tags), …) and *none* of the excludes. Excludes win. Repeated
/// calls of one method add to its list.
///
/// Hand a filter to a mount with [`McpConfig::operation_filter`] — one filter can serve several
/// mounts, and [`allows`](Self::allows) tests it on its own; `McpConfig` also has each method
/// (`McpConfig::include_tags`, …) for a single mount.
///
/// ```
/// use http::Method;
/// use mcp_web_core::{McpConfig, OperationFilter, OperationInfo};
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
///
/// # let api = utoipa::openapi::OpenApiBuilder::new().build();
/// let config = McpConfig::new(api).operation_filter(filter);
/// # let _ = config;
/// ```
///
/// [`McpConfig::operation_filter`]: crate::McpConfig::operation_filter
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

    /// Add every include and exclude of `other` to this filter's, as if its methods had been
    /// called on this one.
    pub(crate) fn merge(mut self, other: OperationFilter) -> Self {
        self.include_operations.extend(other.include_operations);
        self.exclude_operations.extend(other.exclude_operations);
        self.include_tags.extend(other.include_tags);
        self.exclude_tags.extend(other.exclude_tags);
        self.include_methods.extend(other.include_methods);
        self.exclude_methods.extend(other.exclude_methods);
        self.include_paths.extend(other.include_paths);
        self.exclude_paths.extend(other.exclude_paths);
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

fn quoted<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|item| format!("\"{item}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(method: Method, path: &str, id: &str, tags: &[&str]) -> OperationInfo {
        OperationInfo::new(method, path)
            .with_operation_id(id)
            .with_tags(tags.iter().copied())
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
    fn a_merged_filter_adds_to_the_lists_like_repeated_calls() {
        let merged = OperationFilter::new().include_tags(["a"]).merge(
            OperationFilter::new()
                .include_tags(["b"])
                .exclude_methods([Method::DELETE]),
        );
        assert!(merged.allows(&op(Method::GET, "/", "x", &["a"])));
        assert!(merged.allows(&op(Method::GET, "/", "x", &["b"])));
        assert!(!merged.allows(&op(Method::GET, "/", "x", &["c"])));
        assert!(!merged.allows(&op(Method::DELETE, "/", "x", &["b"])));
    }
}
