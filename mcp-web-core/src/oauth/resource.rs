//! [`ProtectedResource`]: what the mount tells OAuth clients about itself — the Protected Resource
//! Metadata document (RFC 9728) and the `WWW-Authenticate` challenges that point to it.

use std::sync::Arc;

use bytes::Bytes;
use http::HeaderValue;
use serde_json::json;

use crate::MountError;

/// Where RFC 9728 puts the metadata of a resource: this, then the resource's path.
pub(crate) const WELL_KNOWN: &str = "/.well-known/oauth-protected-resource";

/// The MCP endpoint as an OAuth 2.1 protected resource: its identifier, the authorization servers
/// that issue its tokens and the scopes they can grant.
///
/// Given to [`McpConfig::oauth`](crate::McpConfig::oauth), it makes the mount serve the Protected
/// Resource Metadata document (RFC 9728) at `/.well-known/oauth-protected-resource` followed by
/// the resource's path, and name that document in every 401 answered for the endpoint, so that
/// MCP clients find the authorization server on their own.
///
/// ```
/// use mcp_web_core::oauth::ProtectedResource;
///
/// let resource = ProtectedResource::new("https://api.example.com/mcp")
///     .authorization_server("https://auth.example.com")
///     .scopes_supported(["tickets:read", "tickets:write"])
///     .challenge_scopes(["tickets:read"]);
/// assert_eq!(
///     resource.metadata_url(),
///     "https://api.example.com/.well-known/oauth-protected-resource/mcp"
/// );
/// ```
#[derive(Debug, Clone)]
pub struct ProtectedResource {
    inner: Arc<Settings>,
}

#[derive(Debug, Clone, Default)]
struct Settings {
    resource: String,
    authorization_servers: Vec<String>,
    scopes_supported: Vec<String>,
    challenge_scopes: Option<Vec<String>>,
    resource_name: Option<String>,
    documentation: Option<String>,
    at_root: bool,
}

impl ProtectedResource {
    /// The resource `identifier`: the absolute URL clients use for the MCP endpoint, e.g.
    /// `https://api.example.com/mcp`. Tokens for the mount must name it as their audience
    /// (RFC 8707), which the host's own token check verifies.
    pub fn new(identifier: impl Into<String>) -> Self {
        let settings = Settings {
            resource: identifier.into(),
            ..Settings::default()
        };
        Self {
            inner: Arc::new(settings),
        }
    }

    /// An authorization server (its issuer URL) whose tokens the resource accepts; call it once
    /// per server. Clients use the first.
    pub fn authorization_server(mut self, issuer: impl Into<String>) -> Self {
        self.settings().authorization_servers.push(issuer.into());
        self
    }

    /// The scopes clients may ask for (`scopes_supported` in the metadata).
    pub fn scopes_supported<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.settings().scopes_supported = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The scopes a 401 challenge asks for: what a client should get first. Default: every
    /// scope in [`scopes_supported`](Self::scopes_supported). Naming fewer (the read scopes, say)
    /// makes clients start with a narrow token and step up when a tool needs more.
    pub fn challenge_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.settings().challenge_scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// A human-readable name of the resource (`resource_name`).
    pub fn resource_name(mut self, name: impl Into<String>) -> Self {
        self.settings().resource_name = Some(name.into());
        self
    }

    /// A page that documents the resource for developers (`resource_documentation`).
    pub fn documentation(mut self, url: impl Into<String>) -> Self {
        self.settings().documentation = Some(url.into());
        self
    }

    /// Also serve the metadata at `/.well-known/oauth-protected-resource` itself, where clients
    /// that do not insert the path look.
    pub fn metadata_at_root(mut self) -> Self {
        self.settings().at_root = true;
        self
    }

    /// The resource identifier.
    pub fn identifier(&self) -> &str {
        &self.inner.resource
    }

    /// The absolute URL of the metadata document, as 401 challenges name it.
    pub fn metadata_url(&self) -> String {
        let (origin, path) = split_url(&self.inner.resource);
        format!("{origin}{}", metadata_path(path))
    }

    /// The path of the MCP endpoint as clients see it: the identifier's path.
    pub(crate) fn endpoint_path(&self) -> &str {
        split_url(&self.inner.resource).1
    }

