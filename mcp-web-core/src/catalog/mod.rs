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
