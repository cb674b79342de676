//! [`ApiFailure`] as an actix-web error response, and actix's own extractor errors (malformed
//! JSON, a bad query or path value) reworded into the same `{"error": "..."}` shape by
//! [`extractor_configs`], with the same status codes as the axum example.

use actix_web::{
    HttpResponse, ResponseError,
    error::{JsonPayloadError, PathError, QueryPayloadError},
    http::{StatusCode, header},
    web,
};

use crate::tickets::error::ApiFailure;

impl ResponseError for ApiFailure {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let mut response = HttpResponse::build(status);
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.json(self.body())
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
        ApiFailure::new(status.as_u16(), error.to_string()).into()
    });
    let query = web::QueryConfig::default().error_handler(|error: QueryPayloadError, _| {
        ApiFailure::bad_request(error.to_string()).into()
    });
    let path = web::PathConfig::default()
        .error_handler(|error: PathError, _| ApiFailure::bad_request(error.to_string()).into());
    (json, query, path)
}
