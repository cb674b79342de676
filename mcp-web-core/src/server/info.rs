//! What the server announces at initialization (and `server/discover`): name, version,
//! instructions and capabilities.

// Logging is deprecated by SEP-2577 for a future protocol; both eras served here still have it.
#![allow(deprecated)]

use rmcp::model::{
    ExtensionCapabilities, Implementation, JsonObject, PromptsCapability, ResourcesCapability,
    ServerCapabilities, ServerConfig, TASKS_EXTENSION_ID,
};
use serde_json::Value;

use crate::{McpConfig, MountError, catalog::Catalog};

/// The announcement of a mount of `config` serving `catalog`.
pub(super) fn server_info(
    config: &McpConfig,
    catalog: &Catalog,
) -> Result<ServerConfig, MountError> {
    let document = config.document()?;
    let info_field = |field: &str| {
        document
            .pointer(&format!("/info/{field}"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let name = config.server_name();
    let version = config
        .version
        .clone()
        .or_else(|| info_field("version"))
        .unwrap_or_else(|| env!("CARGO_PKG_VERSION").into());
    let curated = &config.curated;
    let mut capabilities = ServerCapabilities::builder()
        .enable_tools()
        .enable_logging()
        .build();
    // The tasks extension, when some tool's calls may become tasks.
    let curated_tasks = curated.tools.iter().any(|t| t.task_support.allows_tasks());
    let generated_tasks = (catalog.operations.iter()).any(|op| op.task_support.allows_tasks())
        || config.tasks.tools.values().any(|s| s.allows_tasks());
    if curated_tasks || generated_tasks {
        (capabilities
            .extensions
            .get_or_insert_with(ExtensionCapabilities::new))
        .insert(TASKS_EXTENSION_ID.to_string(), JsonObject::new());
    }
    // Announce resources, prompts and completions only when there are some, so clients do
    // not offer empty lists.
    let has_resources = !catalog.resources.is_empty()
        || !catalog.templates.is_empty()
        || !curated.resources.is_empty()
        || !curated.templates.is_empty();
    if has_resources {
        let mut resources = ResourcesCapability::default();
        resources.subscribe = Some(true);
        capabilities.resources = Some(resources);
    }
    if !curated.prompts.is_empty() {
        capabilities.prompts = Some(PromptsCapability::default());
    }
    if !curated.completions.is_empty() {
        capabilities.completions = Some(Default::default());
    }
    let mut info =
        ServerConfig::new(capabilities).with_server_info(Implementation::new(name, version));
    let instructions = config
        .instructions
        .clone()
        .or_else(|| info_field("description"));
    if let Some(instructions) = instructions {
        info = info.with_instructions(instructions);
    }
    Ok(info)
}
