//! The catalog: every exposed OpenAPI operation as an MCP tool plus the route that calls it.
//!
//! Built once at mount time by [`OperationMapper`]; read-only afterwards.

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    fmt,
    sync::{Arc, OnceLock},
};

use http::Method;
use rmcp::model::{Tool, ToolAnnotations};
use serde_json::{Map, Value, json};

use crate::schema::{Direction, SchemaResolver, with_defs};

/// Longest tool name most MCP clients accept.
pub(crate) const MAX_TOOL_NAME: usize = 64;

/// Where a parameter goes in the HTTP request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

impl Location {
    fn parse(value: &str) -> Option<Self> {
        match value {
            "path" => Some(Self::Path),
            "query" => Some(Self::Query),
            "header" => Some(Self::Header),
            "cookie" => Some(Self::Cookie),
            _ => None,
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
        }
    }
}

/// One OpenAPI parameter and the argument that feeds it.
#[derive(Debug, Clone)]
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) argument: String,
    pub(crate) location: Location,
    pub(crate) required: bool,
    /// `form` arrays: `a=1&a=2` when true, `a=1,2` when false.
    pub(crate) explode: bool,
}

/// How the request body is built from the arguments.
#[derive(Debug, Clone)]
pub(crate) enum BodyShape {
    /// An object body whose properties are arguments: `(property, argument)`.
    Properties(Vec<(String, String)>),
    /// The whole body is one argument.
    Whole(String),
}

/// Media types the first cut can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyEncoding {
    Json,
    Form,
    Text,
}

/// The request body of an operation.
#[derive(Debug, Clone)]
pub(crate) struct Body {
    pub(crate) shape: BodyShape,
    pub(crate) encoding: BodyEncoding,
    pub(crate) content_type: String,
    pub(crate) required: bool,
}

/// Everything needed to turn arguments into the HTTP request of one operation.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) params: Vec<Param>,
    pub(crate) body: Option<Body>,
}

/// One exposed operation.
#[derive(Debug)]
pub(crate) struct Operation {
    pub(crate) tool: Tool,
    pub(crate) route: Route,
    /// The 2xx JSON result is wrapped as `{"result": ..}` because its schema is not an object.
    pub(crate) wraps_result: bool,
    input_validator: OnceLock<Result<jsonschema::Validator, String>>,
    output_validator: OnceLock<Option<jsonschema::Validator>>,
}

impl Operation {
    /// The input validator, compiled on first use so that mounting stays fast.
    pub(crate) fn input_validator(&self) -> Result<&jsonschema::Validator, &str> {
        self.input_validator
            .get_or_init(|| {
                jsonschema::validator_for(&Value::Object((*self.tool.input_schema).clone()))
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// The output validator, if the operation declares an output schema that compiles.
    pub(crate) fn output_validator(&self) -> Option<&jsonschema::Validator> {
        self.output_validator
            .get_or_init(|| {
                let schema = self.tool.output_schema.as_ref()?;
                jsonschema::validator_for(&Value::Object((**schema).clone())).ok()
            })
            .as_ref()
    }
}

/// An operation that was skipped or converted with a loss, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConversionWarning {
    /// The operation's `operationId`, or `METHOD path` when it has none.
    pub operation: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template as documented.
    pub path: String,
    /// What was dropped or changed.
    pub reason: String,
}

impl fmt::Display for ConversionWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({} {}): {}",
            self.operation, self.method, self.path, self.reason
        )
    }
}

/// All exposed operations, by tool name.
#[derive(Debug, Default)]
pub(crate) struct Catalog {
    pub(crate) operations: Vec<Arc<Operation>>,
    by_name: HashMap<String, usize>,
    pub(crate) warnings: Vec<ConversionWarning>,
}

impl Catalog {
    pub(crate) fn get(&self, name: &str) -> Option<&Arc<Operation>> {
        self.by_name.get(name).map(|&i| &self.operations[i])
    }

