//! [`CuratedPrompt`]: a prompt template written by hand (`prompts/list`, `prompts/get`).

use std::{fmt, future::Future, sync::Arc};

use rmcp::{
    handler::server::prompt::cached_arguments_from_schema,
    model::{GetPromptResult, Prompt, PromptMessage},
};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;

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

type PromptFn = super::typed::ErasedHandler<GetPromptResult>;

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
        let handler = super::typed::erase("prompt", &name, handler, |result: R| {
            Ok(result.into_prompt_result())
        });
        Self {
            prompt: Prompt::new(name, Some(description.into()), arguments),
            handler,
        }
    }

    /// A human-readable title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.prompt.title = Some(title.into());
        self
    }
}
