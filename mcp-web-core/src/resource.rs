//! Resources: `GET` operations read with `resources/read`, through the same in-process call as
//! tools. URIs and RFC 6570 templates are built here, and concrete URIs matched back to arguments.

use std::sync::Arc;

use percent_encoding::percent_decode_str;
use rmcp::model::{Resource, ResourceTemplate};
use serde_json::{Map, Value};

use crate::route::{Location, Operation, Route};

/// Marks an in-process request as the read of an MCP resource; handlers and middleware can read
/// it from the request extensions. (The request also carries an
/// [`McpToolCall`](crate::McpToolCall) naming the operation, so code that only asks "is this an
/// MCP call?" sees both kinds.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McpResourceRead {
    /// The URI being read, as the client sent it.
    pub uri: String,
}

/// The base of every resource URI of a mount: `base` if configured, else
/// `resource://<server name as a host>`.
pub(crate) fn uri_base(base: Option<&str>, server_name: &str) -> String {
    if let Some(base) = base {
        // Paths start with '/': `tickets://` + `/a` must give `tickets://a`.
        return base.strip_suffix('/').unwrap_or(base).to_string();
    }
    let mut host = String::new();
    for c in server_name.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            host.push(c);
        } else if !host.ends_with('-') {
            host.push('-');
        }
    }
    let host = host.trim_matches('-');
    format!(
        "resource://{}",
        if host.is_empty() { "mcp-web" } else { host }
    )
}

/// A resource at a fixed URI.
#[derive(Debug)]
pub(crate) struct ResourceEntry {
    pub(crate) resource: Resource,
    pub(crate) operation: Arc<Operation>,
    /// Matches the URI, with the operation's optional query parameters.
    pub(crate) uri: UriTemplate,
}

/// A resource template and the operation that reads it.
#[derive(Debug)]
pub(crate) struct TemplateEntry {
    pub(crate) template: ResourceTemplate,
    pub(crate) operation: Arc<Operation>,
    pub(crate) uri: UriTemplate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(String),
    /// A path variable, named after the tool argument it feeds.
    Var(String),
}

/// The URI template of one operation: its path with variables, then optional query variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UriTemplate {
    path: Vec<Token>,
    query: Vec<String>,
}

impl UriTemplate {
    /// The template of `route` under `base`: `{argument}` for each path parameter and
    /// `{?a,b}` for the optional query parameters. Header and cookie parameters are not part of
    /// it.
    pub(crate) fn for_route(base: &str, route: &Route) -> Self {
        let mut path = vec![Token::Literal(base.to_string())];
        let mut rest = route.path.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            path.push(Token::Literal(rest[..open].to_string()));
            let name = &rest[open + 1..open + close];
            let argument = route
                .params
                .iter()
                .find(|p| p.location == Location::Path && p.name == name)
                .map_or(name, |p| p.argument.as_str());
            path.push(Token::Var(argument.to_string()));
            rest = &rest[open + close + 1..];
        }
        path.push(Token::Literal(rest.to_string()));
        path.retain(|t| t != &Token::Literal(String::new()));
        let query = route
            .params
            .iter()
            .filter(|p| p.location == Location::Query)
            .map(|p| p.argument.clone())
            .collect();
        Self { path, query }
    }

    /// Parse a hand-written RFC 6570 template: literals, `{var}` path variables and an optional
    /// trailing `{?a,b}` query part (the forms generated templates use).
    pub(crate) fn parse(template: &str) -> Result<Self, String> {
        let mut path = Vec::new();
        let mut query = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| "an unclosed '{'".to_string())?;
            if !query.is_empty() {
                return Err("the {?..} query part must come last".into());
            }
            if open > 0 {
                path.push(Token::Literal(rest[..open].to_string()));
            }
            let expression = &rest[open + 1..open + close];
            if let Some(names) = expression.strip_prefix('?') {
                query = names.split(',').map(|n| n.trim().to_string()).collect();
            } else if expression.is_empty()
                || !expression
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
            {
                return Err(format!(
                    "'{{{expression}}}' is not supported; use {{name}} or {{?a,b}}"
                ));
            } else {
                path.push(Token::Var(expression.to_string()));
            }
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            if !query.is_empty() {
                return Err("the {?..} query part must come last".into());
            }
            path.push(Token::Literal(rest.to_string()));
        }
        Ok(Self { path, query })
    }

    /// Whether the path has variables (else it is a resource at a fixed URI, which may still take
    /// optional query parameters).
    pub(crate) fn has_path_variables(&self) -> bool {
        self.path.iter().any(|t| matches!(t, Token::Var(_)))
    }

    /// The URI without the query variables.
    pub(crate) fn fixed_uri(&self) -> String {
        let mut template = self.clone();
        template.query.clear();
        template.to_template_string()
    }

    /// The RFC 6570 form (`resource://t/tickets/{ticket_id}{?limit}`).
    pub(crate) fn to_template_string(&self) -> String {
        let mut out = String::new();
        for token in &self.path {
            match token {
                Token::Literal(text) => out.push_str(text),
                Token::Var(name) => {
                    out.push('{');
                    out.push_str(&varname(name));
                    out.push('}');
                }
            }
        }
        if !self.query.is_empty() {
            let names: Vec<String> = self.query.iter().map(|n| varname(n)).collect();
            out.push_str(&format!("{{?{}}}", names.join(",")));
        }
        out
    }

    /// The arguments a concrete URI gives, as strings (repeated query keys as arrays), or `None`
    /// when the URI is not an instance of this template. Unknown query keys are ignored.
    pub(crate) fn match_uri(&self, uri: &str) -> Option<Map<String, Value>> {
        let (path, query) = match uri.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (uri, None),
        };
        let mut arguments = Map::new();
        if !match_tokens(&self.path, path, &mut arguments) {
            return None;
        }
        for pair in query.into_iter().flat_map(|q| q.split('&')) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = decode(key)?;
            if !self.query.contains(&key) {
                continue;
            }
            let value = Value::String(decode(value)?);
            match arguments.get_mut(&key) {
                None => {
                    arguments.insert(key, value);
                }
                Some(Value::Array(items)) => items.push(value),
                Some(first) => *first = Value::Array(vec![first.take(), value]),
            }
        }
        Some(arguments)
    }
}

