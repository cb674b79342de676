//! Which requests the lane takes: from the headers alone (era, host, origin, media types), then
//! from the message (a plain `tools/call`, no progress token, no log level, the 2026-07-28
//! metadata and headers in their plain form).

use std::{borrow::Cow, sync::Arc};

use http::{HeaderMap, HeaderName};

use super::{
    headers::{CallHeaders, PostHeaders},
    wire,
};
use crate::media;
use serde_json::{Map, Value};

/// `MCP-Protocol-Version` of the stateless era.
pub(crate) const STATELESS_VERSION: &str = "2026-07-28";
/// Session-era versions rmcp knows; the lane leaves any other to rmcp.
const SESSION_VERSIONS: [&str; 4] = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];
// Header names made once: looking up a `&str` name parses it on every request.
pub(crate) const MCP_PROTOCOL_VERSION: HeaderName = HeaderName::from_static("mcp-protocol-version");
pub(crate) const MCP_SESSION_ID: HeaderName = HeaderName::from_static("mcp-session-id");
pub(super) const META_PROTOCOL_VERSION: &str = "io.modelcontextprotocol/protocolVersion";
pub(super) const META_CLIENT_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
pub(super) const META_LOG_LEVEL: &str = "io.modelcontextprotocol/logLevel";

/// Which protocol era a lane request belongs to.
#[derive(Debug, Clone)]
pub(crate) enum Era {
    /// A 2025-era request inside the session with this id.
    Session(Arc<str>),
    /// A 2026-07-28 request: no session, everything in the request.
    Stateless,
}

/// The host rule the lane applies itself, mirroring rmcp's (any port unless the entry names one).
#[derive(Debug, Clone)]
pub(crate) struct Hosts(Option<Vec<(String, Option<u16>)>>);

impl Hosts {
    /// The hosts rmcp is given; an empty list lets any host through, as it does for rmcp.
    pub(crate) fn new(allowed: &[String]) -> Self {
        Self((!allowed.is_empty()).then(|| {
            allowed
                .iter()
                .filter_map(|entry| authority(entry.trim()))
                .collect()
        }))
    }

    #[cfg(test)]
    pub(super) fn allow(&self, headers: &HeaderMap) -> bool {
        self.allow_host(headers.get(http::header::HOST))
    }

    /// Whether the request's (first) `Host` is allowed.
    fn allow_host(&self, host: Option<&http::HeaderValue>) -> bool {
        let Some(allowed) = &self.0 else {
            return true;
        };
        let Some(text) = host.and_then(|v| v.to_str().ok()) else {
            return false;
        };
        let matches = |host: &str, port: Option<u16>| {
            allowed.iter().any(|(name, only)| {
                name.eq_ignore_ascii_case(host) && only.is_none_or(|only| Some(only) == port)
            })
        };
        match plain_authority(text) {
            Some((host, port)) => matches(host, port),
            None => authority(text).is_some_and(|(host, port)| matches(&host, port)),
        }
    }
}

/// `name` or `name:port` with a DNS name or an IPv4 address, split without allocating (every
/// request has a `Host`). Anything else — IPv6, unusual characters — is left to [`authority`].
fn plain_authority(text: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = match text.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (text, None),
    };
    let plain_host = |host: &str| {
        !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    };
    if !plain_host(host) {
        return None;
    }
    let port = match port {
        None => None,
        Some(port) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            Some(port.parse().ok()?)
        }
        Some(_) => return None,
    };
    Some((host, port))
}

fn authority(text: &str) -> Option<(String, Option<u16>)> {
    if text.is_empty() {
        return None;
    }
    let (host, port) = match http::uri::Authority::try_from(text) {
        Ok(parsed) => (parsed.host().to_string(), parsed.port_u16()),
        Err(_) => (text.to_string(), None),
    };
    let host = host
        .trim_matches('[')
        .trim_matches(']')
        .to_ascii_lowercase();
    Some((host, port))
}

/// What the lane needs to know about the mount's transport settings.
#[derive(Debug, Clone)]
pub(crate) struct Admission {
    pub(crate) hosts: Hosts,
    /// Whether a browser `Origin` passes whatever it says (`allow_any_origin`).
    pub(crate) any_origin: bool,
    /// Whether 2025-era sessions exist at all (`McpConfig::stateless` turns them off).
    pub(crate) sessions: bool,
}

