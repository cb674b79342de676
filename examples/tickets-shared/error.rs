//! One error shape for every failure: `{"error": "..."}` with a fitting status code.
//!
//! Over MCP a failed call becomes a tool error whose text is `HTTP <status>: <body>`, so a
//! consistent, readable JSON body is what the model gets to reason about. Each example turns an
//! [`ApiFailure`] into its framework's response, adding `WWW-Authenticate: Bearer` to a 401.

use std::fmt;

use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ApiError {
    /// What went wrong, in words.
    #[schema(example = "ticket 9999 not found")]
    pub(crate) error: String,
}

/// A failed request: the status code and the message for [`ApiError`].
#[derive(Debug)]
pub(crate) struct ApiFailure {
    /// An HTTP status code; a number, since the two frameworks use different `http` crates.
    status: u16,
    message: String,
}

impl ApiFailure {
    /// A failure with any status.
    pub(crate) fn new(status: u16, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// 404 for a ticket id that does not exist.
    pub(crate) fn ticket_not_found(ticket_id: u64) -> Self {
        Self::new(404, format!("ticket {ticket_id} not found"))
    }

    /// 400 for a request that is well-formed but asks for something invalid.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, message)
    }

    /// 422 for a body that parses but breaks a rule (an empty title).
    pub(crate) fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(422, message)
    }

    /// 401 for a missing or wrong bearer token.
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(401, message)
    }

    /// The HTTP status code.
    pub(crate) fn status(&self) -> u16 {
        self.status
    }

    /// The response body.
    pub(crate) fn body(&self) -> ApiError {
        ApiError {
            error: self.message.clone(),
        }
    }
}

impl fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
