//! The ticket API without a framework: each operation's logic, documented with
//! `#[utoipa::path]`, and the OpenAPI document [`ApiDoc`] that collects them.
//!
//! Each operation's `operation_id` becomes the MCP tool name, its summary (the first doc line)
//! the tool title, and summary plus description the tool description — so the docs written for
//! humans are also what the model reads. The examples' handlers extract the inputs, call the
//! operation of the same name and answer with the status documented here.

use serde::Deserialize;
use tokio::sync::RwLock;
use utoipa::{
    IntoParams, Modify, OpenApi, ToSchema,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use crate::tickets::{
    auth::Credentials,
    error::{ApiError, ApiFailure},
    reports::{self, Reports},
    store::{Comment, Priority, Status, Store, Ticket, now_rfc3339},
};

/// Shared state of every handler and of the auth check.
#[derive(Debug)]
pub(crate) struct AppState {
    /// The tickets and comments.
    pub(crate) store: RwLock<Store>,
    /// The accepted token and its user.
    pub(crate) credentials: Credentials,
    /// Reports, finished or being built.
    pub(crate) reports: RwLock<Reports>,
}

impl AppState {
    /// A seeded store, guarded by `token`, which belongs to the user `user`.
    pub(crate) fn new(token: impl Into<String>, user: impl Into<String>) -> Self {
        Self {
            store: RwLock::new(Store::seeded()),
            credentials: Credentials {
                token: token.into(),
                user: user.into(),
            },
            reports: RwLock::default(),
        }
    }
}

/// The OpenAPI document of the API.
#[derive(OpenApi)]
#[openapi(
    paths(
        list_tickets,
        create_ticket,
        get_ticket,
        update_ticket,
        delete_ticket,
        list_comments,
        add_comment,
        list_tickets_by_label,
        reports::create_report,
        reports::get_report,
    ),
    modifiers(&BearerScheme),
    security(("bearer" = [])),
    tags(
        (name = "tickets", description = "Support tickets"),
        (name = "comments", description = "Discussion on a ticket"),
        (name = "reports", description = "Ticket reports, which take a moment to build"),
    )
)]
pub(crate) struct ApiDoc;

/// Declares the `bearer` security scheme that every operation requires.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some("The token printed at start-up (env `DEMO_TOKEN`)."))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// Filters for [`list_tickets`].
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListParams {
    /// Only tickets in this status.
    #[param(inline)]
    status: Option<Status>,
    /// Only tickets assigned to this person (exact name).
    assignee: Option<String>,
    /// At most this many tickets (1 to 100).
    #[param(minimum = 1, maximum = 100, default = 50)]
    limit: Option<u32>,
}

/// A ticket to create.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NewTicket {
    /// One-line summary; must not be empty.
    #[schema(min_length = 1, example = "VPN drops every hour")]
    title: String,
    /// Longer free-form details.
    description: Option<String>,
    /// How urgent it is; `medium` when left out.
    priority: Option<Priority>,
    /// Who should work on it.
    assignee: Option<String>,
    /// Labels to attach.
    labels: Option<Vec<String>>,
}

/// Changes to a ticket; fields left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct TicketUpdate {
    /// New summary; must not be empty.
    #[schema(min_length = 1)]
    title: Option<String>,
    /// New details; an empty string removes them.
    description: Option<String>,
    /// New status.
    status: Option<Status>,
    /// New priority.
    priority: Option<Priority>,
    /// New assignee; an empty string unassigns the ticket.
    assignee: Option<String>,
}

/// A comment to add.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NewComment {
    /// The comment text.
    #[schema(min_length = 1)]
    body: String,
}

/// `None` for an empty or blank string: how a JSON client clears an optional text field.
fn non_blank(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}

/// List tickets
///
/// Tickets in id order, optionally only those with a given status or assignee, at most `limit`
/// of them (default 50).
#[utoipa::path(
    get,
    path = "/tickets",
    operation_id = "list_tickets",
    tag = "tickets",
    params(ListParams),
    responses(
        (status = 200, description = "The matching tickets", body = [Ticket]),
        (status = 400, description = "Invalid filter", body = ApiError),
        (status = 401, description = "Missing or wrong bearer token", body = ApiError),
    )
)]
pub(crate) async fn list_tickets(
    state: &AppState,
    params: ListParams,
) -> Result<Vec<Ticket>, ApiFailure> {
    let limit = params.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(ApiFailure::bad_request(format!(
            "limit must be between 1 and 100, got {limit}"
        )));
    }
    let store = state.store.read().await;
    let tickets = store
        .tickets
        .values()
        .filter(|t| params.status.is_none_or(|status| t.status == status))
        .filter(|t| {
            params
                .assignee
                .as_ref()
                .is_none_or(|who| t.assignee.as_ref() == Some(who))
        })
        .take(limit as usize)
        .cloned()
        .collect();
    Ok(tickets)
}

