//! [`Access`]: a mount's OAuth decisions for one request — 401 when the caller is not
//! authenticated, 403 `insufficient_scope` when a `tools/call` names a tool whose scopes the
//! token lacks, and which tools `tools/list` shows the caller.

use std::{borrow::Cow, collections::HashMap};

use bytes::Bytes;
use http::{StatusCode, header};
use serde::Deserialize;
use serde_json::json;

use super::{CallerScopes, ProtectedResource, ScopeRequirement, Scopes};

/// What [`McpConfig::oauth`](crate::McpConfig::oauth) and its companions set.
#[derive(Debug, Clone, Default)]
pub(crate) struct OAuthSettings {
    pub(crate) resource: Option<ProtectedResource>,
    pub(crate) caller_scopes: Option<CallerScopes>,
    pub(crate) list_all_tools: bool,
}

/// One mount's access rules, built at mount time.
#[derive(Debug)]
pub(crate) struct Access {
    resource: Option<ProtectedResource>,
    reader: Option<CallerScopes>,
    list_all_tools: bool,
    /// The tools that need scopes, by name.
    tools: HashMap<String, ScopeRequirement>,
    /// Discovery mode is on: a `call_tool` is judged by the tool it calls.
    unwraps_call_tool: bool,
}

/// Which tools one caller may see listed ([`Access::view`]).
pub(crate) struct ToolView<'a> {
    /// The tools that need scopes; `None` when nothing is filtered.
    tools: Option<&'a HashMap<String, ScopeRequirement>>,
    caller: Caller,
}

impl ToolView<'_> {
    /// Whether the list shows `tool`.
    pub(crate) fn shows(&self, tool: &str) -> bool {
        let Some(needs) = self.tools.and_then(|tools| tools.get(tool)) else {
            return true;
        };
        match &self.caller {
            Caller::Unchecked => true,
            Caller::Anonymous => false,
            Caller::Holds(held) => needs.allows(held),
        }
    }
}

/// Who is calling, as far as scopes go.
#[derive(Debug)]
pub(crate) enum Caller {
    /// No [`CallerScopes`] configured: the host decides everything.
    Unchecked,
    /// The reader found no credentials.
    Anonymous,
    Holds(Scopes),
}

impl Access {
    /// The rules of `settings` for these tools' requirements; `None` when OAuth is off.
    pub(crate) fn new<'a>(
        settings: &OAuthSettings,
        tools: impl Iterator<Item = (&'a str, &'a ScopeRequirement)>,
        unwraps_call_tool: bool,
    ) -> Option<Self> {
        if settings.resource.is_none() && settings.caller_scopes.is_none() {
            return None;
        }
        let tools = tools
            .filter(|(_, needs)| !needs.is_empty())
            .map(|(name, needs)| (name.to_owned(), needs.clone()))
            .collect();
        Some(Self {
            resource: settings.resource.clone(),
            reader: settings.caller_scopes.clone(),
            list_all_tools: settings.list_all_tools,
            tools,
            unwraps_call_tool,
        })
    }

    fn caller(&self, parts: &http::request::Parts) -> Caller {
        match &self.reader {
            None => Caller::Unchecked,
            Some(reader) => reader.read(parts).map_or(Caller::Anonymous, Caller::Holds),
        }
    }

    /// The caller of a request, read once, before its body; a 401 when the reader finds no
    /// credentials on it.
    pub(crate) fn admit(
        &self,
        parts: &http::request::Parts,
    ) -> Result<Caller, Box<http::Response<Bytes>>> {
        match self.caller(parts) {
            Caller::Anonymous => Err(Box::new(self.unauthorized())),
            admitted => Ok(admitted),
        }
    }

    /// A 403 for a `tools/call` (in `body`) of a tool whose scopes `caller` lacks.
    pub(crate) fn refuse_call(
        &self,
        caller: &Caller,
        body: &[u8],
    ) -> Option<http::Response<Bytes>> {
        if self.tools.is_empty() {
            return None;
        }
        let tool = self.called_tool(body)?;
        let needs = self.tools.get(&*tool)?;
        let held = match caller {
            Caller::Holds(held) => held,
            Caller::Unchecked => return None,
            Caller::Anonymous => return Some(self.unauthorized()),
        };
        if needs.allows(held) {
            return None;
        }
        let scopes = needs.closest(held).unwrap_or_default();
        Some(self.forbidden(&tool, scopes))
    }

    /// Which tools `tools/list` and `search_tools` show the caller of `parts`, the caller read
    /// once for the whole list: every tool without a reader, with
    /// [`list_all_tools`](crate::McpConfig::list_all_tools), or without request parts.
    pub(crate) fn view<'a>(
        access: Option<&'a Self>,
        parts: Option<&http::request::Parts>,
    ) -> ToolView<'a> {
        let filtering = access.filter(|a| !a.tools.is_empty() && !a.list_all_tools);
        match (filtering, parts) {
            (Some(access), Some(parts)) => ToolView {
                tools: Some(&access.tools),
                caller: access.caller(parts),
            },
            _ => ToolView {
                tools: None,
                caller: Caller::Unchecked,
            },
        }
    }

    /// The tool a `tools/call` message calls (through `call_tool` in discovery mode).
    fn called_tool<'a>(&self, body: &'a [u8]) -> Option<Cow<'a, str>> {
        let message: Peek<'a> = serde_json::from_slice(body).ok()?;
        if message.method.as_deref() != Some("tools/call") {
            return None;
        }
        let params = message.params?;
        let name = params.name?;
        if self.unwraps_call_tool && name == "call_tool" {
            return params.arguments?.name;
        }
        Some(name)
    }

    fn unauthorized(&self) -> http::Response<Bytes> {
        let challenge = match &self.resource {
            Some(resource) => resource.challenge(),
            None => http::HeaderValue::from_static("Bearer"),
        };
        let body = json!({
            "error": "invalid_token",
            "error_description": "This MCP endpoint needs a bearer token",
        });
        let mut response = answer(StatusCode::UNAUTHORIZED, challenge, body);
        // Answered before the body is read: see `edge::close`.
        (response.headers_mut()).insert(header::CONNECTION, super::edge::close());
        response
    }

    fn forbidden(&self, tool: &str, scopes: &[String]) -> http::Response<Bytes> {
        let challenge = match &self.resource {
            Some(resource) => resource.insufficient_scope(scopes),
            None => http::HeaderValue::from_str(&format!(
                "Bearer error=\"insufficient_scope\", scope=\"{}\"",
                scopes.join(" ")
            ))
            .unwrap_or(http::HeaderValue::from_static(
                "Bearer error=\"insufficient_scope\"",
            )),
        };
        let body = json!({
            "error": "insufficient_scope",
            "error_description": format!(
                "The tool '{tool}' needs the scopes {}; get a token that grants them and retry",
                scopes.join(" ")
            ),
            "scope": scopes.join(" "),
        });
        answer(StatusCode::FORBIDDEN, challenge, body)
    }
}

