//! [`RemoteApi`]: its settings, its pooled client, and one call with its bounded retries.

use std::{fmt, sync::Arc, time::Duration};

use bytes::Bytes;
use futures::future::BoxFuture;
use http::{HeaderMap, HeaderValue};
use http_body_util::Full;
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector},
    rt::TokioExecutor,
};
use mcp_web_core::{CallError, DispatchBody, Dispatcher, MountError};

use crate::{base::BaseUrl, body::TimedBody, credentials::Credentials};

/// The pause before the first retry of a call that could not connect; it doubles each time.
const FIRST_RETRY_PAUSE: Duration = Duration::from_millis(50);

/// How long an unused pooled connection is kept.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// An API that runs elsewhere, called over HTTP: the `Dispatcher` a standalone MCP app uses when
/// its API is not in the same process.
///
/// Built once; clones share one connection pool. See the [crate docs](crate) for the
/// credentials it sends and its timeouts and retries.
#[derive(Clone)]
pub struct RemoteApi {
    base: Arc<BaseUrl>,
    client: Client<HttpConnector, Full<Bytes>>,
    connect_timeout: Duration,
    read_timeout: Duration,
    connect_retries: u32,
    credentials: Credentials,
}

impl RemoteApi {
    /// Default time to open a connection.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
    /// Default longest wait for the response head, and then for each piece of the body.
    pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default number of retries of an idempotent request that could not connect.
    pub const DEFAULT_CONNECT_RETRIES: u32 = 2;

    /// The API at `base_url` (`http://host:port`, optionally with a path prefix: each call's
    /// path goes under it). No credential goes upstream until you choose one.
    ///
    /// # Errors
    ///
    /// [`MountError::InvalidConfig`] when `base_url` is not an `http://` URL; `https` is refused
    /// too (this client speaks plain HTTP).
    pub fn new(base_url: &str) -> Result<Self, MountError> {
        let base = BaseUrl::parse(base_url).map_err(MountError::InvalidConfig)?;
        Ok(Self {
            base: Arc::new(base),
            client: client(Self::DEFAULT_CONNECT_TIMEOUT),
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            read_timeout: Self::DEFAULT_READ_TIMEOUT,
            connect_retries: Self::DEFAULT_CONNECT_RETRIES,
            credentials: Credentials::None,
        })
    }

    /// How long opening a connection to the API may take (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self.client = client(timeout);
        self
    }

    /// The longest wait for the API's response head, and then for each piece of its body
    /// (default 30 s). A streamed answer may run longer, as long as it keeps sending; the whole
    /// call is bounded by the mount's `call_timeout`.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// How many times an idempotent request (`GET`, `HEAD`, `OPTIONS`, `PUT`, `DELETE`,
    /// `TRACE`) that could not connect is tried again, after 50 ms, 100 ms, 200 ms… (default 2).
    /// Other requests, and requests that reached the API, are never sent twice.
    pub fn connect_retries(mut self, retries: u32) -> Self {
        self.connect_retries = retries;
        self
    }

    /// Send this `Authorization` value with every call: the MCP app's own credential for the
    /// API. Replaces any earlier choice of credentials.
    ///
    /// ```
    /// # let token = "s3cret";
    /// let value = http::HeaderValue::from_str(&format!("Bearer {token}")).unwrap();
    /// let api = mcp_web_remote::RemoteApi::new("http://api:3000").unwrap().service_credential(value);
    /// # let _ = api;
    /// ```
    pub fn service_credential(mut self, mut authorization: HeaderValue) -> Self {
        authorization.set_sensitive(true);
        self.credentials = Credentials::Service(authorization);
        self
    }

    /// Send the headers `map` computes from each MCP request's headers (after the host's
    /// middleware ran) with the calls it causes: a token exchanged for the caller, a tenant or
    /// trace id. Names it returns replace those of the built request. Replaces any earlier
    /// choice of credentials.
    ///
    /// ```
    /// use http::{HeaderMap, HeaderValue};
    ///
    /// let api = mcp_web_remote::RemoteApi::new("http://api:3000").unwrap().map_headers(|incoming| {
    ///     let mut upstream = HeaderMap::new();
    ///     if let Some(tenant) = incoming.get("x-tenant") {
    ///         upstream.insert("x-tenant", tenant.clone());
    ///     }
    ///     upstream.insert("authorization", HeaderValue::from_static("Bearer service-token"));
    ///     upstream
    /// });
    /// # let _ = api;
    /// ```
    pub fn map_headers<F>(mut self, map: F) -> Self
    where
        F: Fn(&HeaderMap) -> HeaderMap + Send + Sync + 'static,
    {
        self.credentials = Credentials::Mapped(Arc::new(map));
        self
    }

    /// Forward the caller's own `Authorization` to the API: the opt-in to token passthrough.
    ///
    /// Only for an API that is the same resource server as the MCP app (it accepts the tokens
    /// issued for the MCP app, as the in-process API does). The MCP authorization spec forbids
    /// passing a client's token to any other server; use
    /// [`service_credential`](Self::service_credential) or [`map_headers`](Self::map_headers)
    /// there. Replaces any earlier choice of credentials.
    pub fn forward_caller_authorization(mut self) -> Self {
        self.credentials = Credentials::ForwardCaller;
        self
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> String {
        self.base.to_string()
    }
}

