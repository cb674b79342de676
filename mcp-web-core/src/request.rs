//! Arguments → `http::Request`: path, query, headers, cookies and body, correctly encoded.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Request, header};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value};

use crate::catalog::{BodyEncoding, BodyShape, Location, Route};

/// Everything but RFC 3986 unreserved characters is escaped, so `/`, `?`, `#`, `%` and spaces in
/// a value reach the handler as one intact segment.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Marks a request as an in-process MCP tool call; handlers and middleware can read it from the
/// request extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McpToolCall {
    /// Name of the tool being called.
    pub tool: String,
}

/// Build the HTTP request for `route` from validated `arguments`, carrying `forwarded` headers.
pub(crate) fn build_request(
    tool: &str,
    route: &Route,
    arguments: &Map<String, Value>,
    forwarded: HeaderMap,
) -> Result<Request<Bytes>, String> {
    let mut path = String::with_capacity(route.path.len() + 16);
    let mut rest = route.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        path.push_str(&rest[..open]);
        let name = &rest[open + 1..open + close];
        let param = route
            .params
            .iter()
            .find(|p| p.location == Location::Path && p.name == name)
            .ok_or_else(|| format!("path parameter {{{name}}} is not documented"))?;
        let value = arguments
            .get(&param.argument)
            .filter(|v| !v.is_null())
            .ok_or_else(|| format!("missing required argument '{}'", param.argument))?;
        path.extend(utf8_percent_encode(&scalar_text(value), COMPONENT));
        rest = &rest[open + close + 1..];
    }
    path.push_str(rest);

    let mut query = String::new();
    let mut headers = forwarded;
    let mut cookies = Vec::new();
    for param in &route.params {
        let Some(value) = arguments.get(&param.argument).filter(|v| !v.is_null()) else {
            if param.required && param.location != Location::Path {
                return Err(format!("missing required argument '{}'", param.argument));
            }
            continue;
        };
        match param.location {
            Location::Path => {}
            Location::Query => append_query(&mut query, &param.name, value, param.explode),
            Location::Header => {
                let name = HeaderName::from_bytes(param.name.as_bytes())
                    .map_err(|_| format!("'{}' is not a valid header name", param.name))?;
                let value = HeaderValue::from_str(&scalar_text(value)).map_err(|_| {
                    format!(
                        "argument '{}' cannot be sent as a header value",
                        param.argument
                    )
                })?;
                headers.insert(name, value);
            }
            Location::Cookie => cookies.push(format!(
                "{}={}",
                param.name,
                utf8_percent_encode(&scalar_text(value), COMPONENT)
            )),
        }
    }
    if !cookies.is_empty() {
        let value = HeaderValue::from_str(&cookies.join("; "))
            .map_err(|_| "cookie arguments cannot be sent as a header".to_string())?;
        headers.insert(header::COOKIE, value);
    }

    let mut body = Bytes::new();
    if let Some(spec) = &route.body {
        let value = match &spec.shape {
            BodyShape::Whole(argument) => arguments.get(argument).filter(|v| !v.is_null()).cloned(),
            BodyShape::Properties(mapping) => {
                let object: Map<String, Value> = mapping
                    .iter()
                    .filter_map(|(property, argument)| {
                        arguments
                            .get(argument)
                            .map(|value| (property.clone(), value.clone()))
                    })
                    .collect();
                (spec.required || !object.is_empty()).then_some(Value::Object(object))
            }
        };
        if let Some(value) = value {
            body = match spec.encoding {
                BodyEncoding::Json => {
                    Bytes::from(serde_json::to_vec(&value).map_err(|e| e.to_string())?)
                }
                BodyEncoding::Text => Bytes::from(scalar_text(&value)),
                BodyEncoding::Form => {
                    let mut form = String::new();
                    if let Value::Object(fields) = &value {
                        for (name, field) in fields {
                            append_query(&mut form, name, field, true);
                        }
                    }
                    Bytes::from(form)
                }
            };
            let content_type = HeaderValue::from_str(&spec.content_type)
                .unwrap_or(HeaderValue::from_static("application/json"));
            headers.insert(header::CONTENT_TYPE, content_type);
        } else if spec.required {
            return Err("missing the required request body".into());
        }
    }

    let uri = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    let mut request = Request::builder()
        .method(route.method.clone())
        .uri(&uri)
        .body(body)
        .map_err(|e| format!("cannot build the request for {uri}: {e}"))?;
    *request.headers_mut() = headers;
    request.extensions_mut().insert(McpToolCall {
        tool: tool.to_string(),
    });
    Ok(request)
}

