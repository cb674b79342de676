//! The fixtures the official conformance suite calls, as curated components on an
//! [`McpConfig`] — framework-neutral: [`mcp_config`] is the same for every web framework.
//!
//! Names, texts and shapes follow the suite's own reference server
//! (`examples/servers/typescript/everything-server.ts` in modelcontextprotocol/conformance).
//! Everything here is what a user of mcp-web would write: `CuratedTool::new`,
//! `CuratedResource::new`, `CuratedPrompt::new`, `ArgumentCompletion::prompt` and the
//! [`CallContext`] a handler gets.

// Logging and sampling are deprecated by SEP-2577 for a future protocol; both protocol eras the
// suite tests still have them.
#![allow(deprecated)]

use std::time::Duration;

use mcp_web_core::{
    McpConfig,
    curated::{
        ArgumentCompletion, CallContext, CuratedPrompt, CuratedResource, CuratedResourceTemplate,
        CuratedTool, HandlerError, LogLevel,
        model::{
            CallToolResult, ContentBlock, CreateMessageRequestParams, ElicitRequestParams,
            ElicitResult, ElicitationAction, ElicitationSchema, PromptMessage, ResourceContents,
            Role, SamplingMessage,
        },
    },
    tasks::TaskSupport,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

/// A 1×1 red PNG (the suite's `TEST_IMAGE_BASE64`).
const TEST_IMAGE_BASE64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
/// A minimal WAV file (the suite's `TEST_AUDIO_BASE64`).
const TEST_AUDIO_BASE64: &str = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

/// The pause between the steps of the logging and progress tools.
const STEP: Duration = Duration::from_millis(50);

/// Every fixture of the suite, added to a mount of `api` (whose operations stay generated tools).
pub(crate) fn mcp_config(api: utoipa::openapi::OpenApi) -> McpConfig {
    let config = McpConfig::new(api)
        .name("mcp-web-conformance")
        .instructions("Fixtures of the official MCP conformance suite, served by mcp-web.");
    let config = content_tools(config);
    let config = context_tools(config);
    let config = input_required_tools(config);
    let config = schema_tools(config);
    let config = task_tools(config);
    let config = resources(config);
    prompts(config)
}

/// Tools called without arguments.
#[derive(Debug, Deserialize, JsonSchema)]
struct NoArguments {}

/// Tools whose answer is fixed content: text, image, audio, embedded resources, an error.
fn content_tools(config: McpConfig) -> McpConfig {
    config
        .tool(CuratedTool::new(
            "test_simple_text",
            "Tests simple text content response",
            |_: NoArguments, _cx| async move {
                Ok("This is a simple text response for testing.".to_string())
            },
        ))
        .tool(CuratedTool::new(
            "test_image_content",
            "Tests image content response",
            |_: NoArguments, _cx| async move {
                Ok(CallToolResult::success(vec![ContentBlock::image(
                    TEST_IMAGE_BASE64,
                    "image/png",
                )]))
            },
        ))
        .tool(CuratedTool::new(
            "test_audio_content",
            "Tests audio content response",
            |_: NoArguments, _cx| async move {
                Ok(CallToolResult::success(vec![ContentBlock::audio(
                    TEST_AUDIO_BASE64,
                    "audio/wav",
                )]))
            },
        ))
        .tool(CuratedTool::new(
            "test_embedded_resource",
            "Tests embedded resource content response",
            |_: NoArguments, _cx| async move {
                Ok(CallToolResult::success(vec![ContentBlock::resource(
                    ResourceContents::text(
                        "This is an embedded resource content.",
                        "test://embedded-resource",
                    )
                    .with_mime_type("text/plain"),
                )]))
            },
        ))
        .tool(CuratedTool::new(
            "test_multiple_content_types",
            "Tests response with multiple content types (text, image, resource)",
            |_: NoArguments, _cx| async move {
                Ok(CallToolResult::success(vec![
                    ContentBlock::text("Multiple content types test:"),
                    ContentBlock::image(TEST_IMAGE_BASE64, "image/png"),
                    ContentBlock::resource(
                        ResourceContents::text(
                            json!({"test": "data", "value": 123}).to_string(),
                            "test://mixed-content-resource",
                        )
                        .with_mime_type("application/json"),
                    ),
                ]))
            },
        ))
        .tool(CuratedTool::new(
            "test_error_handling",
            "Tests error response handling",
            |_: NoArguments, _cx| async move {
                // A handler error is answered as an `isError` result, for the model to read.
                Err::<String, _>(HandlerError::new(
                    "This tool intentionally returns an error for testing",
                ))
            },
        ))
}

/// The prompt `test_sampling` sends to the client's model.
#[derive(Debug, Deserialize, JsonSchema)]
struct SamplingArguments {
    /// The prompt to send to the LLM.
    prompt: String,
}

/// The message `test_elicitation` shows the user.
#[derive(Debug, Deserialize, JsonSchema)]
struct ElicitationArguments {
    /// The message to show the user.
    message: String,
}

/// Tools that use their [`CallContext`]: logging, progress, sampling and elicitation.
fn context_tools(config: McpConfig) -> McpConfig {
    config
        .tool(CuratedTool::new(
            "test_tool_with_logging",
            "Tests tool that emits log messages during execution",
            |_: NoArguments, cx: CallContext| async move {
                cx.log(LogLevel::Info, "Tool execution started").await;
                tokio::time::sleep(STEP).await;
                cx.log(LogLevel::Info, "Tool processing data").await;
                tokio::time::sleep(STEP).await;
                cx.log(LogLevel::Info, "Tool execution completed").await;
                Ok("Tool with logging executed successfully".to_string())
            },
        ))
        .tool(CuratedTool::new(
            "test_tool_with_progress",
            "Tests tool that reports progress notifications",
            |_: NoArguments, cx: CallContext| async move {
                for step in [0.0, 50.0, 100.0] {
                    if step > 0.0 {
                        tokio::time::sleep(STEP).await;
                    }
                    let message = format!("Completed step {step} of 100");
                    cx.progress(step, Some(100.0), Some(&message)).await;
                }
                Ok("Progress reported: 0, 50 and 100 of 100".to_string())
            },
        ))
        .tool(CuratedTool::new(
            "test_sampling",
            "Tests server-initiated sampling (LLM completion request)",
            |args: SamplingArguments, cx: CallContext| async move {
                let answer = cx.sample(sampling(&args.prompt, 100)).await?;
                Ok(format!("LLM response: {}", sampled_text(&answer.message)))
            },
        ))
        .tool(CuratedTool::new(
            "test_elicitation",
            "Tests server-initiated elicitation (user input request)",
            |args: ElicitationArguments, cx: CallContext| async move {
                let schema = schema(json!({
                    "type": "object",
                    "properties": {
                        "username": {"type": "string", "description": "User's response"},
                        "email": {"type": "string", "description": "User's email address"},
                    },
                    "required": ["username", "email"],
                }))?;
                let answer = cx.elicit(form(args.message, schema)).await?;
                Ok(format!("User response: {}", describe(&answer)))
            },
        ))
        .tool(CuratedTool::new(
            "test_elicitation_sep1034_defaults",
            "Tests elicitation with default values for all primitive types (SEP-1034)",
            |_: NoArguments, cx: CallContext| async move {
                let schema = schema(json!({
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "description": "User name", "default": "John Doe"},
                        "age": {"type": "integer", "description": "User age", "default": 30},
                        "score": {"type": "number", "description": "User score", "default": 95.5},
                        "status": {
                            "type": "string",
                            "description": "User status",
                            "enum": ["active", "inactive", "pending"],
                            "default": "active",
                        },
                        "verified": {"type": "boolean", "description": "Verification status", "default": true},
                    },
                    "required": [],
                }))?;
                let message = "Please review and update the form fields with defaults";
                let answer = cx.elicit(form(message, schema)).await?;
                Ok(format!("Elicitation completed: {}", describe(&answer)))
            },
        ))
        .tool(CuratedTool::new(
            "test_elicitation_sep1330_enums",
            "Tests elicitation with the enum schema forms of SEP-1330",
            |_: NoArguments, cx: CallContext| async move {
                let choices = |titles: [&str; 3]| {
                    titles
                        .iter()
                        .enumerate()
                        .map(|(i, title)| json!({"const": format!("value{}", i + 1), "title": title}))
                        .collect::<Vec<_>>()
                };
                let schema = schema(json!({
                    "type": "object",
                    "properties": {
                        "untitledSingle": {
                            "type": "string",
                            "description": "Select one option",
                            "enum": ["option1", "option2", "option3"],
                        },
                        "titledSingle": {
                            "type": "string",
                            "description": "Select one option with titles",
                            "oneOf": choices(["First Option", "Second Option", "Third Option"]),
                        },
                        "legacyEnum": {
                            "type": "string",
                            "description": "Select one option (legacy)",
                            "enum": ["opt1", "opt2", "opt3"],
                            "enumNames": ["Option One", "Option Two", "Option Three"],
                        },
                        "untitledMulti": {
                            "type": "array",
                            "description": "Select multiple options",
                            "minItems": 1,
                            "maxItems": 3,
                            "items": {"type": "string", "enum": ["option1", "option2", "option3"]},
                        },
                        "titledMulti": {
                            "type": "array",
                            "description": "Select multiple options with titles",
                            "minItems": 1,
                            "maxItems": 3,
                            "items": {"anyOf": choices(["First Choice", "Second Choice", "Third Choice"])},
                        },
                    },
                    "required": [],
                }))?;
                let message = "Please select options from the enum fields";
                let answer = cx.elicit(form(message, schema)).await?;
                Ok(format!("Elicitation completed: {}", describe(&answer)))
            },
        ))
}

