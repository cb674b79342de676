//! One error shape for every failure: `{"error": "..."}` with a fitting status code.
//!
//! Over MCP a failed call becomes a tool error whose text is `HTTP <status>: <body>`, so a
//! consistent, readable JSON body is what the model gets to reason about. actix's own extractor
//! errors (malformed JSON, a bad query or path value) are reworded into the same shape by
//! [`extractor_configs`], with the same status codes as the axum example.

use std::fmt;

use actix_web::{
    HttpResponse, ResponseError,
    error::{JsonPayloadError, PathError, QueryPayloadError},
    http::{StatusCode, header},
    web,
};
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
    status: StatusCode,
    message: String,
}

impl ApiFailure {
    /// A failure with any status.
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// 404 for a ticket id that does not exist.
    pub(crate) fn ticket_not_found(ticket_id: u64) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            format!("ticket {ticket_id} not found"),
        )
    }

    /// 400 for a request that is well-formed but asks for something invalid.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 422 for a body that parses but breaks a rule (an empty title).
    pub(crate) fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// 401 with the `WWW-Authenticate: Bearer` challenge.
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }
}

impl fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl ResponseError for ApiFailure {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.json(ApiError {
            error: self.message.clone(),
        })
    }
}

/// Extractor settings that turn actix's rejections into [`ApiFailure`]s: malformed JSON 400,
/// JSON of the wrong shape 422, a wrong content type 415, a bad query or path value 400.
pub(crate) fn extractor_configs() -> (web::JsonConfig, web::QueryConfig, web::PathConfig) {
    let json = web::JsonConfig::default().error_handler(|error, _| {
        let status = match &error {
            JsonPayloadError::ContentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            JsonPayloadError::Deserialize(e) if e.is_data() => StatusCode::UNPROCESSABLE_ENTITY,
            JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            _ => StatusCode::BAD_REQUEST,
        };
        ApiFailure::new(status, error.to_string()).into()
    });
    let query = web::QueryConfig::default().error_handler(|error: QueryPayloadError, _| {
        ApiFailure::bad_request(error.to_string()).into()
    });
    let path = web::PathConfig::default()
        .error_handler(|error: PathError, _| ApiFailure::bad_request(error.to_string()).into());
    (json, query, path)
}
