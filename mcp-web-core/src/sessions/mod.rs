//! [`Sessions`]: the 2025-era sessions of one mount — which exist, which have a worker, when
//! each expires — as rmcp's [`SessionManager`], keeping a worker only for the sessions in use.
//!
//! rmcp's [`LocalSessionManager`] runs a worker per session: three tasks and seven channels,
//! each channel's first block sized for 32 messages of a few hundred bytes. A session that only
//! sent `initialize` costs about 98 KB of heap that way, 54 KB of it resident (BENCHMARKS.md,
//! issue 14). Here only the [`WARM_SESSIONS`] most recently used sessions keep their worker.
//! When one more needs one, the least recently used idle session is *parked*: its worker ends
//! and what stays is a record — the client's `initialize` parameters as compact JSON and the
//! time of its last request, a few hundred bytes. A request for a parked session *revives* it
//! first: a fresh worker replays the handshake with the stored parameters (what rmcp's own
//! restore from a `SessionStore` does) and then serves the request. The client sees one
//! session throughout; a burst of `initialize` keeps at most [`WARM_SESSIONS`] workers (plus
//! the sessions busy at that moment) whatever the number of sessions.
//!
//! Never parked: a session with a request in flight or a stream open, and one that asked for
//! server state beyond its `initialize` (`logging/setLevel`, `resources/subscribe`), which a
//! replay would lose. What a parked session does lose is the in-memory replay buffer of its
//! finished streams (`Last-Event-ID`), unless an [`event_store`](crate::McpConfig::event_store)
//! keeps them.
//!
//! Expiry runs on one clock: the time of a session's last request, whether rmcp served it or
//! the fast lane did ([`Sessions::touch`]); a worker's own idle timer (rmcp's `keep_alive`,
//! turned off here) would not see the lane's. A sweeper task, started with the first session,
//! ends the sessions idle for the idle timeout, parked or not, and a request for an expired
//! session gets 404 even before the sweeper runs. A session with a stream open is not idle.
//!
//! With a [`session_store`](crate::McpConfig::session_store), sessions are shared by every
//! instance using the same store. rmcp writes a session there at its `initialize` and deletes
//! it at its `DELETE`; a request for a session this instance does not know makes rmcp load it
//! and ask [`Sessions`] for a worker (`restore_session`), and the handshake replay that follows
//! makes it a session like the others here, fast lane included. The sweeper writes the entries
//! of sessions used since their last write again, at most once per sweep, so that the store's
//! expiry (the idle timeout) runs from the last request on any instance. A restore counts
//! against `max_sessions` as an `initialize` does.
//!
//! | file | owns |
//! |---|---|
//! | `mod.rs` | [`Sessions`]: rmcp's calls, parking, revival, expiry |
//! | `table.rs` | the records under one lock, and the choices made on them |

mod table;

use std::{
    pin::Pin,
    sync::{Arc, Mutex, MutexGuard, Once, Weak},
    task::{Context, Poll},
    time::{Duration, Instant},
};

use futures::Stream;
use rmcp::{
    ServerHandler,
    model::{
        ClientJsonRpcMessage, ClientNotification, ClientRequest, GetExtensions, InitializeRequest,
        InitializeRequestParams, InitializedNotification, NumberOrString, ServerJsonRpcMessage,
    },
    service::serve_server_with_ct,
    transport::streamable_http_server::session::{
        EventStore, RestoreOutcome, ServerSseMessage, SessionId, SessionManager,
        SessionRestoreMarker, SessionState, SessionStore,
        local::{LocalSessionManager, LocalSessionManagerError, SessionError, SessionTransport},
    },
};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::{McpConfig, updates::lock};
use table::{Table, Worker};

/// How many idle sessions keep their worker: the most recently used ones, so that clients in
/// active use never wait for a revival. About 54 KB resident each.
const WARM_SESSIONS: usize = 64;

/// How long a request waits for another one to finish parking or reviving its session.
const WAIT_LIMIT: Duration = Duration::from_secs(10);

type Error = LocalSessionManagerError;

/// The sessions of one mount; `S` is the MCP server each worker runs.
pub(crate) struct Sessions<S> {
    shared: Arc<Shared>,
    new_server: Box<dyn Fn() -> S + Send + Sync>,
}

