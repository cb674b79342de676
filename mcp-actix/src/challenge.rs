//! The OAuth edge as actix middleware: `mount_http` wraps the App in it last, which makes it the
//! outermost middleware, so the resource metadata is served before the host's auth runs and the
//! host's 401s for the MCP endpoint gain their challenge. Without
//! [`McpConfig::oauth`](crate::McpConfig::oauth) it passes every request through.

use std::{
    future::{Ready, ready},
    pin::Pin,
    rc::Rc,
    task::{Context, Poll},
};

use actix_web::{
    body::{BoxBody, EitherBody, MessageBody},
    dev::{Service, ServiceRequest, ServiceResponse, Transform},
    http::{StatusCode, header},
};
use mcp_web_core::oauth::OAuthEdge;

use crate::edge;

/// Serves what [`OAuthEdge`] answers and decorates the App's 401s.
pub(crate) struct OAuthEdgeMiddleware {
    edge: Option<Rc<OAuthEdge>>,
}

impl OAuthEdgeMiddleware {
    pub(crate) fn new(edge: Option<OAuthEdge>) -> Self {
        Self {
            edge: edge.map(Rc::new),
        }
    }
}

impl<S, B> Transform<S, ServiceRequest> for OAuthEdgeMiddleware
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = OAuthEdgeService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(OAuthEdgeService {
            service,
            edge: self.edge.clone(),
        }))
    }
}

/// The App's service behind the edge.
pub(crate) struct OAuthEdgeService<S> {
    service: S,
    edge: Option<Rc<OAuthEdge>>,
}

impl<S, B> Service<ServiceRequest> for OAuthEdgeService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = EdgeFuture<S::Future, B>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let Some(edge) = &self.edge else {
            return EdgeFuture::Inner {
                future: self.service.call(request),
                edge: None,
            };
        };
        let method = edge::http_method(request.method());
        if let Some(metadata) = edge.metadata(&method, request.path()) {
            let (parts, body) = metadata.into_parts();
            let answer = edge::outgoing_response(&parts).body(body);
            let response = request.into_response(answer).map_into_right_body();
            return EdgeFuture::Ready {
                response: Some(response),
            };
        }
        let path = request.path().to_owned();
        EdgeFuture::Inner {
            future: self.service.call(request),
            edge: Some((edge.clone(), path)),
        }
    }
}

pin_project_lite::pin_project! {
    /// The App's answer, with the challenge added to a 401; or the metadata, at once.
    #[project = EdgeProjection]
    pub(crate) enum EdgeFuture<F, B> {
        Ready { response: Option<ServiceResponse<EitherBody<B, BoxBody>>> },
        Inner { #[pin] future: F, edge: Option<(Rc<OAuthEdge>, String)> },
    }
}

impl<F, B> std::future::Future for EdgeFuture<F, B>
where
    F: std::future::Future<Output = Result<ServiceResponse<B>, actix_web::Error>>,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            EdgeProjection::Ready { response } => {
                Poll::Ready(Ok(response.take().expect("polled after completion")))
            }
            EdgeProjection::Inner { future, edge } => {
                let mut response = match future.poll(cx) {
                    Poll::Ready(Ok(response)) => response,
                    Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                    Poll::Pending => return Poll::Pending,
                };
                if let Some((edge, path)) = edge.take()
                    && response.status() == StatusCode::UNAUTHORIZED
                {
                    challenge(&edge, &path, response.headers_mut());
                }
                Poll::Ready(Ok(response.map_into_left_body()))
            }
        }
    }
}

/// The edge's challenge on a 401 at `path`: the core decorates the head as `http` 1, so the rules
/// (which challenges stay, what is added, `Connection: close`) live once, in `OAuthEdge`.
fn challenge(edge: &OAuthEdge, path: &str, headers: &mut header::HeaderMap) {
    let mut decorated = edge::http_headers(headers, http::HeaderMap::with_capacity);
    edge.decorate(path, http::StatusCode::UNAUTHORIZED, &mut decorated);
    headers.clear();
    for (name, value) in edge::actix_headers(&decorated) {
        headers.append(name, value);
    }
}
