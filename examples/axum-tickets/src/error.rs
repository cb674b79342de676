//! One error shape for every failure: `{"error": "..."}` with a fitting status code.
//!
//! Over MCP a failed call becomes a tool error whose text is `HTTP <status>: <body>`, so a
//! consistent, readable JSON body is what the model gets to reason about.

use axum::{
    Json,
    extract::{
        FromRequest, FromRequestParts, Request,
        rejection::{JsonRejection, PathRejection, QueryRejection},
    },
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Response},
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
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(ApiError {
                error: self.message,
            }),
        )
            .into_response()
    }
}

// axum's own rejections answer in plain text; keep their status, reword them as `ApiError`.
macro_rules! from_rejection {
    ($($rejection:ty),*) => {$(
        impl From<$rejection> for ApiFailure {
            fn from(rejection: $rejection) -> Self {
                Self::new(rejection.status(), rejection.body_text())
            }
        }
    )*};
}
from_rejection!(JsonRejection, QueryRejection, PathRejection);

/// Runs the extractor `E` (`Json`, `Query`, `Path`) and turns its rejection into an
/// [`ApiFailure`], so malformed input gets the same JSON error shape as everything else.
#[derive(Debug)]
pub(crate) struct Api<E>(pub(crate) E);

impl<S, E> FromRequestParts<S> for Api<E>
where
    S: Send + Sync,
    E: FromRequestParts<S>,
    E::Rejection: Into<ApiFailure>,
{
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiFailure> {
        E::from_request_parts(parts, state)
            .await
            .map(Api)
            .map_err(Into::into)
    }
}

impl<S, E> FromRequest<S> for Api<E>
where
    S: Send + Sync,
    E: FromRequest<S>,
    E::Rejection: Into<ApiFailure>,
{
    type Rejection = ApiFailure;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiFailure> {
        E::from_request(request, state)
            .await
            .map(Api)
            .map_err(Into::into)
    }
}