/// Create a ticket
///
/// Opens a new ticket with status `open`. Priority defaults to `medium`.
#[utoipa::path(
    post,
    path = "/tickets",
    operation_id = "create_ticket",
    tag = "tickets",
    request_body = NewTicket,
    responses(
        (status = 201, description = "The created ticket", body = Ticket),
        (status = 400, description = "Malformed JSON", body = ApiError),
        (status = 401, description = "Missing or wrong bearer token", body = ApiError),
        (status = 422, description = "Empty title or invalid field", body = ApiError),
    )
)]
pub(crate) async fn create_ticket(state: &AppState, new: NewTicket) -> Result<Ticket, ApiFailure> {
    if new.title.trim().is_empty() {
        return Err(ApiFailure::unprocessable("title must not be empty"));
    }
    let mut store = state.store.write().await;
    let id = store.next_ticket_id();
    let ticket = Ticket {
        id,
        title: new.title,
        description: new.description.and_then(non_blank),
        status: Status::Open,
        priority: new.priority.unwrap_or(Priority::Medium),
        assignee: new.assignee.and_then(non_blank),
        labels: new.labels.unwrap_or_default(),
        created_at: Some(now_rfc3339()),
    };
    store.tickets.insert(id, ticket.clone());
    Ok(ticket)
}

/// Get a ticket
///
/// One ticket by its id.
#[utoipa::path(
    get,
    path = "/tickets/{ticket_id}",
    operation_id = "get_ticket",
    tag = "tickets",
    params(("ticket_id" = u64, Path, description = "Id of the ticket")),
    responses(
        (status = 200, description = "The ticket", body = Ticket),
        (status = 401, description = "Missing or wrong bearer token", body = ApiError),
        (status = 404, description = "No ticket with this id", body = ApiError),
    )
)]
pub(crate) async fn get_ticket(state: &AppState, ticket_id: u64) -> Result<Ticket, ApiFailure> {
    let store = state.store.read().await;
    let ticket = store.tickets.get(&ticket_id);
    ticket
        .cloned()
        .ok_or(ApiFailure::ticket_not_found(ticket_id))
}

/// Update a ticket
///
/// Changes the given fields of a ticket (title, description, status, priority, assignee) and
/// leaves the others as they are. Close a ticket with `{"status": "closed"}`.
#[utoipa::path(
    patch,
    path = "/tickets/{ticket_id}",
    operation_id = "update_ticket",
    tag = "tickets",
    params(("ticket_id" = u64, Path, description = "Id of the ticket")),
    request_body = TicketUpdate,
    responses(
        (status = 200, description = "The updated ticket", body = Ticket),
        (status = 400, description = "Malformed JSON", body = ApiError),
        (status = 401, description = "Missing or wrong bearer token", body = ApiError),
        (status = 404, description = "No ticket with this id", body = ApiError),
        (status = 422, description = "Empty title or invalid field", body = ApiError),
    )
)]
pub(crate) async fn update_ticket(
    state: &AppState,
    ticket_id: u64,
    update: TicketUpdate,
) -> Result<Ticket, ApiFailure> {
    if update.title.as_ref().is_some_and(|t| t.trim().is_empty()) {
        return Err(ApiFailure::unprocessable("title must not be empty"));
    }
    let mut store = state.store.write().await;
    let ticket = store
        .tickets
        .get_mut(&ticket_id)
        .ok_or(ApiFailure::ticket_not_found(ticket_id))?;
    if let Some(title) = update.title {
        ticket.title = title;
    }
    if let Some(description) = update.description {
        ticket.description = non_blank(description);
    }
    if let Some(status) = update.status {
        ticket.status = status;
    }
    if let Some(priority) = update.priority {
        ticket.priority = priority;
    }
    if let Some(assignee) = update.assignee {
        ticket.assignee = non_blank(assignee);
    }
    Ok(ticket.clone())
}

/// Delete a ticket
///
/// Removes a ticket and its comments for good. Prefer closing a ticket when it may matter later.
#[utoipa::path(
    delete,
    path = "/tickets/{ticket_id}",
    operation_id = "delete_ticket",
    tag = "tickets",
    params(("ticket_id" = u64, Path, description = "Id of the ticket")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or wrong bearer token", body = ApiError),
        (status = 404, description = "No ticket with this id", body = ApiError),
    )
)]
pub(crate) async fn delete_ticket(state: &AppState, ticket_id: u64) -> Result<(), ApiFailure> {
    let mut store = state.store.write().await;
    store
        .tickets
        .remove(&ticket_id)
        .ok_or(ApiFailure::ticket_not_found(ticket_id))?;
    store.comments.retain(|c| c.ticket_id != ticket_id);
    Ok(())
}

