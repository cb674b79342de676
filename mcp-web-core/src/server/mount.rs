//! What one mount shares across its sessions ([`Mount`], read-only, built once) and what one
//! 2025-era session asked for ([`Session`]).

// Logging (`logging/setLevel`) is deprecated by SEP-2577 for a future protocol; both eras served
// here still have it.
#![allow(deprecated)]

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
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
pub(super) type SessionLevels = Arc<LevelTable>;

/// The levels sessions set, and how many of them are above `info`: a lane call reads that count
/// without the lock, since nearly every session keeps the default and gets its log messages.
#[derive(Debug, Default)]
pub(super) struct LevelTable {
    levels: Mutex<HashMap<String, LoggingLevel>>,
    above_info: AtomicUsize,
}

impl LevelTable {
    pub(super) fn set(&self, id: &str, level: LoggingLevel) {
        let mut levels = lock(&self.levels);
        let before = levels.insert(id.to_owned(), level);
        self.count(before, Some(level));
    }

    pub(super) fn remove(&self, id: &str) {
        let mut levels = lock(&self.levels);
        let before = levels.remove(id);
        self.count(before, None);
    }

    /// Whether session `id` gets log messages at the `info` level.
    pub(super) fn wants_info(&self, id: &str) -> bool {
        self.above_info.load(Ordering::Acquire) == 0
            || !above_info(lock(&self.levels).get(id).copied())
    }

    // Called with the lock held, so the count moves with the table.
    fn count(&self, before: Option<LoggingLevel>, after: Option<LoggingLevel>) {
        match (above_info(before), above_info(after)) {
            (false, true) => {
                self.above_info.fetch_add(1, Ordering::Release);
            }
            (true, false) => {
                self.above_info.fetch_sub(1, Ordering::Release);
            }
            _ => {}
        }
    }
}

fn above_info(level: Option<LoggingLevel>) -> bool {
    level.is_some_and(|level| !matches!(level, LoggingLevel::Debug | LoggingLevel::Info))
}

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
            levels.set(id, level);
            *lock(&self.level_record) = Some((levels.clone(), id.to_string()));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some((levels, id)) = lock(&self.level_record).take() {
            levels.remove(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use rmcp::model::LoggingLevel;

    use super::LevelTable;

    #[test]
    fn a_session_above_info_is_told_apart_and_the_count_follows_the_table() {
        let table = LevelTable::default();
        assert!(table.wants_info("a") && table.wants_info("b"));
        table.set("a", LoggingLevel::Warning);
        assert!(!table.wants_info("a") && table.wants_info("b"));
        table.set("a", LoggingLevel::Error);
        table.set("b", LoggingLevel::Debug);
        assert!(!table.wants_info("a") && table.wants_info("b"));
        table.set("a", LoggingLevel::Info);
        assert!(table.wants_info("a"));
        table.set("b", LoggingLevel::Critical);
        table.remove("b");
        table.remove("never-set");
        assert!(table.wants_info("b"));
        assert_eq!(
            table.above_info.load(std::sync::atomic::Ordering::Relaxed),
            0
        );
    }
}
