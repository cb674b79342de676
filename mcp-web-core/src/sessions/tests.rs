//! The sessions of an endpoint over rmcp's transport: parked, revived, pinned, ended, expired.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use mcp_test_support::{protocol, reply};
use rmcp::{
    ErrorData, RoleServer,
    model::{ListPromptsResult, PaginatedRequestParams, Prompt, ServerCapabilities, ServerConfig},
    service::RequestContext,
    transport::{
        StreamableHttpServerConfig, StreamableHttpService,
        streamable_http_server::session::SessionStoreError,
    },
};
use serde_json::{Value, json};

use super::*;

/// A server whose one prompt is named after the client, as its `initialize` gave it.
#[derive(Clone)]
struct ClientName;

impl ServerHandler for ClientName {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_prompts().build())
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        let client = context
            .peer
            .peer_info()
            .map(|info| info.client_info.name.clone());
        let prompt = Prompt::new(client.unwrap_or_default(), None::<String>, None);
        Ok(ListPromptsResult::with_all_items(vec![prompt]))
    }
}

struct Endpoint {
    sessions: Arc<Sessions<ClientName>>,
    http: StreamableHttpService<ClientName, Sessions<ClientName>>,
}

/// An endpoint whose sessions keep at most `warm_limit` idle workers.
fn endpoint(config: McpConfig, warm_limit: usize) -> Endpoint {
    let sessions = Arc::new(Sessions::with_warm_limit(
        &config,
        || ClientName,
        warm_limit,
    ));
    let mut transport = StreamableHttpServerConfig::default();
    transport.session_store = config.session_store.clone();
    let http = StreamableHttpService::new(|| Ok(ClientName), sessions.clone(), transport);
    Endpoint { sessions, http }
}

fn config() -> McpConfig {
    McpConfig::from_json(json!({}))
}

impl Endpoint {
    async fn send(
        &self,
        method: http::Method,
        session: Option<&str>,
        body: &Value,
    ) -> (http::StatusCode, Option<String>, String) {
        let mut request = http::Request::builder()
            .method(method)
            .uri("/mcp")
            .header("host", "localhost")
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream");
        if let Some(session) = session {
            for (name, value) in protocol::session_headers(session) {
                request = request.header(name, value);
            }
        }
        let request = request
            .body(Full::new(Bytes::from(body.to_string())))
            .unwrap();
        let response = self.http.handle(request).await;
        let status = response.status();
        let session = response
            .headers()
            .get("mcp-session-id")
            .map(|id| id.to_str().unwrap().to_string());
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, session, String::from_utf8_lossy(&body).into_owned())
    }

    /// A session opened by a client named `client`.
    async fn open(&self, client: &str) -> String {
        let initialize = protocol::request(
            1,
            "initialize",
            json!({"protocolVersion": "2025-11-25", "capabilities": {},
                   "clientInfo": {"name": client, "version": "1"}}),
        );
        let (status, session, body) = self.send(http::Method::POST, None, &initialize).await;
        assert_eq!(status, http::StatusCode::OK, "{body}");
        session.expect("a session id")
    }

    /// The client name the server knows `session` by, or the HTTP status that refused it.
    async fn client_of(&self, session: &str) -> Result<String, http::StatusCode> {
        let list = protocol::request(2, "prompts/list", json!({}));
        let (status, _, body) = self.send(http::Method::POST, Some(session), &list).await;
        if status != http::StatusCode::OK {
            return Err(status);
        }
        let reply = reply::message(&body);
        Ok(reply["result"]["prompts"][0]["name"]
            .as_str()
            .unwrap_or_else(|| panic!("{reply}"))
            .to_string())
    }

    fn worker(&self, session: &str) -> Option<Worker> {
        let table = self.sessions.shared.table();
        table.records.get(session).map(|r| r.worker)
    }

    async fn workers(&self) -> usize {
        self.sessions.shared.live.sessions.read().await.len()
    }

    /// Wait (at most 5 s) until `done` holds.
    async fn until(&self, what: &str, done: impl Fn(&Self) -> bool) {
        let waited = tokio::time::timeout(Duration::from_secs(5), async {
            while !done(self) {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        });
        waited
            .await
            .unwrap_or_else(|_| panic!("waited 5 s for {what}"));
    }
}