/// A pooled HTTP/1.1 client whose connections take at most `connect_timeout` to open.
fn client(connect_timeout: Duration) -> Client<HttpConnector, Full<Bytes>> {
    let mut connector = HttpConnector::new();
    connector.set_connect_timeout(Some(connect_timeout));
    // Requests and answers written in pieces must not wait on Nagle's algorithm.
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(POOL_IDLE_TIMEOUT)
        .build(connector)
}

impl fmt::Debug for RemoteApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteApi")
            .field("base_url", &self.base.to_string())
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("connect_retries", &self.connect_retries)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl Dispatcher for RemoteApi {
    fn dispatch(
        &self,
        request: http::Request<Bytes>,
        incoming: Option<&http::request::Parts>,
    ) -> BoxFuture<'static, Result<http::Response<DispatchBody>, CallError>> {
        let (mut parts, body) = request.into_parts();
        self.credentials
            .apply(&mut parts.headers, incoming.map(|p| &p.headers));
        let uri = match self.base.join(parts.uri.path_and_query()) {
            Ok(uri) => uri,
            Err(why) => return Box::pin(std::future::ready(Err(CallError::Remote(why)))),
        };
        let call: Arc<str> = format!("{} {uri}", parts.method).into();
        let retries = if parts.method.is_idempotent() {
            self.connect_retries
        } else {
            0
        };
        let client = self.client.clone();
        let base = self.base.clone();
        let read_timeout = self.read_timeout;
        Box::pin(async move {
            let mut attempt = 0;
            loop {
                let mut upstream = http::Request::new(Full::new(body.clone()));
                *upstream.method_mut() = parts.method.clone();
                *upstream.uri_mut() = uri.clone();
                *upstream.headers_mut() = parts.headers.clone();
                // Dropping this future (a cancelled or timed-out call) drops the request, and
                // hyper closes its connection: the API sees the request end.
                let answer = tokio::time::timeout(read_timeout, client.request(upstream)).await;
                match answer {
                    Ok(Ok(response)) => {
                        let timed = |body| TimedBody::new(body, read_timeout, call.clone());
                        return Ok(response.map(|body| DispatchBody::new(timed(body))));
                    }
                    Ok(Err(error)) if error.is_connect() && attempt < retries => {
                        let pause = FIRST_RETRY_PAUSE * 2u32.saturating_pow(attempt);
                        attempt += 1;
                        tracing::debug!(call = %call, attempt, "cannot connect to the API, trying again in {pause:?}: {}", describe(&error));
                        tokio::time::sleep(pause).await;
                    }
                    Ok(Err(error)) if error.is_connect() => {
                        let tries = match attempt {
                            0 => String::new(),
                            n => format!(" (tried {} times)", n + 1),
                        };
                        return Err(CallError::Remote(format!(
                            "cannot connect to the API at {base}{tries}: {}",
                            describe(&error)
                        )));
                    }
                    Ok(Err(error)) => {
                        return Err(CallError::Remote(format!("{call}: {}", describe(&error))));
                    }
                    Err(_elapsed) => {
                        return Err(CallError::Remote(format!(
                            "{call}: no answer within {read_timeout:?} (read timeout)"
                        )));
                    }
                }
            }
        })
    }
}

/// An error and its causes, most specific last: hyper's own messages ("client error
/// (Connect)") say little without the causes ("Connection refused").
pub(crate) fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(error) = cause {
        text.push_str(": ");
        text.push_str(&error.to_string());
        cause = error.source();
    }
    text
}