    /// The paths the metadata is served at.
    pub(crate) fn metadata_paths(&self) -> impl Iterator<Item = String> + '_ {
        let at_root = self.inner.at_root.then(|| WELL_KNOWN.to_owned());
        std::iter::once(metadata_path(self.endpoint_path())).chain(at_root)
    }

    /// The metadata document (RFC 9728 §2).
    pub(crate) fn metadata_document(&self) -> Bytes {
        let settings = &self.inner;
        let mut document = json!({
            "resource": settings.resource,
            "authorization_servers": settings.authorization_servers,
            "bearer_methods_supported": ["header"],
        });
        if !settings.scopes_supported.is_empty() {
            document["scopes_supported"] = json!(settings.scopes_supported);
        }
        if let Some(name) = &settings.resource_name {
            document["resource_name"] = json!(name);
        }
        if let Some(url) = &settings.documentation {
            document["resource_documentation"] = json!(url);
        }
        Bytes::from(document.to_string())
    }

    /// The challenge of a 401: where the metadata is and which scopes to ask for first.
    pub(crate) fn challenge(&self) -> HeaderValue {
        let scopes = self.first_scopes();
        let mut value = format!("Bearer resource_metadata=\"{}\"", self.metadata_url());
        if !scopes.is_empty() {
            value.push_str(&format!(", scope=\"{}\"", scopes.join(" ")));
        }
        header_value(value)
    }

    /// The scopes a 401 asks for: the challenge scopes, else every supported one.
    fn first_scopes(&self) -> &[String] {
        let settings = &self.inner;
        (settings.challenge_scopes.as_deref()).unwrap_or(&settings.scopes_supported)
    }

    /// The parameters a 401 from the host's own auth lacks, to append to its Bearer challenge.
    pub(crate) fn challenge_parameters(&self, existing: &str) -> String {
        let mut added = String::new();
        if !has_parameter(existing, "resource_metadata") {
            added.push_str(&format!(", resource_metadata=\"{}\"", self.metadata_url()));
        }
        let scopes = self.first_scopes();
        if !scopes.is_empty() && !has_parameter(existing, "scope") {
            added.push_str(&format!(", scope=\"{}\"", scopes.join(" ")));
        }
        added
    }

    /// The challenge of a 403 for a token without the scopes `needed` (RFC 6750 §3.1).
    pub(crate) fn insufficient_scope(&self, needed: &[String]) -> HeaderValue {
        header_value(format!(
            "Bearer error=\"insufficient_scope\", scope=\"{}\", resource_metadata=\"{}\", \
             error_description=\"This tool needs the scopes: {}\"",
            needed.join(" "),
            self.metadata_url(),
            needed.join(", "),
        ))
    }

    /// Refuse what no client could use: a relative identifier, no authorization server.
    pub(crate) fn check(&self, mount_path: &str) -> Result<(), MountError> {
        let settings = &self.inner;
        let uri: http::Uri = settings.resource.parse().map_err(|e| {
            MountError::InvalidConfig(format!(
                "ProtectedResource::new({:?}): not a URL ({e})",
                settings.resource
            ))
        })?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.authority().is_none() {
            return Err(MountError::InvalidConfig(format!(
                "ProtectedResource::new({:?}) needs the absolute http(s) URL clients use for the \
                 MCP endpoint, e.g. \"https://api.example.com{mount_path}\"",
                settings.resource
            )));
        }
        if settings.resource.contains('#') {
            return Err(MountError::InvalidConfig(format!(
                "ProtectedResource::new({:?}): a resource identifier has no fragment (RFC 8707)",
                settings.resource
            )));
        }
        if settings.authorization_servers.is_empty() {
            return Err(MountError::InvalidConfig(
                "ProtectedResource has no authorization server: add one with \
                 .authorization_server(\"https://issuer.example.com\")"
                    .into(),
            ));
        }
        if self.endpoint_path() != mount_path {
            tracing::warn!(
                resource = %settings.resource,
                mount_path,
                "the OAuth resource's path is not the mount path: its metadata is served at the \
                 resource's path, as clients look for it; fine behind a proxy that maps one onto \
                 the other"
            );
        }
        Ok(())
    }

    fn settings(&mut self) -> &mut Settings {
        Arc::make_mut(&mut self.inner)
    }
}