impl<S> std::fmt::Debug for Sessions<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field("open", &self.len())
            .finish_non_exhaustive()
    }
}

/// What the manager, its guards, its workers and its sweeper share.
struct Shared {
    /// The workers, by session id: rmcp's own manager, holding the warm sessions only.
    live: LocalSessionManager,
    table: Mutex<Table>,
    /// Woken whenever a session leaves `Parking` or `Reviving`.
    changed: Notify,
    idle_timeout: Option<Duration>,
    warm_limit: usize,
    /// Where sessions are shared with other instances, and how many this one may hold.
    store: Option<Arc<dyn SessionStore>>,
    max_sessions: usize,
    shutdown: CancellationToken,
    sweeper: Once,
}

impl<S: ServerHandler> Sessions<S> {
    /// The sessions of a mount of `config`, each worker running a server from `new_server`.
    pub(crate) fn new(
        config: &McpConfig,
        new_server: impl Fn() -> S + Send + Sync + 'static,
    ) -> Self {
        Self::with_warm_limit(config, new_server, WARM_SESSIONS)
    }

    fn with_warm_limit(
        config: &McpConfig,
        new_server: impl Fn() -> S + Send + Sync + 'static,
        warm_limit: usize,
    ) -> Self {
        let mut live = LocalSessionManager::default();
        // Idle expiry is the sweeper's, on the one clock every request moves.
        live.session_config.keep_alive = None;
        if let Some(store) = &config.event_store {
            live = live.with_event_store(store.clone());
        }
        Self {
            shared: Arc::new(Shared {
                live,
                table: Mutex::default(),
                changed: Notify::new(),
                idle_timeout: config.session_idle_timeout,
                warm_limit,
                store: config.session_store.clone(),
                max_sessions: config.max_sessions,
                shutdown: config.shutdown.clone(),
                sweeper: Once::new(),
            }),
            new_server: Box::new(new_server),
        }
    }

    /// Start the sweeper, once, if sessions expire.
    fn start_sweeper(&self) {
        if let Some(idle) = self.shared.idle_timeout {
            self.shared.sweeper.call_once(|| {
                let shared = Arc::downgrade(&self.shared);
                tokio::spawn(sweep(shared, idle, self.shared.shutdown.clone()));
            });
        }
    }

    /// Give `id`'s session a worker if it has none; the caller holds it [`InUse`].
    async fn ensure_worker(&self, id: &SessionId) -> Result<(), Error> {
        loop {
            let changed = self.shared.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let revival = {
                let mut table = self.shared.table();
                let Some(record) = table.records.get(id) else {
                    return Err(Error::SessionNotFound(id.clone()));
                };
                match record.worker {
                    Worker::Live => return Ok(()),
                    Worker::Parking | Worker::Reviving => None,
                    Worker::Parked => table.revive(id),
                }
            };
            match revival {
                Some(initialize) => return self.revive(id, initialize).await,
                None => tokio::time::timeout(WAIT_LIMIT, changed)
                    .await
                    .map_err(|_| terminated())?,
            }
        }
    }

    /// A new worker for a parked session, through the handshake it had.
    async fn revive(&self, id: &SessionId, initialize: Option<Box<[u8]>>) -> Result<(), Error> {
        let revived = self.start_worker(id, initialize.as_deref()).await;
        let outcome = {
            let mut table = self.shared.table();
            let record = table.records.get_mut(id);
            match (revived, record) {
                (Ok(()), Some(record)) if record.worker == Worker::Reviving => {
                    record.worker = Worker::Live;
                    Ok(())
                }
                // Ended (DELETE, shutdown) while reviving: its new worker is closed below.
                (Ok(()), _) => Err(Error::SessionNotFound(id.clone())),
                (Err(error), _) => {
                    tracing::debug!(session = %id, %error, "session not revived");
                    table.remove(id);
                    Err(error)
                }
            }
        };
        self.shared.changed.notify_waiters();
        match outcome {
            Ok(()) => self.shared.park_beyond_warm().await,
            Err(_) => {
                let _ = self.shared.live.close_session(id).await;
            }
        }
        outcome
    }