/// A query key or value: `+` is a space, as browsers and form encoders write it.
fn decode(text: &str) -> Option<String> {
    decode_segment(&text.replace('+', " "))
}

/// A path segment: percent-decoded, `+` kept (it is a plus in a path).
fn decode_segment(text: &str) -> Option<String> {
    percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// A variable name RFC 6570 accepts: other characters percent-encoded.
fn varname(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'.' {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Match the path part; a variable takes one or more characters of a single path segment.
fn match_tokens(tokens: &[Token], text: &str, arguments: &mut Map<String, Value>) -> bool {
    match tokens.split_first() {
        None => text.is_empty(),
        Some((Token::Literal(literal), rest)) => text
            .strip_prefix(literal.as_str())
            .is_some_and(|text| match_tokens(rest, text, arguments)),
        Some((Token::Var(name), rest)) => {
            let segment_end = text.find('/').unwrap_or(text.len());
            // Shortest first, so `{name}.{ext}` splits at the first dot that lets the rest match.
            // A candidate that cuts a percent-encoded UTF-8 character in two decodes to nothing:
            // a longer one may still match.
            for end in (1..=segment_end).filter(|&end| text.is_char_boundary(end)) {
                if let Some(value) = decode_segment(&text[..end])
                    && match_tokens(rest, &text[end..], arguments)
                {
                    arguments.insert(name.clone(), Value::String(value));
                    return true;
                }
            }
            false
        }
    }
}

/// Turn the strings taken from a URI into the types the operation's input schema declares
/// (`"42"` → `42` for an integer), so they pass the same validation as tool arguments. Values that
/// do not parse stay strings and fail validation with a clear message.
pub(crate) fn coerce_arguments(operation: &Operation, arguments: &mut Map<String, Value>) {
    let properties = operation
        .tool
        .input_schema
        .get("properties")
        .and_then(Value::as_object);
    for (name, value) in arguments.iter_mut() {
        let Some(schema) = properties.and_then(|p| p.get(name)) else {
            continue;
        };
        *value = coerce(schema, value.take());
    }
}

fn coerce(schema: &Value, value: Value) -> Value {
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    match value {
        Value::String(text) => {
            if types.contains(&"array") {
                let item = schema.get("items").unwrap_or(&Value::Null);
                let parts = text
                    .split(',')
                    .map(|part| coerce(item, Value::String(part.to_string())));
                return Value::Array(parts.collect());
            }
            for t in &types {
                let parsed = match *t {
                    "integer" => text.parse::<i64>().ok().map(Value::from),
                    "number" => text
                        .parse::<i64>()
                        .map(Value::from)
                        .or_else(|_| text.parse::<f64>().map(Value::from))
                        .ok(),
                    "boolean" => text.parse::<bool>().ok().map(Value::from),
                    _ => None,
                };
                if let Some(parsed) = parsed {
                    return parsed;
                }
            }
            Value::String(text)
        }
        Value::Array(items) => {
            let item = schema.get("items").unwrap_or(&Value::Null);
            Value::Array(items.into_iter().map(|v| coerce(item, v)).collect())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use http::Method;
    use serde_json::json;

    use super::*;
    use crate::route::Param;

    fn param(name: &str, argument: &str, location: Location) -> Param {
        Param {
            argument: argument.into(),
            ..Param::new(name, location)
        }
    }

    fn route(path: &str, params: Vec<Param>) -> Route {
        Route {
            method: Method::GET,
            path: path.into(),
            params,
            body: None,
        }
    }

    #[test]
    fn the_base_is_the_server_name_as_a_host() {
        assert_eq!(uri_base(None, "Tickets API"), "resource://tickets-api");
        assert_eq!(uri_base(None, "--"), "resource://mcp-web");
        assert_eq!(uri_base(Some("tickets://v1/"), "x"), "tickets://v1");
        assert_eq!(
            format!("{}/a", uri_base(Some("tickets://"), "x")),
            "tickets://a"
        );
    }

    #[test]
    fn templates_name_variables_after_arguments_and_list_query_variables() {
        let template = UriTemplate::for_route(
            "resource://t",
            &route(
                "/users/{id}/files/{name}.{ext}",
                vec![
                    param("id", "id__path", Location::Path),
                    param("name", "name", Location::Path),
                    param("ext", "ext", Location::Path),
                    param("id", "id__query", Location::Query),
                    param("page-size", "page-size", Location::Query),
                    param("x-trace", "x-trace", Location::Header),
                ],
            ),
        );
        assert_eq!(
            template.to_template_string(),
            "resource://t/users/{id__path}/files/{name}.{ext}{?id__query,page%2Dsize}"
        );
        let arguments = template
            .match_uri("resource://t/users/7/files/a%20b.tar.gz?page-size=5&id__query=1&id__query=2&other=x")
            .unwrap();
        assert_eq!(
            Value::Object(arguments),
            json!({"id__path": "7", "name": "a b", "ext": "tar.gz",
                   "page-size": "5", "id__query": ["1", "2"]})
        );
        assert!(template.match_uri("resource://t/users/7/files/x").is_none());
        assert!(
            template
                .match_uri("resource://t/users//files/a.b")
                .is_none()
        );
        assert!(
            template
                .match_uri("resource://other/users/7/files/a.b")
                .is_none()
        );
        assert!(
            template
                .match_uri("resource://t/users/7/8/files/a.b")
                .is_none()
        );
    }

    #[test]
    fn path_variables_decode_utf8_and_keep_plus_signs() {
        let template = UriTemplate::for_route(
            "resource://t",
            &route(
                "/tickets/{name}.{ext}",
                vec![
                    param("name", "name", Location::Path),
                    param("ext", "ext", Location::Path),
                    param("q", "q", Location::Query),
                ],
            ),
        );
        let arguments = template
            .match_uri("resource://t/tickets/caf%C3%A9+cr%C3%A8me.a%2Bb?q=a+b%2B")
            .unwrap();
        assert_eq!(
            Value::Object(arguments),
            json!({"name": "café+crème", "ext": "a+b", "q": "a b+"})
        );
        // Not UTF-8 at all: no match, rather than a mangled value.
        assert!(template.match_uri("resource://t/tickets/%FF.x").is_none());
    }

    #[test]
    fn a_route_without_variables_has_a_plain_uri() {
        let template = UriTemplate::for_route("resource://t", &route("/reports/daily", vec![]));
        assert!(!template.has_path_variables());
        assert_eq!(template.fixed_uri(), "resource://t/reports/daily");
        assert_eq!(template.to_template_string(), "resource://t/reports/daily");
        assert_eq!(
            template.match_uri("resource://t/reports/daily"),
            Some(Map::new())
        );
    }

    #[test]
    fn uri_strings_become_the_declared_types() {
        let schema = json!({"type": "integer"});
        assert_eq!(coerce(&schema, json!("42")), json!(42));
        assert_eq!(coerce(&schema, json!("x")), json!("x"));
        assert_eq!(
            coerce(&json!({"type": ["boolean", "null"]}), json!("true")),
            json!(true)
        );
        assert_eq!(
            coerce(
                &json!({"type": "array", "items": {"type": "number"}}),
                json!("1,2.5")
            ),
            json!([1, 2.5])
        );
        assert_eq!(
            coerce(
                &json!({"type": "array", "items": {"type": "integer"}}),
                json!(["1", "2"])
            ),
            json!([1, 2])
        );
        assert_eq!(coerce(&json!({"type": "string"}), json!("7")), json!("7"));
    }
}
