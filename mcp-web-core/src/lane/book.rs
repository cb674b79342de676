//! The session-era bookkeeping of lane calls.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::updates::lock;

/// Session-era bookkeeping the lane needs because its calls bypass the session worker: which
/// calls are in flight (so `notifications/cancelled` reaches them).
#[derive(Debug, Default)]
pub(crate) struct SessionBook {
    pub(super) in_flight: Mutex<HashMap<(Arc<str>, String), CancellationToken>>,
}

impl SessionBook {
    /// Register a call; the guard unregisters it when dropped.
    pub(crate) fn start(self: &Arc<Self>, session: &Arc<str>, id: &Value) -> InFlight {
        let key = (session.clone(), id.to_string());
        let token = CancellationToken::new();
        lock(&self.in_flight).insert(key.clone(), token.clone());
        InFlight {
            book: self.clone(),
            key,
            token,
        }
    }

    /// Cancel the call `request_id` of `session`, if the lane is running it.
    pub(crate) fn cancel(&self, session: &str, request_id: &Value) {
        let key = (Arc::from(session), request_id.to_string());
        if let Some(token) = lock(&self.in_flight).get(&key) {
            token.cancel();
        }
    }
}

/// A lane call registered in the [`SessionBook`].
#[derive(Debug)]
pub(crate) struct InFlight {
    book: Arc<SessionBook>,
    key: (Arc<str>, String),
    pub(super) token: CancellationToken,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        lock(&self.book.in_flight).remove(&self.key);
    }
}
