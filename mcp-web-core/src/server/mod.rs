//! The MCP server behind a mount: one [`McpServer`] per mount, cloned per session, serving the
//! catalog's generated tools and resources and the curated components.
//!
//! | file | owns |
//! |---|---|
//! | `handler.rs` | the MCP methods (rmcp's `ServerHandler`), routing each to what serves it |
//! | `generated.rs` | generated tools and resources: validate, build, dispatch, read, map |
//! | `curated.rs` | runs of curated handlers |
//! | `context.rs` | the `CallContext` of a request |
//! | `mount.rs` | what a mount shares across sessions, and one session's state |
//! | `tasks.rs` | calls that become tasks, and `tasks/get`, `tasks/update`, `tasks/cancel` |
//! | `tasks_2025.rs` | the 2025-11-25 task methods and the task fields rmcp's answers lack |
//! | `outcome.rs` | handler outcomes as protocol answers |
//! | `info.rs` | what the server announces: name, version, instructions, capabilities |
//! | `lane.rs` | what the fast lane asks of the server: the tools it may call, the call |
//! | `search.rs` | discovery mode: the short list, `search_tools`, `call_tool` |
//! | `registry.rs` | the curated components, checked at mount time and indexed |
//! | `state.rs` | sealed `requestState` across 2026-07-28 rounds |
//! | `guard.rs` | the time limit, panic catch and cancellation of every call |
//!
//! Each file uses only files below it in this table; only `handler` knows [`McpServer`].

mod context;
mod curated;
mod generated;
mod guard;
mod handler;
mod info;
mod lane;
mod mount;
mod outcome;
mod registry;
mod search;
mod state;
mod tasks;
mod tasks_2025;

use std::{collections::HashMap, sync::Arc};

use rmcp::{RoleServer, service::RequestContext};

use crate::{
    McpConfig, MountError, Preview, ToolFinder,
    catalog::{ConversionWarning, build_catalog},
    dispatch::Dispatcher,
    oauth::{Access, ToolView},
    tasks::TaskSupport,
};
use mount::{Mount, Session};
use registry::Registry;
use search::finder;

/// One mount's server; each MCP session holds a cheap clone with its own session state.
#[derive(Clone)]
pub(crate) struct McpServer {
    mount: Arc<Mount>,
    session: Arc<Session>,
}

impl std::fmt::Debug for McpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("McpServer")
            .field("tools", &self.mount.catalog.operations.len())
            .field("curated_tools", &self.mount.registry.curated.tools.len())
            .finish_non_exhaustive()
    }
}

impl McpServer {
    /// The server of a mount of `config` at `mount_path`, calling tools through `dispatcher`.
    /// The catalog is built here, once, and the curated components are checked against it.
    pub(crate) fn new(
        config: &McpConfig,
        mount_path: &str,
        dispatcher: Arc<dyn Dispatcher>,
    ) -> Result<Self, MountError> {
        Ok(Self {
            mount: Arc::new(Mount::new(config, mount_path, dispatcher)?),
            session: Arc::default(),
        })
    }

    /// The server for a new session: same mount, fresh session state.
    pub(crate) fn for_session(&self) -> Self {
        Self {
            mount: self.mount.clone(),
            session: Arc::default(),
        }
    }

    /// The mount's OAuth rules, when OAuth is on.
    pub(crate) fn access(&self) -> Option<Arc<crate::oauth::Access>> {
        self.mount.access.clone()
    }

    /// Which tools lists show the caller of `context`'s request (with per-tool scopes, what it
    /// may call).
    fn tool_view(&self, context: &RequestContext<RoleServer>) -> ToolView<'_> {
        let incoming = context.extensions.get::<http::request::Parts>();
        Access::view(self.mount.access.as_deref(), incoming)
    }

    pub(crate) fn warnings(&self) -> &[ConversionWarning] {
        &self.mount.catalog.warnings
    }

    pub(crate) fn preview(&self) -> Preview {
        let mut preview = self.mount.catalog.preview();
        self.mount.registry.extend_preview(&mut preview);
        tasks_2025::show_execution(&mut preview.tools, |name| self.task_support(name));
        preview
    }
}

/// What a mount of `config` would offer, without a server: the catalog and the curated
/// components, checked against each other as a mount checks them.
pub(crate) fn preview(config: &McpConfig) -> Result<Preview, MountError> {
    let catalog = build_catalog(config, None)?;
    let curated = Registry::new(&config.curated, &catalog)?;
    // Taken before the catalog is consumed: the few tools whose calls may become tasks.
    let policy = |name| tasks_2025::policy(&curated, &catalog, &config.tasks, name);
    let tasks: HashMap<String, TaskSupport> = (catalog.tools().map(|tool| &*tool.name))
        .chain(curated.tool_names())
        .map(|name| (name, policy(name)))
        .filter(|(_, support)| support.allows_tasks())
        .map(|(name, support)| (name.to_owned(), support))
        .collect();
    let mut preview = catalog.into_preview();
    curated.extend_preview(&mut preview);
    tasks_2025::show_execution(&mut preview.tools, |name| {
        tasks.get(name).copied().unwrap_or_default()
    });
    Ok(preview)
}

/// The finder of the tools a mount of `config` would serve, discovery mode on or not.
pub(crate) fn tool_finder(config: &McpConfig) -> Result<ToolFinder, MountError> {
    let catalog = build_catalog(config, None)?;
    let curated = Registry::new(&config.curated, &catalog)?;
    Ok(finder(&catalog, &curated, config.document()?))
}
