//! [`McpMount`]: the MCP endpoint of an actix-web app, built once outside the app factory.
//!
//! actix-web calls the app factory once per worker, so what must exist once — the tool catalog,
//! the sessions, the shutdown handle — is built here and shared by every worker's App.

use std::{
    fmt,
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use actix_web::dev::ServerHandle;
use mcp_web_core::{Dispatcher, McpService};

use crate::{ConversionWarning, McpConfig, MountError, Preview, ShutdownHandle, worker};

/// The MCP endpoint of an actix-web app: built once, outside the app factory, and mounted on
/// every worker's App with [`McpAppExt::mount_http`](crate::McpAppExt::mount_http).
///
/// Cloning is cheap; all clones share the tool catalog and the MCP sessions.
#[derive(Debug, Clone)]
pub struct McpMount {
    pub(crate) path: String,
    pub(crate) service: McpService,
    pub(crate) carried: CarriedExtensions,
    /// Which mount this is (clones share it): pairs `endpoint()` with `mount_http`.
    pub(crate) id: u64,
    shutdown: ShutdownHandle,
}

type CopyExtension = dyn Fn(&actix_http::Extensions, &mut http::Extensions) + Send + Sync;

/// The request extensions of the host's middleware that the core sees, by type.
#[derive(Clone, Default)]
pub(crate) struct CarriedExtensions(Arc<Vec<Arc<CopyExtension>>>);

impl fmt::Debug for CarriedExtensions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CarriedExtensions({} types)", self.0.len())
    }
}

impl CarriedExtensions {
    /// Copy every carried type found in actix's `from` into the core's `into`.
    pub(crate) fn copy(&self, from: &actix_http::Extensions, into: &mut http::Extensions) {
        for copy in self.0.iter() {
            copy(from, into);
        }
    }
}

impl McpMount {
    /// Serve MCP at exactly `path`; the operations of `config`'s OpenAPI document become tools.
    ///
    /// The catalog is built here, once. The endpoint itself is never offered as a tool.
    /// [`try_new`](Self::try_new) is the same, with the mount's errors returned.
    ///
    /// ```
    /// use mcp_actix::{McpConfig, McpMount};
    ///
    /// let document = serde_json::json!({
    ///     "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
    ///     "paths": {"/ping": {"get": {"operationId": "ping", "responses": {"200": {"description": "ok"}}}}}
    /// });
    /// let mcp = McpMount::new("/mcp", McpConfig::from_json(document));
    /// assert_eq!(mcp.path(), "/mcp");
    /// assert_eq!(mcp.preview().tools[0]["name"], "ping");
    /// ```
    ///
    /// `path` is an actix-web route pattern, as in `web::resource`; actix checks it when it
    /// builds each worker's App.
    ///
    /// # Panics
    ///
    /// When the mount cannot be built, with the message of the [`MountError`]:
    ///
    #[doc = include_str!("docs/mount_errors.md")]
    pub fn new(path: &str, config: McpConfig) -> Self {
        Self::try_new(path, config)
            .unwrap_or_else(|error| panic!("McpMount::new({path:?}): {error}"))
    }

    /// [`new`](Self::new) that returns the reason when the mount cannot be built.
    ///
    /// ```
    /// use mcp_actix::{McpConfig, McpMount, MountError};
    ///
    /// let api = utoipa::openapi::OpenApiBuilder::new().build();
    /// let config = McpConfig::new(api).request_state_key(*b"too short for a key");
    /// let mounted = McpMount::try_new("/mcp", config);
    /// assert!(matches!(mounted, Err(MountError::InvalidConfig(_))));
    /// ```
    ///
    /// # Errors
    ///
    #[doc = include_str!("docs/mount_errors.md")]
    pub fn try_new(path: &str, config: McpConfig) -> Result<Self, MountError> {
        Self::with_dispatcher(path, config, worker::WorkerDispatcher)
    }

    /// The endpoint of `config` at `path`, its tool calls served by `dispatcher`.
    pub(crate) fn with_dispatcher(
        path: &str,
        config: McpConfig,
        dispatcher: impl Dispatcher,
    ) -> Result<Self, MountError> {
        if !path.starts_with('/') {
            return Err(MountError::InvalidConfig(format!(
                "the mount path {path:?} does not start with '/'"
            )));
        }
        let shutdown = config.shutdown_handle();
        let service = McpService::new(config, path, dispatcher)?;
        static MOUNTS: AtomicU64 = AtomicU64::new(0);
        Ok(Self {
            path: path.to_string(),
            service,
            carried: CarriedExtensions::default(),
            id: MOUNTS.fetch_add(1, Ordering::Relaxed),
            shutdown,
        })
    }