/// Tools of the 2026-07-28 suite that ask the client for input (SEP-2322). On 2026-07-28
/// requests each `cx.elicit` / `cx.sample` answers with an *input required* result and the
/// client calls again with the answer; on 2025-era sessions they are real requests to the client.
fn input_required_tools(config: McpConfig) -> McpConfig {
    config
        .tool(CuratedTool::new(
            "test_input_required_result_elicitation",
            "Asks the user for their name, then greets them",
            |_: NoArguments, cx: CallContext| async move {
                let name = ask_string(&cx, "user_name", "What is your name?", "name").await?;
                Ok(format!("Hello, {name}!"))
            },
        ))
        .tool(CuratedTool::new(
            "test_input_required_result_sampling",
            "Asks the client's model for the capital of France",
            |_: NoArguments, cx: CallContext| async move {
                let question = sampling("What is the capital of France?", 100);
                let answer = cx.sample_named("capital_question", question).await?;
                Ok(format!("The model says: {}", sampled_text(&answer.message)))
            },
        ))
        .tool(CuratedTool::new(
            "test_input_required_result_request_state",
            "Asks the user to confirm",
            |_: NoArguments, cx: CallContext| async move {
                let schema = schema(json!({
                    "type": "object",
                    "properties": {"ok": {"type": "boolean"}},
                    "required": ["ok"],
                }))?;
                let answer = cx
                    .elicit_named("confirm", form("Please confirm", schema))
                    .await?;
                Ok(format!("state-ok: {}", describe(&answer)))
            },
        ))
        .tool(CuratedTool::new(
            "test_input_required_result_multiple_inputs",
            "Asks the user for their name, the model for a greeting and the client for its roots, at once",
            |_: NoArguments, cx: CallContext| async move {
                // One round: the three questions share one input-required result.
                let (name, greeting, roots) = cx
                    .ask()
                    .elicit_named("user_name", string_form("What is your name?", "name")?)
                    .sample_named("greeting", sampling("Generate a greeting", 50))
                    .roots_named("client_roots")
                    .await?;
                let name = accepted_string(&name, "name")?;
                Ok(format!(
                    "{} (for {name}, {} roots)",
                    sampled_text(&greeting.message),
                    roots.roots.len()
                ))
            },
        ))
        .tool(CuratedTool::new(
            "test_input_required_result_multi_round",
            "Asks two questions, one after the other",
            |_: NoArguments, cx: CallContext| async move {
                let name = ask_string(&cx, "step1", "Step 1: What is your name?", "name").await?;
                let color = ask_string(
                    &cx,
                    "step2",
                    "Step 2: What is your favorite color?",
                    "color",
                )
                .await?;
                Ok(format!("{name} likes {color}"))
            },
        ))
        .tool(CuratedTool::new(
            "test_input_required_result_tampered_state",
            "Asks two questions; the first answer travels in the request state",
            |_: NoArguments, cx: CallContext| async move {
                let name = ask_string(&cx, "user_name", "What is your name?", "name").await?;
                let schema = schema(json!({
                    "type": "object",
                    "properties": {"ok": {"type": "boolean"}},
                    "required": ["ok"],
                }))?;
                let answer = cx
                    .elicit_named("confirm", form("Please confirm", schema))
                    .await?;
                Ok(format!("{name}: {}", describe(&answer)))
            },
        ))
        .tool(CuratedTool::new(
            "test_input_required_result_list_roots",
            "Asks the client for its roots",
            |_: NoArguments, cx: CallContext| async move {
                let roots = cx.list_roots_named("client_roots").await?;
                let uris: Vec<String> = roots.roots.iter().map(|r| r.uri.clone()).collect();
                Ok(format!("Client roots: {}", uris.join(", ")))
            },
        ))
        .tool(CuratedTool::new(
            "test_input_required_result_capabilities",
            "Asks the client's model (sampling) for a fact",
            |_: NoArguments, cx: CallContext| async move {
                let answer = cx
                    .sample(sampling("What is the capital of France?", 100))
                    .await?;
                Ok(format!("The model says: {}", sampled_text(&answer.message)))
            },
        ))
        .tool(CuratedTool::new(
            "test_logging_tool",
            "Sends three log messages, then answers",
            |_: NoArguments, cx: CallContext| async move {
                for message in [
                    "Logging tool started",
                    "Logging tool working",
                    "Logging tool done",
                ] {
                    cx.log(LogLevel::Info, message).await;
                }
                Ok("Logged three messages".to_string())
            },
        ))
        .tool(CuratedTool::new(
            "test_streaming_elicitation",
            "Reports progress, then asks the user for their name",
            |_: NoArguments, cx: CallContext| async move {
                cx.progress(0.0, Some(1.0), Some("Asking for a name")).await;
                let name = ask_string(&cx, "user_name", "What is your name?", "name").await?;
                cx.progress(1.0, Some(1.0), None).await;
                Ok(format!("Hello, {name}!"))
            },
        ))
        .tool(CuratedTool::new(
            "test_missing_capability",
            "Needs sampling: must be refused for a client that did not declare it",
            |_: NoArguments, cx: CallContext| async move {
                let answer = cx.sample(sampling("Say hello", 20)).await?;
                Ok(format!("The model says: {}", sampled_text(&answer.message)))
            },
        ))
}

