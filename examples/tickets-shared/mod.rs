//! The ticket tracker that both examples serve, with no web framework in it: the data and its
//! store, each operation's logic and OpenAPI docs, the error shape and the token check.
//!
//! `axum-tickets` and `actix-tickets` include this folder with
//! `#[path = "../../tickets-shared/mod.rs"]` and add only their framework's wiring — routes,
//! extractors, auth and error responses — so the two expose the same tools and give the same
//! answers.

pub(crate) mod api;
pub(crate) mod auth;
pub(crate) mod error;
pub(crate) mod reports;
pub(crate) mod settings;
pub(crate) mod store;
