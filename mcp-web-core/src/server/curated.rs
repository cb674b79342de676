//! Runs of curated handlers: each gets its [`CallContext`](crate::curated::CallContext) (with
//! the answers of earlier rounds), runs under the guard, and its outcome becomes the protocol's
//! answer. Completions are plain functions and run directly.

use std::{collections::HashMap, sync::Arc, time::Duration};

use futures::{FutureExt, future::BoxFuture};
use tokio_util::sync::CancellationToken;

use rmcp::{
    ErrorData, RoleServer,
    model::{
        CallToolRequestParams, CallToolResponse, CompleteRequestParams, CompleteResult,
        CompletionInfo, GetPromptRequestParams, GetPromptResponse, ReadResourceRequestParams,
        ReadResourceResponse, ReadResourceResult, Reference,
    },
    service::RequestContext,
};

use super::{
    context::{call_context, task_call_context},
    guard::{Interrupted, cancelled_error, guarded},
    mount::{Mount, Session},
    outcome::{rpc_outcome, tool_outcome},
    registry::Registry,
    tasks::{CallMode, RunEnd, call_mode},
};
use crate::{
    curated::{CompletionTarget, CuratedPrompt, CuratedTool, HandlerError, ResourceRequest},
    tasks::inbox::TaskSlot,
};

