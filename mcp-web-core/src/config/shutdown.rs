//! [`ShutdownHandle`]: ends a mount's sessions and streams when the host server shuts down.

use tokio_util::sync::CancellationToken;

/// Ends a mount's MCP sessions and open streams, so the host server's graceful shutdown finishes
/// promptly instead of waiting for clients to hang up.
#[derive(Debug, Clone)]
pub struct ShutdownHandle(pub(super) CancellationToken);

impl ShutdownHandle {
    /// End every session and open stream of the mount now.
    pub fn shutdown(&self) {
        self.0.cancel();
    }

    /// Wait for `signal`, then end the mount's sessions. Pass the result to
    /// `with_graceful_shutdown`.
    pub fn after<F>(&self, signal: F) -> impl Future<Output = ()> + Send + 'static
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let token = self.0.clone();
        async move {
            signal.await;
            token.cancel();
        }
    }

    /// Wait for Ctrl-C or, on Unix, SIGTERM (what process managers and test harnesses send),
    /// then end the mount's sessions. Pass the result to `with_graceful_shutdown`.
    pub fn after_shutdown_signal(&self) -> impl Future<Output = ()> + Send + 'static {
        self.after(shutdown_signal())
    }

    /// Whether the mount has been shut down.
    pub fn is_shut_down(&self) -> bool {
        self.0.is_cancelled()
    }
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot listen for Ctrl-C: {error}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(error) => {
                tracing::warn!("cannot listen for SIGTERM: {error}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