/// The arguments of `json_schema_2020_12_tool`, written so that schemars gives the suite's
/// schema: `$schema`, `$defs` (with an `$anchor`) reached through `$ref`, composition
/// (`allOf`/`anyOf`), a conditional (`if`/`then`/`else`) and `additionalProperties: false`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(extend(
    "allOf" = [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
    "if" = {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
    "then" = {"required": ["phone"]},
    "else" = {"required": ["email"]},
))]
struct Contact {
    name: Option<String>,
    address: Option<Address>,
    #[schemars(extend("enum" = ["phone", "email", null]))]
    contact_method: Option<String>,
    phone: Option<String>,
    email: Option<String>,
}

/// A postal address, kept once under `$defs` as `address`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(rename = "address", extend("$anchor" = "addressDef"))]
struct Address {
    street: Option<String>,
    city: Option<String>,
}

/// A query run in a region that gateways route on.
#[derive(Debug, Deserialize, JsonSchema)]
struct RegionQuery {
    /// Where the query runs; also sent in the `Mcp-Param-Region` header.
    region: String,
    /// What to run.
    query: Option<String>,
}

/// Tools whose input schemas the suite reads: JSON Schema 2020-12 keywords (SEP-1613,
/// SEP-2106) and an argument mirrored into a header (SEP-2243).
fn schema_tools(config: McpConfig) -> McpConfig {
    config
        .tool(CuratedTool::new(
            "json_schema_2020_12_tool",
            "Tool with JSON Schema 2020-12 features",
            |contact: Contact, _cx: CallContext| async move {
                let reach = match contact.contact_method.as_deref() {
                    Some("phone") => contact.phone,
                    _ => contact.email,
                };
                let city = contact.address.and_then(|a| a.city.or(a.street));
                Ok(format!(
                    "ok: {} reached at {} ({})",
                    contact.name.unwrap_or_default(),
                    reach.unwrap_or_default(),
                    city.unwrap_or_default()
                ))
            },
        ))
        .tool(
            CuratedTool::new(
                "test_header_params",
                "Runs a query in a region; the region also travels in the Mcp-Param-Region header",
                |args: RegionQuery, _cx: CallContext| async move {
                    let query = args.query.unwrap_or_default();
                    Ok(format!("Ran {query:?} in region {}", args.region))
                },
            )
            .header_param("region", "Region"),
        )
}

