//! The [`Registry`] of a mount's curated components: checked once, at mount time, against each
//! other and the catalog (no clashing names, no completion of what is not served), and indexed
//! for lookups.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use crate::{
    MountError, Preview,
    catalog::Catalog,
    curated::{CompletionTarget, Curated, CuratedTool},
};

/// The curated components of a mount, checked against the catalog, with the tools indexed by
/// name.
pub(super) struct Registry {
    pub(super) curated: Curated,
    tools: HashMap<String, CuratedTool>,
}

impl Registry {
    /// The registry of `curated`; an error when a name or URI clashes with another component or
    /// a completion refers to something the mount does not serve.
    pub(super) fn new(curated: &Curated, catalog: &Catalog) -> Result<Self, MountError> {
        check(curated, catalog)?;
        let tools = curated.tools.iter();
        Ok(Self {
            curated: curated.clone(),
            tools: tools
                .map(|t| (t.tool.name.to_string(), t.clone()))
                .collect(),
        })
    }

    pub(super) fn tool(&self, name: &str) -> Option<&CuratedTool> {
        self.tools.get(name)
    }

    /// The names of the curated tools.
    pub(super) fn tool_names(&self) -> impl Iterator<Item = &str> {
        self.tools.keys().map(String::as_str)
    }

    /// Add the curated tools, resources and templates to a preview.
    pub(super) fn extend_preview(&self, preview: &mut Preview) {
        let curated = &self.curated;
        preview
            .tools
            .extend(curated.tools.iter().map(|t| json(&t.tool)));
        preview
            .resources
            .extend(curated.resources.iter().map(|r| json(&r.resource)));
        preview
            .resource_templates
            .extend(curated.templates.iter().map(|t| json(&t.template)));
    }
}

fn json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// Refuse names that clash with each other or with what the OpenAPI document generated, and
/// completions of what the mount does not serve.
fn check(curated: &Curated, catalog: &Catalog) -> Result<(), MountError> {
    let clash = |what: String| Err(MountError::NameClash(what));
    let mut tools = HashSet::new();
    for tool in &curated.tools {
        let name = tool.tool.name.as_ref();
        if catalog.get(name).is_some() {
            return clash(format!(
                "curated tool '{name}' has the name of a tool generated from the OpenAPI document; rename one of them (CuratedTool::new, McpConfig::rename_operation or x-mcp)"
            ));
        }
        if !tools.insert(name) {
            return clash(format!(
                "two curated tools are named '{name}'; rename one of them"
            ));
        }
        if let Err(why) = crate::header_params::check(&tool.tool.input_schema) {
            return Err(MountError::InvalidConfig(format!(
                "curated tool '{name}': {why}"
            )));
        }
    }
    let mut uris = HashSet::new();
    let generated = catalog.resources.iter().map(|e| e.resource.uri.as_str());
    for uri in generated.chain(curated.resources.iter().map(|r| r.resource.uri.as_str())) {
        if !uris.insert(uri) {
            return clash(format!(
                "two resources have the URI '{uri}'; change one of them (CuratedResource::new, McpConfig::resource_uri_base)"
            ));
        }
    }
    let mut templates = HashSet::new();
    let generated = catalog
        .templates
        .iter()
        .map(|e| e.template.uri_template.as_str());
    let own = curated
        .templates
        .iter()
        .map(|t| t.template.uri_template.as_str());
    for template in generated.chain(own) {
        if !templates.insert(template) {
            return clash(format!(
                "two resource templates are '{template}'; change one of them (CuratedResourceTemplate::new, McpConfig::resource_uri_base)"
            ));
        }
    }
    let mut prompts = HashSet::new();
    for prompt in &curated.prompts {
        if !prompts.insert(prompt.prompt.name.as_str()) {
            return clash(format!(
                "two prompts are named '{}'; rename one of them",
                prompt.prompt.name
            ));
        }
    }
    for completion in &curated.completions {
        let known = match &completion.target {
            CompletionTarget::Prompt { name, argument } => curated.prompts.iter().any(|p| {
                p.prompt.name == *name
                    && p.prompt
                        .arguments
                        .iter()
                        .flatten()
                        .any(|a| a.name == *argument)
            }),
            CompletionTarget::Resource { uri_template, .. } => {
                templates.contains(uri_template.as_str())
            }
        };
        if !known {
            return Err(MountError::UnknownCompletionTarget(format!(
                "an ArgumentCompletion completes {}, which this mount does not serve; correct its names or add what it completes",
                completion.target
            )));
        }
    }
    Ok(())
}