    pub(crate) fn tools(&self) -> impl Iterator<Item = &Tool> {
        self.operations.iter().map(|op| &op.tool)
    }
}

/// What a mount exposes, as clients see it: the result of [`McpConfig::preview`].
///
/// Serializes to `{"tools": [..], "resources": [..], "resourceTemplates": [..], "warnings": [..]}`
/// where each tool is exactly what `tools/list` returns.
///
/// [`McpConfig::preview`]: crate::McpConfig::preview
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    /// Tools, as `tools/list` returns them.
    pub tools: Vec<Value>,
    /// Resources, as `resources/list` returns them.
    pub resources: Vec<Value>,
    /// Resource templates, as `resources/templates/list` returns them.
    pub resource_templates: Vec<Value>,
    /// Operations skipped or converted with a loss.
    pub warnings: Vec<ConversionWarning>,
}

impl Catalog {
    pub(crate) fn preview(&self) -> Preview {
        Preview {
            tools: self
                .tools()
                .map(|tool| serde_json::to_value(tool).unwrap_or_default())
                .collect(),
            resources: Vec::new(),
            resource_templates: Vec::new(),
            warnings: self.warnings.clone(),
        }
    }
}

/// The catalog of `config`'s document; `mount_path` (the MCP endpoint) is never exposed.
pub(crate) fn build_catalog(
    config: &crate::McpConfig,
    mount_path: Option<&str>,
) -> Result<Catalog, crate::Error> {
    let mut mapper = OperationMapper::new(config.document()?);
    if let Some(path) = mount_path {
        mapper = mapper.exclude_path(path);
    }
    Ok(mapper.build())
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The request body an operation documents, chosen among its media types and resolved.
struct BodySpec {
    media: String,
    encoding: BodyEncoding,
    schema: Value,
    required: bool,
    defs: Map<String, Value>,
}

/// Turns the operations of an OpenAPI document into MCP tools.
#[derive(Debug)]
pub(crate) struct OperationMapper<'a> {
    document: &'a Value,
    resolver: SchemaResolver<'a>,
    excluded_paths: HashSet<String>,
}

impl<'a> OperationMapper<'a> {
    pub(crate) fn new(document: &'a Value) -> Self {
        Self {
            document,
            resolver: SchemaResolver::new(document),
            excluded_paths: HashSet::new(),
        }
    }

    /// Never offer this path as a tool (the MCP endpoint itself).
    pub(crate) fn exclude_path(mut self, path: &str) -> Self {
        self.excluded_paths.insert(path.to_string());
        self
    }

    pub(crate) fn build(self) -> Catalog {
        let mut catalog = Catalog::default();
        let mut taken: HashSet<String> = HashSet::new();
        let Some(paths) = self.document.get("paths").and_then(Value::as_object) else {
            return catalog;
        };
        for (path, item) in paths {
            let Some(item) = self.resolver.follow(item) else {
                continue;
            };
            for method in METHODS {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                let label = operation
                    .get("operationId")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{} {path}", method.to_uppercase()));
                let mut warn = |reason: String| {
                    catalog.warnings.push(ConversionWarning {
                        operation: label.clone(),
                        method: method.to_uppercase(),
                        path: path.clone(),
                        reason,
                    })
                };
                if self.excluded_paths.contains(path) {
                    warn("the MCP endpoint itself is never a tool".into());
                    continue;
                }
                if operation.get("deprecated").and_then(Value::as_bool) == Some(true) {
                    warn("deprecated operations are not exposed".into());
                    continue;
                }
                match self.operation(path, method, item, operation, &mut taken, &mut warn) {
                    Some(op) => {
                        catalog
                            .by_name
                            .insert(op.tool.name.to_string(), catalog.operations.len());
                        catalog.operations.push(Arc::new(op));
                    }
                    None => continue,
                }
            }
        }
        for warning in &catalog.warnings {
            tracing::warn!(
                operation = %warning.operation,
                method = %warning.method,
                path = %warning.path,
                "{}",
                warning.reason
            );
        }
        catalog
    }