    /// Run a server for `id` over a fresh worker and replay the client's `initialize` and
    /// `notifications/initialized` to it.
    async fn start_worker(&self, id: &SessionId, initialize: Option<&[u8]>) -> Result<(), Error> {
        let params: InitializeRequestParams =
            serde_json::from_slice(initialize.unwrap_or_default()).map_err(|_| terminated())?;
        let live = &self.shared.live;
        let RestoreOutcome::Restored(transport) = live.restore_session(id.clone()).await? else {
            return Err(terminated());
        };
        let server = (self.new_server)();
        let shared = self.shared.clone();
        let session = id.clone();
        let cancelled = self.shared.shutdown.child_token();
        // Until the session ends, then tell the manager — as rmcp does for the workers it starts.
        tokio::spawn(async move {
            match serve_server_with_ct(server, transport, cancelled).await {
                Ok(running) => {
                    let _ = running.waiting().await;
                }
                Err(error) => tracing::debug!(%session, %error, "revived session did not start"),
            }
            let _ = shared.close_session(&session).await;
        });
        let initialize = ClientRequest::from(InitializeRequest::new(params));
        let initialize = ClientJsonRpcMessage::request(initialize, NumberOrString::Number(0));
        live.initialize_session(id, initialize).await?;
        let initialized = ClientNotification::from(InitializedNotification::default());
        live.accept_message(id, ClientJsonRpcMessage::notification(initialized))
            .await
    }
}

impl<S> Sessions<S> {
    /// Open sessions, with a worker or parked.
    pub(crate) fn len(&self) -> usize {
        self.shared.table().records.len()
    }

    /// Whether a request for session `id` would restore it from the session store while this
    /// instance is at its session limit.
    pub(crate) fn restores(&self, id: &[u8]) -> bool {
        if self.shared.store.is_none() {
            return false;
        }
        let table = self.shared.table();
        table.records.len() >= self.shared.max_sessions
            && std::str::from_utf8(id).is_ok_and(|id| !table.records.contains_key(id))
    }

    /// Whether `id` is an open session; if so, it is in use now (a request served without its
    /// worker). An expired session is left for rmcp's next look to end.
    pub(crate) fn touch(&self, id: &str) -> bool {
        let now = Instant::now();
        let mut table = self.shared.table();
        let Some(record) = table.records.get_mut(id) else {
            return false;
        };
        if record.expired(self.shared.idle_timeout, now) || self.shared.shutdown.is_cancelled() {
            return false;
        }
        record.last_used = now;
        true
    }
}

fn terminated() -> Error {
    Error::SessionError(SessionError::SessionServiceTerminated)
}

impl Shared {
    fn table(&self) -> MutexGuard<'_, Table> {
        lock(&self.table)
    }

    /// Mark `id`'s session in use until the guard drops.
    fn in_use(self: &Arc<Self>, id: &SessionId) -> Result<InUse, Error> {
        let mut table = self.table();
        let record = table
            .records
            .get_mut(id)
            .ok_or_else(|| Error::SessionNotFound(id.clone()))?;
        record.in_use += 1;
        record.last_used = Instant::now();
        Ok(InUse {
            shared: self.clone(),
            id: id.clone(),
        })
    }

    /// The handshake of a session restored from the store has ended: it serves requests now, or
    /// (`ready` false) it is gone.
    fn restored(&self, id: &SessionId, ready: bool) {
        {
            let mut table = self.table();
            match table.records.get_mut(id) {
                Some(record) if ready && record.worker == Worker::Reviving => {
                    record.worker = Worker::Live;
                }
                Some(_) if !ready => {
                    table.remove(id);
                }
                _ => {}
            }
        }
        self.changed.notify_waiters();
    }

    /// Whether `id` has no worker, or one that is ending.
    fn parked(&self, id: &SessionId) -> bool {
        let table = self.table();
        let worker = table.records.get(id).map(|r| r.worker);
        matches!(worker, Some(Worker::Parked | Worker::Parking))
    }

    /// Park the least recently used idle sessions while more than `warm_limit` have a worker.
    async fn park_beyond_warm(&self) {
        let parked = self.table().park_beyond(self.warm_limit);
        for id in parked {
            // Removes the worker's handle and tells it to end; the end comes back through
            // `close_session`.
            let _ = self.live.close_session(&id).await;
        }
    }

    /// A `DELETE`, or the end of a worker, parked or not. Each worker ends once, and a parked
    /// session is revived only after its old worker has ended, so the call a park waits for
    /// is the next one for its id.
    async fn close_session(&self, id: &SessionId) -> Result<(), Error> {
        let close_worker = {
            let mut table = self.table();
            match table.records.get_mut(id).map(|r| &mut r.worker) {
                None => true,
                Some(worker @ Worker::Parking) => {
                    *worker = Worker::Parked;
                    false
                }
                Some(Worker::Parked) => {
                    table.remove(id);
                    false
                }
                Some(Worker::Live | Worker::Reviving) => {
                    table.remove(id);
                    true
                }
            }
        };
        self.changed.notify_waiters();
        if close_worker {
            self.live.close_session(id).await
        } else {
            Ok(())
        }
    }
}

