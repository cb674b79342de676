//! SSE priming events only for the protocol versions that define them.
//!
//! rmcp opens every SSE stream with a *priming event*: an event id and an empty `data` field,
//! which 2025-11-25 introduced so that a client can resume a stream before its first message.
//! Earlier versions have no such event, and their clients read every `data` field as a JSON-RPC
//! message: the TypeScript SDK 1.17 (2025-06-18) logs `Unexpected end of JSON input` on every
//! request, and stricter clients give up at `initialize`. So a stream answering a client of an
//! earlier version starts with its first real event.
//!
//! The version is the one the request states (`MCP-Protocol-Version`; without the header a
//! client is 2025-03-26, as the specification says), or for `initialize` the one it asks for.

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use serde::Deserialize;

use crate::McpBody;

/// The first version with priming events.
const FIRST_WITH_PRIMING: &str = "2025-11-25";

/// Whether a client of `version` (`None`: it stated none) is sent priming events. Versions are
/// dates, so they compare as text.
pub(crate) fn primes(version: Option<&str>) -> bool {
    version.is_some_and(|version| version >= FIRST_WITH_PRIMING)
}

/// The version an `initialize` message asks for.
pub(crate) fn requested_version(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Initialize {
        params: Params,
    }
    #[derive(Deserialize)]
    struct Params {
        #[serde(rename = "protocolVersion")]
        protocol_version: String,
    }
    let message: Initialize = serde_json::from_slice(body).ok()?;
    Some(message.params.protocol_version)
}

/// `response`'s SSE body without its priming event. The body is read until its first event is
/// complete (rmcp sends the priming event alone, at once), then passed through as it comes.
pub(crate) fn without_priming(response: http::Response<McpBody>) -> http::Response<McpBody> {
    let (parts, body) = response.into_parts();
    let frames = futures::stream::unfold(
        (body, Some(BytesMut::new())),
        |(mut body, mut head)| async move {
            loop {
                let Some(frame) = body.frame().await else {
                    // The body ended inside its first event: what came is all there is.
                    let rest = head.take().filter(|rest| !rest.is_empty())?;
                    return Some((Ok(http_body::Frame::data(rest.freeze())), (body, None)));
                };
                let Ok(frame) = frame;
                let Some(pending) = &mut head else {
                    return Some((Ok(frame), (body, head)));
                };
                let Ok(data) = frame.into_data() else {
                    continue;
                };
                pending.extend_from_slice(&data);
                if let Some(rest) = strip_first_event(pending) {
                    head = None;
                    if !rest.is_empty() {
                        return Some((Ok(http_body::Frame::data(rest)), (body, head)));
                    }
                }
            }
        },
    );
    let body = http_body_util::StreamBody::new(frames);
    http::Response::from_parts(parts, McpBody::new(body))
}

/// The stream after its first event if that event is a priming event, or all of it if not;
/// `None` while the first event is not complete.
fn strip_first_event(stream: &[u8]) -> Option<Bytes> {
    let (event, rest) = split_first_event(stream)?;
    let primes = event
        .split(|&b| b == b'\n' || b == b'\r')
        .filter_map(|line| line.strip_prefix(b"data:"))
        .all(|data| data.trim_ascii().is_empty());
    Some(Bytes::copy_from_slice(if primes { rest } else { stream }))
}

/// The first event (without its blank line) and what follows it.
fn split_first_event(stream: &[u8]) -> Option<(&[u8], &[u8])> {
    [&b"\r\n\r\n"[..], b"\n\n", b"\r\r"]
        .iter()
        .filter_map(|end| {
            let at = stream.windows(end.len()).position(|w| w == *end)?;
            Some((at, end.len()))
        })
        .min()
        .map(|(at, len)| (&stream[..at], &stream[at + len..]))
}

/// A whole SSE body without its priming event (for answers collected into one write).
pub(crate) fn strip_collected(body: Bytes) -> Bytes {
    strip_first_event(&body).unwrap_or(body)
}

#[cfg(test)]
mod tests {
    use http_body_util::{BodyExt, Full, StreamBody};

    use super::*;

    const PRIMED: &str =
        "data: \nid: 0/0\nretry: 3000\n\ndata: {\"jsonrpc\":\"2.0\",\"id\":1}\nid: 0/1\n\n";

    #[test]
    fn versions_from_2025_11_25_are_primed() {
        assert!(primes(Some("2025-11-25")) && primes(Some("2026-07-28")));
        assert!(!primes(Some("2025-06-18")) && !primes(Some("2025-03-26")) && !primes(None));
        let initialize = br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}}"#;
        assert_eq!(requested_version(initialize).as_deref(), Some("2025-06-18"));
    }

    #[test]
    fn a_collected_body_loses_only_its_priming_event() {
        let stripped = strip_collected(Bytes::from(PRIMED));
        assert_eq!(
            stripped,
            "data: {\"jsonrpc\":\"2.0\",\"id\":1}\nid: 0/1\n\n"
        );
        // A first event with data is a message: kept.
        assert_eq!(strip_collected(stripped.clone()), stripped);
    }

    #[tokio::test]
    async fn a_stream_loses_its_priming_event_however_it_is_cut() {
        for cut in [1, 5, 20, PRIMED.len()] {
            let chunks: Vec<Result<http_body::Frame<Bytes>, std::convert::Infallible>> = PRIMED
                .as_bytes()
                .chunks(cut)
                .map(|chunk| Ok(http_body::Frame::data(Bytes::copy_from_slice(chunk))))
                .collect();
            let body = McpBody::new(StreamBody::new(futures::stream::iter(chunks)));
            let response = without_priming(http::Response::new(body));
            let Ok(collected) = response.into_body().collect().await;
            assert_eq!(
                collected.to_bytes(),
                "data: {\"jsonrpc\":\"2.0\",\"id\":1}\nid: 0/1\n\n",
                "chunks of {cut}"
            );
        }
        let body = McpBody::new(Full::new(Bytes::from("data: 1\n\n")).map_err(|n| match n {}));
        let Ok(collected) = without_priming(http::Response::new(body))
            .into_body()
            .collect()
            .await;
        assert_eq!(collected.to_bytes(), "data: 1\n\n");
    }
}
