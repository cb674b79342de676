//! [`CuratedPrompt`]: a prompt template written by hand (`prompts/list`, `prompts/get`).

use std::{fmt, future::Future, sync::Arc};

use futures::{FutureExt, future::BoxFuture};
use rmcp::{
    handler::server::prompt::cached_arguments_from_schema,
    model::{GetPromptResult, JsonObject, Prompt, PromptMessage},
};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{context::CallContext, error::HandlerError};

/// What a prompt handler may return.
pub trait IntoPromptResult {
    /// The prompt's messages (and description).
    fn into_prompt_result(self) -> GetPromptResult;
}

impl IntoPromptResult for GetPromptResult {
    fn into_prompt_result(self) -> GetPromptResult {
        self
    }
}

impl IntoPromptResult for Vec<PromptMessage> {
    fn into_prompt_result(self) -> GetPromptResult {
        GetPromptResult::new(self)
    }
}

type PromptFn = dyn Fn(JsonObject, CallContext) -> BoxFuture<'static, Result<GetPromptResult, HandlerError>>
    + Send
    + Sync;

/// A prompt template written by hand.
#[derive(Clone)]
pub struct CuratedPrompt {
    pub(crate) prompt: Prompt,
    pub(crate) handler: Arc<PromptFn>,
}

impl fmt::Debug for CuratedPrompt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CuratedPrompt")
            .field("name", &self.prompt.name)
            .finish_non_exhaustive()
    }
}

impl CuratedPrompt {
    /// A prompt whose arguments are the fields of `A` (strings; `Option` fields are optional,
    /// doc comments are their descriptions).
    pub fn new<A, R, F, Fut>(
        name: impl Into<String>,
        description: impl Into<String>,
        handler: F,
    ) -> Self
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        R: IntoPromptResult + 'static,
        F: Fn(A, CallContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, HandlerError>> + Send + 'static,
    {
        let name = name.into();
        let arguments = cached_arguments_from_schema::<A>().filter(|a| !a.is_empty());
        let prompt_name = name.clone();
        let handler = move |arguments: JsonObject, cx: CallContext| {
            let arguments = match serde_json::from_value::<A>(Value::Object(arguments)) {
                Ok(arguments) => arguments,
                Err(e) => {
                    let why = format!("Invalid arguments for prompt '{prompt_name}': {e}");
                    return futures::future::ready(Err(HandlerError::invalid_params(why))).boxed();
                }
            };
            handler(arguments, cx)
                .map(|result| result.map(IntoPromptResult::into_prompt_result))
                .boxed()
        };
        Self {
            prompt: Prompt::new(name, Some(description.into()), arguments),
            handler: Arc::new(handler),
        }
    }

    /// A human-readable title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.prompt.title = Some(title.into());
        self
    }
}
