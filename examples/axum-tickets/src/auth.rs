//! Bearer-token auth as an ordinary axum extractor.
//!
//! Nothing here knows about MCP: the MCP mount forwards the client's `Authorization` header onto
//! every in-process tool call, so the same extractor guards both doors.

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts},
};

use crate::{routes::SharedState, tickets::error::ApiFailure};

/// The authenticated caller: extracting it succeeds only with the right bearer token.
///
/// Its rejection is a 401 [`ApiFailure`], answered with the `WWW-Authenticate` challenge.
#[derive(Debug, Clone)]
pub(crate) struct Bearer {
    /// Name of the user the token belongs to.
    pub(crate) user: String,
}

impl FromRequestParts<SharedState> for Bearer {
    type Rejection = ApiFailure;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SharedState,
    ) -> Result<Self, ApiFailure> {
        let header = parts.headers.get(header::AUTHORIZATION).ok_or_else(|| {
            ApiFailure::unauthorized("missing Authorization: Bearer <token> header")
        })?;
        let token = header
            .to_str()
            .ok()
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .ok_or_else(|| {
                ApiFailure::unauthorized("the Authorization header is not a bearer token")
            })?;
        let user = state.credentials.user_of(token)?;
        Ok(Self { user: user.into() })
    }
}