/// `url` cut into its origin (`scheme://authority`) and its path (`/` when empty), query dropped.
fn split_url(url: &str) -> (&str, &str) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[after_scheme..];
    let path_start = rest
        .find(['/', '?'])
        .map_or(url.len(), |i| after_scheme + i);
    let path = &url[path_start..];
    let path = path.split('?').next().unwrap_or_default();
    (&url[..path_start], if path.is_empty() { "/" } else { path })
}

/// RFC 9728 §3.1: the well-known prefix, then the resource's path (none for the root).
fn metadata_path(resource_path: &str) -> String {
    match resource_path.trim_end_matches('/') {
        "" => WELL_KNOWN.to_owned(),
        path => format!("{WELL_KNOWN}{path}"),
    }
}

/// Whether a challenge names `parameter` already.
fn has_parameter(challenge: &str, parameter: &str) -> bool {
    challenge
        .split([',', ' '])
        .any(|part| part.trim().split('=').next() == Some(parameter))
}

/// Identifiers, URLs and scopes are ASCII without quotes in every sane configuration; anything
/// else is dropped rather than sent as a broken header.
fn header_value(value: String) -> HeaderValue {
    let cleaned: String = value
        .chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_control())
        .collect();
    HeaderValue::from_str(&cleaned).unwrap_or_else(|_| HeaderValue::from_static("Bearer"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource() -> ProtectedResource {
        ProtectedResource::new("http://127.0.0.1:3000/mcp")
            .authorization_server("http://127.0.0.1:3020")
            .scopes_supported(["tickets:read", "tickets:write"])
    }

    #[test]
    fn the_metadata_lives_under_the_resource_path() {
        let resource = resource();
        assert_eq!(
            resource.metadata_url(),
            "http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp"
        );
        let paths: Vec<_> = resource.metadata_paths().collect();
        assert_eq!(paths, ["/.well-known/oauth-protected-resource/mcp"]);
        let root = ProtectedResource::new("https://mcp.example.com")
            .authorization_server("https://a")
            .metadata_at_root();
        assert_eq!(
            root.metadata_url(),
            "https://mcp.example.com/.well-known/oauth-protected-resource"
        );
        assert_eq!(root.endpoint_path(), "/");
    }

    #[test]
    fn the_document_names_servers_and_scopes() {
        let document: serde_json::Value =
            serde_json::from_slice(&resource().resource_name("Tickets").metadata_document())
                .unwrap();
        assert_eq!(document["resource"], "http://127.0.0.1:3000/mcp");
        assert_eq!(
            document["authorization_servers"][0],
            "http://127.0.0.1:3020"
        );
        assert_eq!(document["scopes_supported"][1], "tickets:write");
        assert_eq!(document["resource_name"], "Tickets");
    }

    #[test]
    fn challenges_name_the_metadata_and_the_scopes() {
        let resource = resource().challenge_scopes(["tickets:read"]);
        assert_eq!(
            resource.challenge(),
            "Bearer resource_metadata=\"http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp\", scope=\"tickets:read\""
        );
        let forbidden =
            resource.insufficient_scope(&["tickets:read".into(), "tickets:write".into()]);
        let forbidden = forbidden.to_str().unwrap();
        assert!(
            forbidden.starts_with(
                "Bearer error=\"insufficient_scope\", scope=\"tickets:read tickets:write\""
            ),
            "{forbidden}"
        );
        assert_eq!(
            resource.challenge_parameters("Bearer error=\"invalid_token\""),
            ", resource_metadata=\"http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp\", scope=\"tickets:read\""
        );
        assert_eq!(
            resource.challenge_parameters("Bearer scope=\"x\", resource_metadata=\"y\""),
            ""
        );
    }

    #[test]
    fn unusable_resources_are_refused_with_the_fix() {
        let relative = ProtectedResource::new("/mcp").authorization_server("https://a");
        let error = relative.check("/mcp").unwrap_err().to_string();
        assert!(error.contains("absolute http(s) URL"), "{error}");
        let no_server = ProtectedResource::new("https://x/mcp");
        let error = no_server.check("/mcp").unwrap_err().to_string();
        assert!(error.contains(".authorization_server("), "{error}");
        assert!(resource().check("/mcp").is_ok());
    }
}
