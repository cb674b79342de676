//! Redis behind the 2025-era sessions and resumable SSE streams of an mcp-web mount, so that
//! every replica of one service serves the same sessions: [`RedisStore`] is both rmcp's
//! `SessionStore` (for [`McpConfig::session_store`]) and its `EventStore` (for
//! [`McpConfig::event_store`]).
//!
//! ```no_run
//! use std::{sync::Arc, time::Duration};
//! # fn config() -> mcp_web_core::McpConfig { unimplemented!() }
//!
//! let idle = Duration::from_secs(300);
//! let store = Arc::new(mcp_web_redis::RedisStore::open("redis://127.0.0.1:6379/")?.session_ttl(idle));
//! let config = config()
//!     .session_idle_timeout(idle)
//!     .session_store(store.clone())
//!     .event_store(store);
//! # Ok::<(), mcp_web_redis::RedisStoreError>(())
//! ```
//!
//! What lives in Redis, under the [`key_prefix`](RedisStore::key_prefix):
//!
//! | key | holds | expires |
//! |---|---|---|
//! | `session:{id}` | the client's `initialize` parameters (JSON), which a replica that does not know the session replays to restore it | [`session_ttl`](RedisStore::session_ttl) after it was last written; the mount rewrites it while the session is in use |
//! | `events:{stream}` | a Redis stream of the SSE events of one response or standalone stream, at most [`max_stream_events`](RedisStore::max_stream_events) | [`event_ttl`](RedisStore::event_ttl) after its last event |
//!
//! When Redis cannot be reached, what needs it fails with a [`RedisStoreError`] that names
//! Redis: a request for a session this instance does not know gets `500` with that message
//! (rmcp's answer to a failed restore), and a `Last-Event-ID` replay gets an empty stream
//! (rmcp's answer to a failed replay, so that clients do not retry in a loop). For half a
//! second after a connection failure the store fails at once instead of waiting on Redis
//! again. An event that cannot be stored is still sent, with an empty event id: the stream goes
//! on and only its resumption point is lost. A session opened meanwhile lives on its instance
//! until the mount's sweeper, writing the sessions in use again, finds Redis back. Sessions an instance
//! knows, and stateless (2026-07-28) traffic, keep working.
//!
//! | file | owns |
//! |---|---|
//! | `lib.rs` | [`RedisStore`]: the connection, the settings, the outage cooldown, the errors |
//! | `sessions.rs` | the `SessionStore` implementation |
//! | `events.rs` | the `EventStore` implementation: event ids, the stored form of an event |
//!
//! [`McpConfig::session_store`]: mcp_web_core::McpConfig::session_store
//! [`McpConfig::event_store`]: mcp_web_core::McpConfig::event_store

mod events;
mod sessions;

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// Redis as the session store and the event store of a mount; cheap to clone (one multiplexed
/// connection, re-established by the `redis` crate's connection manager after a failure).
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    session_ttl: Duration,
    event_ttl: Duration,
    max_stream_events: usize,
    outage: Arc<Outage>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("session_ttl", &self.session_ttl)
            .field("event_ttl", &self.event_ttl)
            .field("max_stream_events", &self.max_stream_events)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Default lifetime of a session's key after its last write: the default idle timeout of a
    /// mount ([`McpConfig::DEFAULT_SESSION_IDLE_TIMEOUT`](mcp_web_core::McpConfig)).
    pub const DEFAULT_SESSION_TTL: Duration = Duration::from_secs(300);
    /// Default lifetime of a stream's events after its last event.
    pub const DEFAULT_EVENT_TTL: Duration = Duration::from_secs(300);
    /// Default cap on the events kept per stream (the oldest go first).
    pub const DEFAULT_MAX_STREAM_EVENTS: usize = 1_000;
    /// Default key prefix.
    pub const DEFAULT_PREFIX: &str = "mcp:";

    /// A store on the Redis at `url` (`redis://host:port/db`). The connection is made on first
    /// use, so a process starts while Redis is down; see [`ping`](Self::ping) to check it.
    ///
    /// # Errors
    ///
    /// [`RedisStoreError`] when `url` is not a Redis URL.
    pub fn open(url: &str) -> Result<Self, RedisStoreError> {
        let client = redis::Client::open(url).map_err(RedisStoreError::redis)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(RedisStoreError::redis)?;
        Ok(Self {
            connection,
            prefix: Self::DEFAULT_PREFIX.to_owned(),
            session_ttl: Self::DEFAULT_SESSION_TTL,
            event_ttl: Self::DEFAULT_EVENT_TTL,
            max_stream_events: Self::DEFAULT_MAX_STREAM_EVENTS,
            outage: Arc::default(),
        })
    }

    /// Prefix of every key (default `mcp:`): replicas of one service share it, other services
    /// on the same Redis use another.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long a session's key lives after its last write (default 5 minutes). Set it to the
    /// mount's [`session_idle_timeout`](mcp_web_core::McpConfig::session_idle_timeout): the
    /// mount rewrites the key of a session in use every quarter of that timeout.
    pub fn session_ttl(mut self, ttl: Duration) -> Self {
        self.session_ttl = ttl;
        self
    }

    /// How long a stream's events stay resumable after its last event (default 5 minutes).
    pub fn event_ttl(mut self, ttl: Duration) -> Self {
        self.event_ttl = ttl;
        self
    }

    /// At most this many events per stream (default 1,000); Redis trims the oldest, in whole
    /// blocks, so a few more may stay.
    pub fn max_stream_events(mut self, max: usize) -> Self {
        self.max_stream_events = max.max(1);
        self
    }

    /// Ask Redis for a `PONG`, e.g. at startup to report a wrong URL early.
    ///
    /// # Errors
    ///
    /// [`RedisStoreError`] when Redis cannot be reached.
    pub async fn ping(&self) -> Result<(), RedisStoreError> {
        self.run(redis::cmd("PING")).await
    }

    fn key(&self, kind: &str, name: &str) -> String {
        format!("{}{kind}:{name}", self.prefix)
    }

    /// Send `command` unless Redis failed to connect a moment ago.
    async fn run<T: redis::FromRedisValue>(
        &self,
        command: redis::Cmd,
    ) -> Result<T, RedisStoreError> {
        self.outage.check()?;
        let mut connection = self.connection.clone();
        command
            .query_async(&mut connection)
            .await
            .map_err(|error| self.outage.record(error))
    }

    /// Send `pipeline` unless Redis failed to connect a moment ago.
    async fn run_pipeline<T: redis::FromRedisValue>(
        &self,
        pipeline: redis::Pipeline,
    ) -> Result<T, RedisStoreError> {
        self.outage.check()?;
        let mut connection = self.connection.clone();
        pipeline
            .query_async(&mut connection)
            .await
            .map_err(|error| self.outage.record(error))
    }
}