/// Ends the sessions idle for `idle`, until the mount is gone or shut down.
async fn sweep(shared: Weak<Shared>, idle: Duration, shutdown: CancellationToken) {
    let period = (idle / 4).clamp(Duration::from_millis(10), Duration::from_secs(30));
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = ticks.tick() => {}
        }
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let with_worker = shared.table().remove_expired(idle, Instant::now());
        for id in with_worker {
            let _ = shared.live.close_session(&id).await;
        }
        if let Some(store) = &shared.store {
            let due = shared.table().due_for_store(Instant::now(), period);
            write_again(store.as_ref(), due).await;
        }
    }
}

/// How many session entries the sweeper writes at once.
const CONCURRENT_WRITES: usize = 32;

/// Write the `due` sessions to `store` again, which restarts their expiry there.
async fn write_again(store: &dyn SessionStore, due: Vec<(SessionId, Box<[u8]>)>) {
    use futures::StreamExt;
    futures::stream::iter(due)
        .for_each_concurrent(CONCURRENT_WRITES, |(id, initialize)| async move {
            let Ok(params) = serde_json::from_slice::<InitializeRequestParams>(&initialize) else {
                return;
            };
            if let Err(error) = store.store(&id, &SessionState::new(params)).await {
                tracing::warn!(session = %id, %error, "session not written to the session store");
            }
        })
        .await;
}

/// A session in use: not parked, not expired, until dropped.
struct InUse {
    shared: Arc<Shared>,
    id: SessionId,
}

impl Drop for InUse {
    fn drop(&mut self) {
        if let Some(record) = self.shared.table().records.get_mut(&self.id) {
            record.in_use -= 1;
            record.last_used = Instant::now();
        }
    }
}

/// A stream of a session, which keeps it in use while open.
struct Tracked<St> {
    stream: St,
    _in_use: InUse,
}

impl<St: Stream + Unpin> Stream for Tracked<St> {
    type Item = St::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        Pin::new(&mut self.stream).poll_next(cx)
    }
}

/// Notifications a revived worker would have no use for: a revival sends its own
/// `notifications/initialized`, and a parked session has no request in flight to cancel.
fn lost_on_a_new_worker(message: &ClientJsonRpcMessage) -> bool {
    matches!(message, ClientJsonRpcMessage::Notification(notification) if matches!(
        notification.notification,
        ClientNotification::InitializedNotification(_) | ClientNotification::CancelledNotification(_)
    ))
}

/// Requests that give a session state a replayed `initialize` would not restore.
fn keeps_worker(message: &ClientJsonRpcMessage) -> bool {
    matches!(message, ClientJsonRpcMessage::Request(request) if matches!(
        request.request,
        ClientRequest::SetLevelRequest(_) | ClientRequest::SubscribeRequest(_)
    ))
}

impl<S: ServerHandler> SessionManager for Sessions<S> {
    type Error = Error;
    type Transport = SessionTransport;

    async fn create_session(&self) -> Result<(SessionId, Self::Transport), Error> {
        self.start_sweeper();
        let (id, transport) = self.shared.live.create_session().await?;
        self.shared.table().open(id.clone());
        self.shared.park_beyond_warm().await;
        Ok((id, transport))
    }

