//! The two errors of mcp-web-core: [`MountError`], when a configuration cannot become a mount,
//! and [`CallError`], when one in-process call cannot produce a response.

use std::fmt;

/// Why a [`McpConfig`](crate::McpConfig) cannot be mounted (or previewed). Found once, at
/// startup; each message says what to change.
#[derive(Debug)]
#[non_exhaustive]
pub enum MountError {
    /// The OpenAPI document could not be turned into JSON.
    OpenApi(String),
    /// Two components of the mount have the same tool name, resource URI, resource template or
    /// prompt name; the message names both.
    NameClash(String),
    /// An [`ArgumentCompletion`](crate::curated::ArgumentCompletion) completes a prompt argument
    /// or a resource template variable that the mount does not serve.
    UnknownCompletionTarget(String),
    /// A configuration value cannot be used.
    InvalidConfig(String),
}

impl fmt::Display for MountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OpenApi(why) => write!(f, "the OpenAPI document cannot be used: {why}"),
            Self::NameClash(why) => write!(f, "the mount cannot be built: {why}"),
            Self::UnknownCompletionTarget(why) => write!(f, "the mount cannot be built: {why}"),
            Self::InvalidConfig(why) => write!(f, "the configuration cannot be used: {why}"),
        }
    }
}

impl std::error::Error for MountError {}

/// Why an in-process call to the host application produced no response to map. The client sees
/// the message as a tool error (or a JSON-RPC error for a resource read).
///
/// In-process [`Dispatcher`](crate::Dispatcher)s return [`Dispatch`](Self::Dispatch), and
/// dispatchers that call the API over the network [`Remote`](Self::Remote) (also as the error of
/// their response body, which the core keeps as it is); the core adds the others while it reads
/// the response.
#[derive(Debug)]
#[non_exhaustive]
pub enum CallError {
    /// The call failed before the host application produced a response, or its body could not
    /// be read.
    Dispatch(String),
    /// The host application answered with a body larger than the configured limit.
    ResponseTooLarge {
        /// The configured limit in bytes (see `McpConfig::max_response_body_bytes`).
        limit: usize,
    },
    /// The host application's handler panicked while serving the call.
    HandlerPanicked(String),
    /// A dispatcher that calls the API over the network could not get its answer: the API
    /// could not be reached, did not answer in time, or broke off its response.
    Remote(String),
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Dispatch(why) => write!(f, "the in-process call failed: {why}"),
            Self::ResponseTooLarge { limit } => write!(
                f,
                "the endpoint's response is larger than {limit} bytes; raise McpConfig::max_response_body_bytes to allow it"
            ),
            Self::HandlerPanicked(why) => write!(f, "the endpoint's handler panicked: {why}"),
            Self::Remote(why) => write!(f, "the call to the API failed: {why}"),
        }
    }
}

impl std::error::Error for CallError {}
