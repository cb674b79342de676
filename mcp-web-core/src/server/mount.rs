//! What one mount shares across its sessions ([`Mount`], read-only, built once) and what one
//! 2025-era session asked for ([`Session`]).

// Logging (`logging/setLevel`) is deprecated by SEP-2577 for a future protocol; both eras served
// here still have it.
#![allow(deprecated)]

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use http::HeaderName;
use rmcp::model::{LoggingLevel, ServerConfig};

use super::{
    info::server_info, registry::Registry, search::Discovery, state::StateCodec, tasks::Tasks,
};
use crate::{
    McpConfig, MountError,
    catalog::{Catalog, build_catalog},
    dispatch::Dispatcher,
    oauth::{Access, ScopeRequirement},
    updates::{ResourceUpdates, Subscriber, lock},
};

/// The read-only state of one mount.
pub(super) struct Mount {
    pub(super) catalog: Catalog,
    pub(super) registry: Registry,
    /// Discovery mode, when it is on: the short tool list and the search index.
    pub(super) discovery: Option<Discovery>,
    /// OAuth, when it is on: who may call and see which tool.
    pub(super) access: Option<Arc<Access>>,
    pub(super) dispatcher: Arc<dyn Dispatcher>,
    pub(super) forward_headers: Vec<HeaderName>,
    pub(super) call_timeout: Duration,
    pub(super) tool_timeouts: HashMap<String, Duration>,
    pub(super) max_response_body_bytes: usize,
    pub(super) info: ServerConfig,
    pub(super) updates: ResourceUpdates,
    pub(super) request_state: StateCodec,
    /// The log level each 2025-era session set, by session id, for the fast lane (which serves
    /// session calls without the session's own [`Session`]).
    pub(super) session_levels: SessionLevels,
    /// Calls that became tasks, and where their records are kept.
    pub(super) tasks: Arc<Tasks>,
}

/// Log levels set by `logging/setLevel`, by session id.
pub(super) type SessionLevels = Arc<Mutex<HashMap<String, LoggingLevel>>>;

impl Mount {
    /// The mount of `config` at `mount_path`, calling tools through `dispatcher`. The catalog
    /// is built here, once, and the curated components are checked against it.
    pub(super) fn new(
        config: &McpConfig,
        mount_path: &str,
        dispatcher: Arc<dyn Dispatcher>,
    ) -> Result<Self, MountError> {
        let catalog = build_catalog(config, Some(mount_path))?;
        let registry = Registry::new(&config.curated, &catalog)?;
        let discovery = match &config.tool_search {
            Some(settings) => Discovery::new(settings, &catalog, &registry, config.document()?)?,
            None => None,
        };
        if let Some(resource) = &config.oauth.resource {
            resource.check(mount_path)?;
        }
        let curated_scopes: Vec<_> = (registry.curated.tools.iter())
            .map(|t| {
                (
                    t.tool.name.as_ref(),
                    ScopeRequirement::all_of(t.scopes.clone()),
                )
            })
            .collect();
        let generated_scopes =
            (catalog.operations.iter()).map(|op| (op.tool.name.as_ref(), &op.scopes));
        let requirements = generated_scopes.chain(curated_scopes.iter().map(|(n, s)| (*n, s)));
        let access = Access::new(&config.oauth, requirements, discovery.is_some()).map(Arc::new);
        let info = server_info(config, &catalog)?;
        let request_state = StateCodec::new(config.request_state_key.as_deref())
            .map_err(MountError::InvalidConfig)?;
        Ok(Self {
            catalog,
            registry,
            discovery,
            access,
            dispatcher,
            forward_headers: config.forward_headers.clone(),
            call_timeout: config.call_timeout,
            tool_timeouts: config.tool_timeouts.clone(),
            max_response_body_bytes: config.max_response_body_bytes,
            info,
            updates: config.resource_updates.clone(),
            request_state,
            session_levels: SessionLevels::default(),
            tasks: Arc::new(Tasks::new(config.tasks.clone())),
        })
    }
}

/// What one 2025-era session asked for (2026-07-28 requests carry it in `_meta`).
#[derive(Default)]
pub(super) struct Session {
    pub(super) log_level: Mutex<Option<LoggingLevel>>,
    pub(super) subscriber: Mutex<Option<Arc<Subscriber>>>,
    /// Where this session's level is also recorded by id, so the record leaves with it.
    pub(super) level_record: Mutex<Option<(SessionLevels, String)>>,
}

impl Session {
    /// Record `level` for this session, here and in the mount's table under `id`.
    pub(super) fn set_level(&self, level: LoggingLevel, levels: &SessionLevels, id: Option<&str>) {
        *lock(&self.log_level) = Some(level);
        if let Some(id) = id {
            lock(levels).insert(id.to_string(), level);
            *lock(&self.level_record) = Some((levels.clone(), id.to_string()));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some((levels, id)) = lock(&self.level_record).take() {
            lock(&levels).remove(&id);
        }
    }
}
