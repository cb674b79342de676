//! [`OAuthEdge`]: the part of OAuth an adapter serves *outside* the host's auth — the metadata
//! document, reachable without a token, and the challenge added to the host's own 401s for the
//! MCP endpoint. Framework-neutral; each adapter calls it from its outermost layer.

use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode, header};

use super::ProtectedResource;

/// The metadata and challenges of a [`ProtectedResource`], for adapters: call
/// [`metadata`](Self::metadata) before the host's middleware runs and
/// [`challenge_after`](Self::challenge_after) on the answers it gives.
///
/// ```
/// use mcp_web_core::oauth::{OAuthEdge, ProtectedResource};
///
/// let resource = ProtectedResource::new("http://127.0.0.1:3000/mcp")
///     .authorization_server("http://127.0.0.1:3020");
/// let edge = OAuthEdge::new(&resource);
/// let metadata = edge.metadata(&http::Method::GET, "/.well-known/oauth-protected-resource/mcp");
/// assert_eq!(metadata.unwrap().status(), 200);
/// // The host's 401 for the endpoint gains where to find the authorization server.
/// let challenge = edge.challenge_after("/mcp", &["Bearer realm=\"tickets\""]).unwrap();
/// assert!(challenge[0].starts_with("Bearer realm=\"tickets\", resource_metadata="));
/// assert!(edge.challenge_after("/tickets", &[]).is_none());
/// ```
#[derive(Debug, Clone)]
pub struct OAuthEdge {
    resource: ProtectedResource,
}

impl OAuthEdge {
    /// The edge of `resource`.
    pub fn new(resource: &ProtectedResource) -> Self {
        Self {
            resource: resource.clone(),
        }
    }

