//! The catalog: every exposed OpenAPI operation as an MCP tool plus the route that calls it.
//!
//! Built once at mount time by [`OperationMapper`]; read-only afterwards.

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    fmt,
    sync::Arc,
};

use http::Method;
use rmcp::model::{Resource, ResourceTemplate, Tool, ToolAnnotations};
use serde_json::{Map, Value, json};

use crate::{
    exposure::{Decision, Exposure, McpKind, OperationInfo, XMcp},
    resource::{ResourceEntry, TemplateEntry, UriTemplate, coerce_arguments, uri_base},
    route::{
        Body, BodyEncoding, BodyShape, FILE_ARGUMENT, FilePart, Location, Param, Route, Style,
    },
    schema::{Direction, SchemaResolver, make_nullable, single, with_defs},
};

// The operation as the server names it (`catalog::Operation`); it is part of the route model.
pub(crate) use crate::route::Operation;

/// Longest tool name most MCP clients accept.
pub(crate) const MAX_TOOL_NAME: usize = 64;

/// The argument schema of one file field.
fn file_schema(description: Option<&str>) -> Value {
    let description = match description {
        Some(text) if !text.trim().is_empty() => format!("{}\n\n{FILE_ARGUMENT}", text.trim()),
        _ => FILE_ARGUMENT.to_string(),
    };
    json!({
        "type": "object",
        "description": description,
        "required": ["filename", "data_base64"],
        "properties": {
            "filename": {"type": "string", "description": "Name sent with the file."},
            "content_type": {"type": "string", "description": "Media type of the file."},
            "data_base64": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "The file's bytes, base64-encoded."
            }
        },
        "additionalProperties": false
    })
}

/// Whether a property schema is a file: 3.0 `format: binary`, 3.1 `contentMediaType` or
/// `contentEncoding`.
fn is_file(schema: &Value) -> bool {
    schema.get("format").and_then(Value::as_str) == Some("binary")
        || schema.get("contentMediaType").is_some()
        || schema.get("contentEncoding").is_some()
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
    pub(crate) resources: Vec<ResourceEntry>,
    pub(crate) templates: Vec<TemplateEntry>,
    pub(crate) warnings: Vec<ConversionWarning>,
}

impl Catalog {
    pub(crate) fn get(&self, name: &str) -> Option<&Arc<Operation>> {
        self.by_name.get(name).map(|&i| &self.operations[i])
    }

    pub(crate) fn tools(&self) -> impl Iterator<Item = &Tool> {
        self.operations.iter().map(|op| &op.tool)
    }

    /// The operation that reads `uri` and the arguments the URI gives it: fixed resources first,
    /// then templates in catalog order.
    pub(crate) fn resolve_resource(
        &self,
        uri: &str,
    ) -> Option<(Arc<Operation>, Map<String, Value>)> {
        let fixed = self
            .resources
            .iter()
            .filter(|entry| uri.split('?').next() == Some(entry.resource.uri.as_str()))
            .map(|entry| (&entry.operation, &entry.uri));
        let templates = self
            .templates
            .iter()
            .map(|entry| (&entry.operation, &entry.uri));
        fixed.chain(templates).find_map(|(operation, template)| {
            let mut arguments = template.match_uri(uri)?;
            coerce_arguments(operation, &mut arguments);
            Some((operation.clone(), arguments))
        })
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
            tools: self.tools().map(tool_json).collect(),
            resources: self
                .resources
                .iter()
                .map(|entry| serde_json::to_value(&entry.resource).unwrap_or_default())
                .collect(),
            resource_templates: self
                .templates
                .iter()
                .map(|entry| serde_json::to_value(&entry.template).unwrap_or_default())
                .collect(),
            warnings: self.warnings.clone(),
        }
    }
}

/// `tool` as `tools/list` returns it. Serializing into a [`Value`] goes through serde's data model
/// for every node of the schemas, several times slower than copying them: the tool is serialized
/// with empty schemas and its schemas are copied in.
fn tool_json(tool: &Tool) -> Value {
    let mut shell = tool.clone();
    shell.input_schema = Arc::default();
    shell.output_schema = tool.output_schema.as_ref().map(|_| Arc::default());
    let Ok(Value::Object(mut json)) = serde_json::to_value(&shell) else {
        return serde_json::to_value(tool).unwrap_or_default();
    };
    let schemas = [
        ("inputSchema", Some(&tool.input_schema)),
        ("outputSchema", tool.output_schema.as_ref()),
    ];
    for (key, schema) in schemas {
        let Some(schema) = schema else { continue };
        match json.get_mut(key) {
            Some(slot) if slot.as_object().is_some_and(Map::is_empty) => {
                *slot = Value::Object(Map::clone(schema));
            }
            // Not where rmcp used to put it: serialize the whole tool after all.
            _ => return serde_json::to_value(tool).unwrap_or_default(),
        }
    }
    Value::Object(json)
}

