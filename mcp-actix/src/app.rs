//! [`McpApp`]: the host's App with MCP mounted, as `HttpServer::new` and actix's test utilities
//! take it. Building it on a worker also starts that worker's in-process call server.

use std::{cell::RefCell, fmt, rc::Rc};

use actix_http::Request;
use actix_service::IntoServiceFactory;
use actix_web::{
    App,
    body::MessageBody,
    dev::{AppConfig, Service, ServiceFactory, ServiceResponse},
};
use futures_util::future::LocalBoxFuture;

use crate::worker::{self, CallReceiver};

/// An actix-web `App` with MCP mounted, returned by
/// [`McpAppExt::mount_http`](crate::McpAppExt::mount_http) — or serving the in-process calls of
/// a standalone MCP app, returned by
/// [`McpAppExt::serve_mcp_calls`](crate::McpAppExt::serve_mcp_calls).
///
/// Use it where the `App` would go: return it from the `HttpServer::new` factory, or pass it to
/// `actix_web::test::init_service`. It has no builder methods of its own, which is why
/// `mount_http` comes last.
pub struct McpApp<T> {
    app: App<T>,
    calls: CallReceiver,
}

impl<T> McpApp<T> {
    pub(crate) fn new(app: App<T>, calls: CallReceiver) -> Self {
        Self { app, calls }
    }
}

impl<T> fmt::Debug for McpApp<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McpApp").finish_non_exhaustive()
    }
}

impl<T, S, B> IntoServiceFactory<McpAppFactory<S>, Request> for McpApp<T>
where
    App<T>: IntoServiceFactory<S, Request>,
    S: ServiceFactory<
            Request,
            Config = AppConfig,
            Response = ServiceResponse<B>,
            Error = actix_web::Error,
            InitError = (),
        >,
    S::Service: 'static,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    fn into_factory(self) -> McpAppFactory<S> {
        McpAppFactory {
            app: self.app.into_factory(),
            calls: RefCell::new(Some(self.calls)),
        }
    }
}

/// Builds the worker's App service and starts the worker's in-process call server beside it.
///
/// You do not name this type; it is what [`McpApp`] turns into.
pub struct McpAppFactory<S> {
    app: S,
    calls: RefCell<Option<CallReceiver>>,
}

impl<S> fmt::Debug for McpAppFactory<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McpAppFactory").finish_non_exhaustive()
    }
}

impl<S, B> ServiceFactory<Request> for McpAppFactory<S>
where
    S: ServiceFactory<
            Request,
            Config = AppConfig,
            Response = ServiceResponse<B>,
            Error = actix_web::Error,
            InitError = (),
        >,
    S::Service: 'static,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Config = AppConfig;
    type Service = McpAppService<S::Service>;
    type InitError = ();
    type Future = LocalBoxFuture<'static, Result<Self::Service, ()>>;

    fn new_service(&self, config: AppConfig) -> Self::Future {
        let app = self.app.new_service(config);
        let calls = self.calls.borrow_mut().take();
        Box::pin(async move {
            let app = Rc::new(app.await?);
            match calls {
                // Lives as long as this worker's App: it holds the App weakly and ends when the
                // App (and with it the endpoint holding the sending side) is dropped.
                Some(calls) => {
                    tokio::task::spawn_local(worker::serve_calls(Rc::downgrade(&app), calls));
                }
                // actix builds each factory once per worker; a second build would have no
                // channel of its own, so its tool calls are served by the first one.
                None => tracing::warn!(
                    "mcp-actix: this App was built twice from one factory call; tool calls \
                     go through the first instance"
                ),
            }
            Ok(McpAppService { app })
        })
    }
}

/// The worker's App service, shared with the worker's in-process call server.
///
/// You do not name this type; actix serves it.
pub struct McpAppService<S> {
    app: Rc<S>,
}

impl<S> fmt::Debug for McpAppService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McpAppService").finish_non_exhaustive()
    }
}

impl<S: Service<Request>> Service<Request> for McpAppService<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    actix_web::dev::forward_ready!(app);

    fn call(&self, request: Request) -> S::Future {
        self.app.call(request)
    }
}
