//! Bearer-token auth as ordinary actix-web middleware: actix-web-httpauth's
//! `HttpAuthentication::bearer` with [`validate`].
//!
//! Nothing here knows about MCP: the middleware wraps the whole App, so it guards the `/mcp`
//! endpoint, and the MCP mount forwards the client's `Authorization` header onto every
//! in-process tool call, where the same middleware checks it again.

use actix_web::{HttpMessage, dev::ServiceRequest, web};
use actix_web_httpauth::extractors::bearer::BearerAuth;

use crate::tickets::{api::AppState, error::ApiFailure};

/// The authenticated caller, put in the request extensions by [`validate`].
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// Name of the user the token belongs to.
    pub(crate) user: String,
}

/// Accept the request only with the right bearer token; a missing or malformed header is
/// refused with 401 by the middleware before this runs.
pub(crate) async fn validate(
    request: ServiceRequest,
    credentials: BearerAuth,
) -> Result<ServiceRequest, (actix_web::Error, ServiceRequest)> {
    let Some(state) = request.app_data::<web::Data<AppState>>() else {
        let failure = ApiFailure::unauthorized("no credentials configured");
        return Err((failure.into(), request));
    };
    let user = match state.credentials.user_of(credentials.token()) {
        Ok(user) => user.to_string(),
        Err(failure) => return Err((failure.into(), request)),
    };
    request.extensions_mut().insert(Caller { user });
    Ok(request)
}