/// Run a curated tool under its time limit (or the mount's). A task-capable tool called by a
/// client that takes tasks may become a task (see [`Tasks::run`](super::tasks::Tasks::run)).
pub(super) async fn call_tool(
    mount: &Arc<Mount>,
    session: &Session,
    tool: &CuratedTool,
    request: CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> Result<CallToolResponse, ErrorData> {
    let name = tool.tool.name.to_string();
    let rounds = mount.request_state.rounds(format!("tools/call {name}"));
    let answers = rounds.answers(request.request_state.as_deref(), request.input_responses)?;
    let arguments = request.arguments.unwrap_or_default();
    let limit = tool.timeout.unwrap_or(mount.call_timeout);
    let mode = call_mode(context, &name, tool.task_support)?;
    if mode == CallMode::InRequest {
        let cx = call_context(session, context, answers);
        let run = (tool.handler)(arguments, cx);
        let end = run_to_end(mount.clone(), name, run, limit, context.ct.clone()).await;
        return end.into_response();
    }
    // A task outlives its request: only `tasks/cancel` stops it.
    let cancel = CancellationToken::new();
    let mut detached = context.clone();
    detached.ct = cancel.clone();
    let slot = TaskSlot::default();
    let cx = task_call_context(session, &detached, answers, slot.clone());
    let run = (tool.handler)(arguments, cx);
    let run = run_to_end(mount.clone(), name.clone(), run, limit, cancel.clone()).boxed();
    (mount.tasks)
        .run(context, &name, mode, run, slot, cancel)
        .await
}

/// Run a curated tool's `run` to its end under the guard.
async fn run_to_end(
    mount: Arc<Mount>,
    name: String,
    run: BoxFuture<'static, Result<CallToolResponse, HandlerError>>,
    limit: Duration,
    cancelled: CancellationToken,
) -> RunEnd {
    let rounds = mount.request_state.rounds(format!("tools/call {name}"));
    match guarded(run, limit, Some(&cancelled)).await {
        Ok(outcome) => match tool_outcome(outcome, &rounds) {
            Ok(response) => RunEnd::Answer(response),
            Err(error) => RunEnd::Error(error),
        },
        Err(Interrupted::TimedOut(limit)) => RunEnd::Broke(format!(
            "Tool '{name}' timed out after {limit:?}; the call was abandoned"
        )),
        Err(Interrupted::Panicked(why)) => RunEnd::Broke(format!("Tool '{name}' panicked: {why}")),
        Err(Interrupted::Cancelled) => RunEnd::Cancelled,
    }
}

/// Read a curated resource, if `request.uri` is one.
pub(super) async fn read_resource(
    mount: &Mount,
    session: &Session,
    request: ReadResourceRequestParams,
    context: &RequestContext<RoleServer>,
) -> Option<Result<ReadResourceResponse, ErrorData>> {
    let curated = &mount.registry.curated;
    let uri = request.uri.as_str();
    let (handler, variables) =
        if let Some(resource) = curated.resources.iter().find(|r| r.resource.uri == uri) {
            (resource.handler.clone(), HashMap::new())
        } else {
            curated.templates.iter().find_map(|template| {
                let matched = template.uri.match_uri(uri)?;
                let variables = matched
                    .into_iter()
                    .filter_map(|(k, v)| Some((k, v.as_str()?.to_string())))
                    .collect();
                Some((template.handler.clone(), variables))
            })?
        };
    let rounds = mount.request_state.rounds(format!("resources/read {uri}"));
    let answers = match rounds.answers(request.request_state.as_deref(), request.input_responses) {
        Ok(answers) => answers,
        Err(error) => return Some(Err(error)),
    };
    let cx = call_context(session, context, answers);
    let read = ResourceRequest {
        uri: uri.to_string(),
        variables,
    };
    let outcome = match guarded(handler(read, cx), mount.call_timeout, Some(&context.ct)).await {
        Ok(outcome) => rpc_outcome(outcome, &rounds),
        Err(interrupted) => Err(rpc_error(interrupted, &format!("Reading '{uri}'"))),
    };
    Some(outcome.map(|answer| match answer {
        Ok(contents) => ReadResourceResult::new(contents).into(),
        Err(input) => ReadResourceResponse::InputRequired(input),
    }))
}

/// Get `prompt` with the request's arguments.
pub(super) async fn get_prompt(
    mount: &Mount,
    session: &Session,
    prompt: &CuratedPrompt,
    request: GetPromptRequestParams,
    context: &RequestContext<RoleServer>,
) -> Result<GetPromptResponse, ErrorData> {
    let name = &request.name;
    let rounds = mount.request_state.rounds(format!("prompts/get {name}"));
    let answers = rounds.answers(request.request_state.as_deref(), request.input_responses)?;
    let cx = call_context(session, context, answers);
    let run = (prompt.handler)(request.arguments.unwrap_or_default(), cx);
    let answer = match guarded(run, mount.call_timeout, Some(&context.ct)).await {
        Ok(outcome) => rpc_outcome(outcome, &rounds),
        Err(interrupted) => Err(rpc_error(interrupted, &format!("Prompt '{name}'"))),
    }?;
    Ok(match answer {
        Ok(result) => result.into(),
        Err(input) => GetPromptResponse::InputRequired(input),
    })
}

/// Complete an argument: the first 100 candidates of the matching completion, and the total;
/// none when no completion matches.
pub(super) fn complete(
    registry: &Registry,
    request: CompleteRequestParams,
) -> Result<CompleteResult, ErrorData> {
    let argument = &request.argument.name;
    let found = registry
        .curated
        .completions
        .iter()
        .find(|c| match (&c.target, &request.r#ref) {
            (CompletionTarget::Prompt { name, argument: a }, Reference::Prompt(p)) => {
                *name == p.name && a == argument
            }
            (
                CompletionTarget::Resource {
                    uri_template,
                    variable,
                },
                Reference::Resource(r),
            ) => *uri_template == r.uri && variable == argument,
            _ => false,
        });
    let context = request
        .context
        .and_then(|c| c.arguments)
        .unwrap_or_default();
    let mut values = match found {
        Some(completion) => (completion.complete)(&request.argument.value, &context),
        None => Vec::new(),
    };
    let total = values.len();
    values.truncate(CompletionInfo::MAX_VALUES);
    let mut info =
        CompletionInfo::new(values).map_err(|why| ErrorData::internal_error(why, None))?;
    info.total = u32::try_from(total).ok();
    info.has_more = Some(total > CompletionInfo::MAX_VALUES);
    Ok(CompleteResult::new(info))
}

/// The JSON-RPC error of a curated resource or prompt handler that did not answer; `what` names
/// the call (`Reading 'docs://guide'`).
fn rpc_error(interrupted: Interrupted, what: &str) -> ErrorData {
    match interrupted {
        Interrupted::TimedOut(_) => ErrorData::internal_error(format!("{what} timed out"), None),
        Interrupted::Panicked(why) => {
            ErrorData::internal_error(format!("{what} panicked: {why}"), None)
        }
        Interrupted::Cancelled => cancelled_error(),
    }
}
