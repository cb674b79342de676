//! What the fast lane (`crate::lane`) asks of the server: which tools it may call, whether a
//! 2025-era session wants the log messages of a streamed response, and the call itself — a
//! generated tool run without rmcp's request context.

// Logging (`logging/setLevel`) is deprecated by SEP-2577 for a future protocol; both eras served
// here still have it.
#![allow(deprecated)]

use std::sync::Arc;

use serde_json::{Map, Value};
use tokio_util::sync::CancellationToken;

use super::{McpServer, generated};
use crate::{lane::LogSender, response::ToolAnswer, route::Operation};

impl McpServer {
    /// The generated tool `name`, unless a curated tool answers to it, there is none, it
    /// mirrors arguments into `Mcp-Param-*` headers, or its calls may become tasks: those calls
    /// are rmcp's.
    pub(crate) fn lane_tool(&self, name: &str) -> Option<&Arc<Operation>> {
        if self.mount.registry.tool(name).is_some() {
            return None;
        }
        // rmcp checks the `Mcp-Param-*` headers of such a tool against its arguments.
        let operation = self.mount.catalog.get(name)?;
        // A call that may become a task is rmcp's too: the task methods are there.
        let support = self.mount.tasks.settings.support_of(operation);
        (!operation.mirrors_headers() && !support.allows_tasks()).then_some(operation)
    }

    /// Whether the 2025-era session `id` gets log messages at the `info` level: every session
    /// does until `logging/setLevel` asks for less.
    pub(crate) fn session_wants_info_logs(&self, id: &str) -> bool {
        self.mount.session_levels.wants_info(id)
    }

    /// Call `operation` for the fast lane; `None` when `cancelled` (if given) fired first. The messages of
    /// a streamed response go to `logs`, when given, as log data.
    pub(crate) fn call_in_lane<'a>(
        &'a self,
        operation: &'a Operation,
        arguments: Map<String, Value>,
        incoming: &'a http::request::Parts,
        cancelled: Option<&'a CancellationToken>,
        logs: Option<LogSender>,
    ) -> impl Future<Output = Option<ToolAnswer>> + Send + 'a {
        generated::call_tool_in_lane(&self.mount, operation, arguments, incoming, cancelled, logs)
    }
}