fn append_query(query: &mut String, name: &str, value: &Value, explode: bool) {
    let mut push = |text: &str| {
        if !query.is_empty() {
            query.push('&');
        }
        query.extend(utf8_percent_encode(name, COMPONENT));
        query.push('=');
        query.extend(utf8_percent_encode(text, COMPONENT));
    };
    match value {
        Value::Array(items) if explode => items.iter().for_each(|item| push(&scalar_text(item))),
        Value::Array(items) => push(&items.iter().map(scalar_text).collect::<Vec<_>>().join(",")),
        other => push(&scalar_text(other)),
    }
}

/// The text form of a scalar argument; arrays and objects as compact JSON.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Bool(_) | Value::Number(_) => value.to_string(),
        Value::Array(_) | Value::Object(_) => value.to_string(),
    }
}

/// Copy the allowlisted headers from the MCP request.
pub(crate) fn forwarded_headers(incoming: Option<&HeaderMap>, allow: &[HeaderName]) -> HeaderMap {
    let mut out = HeaderMap::new();
    if let Some(incoming) = incoming {
        for name in allow {
            for value in incoming.get_all(name) {
                out.append(name.clone(), value.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use http::Method;
    use serde_json::json;

    use super::*;
    use crate::catalog::{Body, Param};

    fn route() -> Route {
        Route {
            method: Method::POST,
            path: "/files/{name}/notes".into(),
            params: vec![
                Param {
                    name: "name".into(),
                    argument: "name".into(),
                    location: Location::Path,
                    required: true,
                    explode: true,
                },
                Param {
                    name: "tag".into(),
                    argument: "tag".into(),
                    location: Location::Query,
                    required: false,
                    explode: true,
                },
                Param {
                    name: "x-trace".into(),
                    argument: "x-trace".into(),
                    location: Location::Header,
                    required: false,
                    explode: false,
                },
            ],
            body: Some(Body {
                shape: BodyShape::Properties(vec![("text".into(), "text".into())]),
                encoding: BodyEncoding::Json,
                content_type: "application/json".into(),
                required: true,
            }),
        }
    }

    #[test]
    fn path_values_are_escaped_as_one_segment() {
        let args = json!({"name": "a/b c?d#e%f", "tag": ["x y", "z"], "text": "hi"});
        let request =
            build_request("t", &route(), args.as_object().unwrap(), HeaderMap::new()).unwrap();
        assert_eq!(
            request.uri().to_string(),
            "/files/a%2Fb%20c%3Fd%23e%25f/notes?tag=x%20y&tag=z"
        );
        assert_eq!(request.body().as_ref(), br#"{"text":"hi"}"#);
        assert_eq!(request.headers()[header::CONTENT_TYPE], "application/json");
    }

    #[test]
    fn absent_optional_parameters_leave_no_trace() {
        let args = json!({"name": "n", "tag": null, "text": "hi"});
        let request =
            build_request("t", &route(), args.as_object().unwrap(), HeaderMap::new()).unwrap();
        assert_eq!(request.uri().to_string(), "/files/n/notes");
        assert!(request.headers().get("x-trace").is_none());
    }

    #[test]
    fn header_parameters_and_forwarded_headers_are_set() {
        let mut incoming = HeaderMap::new();
        incoming.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer t"));
        incoming.insert(header::COOKIE, HeaderValue::from_static("secret=1"));
        let forwarded = forwarded_headers(Some(&incoming), &[header::AUTHORIZATION]);
        let args = json!({"name": "n", "x-trace": "abc", "text": "hi"});
        let request = build_request("t", &route(), args.as_object().unwrap(), forwarded).unwrap();
        assert_eq!(request.headers()["authorization"], "Bearer t");
        assert_eq!(request.headers()["x-trace"], "abc");
        assert!(request.headers().get(header::COOKIE).is_none());
        assert_eq!(request.extensions().get::<McpToolCall>().unwrap().tool, "t");
    }

    #[test]
    fn missing_path_argument_is_an_error() {
        let args = json!({"text": "hi"});
        let error =
            build_request("t", &route(), args.as_object().unwrap(), HeaderMap::new()).unwrap_err();
        assert!(error.contains("'name'"), "{error}");
    }
}