/// A resource template read: `test://template/{id}/data`.
fn template_data(id: &str, uri: String) -> ResourceContents {
    let data = json!({"id": id, "templateTest": true, "data": format!("Data for ID: {id}")});
    ResourceContents::text(data.to_string(), uri).with_mime_type("application/json")
}

fn resources(config: McpConfig) -> McpConfig {
    config
        .resource(
            CuratedResource::new(
                "test://static-text",
                "static-text",
                |request, _cx| async move {
                    Ok(ResourceContents::text(
                        "This is the content of the static text resource.",
                        request.uri,
                    ))
                },
            )
            .description("A static text resource for testing")
            .mime_type("text/plain"),
        )
        .resource(
            CuratedResource::new(
                "test://static-binary",
                "static-binary",
                |request, _cx| async move {
                    Ok(ResourceContents::blob(TEST_IMAGE_BASE64, request.uri)
                        .with_mime_type("image/png"))
                },
            )
            .description("A static binary resource (image) for testing")
            .mime_type("image/png"),
        )
        .resource(
            CuratedResource::new(
                "test://watched-resource",
                "watched-resource",
                |request, _cx| async move {
                    Ok(ResourceContents::text(
                        "Watched resource content",
                        request.uri,
                    ))
                },
            )
            .description("A resource clients can subscribe to")
            .mime_type("text/plain"),
        )
        .resource_template(
            CuratedResourceTemplate::new(
                "test://template/{id}/data",
                "template",
                |request, _cx| async move {
                    let id = request.variables.get("id").cloned().unwrap_or_default();
                    Ok(template_data(&id, request.uri))
                },
            )
            .description("A resource template with parameter substitution")
            .mime_type("application/json"),
        )
}