fn answer(
    status: StatusCode,
    challenge: http::HeaderValue,
    body: serde_json::Value,
) -> http::Response<Bytes> {
    let mut response = http::Response::new(Bytes::from(body.to_string()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::WWW_AUTHENTICATE, challenge);
    headers.insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

/// The parts of a JSON-RPC message the scope check reads; everything else is skipped unread.
#[derive(Deserialize)]
struct Peek<'a> {
    #[serde(borrow)]
    method: Option<Cow<'a, str>>,
    #[serde(borrow)]
    params: Option<PeekParams<'a>>,
}

#[derive(Deserialize)]
struct PeekParams<'a> {
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    arguments: Option<PeekArguments<'a>>,
}

#[derive(Deserialize)]
struct PeekArguments<'a> {
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone)]
    struct Claims(&'static str);

    fn access(discovery: bool) -> Access {
        let settings = OAuthSettings {
            resource: Some(
                ProtectedResource::new("http://127.0.0.1:1/mcp").authorization_server("http://a"),
            ),
            caller_scopes: Some(CallerScopes::scope_claim(|c: &Claims| c.0)),
            list_all_tools: false,
        };
        let write = ScopeRequirement::all_of(vec!["w".into()]);
        let open = ScopeRequirement::default();
        let tools = [("create", &write), ("list", &open)];
        Access::new(&settings, tools.into_iter(), discovery).unwrap()
    }

    fn parts(scopes: Option<&'static str>) -> http::request::Parts {
        let mut request = http::Request::new(());
        if let Some(scopes) = scopes {
            request.extensions_mut().insert(Claims(scopes));
        }
        request.into_parts().0
    }

    /// The caller of a request whose claims grant `scopes`, as the endpoint reads it.
    fn caller(access: &Access, scopes: &'static str) -> Caller {
        access.admit(&parts(Some(scopes))).unwrap()
    }

    fn call(tool: &str) -> Vec<u8> {
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "arguments": {"name": "create"}}}).to_string().into_bytes()
    }

    #[test]
    fn anonymous_callers_get_a_challenge() {
        let refused = access(false).admit(&parts(None)).unwrap_err();
        assert_eq!(refused.status(), 401);
        let challenge = refused.headers()["www-authenticate"].to_str().unwrap();
        assert!(
            challenge.contains(
                "resource_metadata=\"http://127.0.0.1:1/.well-known/oauth-protected-resource/mcp\""
            ),
            "{challenge}"
        );
        assert!(access(false).admit(&parts(Some(""))).is_ok());
    }

    #[test]
    fn a_call_without_the_scopes_is_forbidden_with_the_scopes_named() {
        let access = access(false);
        let refused = access
            .refuse_call(&caller(&access, "r"), &call("create"))
            .unwrap();
        assert_eq!(refused.status(), 403);
        let challenge = refused.headers()["www-authenticate"].to_str().unwrap();
        assert!(
            challenge.starts_with("Bearer error=\"insufficient_scope\", scope=\"w\""),
            "{challenge}"
        );
        assert!(
            access
                .refuse_call(&caller(&access, "r w"), &call("create"))
                .is_none()
        );
        assert!(
            access
                .refuse_call(&caller(&access, "r"), &call("list"))
                .is_none()
        );
        // Not a tools/call, or not readable: the normal path answers it.
        assert!(
            access
                .refuse_call(&caller(&access, "r"), b"{\"method\":\"tools/list\"}")
                .is_none()
        );
        assert!(
            access
                .refuse_call(&caller(&access, "r"), b"not json")
                .is_none()
        );
        // call_tool is only a meta-tool in discovery mode.
        assert!(
            access
                .refuse_call(&caller(&access, "r"), &call("call_tool"))
                .is_none()
        );
    }

    #[test]
    fn discovery_mode_judges_call_tool_by_the_tool_it_calls() {
        let access = access(true);
        let refused = access.refuse_call(&caller(&access, "r"), &call("call_tool"));
        assert_eq!(refused.unwrap().status(), 403);
    }

    #[test]
    fn lists_show_what_the_caller_may_call() {
        let access = access(false);
        assert!(!Access::view(Some(&access), Some(&parts(Some("r")))).shows("create"));
        assert!(Access::view(Some(&access), Some(&parts(Some("w")))).shows("create"));
        assert!(Access::view(Some(&access), Some(&parts(Some("r")))).shows("list"));
        assert!(!Access::view(Some(&access), Some(&parts(None))).shows("create"));
    }
}
