//! [`TaskSupport`]: whether a tool's calls may become tasks; [`TaskSettings`]: how a mount keeps
//! its tasks (store, time to live, suggested poll interval) and which generated tools run as
//! tasks.

use std::{collections::HashMap, fmt, sync::Arc, time::Duration};

use super::{MemoryTaskStore, TaskStore};
use crate::route::Operation;

/// Whether calls of a tool may become tasks (the tool's `execution.taskSupport`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum TaskSupport {
    /// Never: every call answers in the request (the default).
    #[default]
    Forbidden,
    /// When the client declared the tasks extension, a call that does not finish at once becomes
    /// a task; other clients wait for the result in the request.
    Optional,
    /// Only as tasks: a client that did not declare the tasks extension is refused with
    /// `-32021` (missing required client capability).
    Required,
}

impl TaskSupport {
    /// Its name in `x-mcp` and on the wire: `forbidden`, `optional`, `required`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Forbidden => "forbidden",
            Self::Optional => "optional",
            Self::Required => "required",
        }
    }

    /// The policy named `name`, as [`as_str`](Self::as_str) spells it.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "forbidden" => Some(Self::Forbidden),
            "optional" => Some(Self::Optional),
            "required" => Some(Self::Required),
            _ => None,
        }
    }

    /// Whether calls may become tasks at all.
    pub fn allows_tasks(self) -> bool {
        self != Self::Forbidden
    }
}

/// Who owns a task: a key made from the HTTP request that created it (see
/// [`TaskSettings::owner`]).
type OwnerFn = dyn Fn(&http::request::Parts) -> Option<String> + Send + Sync;

/// How a mount keeps its tasks, and which generated tools run as tasks.
#[derive(Clone)]
pub struct TaskSettings {
    pub(crate) store: Arc<dyn TaskStore>,
    pub(crate) ttl: Duration,
    pub(crate) poll_interval: Duration,
    pub(crate) tools: HashMap<String, TaskSupport>,
    pub(crate) owner: Option<Arc<OwnerFn>>,
    pub(crate) list_page: usize,
}

impl fmt::Debug for TaskSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskSettings")
            .field("store", &self.store)
            .field("ttl", &self.ttl)
            .field("poll_interval", &self.poll_interval)
            .field("tools", &self.tools)
            .field("list_page", &self.list_page)
            .finish_non_exhaustive()
    }
}

impl Default for TaskSettings {
    fn default() -> Self {
        Self {
            store: Arc::new(MemoryTaskStore::default()),
            ttl: Self::DEFAULT_TTL,
            poll_interval: Self::DEFAULT_POLL_INTERVAL,
            tools: HashMap::new(),
            owner: None,
            list_page: Self::DEFAULT_LIST_PAGE,
        }
    }
}

impl TaskSettings {
    /// How long a task stays readable after it was created, by default.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(3600);
    /// How often clients are asked to poll, by default.
    pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(500);
    /// How many tasks one page of `tasks/list` (2025-11-25) holds, by default.
    pub const DEFAULT_LIST_PAGE: usize = 50;

    /// Settings with the defaults: a [`MemoryTaskStore`], one hour to live, polls every half
    /// second.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keep task records in `store` (default: a [`MemoryTaskStore`] of this mount).
    pub fn store(mut self, store: Arc<dyn TaskStore>) -> Self {
        self.store = store;
        self
    }

    /// How long a task stays readable after it was created (its `ttlMs`).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// The poll interval suggested to clients (`pollIntervalMs`).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// How many tasks one page of `tasks/list` (2025-11-25) holds (at least one).
    pub fn list_page(mut self, tasks: usize) -> Self {
        self.list_page = tasks.max(1);
        self
    }

    /// Let calls of the generated tool `tool` become tasks (as `x-mcp.taskSupport` does in the
    /// OpenAPI document; this setting wins).
    pub fn tool(mut self, tool: impl Into<String>, support: TaskSupport) -> Self {
        self.tools.insert(tool.into(), support);
        self
    }

    /// The policy of the generated tool of `operation`: this setting's for its name, else the
    /// operation's own (from its document).
    pub(crate) fn support_of(&self, operation: &Operation) -> TaskSupport {
        let configured = self.tools.get(&*operation.tool.name).copied();
        configured.unwrap_or(operation.task_support)
    }

    /// Who owns the tasks a request creates: a key only that caller's later requests produce,
    /// e.g. the subject of its verified token. Another owner can neither read nor cancel the
    /// task. Default: the MCP session, else the request's `Authorization` header (hashed), else
    /// nobody in particular (task ids are 128 random bits, known only to their creator).
    pub fn owner<F>(mut self, owner: F) -> Self
    where
        F: Fn(&http::request::Parts) -> Option<String> + Send + Sync + 'static,
    {
        self.owner = Some(Arc::new(owner));
        self
    }

    /// The owner key of `request`.
    pub(crate) fn owner_of(&self, request: Option<&http::request::Parts>) -> String {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let Some(request) = request else {
            return String::new();
        };
        if let Some(owner) = &self.owner {
            return owner(request).map_or_else(String::new, |o| format!("by:{o}"));
        }
        let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
        if let Some(session) = header("mcp-session-id") {
            return format!("session:{session}");
        }
        if let Some(authorization) = header("authorization") {
            // Not the credential itself: a shared store would hand it to whoever reads it.
            let mut hasher = DefaultHasher::new();
            authorization.hash(&mut hasher);
            return format!("auth:{:016x}", hasher.finish());
        }
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)]) -> http::request::Parts {
        let mut builder = http::Request::builder();
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).unwrap().into_parts().0
    }

    #[test]
    fn policies_read_as_they_are_written() {
        for support in [
            TaskSupport::Forbidden,
            TaskSupport::Optional,
            TaskSupport::Required,
        ] {
            assert_eq!(TaskSupport::parse(support.as_str()), Some(support));
        }
        assert_eq!(TaskSupport::parse("always"), None);
        assert!(!TaskSupport::default().allows_tasks());
    }

    #[test]
    fn owners_come_from_the_session_then_the_credential() {
        let settings = TaskSettings::new();
        let session = request(&[("mcp-session-id", "s1"), ("authorization", "Bearer a")]);
        assert_eq!(settings.owner_of(Some(&session)), "session:s1");
        let ana = settings.owner_of(Some(&request(&[("authorization", "Bearer a")])));
        let bob = settings.owner_of(Some(&request(&[("authorization", "Bearer b")])));
        assert!(ana.starts_with("auth:") && !ana.contains("Bearer"), "{ana}");
        assert_ne!(ana, bob);
        assert_eq!(settings.owner_of(Some(&request(&[]))), "");
        let custom = TaskSettings::new().owner(|r| {
            r.headers
                .get("x-user")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        });
        assert_eq!(
            custom.owner_of(Some(&request(&[("x-user", "ana")]))),
            "by:ana"
        );
    }
}
