//! The ticket API's routes on axum. Each handler extracts its inputs, calls the operation of the
//! same name in [`api`] and answers with the status documented there.

use std::sync::Arc;

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};

use crate::{
    auth::Bearer,
    error::Api,
    tickets::{
        api::{self, AppState, ListParams, NewComment, NewTicket, TicketUpdate},
        error::ApiFailure,
        reports::{self, NewReport, ReportState},
        store::{Comment, Ticket},
    },
};

/// The state of every handler and of the [`Bearer`] extractor.
pub(crate) type SharedState = Arc<AppState>;

/// The API as a stateless `Router<()>`, ready for `mount_http`. Its OpenAPI document is
/// [`api::ApiDoc`].
pub(crate) fn router(state: SharedState) -> Router {
    Router::new()
        .route("/tickets", get(list_tickets).post(create_ticket))
        .route(
            "/tickets/{ticket_id}",
            get(get_ticket).patch(update_ticket).delete(delete_ticket),
        )
        .route(
            "/tickets/{ticket_id}/comments",
            get(list_comments).post(add_comment),
        )
        .route("/labels/{label}/tickets", get(list_tickets_by_label))
        .route("/reports", post(create_report))
        .route("/reports/{report_id}", get(get_report))
        .with_state(state)
}

async fn list_tickets(
    _auth: Bearer,
    State(state): State<SharedState>,
    Api(Query(params)): Api<Query<ListParams>>,
) -> Result<Json<Vec<Ticket>>, ApiFailure> {
    api::list_tickets(&state, params).await.map(Json)
}

async fn create_ticket(
    _auth: Bearer,
    State(state): State<SharedState>,
    Api(Json(new)): Api<Json<NewTicket>>,
) -> Result<(StatusCode, Json<Ticket>), ApiFailure> {
    let ticket = api::create_ticket(&state, new).await?;
    Ok((StatusCode::CREATED, Json(ticket)))
}

async fn get_ticket(
    _auth: Bearer,
    State(state): State<SharedState>,
    Api(Path(ticket_id)): Api<Path<u64>>,
) -> Result<Json<Ticket>, ApiFailure> {
    api::get_ticket(&state, ticket_id).await.map(Json)
}

async fn update_ticket(
    _auth: Bearer,
    State(state): State<SharedState>,
    Api(Path(ticket_id)): Api<Path<u64>>,
    Api(Json(update)): Api<Json<TicketUpdate>>,
) -> Result<Json<Ticket>, ApiFailure> {
    api::update_ticket(&state, ticket_id, update)
        .await
        .map(Json)
}

async fn delete_ticket(
    _auth: Bearer,
    State(state): State<SharedState>,
    Api(Path(ticket_id)): Api<Path<u64>>,
) -> Result<StatusCode, ApiFailure> {
    api::delete_ticket(&state, ticket_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn list_comments(
    _auth: Bearer,
    State(state): State<SharedState>,
    Api(Path(ticket_id)): Api<Path<u64>>,
) -> Result<Json<Vec<Comment>>, ApiFailure> {
    api::list_comments(&state, ticket_id).await.map(Json)
}

async fn add_comment(
    auth: Bearer,
    State(state): State<SharedState>,
    Api(Path(ticket_id)): Api<Path<u64>>,
    Api(Json(new)): Api<Json<NewComment>>,
) -> Result<(StatusCode, Json<Comment>), ApiFailure> {
    let comment = api::add_comment(&state, ticket_id, &auth.user, new).await?;
    Ok((StatusCode::CREATED, Json(comment)))
}

async fn list_tickets_by_label(
    _auth: Bearer,
    State(state): State<SharedState>,
    // axum percent-decodes the segment: `%2F` arrives here as `/`.
    Api(Path(label)): Api<Path<String>>,
) -> Json<Vec<Ticket>> {
    Json(api::list_tickets_by_label(&state, &label).await)
}

/// `202 Accepted` at once, with the report's `Location`.
async fn create_report(
    _auth: Bearer,
    State(state): State<SharedState>,
    Api(Json(new)): Api<Json<NewReport>>,
) -> Response {
    let status = reports::create_report(&state, new).await;
    let location = format!("/reports/{}", status.id);
    (
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        Json(status),
    )
        .into_response()
}

/// The report, or `202` + `Retry-After` while it is built.
async fn get_report(
    _auth: Bearer,
    State(state): State<SharedState>,
    Api(Path(report_id)): Api<Path<u64>>,
) -> Result<Response, ApiFailure> {
    Ok(match reports::get_report(&state, report_id).await? {
        ReportState::Building(status) => (
            StatusCode::ACCEPTED,
            [(header::RETRY_AFTER, "1")],
            Json(status),
        )
            .into_response(),
        ReportState::Ready(report) => Json(report).into_response(),
    })
}

#[cfg(test)]
mod tests {
    use axum::{body::Body, http::Request};
    use tower::ServiceExt;
    use utoipa::OpenApi;

    use super::*;

    #[tokio::test]
    async fn every_documented_operation_is_routed() {
        let doc = serde_json::to_value(api::ApiDoc::openapi()).unwrap();
        let mut operations = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            let uri = (path.replace("{ticket_id}", "1").replace("{label}", "x"))
                .replace("{report_id}", "1");
            for method in item.as_object().unwrap().keys() {
                let request = Request::builder()
                    .method(method.to_uppercase().as_str())
                    .uri(&uri)
                    .header("authorization", "Bearer token")
                    .header("content-type", "application/json")
                    .body(Body::from("{}"))
                    .unwrap();
                // A fresh store each time: ticket 1 exists, so only a missing route gives 404.
                let app = router(Arc::new(AppState::new("token", "user")));
                // Report 1 exists once one was asked for.
                let report = Request::post("/reports")
                    .header("authorization", "Bearer token")
                    .header("content-type", "application/json")
                    .body(Body::from("{}"))
                    .unwrap();
                app.clone().oneshot(report).await.unwrap();
                let status = app.oneshot(request).await.unwrap().status();
                assert!(
                    ![StatusCode::NOT_FOUND, StatusCode::METHOD_NOT_ALLOWED].contains(&status),
                    "{method} {path}: {status}"
                );
                operations += 1;
            }
        }
        assert_eq!(operations, 10);
    }
}
