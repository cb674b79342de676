//! The MCP endpoint as an actix resource: the actix request becomes an `http` 1 request for the
//! core's [`McpService`], and its answer — JSON, or an SSE stream that may never end — streams
//! back as the actix response.
//!
//! actix-web routes a request by trying the App's resources in the order they were registered,
//! with a regex search for every pattern that has a `{param}`. `mount_http` comes last, so the
//! endpoint it registers is tried after every route of the host: [`McpMount::endpoint`] lets the
//! app register it first, paired with that factory's `mount_http` through a per-thread slot.

use std::{cell::RefCell, fmt};

use actix_web::{
    HttpMessage, HttpRequest, HttpResponse, Resource,
    dev::{AppService, HttpServiceFactory},
    web,
};
use mcp_web_core::McpService;
use tokio::sync::mpsc;
use tower::ServiceExt;

use crate::{
    McpMount,
    body::{self, EndpointBody},
    edge,
    mount::CarriedExtensions,
    worker::{CallReceiver, CallSender, ReceivedBy},
};

thread_local! {
    /// Channels made by [`McpMount::endpoint`] in an app factory running on this thread, by
    /// mount, until that factory's `mount_http` takes them.
    static WAITING: RefCell<Vec<(u64, CallSender, CallReceiver)>> = const { RefCell::new(Vec::new()) };
}

/// The MCP endpoint of an [`McpMount`], registered before the app's own routes; made by
/// [`McpMount::endpoint`].
pub struct McpEndpoint {
    resource: Resource,
}

impl fmt::Debug for McpEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McpEndpoint").finish_non_exhaustive()
    }
}

impl HttpServiceFactory for McpEndpoint {
    fn register(self, config: &mut AppService) {
        self.resource.register(config);
    }
}

impl McpMount {
    /// The MCP endpoint, to register with `.service(..)` **first** in the app factory, before
    /// the app's own routes; [`mount_http`](crate::McpAppExt::mount_http) still comes last in
    /// the same factory and then serves the tool calls of this endpoint.
    ///
    /// actix-web tries resources in the order they were registered, with a regex search for
    /// each pattern that has a `{param}`. Registered by `mount_http` alone, the endpoint is
    /// tried after every route of the app: each MCP request pays a failed search per dynamic
    /// route, and a catch-all route such as `/{page}` would take `/mcp` for itself. Registered
    /// first, it is matched before them.
    ///
    /// ```
    /// use actix_web::{App, HttpResponse, test, web};
    /// use mcp_actix::{McpAppExt, McpConfig, McpMount};
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let mcp = McpMount::new("/mcp", McpConfig::new(utoipa::openapi::OpenApiBuilder::new().build()));
    /// let app = test::init_service(
    ///     App::new()
    ///         .service(mcp.endpoint()) // matched before the routes below
    ///         .route("/{page}", web::post().to(|| async { HttpResponse::NotFound() }))
    ///         .mount_http(&mcp), // still last
    /// )
    /// .await;
    /// let request = test::TestRequest::post()
    ///     .uri("/mcp")
    ///     .insert_header(("host", "127.0.0.1"))
    ///     .insert_header(("accept", "application/json, text/event-stream"))
    ///     .set_json(serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
    ///         "params": {"protocolVersion": "2025-06-18", "capabilities": {},
    ///                    "clientInfo": {"name": "doc", "version": "1"}}}))
    ///     .to_request();
    /// let response = test::call_service(&app, request).await;
    /// assert!(response.headers().contains_key("mcp-session-id"));
    /// # });
    /// ```
    ///
    /// Without `mount_http` in the same factory, the endpoint's tool calls have no App to go
    /// through and end with the call timeout.
    pub fn endpoint(&self) -> McpEndpoint {
        let calls = WAITING.with_borrow_mut(|waiting| {
            if let Some((_, calls, _)) = waiting.iter().find(|(id, ..)| *id == self.id) {
                return calls.clone();
            }
            let (calls, received) = mpsc::unbounded_channel();
            waiting.push((self.id, calls.clone(), received));
            calls
        });
        McpEndpoint {
            resource: resource(self, calls),
        }
    }
}

/// The channel of the worker's in-process calls for `mount_http`: the one an earlier
/// [`McpMount::endpoint`] of this factory made, else a new one.
pub(crate) fn calls_channel(mount: &McpMount) -> (CallSender, CallReceiver) {
    let waiting = WAITING.with_borrow_mut(|waiting| {
        let at = waiting.iter().position(|(id, ..)| *id == mount.id)?;
        let (_, calls, received) = waiting.swap_remove(at);
        Some((calls, received))
    });
    waiting.unwrap_or_else(mpsc::unbounded_channel)
}

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
