//! Tool calls through the host's Router, in-process: the core's [`Dispatcher`] for axum.
//!
//! Each call is a `oneshot` on a clone of the Router — no socket, the same middleware stack. Which
//! Router: for a mount, the one the MCP request carries in a [`FinalRouter`] extension (put there
//! by the outermost layer of [`RouterExt::with_mcp_calls_through_all_layers`](crate::RouterExt)),
//! else the Router as it was at `mount_http`; for a [`StandaloneMcp`](crate::StandaloneMcp), always
//! the API's Router it was given.

use std::{
    convert::Infallible,
    net::SocketAddr,
    sync::atomic::{AtomicBool, Ordering},
};

use axum::{Router, body::Body, extract::ConnectInfo};
use bytes::Bytes;
use futures_util::future::BoxFuture;
use http_body_util::BodyExt;
use mcp_web_core::{BoxError, CallError, DispatchBody, Dispatcher};
use tower::ServiceExt;

/// The app's final Router, carried to the MCP endpoint in the request extensions.
#[derive(Clone)]
pub(crate) struct FinalRouter(pub(crate) Router);

/// Serves tool calls through a Router with `oneshot`.
pub(crate) struct RouterDispatcher {
    at_mount: Router,
    /// Whether a [`FinalRouter`] carried by the MCP request replaces `at_mount` (a mount), or is
    /// ignored (a standalone app, whose own Router is not the API).
    follows_final_router: bool,
    /// Whether the "layers added after the mount are skipped" hint was logged already.
    told_about_final_router: AtomicBool,
}

impl RouterDispatcher {
    /// Calls go through `at_mount` unless the MCP request carries a [`FinalRouter`].
    pub(crate) fn new(at_mount: Router) -> Self {
        Self {
            at_mount,
            follows_final_router: true,
            told_about_final_router: AtomicBool::new(false),
        }
    }

    /// Calls always go through `api`: the API Router of a standalone MCP app.
    pub(crate) fn fixed(api: Router) -> Self {
        Self {
            at_mount: api,
            follows_final_router: false,
            told_about_final_router: AtomicBool::new(true),
        }
    }
}

impl Dispatcher for RouterDispatcher {
    fn dispatch(
        &self,
        request: http::Request<Bytes>,
        incoming: Option<&http::request::Parts>,
    ) -> BoxFuture<'static, Result<http::Response<DispatchBody>, CallError>> {
        let carried = incoming
            .filter(|_| self.follows_final_router)
            .and_then(|parts| parts.extensions.get::<FinalRouter>());
        let router = match carried {
            Some(FinalRouter(router)) => router.clone(),
            None => {
                if !self.told_about_final_router.swap(true, Ordering::Relaxed) {
                    tracing::info!(
                        "mcp-axum: tool calls go through the Router as it was at mount_http; \
                         end the app with .with_mcp_calls_through_all_layers() to include the \
                         layers added after it"
                    );
                }
                self.at_mount.clone()
            }
        };
        let mut request = request.map(Body::from);
        // Handlers that extract the peer address keep working on in-process calls.
        if let Some(info) = incoming.and_then(|p| p.extensions.get::<ConnectInfo<SocketAddr>>()) {
            request.extensions_mut().insert(*info);
        }
        Box::pin(async move {
            let response = router
                .oneshot(request)
                .await
                .unwrap_or_else(|never: Infallible| match never {});
            Ok(response.map(|body| DispatchBody::new(body.map_err(BoxError::from))))
        })
    }
}
