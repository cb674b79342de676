//! [`ApiFailure`] as an axum response, and axum's own rejections in the same `{"error": "..."}`
//! shape through the [`Api`] extractor wrapper.

use axum::{
    Json,
    extract::{
        FromRequest, FromRequestParts, Request,
        rejection::{JsonRejection, PathRejection, QueryRejection},
    },
    http::{HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};

use crate::tickets::error::ApiFailure;

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self.body())).into_response();
        if status == StatusCode::UNAUTHORIZED {
            let challenge = HeaderValue::from_static("Bearer");
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, challenge);
        }
        response
    }
}

// axum's own rejections answer in plain text; keep their status, reword them as `ApiError`.
macro_rules! from_rejection {
    ($($rejection:ty),*) => {$(
        impl From<$rejection> for ApiFailure {
            fn from(rejection: $rejection) -> Self {
                Self::new(rejection.status().as_u16(), rejection.body_text())
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