/// The two arguments of `test_prompt_with_arguments`.
#[derive(Debug, Deserialize, JsonSchema)]
struct PromptArguments {
    /// First test argument
    arg1: String,
    /// Second test argument
    arg2: String,
}

/// The argument of `test_prompt_with_embedded_resource`.
#[derive(Debug, Deserialize, JsonSchema)]
struct EmbedArguments {
    /// URI of the resource to embed
    #[serde(rename = "resourceUri")]
    resource_uri: String,
}

fn prompts(config: McpConfig) -> McpConfig {
    config
        .prompt(CuratedPrompt::new(
            "test_simple_prompt",
            "A simple prompt without arguments",
            |_: NoArguments, _cx| async move {
                Ok(vec![PromptMessage::new_text(
                    Role::User,
                    "This is a simple prompt for testing.",
                )])
            },
        ))
        .prompt(CuratedPrompt::new(
            "test_prompt_with_arguments",
            "A prompt with required arguments",
            |args: PromptArguments, _cx| async move {
                Ok(vec![PromptMessage::new_text(
                    Role::User,
                    format!(
                        "Prompt with arguments: arg1='{}', arg2='{}'",
                        args.arg1, args.arg2
                    ),
                )])
            },
        ))
        .prompt(CuratedPrompt::new(
            "test_prompt_with_embedded_resource",
            "A prompt that includes an embedded resource",
            |args: EmbedArguments, _cx| async move {
                let resource = ResourceContents::text(
                    "Embedded resource content for testing.",
                    args.resource_uri,
                )
                .with_mime_type("text/plain");
                Ok(vec![
                    PromptMessage::new(Role::User, ContentBlock::resource(resource)),
                    PromptMessage::new_text(
                        Role::User,
                        "Please process the embedded resource above.",
                    ),
                ])
            },
        ))
        .prompt(CuratedPrompt::new(
            "test_prompt_with_image",
            "A prompt that includes image content",
            |_: NoArguments, _cx| async move {
                Ok(vec![
                    PromptMessage::new(
                        Role::User,
                        ContentBlock::image(TEST_IMAGE_BASE64, "image/png"),
                    ),
                    PromptMessage::new_text(Role::User, "Please analyze the image above."),
                ])
            },
        ))
        .prompt(CuratedPrompt::new(
            "test_input_required_result_prompt",
            "A prompt that asks the user for its context first",
            |_: NoArguments, cx: CallContext| async move {
                let context = ask_string(
                    &cx,
                    "user_context",
                    "What context should the prompt use?",
                    "context",
                )
                .await?;
                Ok(vec![PromptMessage::new_text(
                    Role::User,
                    format!("Answer with this context in mind: {context}"),
                )])
            },
        ))
        .completion(ArgumentCompletion::prompt(
            "test_prompt_with_arguments",
            "arg1",
            |typed, _other_arguments| {
                ["paris", "park", "party", "testValue1", "testValue2"]
                    .into_iter()
                    .filter(|candidate| candidate.starts_with(typed))
                    .map(String::from)
                    .collect()
            },
        ))
}

