//! The one guard around code the server does not control — the host's handlers behind a
//! dispatch, curated handlers: a time limit, panics caught, and the client's cancellation. In
//! each case the call's future is dropped, which stops the handler at its next `.await`.

use std::{any::Any, future::Future, panic::AssertUnwindSafe, time::Duration};

use futures::FutureExt;
use rmcp::ErrorData;
use tokio_util::sync::CancellationToken;

/// Why a guarded call ended without its output.
#[derive(Debug)]
pub(super) enum Interrupted {
    /// It ran past this limit.
    TimedOut(Duration),
    /// It panicked, with this message.
    Panicked(String),
    /// The client cancelled the request.
    Cancelled,
}

/// Run `call` to its output, unless it runs past `limit`, panics, or `cancelled` (when there is
/// a way to cancel it) fires first.
pub(super) async fn guarded<F: Future>(
    call: F,
    limit: Duration,
    cancelled: Option<&CancellationToken>,
) -> Result<F::Output, Interrupted> {
    let run = tokio::time::timeout(limit, AssertUnwindSafe(call).catch_unwind());
    let cancelled = async {
        match cancelled {
            Some(token) => token.cancelled().await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        outcome = run => match outcome {
            Err(_) => Err(Interrupted::TimedOut(limit)),
            Ok(Err(panic)) => Err(Interrupted::Panicked(panic_message(panic))),
            Ok(Ok(output)) => Ok(output),
        },
        () = cancelled => Err(Interrupted::Cancelled),
    }
}

/// Run `start`, the synchronous start of a guarded call (a dispatcher making its future), with
/// its panic caught as in [`guarded`]; `Err` gives the panic's message.
pub(super) fn started<T>(start: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(AssertUnwindSafe(start)).map_err(panic_message)
}

/// The JSON-RPC error answering a request the client cancelled.
pub(super) fn cancelled_error() -> ErrorData {
    ErrorData::internal_error("the request was cancelled", None)
}

fn panic_message(panic: Box<dyn Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never_cancelled() -> CancellationToken {
        CancellationToken::new()
    }

    #[tokio::test]
    async fn a_call_that_finishes_in_time_gives_its_output() {
        let output = guarded(
            async { 7 },
            Duration::from_secs(1),
            Some(&never_cancelled()),
        )
        .await;
        assert_eq!(output.unwrap(), 7);
    }

    #[tokio::test]
    async fn a_call_past_its_limit_is_dropped() {
        let limit = Duration::from_millis(20);
        let slow = tokio::time::sleep(Duration::from_secs(60));
        let outcome = guarded(slow, limit, None).await;
        assert!(
            matches!(outcome, Err(Interrupted::TimedOut(l)) if l == limit),
            "{outcome:?}"
        );
    }

    #[tokio::test]
    async fn a_panic_becomes_its_message() {
        let outcome = guarded(
            async { panic!("handler exploded") },
            Duration::from_secs(1),
            Some(&never_cancelled()),
        )
        .await;
        assert!(
            matches!(&outcome, Err(Interrupted::Panicked(m)) if m == "handler exploded"),
            "{outcome:?}"
        );
        let outcome = guarded(
            async { std::panic::panic_any(3_u8) },
            Duration::from_secs(1),
            Some(&never_cancelled()),
        )
        .await;
        assert!(
            matches!(&outcome, Err(Interrupted::Panicked(m)) if m == "no message"),
            "{outcome:?}"
        );
    }

    #[tokio::test]
    async fn cancellation_ends_a_running_call() {
        let cancelled = CancellationToken::new();
        let cancel = cancelled.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            cancel.cancel();
        });
        let pending = std::future::pending::<()>();
        let outcome = guarded(pending, Duration::from_secs(60), Some(&cancelled)).await;
        assert!(
            matches!(outcome, Err(Interrupted::Cancelled)),
            "{outcome:?}"
        );
    }
}
