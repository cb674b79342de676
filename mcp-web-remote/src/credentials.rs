//! What of the caller's headers goes upstream: [`Credentials`], the one choice a [`RemoteApi`]
//! makes about them.
//!
//! [`RemoteApi`]: crate::RemoteApi

use std::{fmt, sync::Arc};

use http::{
    HeaderMap, HeaderValue,
    header::{AUTHORIZATION, PROXY_AUTHORIZATION},
};

/// Headers computed from the MCP request's headers for each upstream call.
pub(crate) type HeaderMapper = dyn Fn(&HeaderMap) -> HeaderMap + Send + Sync;

/// The credentials each upstream call carries.
#[derive(Clone, Default)]
pub(crate) enum Credentials {
    /// None: the API is another resource server, and the caller's token is not for it.
    #[default]
    None,
    /// The caller's own `Authorization`, by explicit choice.
    ForwardCaller,
    /// The MCP app's own `Authorization`.
    Service(HeaderValue),
    /// Whatever the function computes from the MCP request's headers.
    Mapped(Arc<HeaderMapper>),
}

impl Credentials {
    /// Replace what the core copied from the caller onto `outgoing` (its `Authorization` and
    /// `Proxy-Authorization`) with what this choice sends. `incoming` is the MCP request's
    /// headers, when the call has an MCP request.
    pub(crate) fn apply(&self, outgoing: &mut HeaderMap, incoming: Option<&HeaderMap>) {
        outgoing.remove(AUTHORIZATION);
        outgoing.remove(PROXY_AUTHORIZATION);
        match self {
            Self::None => {}
            Self::ForwardCaller => {
                for value in incoming.into_iter().flat_map(|h| h.get_all(AUTHORIZATION)) {
                    outgoing.append(AUTHORIZATION, value.clone());
                }
            }
            Self::Service(value) => {
                outgoing.insert(AUTHORIZATION, value.clone());
            }
            Self::Mapped(map) => {
                let none = HeaderMap::new();
                let mapped = map(incoming.unwrap_or(&none));
                for name in mapped.keys() {
                    outgoing.remove(name);
                }
                for (name, value) in &mapped {
                    outgoing.append(name.clone(), value.clone());
                }
            }
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secret itself.
        f.write_str(match self {
            Self::None => "None",
            Self::ForwardCaller => "ForwardCaller",
            Self::Service(_) => "Service(..)",
            Self::Mapped(_) => "Mapped(..)",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The headers a call carries after `credentials`, given what the core copied and what the
    /// caller sent.
    fn applied(credentials: Credentials) -> HeaderMap {
        let mut caller = HeaderMap::new();
        caller.insert(AUTHORIZATION, HeaderValue::from_static("Bearer caller"));
        caller.insert("x-tenant", HeaderValue::from_static("acme"));
        let mut outgoing = HeaderMap::new();
        outgoing.insert(AUTHORIZATION, HeaderValue::from_static("Bearer caller"));
        outgoing.insert(PROXY_AUTHORIZATION, HeaderValue::from_static("Basic eA=="));
        outgoing.insert("content-type", HeaderValue::from_static("application/json"));
        credentials.apply(&mut outgoing, Some(&caller));
        outgoing
    }

    #[test]
    fn by_default_no_credential_of_the_caller_goes_upstream() {
        let outgoing = applied(Credentials::None);
        assert!(!outgoing.contains_key(AUTHORIZATION));
        assert!(!outgoing.contains_key(PROXY_AUTHORIZATION));
        assert_eq!(outgoing["content-type"], "application/json");
    }

    #[test]
    fn each_choice_sends_its_own_credential() {
        assert_eq!(
            applied(Credentials::ForwardCaller)[AUTHORIZATION],
            "Bearer caller"
        );
        let service = Credentials::Service(HeaderValue::from_static("Bearer service"));
        assert_eq!(applied(service)[AUTHORIZATION], "Bearer service");
        let mapped = Credentials::Mapped(Arc::new(|incoming: &HeaderMap| {
            let mut out = HeaderMap::new();
            out.insert("x-tenant", incoming["x-tenant"].clone());
            out
        }));
        let outgoing = applied(mapped);
        assert_eq!(outgoing["x-tenant"], "acme");
        assert!(!outgoing.contains_key(AUTHORIZATION));
    }
}
