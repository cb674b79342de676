//! The OAuth edge as the outermost axum layer ([`RouterExt::with_oauth_edge`](crate::RouterExt)):
//! the resource metadata is served before the host's auth runs, and the host's 401s for the MCP
//! endpoint gain their challenge. axum layers wrap only what exists when they are added, so this
//! one must come after the host's auth layer.

use std::sync::Arc;

use axum::{
    body::Body,
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use mcp_web_core::oauth::OAuthEdge;

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
