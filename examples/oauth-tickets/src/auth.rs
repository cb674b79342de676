//! The handlers' `Bearer` extractor, here backed by JWT claims: the [`require_token`] middleware
//! validated the token and left its [`Claims`]; the caller is their subject.
//!
//! [`require_token`]: crate::jwt::require_token

use axum::{extract::FromRequestParts, http::request::Parts};

use crate::{jwt::Claims, routes::SharedState, tickets::error::ApiFailure};

/// The authenticated caller.
#[derive(Debug, Clone)]
pub(crate) struct Bearer {
    /// The token's subject; comments are signed with it.
    pub(crate) user: String,
}

impl FromRequestParts<SharedState> for Bearer {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, _: &SharedState) -> Result<Self, ApiFailure> {
        let claims = parts.extensions.get::<Claims>().ok_or_else(|| {
            ApiFailure::unauthorized("no validated token: the auth layer did not run")
        })?;
        Ok(Self {
            user: claims.sub.clone(),
        })
    }
}