    /// The answer to a request for the metadata document at `path`, or `None` when `path` is not
    /// one of its paths. Public metadata: any origin may read it.
    pub fn metadata(&self, method: &Method, path: &str) -> Option<http::Response<Bytes>> {
        if !self.resource.metadata_paths().any(|p| p == path) {
            return None;
        }
        let response = http::Response::builder()
            .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
            .header(header::CACHE_CONTROL, "max-age=3600");
        let response = match *method {
            Method::GET | Method::HEAD => response
                .header(header::CONTENT_TYPE, "application/json")
                .body(match *method {
                    Method::GET => self.resource.metadata_document(),
                    _ => Bytes::new(),
                }),
            // Browser clients send `MCP-Protocol-Version` with the fetch, hence a preflight.
            Method::OPTIONS => response
                .status(StatusCode::NO_CONTENT)
                .header(header::ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD, OPTIONS")
                .header(header::ACCESS_CONTROL_ALLOW_HEADERS, "*")
                .body(Bytes::new()),
            _ => response
                .status(StatusCode::METHOD_NOT_ALLOWED)
                .header(header::ALLOW, "GET, HEAD, OPTIONS")
                .body(Bytes::new()),
        };
        response.ok()
    }

    /// The `WWW-Authenticate` values a 401 answered at `path` should carry instead of
    /// `existing`, or `None` when `path` is not the MCP endpoint.
    ///
    /// A Bearer challenge of the host's keeps its parameters (`realm`, `error`…) and gains
    /// `resource_metadata` and `scope`; other schemes stay, and a Bearer challenge is added.
    pub fn challenge_after(&self, path: &str, existing: &[&str]) -> Option<Vec<String>> {
        if path != self.resource.endpoint_path() {
            return None;
        }
        let mut values: Vec<String> = Vec::with_capacity(existing.len() + 1);
        let mut bearer = false;
        for value in existing {
            if is_bearer(value) {
                bearer = true;
                let added = self.resource.challenge_parameters(value);
                // A bare `Bearer` has no parameter to follow with a comma.
                let value = value.trim_end();
                values.push(match value.eq_ignore_ascii_case("bearer") {
                    true => format!("{value} {}", added.trim_start_matches(", ")),
                    false => format!("{value}{added}"),
                });
            } else {
                values.push((*value).to_owned());
            }
        }
        if !bearer {
            let ours = self.resource.challenge();
            values.push(ours.to_str().unwrap_or("Bearer").to_owned());
        }
        Some(values)
    }

    /// [`challenge_after`](Self::challenge_after) applied to an `http` 1 response head: a 401
    /// for the MCP endpoint gets the challenge; anything else is left alone.
    pub fn decorate(&self, path: &str, status: StatusCode, headers: &mut http::HeaderMap) {
        if status != StatusCode::UNAUTHORIZED {
            return;
        }
        let existing: Vec<&str> = headers
            .get_all(header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let Some(values) = self.challenge_after(path, &existing) else {
            return;
        };
        headers.remove(header::WWW_AUTHENTICATE);
        for value in values {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.append(header::WWW_AUTHENTICATE, value);
            }
        }
        headers.insert(header::CONNECTION, close());
    }
}

/// A 401 usually leaves the request's body unread, and the server then drops the connection
/// after answering; saying so keeps an OAuth client from sending its next request (the metadata
/// fetch) on a connection that is about to close.
pub(crate) fn close() -> HeaderValue {
    HeaderValue::from_static("close")
}

/// Whether a challenge is of the Bearer scheme (scheme names are case-insensitive).
fn is_bearer(challenge: &str) -> bool {
    let scheme = challenge
        .split_ascii_whitespace()
        .next()
        .unwrap_or_default();
    scheme.eq_ignore_ascii_case("bearer")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge() -> OAuthEdge {
        let resource = ProtectedResource::new("http://127.0.0.1:3000/mcp")
            .authorization_server("http://127.0.0.1:3020")
            .scopes_supported(["r", "w"])
            .challenge_scopes(["r"]);
        OAuthEdge::new(&resource)
    }

    #[test]
    fn metadata_is_served_at_its_path_only() {
        let edge = edge();
        let path = "/.well-known/oauth-protected-resource/mcp";
        let got = edge.metadata(&Method::GET, path).unwrap();
        assert_eq!(got.headers()["content-type"], "application/json");
        assert_eq!(got.headers()["access-control-allow-origin"], "*");
        let document: serde_json::Value = serde_json::from_slice(got.body()).unwrap();
        assert_eq!(document["resource"], "http://127.0.0.1:3000/mcp");
        assert_eq!(edge.metadata(&Method::OPTIONS, path).unwrap().status(), 204);
        assert_eq!(edge.metadata(&Method::POST, path).unwrap().status(), 405);
        assert!(
            edge.metadata(&Method::GET, "/.well-known/oauth-protected-resource")
                .is_none()
        );
        assert!(edge.metadata(&Method::GET, "/mcp").is_none());
    }

    #[test]
    fn a_401_for_the_endpoint_gains_the_challenge() {
        let edge = edge();
        let mut headers = http::HeaderMap::new();
        edge.decorate("/mcp", StatusCode::UNAUTHORIZED, &mut headers);
        assert_eq!(
            headers["www-authenticate"],
            "Bearer resource_metadata=\"http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp\", scope=\"r\""
        );

        let mut headers = http::HeaderMap::new();
        headers.insert("www-authenticate", HeaderValue::from_static("Bearer"));
        edge.decorate("/mcp", StatusCode::UNAUTHORIZED, &mut headers);
        assert_eq!(
            headers["www-authenticate"],
            "Bearer resource_metadata=\"http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp\", scope=\"r\""
        );

        let mut headers = http::HeaderMap::new();
        headers.append(
            "www-authenticate",
            HeaderValue::from_static("Basic realm=\"x\""),
        );
        headers.append(
            "www-authenticate",
            HeaderValue::from_static("bearer error=\"invalid_token\""),
        );
        edge.decorate("/mcp", StatusCode::UNAUTHORIZED, &mut headers);
        let values: Vec<_> = headers.get_all("www-authenticate").iter().collect();
        assert_eq!(values.len(), 2);
        assert_eq!(values[0], "Basic realm=\"x\"");
        assert!(
            values[1]
                .to_str()
                .unwrap()
                .starts_with("bearer error=\"invalid_token\", resource_metadata=\"")
        );

        for (path, status) in [
            ("/tickets", StatusCode::UNAUTHORIZED),
            ("/mcp", StatusCode::FORBIDDEN),
        ] {
            let mut headers = http::HeaderMap::new();
            edge.decorate(path, status, &mut headers);
            assert!(headers.is_empty(), "{path} {status}");
        }
    }
}
