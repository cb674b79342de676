//! [`HandlerError`]: why a curated handler did not produce a result.

use std::{collections::BTreeMap, fmt};

use rmcp::{ErrorData, model::InputRequest};
use serde_json::Value;

/// Why a curated handler did not produce a result.
///
/// Any `std::error::Error` converts into it with `?`. For tools it becomes an `isError` result
/// carrying the message (so the model can correct itself); for resources, prompts and
/// completions a JSON-RPC error.
pub struct HandlerError(pub(crate) Failure);

/// The kinds of [`HandlerError`]; the server answers each its own way.
pub(crate) enum Failure {
    Message(String),
    InvalidParams(String),
    Rpc(ErrorData),
    /// A 2026-07-28 request needs the client's answer to `asked` first; `answers` are the ones
    /// it gave so far, to send back with the question.
    InputRequired {
        asked: BTreeMap<String, InputRequest>,
        answers: BTreeMap<String, Value>,
    },
}

impl HandlerError {
    /// A failure described by `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self(Failure::Message(message.into()))
    }

    /// The arguments were wrong: JSON-RPC `-32602` for resources and prompts, an `isError`
    /// result for tools.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self(Failure::InvalidParams(message.into()))
    }

    /// Answer with this exact JSON-RPC error (tools too).
    pub fn rpc(error: ErrorData) -> Self {
        Self(Failure::Rpc(error))
    }

    /// The message a tool error result carries.
    pub(crate) fn message(&self) -> String {
        match &self.0 {
            Failure::Message(message) | Failure::InvalidParams(message) => message.clone(),
            Failure::Rpc(error) => error.message.to_string(),
            Failure::InputRequired { .. } => "input required".into(),
        }
    }
}

impl fmt::Debug for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("HandlerError")
            .field(&self.message())
            .finish()
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for HandlerError {
    fn from(error: E) -> Self {
        Self::new(error.to_string())
    }
}
