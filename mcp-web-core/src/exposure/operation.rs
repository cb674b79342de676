//! [`OperationInfo`]: one operation as filters, route maps and hooks see it; and how their
//! builders read methods and names.

use http::Method;
use serde_json::Value;

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

/// HTTP methods given as `Method`s or names in any case; anything else is ignored with a warning.
pub(super) fn methods<I, M>(methods: I) -> impl Iterator<Item = Method>
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

pub(super) fn strings<I, S>(items: I) -> impl Iterator<Item = String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    items.into_iter().map(Into::into)
}
