//! [`AnswersInTurn`]: the MCP endpoint as axum routes it, each answer to a `POST` handed to
//! hyper one poll later, after the worker's other ready tasks.
//!
//! hyper polls a connection task once more after every request whose body it handed over (its
//! body channel wakes the connection when the body is taken, BENCHMARKS.md "Tenth session on
//! issue 14"), and every MCP message is a `POST`. Answered in the first poll, the answer is
//! written at once and that second poll finds nothing to do. Answered in the second, it waits
//! behind the other connections ready on the same tokio worker, and the answers of a busy
//! server leave together: its clients and the runtime's idle worker are woken less often. With
//! 16 clients on two CPUs (`mcp-load`, BENCHMARKS.md "Thirteenth session on issue 14") that is
//! 0.17 → 0.04 reschedule interrupts and 0.34 → 0.19 context switches per call, and a tool call
//! at 0.64–0.71 of the REST call's throughput instead of 0.53–0.63; one client calling in
//! sequence waits a few µs more per call.
//!
//! actix-web needs no such thing: its in-process calls already answer from a later poll of the
//! connection (mcp-actix's worker task), and the same deferral measured no gain there.

use std::{
    convert::Infallible,
    future::Future,
    pin::Pin,
    task::{Context, Poll, ready},
};

use axum::extract::Request;
use mcp_web_core::McpService;
use tower::Service;

/// [`McpService`], answering `POST`s in the poll after the one that made the answer.
#[derive(Clone, Debug)]
pub(crate) struct AnswersInTurn(pub(crate) McpService);

impl Service<Request> for AnswersInTurn {
    type Response = <McpService as Service<Request>>::Response;
    type Error = Infallible;
    type Future = InTurn<<McpService as Service<Request>>::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Service::<Request>::poll_ready(&mut self.0, cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let after_others = request.method() == http::Method::POST;
        InTurn::new(self.0.call(request), after_others)
    }
}

/// The answer of `F`, held back for one poll when it is to go after the worker's other tasks.
#[derive(Debug)]
pub(crate) struct InTurn<F: Future> {
    answering: F,
    after_others: bool,
    held: Option<F::Output>,
}

impl<F: Future> InTurn<F> {
    fn new(answering: F, after_others: bool) -> Self {
        Self {
            answering,
            after_others,
            held: None,
        }
    }
}

impl<F> Future for InTurn<F>
where
    F: Future + Unpin,
    F::Output: Unpin,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        if let Some(answer) = this.held.take() {
            return Poll::Ready(answer);
        }
        let answer = ready!(Pin::new(&mut this.answering).poll(cx));
        if !std::mem::take(&mut this.after_others) {
            return Poll::Ready(answer);
        }
        // Woken here, the task goes to the back of its worker's queue (hyper has most often
        // woken it already, and this wake then changes nothing).
        this.held = Some(answer);
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use std::{
        sync::{
            Arc,
            atomic::{AtomicUsize, Ordering},
        },
        task::Wake,
    };

    use super::*;

    /// Counts its wakes.
    #[derive(Default)]
    struct Wakes(AtomicUsize);

    impl Wake for Wakes {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Polls until ready; the answer, the polls it took and the wakes it asked for.
    fn drive<F: Future + Unpin>(mut future: F) -> (F::Output, usize, usize) {
        let wakes = Arc::new(Wakes::default());
        let waker = Arc::clone(&wakes).into();
        let mut cx = Context::from_waker(&waker);
        for polls in 1..=10 {
            if let Poll::Ready(answer) = Pin::new(&mut future).poll(&mut cx) {
                return (answer, polls, wakes.0.load(Ordering::SeqCst));
            }
        }
        panic!("not ready after ten polls");
    }

    #[test]
    fn an_answer_to_go_after_others_comes_one_poll_later_and_wakes_its_task() {
        let (answer, polls, wakes) = drive(InTurn::new(std::future::ready(7), true));
        assert_eq!((answer, polls, wakes), (7, 2, 1));
    }

    #[test]
    fn other_answers_come_at_once() {
        let (answer, polls, wakes) = drive(InTurn::new(std::future::ready(7), false));
        assert_eq!((answer, polls, wakes), (7, 1, 0));
    }

    #[test]
    fn an_answer_still_being_made_is_held_only_once_it_is_ready() {
        let mut pending_once = false;
        let answering = std::future::poll_fn(move |cx| {
            if std::mem::replace(&mut pending_once, true) {
                return Poll::Ready(7);
            }
            cx.waker().wake_by_ref();
            Poll::Pending
        });
        // One poll waiting for the answer, one making it, one handing it over.
        let (answer, polls, wakes) = drive(InTurn::new(answering, true));
        assert_eq!((answer, polls, wakes), (7, 3, 2));
    }
}