/// The catalog of `config`'s document; `mount_path` (the MCP endpoint) is never exposed.
pub(crate) fn build_catalog(
    config: &crate::McpConfig,
    mount_path: Option<&str>,
) -> Result<Catalog, crate::Error> {
    let mut mapper = OperationMapper::new(config.document()?).keep_defs(config.keep_defs);
    if let Some(path) = mount_path {
        mapper = mapper.exclude_path(path);
    }
    let base = uri_base(
        config.exposure.resource_uri_base.as_deref(),
        &config.server_name(),
    );
    mapper = mapper.expose(config.exposure.clone(), base);
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
    /// The media type's `encoding` object (per-property content types of form bodies).
    property_encoding: Map<String, Value>,
}

/// Turns the operations of an OpenAPI document into MCP tools.
#[derive(Debug)]
pub(crate) struct OperationMapper<'a> {
    document: &'a Value,
    resolver: SchemaResolver<'a>,
    excluded_paths: HashSet<String>,
    exposure: Exposure,
    uri_base: String,
}

impl<'a> OperationMapper<'a> {
    pub(crate) fn new(document: &'a Value) -> Self {
        Self {
            document,
            resolver: SchemaResolver::new(document),
            excluded_paths: HashSet::new(),
            exposure: Exposure::default(),
            uri_base: uri_base(None, ""),
        }
    }

    /// Keep component schemas under `$defs` instead of inlining them.
    pub(crate) fn keep_defs(mut self, keep: bool) -> Self {
        self.resolver = self.resolver.keep_defs(keep);
        self
    }

    /// Choose what is exposed, and as what, with these settings; resource URIs start with `uri_base`.
    pub(crate) fn expose(mut self, exposure: Exposure, uri_base: String) -> Self {
        self.exposure = exposure;
        self.uri_base = uri_base;
        self
    }

    /// Never offer this path as a tool (the MCP endpoint itself).
    pub(crate) fn exclude_path(mut self, path: &str) -> Self {
        self.excluded_paths.insert(path.to_string());
        self
    }

