//! The MCP endpoint as an actix resource: the actix request becomes an `http` 1 request for the
//! core's [`McpService`], and its answer — JSON, or an SSE stream that may never end — streams
//! back as the actix response.

use actix_web::HttpMessage;
use actix_web::{HttpRequest, HttpResponse, Resource, web};
use mcp_web_core::McpService;
use tower::ServiceExt;

use crate::{
    McpMount,
    body::{self, EndpointBody},
    edge,
    mount::CarriedExtensions,
    worker::{CallSender, ReceivedBy},
};

/// The resource serving `mount` at exactly its path, every method, on the worker owning `worker`.
pub(crate) fn resource(mount: &McpMount, worker: CallSender) -> Resource {
    let service = mount.service.clone();
    let carried = mount.carried.clone();
    web::resource(&mount.path).to(move |request: HttpRequest, payload: web::Payload| {
        serve(
            service.clone(),
            carried.clone(),
            worker.clone(),
            request,
            payload,
        )
    })
}

async fn serve(
    service: McpService,
    carried: CarriedExtensions,
    worker: CallSender,
    request: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let body = body::incoming(payload).await;
    let mut incoming = edge::incoming_request(&request).map(|()| body);
    carried.copy(&request.extensions(), incoming.extensions_mut());
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
