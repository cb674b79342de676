//! The edge between actix-web's `http` 0.2 types and the `http` 1 types of rmcp and the core.
//!
//! Every conversion between the two lives here, and each happens once per message: an incoming
//! MCP request and its response at the endpoint, an in-process request and its response on the
//! worker. Everything is copied by value (names, values and bytes are identical in both crates),
//! so nothing is lost on the way.

use std::net::SocketAddr;

use actix_http::{HttpMessage, Request as ActixRequest};
use actix_web::{
    HttpRequest, HttpResponse, HttpResponseBuilder,
    body::MessageBody,
    http::{Method, StatusCode, Uri, Version, header},
};
use bytes::{Bytes, BytesMut};
use mcp_web_core::{McpResourceRead, McpToolCall};

/// The head of the MCP request actix received, as an `http` 1 request (body added by the caller).
pub(crate) fn incoming_request(request: &HttpRequest) -> http::Request<()> {
    let mut converted = http::Request::new(());
    *converted.method_mut() = http_method(request.method());
    *converted.uri_mut() = http_uri(request.uri());
    *converted.version_mut() = http_version(request.version());
    // The core gives this map back to the thread's pool once a lane call is done with it.
    *converted.headers_mut() = http_headers(request.headers(), mcp_web_core::header_map);
    converted
}

/// The status and headers of the MCP endpoint's `http` 1 response, ready for actix's body.
pub(crate) fn outgoing_response(parts: &http::response::Parts) -> HttpResponseBuilder {
    let status =
        StatusCode::from_u16(parts.status.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    for header in actix_headers(&parts.headers) {
        response.append_header(header);
    }
    response
}

/// An in-process request from the core, as the actix request a connection would have produced.
///
/// actix reuses request heads from a pool, so every field of the head is set here, including
/// the peer address (the MCP client's, so `HttpRequest::peer_addr` and `ConnectionInfo` see the
/// real caller). The markers the core attaches (`McpToolCall`, `McpResourceRead`) are carried
/// over to the actix request's extensions.
pub(crate) fn in_process_request(
    request: http::Request<Bytes>,
    peer_addr: Option<SocketAddr>,
) -> ActixRequest {
    let (mut parts, body) = request.into_parts();
    // No payload for an empty body (every `GET`): a payload made of one is two allocations.
    let mut converted = match body.is_empty() {
        true => ActixRequest::new(),
        false => ActixRequest::with_payload(body.into()),
    };
    let head = converted.head_mut();
    head.method = actix_method(&parts.method);
    head.uri = actix_uri(&parts.uri);
    head.version = actix_version(parts.version);
    head.peer_addr = peer_addr;
    head.headers.clear();
    for (name, value) in actix_headers(&parts.headers) {
        head.headers.append(name, value);
    }
    // Moved, not cloned: the `http` request is dropped here.
    let mut extensions = converted.extensions_mut();
    if let Some(call) = parts.extensions.remove::<McpToolCall>() {
        extensions.insert(call);
    }
    if let Some(read) = parts.extensions.remove::<McpResourceRead>() {
        extensions.insert(read);
    }
    drop(extensions);
    converted
}

/// The status and headers of the host app's answer to an in-process request, as `http` 1.
pub(crate) fn in_process_response<B: MessageBody>(
    response: &HttpResponse<B>,
) -> http::Response<()> {
    let mut converted = http::Response::new(());
    *converted.status_mut() = http::StatusCode::from_u16(response.status().as_u16())
        .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    *converted.headers_mut() = http_headers(response.headers(), http::HeaderMap::with_capacity);
    converted
}

/// Actix's headers as an `http` 1 map made by `map_for` (given the number of values), every
/// value of every name, in order.
///
/// Two passes over actix's map (each step of its iterator costs more than the copy): one to
/// size the map and one buffer for every value, one to copy each value into that buffer and
/// hand it over as a slice of it.
pub(crate) fn http_headers(
    from: &header::HeaderMap,
    map_for: fn(usize) -> http::HeaderMap,
) -> http::HeaderMap {
    let (count, length) = from.iter().fold((0, 0), |(count, length), (_, value)| {
        (count + 1, length + value.len())
    });
    let mut into = map_for(count);
    let mut values = BytesMut::with_capacity(length);
    for (name, value) in from {
        values.extend_from_slice(value.as_bytes());
        // Within the capacity reserved above: the value is split off, nothing is reallocated.
        let value = values.split().freeze();
        // Both crates accept exactly the same names and values, so nothing is skipped here.
        if let (Some(name), Ok(value)) =
            (http_name(name), http::HeaderValue::from_maybe_shared(value))
        {
            into.append(name, value);
        }
    }
    into
}

/// The `mcp-*` names clients send with every MCP request, made once: a name outside the
/// standard set is copied into a new allocation each time it is parsed.
const MCP_NAMES: [http::HeaderName; 4] = [
    http::HeaderName::from_static("mcp-protocol-version"),
    http::HeaderName::from_static("mcp-session-id"),
    http::HeaderName::from_static("mcp-method"),
    http::HeaderName::from_static("mcp-name"),
];

/// The name as `http` 1's: the names nearly every request or answer has are matched as text,
/// cheaper than parsing them again; any other is parsed.
fn http_name(name: &header::HeaderName) -> Option<http::HeaderName> {
    use http::header as h;
    let text = name.as_str();
    let known = match text {
        "host" => h::HOST,
        "accept" => h::ACCEPT,
        "content-type" => h::CONTENT_TYPE,
        "content-length" => h::CONTENT_LENGTH,
        "authorization" => h::AUTHORIZATION,
        "user-agent" => h::USER_AGENT,
        "accept-encoding" => h::ACCEPT_ENCODING,
        "connection" => h::CONNECTION,
        "cache-control" => h::CACHE_CONTROL,
        "mcp-protocol-version" => MCP_NAMES[0].clone(),
        "mcp-session-id" => MCP_NAMES[1].clone(),
        "mcp-method" => MCP_NAMES[2].clone(),
        "mcp-name" => MCP_NAMES[3].clone(),
        _ => return http::HeaderName::from_bytes(text.as_bytes()).ok(),
    };
    Some(known)
}

/// An `http` 1 header map as actix headers, every value of every name, in order.
pub(crate) fn actix_headers(
    from: &http::HeaderMap,
) -> impl Iterator<Item = (header::HeaderName, header::HeaderValue)> + '_ {
    let mut values = all_values(|| from.iter().map(|(_, value)| value.as_bytes()));
    from.iter().filter_map(move |(name, value)| {
        let value = values.split_to(value.len());
        Some((
            header::HeaderName::from_bytes(name.as_ref()).ok()?,
            header::HeaderValue::from_maybe_shared(value).ok()?,
        ))
    })
}

