//! [`XMcp`]: the `x-mcp` OpenAPI extension of one operation (step 5 of the
//! [exposure steps](super)), read leniently: malformed parts are reported and ignored.

use serde_json::Value;

use super::kind::{McpKind, OperationMapping};
use crate::tasks::TaskSupport;

/// The `x-mcp` extension of one operation, as far as it is well-formed.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct XMcp {
    pub(crate) name: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) hidden: bool,
    /// `kind`, where `"exclude"` leaves the operation out like `hidden`.
    pub(crate) kind: Option<OperationMapping>,
    pub(crate) read_only: Option<bool>,
    pub(crate) destructive: Option<bool>,
    pub(crate) idempotent: Option<bool>,
    pub(crate) open_world: Option<bool>,
    /// `headers`: arguments mirrored into `Mcp-Param-*` headers, as (argument, header name).
    pub(crate) headers: Vec<(String, String)>,
    /// `taskSupport`: whether calls may become tasks.
    pub(crate) task_support: Option<TaskSupport>,
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
            parsed.kind = parse_kind(&kind);
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
        match object.get("headers") {
            None => {}
            Some(Value::Object(headers)) => {
                for (argument, header) in headers {
                    match header {
                        Value::String(header) => {
                            parsed.headers.push((argument.clone(), header.clone()));
                        }
                        _ => warn(format!(
                            "x-mcp.headers.{argument} is not a header name (a string); ignored"
                        )),
                    }
                }
            }
            Some(_) => warn("x-mcp.headers is not an object; ignored".into()),
        }
        if let Some(support) = text("taskSupport", warn) {
            parsed.task_support = TaskSupport::parse(&support);
            if parsed.task_support.is_none() {
                warn(format!(
                    "x-mcp.taskSupport \"{support}\" is not one of forbidden, optional, required; ignored"
                ));
            }
        }
        for key in object.keys() {
            if !matches!(
                key.as_str(),
                "name" | "title" | "hidden" | "kind" | "annotations" | "headers" | "taskSupport"
            ) {
                warn(format!("x-mcp.{key} is not a known setting; ignored"));
            }
        }
        parsed
    }
}

/// The mapping named as in `x-mcp.kind`: a [`McpKind`], or `exclude`.
fn parse_kind(name: &str) -> Option<OperationMapping> {
    match name {
        "exclude" => Some(OperationMapping::Exclude),
        kind => McpKind::parse(kind).map(OperationMapping::Expose),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

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
        let mut warnings = Vec::new();
        let x_mcp = XMcp::parse(
            &json!({"x-mcp": {"headers": {"region": "Region", "zone": 3}}}),
            &mut |w| warnings.push(w),
        );
        assert_eq!(
            x_mcp.headers,
            [("region".to_string(), "Region".to_string())]
        );
        assert_eq!(
            warnings,
            ["x-mcp.headers.zone is not a header name (a string); ignored"]
        );
    }

    #[test]
    fn task_support_is_one_of_three_policies() {
        let mut warnings = Vec::new();
        let x_mcp = XMcp::parse(&json!({"x-mcp": {"taskSupport": "required"}}), &mut |w| {
            warnings.push(w)
        });
        assert_eq!(x_mcp.task_support, Some(TaskSupport::Required));
        assert!(warnings.is_empty(), "{warnings:?}");
        let x_mcp = XMcp::parse(&json!({"x-mcp": {"taskSupport": "sometimes"}}), &mut |w| {
            warnings.push(w)
        });
        assert_eq!(x_mcp.task_support, None);
        assert_eq!(
            warnings,
            [
                "x-mcp.taskSupport \"sometimes\" is not one of forbidden, optional, required; ignored"
            ]
        );
    }
}
