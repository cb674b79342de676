//! The catalog: every exposed OpenAPI operation as an MCP tool or resource, with the route that
//! calls it. Built once at mount time by [`build_catalog`]; read-only afterwards.
//!
//! This file holds the catalog itself (lookups by tool name and resource URI, the [`Preview`],
//! the [`ConversionWarning`]s) and its entry point. Building it is split by concern:
//! - `mapper`: walks the document's operations, asks the exposure settings about each one and
//!   converts the exposed ones with the modules below;
//! - `parameters`: OpenAPI parameters → arguments and the [`Param`](crate::route::Param)s that
//!   send them;
//! - `bodies`: the request body → arguments (file fields included) and its
//!   [`Body`](crate::route::Body);
//! - `arguments`: the tool's input schema those two fill;
//! - `outputs`: the success response → output schema, and what else it tells;
//! - `naming`: the tool's unique name, title, description and annotations;
//! - `resources`: an operation read through a URI instead of called as a tool.

use std::{collections::HashMap, fmt, sync::Arc};

use rmcp::model::Tool;
use serde_json::{Map, Value};

use self::mapper::OperationMapper;
pub(crate) use self::naming::{titles_in_annotations, with_title_in_annotations};
use crate::{
    MountError,
    exposure::Exposure,
    resource::{ResourceEntry, TemplateEntry, coerce_arguments, uri_base},
    route::Operation,
};

mod arguments;
mod bodies;
mod mapper;
mod naming;
mod outputs;
mod parameters;
mod resources;
#[cfg(test)]
mod tests;

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
    /// foldhash: the tool name of every call is looked up here, and SipHash costs more than the
    /// rest of the lookup.
    by_name: HashMap<String, usize, foldhash::fast::RandomState>,
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
/// where each tool is exactly what `tools/list` returns to a client of protocol 2025-06-18 or
/// later. (A 2025-03-26 client, which has no tool-level `title`, also gets each tool's `title` as
/// `annotations.title`.)
///
/// [`McpConfig::preview`]: crate::McpConfig::preview
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    /// Tools, as `tools/list` returns them (to a client of 2025-06-18 or later).
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
            tools: self.tools().map(|tool| tool_json(tool.clone())).collect(),
            resources: self.resources.iter().map(resource_json).collect(),
            resource_templates: self.templates.iter().map(template_json).collect(),
            warnings: self.warnings.clone(),
        }
    }

    /// The preview of a catalog that is not needed afterwards: the tools' schemas are moved
    /// into it instead of copied, and nothing of them is left to free (for a large API both
    /// cost more than building the catalog).
    pub(crate) fn into_preview(self) -> Preview {
        let Self {
            operations,
            resources,
            templates,
            warnings,
            ..
        } = self;
        let resource_json = resources.iter().map(resource_json).collect();
        let resource_templates = templates.iter().map(template_json).collect();
        // The entries share their operations: dropped first, an operation read only as a tool
        // is left with one owner, whose tool can be taken.
        drop((resources, templates));
        let tools = operations
            .into_iter()
            .map(|operation| match Arc::try_unwrap(operation) {
                Ok(operation) => tool_json(operation.tool),
                Err(shared) => tool_json(shared.tool.clone()),
            })
            .collect();
        Preview {
            tools,
            resources: resource_json,
            resource_templates,
            warnings,
        }
    }
}

fn resource_json(entry: &ResourceEntry) -> Value {
    serde_json::to_value(&entry.resource).unwrap_or_default()
}

fn template_json(entry: &TemplateEntry) -> Value {
    serde_json::to_value(&entry.template).unwrap_or_default()
}

/// `tool` as `tools/list` returns it. Serializing into a [`Value`] goes through serde's data model
/// for every node of the schemas, several times slower than moving them: the tool is serialized
/// with empty schemas and its schemas are put in, moved when `tool` held the only reference to
/// them and copied otherwise.
fn tool_json(mut tool: Tool) -> Value {
    let input = std::mem::take(&mut tool.input_schema);
    let output = tool.output_schema.as_mut().map(std::mem::take);
    let Ok(Value::Object(mut json)) = serde_json::to_value(&tool) else {
        return whole_tool_json(tool, input, output);
    };
    let in_place = |json: &Map<String, Value>, key: &str| {
        json.get(key)
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty)
    };
    // Not where rmcp used to put them: serialize the whole tool after all.
    if !in_place(&json, "inputSchema") || (output.is_some() && !in_place(&json, "outputSchema")) {
        return whole_tool_json(tool, input, output);
    }
    json.insert(
        "inputSchema".into(),
        Value::Object(Arc::unwrap_or_clone(input)),
    );
    if let Some(output) = output {
        json.insert(
            "outputSchema".into(),
            Value::Object(Arc::unwrap_or_clone(output)),
        );
    }
    Value::Object(json)
}

/// `tool` with its schemas put back, serialized through serde.
fn whole_tool_json(
    mut tool: Tool,
    input: Arc<Map<String, Value>>,
    output: Option<Arc<Map<String, Value>>>,
) -> Value {
    tool.input_schema = input;
    tool.output_schema = output;
    serde_json::to_value(&tool).unwrap_or_default()
}

/// What a catalog is built from: the OpenAPI document and the settings that choose what it
/// exposes. The catalog's owner hands it over through [`CatalogSource`], so the catalog never
/// reads the configuration.
#[derive(Debug)]
pub(crate) struct CatalogInput<'a> {
    /// The OpenAPI document, as JSON.
    pub(crate) document: &'a Value,
    /// Keep component schemas under `$defs` instead of inlining them.
    pub(crate) keep_defs: bool,
    /// Output schemas as resolved, without dropping `examples` or moving repeated parts.
    pub(crate) full_output_schemas: bool,
    /// What is exposed, and as what.
    pub(crate) exposure: &'a Exposure,
    /// The server's name: the host of resource URIs when no base is configured.
    pub(crate) server_name: String,
}

/// Where a catalog's [`CatalogInput`] comes from: the mount's configuration implements it.
pub(crate) trait CatalogSource {
    /// The document and settings to build the catalog from, or why there are none.
    fn catalog_input(&self) -> Result<CatalogInput<'_>, MountError>;
}

/// The catalog of `source`'s document; `mount_path` (the MCP endpoint) is never exposed.
pub(crate) fn build_catalog(
    source: &impl CatalogSource,
    mount_path: Option<&str>,
) -> Result<Catalog, MountError> {
    let input = source.catalog_input()?;
    let mut mapper = OperationMapper::new(input.document)
        .keep_defs(input.keep_defs)
        .compact_outputs(!input.full_output_schemas);
    if let Some(path) = mount_path {
        mapper = mapper.exclude_path(path);
    }
    let base = uri_base(
        input.exposure.resource_uri_base.as_deref(),
        &input.server_name,
    );
    mapper = mapper.expose(input.exposure.clone(), base);
    Ok(mapper.build())
}