/// List a ticket's comments
///
/// The comments on one ticket, oldest first.
#[utoipa::path(
    get,
    path = "/tickets/{ticket_id}/comments",
    operation_id = "list_comments",
    tag = "comments",
    params(("ticket_id" = u64, Path, description = "Id of the ticket")),
    responses(
        (status = 200, description = "The comments", body = [Comment]),
        (status = 401, description = "Missing or wrong bearer token", body = ApiError),
        (status = 404, description = "No ticket with this id", body = ApiError),
    )
)]
pub(crate) async fn list_comments(
    state: &AppState,
    ticket_id: u64,
) -> Result<Vec<Comment>, ApiFailure> {
    let store = state.store.read().await;
    if !store.tickets.contains_key(&ticket_id) {
        return Err(ApiFailure::ticket_not_found(ticket_id));
    }
    let comments = store.comments.iter().filter(|c| c.ticket_id == ticket_id);
    Ok(comments.cloned().collect())
}

/// Comment on a ticket
///
/// Adds a comment to a ticket. The author is the authenticated user.
#[utoipa::path(
    post,
    path = "/tickets/{ticket_id}/comments",
    operation_id = "add_comment",
    tag = "comments",
    params(("ticket_id" = u64, Path, description = "Id of the ticket")),
    request_body = NewComment,
    responses(
        (status = 201, description = "The new comment", body = Comment),
        (status = 400, description = "Malformed JSON", body = ApiError),
        (status = 401, description = "Missing or wrong bearer token", body = ApiError),
        (status = 404, description = "No ticket with this id", body = ApiError),
        (status = 422, description = "Empty body or invalid field", body = ApiError),
    )
)]
pub(crate) async fn add_comment(
    state: &AppState,
    ticket_id: u64,
    author: &str,
    new: NewComment,
) -> Result<Comment, ApiFailure> {
    if new.body.trim().is_empty() {
        return Err(ApiFailure::unprocessable("body must not be empty"));
    }
    let mut store = state.store.write().await;
    if !store.tickets.contains_key(&ticket_id) {
        return Err(ApiFailure::ticket_not_found(ticket_id));
    }
    Ok(store.add_comment(ticket_id, author, &new.body))
}

/// List tickets with a label
///
/// Tickets carrying exactly this label, in id order. Labels may contain spaces, `/` and `?`;
/// percent-encode them in the URL (`needs%20review%2Furgent%3F`).
#[utoipa::path(
    get,
    path = "/labels/{label}/tickets",
    operation_id = "list_tickets_by_label",
    tag = "tickets",
    params(("label" = String, Path, description = "The exact label, e.g. `needs review/urgent?`")),
    responses(
        (status = 200, description = "Tickets with the label (possibly none)", body = [Ticket]),
        (status = 401, description = "Missing or wrong bearer token", body = ApiError),
    )
)]
pub(crate) async fn list_tickets_by_label(state: &AppState, label: &str) -> Vec<Ticket> {
    let store = state.store.read().await;
    let tickets = store
        .tickets
        .values()
        .filter(|t| t.labels.iter().any(|l| l == label));
    tickets.cloned().collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::json;

    use super::*;

    #[test]
    fn every_operation_is_documented_and_needs_the_bearer_token() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let ids: BTreeSet<&str> = doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|item| item.as_object().unwrap().values())
            .filter_map(|operation| operation["operationId"].as_str())
            .collect();
        let expected = [
            "add_comment",
            "create_report",
            "create_ticket",
            "delete_ticket",
            "get_report",
            "get_ticket",
            "list_comments",
            "list_tickets",
            "list_tickets_by_label",
            "update_ticket",
        ];
        assert_eq!(ids, BTreeSet::from(expected));
        assert_eq!(doc["security"], json!([{"bearer": []}]));
        let scheme = &doc["components"]["securitySchemes"]["bearer"];
        assert_eq!(scheme["type"], "http");
        assert_eq!(scheme["scheme"], "bearer");
        let get = &doc["paths"]["/tickets/{ticket_id}"]["get"];
        assert_eq!(get["summary"], "Get a ticket");
        assert!(get["responses"]["404"].is_object());
        assert!(get["responses"]["401"].is_object());
        // The asynchronous pattern mcp-web maps to a task: `202` with a `Location`.
        let accepted = &doc["paths"]["/reports"]["post"]["responses"]["202"];
        assert!(accepted["headers"]["Location"].is_object(), "{accepted}");
    }
}
