//! Bearer-token auth as an ordinary axum extractor.
//!
//! Nothing here knows about MCP: the MCP mount forwards the client's `Authorization` header onto
//! every in-process tool call, so the same extractor guards both doors.

use axum::{
    Json,
    extract::FromRequestParts,
    http::{StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};

use crate::{api::AppState, error::ApiError};

/// The authenticated caller: extracting it succeeds only with the right bearer token.
#[derive(Debug, Clone)]
pub(crate) struct Bearer {
    /// Name of the user the token belongs to.
    pub(crate) user: String,
}

/// Who may call the API: one token, owned by one user (enough for a demo).
#[derive(Debug)]
pub(crate) struct Credentials {
    /// The accepted bearer token.
    pub(crate) token: String,
    /// The user it authenticates.
    pub(crate) user: String,
}

impl FromRequestParts<AppState> for Bearer {
    type Rejection = Unauthorized;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Unauthorized> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or(Unauthorized("missing Authorization: Bearer <token> header"))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .ok_or(Unauthorized(
                "the Authorization header is not a bearer token",
            ))?;
        if !same_secret(token.as_bytes(), state.credentials.token.as_bytes()) {
            return Err(Unauthorized("invalid bearer token"));
        }
        Ok(Self {
            user: state.credentials.user.clone(),
        })
    }
}

/// Compare without stopping at the first differing byte, so timing does not leak the token.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0, |diff, (a, b)| diff | (a ^ b))
            == 0
}

/// Rejection of [`Bearer`]: 401, an [`ApiError`] body and the `WWW-Authenticate` challenge.
#[derive(Debug)]
pub(crate) struct Unauthorized(&'static str);

impl IntoResponse for Unauthorized {
    fn into_response(self) -> Response {
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            Json(ApiError {
                error: self.0.into(),
            }),
        )
            .into_response()
    }
}
