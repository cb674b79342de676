//! Hand-written MCP components of the fidelity app, for the end-to-end tests of what the mount
//! offers beyond generated tools: progress and logging, resources, prompts, elicitation, and a
//! call that can be cancelled while it runs (its state is observable through another tool).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use mcp_axum::{
    McpConfig,
    curated::{
        CallContext, CuratedPrompt, CuratedResource, CuratedResourceTemplate, CuratedTool,
        HandlerError, LogLevel,
        model::{
            ElicitRequestParams, ElicitationAction, ElicitationSchema, PromptMessage,
            ResourceContents, Role,
        },
    },
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize, JsonSchema)]
struct Steps {
    /// How many steps to run.
    steps: u32,
    /// Pause between steps, in milliseconds.
    #[serde(default)]
    delay_ms: u64,
}

#[derive(Deserialize, JsonSchema)]
struct Task {
    /// Names the task, so its state can be asked for.
    token: String,
}

#[derive(Deserialize, JsonSchema)]
struct NoArguments {}

#[derive(Deserialize, JsonSchema)]
struct Review {
    /// What to review.
    subject: String,
}

/// State of the `wait_forever` tasks, by token.
type Tasks = Arc<Mutex<HashMap<String, &'static str>>>;

/// Marks a task stopped when its future is dropped (cancelled) rather than finishing.
struct StopGuard {
    tasks: Tasks,
    token: String,
}

impl Drop for StopGuard {
    fn drop(&mut self) {
        let mut tasks = self.tasks.lock().unwrap_or_else(|p| p.into_inner());
        tasks.insert(self.token.clone(), "stopped");
    }
}

async fn count_steps(args: Steps, cx: CallContext) -> Result<String, HandlerError> {
    let total = f64::from(args.steps);
    for step in 1..=args.steps {
        tokio::time::sleep(Duration::from_millis(args.delay_ms)).await;
        let message = format!("step {step} of {}", args.steps);
        cx.progress(f64::from(step), Some(total), Some(&message))
            .await;
        cx.log(LogLevel::Info, json!({"step": step})).await;
    }
    Ok(format!("counted {} steps", args.steps))
}

async fn ask_name(_: NoArguments, cx: CallContext) -> Result<String, HandlerError> {
    let schema = ElicitationSchema::builder()
        .required_string("name")
        .build()
        .map_err(HandlerError::new)?;
    let answer = cx
        .elicit(ElicitRequestParams::FormElicitationParams {
            meta: None,
            message: "What is your name?".into(),
            requested_schema: schema,
        })
        .await?;
    Ok(match (answer.action, answer.content) {
        (ElicitationAction::Accept, Some(content)) => {
            format!("hello {}", content["name"].as_str().unwrap_or("?"))
        }
        (action, _) => format!("no name ({action:?})"),
    })
}

/// The curated components, added to the mount's configuration.
pub(crate) fn add_to(config: McpConfig) -> McpConfig {
    let updates = config.resource_updates();
    let tasks = Tasks::default();
    let waiting = tasks.clone();
    let asked = tasks;
    config
        .tool(CuratedTool::new(
            "count_steps",
            "Count steps, reporting progress and a log message for each",
            count_steps,
        ))
        .tool(CuratedTool::new(
            "wait_forever",
            "Wait (for an hour) until cancelled",
            move |args: Task, _cx: CallContext| {
                let tasks = waiting.clone();
                async move {
                    tasks
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(args.token.clone(), "running");
                    let _guard = StopGuard {
                        tasks,
                        token: args.token,
                    };
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    Ok::<_, HandlerError>("finished".to_string())
                }
            },
        ))
        .tool(CuratedTool::new(
            "task_state",
            "State of a wait_forever task: running, stopped or unknown",
            move |args: Task, _cx: CallContext| {
                let state = asked
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get(&args.token)
                    .copied()
                    .unwrap_or("unknown");
                async move { Ok::<_, HandlerError>(state.to_string()) }
            },
        ))
        .tool(CuratedTool::new(
            "ask_name",
            "Ask the user's name (elicitation)",
            ask_name,
        ))
        .tool(CuratedTool::new(
            "touch_readme",
            "Mark fidelity://readme as changed; returns how many subscribers were told",
            move |_: NoArguments, _cx: CallContext| {
                let updates = updates.clone();
                async move {
                    let notified = updates.updated("fidelity://readme").await;
                    Ok::<_, HandlerError>(notified.to_string())
                }
            },
        ))
        .resource(
            CuratedResource::new("fidelity://readme", "readme", |request, _cx| async move {
                Ok(ResourceContents::text(
                    "The fidelity app echoes requests.",
                    request.uri,
                ))
            })
            .mime_type("text/plain"),
        )
        .resource_template(CuratedResourceTemplate::new(
            "fidelity://echo/{word}",
            "echo",
            |request, _cx| async move {
                let word = request.variables.get("word").cloned().unwrap_or_default();
                Ok(ResourceContents::text(format!("echo: {word}"), request.uri))
            },
        ))
        .prompt(CuratedPrompt::new(
            "review",
            "Review a subject",
            |args: Review, _cx| async move {
                Ok(vec![PromptMessage::new_text(
                    Role::User,
                    format!("Please review {}.", args.subject),
                )])
            },
        ))
}
