//! The OAuth edge as the outermost axum layer ([`RouterExt::with_oauth_edge`](crate::RouterExt)):
//! the resource metadata is served before the host's auth runs, and the host's 401s for the MCP
//! endpoint gain their challenge. axum layers wrap only what exists when they are added, so this
//! one must come after the host's auth layer.

use std::sync::Arc;

use axum::{
    Router,
    body::Body,
    extract::{Request, State},
    middleware::{self, Next},
    response::Response,
};
use mcp_web_core::{McpService, oauth::OAuthEdge};

use crate::turn::AnswersInTurn;

/// `router` with `service` at `path`, and the OAuth edge around it when the mount has one:
/// served there too for apps whose auth is in the handlers' extractors (behind an auth layer,
/// `with_oauth_edge` answers first).
pub(crate) fn route_endpoint(router: Router, path: &str, service: McpService) -> Router {
    let edge = service.oauth_edge().cloned();
    let router = router.route_service(path, AnswersInTurn(service));
    match edge {
        Some(edge) => router.layer(middleware::from_fn_with_state(Arc::new(edge), oauth_edge)),
        None => router,
    }
}

/// Serve the metadata, or run the app and decorate its 401.
pub(crate) async fn oauth_edge(
    State(edge): State<Arc<OAuthEdge>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(metadata) = edge.metadata(request.method(), request.uri().path()) {
        return metadata.map(Body::from);
    }
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let status = response.status();
    edge.decorate(&path, status, response.headers_mut());
    response
}