#[tokio::test]
async fn an_idle_session_beyond_the_warm_ones_keeps_no_worker_yet_still_answers() {
    let endpoint = endpoint(config(), 1);
    let alpha = endpoint.open("alpha").await;
    let beta = endpoint.open("beta").await;
    endpoint
        .until("alpha parked", |e| e.worker(&alpha) == Some(Worker::Parked))
        .await;
    assert_eq!(endpoint.workers().await, 1);
    assert_eq!(endpoint.sessions.len(), 2);

    // Revived with its own `initialize`; now beta is the idle one beyond the limit.
    assert_eq!(endpoint.client_of(&alpha).await, Ok("alpha".into()));
    endpoint
        .until("beta parked", |e| e.worker(&beta) == Some(Worker::Parked))
        .await;
    assert_eq!(endpoint.worker(&alpha), Some(Worker::Live));
    assert_eq!(endpoint.workers().await, 1);
    assert_eq!(endpoint.client_of(&beta).await, Ok("beta".into()));
    assert_eq!(endpoint.client_of(&beta).await, Ok("beta".into()));
    assert_eq!(endpoint.sessions.len(), 2);
}

#[tokio::test]
async fn a_session_with_a_log_level_keeps_its_worker() {
    let endpoint = endpoint(config(), 1);
    let alpha = endpoint.open("alpha").await;
    let set_level = protocol::request(2, "logging/setLevel", json!({"level": "error"}));
    let (status, _, body) = endpoint
        .send(http::Method::POST, Some(&alpha), &set_level)
        .await;
    assert_eq!(status, http::StatusCode::OK, "{body}");
    let beta = endpoint.open("beta").await;
    let gamma = endpoint.open("gamma").await;
    endpoint
        .until("beta parked", |e| e.worker(&beta) == Some(Worker::Parked))
        .await;
    assert_eq!(endpoint.worker(&alpha), Some(Worker::Live));
    assert_eq!(endpoint.worker(&gamma), Some(Worker::Live));
}

#[tokio::test]
async fn delete_ends_a_parked_session() {
    let endpoint = endpoint(config(), 1);
    let alpha = endpoint.open("alpha").await;
    endpoint.open("beta").await;
    endpoint
        .until("alpha parked", |e| e.worker(&alpha) == Some(Worker::Parked))
        .await;
    let (status, _, _) = endpoint
        .send(http::Method::DELETE, Some(&alpha), &json!(null))
        .await;
    assert_eq!(status, http::StatusCode::ACCEPTED);
    assert_eq!(endpoint.sessions.len(), 1);
    assert_eq!(
        endpoint.client_of(&alpha).await,
        Err(http::StatusCode::NOT_FOUND)
    );
}

#[tokio::test]
async fn idle_sessions_expire_parked_or_not() {
    let idle = Duration::from_millis(100);
    let endpoint = endpoint(config().session_idle_timeout(idle), 1);
    let alpha = endpoint.open("alpha").await;
    let beta = endpoint.open("beta").await;
    endpoint
        .until("alpha parked", |e| e.worker(&alpha) == Some(Worker::Parked))
        .await;
    // The sweeper drops the parked record, the live worker ends itself.
    endpoint.until("both gone", |e| e.sessions.len() == 0).await;
    assert_eq!(endpoint.workers().await, 0);
    for session in [&alpha, &beta] {
        assert_eq!(
            endpoint.client_of(session).await,
            Err(http::StatusCode::NOT_FOUND)
        );
    }
}

#[tokio::test]
async fn a_request_for_an_expired_parked_session_gets_404_before_the_sweep() {
    let idle = Duration::from_secs(60);
    let endpoint = endpoint(config().session_idle_timeout(idle), 1);
    let alpha = endpoint.open("alpha").await;
    endpoint.open("beta").await;
    endpoint
        .until("alpha parked", |e| e.worker(&alpha) == Some(Worker::Parked))
        .await;
    let long_ago = Instant::now()
        .checked_sub(idle)
        .expect("the machine has been up for a minute");
    if let Some(record) = endpoint
        .sessions
        .shared
        .table()
        .records
        .get_mut(alpha.as_str())
    {
        record.last_used = long_ago;
    }
    assert_eq!(
        endpoint.client_of(&alpha).await,
        Err(http::StatusCode::NOT_FOUND)
    );
    assert_eq!(endpoint.sessions.len(), 1);
}

