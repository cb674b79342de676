//! [`ArgumentCompletion`]: suggestions for a prompt argument or a resource template variable
//! (`completion/complete`), written by hand.

use std::{collections::HashMap, fmt, sync::Arc};

/// What is completed: an argument of a prompt, or a variable of a resource template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CompletionTarget {
    Prompt {
        name: String,
        argument: String,
    },
    Resource {
        uri_template: String,
        variable: String,
    },
}

type CompleteFn = dyn Fn(&str, &HashMap<String, String>) -> Vec<String> + Send + Sync;

/// Suggestions for one argument (`completion/complete`), written by hand.
///
/// The function gets the value typed so far and the other arguments already given, and returns
/// candidates (the first 100 are sent, with the total).
#[derive(Clone)]
pub struct ArgumentCompletion {
    pub(crate) target: CompletionTarget,
    pub(crate) complete: Arc<CompleteFn>,
}

impl fmt::Debug for ArgumentCompletion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ArgumentCompletion")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl ArgumentCompletion {
    /// Complete `argument` of the prompt `prompt`.
    pub fn prompt<F>(prompt: impl Into<String>, argument: impl Into<String>, complete: F) -> Self
    where
        F: Fn(&str, &HashMap<String, String>) -> Vec<String> + Send + Sync + 'static,
    {
        Self {
            target: CompletionTarget::Prompt {
                name: prompt.into(),
                argument: argument.into(),
            },
            complete: Arc::new(complete),
        }
    }

    /// Complete `variable` of the resource template `uri_template`.
    pub fn resource<F>(
        uri_template: impl Into<String>,
        variable: impl Into<String>,
        complete: F,
    ) -> Self
    where
        F: Fn(&str, &HashMap<String, String>) -> Vec<String> + Send + Sync + 'static,
    {
        Self {
            target: CompletionTarget::Resource {
                uri_template: uri_template.into(),
                variable: variable.into(),
            },
            complete: Arc::new(complete),
        }
    }
}

impl fmt::Display for CompletionTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Prompt { name, argument } => {
                write!(f, "the argument '{argument}' of the prompt '{name}'")
            }
            Self::Resource {
                uri_template,
                variable,
            } => write!(
                f,
                "the variable '{variable}' of the resource template '{uri_template}'"
            ),
        }
    }
}
