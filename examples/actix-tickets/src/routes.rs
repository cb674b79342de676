//! The ticket API's routes on actix-web. Each handler extracts its inputs, calls the operation of
//! the same name in [`api`] and answers with the status documented there.

use actix_web::{
    HttpResponse, delete, get, patch, post,
    web::{self, Json, Path, Query, ReqData},
};

use crate::{
    auth::Caller,
    tickets::{
        api::{self, AppState, ListParams, NewComment, NewTicket, TicketUpdate},
        error::ApiFailure,
        reports::{self, NewReport, ReportState},
        store::{Comment, Ticket},
    },
};

/// Register the API's routes (and the extractor settings that give their errors the
/// `{"error": "..."}` shape) on an App: `App::new().configure(routes::configure)`. Its OpenAPI
/// document is [`api::ApiDoc`].
pub(crate) fn configure(config: &mut web::ServiceConfig) {
    let (json, query, path) = crate::error::extractor_configs();
    config
        .app_data(json)
        .app_data(query)
        .app_data(path)
        .service(list_tickets)
        .service(create_ticket)
        .service(get_ticket)
        .service(update_ticket)
        .service(delete_ticket)
        .service(list_comments)
        .service(add_comment)
        .service(list_tickets_by_label)
        .service(create_report)
        .service(get_report);
}

#[get("/tickets")]
async fn list_tickets(
    state: web::Data<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Json<Vec<Ticket>>, ApiFailure> {
    api::list_tickets(&state, params).await.map(Json)
}

#[post("/tickets")]
async fn create_ticket(
    state: web::Data<AppState>,
    Json(new): Json<NewTicket>,
) -> Result<HttpResponse, ApiFailure> {
    let ticket = api::create_ticket(&state, new).await?;
    Ok(HttpResponse::Created().json(ticket))
}

#[get("/tickets/{ticket_id}")]
async fn get_ticket(
    state: web::Data<AppState>,
    ticket_id: Path<u64>,
) -> Result<Json<Ticket>, ApiFailure> {
    api::get_ticket(&state, ticket_id.into_inner())
        .await
        .map(Json)
}

#[patch("/tickets/{ticket_id}")]
async fn update_ticket(
    state: web::Data<AppState>,
    ticket_id: Path<u64>,
    Json(update): Json<TicketUpdate>,
) -> Result<Json<Ticket>, ApiFailure> {
    api::update_ticket(&state, ticket_id.into_inner(), update)
        .await
        .map(Json)
}

#[delete("/tickets/{ticket_id}")]
async fn delete_ticket(
    state: web::Data<AppState>,
    ticket_id: Path<u64>,
) -> Result<HttpResponse, ApiFailure> {
    api::delete_ticket(&state, ticket_id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[get("/tickets/{ticket_id}/comments")]
async fn list_comments(
    state: web::Data<AppState>,
    ticket_id: Path<u64>,
) -> Result<Json<Vec<Comment>>, ApiFailure> {
    api::list_comments(&state, ticket_id.into_inner())
        .await
        .map(Json)
}

#[post("/tickets/{ticket_id}/comments")]
async fn add_comment(
    caller: ReqData<Caller>,
    state: web::Data<AppState>,
    ticket_id: Path<u64>,
    Json(new): Json<NewComment>,
) -> Result<HttpResponse, ApiFailure> {
    let comment = api::add_comment(&state, ticket_id.into_inner(), &caller.user, new).await?;
    Ok(HttpResponse::Created().json(comment))
}

#[get("/labels/{label}/tickets")]
async fn list_tickets_by_label(
    state: web::Data<AppState>,
    // actix routes on the still-encoded segment and decodes it here: `%2F` arrives as `/`.
    label: Path<String>,
) -> Json<Vec<Ticket>> {
    Json(api::list_tickets_by_label(&state, &label).await)
}

/// `202 Accepted` at once, with the report's `Location`.
#[post("/reports")]
async fn create_report(state: web::Data<AppState>, Json(new): Json<NewReport>) -> HttpResponse {
    let status = reports::create_report(&state, new).await;
    let location = format!("/reports/{}", status.id);
    HttpResponse::Accepted()
        .insert_header(("Location", location))
        .json(status)
}

/// The report, or `202` + `Retry-After` while it is built.
#[get("/reports/{report_id}")]
async fn get_report(
    state: web::Data<AppState>,
    report_id: Path<u64>,
) -> Result<HttpResponse, ApiFailure> {
    Ok(
        match reports::get_report(&state, report_id.into_inner()).await? {
            ReportState::Building(status) => HttpResponse::Accepted()
                .insert_header(("Retry-After", "1"))
                .json(status),
            ReportState::Ready(report) => HttpResponse::Ok().json(report),
        },
    )
}

#[cfg(test)]
mod tests {
    use actix_web::{
        App,
        http::{Method, StatusCode},
        test,
    };
    use actix_web_httpauth::middleware::HttpAuthentication;
    use utoipa::OpenApi;

    use super::*;

    #[actix_web::test]
    async fn every_documented_operation_is_routed() {
        let doc = serde_json::to_value(api::ApiDoc::openapi()).unwrap();
        let mut operations = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            let uri = (path.replace("{ticket_id}", "1").replace("{label}", "x"))
                .replace("{report_id}", "1");
            for method in item.as_object().unwrap().keys() {
                let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let request = test::TestRequest::default()
                    .method(method.clone())
                    .uri(&uri)
                    .insert_header(("authorization", "Bearer token"))
                    .insert_header(("content-type", "application/json"))
                    .set_payload("{}")
                    .to_request();
                // A fresh store each time: ticket 1 exists, so only a missing route gives 404.
                let state = web::Data::new(AppState::new("token", "user"));
                let app = App::new()
                    .app_data(state)
                    .configure(configure)
                    .wrap(HttpAuthentication::bearer(crate::auth::validate));
                let app = test::init_service(app).await;
                // Report 1 exists once one was asked for.
                let report = test::TestRequest::post()
                    .uri("/reports")
                    .insert_header(("authorization", "Bearer token"))
                    .insert_header(("content-type", "application/json"))
                    .set_payload("{}")
                    .to_request();
                test::call_service(&app, report).await;
                let status = test::call_service(&app, request).await.status();
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
