//! The [`CallContext`] of one request, made from what rmcp knows of it: the client connection,
//! `_meta` (progress token, log level, 2026-07-28 capabilities), the session's log level and the
//! HTTP request that carried it.

// Logging is deprecated by SEP-2577 for a future protocol; both eras served here still have it.
#![allow(deprecated)]

use std::{collections::BTreeMap, sync::Arc};

use rmcp::{RoleServer, model::LoggingLevel, service::RequestContext};
use serde_json::Value;

use super::mount::Session;
use crate::{
    curated::{CallContext, ContextParts, LogFilter},
    tasks::inbox::TaskSlot,
    updates::lock,
};

/// The first protocol version without server-to-client requests.
const STATELESS_ERA: &str = "2026-07-28";

/// The context of `context`'s request for a curated handler: with the HTTP request that carried
/// it and the `answers` the client gave so far.
pub(super) fn call_context(
    session: &Session,
    context: &RequestContext<RoleServer>,
    answers: BTreeMap<String, Value>,
) -> CallContext {
    task_call_context(session, context, answers, Arc::default())
}

/// [`call_context`] of a call that may become a task: its questions wait in the task put in
/// `task` once it is there.
pub(super) fn task_call_context(
    session: &Session,
    context: &RequestContext<RoleServer>,
    answers: BTreeMap<String, Value>,
    task: TaskSlot,
) -> CallContext {
    let request = context.extensions.get::<http::request::Parts>().cloned();
    context_with(session, context, request, answers, task)
}

/// The context that relays a streamed response: it needs the client connection only, not a
/// second copy of the HTTP request. In a call that became a task, the task put in `task` shows
/// the latest message as its status message.
pub(super) fn relay_context(
    session: &Session,
    context: &RequestContext<RoleServer>,
    task: TaskSlot,
) -> CallContext {
    context_with(session, context, None, BTreeMap::new(), task)
}

fn context_with(
    session: &Session,
    context: &RequestContext<RoleServer>,
    request: Option<http::request::Parts>,
    answers: BTreeMap<String, Value>,
    task: TaskSlot,
) -> CallContext {
    let meta = &context.meta;
    let protocol_version = context
        .protocol_version()
        .map(|v| v.as_str().to_string())
        .unwrap_or_default();
    let stateless = protocol_version.as_str() >= STATELESS_ERA;
    let client_capabilities = if stateless {
        meta.client_capabilities()
    } else {
        context
            .peer
            .peer_info()
            .map(|info| info.capabilities.clone())
    };
    let requested_level: Option<LoggingLevel> = meta
        .0
        .get("io.modelcontextprotocol/logLevel")
        .and_then(|v| serde_json::from_value(v.clone()).ok());
    // 2025-era sessions get every message until `logging/setLevel`; a 2026-07-28 request
    // gets log messages only when its `_meta` opts in with a level.
    let log_filter = match (requested_level, stateless) {
        (Some(level), _) => LogFilter::AtLeast(level),
        (None, true) => LogFilter::Off,
        (None, false) => lock(&session.log_level).map_or(LogFilter::All, LogFilter::AtLeast),
    };
    CallContext::new(ContextParts {
        peer: context.peer.clone(),
        progress_token: meta.get_progress_token(),
        request,
        cancelled: context.ct.clone(),
        protocol_version,
        stateless,
        log_filter,
        answers,
        client_capabilities,
        task,
    })
}
