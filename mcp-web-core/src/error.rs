use std::fmt;

/// Everything that can go wrong in mcp-web-core, with messages a user can act on.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The OpenAPI document could not be turned into JSON.
    OpenApi(String),
    /// The in-process call to the host application failed before it produced a response.
    Dispatch(String),
    /// The host application answered with a body larger than the configured limit.
    ResponseTooLarge {
        /// The configured limit in bytes (see `McpConfig::max_response_body_bytes`).
        limit: usize,
    },
    /// The host application's handler panicked while serving the in-process call.
    HandlerPanicked(String),
    /// A curated component's name or URI clashes with another component of the mount.
    NameClash(String),
    /// A configuration value cannot be used.
    InvalidConfig(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::OpenApi(why) => write!(f, "the OpenAPI document cannot be used: {why}"),
            Error::Dispatch(why) => write!(f, "the in-process call failed: {why}"),
            Error::ResponseTooLarge { limit } => write!(
                f,
                "the endpoint's response is larger than {limit} bytes; raise McpConfig::max_response_body_bytes to allow it"
            ),
            Error::HandlerPanicked(why) => write!(f, "the endpoint's handler panicked: {why}"),
            Error::NameClash(why) => write!(f, "the mount cannot be built: {why}"),
            Error::InvalidConfig(why) => write!(f, "the configuration cannot be used: {why}"),
        }
    }
}

impl std::error::Error for Error {}