#[tokio::test]
async fn notices_a_new_worker_would_ignore_do_not_revive_a_parked_session() {
    let endpoint = endpoint(config(), 1);
    let alpha = endpoint.open("alpha").await;
    endpoint.open("beta").await;
    endpoint
        .until("alpha parked", |e| e.worker(&alpha) == Some(Worker::Parked))
        .await;
    let cancelled = json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                           "params": {"requestId": 5}});
    for notice in [protocol::initialized(), cancelled] {
        let (status, _, body) = endpoint
            .send(http::Method::POST, Some(&alpha), &notice)
            .await;
        assert_eq!(status, http::StatusCode::ACCEPTED, "{body}");
    }
    assert_eq!(endpoint.worker(&alpha), Some(Worker::Parked));
    assert_eq!(endpoint.workers().await, 1);
    assert_eq!(endpoint.client_of(&alpha).await, Ok("alpha".into()));
}

#[tokio::test]
async fn a_touch_keeps_a_session_open_but_not_an_expired_one() {
    let idle = Duration::from_secs(60);
    let endpoint = endpoint(config().session_idle_timeout(idle), 1);
    let alpha = endpoint.open("alpha").await;
    let set_last_used = |ago: Duration| {
        let at = Instant::now()
            .checked_sub(ago)
            .expect("the machine has been up for a minute");
        endpoint
            .sessions
            .shared
            .table()
            .records
            .get_mut(alpha.as_str())
            .unwrap()
            .last_used = at;
    };

    set_last_used(idle - Duration::from_secs(1));
    assert!(endpoint.sessions.touch(&alpha));
    let record_age = |e: &Endpoint| {
        e.sessions.shared.table().records[alpha.as_str()]
            .last_used
            .elapsed()
    };
    assert!(record_age(&endpoint) < Duration::from_secs(1));

    set_last_used(idle);
    assert!(!endpoint.sessions.touch(&alpha));
    assert!(!endpoint.sessions.touch("no-such-session"));
    assert_eq!(
        endpoint.client_of(&alpha).await,
        Err(http::StatusCode::NOT_FOUND)
    );
}

/// A session store in memory, shared by the endpoints of a test as Redis is by replicas;
/// `down` makes every call fail.
#[derive(Default)]
struct SharedStore {
    entries: Mutex<std::collections::HashMap<String, SessionState>>,
    /// Writes per session.
    writes: Mutex<std::collections::HashMap<String, usize>>,
    down: std::sync::atomic::AtomicBool,
}

impl SharedStore {
    fn check(&self) -> Result<(), SessionStoreError> {
        match self.down.load(std::sync::atomic::Ordering::Relaxed) {
            true => Err("session store unreachable".into()),
            false => Ok(()),
        }
    }

    fn writes(&self, id: &str) -> usize {
        lock(&self.writes).get(id).copied().unwrap_or(0)
    }
}

#[async_trait::async_trait]
impl SessionStore for SharedStore {
    async fn load(&self, id: &str) -> Result<Option<SessionState>, SessionStoreError> {
        self.check()?;
        Ok(lock(&self.entries).get(id).cloned())
    }

    async fn store(&self, id: &str, state: &SessionState) -> Result<(), SessionStoreError> {
        self.check()?;
        *lock(&self.writes).entry(id.to_owned()).or_default() += 1;
        lock(&self.entries).insert(id.to_owned(), state.clone());
        Ok(())
    }

    async fn delete(&self, id: &str) -> Result<(), SessionStoreError> {
        self.check()?;
        lock(&self.entries).remove(id);
        Ok(())
    }
}

fn sharing(store: &Arc<SharedStore>) -> McpConfig {
    config().session_store(store.clone())
}

#[tokio::test]
async fn a_session_opened_on_one_instance_continues_on_another_sharing_the_store() {
    let store = Arc::new(SharedStore::default());
    let a = endpoint(sharing(&store), 4);
    let b = endpoint(sharing(&store), 4);
    let alpha = a.open("alpha").await;
    assert!(lock(&store.entries).contains_key(&alpha));
    assert_eq!(b.sessions.len(), 0);

    // B replays alpha's own `initialize`: its server knows the client by the same name.
    assert_eq!(b.client_of(&alpha).await, Ok("alpha".into()));
    assert_eq!(b.worker(&alpha), Some(Worker::Live));
    assert!(b.sessions.touch(&alpha), "the fast lane knows it now");
    assert_eq!(b.client_of(&alpha).await, Ok("alpha".into()));
    assert_eq!(a.client_of(&alpha).await, Ok("alpha".into()));

    // Ended on B: gone from the store, so no third instance restores it.
    let (status, _, _) = b
        .send(http::Method::DELETE, Some(&alpha), &json!(null))
        .await;
    assert_eq!(status, http::StatusCode::ACCEPTED);
    assert!(lock(&store.entries).is_empty());
    let c = endpoint(sharing(&store), 4);
    assert_eq!(c.client_of(&alpha).await, Err(http::StatusCode::NOT_FOUND));
}

