//! Scopes: what a caller holds ([`CallerScopes`] reads it from the request) and what a tool
//! needs ([`ScopeRequirement`], from the operation's OpenAPI `security` or a curated tool).

use std::{collections::BTreeSet, fmt, sync::Arc};

use serde_json::Value;

/// The scopes a caller's token grants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes(BTreeSet<String>);

impl Scopes {
    /// Scopes from a space-separated `scope` claim (RFC 8693 §4.2, RFC 9068).
    pub fn from_space_separated(scope: &str) -> Self {
        Self(scope.split_ascii_whitespace().map(str::to_owned).collect())
    }

    /// Whether `scope` is granted.
    pub fn contains(&self, scope: &str) -> bool {
        self.0.contains(scope)
    }

    /// The granted scopes, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl<S: Into<String>> FromIterator<S> for Scopes {
    fn from_iter<I: IntoIterator<Item = S>>(scopes: I) -> Self {
        Self(scopes.into_iter().map(Into::into).collect())
    }
}

type ReadScopes = dyn Fn(&http::request::Parts) -> Option<Scopes> + Send + Sync;

/// How the mount learns what the caller of an MCP request may do: one function of the request,
/// usually reading the claims the host's auth middleware put in the request extensions.
///
/// `None` means the request is not authenticated: the mount answers it with a 401 challenge.
/// The host's extractor stays in charge of validating tokens; this only reads its result.
///
/// ```
/// use mcp_web_core::oauth::{CallerScopes, Scopes};
///
/// /// What the host's JWT middleware inserts after validating a token.
/// #[derive(Clone)]
/// struct Claims { sub: String, scope: String }
///
/// let reader = CallerScopes::scope_claim(|claims: &Claims| claims.scope.as_str());
///
/// let mut request = http::Request::new(());
/// request.extensions_mut().insert(Claims { sub: "ana".into(), scope: "tickets:read".into() });
/// let (parts, ()) = request.into_parts();
/// assert_eq!(reader.read(&parts), Some(Scopes::from_space_separated("tickets:read")));
/// ```
#[derive(Clone)]
pub struct CallerScopes(Arc<ReadScopes>);

impl fmt::Debug for CallerScopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CallerScopes(..)")
    }
}

impl CallerScopes {
    /// Any function of the request's head.
    pub fn from_fn(
        read: impl Fn(&http::request::Parts) -> Option<Scopes> + Send + Sync + 'static,
    ) -> Self {
        Self(Arc::new(read))
    }

    /// A space-separated `scope` claim of the claims type `C` the host's middleware put in the
    /// request extensions; no `C` there means not authenticated.
    pub fn scope_claim<C: Send + Sync + 'static>(
        claim: impl Fn(&C) -> &str + Send + Sync + 'static,
    ) -> Self {
        Self::from_fn(move |parts| {
            let claims = parts.extensions.get::<C>()?;
            Some(Scopes::from_space_separated(claim(claims)))
        })
    }

    /// An `scp` array claim (as Microsoft Entra and Okta issue) of the claims type `C` the host's
    /// middleware put in the request extensions; no `C` there means not authenticated.
    pub fn scp_claim<C: Send + Sync + 'static>(
        claim: impl Fn(&C) -> &[String] + Send + Sync + 'static,
    ) -> Self {
        Self::from_fn(move |parts| {
            let claims = parts.extensions.get::<C>()?;
            Some(claim(claims).iter().cloned().collect())
        })
    }

    /// The caller's scopes, or `None` when the request is not authenticated.
    pub fn read(&self, parts: &http::request::Parts) -> Option<Scopes> {
        (self.0)(parts)
    }
}

/// The scopes a tool needs: any one of several sets (OpenAPI security requirements are
/// alternatives), each needed whole. No sets: anyone may call it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ScopeRequirement(Vec<Vec<String>>);

