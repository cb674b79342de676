//! The MCP endpoint as an actix resource: the actix request becomes an `http` 1 request for the
//! core's [`McpService`], and its answer — JSON, or an SSE stream that may never end — streams
//! back as the actix response.

use actix_web::{HttpRequest, HttpResponse, Resource, web};
use http_body::SizeHint;
use mcp_web_core::McpService;
use tower::ServiceExt;

use crate::{
    body::{self, EndpointBody},
    edge,
    worker::{CallSender, ReceivedBy},
};

/// The resource serving MCP at exactly `path`, every method, on the worker owning `worker`.
pub(crate) fn resource(path: &str, service: McpService, worker: CallSender) -> Resource {
    web::resource(path).to(move |request: HttpRequest, payload: web::Payload| {
        serve(service.clone(), worker.clone(), request, payload)
    })
}

async fn serve(
    service: McpService,
    worker: CallSender,
    request: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    // The body streams in; rmcp applies `max_request_body_bytes` while reading it.
    let body = body::relay(payload, SizeHint::default());
    let mut incoming = edge::incoming_request(&request).map(|()| body);
    incoming.extensions_mut().insert(ReceivedBy {
        worker,
        peer_addr: request.peer_addr(),
    });
    let response = match service.oneshot(incoming).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let (parts, body) = response.into_parts();
    edge::outgoing_response(&parts).body(EndpointBody(body))
}