    pub(crate) fn build(self) -> Catalog {
        let mut catalog = Catalog::default();
        let mut taken: HashSet<String> = HashSet::new();
        // Warnings about operations left out by a configuration choice: logged at debug only.
        let mut chosen_warnings = HashSet::new();
        // First what is exposed, then which schemas that resolves (so that the resolver copies
        // each component only as often as it is used again), then the conversion itself.
        let steps = self.decide();
        self.resolver.expect(
            steps
                .iter()
                .filter_map(|step| match step {
                    Step::Convert(candidate) => Some(candidate),
                    Step::Warning { .. } => None,
                })
                .flat_map(|candidate| self.schema_roots(candidate)),
        );
        for step in steps {
            let candidate = match step {
                Step::Warning { warning, chosen } => {
                    if chosen {
                        chosen_warnings.insert(catalog.warnings.len());
                    }
                    catalog.warnings.push(warning);
                    continue;
                }
                Step::Convert(candidate) => candidate,
            };
            let Candidate {
                path,
                method,
                item,
                operation,
                label,
                info,
                x_mcp,
                kind,
                by,
            } = candidate;
            let mut warn = |reason: String| {
                catalog.warnings.push(ConversionWarning {
                    operation: label.clone(),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    reason,
                })
            };
            let Some(op) = self.operation(path, method, item, operation, &mut taken, &mut warn)
            else {
                continue;
            };
            let exposed = self.finish(
                op, kind, by, &info, &x_mcp, operation, &mut taken, &mut warn,
            );
            match exposed {
                Exposed::Tool(op) => {
                    catalog
                        .by_name
                        .insert(op.tool.name.to_string(), catalog.operations.len());
                    catalog.operations.push(Arc::new(op));
                }
                Exposed::Resource(entry) => catalog.resources.push(entry),
                Exposed::Template(entry) => catalog.templates.push(entry),
            }
        }
        for (i, warning) in catalog.warnings.iter().enumerate() {
            if chosen_warnings.contains(&i) {
                tracing::debug!(
                    operation = %warning.operation,
                    method = %warning.method,
                    path = %warning.path,
                    "{}",
                    warning.reason
                );
                continue;
            }
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

    /// Every operation of the document in order: the exposed ones to convert, and the warnings
    /// met while deciding, where they belong among the conversion's own.
    fn decide(&self) -> Vec<Step<'a>> {
        let mut steps = Vec::new();
        let Some(paths) = self.document.get("paths").and_then(Value::as_object) else {
            return steps;
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
                    steps.push(Step::Warning {
                        warning: ConversionWarning {
                            operation: label.clone(),
                            method: method.to_uppercase(),
                            path: path.clone(),
                            reason,
                        },
                        chosen: false,
                    })
                };
                if self.excluded_paths.contains(path) {
                    warn("the MCP endpoint itself is never a tool".into());
                    continue;
                }
                let Ok(http_method) = Method::from_bytes(method.to_uppercase().as_bytes()) else {
                    continue;
                };
                let info = OperationInfo::from_operation(http_method, path, operation);
                let x_mcp = XMcp::parse(operation, &mut warn);
                let (kind, by) = match self.exposure.decide(&info, &x_mcp) {
                    Decision::Exposed { kind, by } => (kind, by),
                    Decision::Hidden { reason, chosen } => {
                        steps.push(Step::Warning {
                            warning: ConversionWarning {
                                operation: info.label(),
                                method: method.to_uppercase(),
                                path: path.clone(),
                                reason,
                            },
                            chosen,
                        });
                        continue;
                    }
                };
                steps.push(Step::Convert(Candidate {
                    path,
                    method,
                    item,
                    operation,
                    label,
                    info,
                    x_mcp,
                    kind,
                    by,
                }));
            }
        }
        steps
    }

    /// The schemas [`operation`](Self::operation) resolves for `candidate`, with their
    /// direction: each parameter's, the request body's and the result's.
    fn schema_roots(&self, candidate: &Candidate<'a>) -> Vec<(&'a Value, Direction)> {
        let mut roots = Vec::new();
        let Candidate {
            path,
            item,
            operation,
            ..
        } = *candidate;
        if let Some((_, Some((_, media, _)), _)) = self.body_media(operation)
            && let Some(schema) = media.get("schema")
        {
            roots.push((schema, Direction::Input));
        }
        for param in self.raw_params(item, operation, &mut |_| {}) {
            if parameter_target(path, param).is_ok()
                && let Some(schema) = param.get("schema").or(content_schema(param))
            {
                roots.push((schema, Direction::Input));
            }
        }
        if let Some(schema) = self.response_schema(operation) {
            roots.push((schema, Direction::Output));
        }
        roots
    }

    /// The parameters of an operation: its own, then those of its path item that it does not
    /// redefine (same name and location).
    fn raw_params(
        &self,
        item: &'a Value,
        operation: &'a Value,
        warn: &mut impl FnMut(String),
    ) -> Vec<&'a Value> {
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
        raw_params
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
        let raw_params = self.raw_params(item, operation, warn);
        let body_spec = self.body_spec(operation, warn);
        let body_names: HashSet<String> = match &body_spec {
            Some(BodySpec {
                encoding: BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart,
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
            let (name, location) = match parameter_target(path, param) {
                Ok(target) => target,
                Err(reason) => {
                    warn(reason);
                    continue;
                }
            };
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
            let style_name = param.get("style").and_then(Value::as_str);
            let mut style = Style::parse(style_name, location).unwrap_or_else(|| {
                let fallback = Style::default_for(location);
                warn(format!(
                    "parameter '{name}' has the unknown style '{}'; it is sent as {fallback:?}",
                    style_name.unwrap_or_default()
                ));
                fallback
            });
            // `content` instead of `schema`: the value is one JSON document.
            let content_schema = content_schema(param);
            if content_schema.is_some() {
                style = Style::Json;
            }
            let mut schema = match param.get("schema").or(content_schema) {
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
            // Models often send null for "not given"; an absent optional parameter is sent as
            // nothing either way, so its schema accepts null.
            if let (false, Value::Object(schema)) = (is_required, &mut schema) {
                make_nullable(schema);
            }
            if is_required {
                required.push(Value::String(argument.clone()));
            }
            properties.insert(argument.clone(), schema);
            // OpenAPI: `explode` defaults to true for form (and deepObject, which needs it).
            let explode = param
                .get("explode")
                .and_then(Value::as_bool)
                .unwrap_or(matches!(style, Style::Form | Style::DeepObject));
            params.push(Param {
                name: name.to_string(),
                argument,
                location,
                required: is_required,
                style,
                explode,
            });
        }

        let body = match body_spec {
            None => None,
            Some(BodySpec {
                media: content_type,
                encoding,
                mut schema,
                required: body_required,
                defs: body_defs,
                property_encoding,
            }) => 'body: {
                defs.extend(body_defs);
                let has_properties = schema.get("properties").is_some_and(Value::is_object);
                let mut files = Vec::new();
                let shape = match (encoding, has_properties) {
                    (BodyEncoding::Multipart, false) => {
                        warn(format!(
                            "request body of type {content_type} documents no fields; the body is \
                             left out"
                        ));
                        break 'body None;
                    }
                    (BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart, true) => {
                        // Moved out: the body schema itself is not kept.
                        let object_properties = match schema.get_mut("properties") {
                            Some(Value::Object(properties)) => std::mem::take(properties),
                            _ => Map::new(),
                        };
                        let body_required_props: HashSet<&str> = schema
                            .get("required")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str)
                            .collect();
                        let mut mapping = Vec::new();
                        for (property, mut property_schema) in object_properties {
                            // Suffixed like the parameter it clashes with, so neither looks
                            // like the plain name.
                            let clashes = properties.contains_key(&property)
                                || param_names.contains(&property.as_str());
                            let argument = if clashes {
                                format!("{property}__body")
                            } else {
                                property.clone()
                            };
                            if body_required && body_required_props.contains(property.as_str()) {
                                required.push(Value::String(argument.clone()));
                            }
                            if encoding == BodyEncoding::Multipart {
                                property_schema = self.file_field(
                                    &property,
                                    property_schema,
                                    &property_encoding,
                                    &mut files,
                                );
                            }
                            properties.insert(argument.clone(), property_schema);
                            mapping.push((property, argument));
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
                        properties.insert(argument.clone(), schema);
                        BodyShape::Whole(argument)
                    }
                };
                Some(Body {
                    shape,
                    encoding,
                    content_type,
                    required: body_required,
                    files,
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
                let (root, wraps) = match schema {
                    Value::Object(mut root) => {
                        if declare_object_root(&mut root) {
                            (root, false)
                        } else {
                            wrap_result(Value::Object(root))
                        }
                    }
                    other => wrap_result(other),
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
        Some(Operation::new(
            tool,
            Route {
                method: http_method,
                path: path.to_string(),
                params,
                body,
            },
            wraps_result,
        ))
    }

    /// A multipart field's argument schema: a file object (or array of them) for file fields,
    /// which are recorded in `files`; other fields as documented.
    fn file_field(
        &self,
        property: &str,
        schema: Value,
        property_encoding: &Map<String, Value>,
        files: &mut Vec<FilePart>,
    ) -> Value {
        let (file, is_array) = match schema.get("items") {
            Some(items) if schema.get("type").and_then(Value::as_str) == Some("array") => {
                (items, true)
            }
            _ => (&schema, false),
        };
        if !is_file(file) {
            return schema;
        }
        let declared = property_encoding
            .get(property)
            .and_then(|e| e.get("contentType"))
            .and_then(Value::as_str)
            // A list or a wildcard names no single type to send.
            .filter(|t| !t.contains(',') && !t.contains('*'));
        let default_type = declared
            .or_else(|| file.get("contentMediaType").and_then(Value::as_str))
            .unwrap_or("application/octet-stream")
            .to_string();
        files.push(FilePart {
            property: property.to_string(),
            default_type,
            base64_text: file.get("contentEncoding").and_then(Value::as_str) == Some("base64"),
        });
        let description = schema.get("description").and_then(Value::as_str);
        if is_array {
            let mut array = Map::new();
            array.insert("type".into(), json!("array"));
            let description = description.unwrap_or("Files, sent as one part each.");
            array.insert("description".into(), json!(description));
            array.insert("items".into(), file_schema(None));
            Value::Object(array)
        } else {
            file_schema(description)
        }
    }

    /// The request body to build: JSON first, then urlencoded form, multipart, then text.
    fn body_spec(&self, operation: &'a Value, warn: &mut impl FnMut(String)) -> Option<BodySpec> {
        let (content, choice, required) = self.body_media(operation)?;
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
        let property_encoding = media_object
            .get("encoding")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        Some(BodySpec {
            media: media.clone(),
            encoding,
            schema,
            required,
            defs,
            property_encoding,
        })
    }

    /// The documented request body: its `content`, the media type to build (JSON first, then
    /// urlencoded form, multipart, then text) if there is one, and whether it is required.
    #[allow(clippy::type_complexity)]
    fn body_media(
        &self,
        operation: &'a Value,
    ) -> Option<(
        &'a Map<String, Value>,
        Option<(&'a String, &'a Value, BodyEncoding)>,
        bool,
    )> {
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
                    .find(|(media, _)| media.starts_with("multipart/form-data"))
                    .map(|(m, c)| (m, c, BodyEncoding::Multipart))
            })
            .or_else(|| {
                content
                    .iter()
                    .find(|(media, _)| media.starts_with("text/"))
                    .map(|(m, c)| (m, c, BodyEncoding::Text))
            });
        Some((content, choice, required))
    }

    fn output_schema(
        &self,
        operation: &'a Value,
        warn: &mut impl FnMut(String),
    ) -> Option<(Value, BTreeMap<String, Value>)> {
        let resolved = self
            .resolver
            .resolve(self.response_schema(operation)?, Direction::Output);
        resolved.problems.into_iter().for_each(&mut *warn);
        Some((resolved.schema, resolved.defs.into_iter().collect()))
    }
}

/// An operation the exposure settings let through, with what converting it needs.
struct Candidate<'a> {
    path: &'a String,
    method: &'static str,
    item: &'a Value,
    operation: &'a Value,
    /// The operation's name in warnings.
    label: String,
    info: OperationInfo,
    x_mcp: XMcp,
    kind: McpKind,
    by: &'static str,
}

/// One operation of the document, in order, once the exposure settings have decided.
enum Step<'a> {
    /// A warning met while deciding; `chosen`: the operation was left out by configuration.
    Warning {
        warning: ConversionWarning,
        chosen: bool,
    },
    Convert(Candidate<'a>),
}

/// A parameter's name and location, or why it is left out.
fn parameter_target<'v>(path: &str, param: &'v Value) -> Result<(&'v str, Location), String> {
    let (Some(name), Some(location)) = (
        param.get("name").and_then(Value::as_str),
        param
            .get("in")
            .and_then(Value::as_str)
            .and_then(Location::parse),
    ) else {
        return Err("a parameter without a usable name or location is left out".into());
    };
    if location == Location::Path && !path.contains(&format!("{{{name}}}")) {
        return Err(format!(
            "path parameter '{name}' does not appear in the path template; it is left out"
        ));
    }
    Ok((name, location))
}

/// The schema of a parameter described by `content` instead of `schema` (`true` when its media
/// type has none).
fn content_schema(param: &Value) -> Option<&Value> {
    param
        .get("content")
        .and_then(Value::as_object)
        .and_then(|content| content.values().next())
        .map(|media| media.get("schema").unwrap_or(&Value::Bool(true)))
}

/// A result schema that is not an object, wrapped as `{"result": ..}` (MCP's `outputSchema`
/// and `structuredContent` are objects).
fn wrap_result(schema: Value) -> (Map<String, Value>, bool) {
    let mut root = Map::new();
    root.insert("type".into(), json!("object"));
    // Built directly: `json!` would serialize the whole schema into a copy.
    root.insert("properties".into(), single("result", schema));
    root.insert("required".into(), json!(["result"]));
    (root, true)
}

/// Whether a result schema describes an object; if so, say it at the root with
/// `"type": "object"`, which MCP requires of an `outputSchema` (clients check it).
fn declare_object_root(root: &mut Map<String, Value>) -> bool {
    let describes_object = |schema: &Value| {
        schema.get("type") == Some(&json!("object"))
            || (schema.get("type").is_none() && schema.get("properties").is_some())
    };
    let is_object = match root.get("type") {
        Some(kind) => kind == "object",
        // Untyped: `properties`, or an `allOf` member that is an object, says what was meant.
        None => {
            root.contains_key("properties")
                || root
                    .get("allOf")
                    .and_then(Value::as_array)
                    .is_some_and(|members| members.iter().any(describes_object))
        }
    };
    if is_object {
        root.insert("type".into(), json!("object"));
    }
    is_object
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

/// What one exposed operation became.
enum Exposed {
    Tool(Operation),
    Resource(ResourceEntry),
    Template(TemplateEntry),
}

impl<'a> OperationMapper<'a> {
    /// Apply the configured name, the `x-mcp` title and hints and the response description, then
    /// make the operation the tool or resource `kind` asks for (`by` names who asked).
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        mut op: Operation,
        kind: McpKind,
        by: &str,
        info: &OperationInfo,
        x_mcp: &XMcp,
        operation: &Value,
        taken: &mut HashSet<String>,
        warn: &mut impl FnMut(String),
    ) -> Exposed {
        if let Some(name) = self.exposure.name_for(info, x_mcp) {
            taken.remove(op.tool.name.as_ref());
            let method = info.method.as_str().to_ascii_lowercase();
            let unique = unique_name(Some(name), &method, &info.path, taken);
            if unique != name {
                warn(format!(
                    "the name \"{name}\" is not a valid or free tool name; exposed as \"{unique}\""
                ));
            }
            op.tool.name = unique.into();
        }
        if let Some(title) = &x_mcp.title {
            op.tool.title = Some(title.clone());
        }
        let annotations = op.tool.annotations.get_or_insert_with(ToolAnnotations::new);
        if let Some(title) = &x_mcp.title {
            annotations.title = Some(title.clone());
        }
        let hints = [
            (&mut annotations.read_only_hint, x_mcp.read_only),
            (&mut annotations.destructive_hint, x_mcp.destructive),
            (&mut annotations.idempotent_hint, x_mcp.idempotent),
            (&mut annotations.open_world_hint, x_mcp.open_world),
        ];
        for (slot, hint) in hints {
            if hint.is_some() {
                *slot = hint;
            }
        }
        if self.exposure.describe_responses {
            let text = self
                .success_response(operation)
                .and_then(|(code, response)| {
                    let text = response.get("description")?.as_str()?.trim();
                    (!text.is_empty()).then(|| format!("Responds {code}: {text}"))
                });
            if let Some(text) = text {
                let description = match op.tool.description.as_deref() {
                    Some(existing) if !existing.is_empty() => format!("{existing}\n\n{text}"),
                    _ => text,
                };
                op.tool.description = Some(description.into());
            }
        }
        match kind {
            McpKind::Tool | McpKind::Exclude => Exposed::Tool(op),
            McpKind::Resource | McpKind::ResourceTemplate => self.resource(op, by, operation, warn),
        }
    }

    /// The operation as a resource (no path parameters) or resource template; a tool, with a
    /// warning, when it cannot be read through a URI.
    fn resource(
        &self,
        op: Operation,
        by: &str,
        operation: &Value,
        warn: &mut impl FnMut(String),
    ) -> Exposed {
        let route = &op.route;
        let required = route
            .params
            .iter()
            .find(|p| p.required && p.location != Location::Path);
        let obstacle = if route.method != Method::GET {
            Some(format!(
                "only GET operations can be resources, not {}",
                route.method
            ))
        } else if let Some(param) = required {
            Some(format!(
                "its required {} parameter '{}' cannot be given in a resource URI",
                param.location.suffix(),
                param.name
            ))
        } else if route.body.as_ref().is_some_and(|body| body.required) {
            Some("it requires a request body".into())
        } else {
            None
        };
        if let Some(why) = obstacle {
            warn(format!(
                "{by} maps it to a resource, but {why}; it is a tool instead"
            ));
            return Exposed::Tool(op);
        }
        for param in route
            .params
            .iter()
            .filter(|p| matches!(p.location, Location::Header | Location::Cookie))
        {
            warn(format!(
                "the optional {} parameter '{}' cannot be set through a resource URI; reads go without it",
                param.location.suffix(),
                param.name
            ));
        }
        if route.body.is_some() {
            warn("the optional request body cannot be sent through a resource URI; reads go without it".into());
        }
        let uri = UriTemplate::for_route(&self.uri_base, route);
        let name = op.tool.name.to_string();
        let description = op.tool.description.as_deref().map(str::to_string);
        let title = op.tool.title.clone();
        let mime = self.success_response(operation).and_then(|(_, response)| {
            let content = response.get("content")?.as_object()?;
            content
                .keys()
                .find(|media| is_json(media))
                .or_else(|| content.keys().next())
                .cloned()
        });
        if uri.has_path_variables() {
            let mut template = ResourceTemplate::new(uri.to_template_string(), name);
            template.title = title;
            template.description = description;
            template.mime_type = mime;
            Exposed::Template(TemplateEntry {
                template,
                operation: Arc::new(op),
                uri,
            })
        } else {
            let mut resource = Resource::new(uri.fixed_uri(), name);
            resource.title = title;
            resource.description = description;
            resource.mime_type = mime;
            Exposed::Resource(ResourceEntry {
                resource,
                operation: Arc::new(op),
                uri,
            })
        }
    }

    /// The schema of the first 2xx response's JSON content, which becomes the output schema.
    fn response_schema(&self, operation: &'a Value) -> Option<&'a Value> {
        let responses = operation.get("responses").and_then(Value::as_object)?;
        let mut codes: Vec<&String> = responses
            .keys()
            .filter(|code| code.starts_with('2'))
            .collect();
        codes.sort();
        let response = self.resolver.follow(responses.get(*codes.first()?)?)?;
        let content = response.get("content").and_then(Value::as_object)?;
        let (_, media) = content.iter().find(|(media, _)| is_json(media))?;
        media.get("schema")
    }

    /// The first documented 2xx response, by status code.
    fn success_response<'v>(&'v self, operation: &'v Value) -> Option<(&'v str, &'v Value)> {
        let responses = operation.get("responses").and_then(Value::as_object)?;
        let mut codes: Vec<&String> = responses
            .keys()
            .filter(|code| code.starts_with('2'))
            .collect();
        codes.sort();
        let code = codes.first()?;
        Some((code.as_str(), self.resolver.follow(responses.get(*code)?)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::assert_tool_schema;

    fn catalog(doc: &Value) -> Catalog {
        OperationMapper::new(doc).build()
    }

    fn request(catalog: &Catalog, tool: &str, args: Value) -> http::Request<bytes::Bytes> {
        let op = catalog.get(tool).expect("tool exists");
        crate::request::build_request(
            tool,
            &op.route,
            args.as_object().unwrap(),
            http::HeaderMap::new(),
        )
        .unwrap()
    }

    #[test]
    fn parameter_styles_are_read_from_the_document() {
        let doc = json!({"openapi": "3.1.0", "paths": {"/s": {"get": {
            "operationId": "s",
            "parameters": [
                {"name": "ids", "in": "query", "style": "form", "explode": false,
                 "schema": {"type": "array", "items": {"type": "integer"}}},
                {"name": "filter", "in": "query", "style": "deepObject",
                 "schema": {"type": "object", "properties": {"status": {"type": "string"}}}},
                {"name": "words", "in": "query", "style": "spaceDelimited",
                 "schema": {"type": "array", "items": {"type": "string"}}},
                {"name": "pipes", "in": "query", "style": "pipeDelimited",
                 "schema": {"type": "array", "items": {"type": "string"}}},
                {"name": "where", "in": "query",
                 "content": {"application/json": {"schema": {"type": "object"}}}},
                {"name": "odd", "in": "query", "style": "tabDelimited"}
            ],
            "responses": {"200": {"description": "ok"}}
        }}}});
        let catalog = catalog(&doc);
        let op = catalog.get("s").unwrap();
        let styles: Vec<(Style, bool)> = op
            .route
            .params
            .iter()
            .map(|p| (p.style, p.explode))
            .collect();
        assert_eq!(
            styles,
            [
                (Style::Form, false),
                (Style::DeepObject, true),
                (Style::SpaceDelimited, false),
                (Style::PipeDelimited, false),
                (Style::Json, false),
                (Style::Form, true),
            ]
        );
        assert_eq!(
            op.tool.input_schema["properties"]["where"],
            // Optional, so null is accepted too (and sent as nothing).
            json!({"type": ["object", "null"]})
        );
        assert!(
            catalog
                .warnings
                .iter()
                .any(|w| w.reason.contains("tabDelimited"))
        );
        let request = request(
            &catalog,
            "s",
            json!({"ids": [1, 2], "filter": {"status": "open"}, "words": ["a", "b"],
                   "pipes": ["a", "b"], "where": {"k": 1}}),
        );
        assert_eq!(
            request.uri().to_string(),
            "/s?ids=1,2&filter[status]=open&words=a%20b&pipes=a|b&where=%7B%22k%22%3A1%7D"
        );
        assert_eq!(request.uri().path(), "/s");
        assert_eq!(
            super::super::request::build_request(
                "s",
                &op.route,
                &Map::new(),
                http::HeaderMap::new()
            )
            .unwrap()
            .uri(),
            "/s"
        );
    }

    #[test]
    fn clashing_names_get_suffixes_and_route_back() {
        let doc = json!({"openapi": "3.0.3", "paths": {"/items/{id}": {"put": {
            "operationId": "put_item",
            "parameters": [
                {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "v", "in": "query", "schema": {"type": "string"}},
                {"name": "v", "in": "header", "schema": {"type": "string"}}
            ],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object", "required": ["id"],
                "properties": {"id": {"type": "integer"}, "title": {"type": "string"}}
            }}}},
            "responses": {"204": {"description": "done"}}
        }}}});
        let catalog = catalog(&doc);
        let tool = &catalog.get("put_item").unwrap().tool;
        let mut names: Vec<&String> = tool.input_schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["id__body", "id__path", "title", "v__header", "v__query"]
        );
        assert_eq!(
            tool.input_schema["required"],
            json!(["id__path", "id__body"])
        );
        assert_tool_schema(&Value::Object((*tool.input_schema).clone()));
        let request = request(
            &catalog,
            "put_item",
            json!({"id__path": "a/b", "id__body": 7, "title": "t", "v__query": "q", "v__header": "h"}),
        );
        assert_eq!(request.uri().to_string(), "/items/a%2Fb?v=q");
        assert_eq!(request.headers()["v"], "h");
        assert_eq!(
            serde_json::from_slice::<Value>(request.body()).unwrap(),
            json!({"id": 7, "title": "t"})
        );
    }

    #[test]
    fn multipart_file_fields_become_file_objects() {
        let doc = json!({"openapi": "3.1.0", "paths": {
            "/upload": {"post": {
                "operationId": "upload",
                "requestBody": {"required": true, "content": {"multipart/form-data": {
                    "schema": {"type": "object", "required": ["doc"], "properties": {
                        "title": {"type": "string"},
                        "doc": {"type": "string", "format": "binary", "description": "The document."},
                        "photo": {"type": "string", "contentMediaType": "image/png"},
                        "more": {"type": "array", "items": {"type": "string", "format": "binary"}}
                    }},
                    "encoding": {"doc": {"contentType": "application/pdf"}}
                }}},
                "responses": {"201": {"description": "stored"}}
            }},
            "/raw": {"post": {
                "operationId": "raw",
                "requestBody": {"content": {"application/octet-stream": {}}},
                "responses": {"204": {"description": "ok"}}
            }}
        }});
        let catalog = catalog(&doc);
        let op = catalog.get("upload").unwrap();
        let input = Value::Object((*op.tool.input_schema).clone());
        assert_tool_schema(&input);
        assert_eq!(input["required"], json!(["doc"]));
        assert_eq!(input["properties"]["title"], json!({"type": "string"}));
        let doc_schema = &input["properties"]["doc"];
        assert_eq!(doc_schema["required"], json!(["filename", "data_base64"]));
        assert!(
            doc_schema["description"]
                .as_str()
                .unwrap()
                .starts_with("The document.\n\nA file")
        );
        assert_eq!(input["properties"]["more"]["items"]["type"], "object");
        let body = op.route.body.as_ref().unwrap();
        assert_eq!(body.encoding, BodyEncoding::Multipart);
        let defaults: Vec<(&str, &str)> = body
            .files
            .iter()
            .map(|f| (f.property.as_str(), f.default_type.as_str()))
            .collect();
        assert_eq!(
            defaults,
            [
                ("doc", "application/pdf"),
                ("more", "application/octet-stream"),
                ("photo", "image/png")
            ]
        );
        // Arguments that fit the schema build a request.
        let args = json!({"doc": {"filename": "a.pdf", "data_base64": "JVBERg=="},
                          "more": [{"filename": "1", "data_base64": ""}]});
        assert!(op.input_validator().unwrap().is_valid(&args));
        let request = request(&catalog, "upload", args);
        let body = String::from_utf8_lossy(request.body());
        assert!(
            body.contains("filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n")
        );
        // A body that cannot be built is reported, naming what was dropped.
        assert!(catalog.get("raw").unwrap().route.body.is_none());
        let warning = catalog
            .warnings
            .iter()
            .find(|w| w.operation == "raw")
            .unwrap();
        assert!(
            warning.reason.contains("application/octet-stream"),
            "{warning}"
        );
    }

    #[test]
    fn every_tool_schema_is_valid_json_schema_2020_12() {
        let doc = json!({"openapi": "3.0.3",
            "paths": {
                "/pets": {
                    "get": {"operationId": "list", "parameters": [
                        {"name": "status", "in": "query",
                         "schema": {"$ref": "#/components/schemas/Status"}},
                        {"name": "limit", "in": "query",
                         "schema": {"type": "integer", "minimum": 1, "exclusiveMinimum": true,
                                    "nullable": true}}
                    ], "responses": {"200": {"description": "ok", "content": {"application/json":
                        {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}}}}},
                    "post": {"operationId": "create", "requestBody": {"required": true,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
                        "responses": {"201": {"description": "ok", "content": {"application/json":
                            {"schema": {"$ref": "#/components/schemas/Pet"}}}}}}
                },
                "/trees": {"put": {"operationId": "tree", "requestBody": {"content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}},
                    "responses": {"200": {"description": "ok", "content": {"application/json":
                        {"schema": {"$ref": "#/components/schemas/Node"}}}}}}},
                "/shapes": {"post": {"operationId": "shape", "requestBody": {"content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Shape"}}}},
                    "responses": {"200": {"description": "ok", "content": {"application/json":
                        {"schema": {"type": "string", "nullable": true}}}}}}}
            },
            "components": {"schemas": {
                "Status": {"type": "string", "enum": ["a", "b"]},
                "Base": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "integer", "readOnly": true}}},
                "Pet": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object",
                    "required": ["name"], "properties": {
                        "name": {"type": "string", "example": "Rex"},
                        "status": {"allOf": [{"$ref": "#/components/schemas/Status"}], "nullable": true},
                        "secret": {"type": "string", "writeOnly": true},
                        "extra": {"type": "object", "additionalProperties": {"type": "integer"}}
                    }}]},
                "Node": {"type": "object", "properties": {
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}},
                "Circle": {"type": "object", "properties": {"r": {"type": "number"}}},
                "Square": {"type": "object", "properties": {"side": {"type": "number"}}},
                "Shape": {"oneOf": [{"$ref": "#/components/schemas/Circle"},
                                    {"$ref": "#/components/schemas/Square"}],
                          "discriminator": {"propertyName": "kind"}}
            }}
        });
        for keep in [false, true] {
            let catalog = OperationMapper::new(&doc).keep_defs(keep).build();
            assert_eq!(catalog.operations.len(), 4);
            assert!(catalog.warnings.is_empty(), "{:?}", catalog.warnings);
            for op in &catalog.operations {
                assert_tool_schema(&Value::Object((*op.tool.input_schema).clone()));
                if let Some(output) = &op.tool.output_schema {
                    assert_tool_schema(&Value::Object((**output).clone()));
                }
            }
            let create = catalog.get("create").unwrap();
            let input = &create.tool.input_schema;
            // The allOf body merged into arguments: `id` is read-only, `secret` write-only.
            assert_eq!(input["required"], json!(["name"]), "keep_defs: {keep}");
            assert!(input["properties"].get("id").is_none());
            assert!(input["properties"].get("secret").is_some());
            let output = create.tool.output_schema.as_ref().unwrap();
            assert!(!create.wraps_result);
            assert!(output["properties"].get("secret").is_none());
            let validator = create.input_validator().unwrap();
            assert!(validator.is_valid(&json!({"name": "Rex", "status": null})));
            assert!(!validator.is_valid(&json!({"name": "Rex", "status": "c"})));
            assert!(catalog.get("tree").unwrap().route.body.as_ref().is_some_and(
                |body| matches!(&body.shape, BodyShape::Properties(p) if p[0].0 == "children")
            ));
        }
    }

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