/// How long the store fails at once after Redis could not be reached: requests that would wait
/// for a connection attempt each (stateless SSE responses store their events too) answer
/// without it.
const COOLDOWN: Duration = Duration::from_millis(500);

/// When Redis last failed to connect, so the store fails fast for a [`COOLDOWN`].
#[derive(Debug)]
struct Outage {
    epoch: Instant,
    /// Milliseconds since `epoch` until which calls fail at once; 0 when Redis is up.
    until_ms: AtomicU64,
}

impl Default for Outage {
    fn default() -> Self {
        Self {
            epoch: Instant::now(),
            until_ms: AtomicU64::new(0),
        }
    }
}

impl Outage {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn check(&self) -> Result<(), RedisStoreError> {
        if self.now_ms() < self.until_ms.load(Ordering::Relaxed) {
            return Err(RedisStoreError::Unavailable);
        }
        Ok(())
    }

    /// `error` as the store's error; a connection failure starts a cooldown.
    fn record(&self, error: redis::RedisError) -> RedisStoreError {
        if error.is_connection_dropped()
            || error.is_connection_refusal()
            || error.is_io_error()
            || error.is_timeout()
        {
            let until = self.now_ms().saturating_add(COOLDOWN.as_millis() as u64);
            self.until_ms.store(until, Ordering::Relaxed);
        }
        RedisStoreError::redis(error)
    }
}

/// Why the Redis store could not do what was asked.
#[derive(Debug)]
#[non_exhaustive]
pub enum RedisStoreError {
    /// Redis answered with an error, or could not be reached.
    Redis(redis::RedisError),
    /// Redis could not be reached a moment ago; not tried again yet.
    Unavailable,
    /// A stored value that is not what this store writes.
    Corrupt(String),
    /// An event id this store did not hand out.
    UnknownEventId(String),
}

impl RedisStoreError {
    fn redis(error: redis::RedisError) -> Self {
        Self::Redis(error)
    }
}

impl std::fmt::Display for RedisStoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Redis(error) => write!(f, "Redis session/event store unavailable: {error}"),
            Self::Unavailable => f.write_str(
                "Redis session/event store unavailable: it could not be reached a moment ago",
            ),
            Self::Corrupt(what) => write!(f, "Redis session/event store: unreadable {what}"),
            Self::UnknownEventId(id) => {
                write!(
                    f,
                    "Redis event store: {id:?} is not an event id it handed out"
                )
            }
        }
    }
}

impl std::error::Error for RedisStoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Redis(error) => Some(error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_failure_makes_the_store_fail_fast_for_a_while() {
        let outage = Outage::default();
        assert!(outage.check().is_ok());
        let refused =
            redis::RedisError::from(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        let error = outage.record(refused);
        assert!(
            error
                .to_string()
                .starts_with("Redis session/event store unavailable")
        );
        assert!(matches!(outage.check(), Err(RedisStoreError::Unavailable)));
        outage.until_ms.store(outage.now_ms(), Ordering::Relaxed);
        assert!(outage.check().is_ok());
    }

    #[test]
    fn an_error_answer_from_redis_starts_no_cooldown() {
        let outage = Outage::default();
        let answer = redis::RedisError::from((redis::ErrorKind::Client, "WRONGTYPE"));
        let _ = outage.record(answer);
        assert!(outage.check().is_ok());
    }

    #[tokio::test]
    async fn a_store_opens_without_redis_and_reports_it_unreachable() {
        // Port 1 on loopback: nothing listens there.
        let store = RedisStore::open("redis://127.0.0.1:1/").unwrap();
        let error = store.ping().await.unwrap_err();
        assert!(matches!(error, RedisStoreError::Redis(_)), "{error:?}");
        let again = store.ping().await.unwrap_err();
        assert!(matches!(again, RedisStoreError::Unavailable), "{again:?}");
    }
}