    async fn initialize_session(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<ServerJsonRpcMessage, Error> {
        let _in_use = self.shared.in_use(id)?;
        if let ClientJsonRpcMessage::Request(request) = &message
            && let ClientRequest::InitializeRequest(initialize) = &request.request
            && let Ok(json) = serde_json::to_vec(&initialize.params)
            && let Some(record) = self.shared.table().records.get_mut(id)
        {
            record.initialize = Some(json.into_boxed_slice());
        }
        self.shared.live.initialize_session(id, message).await
    }

    async fn has_session(&self, id: &SessionId) -> Result<bool, Error> {
        let now = Instant::now();
        let ended = {
            let mut table = self.shared.table();
            let Some(record) = table.records.get_mut(id) else {
                return Ok(false);
            };
            let expired = record.expired(self.shared.idle_timeout, now);
            if !expired && !self.shared.shutdown.is_cancelled() {
                record.last_used = now;
                return Ok(true);
            }
            table.remove(id)
        };
        if ended.is_some_and(|r| matches!(r.worker, Worker::Live | Worker::Reviving)) {
            let _ = self.shared.live.close_session(id).await;
        }
        Ok(false)
    }

    async fn close_session(&self, id: &SessionId) -> Result<(), Error> {
        self.shared.close_session(id).await
    }

    async fn create_stream(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Error> {
        let in_use = self.shared.in_use(id)?;
        if keeps_worker(&message)
            && let Some(record) = self.shared.table().records.get_mut(id)
        {
            record.keeps_worker = true;
        }
        self.ensure_worker(id).await?;
        let stream = self.shared.live.create_stream(id, message).await?;
        Ok(Tracked {
            stream,
            _in_use: in_use,
        })
    }

    async fn accept_message(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<(), Error> {
        let _in_use = self.shared.in_use(id)?;
        if ends_a_restore(&message) {
            // The handshake replay of `restore_session`'s worker: it is ready after this.
            let accepted = self.shared.live.accept_message(id, message).await;
            self.shared.restored(id, accepted.is_ok());
            if accepted.is_err() {
                let _ = self.shared.live.close_session(id).await;
            }
            return accepted;
        }
        if lost_on_a_new_worker(&message) && self.shared.parked(id) {
            return Ok(());
        }
        self.ensure_worker(id).await?;
        self.shared.live.accept_message(id, message).await
    }

    async fn create_standalone_stream(
        &self,
        id: &SessionId,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Error> {
        let in_use = self.shared.in_use(id)?;
        self.ensure_worker(id).await?;
        let stream = self.shared.live.create_standalone_stream(id).await?;
        Ok(Tracked {
            stream,
            _in_use: in_use,
        })
    }

    async fn resume(
        &self,
        id: &SessionId,
        last_event_id: String,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Error> {
        let in_use = self.shared.in_use(id)?;
        // An event store replays without a worker.
        if self.shared.live.event_store().is_none() {
            self.ensure_worker(id).await?;
        }
        let stream = self.shared.live.resume(id, last_event_id).await?;
        Ok(Tracked {
            stream,
            _in_use: in_use,
        })
    }

    /// A session of the session store that this instance does not know: a record, `Reviving`
    /// until the replayed `notifications/initialized` ([`ends_a_restore`]), so that other
    /// requests for it wait for the handshake as they do for a revival.
    async fn restore_session(
        &self,
        id: SessionId,
    ) -> Result<RestoreOutcome<SessionTransport>, Error> {
        {
            let mut table = self.shared.table();
            if table.records.contains_key(&id) {
                return Ok(RestoreOutcome::AlreadyPresent);
            }
            if self.shared.store.is_none() || table.records.len() >= self.shared.max_sessions {
                return Ok(RestoreOutcome::NotSupported);
            }
            table.restore(id.clone());
        }
        self.start_sweeper();
        let outcome = self.shared.live.restore_session(id.clone()).await;
        if !matches!(outcome, Ok(RestoreOutcome::Restored(_))) {
            self.shared.table().remove(&id);
            self.shared.changed.notify_waiters();
        }
        self.shared.park_beyond_warm().await;
        outcome
    }

    fn event_store(&self) -> Option<Arc<dyn EventStore>> {
        self.shared.live.event_store()
    }
}

/// The `notifications/initialized` rmcp sends a session it restores from the session store.
fn ends_a_restore(message: &ClientJsonRpcMessage) -> bool {
    matches!(message, ClientJsonRpcMessage::Notification(notification) if matches!(
        notification.notification,
        ClientNotification::InitializedNotification(_)
    ) && notification.notification.extensions().get::<SessionRestoreMarker>().is_some())
}

#[cfg(test)]
mod tests;