    fn operation(
        &self,
        path: &str,
        method: &str,
        item: &Value,
        operation: &Value,
        taken: &mut HashSet<String>,
        warn: &mut impl FnMut(String),
    ) -> Option<Operation> {
        let http_method = Method::from_bytes(method.to_uppercase().as_bytes()).ok()?;
        let mut defs = BTreeMap::new();
        let mut properties = Map::new();
        let mut required = Vec::new();

        // Path-item parameters apply unless the operation redefines the same (name, in).
        let mut raw_params: Vec<&Value> = Vec::new();
        for list in [operation.get("parameters"), item.get("parameters")] {
            for param in list.and_then(Value::as_array).into_iter().flatten() {
                let Some(param) = self.resolver.follow(param) else {
                    warn("a parameter reference does not resolve; it is left out".into());
                    continue;
                };
                let key = (param.get("name"), param.get("in"));
                if !raw_params
                    .iter()
                    .any(|p| (p.get("name"), p.get("in")) == key)
                {
                    raw_params.push(param);
                }
            }
        }
        let body_spec = self.body_spec(operation, warn);
        let body_names: HashSet<String> = match &body_spec {
            Some(BodySpec {
                encoding: BodyEncoding::Json | BodyEncoding::Form,
                schema,
                ..
            }) => schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default(),
            _ => HashSet::new(),
        };

        let param_names: Vec<&str> = raw_params
            .iter()
            .filter_map(|p| p.get("name").and_then(Value::as_str))
            .collect();
        let mut params = Vec::new();
        for param in &raw_params {
            let (Some(name), Some(location)) = (
                param.get("name").and_then(Value::as_str),
                param
                    .get("in")
                    .and_then(Value::as_str)
                    .and_then(Location::parse),
            ) else {
                warn("a parameter without a usable name or location is left out".into());
                continue;
            };
            if location == Location::Path && !path.contains(&format!("{{{name}}}")) {
                warn(format!(
                    "path parameter '{name}' does not appear in the path template; it is left out"
                ));
                continue;
            }
            // A name used in two places gets a location suffix, so nothing is overwritten.
            let clashes =
                param_names.iter().filter(|n| **n == name).count() > 1 || body_names.contains(name);
            let argument = if clashes {
                format!("{name}__{}", location.suffix())
            } else {
                name.to_string()
            };
            let is_required = location == Location::Path
                || param.get("required").and_then(Value::as_bool) == Some(true);
            let mut schema = match param.get("schema") {
                Some(schema) => {
                    let resolved = self.resolver.resolve(schema, Direction::Input);
                    resolved.problems.into_iter().for_each(&mut *warn);
                    defs.extend(resolved.defs);
                    resolved.schema
                }
                None => json!({"type": "string"}),
            };
            if let (Value::Object(schema), Some(description)) = (
                &mut schema,
                param.get("description").and_then(Value::as_str),
            ) {
                // The parameter's own text is more specific than its type's: it wins.
                schema.insert("description".into(), Value::String(description.to_string()));
            }
            if is_required {
                required.push(Value::String(argument.clone()));
            }
            properties.insert(argument.clone(), schema);
            let explode = param
                .get("explode")
                .and_then(Value::as_bool)
                .unwrap_or(param.get("style").and_then(Value::as_str).unwrap_or("form") == "form");
            params.push(Param {
                name: name.to_string(),
                argument,
                location,
                required: is_required,
                explode,
            });
        }

        let body = match body_spec {
            None => None,
            Some(BodySpec {
                media: content_type,
                encoding,
                schema,
                required: body_required,
                defs: body_defs,
            }) => {
                defs.extend(body_defs);
                let object_properties = schema.get("properties").and_then(Value::as_object);
                let shape = match (encoding, object_properties) {
                    (BodyEncoding::Json | BodyEncoding::Form, Some(object_properties)) => {
                        let body_required_props: HashSet<&str> = schema
                            .get("required")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str)
                            .collect();
                        let mut mapping = Vec::new();
                        for (property, property_schema) in object_properties {
                            let argument = if properties.contains_key(property) {
                                format!("{property}__body")
                            } else {
                                property.clone()
                            };
                            if body_required && body_required_props.contains(property.as_str()) {
                                required.push(Value::String(argument.clone()));
                            }
                            properties.insert(argument.clone(), property_schema.clone());
                            mapping.push((property.clone(), argument));
                        }
                        if schema
                            .get("additionalProperties")
                            .is_some_and(|a| a != &Value::Bool(false))
                        {
                            warn("additional body properties beyond the documented ones cannot be passed".into());
                        }
                        BodyShape::Properties(mapping)
                    }
                    _ => {
                        let argument = if properties.contains_key("body") {
                            "body__body".to_string()
                        } else {
                            "body".to_string()
                        };
                        if body_required {
                            required.push(Value::String(argument.clone()));
                        }
                        properties.insert(argument.clone(), schema.clone());
                        BodyShape::Whole(argument)
                    }
                };
                Some(Body {
                    shape,
                    encoding,
                    content_type,
                    required: body_required,
                })
            }
        };
        let mut input = Map::new();
        input.insert("type".into(), json!("object"));
        input.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            input.insert("required".into(), Value::Array(required));
        }
        let input = with_defs(input, defs);

        let (output, wraps_result) = match self.output_schema(operation, warn) {
            Some((schema, output_defs)) => {
                let is_object = schema.get("type").and_then(Value::as_str) == Some("object")
                    || (schema.get("type").is_none() && schema.get("properties").is_some());
                let (root, wraps) = match schema {
                    Value::Object(root) if is_object => (root, false),
                    other => {
                        let mut root = Map::new();
                        root.insert("type".into(), json!("object"));
                        root.insert("properties".into(), json!({"result": other}));
                        root.insert("required".into(), json!(["result"]));
                        (root, true)
                    }
                };
                (Some(with_defs(root, output_defs)), wraps)
            }
            None => (None, false),
        };

        let summary = operation.get("summary").and_then(Value::as_str);
        let description = [
            summary,
            operation.get("description").and_then(Value::as_str),
        ]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
        let description = if description.is_empty() {
            format!("{} {path}", method.to_uppercase())
        } else {
            description
        };

        let name = unique_name(
            operation.get("operationId").and_then(Value::as_str),
            method,
            path,
            taken,
        );
        let mut annotations = match summary {
            Some(title) => ToolAnnotations::with_title(title),
            None => ToolAnnotations::new(),
        };
        annotations = match http_method {
            Method::GET | Method::HEAD | Method::OPTIONS => annotations.read_only(true),
            Method::DELETE => annotations
                .read_only(false)
                .destructive(true)
                .idempotent(true),
            Method::PUT => annotations.read_only(false).idempotent(true),
            _ => annotations.read_only(false),
        };
        let mut tool = Tool::new(name, description, Arc::new(input)).annotate(annotations);
        if let Some(title) = summary {
            tool = tool.with_title(title);
        }
        if let Some(output) = output {
            tool = tool.with_raw_output_schema(Arc::new(output));
        }
        Some(Operation {
            tool,
            route: Route {
                method: http_method,
                path: path.to_string(),
                params,
                body,
            },
            wraps_result,
            input_validator: OnceLock::new(),
            output_validator: OnceLock::new(),
        })
    }

    /// The request body to build: JSON first, then form, then text.
    fn body_spec(&self, operation: &Value, warn: &mut impl FnMut(String)) -> Option<BodySpec> {
        let body = self.resolver.follow(operation.get("requestBody")?)?;
        let content = body.get("content").and_then(Value::as_object)?;
        let required = body.get("required").and_then(Value::as_bool) == Some(true);
        let choice = content
            .iter()
            .find(|(media, _)| is_json(media))
            .map(|(m, c)| (m, c, BodyEncoding::Json))
            .or_else(|| {
                content
                    .iter()
                    .find(|(media, _)| media.starts_with("application/x-www-form-urlencoded"))
                    .map(|(m, c)| (m, c, BodyEncoding::Form))
            })
            .or_else(|| {
                content
                    .iter()
                    .find(|(media, _)| media.starts_with("text/"))
                    .map(|(m, c)| (m, c, BodyEncoding::Text))
            });
        let Some((media, media_object, encoding)) = choice else {
            let kinds: Vec<&str> = content.keys().map(String::as_str).collect();
            warn(format!(
                "request body of type {} is not supported yet; the body is left out",
                kinds.join(", ")
            ));
            return None;
        };
        let (schema, defs) = match media_object.get("schema") {
            Some(schema) => {
                let resolved = self.resolver.resolve(schema, Direction::Input);
                resolved.problems.into_iter().for_each(&mut *warn);
                (resolved.schema, resolved.defs)
            }
            None if encoding == BodyEncoding::Text => (json!({"type": "string"}), Map::new()),
            None => (json!({}), Map::new()),
        };
        Some(BodySpec {
            media: media.clone(),
            encoding,
            schema,
            required,
            defs,
        })
    }

    fn output_schema(
        &self,
        operation: &Value,
        warn: &mut impl FnMut(String),
    ) -> Option<(Value, BTreeMap<String, Value>)> {
        let responses = operation.get("responses").and_then(Value::as_object)?;
        let mut codes: Vec<&String> = responses
            .keys()
            .filter(|code| code.starts_with('2'))
            .collect();
        codes.sort();
        let response = self.resolver.follow(responses.get(*codes.first()?)?)?;
        let content = response.get("content").and_then(Value::as_object)?;
        let (_, media) = content.iter().find(|(media, _)| is_json(media))?;
        let resolved = self
            .resolver
            .resolve(media.get("schema")?, Direction::Output);
        resolved.problems.into_iter().for_each(&mut *warn);
        Some((resolved.schema, resolved.defs.into_iter().collect()))
    }
}

fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// operationId cleaned to `[A-Za-z0-9_.-]`, at most 64 characters, unique within the catalog.
fn unique_name(
    operation_id: Option<&str>,
    method: &str,
    path: &str,
    taken: &mut HashSet<String>,
) -> String {
    let raw = match operation_id {
        Some(id) if !id.trim().is_empty() => id.to_string(),
        _ => format!("{method}_{path}"),
    };
    let mut cleaned = String::with_capacity(raw.len());
    for c in raw.chars() {
        let c = if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
            c
        } else {
            '_'
        };
        // Collapse the runs of '_' that path punctuation produces.
        if !(c == '_' && cleaned.ends_with('_')) {
            cleaned.push(c);
        }
    }
    let cleaned = cleaned.trim_matches('_');
    let base: String = if cleaned.is_empty() {
        "operation"
    } else {
        cleaned
    }
    .chars()
    .take(MAX_TOOL_NAME)
    .collect();
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        let suffix = format!("_{n}");
        let keep = MAX_TOOL_NAME - suffix.len();
        name = format!("{}{suffix}", &base[..base.len().min(keep)]);
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned_bounded_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(
            unique_name(Some("get ticket!"), "get", "/t", &mut taken),
            "get_ticket"
        );
        assert_eq!(
            unique_name(Some("get ticket?"), "get", "/t", &mut taken),
            "get_ticket_2"
        );
        assert_eq!(
            unique_name(None, "get", "/tickets/{id}", &mut taken),
            "get_tickets_id"
        );
        let long = "x".repeat(100);
        let first = unique_name(Some(&long), "get", "/", &mut taken);
        let second = unique_name(Some(&long), "get", "/", &mut taken);
        assert_eq!(first.len(), 64);
        assert_eq!(second.len(), 64);
        assert!(second.ends_with("_2"));
    }
}