/// `slow_compute`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
struct SlowCompute {
    /// How long to work, in seconds (0: answer at once).
    seconds: u64,
    /// A label echoed in the result.
    #[serde(default)]
    label: Option<String>,
}

/// `greet`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
struct Greet {
    /// Who to greet.
    name: String,
}

/// `confirm_delete`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
struct ConfirmDelete {
    /// The file to delete.
    filename: String,
}

/// How long a task fixture may run (the suite cancels the long ones).
const TASK_LIMIT: Duration = Duration::from_secs(300);

/// The tasks extension's fixtures (SEP-2663): a call of a task-capable tool that has not
/// finished when it first waits becomes a task; questions asked after that wait in the task.
fn task_tools(config: McpConfig) -> McpConfig {
    config
        .tool(CuratedTool::new(
            "greet",
            "Greets someone (never a task)",
            |args: Greet, _: CallContext| async move { Ok(format!("Hello, {}!", args.name)) },
        ))
        .tool(
            CuratedTool::new(
                "slow_compute",
                "Works for `seconds` seconds, then answers (a task for clients that take tasks)",
                |args: SlowCompute, _: CallContext| async move {
                    if args.seconds > 0 {
                        tokio::time::sleep(Duration::from_secs(args.seconds)).await;
                    }
                    let label = args.label.unwrap_or_default();
                    Ok(format!("Computed for {}s ({label})", args.seconds))
                },
            )
            .task_support(TaskSupport::Optional)
            .timeout(TASK_LIMIT),
        )
        .tool(
            CuratedTool::new(
                "failing_job",
                "Fails as a tool after about a second (only as a task)",
                |_: NoArguments, _: CallContext| async move {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    Err::<String, _>(HandlerError::new("The job failed"))
                },
            )
            .task_support(TaskSupport::Required),
        )
        .tool(
            CuratedTool::new(
                "protocol_error_job",
                "Breaks (a panic: a protocol error) after a moment",
                |_: NoArguments, _: CallContext| async move {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    broken_job()
                },
            )
            .task_support(TaskSupport::Optional),
        )
        .tool(
            CuratedTool::new(
                "confirm_delete",
                "Asks the user to confirm deleting a file, then deletes it (as a task)",
                |args: ConfirmDelete, cx: CallContext| async move {
                    // Become a task first: the question then waits in it.
                    tokio::task::yield_now().await;
                    let schema = schema(json!({
                        "type": "object",
                        "properties": {"confirm": {"type": "boolean"}},
                        "required": ["confirm"],
                    }))?;
                    let message = format!("Delete '{}'?", args.filename);
                    let answer = cx.elicit_named("confirm", form(message, schema)).await?;
                    Ok(format!("{}: {}", args.filename, describe(&answer)))
                },
            )
            .task_support(TaskSupport::Optional)
            .timeout(TASK_LIMIT),
        )
        .tool(
            CuratedTool::new(
                "multi_input",
                "Asks the user two questions at once (as a task)",
                |_: NoArguments, cx: CallContext| async move {
                    tokio::task::yield_now().await;
                    let confirm = schema(json!({
                        "type": "object",
                        "properties": {"confirm": {"type": "boolean"}},
                    }))?;
                    let (name, confirmed) = cx
                        .ask()
                        .elicit_named("name", string_form("What is your name?", "name")?)
                        .elicit_named("confirm", form("Please confirm", confirm))
                        .await?;
                    Ok(format!(
                        "name: {}; confirm: {}",
                        describe(&name),
                        describe(&confirmed)
                    ))
                },
            )
            .task_support(TaskSupport::Optional)
            .timeout(TASK_LIMIT),
        )
        .tool(
            CuratedTool::new(
                "test_tool_with_task",
                "Asks the user for their name (input required), then greets them as a task",
                |_: NoArguments, cx: CallContext| async move {
                    // Asked before the handler first waits: an input-required round.
                    let name = ask_string(&cx, "user_name", "What is your name?", "name").await?;
                    // The first wait: the call becomes a task.
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    Ok(format!("Hello, {name}! (from a task)"))
                },
            )
            .task_support(TaskSupport::Required),
        )
}

