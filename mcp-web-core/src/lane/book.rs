//! The session-era bookkeeping of lane calls.

use std::{
    collections::HashMap,
    future::Future,
    pin::Pin,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll},
};

use foldhash::fast::RandomState;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::updates::lock;

/// Session-era bookkeeping the lane needs because its calls bypass the session worker: which
/// calls are in flight (so `notifications/cancelled` reaches them).
#[derive(Debug, Default)]
pub(crate) struct SessionBook {
    /// Seeded foldhash: ids are the client's, so the hash stays keyed, but is cheaper than SipHash
    /// for a key written and removed on every call.
    pub(super) in_flight: Mutex<HashMap<(Arc<str>, CallId), CancellationToken, RandomState>>,
}

/// A request id as the lane takes them (an integer or a string), hashable as it is: no text is
/// made of it for every call.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum CallId {
    Number(i64),
    Text(String),
}

impl CallId {
    /// `None` for an id the lane never takes (another kind of number, `null`, …).
    fn of(id: &Value) -> Option<Self> {
        match id {
            Value::Number(number) => number.as_i64().map(CallId::Number),
            Value::String(text) => Some(CallId::Text(text.clone())),
            _ => None,
        }
    }
}

impl SessionBook {
    /// A call of `session`, entered in the book when it first waits ([`InFlight::run`]); the
    /// guard takes it out when dropped.
    pub(crate) fn start(self: &Arc<Self>, session: &Arc<str>, id: &Value) -> InFlight {
        InFlight {
            book: self.clone(),
            key: CallId::of(id).map(|id| (session.clone(), id)),
            token: CancellationToken::new(),
            entered: AtomicBool::new(false),
        }
    }

    /// Cancel the call `request_id` of `session`, if the lane is running it.
    pub(crate) fn cancel(&self, session: &str, request_id: &Value) {
        let Some(id) = CallId::of(request_id) else {
            return;
        };
        let key = (Arc::from(session), id);
        if let Some(token) = lock(&self.in_flight).get(&key) {
            token.cancel();
        }
    }
}

/// A lane call of a session, cancellable through the [`SessionBook`] once it waits.
#[derive(Debug)]
pub(crate) struct InFlight {
    book: Arc<SessionBook>,
    key: Option<(Arc<str>, CallId)>,
    pub(super) token: CancellationToken,
    /// In the book: the call has waited once.
    entered: AtomicBool,
}

impl InFlight {
    /// `call`, entering it in the book the first time it waits.
    ///
    /// A call that ends in its first poll (most do: the handler answers at once) never takes
    /// the book's lock: no notice can be read for it before it is over, and one read on
    /// another thread meanwhile finds the call over, as it would a moment later. Entered
    /// after the poll that waited, the token already wakes that poll's waiter.
    pub(super) fn run<F: Future>(&self, call: F) -> EnteredOnWait<'_, F> {
        EnteredOnWait {
            call,
            in_flight: self,
        }
    }

    pub(super) fn enter(&self) {
        if let Some(key) = &self.key
            && !self.entered.swap(true, Ordering::Relaxed)
        {
            lock(&self.book.in_flight).insert(key.clone(), self.token.clone());
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(key) = &self.key
            && *self.entered.get_mut()
        {
            lock(&self.book.in_flight).remove(key);
        }
    }
}

pin_project_lite::pin_project! {
    /// A call that enters its [`InFlight`] in the book the first time it waits; made by
    /// [`InFlight::run`]. A combinator, not an `async fn`: it holds the call once.
    pub(super) struct EnteredOnWait<'a, F> {
        #[pin]
        call: F,
        in_flight: &'a InFlight,
    }
}

impl<F: Future> Future for EnteredOnWait<'_, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let poll = this.call.poll(cx);
        if poll.is_pending() {
            this.in_flight.enter();
        }
        poll
    }
}