#[tokio::test]
async fn concurrent_first_requests_on_another_instance_restore_the_session_once() {
    let store = Arc::new(SharedStore::default());
    let a = endpoint(sharing(&store), 4);
    let b = endpoint(sharing(&store), 4);
    let alpha = a.open("alpha").await;
    // Distinct request ids: one session's requests in flight at once.
    let (b, alpha) = (&b, alpha.as_str());
    let lists = (10..18).map(|id| protocol::request(id, "prompts/list", json!({})));
    let sent =
        lists.map(|list| async move { b.send(http::Method::POST, Some(alpha), &list).await });
    let answers = futures::future::join_all(sent.collect::<Vec<_>>()).await;
    let answers: Vec<_> = answers
        .iter()
        .map(|(status, _, body)| {
            (
                *status,
                reply::message(body)["result"]["prompts"][0]["name"].clone(),
            )
        })
        .collect();
    assert!(
        answers
            .iter()
            .all(|a| *a == (http::StatusCode::OK, json!("alpha"))),
        "{answers:?}"
    );
    assert_eq!(b.sessions.len(), 1);
    assert_eq!(b.workers().await, 1);
}

#[tokio::test]
async fn a_restore_counts_against_the_session_limit() {
    let store = Arc::new(SharedStore::default());
    let a = endpoint(sharing(&store), 4);
    let b = endpoint(sharing(&store).max_sessions(1), 4);
    let alpha = a.open("alpha").await;
    b.open("beta").await;
    assert!(b.sessions.restores(alpha.as_bytes()));
    assert!(!b.sessions.restores(b"unknown-but-no-store-here") || b.sessions.len() >= 1);
    assert_eq!(b.client_of(&alpha).await, Err(http::StatusCode::NOT_FOUND));
    assert_eq!(b.sessions.len(), 1);
    let no_store = endpoint(config().max_sessions(1), 4);
    no_store.open("gamma").await;
    assert!(!no_store.sessions.restores(alpha.as_bytes()));
}

#[tokio::test]
async fn a_store_that_cannot_be_reached_gives_a_clear_error() {
    let store = Arc::new(SharedStore::default());
    let a = endpoint(sharing(&store), 4);
    let b = endpoint(sharing(&store), 4);
    let alpha = a.open("alpha").await;
    store.down.store(true, std::sync::atomic::Ordering::Relaxed);
    let list = protocol::request(2, "prompts/list", json!({}));
    let (status, _, body) = b.send(http::Method::POST, Some(&alpha), &list).await;
    assert_eq!(status, http::StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body.contains("session store unreachable"), "{body}");
    assert_eq!(b.sessions.len(), 0);
    // Where the session lives, it goes on; new sessions still open.
    assert_eq!(a.client_of(&alpha).await, Ok("alpha".into()));
    let beta = b.open("beta").await;
    assert_eq!(b.client_of(&beta).await, Ok("beta".into()));
}

#[tokio::test]
async fn a_session_in_use_is_written_to_the_store_again_an_idle_one_is_not() {
    let store = Arc::new(SharedStore::default());
    let idle = Duration::from_millis(200);
    let a = endpoint(sharing(&store).session_idle_timeout(idle), 4);
    let alpha = a.open("alpha").await;
    let beta = a.open("beta").await;
    assert_eq!((store.writes(&alpha), store.writes(&beta)), (1, 1));
    for _ in 0..8 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(a.client_of(&alpha).await, Ok("alpha".into()));
    }
    // A sweep every 50 ms writes alpha again at most once per sweep; beta, unused since its
    // handshake, once after it at most.
    let writes = store.writes(&alpha);
    assert!((1 + 3..=1 + 9).contains(&writes), "{writes} writes");
    assert!(store.writes(&beta) <= 2, "{} writes", store.writes(&beta));
}