impl ScopeRequirement {
    /// One set of scopes, all needed (a curated tool's).
    pub(crate) fn all_of(scopes: Vec<String>) -> Self {
        match scopes.is_empty() {
            true => Self::default(),
            false => Self(vec![sorted(scopes)]),
        }
    }

    /// What the operation's `security` asks, else the document's: each requirement object is
    /// one alternative, needing every scope of every scheme it names. An empty alternative (`{}`)
    /// or one naming no scopes lets everyone in.
    pub(crate) fn of_operation(operation: &Value, document: &Value) -> Self {
        let security = operation
            .get("security")
            .or_else(|| document.get("security"))
            .and_then(Value::as_array);
        let Some(alternatives) = security else {
            return Self::default();
        };
        let mut sets = Vec::new();
        for alternative in alternatives {
            let Some(schemes) = alternative.as_object() else {
                continue;
            };
            let scopes: Vec<String> = schemes
                .values()
                .filter_map(Value::as_array)
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            if scopes.is_empty() {
                return Self::default();
            }
            sets.push(sorted(scopes));
        }
        Self(sets)
    }

    /// Whether `held` satisfies one of the alternatives.
    pub(crate) fn allows(&self, held: &Scopes) -> bool {
        self.0.is_empty() || self.0.iter().any(|set| missing(set, held) == 0)
    }

    /// The alternative to name in a 403: the one `held` is closest to.
    pub(crate) fn closest(&self, held: &Scopes) -> Option<&[String]> {
        let set = self.0.iter().min_by_key(|set| missing(set, held))?;
        Some(set)
    }

    /// Whether the tool needs any scope at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn missing(set: &[String], held: &Scopes) -> usize {
    set.iter().filter(|s| !held.contains(s)).count()
}

fn sorted(mut scopes: Vec<String>) -> Vec<String> {
    scopes.sort();
    scopes.dedup();
    scopes
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_operation_security_wins_over_the_document() {
        let document = json!({"security": [{"oauth2": ["read"]}]});
        let own = json!({"security": [{"oauth2": ["write", "read"]}]});
        let requirement = ScopeRequirement::of_operation(&own, &document);
        assert!(!requirement.allows(&Scopes::from_space_separated("read")));
        assert!(requirement.allows(&Scopes::from_space_separated("read write extra")));
        let inherited = ScopeRequirement::of_operation(&json!({}), &document);
        assert!(inherited.allows(&Scopes::from_space_separated("read")));
        assert!(!inherited.allows(&Scopes::default()));
    }

    #[test]
    fn alternatives_and_anonymous_access() {
        let either = json!({"security": [{"a": ["x", "y"]}, {"b": ["z"]}]});
        let requirement = ScopeRequirement::of_operation(&either, &json!({}));
        assert!(requirement.allows(&Scopes::from_space_separated("z")));
        assert!(!requirement.allows(&Scopes::from_space_separated("x")));
        let held = Scopes::from_space_separated("x");
        assert_eq!(requirement.closest(&held).unwrap(), ["x", "y"]);

        for open in [
            json!({"security": []}),
            json!({"security": [{}, {"a": ["x"]}]}),
            json!({"security": [{"bearer": []}]}),
        ] {
            let requirement = ScopeRequirement::of_operation(&open, &json!({}));
            assert!(requirement.is_empty(), "{open}");
            assert!(requirement.allows(&Scopes::default()));
        }
    }

    #[test]
    fn readers_see_the_claims_in_the_extensions() {
        #[derive(Clone)]
        struct Entra {
            scp: Vec<String>,
        }
        let reader = CallerScopes::scp_claim(|claims: &Entra| &claims.scp);
        let (mut parts, ()) = http::Request::new(()).into_parts();
        assert_eq!(reader.read(&parts), None);
        parts.extensions.insert(Entra {
            scp: vec!["a".into(), "b".into()],
        });
        let scopes = reader.read(&parts).unwrap();
        assert_eq!(scopes.iter().collect::<Vec<_>>(), ["a", "b"]);
    }
}
