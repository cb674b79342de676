//! Which requests the lane takes: from the headers alone (era, host, origin, media types), then
//! from the message (a plain `tools/call`, no progress token, no log level, the 2026-07-28
//! metadata and headers in their plain form).

use std::sync::Arc;

use http::{HeaderMap, header};
use serde_json::{Map, Value};

/// `MCP-Protocol-Version` of the stateless era.
pub(crate) const STATELESS_VERSION: &str = "2026-07-28";
/// Session-era versions rmcp knows; the lane leaves any other to rmcp.
const SESSION_VERSIONS: [&str; 4] = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];
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

    pub(super) fn allow(&self, headers: &HeaderMap) -> bool {
        let Some(allowed) = &self.0 else {
            return true;
        };
        let Some((host, port)) = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .and_then(authority)
        else {
            return false;
        };
        allowed
            .iter()
            .any(|(name, only)| *name == host && only.is_none_or(|only| Some(only) == port))
    }
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

impl Admission {
    /// From the headers alone: the era of a request the lane may take, or `None` for rmcp.
    pub(crate) fn era(&self, method: &http::Method, headers: &HeaderMap) -> Option<Era> {
        if method != http::Method::POST
            || !is_json(headers.get(header::CONTENT_TYPE))
            || !accepts_json_and_sse(headers)
            || headers.contains_key("last-event-id")
            || (!self.any_origin && headers.contains_key(header::ORIGIN))
            || !self.hosts.allow(headers)
        {
            return None;
        }
        let version = single(headers, "mcp-protocol-version")?;
        match single(headers, "mcp-session-id")? {
            Some(id) => {
                let known = version.is_none_or(|v| SESSION_VERSIONS.contains(&v));
                (self.sessions && known && !id.is_empty()).then(|| Era::Session(Arc::from(id)))
            }
            None => (version == Some(STATELESS_VERSION)).then_some(Era::Stateless),
        }
    }
}

/// Whether the service reads a POST's body before choosing a lane: only when rmcp would too
/// (it answers other media types with 406 or 415 before reading).
pub(crate) fn reads_body(method: &http::Method, headers: &HeaderMap) -> bool {
    method == http::Method::POST
        && is_json(headers.get(header::CONTENT_TYPE))
        && accepts_json_and_sse(headers)
}

/// The one value of a header: `Some(None)` when absent, `None` when repeated or not text.
fn single<'h>(headers: &'h HeaderMap, name: &str) -> Option<Option<&'h str>> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Some(None);
    };
    if values.next().is_some() {
        return None;
    }
    first.to_str().ok().map(Some)
}

fn is_json(value: Option<&http::HeaderValue>) -> bool {
    value
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split_once(';').map_or(v, |(essence, _)| essence))
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Both media types named plainly; anything with parameters (a `q=0`) is left to rmcp.
fn accepts_json_and_sse(headers: &HeaderMap) -> bool {
    let (mut json, mut sse) = (false, false);
    for value in headers.get_all(header::ACCEPT) {
        let Ok(value) = value.to_str() else {
            return false;
        };
        for entry in value.split(',') {
            let entry = entry.trim();
            if entry.contains(';') {
                return false;
            }
            json |= entry.eq_ignore_ascii_case("application/json");
            sse |= entry.eq_ignore_ascii_case("text/event-stream");
        }
    }
    json && sse
}

/// A `tools/call` the lane can answer: its id, tool name and arguments.
#[derive(Debug)]
pub(crate) struct LaneCall {
    pub(crate) id: Value,
    pub(crate) name: String,
    pub(crate) arguments: Map<String, Value>,
}

/// Take a parsed JSON-RPC message apart if it is a `tools/call` the lane can answer for `era`;
/// `Err` gives the message back for rmcp.
pub(crate) fn tools_call(
    message: Value,
    era: &Era,
    headers: &HeaderMap,
) -> Result<LaneCall, Value> {
    let Value::Object(mut message) = message else {
        return Err(message);
    };
    let fits = message.len() == 4
        && message.get("jsonrpc").and_then(Value::as_str) == Some("2.0")
        && message.get("method").and_then(Value::as_str) == Some("tools/call")
        && message
            .get("id")
            .is_some_and(|id| id.is_i64() || id.is_string())
        && message
            .get("params")
            .and_then(Value::as_object)
            .is_some_and(|params| params_fit(params, era, headers));
    if !fits {
        return Err(Value::Object(message));
    }
    let id = message.remove("id").unwrap_or_default();
    let Some(Value::Object(mut params)) = message.remove("params") else {
        unreachable!("checked above")
    };
    let Some(Value::String(name)) = params.remove("name") else {
        unreachable!("checked above")
    };
    let arguments = match params.remove("arguments") {
        Some(Value::Object(arguments)) => arguments,
        _ => Map::new(),
    };
    Ok(LaneCall {
        id,
        name,
        arguments,
    })
}

fn params_fit(params: &Map<String, Value>, era: &Era, headers: &HeaderMap) -> bool {
    let known = params
        .keys()
        .all(|key| matches!(key.as_str(), "name" | "arguments" | "_meta"));
    let Some(name) = params.get("name").and_then(Value::as_str) else {
        return false;
    };
    let arguments_fit = params
        .get("arguments")
        .is_none_or(|a| a.is_object() || a.is_null());
    let empty = Map::new();
    let meta = match params.get("_meta") {
        None => &empty,
        Some(Value::Object(meta)) => meta,
        Some(_) => return false,
    };
    // A progress token or log messages asked for can make more than one message.
    if !known
        || !arguments_fit
        || meta.contains_key("progressToken")
        || meta.contains_key(META_LOG_LEVEL)
    {
        return false;
    }
    match era {
        // Per-request versions inside a session are rmcp's to reconcile.
        Era::Session(_) => !meta.contains_key(META_PROTOCOL_VERSION),
        Era::Stateless => {
            meta.get(META_PROTOCOL_VERSION).and_then(Value::as_str) == Some(STATELESS_VERSION)
                && meta.get(META_CLIENT_CAPABILITIES).is_some_and(|caps| {
                    serde_json::from_value::<rmcp::model::ClientCapabilities>(caps.clone()).is_ok()
                })
                && standard_headers_fit(headers, name)
        }
    }
}

/// SEP-2243 headers of a 2026-07-28 `tools/call`, in their plain form; base64-encoded names and
/// `Mcp-Param-*` headers are rmcp's to decode and check.
fn standard_headers_fit(headers: &HeaderMap, name: &str) -> bool {
    single(headers, "mcp-method") == Some(Some("tools/call"))
        && single(headers, "mcp-name") == Some(Some(name))
        && !headers
            .keys()
            .any(|key| key.as_str().starts_with("mcp-param-"))
}