    /// Hand the `T` that the host's middleware put in an MCP request's extensions on to the
    /// mount, where [`CallerScopes`](crate::oauth::CallerScopes) readers and curated tools look
    /// for it. actix-web's extensions are not `http`'s, so each type is named once here; axum
    /// needs no such call.
    ///
    /// ```
    /// use mcp_actix::{McpConfig, McpMount, oauth::CallerScopes};
    ///
    /// #[derive(Clone)]
    /// struct Claims { scope: String }
    ///
    /// let config = McpConfig::new(utoipa::openapi::OpenApiBuilder::new().build())
    ///     .caller_scopes(CallerScopes::scope_claim(|c: &Claims| &c.scope));
    /// let mcp = McpMount::new("/mcp", config).carry_extension::<Claims>();
    /// # let _ = mcp;
    /// ```
    pub fn carry_extension<T: Clone + Send + Sync + 'static>(mut self) -> Self {
        let mut copies: Vec<Arc<CopyExtension>> = self.carried.0.iter().cloned().collect();
        copies.push(Arc::new(
            |from: &actix_http::Extensions, into: &mut http::Extensions| {
                if let Some(value) = from.get::<T>() {
                    into.insert(value.clone());
                }
            },
        ));
        self.carried = CarriedExtensions(Arc::new(copies));
        self
    }

    /// The path the endpoint answers at.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What the endpoint offers (tools exactly as `tools/list` returns them, resources,
    /// resource templates) and the conversion warnings.
    pub fn preview(&self) -> Preview {
        self.service.preview()
    }

    /// Operations that were skipped or converted with a loss, each with the reason.
    pub fn warnings(&self) -> &[ConversionWarning] {
        self.service.warnings()
    }

    /// The handle that ends this mount's sessions and open streams.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }

    /// Wait for `signal`, end this mount's MCP sessions and streams, then stop `server`
    /// gracefully. Spawn it next to the running server.
    ///
    /// ```no_run
    /// # use actix_web::{App, HttpServer};
    /// # use mcp_actix::{McpAppExt, McpConfig, McpMount};
    /// # #[actix_web::main]
    /// # async fn main() -> std::io::Result<()> {
    /// # let mcp = McpMount::new("/mcp", McpConfig::new(utoipa::openapi::OpenApiBuilder::new().build()));
    /// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    /// let factory_mcp = mcp.clone();
    /// let server = HttpServer::new(move || App::new().mount_http(&factory_mcp))
    ///     .bind(("127.0.0.1", 0))?
    ///     .run();
    /// actix_web::rt::spawn(mcp.stop_after(async { let _ = stopped.await; }, server.handle()));
    /// # let _ = stop;
    /// server.await
    /// # }
    /// ```
    pub fn stop_after<F>(
        &self,
        signal: F,
        server: ServerHandle,
    ) -> impl Future<Output = ()> + 'static
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let ends_streams = self.shutdown.after(signal);
        async move {
            ends_streams.await;
            server.stop(true).await;
        }
    }

    /// [`stop_after`](Self::stop_after) Ctrl-C or, on Unix, SIGTERM.
    pub fn stop_on_shutdown_signal(
        &self,
        server: ServerHandle,
    ) -> impl Future<Output = ()> + 'static {
        let ends_streams = self.shutdown.after_shutdown_signal();
        async move {
            ends_streams.await;
            server.stop(true).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_api() -> McpConfig {
        McpConfig::new(utoipa::openapi::OpenApiBuilder::new().build())
    }

    #[test]
    fn a_path_without_a_leading_slash_is_refused() {
        let error = McpMount::try_new("mcp", empty_api()).unwrap_err();
        assert!(matches!(error, MountError::InvalidConfig(_)), "{error}");
        assert!(error.to_string().contains("\"mcp\""), "{error}");
    }

    #[test]
    fn new_panics_with_the_reason() {
        let config = empty_api().request_state_key(*b"short");
        let error = McpMount::try_new("/mcp", config.clone()).unwrap_err();
        assert!(matches!(error, MountError::InvalidConfig(_)), "{error}");
        let mount = std::panic::AssertUnwindSafe(|| McpMount::new("/mcp", config));
        let panic = std::panic::catch_unwind(mount).unwrap_err();
        let message = panic.downcast_ref::<String>().unwrap();
        assert_eq!(*message, format!("McpMount::new(\"/mcp\"): {error}"));
    }
}
