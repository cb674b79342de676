//! A small REST API documented with utoipa, so the mount also carries generated tools beside
//! the curated fixtures (the suite's `tools-list` checks every tool, generated ones included).

use axum::{
    Json, Router,
    extract::{Path, Query},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The OpenAPI document the routes are added to.
#[derive(OpenApi)]
#[openapi(info(
    title = "mcp-web conformance server",
    description = "Fixtures of the official MCP conformance suite, beside a small REST API."
))]
struct ApiDoc;

/// How to greet.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct GreetingQuery {
    /// Greeting word (default "Hello").
    greeting: Option<String>,
}

/// Greet someone by name.
///
/// Returns one line of text.
#[utoipa::path(
    get,
    path = "/greetings/{name}",
    operation_id = "get_greeting",
    params(("name" = String, Path, description = "Who to greet"), GreetingQuery),
    responses((status = 200, description = "The greeting", body = String))
)]
async fn get_greeting(Path(name): Path<String>, Query(query): Query<GreetingQuery>) -> String {
    let greeting = query.greeting.unwrap_or_else(|| "Hello".into());
    format!("{greeting}, {name}!")
}

/// Two numbers to add.
#[derive(Debug, Deserialize, ToSchema)]
struct Terms {
    /// First term.
    a: f64,
    /// Second term.
    b: f64,
}

/// The sum of two numbers.
#[derive(Debug, Serialize, ToSchema)]
struct Sum {
    /// `a + b`.
    sum: f64,
}

/// Add two numbers.
///
/// Returns their sum as JSON.
#[utoipa::path(
    post,
    path = "/sums",
    operation_id = "add_numbers",
    request_body = Terms,
    responses((status = 200, description = "The sum", body = Sum))
)]
async fn add_numbers(Json(terms): Json<Terms>) -> Json<Sum> {
    Json(Sum {
        sum: terms.a + terms.b,
    })
}

/// The same two endpoints on actix-web (the OpenAPI document is the one [`router`] returns).
pub(crate) mod actix {
    use actix_web::web;

    use super::{GreetingQuery, Sum, Terms};

    async fn get_greeting(name: web::Path<String>, query: web::Query<GreetingQuery>) -> String {
        let greeting = query
            .into_inner()
            .greeting
            .unwrap_or_else(|| "Hello".into());
        format!("{greeting}, {name}!")
    }

    async fn add_numbers(terms: web::Json<Terms>) -> web::Json<Sum> {
        web::Json(Sum {
            sum: terms.a + terms.b,
        })
    }

    /// Register the routes on an actix `App`.
    pub(crate) fn routes(config: &mut web::ServiceConfig) {
        config
            .route("/greetings/{name}", web::get().to(get_greeting))
            .route("/sums", web::post().to(add_numbers));
    }
}

/// The REST routes and their OpenAPI document.
pub(crate) fn router() -> (Router, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(get_greeting))
        .routes(routes!(add_numbers))
        .split_for_parts()
}
