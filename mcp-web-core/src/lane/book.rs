//! The session-era bookkeeping of lane calls.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
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
    /// Register a call; the guard unregisters it when dropped.
    pub(crate) fn start(self: &Arc<Self>, session: &Arc<str>, id: &Value) -> InFlight {
        let token = CancellationToken::new();
        let key = CallId::of(id).map(|id| (session.clone(), id));
        if let Some(key) = &key {
            lock(&self.in_flight).insert(key.clone(), token.clone());
        }
        InFlight {
            book: self.clone(),
            key,
            token,
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

/// A lane call registered in the [`SessionBook`].
#[derive(Debug)]
pub(crate) struct InFlight {
    book: Arc<SessionBook>,
    key: Option<(Arc<str>, CallId)>,
    pub(super) token: CancellationToken,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(key) = &self.key {
            lock(&self.book.in_flight).remove(key);
        }
    }
}
