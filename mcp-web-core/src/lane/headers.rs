//! The headers the lane decides on, found in one pass over the request's map.
//!
//! Every lookup by name hashes the name and probes the map; the lane asks about nine names on
//! every MCP request, which has a dozen headers. Walking the map once and matching each name
//! costs a fraction of that, and the answers are the same: the first value where a lookup would
//! take the first, and "repeated" where a header must appear at most once.

use http::{HeaderMap, HeaderValue, header};

/// A header that may appear at most once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum Once<'h> {
    /// Not sent.
    #[default]
    Absent,
    /// Sent once, with this value.
    Value(&'h HeaderValue),
    /// Sent more than once.
    Repeated,
}

impl<'h> Once<'h> {
    fn add(&mut self, value: &'h HeaderValue) {
        *self = match self {
            Self::Absent => Self::Value(value),
            _ => Self::Repeated,
        };
    }

    /// `Some(None)` when absent, `Some(Some(text))` when sent once as text, `None` otherwise.
    pub(super) fn text(self) -> Option<Option<&'h str>> {
        match self {
            Self::Absent => Some(None),
            Self::Value(value) => value.to_str().ok().map(Some),
            Self::Repeated => None,
        }
    }
}

/// What [`Admission::entry`](super::Admission::entry) reads of a POST's headers.
#[derive(Debug, Default)]
pub(super) struct PostHeaders<'h> {
    /// The first `Content-Type`.
    pub(super) content_type: Option<&'h HeaderValue>,
    /// Some `Accept` names `application/json` plainly.
    pub(super) accepts_json: bool,
    /// Some `Accept` names `text/event-stream` plainly.
    pub(super) accepts_sse: bool,
    /// Some `Accept` is not text or has an entry with parameters: rmcp's to judge.
    pub(super) accept_unusual: bool,
    pub(super) last_event_id: bool,
    pub(super) origin: bool,
    /// The first `Host`.
    pub(super) host: Option<&'h HeaderValue>,
    pub(super) protocol_version: Once<'h>,
    pub(super) session_id: Once<'h>,
}

impl<'h> PostHeaders<'h> {
    pub(super) fn read(headers: &'h HeaderMap) -> Self {
        let mut seen = Self::default();
        for (name, value) in headers {
            // Standard names compare as a tag; only the others are compared as text.
            if name == header::CONTENT_TYPE {
                seen.content_type.get_or_insert(value);
            } else if name == header::ACCEPT {
                seen.accept(value);
            } else if name == header::HOST {
                seen.host.get_or_insert(value);
            } else if name == header::ORIGIN {
                seen.origin = true;
            } else {
                match name.as_str() {
                    "mcp-protocol-version" => seen.protocol_version.add(value),
                    "mcp-session-id" => seen.session_id.add(value),
                    "last-event-id" => seen.last_event_id = true,
                    _ => {}
                }
            }
        }
        seen
    }

    /// Both media types must be named plainly; anything with parameters (a `q=0`) is left to
    /// rmcp.
    fn accept(&mut self, value: &HeaderValue) {
        let Ok(value) = value.to_str() else {
            self.accept_unusual = true;
            return;
        };
        for entry in value.split(',') {
            let entry = entry.trim();
            self.accept_unusual |= entry.contains(';');
            self.accepts_json |= entry.eq_ignore_ascii_case("application/json");
            self.accepts_sse |= entry.eq_ignore_ascii_case("text/event-stream");
        }
    }

    /// Both `application/json` and `text/event-stream` accepted, in their plain form.
    pub(super) fn accepts_json_and_sse(&self) -> bool {
        self.accepts_json && self.accepts_sse && !self.accept_unusual
    }
}

/// What a 2026-07-28 `tools/call` must say in its headers (SEP-2243), in their plain form.
#[derive(Debug, Default)]
pub(super) struct CallHeaders<'h> {
    pub(super) method: Once<'h>,
    pub(super) name: Once<'h>,
    /// Some `Mcp-Param-*` header: rmcp's to decode and check.
    pub(super) params: bool,
}

impl<'h> CallHeaders<'h> {
    pub(super) fn read(headers: &'h HeaderMap) -> Self {
        let mut seen = Self::default();
        for (name, value) in headers {
            match name.as_str() {
                "mcp-method" => seen.method.add(value),
                "mcp-name" => seen.name.add(value),
                name => seen.params |= name.starts_with("mcp-param-"),
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn a_header_sent_twice_is_repeated_and_the_first_value_counts_elsewhere() {
        let headers = map(&[
            ("Host", "a.example"),
            ("host", "b.example"),
            ("MCP-Session-Id", "s1"),
            ("mcp-session-id", "s2"),
            ("mcp-protocol-version", "2025-11-25"),
        ]);
        let seen = PostHeaders::read(&headers);
        assert_eq!(seen.host.unwrap(), "a.example");
        assert_eq!(seen.session_id, Once::Repeated);
        assert_eq!(seen.session_id.text(), None);
        assert_eq!(seen.protocol_version.text(), Some(Some("2025-11-25")));
        assert_eq!(Once::Absent.text(), Some(None));
    }

    #[test]
    fn accept_is_read_across_every_value() {
        let both = map(&[
            ("accept", "application/json"),
            ("accept", "text/event-stream"),
        ]);
        assert!(PostHeaders::read(&both).accepts_json_and_sse());
        let one = map(&[("accept", "application/json")]);
        assert!(!PostHeaders::read(&one).accepts_json_and_sse());
        let weighted = map(&[("accept", "application/json, text/event-stream;q=0.5")]);
        assert!(!PostHeaders::read(&weighted).accepts_json_and_sse());
        let spaced = map(&[("accept", " Application/JSON ,text/event-stream ")]);
        assert!(PostHeaders::read(&spaced).accepts_json_and_sse());
    }

    #[test]
    fn call_headers_see_params_by_prefix() {
        let headers = map(&[
            ("mcp-method", "tools/call"),
            ("mcp-name", "t"),
            ("mcp-param-region", "eu"),
        ]);
        let seen = CallHeaders::read(&headers);
        assert_eq!(seen.method.text(), Some(Some("tools/call")));
        assert_eq!(seen.name.text(), Some(Some("t")));
        assert!(seen.params);
        assert!(!CallHeaders::read(&map(&[("mcp-parameter", "x")])).params);
    }
}
