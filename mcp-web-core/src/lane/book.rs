//! The session-era bookkeeping of lane calls.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use serde_json::Value;
use tokio_util::sync::CancellationToken;

/// Session-era bookkeeping the lane needs because its calls bypass the session worker: which
/// calls are in flight (so `notifications/cancelled` reaches them) and when each session was
/// last shown to rmcp as active (so a session used only through the lane does not idle out).
#[derive(Debug, Default)]
pub(crate) struct SessionBook {
    pub(super) in_flight: Mutex<HashMap<(Arc<str>, String), CancellationToken>>,
    touched: Mutex<HashMap<Arc<str>, Instant>>,
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

    /// Whether `session` is due to be shown to rmcp as active again; records it if so.
    pub(crate) fn due_for_touch(&self, session: &Arc<str>, idle: Duration, live: usize) -> bool {
        let now = Instant::now();
        let mut touched = lock(&self.touched);
        // Entries of sessions that ended elsewhere: dropped once they outnumber live sessions.
        if touched.len() > 2 * live + 64 {
            touched.retain(|_, at| now.duration_since(*at) < idle);
        }
        match touched.get(session) {
            Some(at) if now.duration_since(*at) < idle / 4 => false,
            _ => {
                touched.insert(session.clone(), now);
                true
            }
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

pub(super) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
