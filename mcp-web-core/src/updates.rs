//! [`ResourceUpdates`]: tell subscribed clients that a resource changed.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex, Weak},
};

use rmcp::{RoleServer, model::ResourceUpdatedNotificationParam, service::Peer};

/// Sends `notifications/resources/updated` to the 2025-era sessions subscribed to a resource
/// (`resources/subscribe`). Get it from [`McpConfig::resource_updates`](crate::McpConfig::resource_updates)
/// before mounting; cheap to clone.
///
/// ```
/// # async fn changed(updates: mcp_web_core::ResourceUpdates) {
/// // after the data behind `docs://guide` changed:
/// let notified = updates.updated("docs://guide").await;
/// # let _ = notified;
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct ResourceUpdates {
    subscribers: Arc<Mutex<Vec<Weak<Subscriber>>>>,
}

/// One session's subscriptions; dropped with the session.
pub(crate) struct Subscriber {
    peer: Peer<RoleServer>,
    uris: Mutex<HashSet<String>>,
}

impl std::fmt::Debug for Subscriber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscriber").finish_non_exhaustive()
    }
}

impl Subscriber {
    pub(crate) fn subscribe(&self, uri: String) {
        lock(&self.uris).insert(uri);
    }

    pub(crate) fn unsubscribe(&self, uri: &str) {
        lock(&self.uris).remove(uri);
    }
}

impl ResourceUpdates {
    /// Notify every session subscribed to `uri`; returns how many were notified.
    pub async fn updated(&self, uri: &str) -> usize {
        let peers: Vec<Peer<RoleServer>> = {
            let mut subscribers = lock(&self.subscribers);
            subscribers.retain(|s| s.strong_count() > 0);
            subscribers
                .iter()
                .filter_map(Weak::upgrade)
                .filter(|s| lock(&s.uris).contains(uri))
                .map(|s| s.peer.clone())
                .collect()
        };
        let mut notified = 0;
        for peer in peers {
            let param = ResourceUpdatedNotificationParam::new(uri);
            match peer.notify_resource_updated(param).await {
                Ok(()) => notified += 1,
                Err(error) => tracing::debug!("resource update not sent: {error}"),
            }
        }
        notified
    }

    /// A subscriber for a session, registered here.
    pub(crate) fn subscriber(&self, peer: Peer<RoleServer>) -> Arc<Subscriber> {
        let subscriber = Arc::new(Subscriber {
            peer,
            uris: Mutex::default(),
        });
        let mut subscribers = lock(&self.subscribers);
        subscribers.retain(|s| s.strong_count() > 0);
        subscribers.push(Arc::downgrade(&subscriber));
        subscriber
    }
}

/// A poisoned lock only means another request panicked mid-update of plain data: keep going.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