/// Where a request goes, from its method and headers alone.
#[derive(Debug)]
pub(crate) enum Entry {
    /// Straight to rmcp's transport, which answers it without reading a body (GET, DELETE,
    /// media types it refuses).
    Transport,
    /// Its body is read first; the lane may take it, in this era.
    Body(Option<Era>),
}

impl Admission {
    /// From the method and headers alone: whether the body is read here, and the era of a
    /// request the lane may take (`None` for rmcp).
    pub(crate) fn entry(&self, method: &http::Method, headers: &HeaderMap) -> Entry {
        if method != http::Method::POST {
            return Entry::Transport;
        }
        let headers = PostHeaders::read(headers);
        // rmcp answers other media types with 406 or 415 before reading the body.
        if !media::value_is(headers.content_type, "application/json")
            || !headers.accepts_json_and_sse()
        {
            return Entry::Transport;
        }
        Entry::Body(self.era_of_post(&headers))
    }

    /// The era of a request the lane may take, or `None` for rmcp.
    #[cfg(test)]
    pub(crate) fn era(&self, method: &http::Method, headers: &HeaderMap) -> Option<Era> {
        match self.entry(method, headers) {
            Entry::Body(era) => era,
            Entry::Transport => None,
        }
    }

    fn era_of_post(&self, headers: &PostHeaders<'_>) -> Option<Era> {
        if headers.last_event_id
            || (!self.any_origin && headers.origin)
            || !self.hosts.allow_host(headers.host)
        {
            return None;
        }
        let version = headers.protocol_version.text()?;
        match headers.session_id.text()? {
            Some(id) => {
                let known = version.is_none_or(|v| SESSION_VERSIONS.contains(&v));
                (self.sessions && known && !id.is_empty()).then(|| Era::Session(Arc::from(id)))
            }
            None => (version == Some(STATELESS_VERSION)).then_some(Era::Stateless),
        }
    }
}

/// A `tools/call` the lane can answer: its id, tool name (borrowed from the message where it
/// can be) and arguments.
#[derive(Debug)]
pub(crate) struct LaneCall<'a> {
    pub(crate) id: Value,
    pub(crate) name: Cow<'a, str>,
    pub(crate) arguments: Map<String, Value>,
}

/// Read `body` as a `tools/call` the lane can answer for `era`; `None` leaves it to rmcp.
///
/// The message is read straight into the few fields the lane needs, not into a JSON tree:
/// any other member, a repeated one, or a value of another type makes it rmcp's.
pub(crate) fn tools_call<'a>(
    body: &'a [u8],
    era: &Era,
    headers: &HeaderMap,
) -> Option<LaneCall<'a>> {
    let call = wire::Call::read(std::str::from_utf8(body).ok()?).ok()?;
    let params = call.params;
    let meta = &params.meta;
    let fits = call.jsonrpc == "2.0"
        && call.method == "tools/call"
        && !meta.progress_token
        && !meta.log_level
        && match era {
            // Per-request versions inside a session are rmcp's to reconcile.
            Era::Session(_) => meta.protocol_version.is_none(),
            Era::Stateless => {
                meta.protocol_version.as_deref() == Some(STATELESS_VERSION)
                    && meta.client_capabilities
                    && standard_headers_fit(headers, &params.name)
            }
        };
    fits.then(|| LaneCall {
        id: call.id.into(),
        name: params.name,
        arguments: params.arguments.unwrap_or_default(),
    })
}

/// The method of a JSON-RPC message, read without building the message: `None` when the body
/// is not one JSON-RPC object naming its method as a string.
pub(crate) fn method_of(body: &[u8]) -> Option<String> {
    let wire::Object(head): wire::Object<wire::Head<'_>> = crate::json::read(body).ok()?;
    head.method.map(std::borrow::Cow::into_owned)
}

/// The `params.requestId` of a `notifications/cancelled`, if it is one.
pub(crate) fn cancelled_request(body: &[u8]) -> Option<Value> {
    let wire::Object(notice): wire::Object<wire::Cancelled<'_>> = crate::json::read(body).ok()?;
    (notice.method == "notifications/cancelled").then_some(notice.params.0.request_id)
}

/// SEP-2243 headers of a 2026-07-28 `tools/call`, in their plain form; base64-encoded names and
/// `Mcp-Param-*` headers are rmcp's to decode and check.
fn standard_headers_fit(headers: &HeaderMap, name: &str) -> bool {
    let headers = CallHeaders::read(headers);
    headers.method.text() == Some(Some("tools/call"))
        && headers.name.text() == Some(Some(name))
        && !headers.params
}