/// `protocol_error_job`'s work: it panics, which fails the task with a protocol error.
fn broken_job() -> Result<String, HandlerError> {
    panic!("protocol_error_job broke on purpose")
}

/// A sampling request for one user message.
fn sampling(prompt: &str, max_tokens: u32) -> CreateMessageRequestParams {
    CreateMessageRequestParams::new(vec![SamplingMessage::user_text(prompt)], max_tokens)
}

/// The text of a sampled message (or a note that it had none).
fn sampled_text(message: &SamplingMessage) -> String {
    message
        .content
        .first()
        .and_then(|block| block.as_text())
        .map_or_else(|| "(no text)".to_string(), |text| text.text.clone())
}

/// An elicitation form schema, written as the JSON the client receives.
fn schema(schema: Value) -> Result<ElicitationSchema, HandlerError> {
    Ok(serde_json::from_value(schema)?)
}

/// A form elicitation.
fn form(message: impl Into<String>, requested_schema: ElicitationSchema) -> ElicitRequestParams {
    ElicitRequestParams::FormElicitationParams {
        meta: None,
        message: message.into(),
        requested_schema,
    }
}

/// `action=…, content=…` of an elicitation answer, as the reference server words it.
fn describe(answer: &ElicitResult) -> String {
    let action = serde_json::to_value(&answer.action).unwrap_or_default();
    let content = answer.content.clone().unwrap_or_else(|| json!({}));
    format!(
        "action={}, content={content}",
        action.as_str().unwrap_or("?")
    )
}

/// Ask the user for one required string field; an answer other than *accept* is an error.
async fn ask_string(
    cx: &CallContext,
    key: &str,
    message: &str,
    field: &str,
) -> Result<String, HandlerError> {
    let answer = cx.elicit_named(key, string_form(message, field)?).await?;
    accepted_string(&answer, field)
}

/// A form asking for one required string field.
fn string_form(message: &str, field: &str) -> Result<ElicitRequestParams, HandlerError> {
    let schema = schema(json!({
        "type": "object",
        "properties": {field: {"type": "string"}},
        "required": [field],
    }))?;
    Ok(form(message, schema))
}

/// The string field `field` of an accepted answer; any other answer is an error.
fn accepted_string(answer: &ElicitResult, field: &str) -> Result<String, HandlerError> {
    match (&answer.action, &answer.content) {
        (ElicitationAction::Accept, Some(content)) => content
            .get(field)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| HandlerError::new(format!("The answer has no '{field}'"))),
        (action, _) => Err(HandlerError::new(format!(
            "The user did not answer ({action:?})"
        ))),
    }
}