/// Every header value copied into one buffer, in order: each converted value is then a slice
/// of it, one allocation for the whole map instead of one per value.
fn all_values<'v, I: Iterator<Item = &'v [u8]>>(values: impl Fn() -> I) -> Bytes {
    let mut all = BytesMut::with_capacity(values().map(<[u8]>::len).sum());
    for value in values() {
        all.extend_from_slice(value);
    }
    all.freeze()
}

pub(crate) fn http_method(method: &Method) -> http::Method {
    http::Method::from_bytes(method.as_str().as_bytes()).unwrap_or_default()
}

fn actix_method(method: &http::Method) -> Method {
    Method::from_bytes(method.as_str().as_bytes()).unwrap_or_default()
}

fn http_uri(uri: &Uri) -> http::Uri {
    // A server's request target is nearly always a bare path and query: parsed from its text,
    // without formatting the whole URI first.
    match (uri.scheme(), uri.path_and_query()) {
        (None, Some(target)) => http::Uri::try_from(target.as_str()),
        _ => http::Uri::try_from(uri.to_string()),
    }
    .unwrap_or_default()
}

fn actix_uri(uri: &http::Uri) -> Uri {
    match (uri.scheme(), uri.path_and_query()) {
        (None, Some(target)) => Uri::try_from(target.as_str()),
        _ => Uri::try_from(uri.to_string()),
    }
    .unwrap_or_default()
}

fn http_version(version: Version) -> http::Version {
    match version {
        Version::HTTP_09 => http::Version::HTTP_09,
        Version::HTTP_10 => http::Version::HTTP_10,
        Version::HTTP_2 => http::Version::HTTP_2,
        Version::HTTP_3 => http::Version::HTTP_3,
        _ => http::Version::HTTP_11,
    }
}

fn actix_version(version: http::Version) -> Version {
    match version {
        http::Version::HTTP_09 => Version::HTTP_09,
        http::Version::HTTP_10 => Version::HTTP_10,
        http::Version::HTTP_2 => Version::HTTP_2,
        http::Version::HTTP_3 => Version::HTTP_3,
        _ => Version::HTTP_11,
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn an_in_process_request_keeps_every_part_and_marker() {
        let mut request = http::Request::builder()
            .method(http::Method::PATCH)
            .uri("/tickets/a%2Fb?x=1&x=2")
            .header("authorization", "Bearer t")
            .header("x-twice", "1")
            .header("x-twice", "2")
            .body(Bytes::from_static(b"{}"))
            .unwrap();
        request
            .extensions_mut()
            .insert(McpToolCall { tool: "t".into() });
        let peer: SocketAddr = "10.0.0.7:4000".parse().unwrap();

        let converted = in_process_request(request, Some(peer));
        assert_eq!(converted.method(), Method::PATCH);
        assert_eq!(converted.uri().to_string(), "/tickets/a%2Fb?x=1&x=2");
        assert_eq!(converted.version(), Version::HTTP_11);
        assert_eq!(converted.peer_addr(), Some(peer));
        assert_eq!(
            converted.headers().get("authorization").unwrap(),
            "Bearer t"
        );
        let twice: Vec<_> = converted.headers().get_all("x-twice").collect();
        assert_eq!(twice, ["1", "2"]);
        assert_eq!(
            converted.extensions().get::<McpToolCall>().unwrap().tool,
            "t"
        );
    }

    #[test]
    fn an_incoming_request_head_converts_whole() {
        let request = TestRequest::post()
            .uri("/mcp?a=b")
            .insert_header(("host", "127.0.0.1:3000"))
            .insert_header(("mcp-session-id", "s1"))
            .insert_header(("mcp-method", "tools/call"))
            .insert_header(("mcp-param-region", "eu"))
            .to_http_request();
        let converted = incoming_request(&request);
        assert_eq!(converted.method(), http::Method::POST);
        assert_eq!(converted.uri(), "/mcp?a=b");
        assert_eq!(converted.headers()["host"], "127.0.0.1:3000");
        assert_eq!(converted.headers()["mcp-session-id"], "s1");
        assert_eq!(converted.headers()["mcp-method"], "tools/call");
        assert_eq!(converted.headers()["mcp-param-region"], "eu");
    }

    #[test]
    fn response_heads_convert_both_ways() {
        let parts = http::Response::builder()
            .status(404)
            .header("content-type", "text/event-stream")
            .body(())
            .unwrap()
            .into_parts()
            .0;
        let response = outgoing_response(&parts).finish();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            response.headers().get("content-type").unwrap(),
            "text/event-stream"
        );

        let back = in_process_response(&response);
        assert_eq!(back.status(), http::StatusCode::NOT_FOUND);
        assert_eq!(back.headers()["content-type"], "text/event-stream");
    }
}
