//! Arguments → `http::Request`: path, query, headers, cookies and body, correctly encoded.
//!
//! Parameters follow their OpenAPI `style` and `explode`: for an array `[1, 2]` named `a`,
//!
//! | style | exploded | not exploded |
//! |---|---|---|
//! | `form` (query default) | `a=1&a=2` | `a=1,2` |
//! | `spaceDelimited` | `a=1&a=2` | `a=1%202` |
//! | `pipeDelimited` | `a=1&a=2` | `a=1\|2` |
//! | `simple` (path, header) | `1,2` | `1,2` |
//! | `label` / `matrix` (path) | `.1.2` / `;a=1;a=2` | `.1,2` / `;a=1,2` |
//!
//! Objects go as `k=v&k2=v2` (form, exploded), `a=k,v,k2,v2` (not exploded) or
//! `a[k]=v&a[k2]=v2` (`deepObject`). Absent or null arguments leave no trace: no `?a=`.

use base64::Engine;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Request, header};
use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value};

use crate::route::{Body, BodyEncoding, BodyShape, FILE_ARGUMENT, Location, Param, Route, Style};

/// Everything but RFC 3986 unreserved characters is escaped, so `/`, `?`, `#`, `%` and spaces in
/// a value reach the handler as one intact segment.
/// Cookie values keep what RFC 6265 allows as it is (base64 and JWT tokens contain `/ + = :`),
/// because servers do not percent-decode cookies; only what a cookie cannot hold is escaped.
const COOKIE_VALUE: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b',').add(b';').add(b'\\');

fn encode_cookie(text: &str) -> String {
    utf8_percent_encode(text, COOKIE_VALUE).to_string()
}

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
        push_path_segment(&mut path, param, value);
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
            Location::Query => {
                for (name, value) in query_pairs(param, value) {
                    push_pair(&mut query, &name, &value);
                }
            }
            Location::Header => {
                let name = HeaderName::from_bytes(param.name.as_bytes())
                    .map_err(|_| format!("'{}' is not a valid header name", param.name))?;
                let text = match param.style {
                    Style::Json => value.to_string(),
                    _ => simple(value, param.explode, &|text| text.to_string()),
                };
                let value = HeaderValue::from_str(&text).map_err(|_| {
                    format!(
                        "argument '{}' cannot be sent as a header value",
                        param.argument
                    )
                })?;
                headers.insert(name, value);
            }
            Location::Cookie => {
                let text = match param.style {
                    Style::Json => encode_cookie(&value.to_string()),
                    _ => simple(value, false, &encode_cookie),
                };
                cookies.push(format!("{}={text}", param.name));
            }
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
            let mut content_type = spec.content_type.clone();
            body = match spec.encoding {
                BodyEncoding::Json => {
                    Bytes::from(serde_json::to_vec(&value).map_err(|e| e.to_string())?)
                }
                BodyEncoding::Text => Bytes::from(scalar_text(&value)),
                BodyEncoding::Form => {
                    let mut form = String::new();
                    if let Value::Object(fields) = &value {
                        // A null field is "not given": sending `note=` would read as "".
                        for (name, field) in fields.iter().filter(|(_, field)| !field.is_null()) {
                            let field_param = Param::new(name, Location::Query);
                            for (name, value) in query_pairs(&field_param, field) {
                                push_pair(&mut form, &name, &value);
                            }
                        }
                    }
                    Bytes::from(form)
                }
                BodyEncoding::Multipart => {
                    let (body, boundary) = multipart(spec, &value)?;
                    content_type = format!("multipart/form-data; boundary={boundary}");
                    body
                }
            };
            let content_type = HeaderValue::from_str(&content_type)
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
    // Parsed from the `String` it is, which keeps its buffer rather than copying it.
    let uri = Bytes::from(uri);
    let uri = http::Uri::from_maybe_shared(uri.clone()).map_err(|e| {
        let uri = String::from_utf8_lossy(&uri);
        format!("cannot build the request for {uri}: {e}")
    })?;
    let mut request = Request::new(body);
    *request.method_mut() = route.method.clone();
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    request.extensions_mut().insert(McpToolCall {
        tool: tool.to_string(),
    });
    Ok(request)
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

fn push_pair(query: &mut String, name: &str, value: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    query.push_str(name);
    query.push('=');
    query.push_str(value);
}

/// The percent-encoded `(name, value)` pairs of one query parameter. Delimiters stay literal;
/// the same characters inside values are escaped, so `a,b` in one item never splits.
fn query_pairs(param: &Param, value: &Value) -> Vec<(String, String)> {
    let name = encode(&param.name);
    let delimiter = match param.style {
        Style::SpaceDelimited => "%20",
        Style::PipeDelimited => "|",
        _ => ",",
    };
    let present = |value: &&Value| !value.is_null();
    match (param.style, value) {
        (Style::Json, value) => vec![(name, encode(&value.to_string()))],
        (Style::DeepObject, Value::Object(fields)) => {
            let mut pairs = Vec::new();
            deep_object(&name, fields, &mut pairs);
            pairs
        }
        (_, Value::Array(items)) if param.explode => items
            .iter()
            .filter(present)
            .map(|item| (name.clone(), encode(&scalar_text(item))))
            .collect(),
        (_, Value::Object(fields)) if param.explode => fields
            .iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(key, value)| (encode(key), encode(&scalar_text(value))))
            .collect(),
        (_, Value::Array(items)) if items.is_empty() => Vec::new(),
        (_, Value::Array(items)) => {
            let joined: Vec<String> = items
                .iter()
                .filter(present)
                .map(|item| encode(&scalar_text(item)))
                .collect();
            vec![(name, joined.join(delimiter))]
        }
        (_, Value::Object(fields)) if fields.is_empty() => Vec::new(),
        (_, Value::Object(fields)) => {
            let joined: Vec<String> = fields
                .iter()
                .filter(|(_, value)| !value.is_null())
                .flat_map(|(key, value)| [encode(key), encode(&scalar_text(value))])
                .collect();
            vec![(name, joined.join(delimiter))]
        }
        (_, scalar) => vec![(name, encode(&scalar_text(scalar)))],
    }
}

/// `name[key]=value` for every member, nested objects as `name[a][b]`, arrays repeated.
fn deep_object(prefix: &str, fields: &Map<String, Value>, pairs: &mut Vec<(String, String)>) {
    for (key, value) in fields {
        let name = format!("{prefix}[{}]", encode(key));
        match value {
            Value::Null => {}
            Value::Object(fields) => deep_object(&name, fields, pairs),
            Value::Array(items) => pairs.extend(
                items
                    .iter()
                    .filter(|item| !item.is_null())
                    .map(|item| (name.clone(), encode(&scalar_text(item)))),
            ),
            scalar => pairs.push((name, encode(&scalar_text(scalar)))),
        }
    }
}

/// `simple` style: `1,2` for arrays, `k,v,k2,v2` or (exploded) `k=v,k2=v2` for objects, each
/// piece passed through `escape`.
fn simple(value: &Value, explode: bool, escape: &dyn Fn(&str) -> String) -> String {
    match value {
        Value::Array(items) => items
            .iter()
            .filter(|item| !item.is_null())
            .map(|item| escape(&scalar_text(item)))
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(fields) => fields
            .iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(key, value)| {
                let (key, value) = (escape(key), escape(&scalar_text(value)));
                if explode {
                    format!("{key}={value}")
                } else {
                    format!("{key},{value}")
                }
            })
            .collect::<Vec<_>>()
            .join(","),
        scalar => escape(&scalar_text(scalar)),
    }
}

/// One path parameter onto `path`. The usual one, a string or number in the `simple` style, is
/// escaped straight onto it; any other is made by [`path_segment`].
fn push_path_segment(path: &mut String, param: &Param, value: &Value) {
    use std::fmt::Write;
    if param.style == Style::Simple {
        // Writing to a `String` cannot fail.
        match value {
            Value::String(text) => {
                let _ = write!(path, "{}", utf8_percent_encode(text, COMPONENT));
                return;
            }
            // An integer's digits and `-` need no escaping.
            Value::Number(number) if number.is_i64() || number.is_u64() => {
                let _ = write!(path, "{number}");
                return;
            }
            _ => {}
        }
    }
    path.push_str(&path_segment(param, value));
}

/// One path parameter, escaped so that `/`, `?`, `#` and `%` in a value stay inside its segment.
fn path_segment(param: &Param, value: &Value) -> String {
    match param.style {
        Style::Json => encode(&value.to_string()),
        Style::Label => {
            let text = simple(value, param.explode, &encode);
            if param.explode {
                format!(".{}", text.replace(',', "."))
            } else {
                format!(".{text}")
            }
        }
        Style::Matrix => {
            let name = encode(&param.name);
            match value {
                Value::Array(items) if param.explode => items
                    .iter()
                    .filter(|item| !item.is_null())
                    .map(|item| format!(";{name}={}", encode(&scalar_text(item))))
                    .collect(),
                Value::Object(fields) if param.explode => fields
                    .iter()
                    .filter(|(_, value)| !value.is_null())
                    .map(|(key, value)| format!(";{}={}", encode(key), encode(&scalar_text(value))))
                    .collect(),
                other => format!(";{name}={}", simple(other, false, &encode)),
            }
        }
        _ => simple(value, param.explode, &encode),
    }
}

/// One part of a multipart body.
struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    data: Vec<u8>,
}

/// A `multipart/form-data` body (RFC 7578) and its boundary: text fields as plain parts, file
/// fields from their `{filename, content_type, data_base64}` argument, arrays as one part per
/// item, objects as JSON parts.
fn multipart(spec: &Body, value: &Value) -> Result<(Bytes, String), String> {
    let mut parts = Vec::new();
    let Value::Object(fields) = value else {
        return Err("a multipart body needs an object of fields".into());
    };
    for (name, field) in fields {
        let file = spec.files.iter().find(|file| &file.property == name);
        let items = match field {
            Value::Array(items) => items.iter().collect(),
            single => vec![single],
        };
        for item in items.into_iter().filter(|item| !item.is_null()) {
            let part = match file {
                Some(file) => file_part(name, file, item)?,
                None => Part {
                    name: name.clone(),
                    filename: None,
                    content_type: item.is_object().then(|| "application/json".to_string()),
                    data: scalar_text(item).into_bytes(),
                },
            };
            parts.push(part);
        }
    }
    let boundary = boundary_for(&parts);
    let mut body = Vec::new();
    for part in &parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let mut disposition = format!("form-data; name=\"{}\"", quoted(&part.name));
        if let Some(filename) = &part.filename {
            disposition.push_str(&format!("; filename=\"{}\"", quoted(filename)));
        }
        body.extend_from_slice(format!("Content-Disposition: {disposition}\r\n").as_bytes());
        if let Some(content_type) = &part.content_type {
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&part.data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok((Bytes::from(body), boundary))
}

fn file_part(name: &str, file: &crate::route::FilePart, value: &Value) -> Result<Part, String> {
    let field = |key: &str| value.get(key).and_then(Value::as_str);
    let (Some(filename), Some(data)) = (field("filename"), field("data_base64")) else {
        return Err(format!("argument '{name}' is a file: {FILE_ARGUMENT}"));
    };
    let data = if file.base64_text {
        data.as_bytes().to_vec()
    } else {
        base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|e| format!("argument '{name}': data_base64 is not valid base64 ({e})"))?
    };
    let content_type = field("content_type").unwrap_or(&file.default_type);
    if content_type.contains(['\r', '\n']) {
        return Err(format!("argument '{name}': content_type must be one line"));
    }
    Ok(Part {
        name: name.to_string(),
        filename: Some(filename.to_string()),
        content_type: Some(content_type.to_string()),
        data,
    })
}

/// A boundary that occurs in no part: random, and drawn again in the unlikely case it does.
fn boundary_for(parts: &[Part]) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut round = 0u64;
    loop {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(round);
        if let Ok(elapsed) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            hasher.write_u128(elapsed.as_nanos());
        }
        let boundary = format!("mcp-web-{:016x}", hasher.finish());
        let clash = parts.iter().any(|part| {
            part.data
                .windows(boundary.len())
                .any(|window| window == boundary.as_bytes())
        });
        if !clash {
            return boundary;
        }
        round += 1;
    }
}

/// A name or filename inside `Content-Disposition` quotes, escaped as browsers do (WHATWG).
fn quoted(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
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

/// Copy the allowlisted headers from the MCP request, into a map with `room` for the headers
/// the call adds of its own.
///
/// Sized once: a map grown by its first insert makes room for six headers (624 bytes), where a
/// call usually forwards one.
pub(crate) fn forwarded_headers(
    incoming: Option<&HeaderMap>,
    allow: &[HeaderName],
    room: usize,
) -> HeaderMap {
    // One value per allowed name is the usual case; a name sent twice grows the map.
    let mut out = HeaderMap::with_capacity(allow.len() + room);
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
    use crate::route::{Body, FilePart};

    /// The URI of a GET to `/p/{id}` with `params`, called with `args`.
    fn uri(params: Vec<Param>, args: Value) -> String {
        let route = Route {
            method: Method::GET,
            path: "/p/{id}".into(),
            params: [vec![Param::new("id", Location::Path)], params].concat(),
            body: None,
        };
        let mut args = args.as_object().cloned().unwrap();
        args.entry("id").or_insert(json!("1"));
        build_request("t", &route, &args, HeaderMap::new())
            .unwrap()
            .uri()
            .to_string()
    }

    fn query(style: Style, explode: bool) -> Vec<Param> {
        vec![Param::new("a", Location::Query).style(style, explode)]
    }

    fn route() -> Route {
        Route {
            method: Method::POST,
            path: "/files/{name}/notes".into(),
            params: vec![
                Param::new("name", Location::Path),
                Param::new("tag", Location::Query),
                Param::new("x-trace", Location::Header),
            ],
            body: Some(Body {
                shape: BodyShape::Properties(vec![("text".into(), "text".into())]),
                encoding: BodyEncoding::Json,
                content_type: "application/json".into(),
                required: true,
                files: Vec::new(),
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
        let forwarded = forwarded_headers(Some(&incoming), &[header::AUTHORIZATION], 0);
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

    #[test]
    fn form_arrays_and_objects_with_and_without_explode() {
        let list = json!({"a": ["x,y", "z w"]});
        assert_eq!(
            uri(query(Style::Form, true), list.clone()),
            "/p/1?a=x%2Cy&a=z%20w"
        );
        // The delimiter stays literal; the same character inside an item is escaped.
        assert_eq!(uri(query(Style::Form, false), list), "/p/1?a=x%2Cy,z%20w");
        let object = json!({"a": {"role": "admin", "first name": "Ada", "gone": null}});
        assert_eq!(
            uri(query(Style::Form, true), object.clone()),
            "/p/1?first%20name=Ada&role=admin"
        );
        assert_eq!(
            uri(query(Style::Form, false), object),
            "/p/1?a=first%20name,Ada,role,admin"
        );
        assert_eq!(uri(query(Style::Form, true), json!({"a": 3})), "/p/1?a=3");
    }

    #[test]
    fn delimited_and_deep_object_styles() {
        let list = json!({"a": ["b", "c d", "e|f"]});
        assert_eq!(
            uri(query(Style::SpaceDelimited, false), list.clone()),
            "/p/1?a=b%20c%20d%20e%7Cf"
        );
        assert_eq!(
            uri(query(Style::PipeDelimited, false), list.clone()),
            "/p/1?a=b|c%20d|e%7Cf"
        );
        assert_eq!(
            uri(query(Style::PipeDelimited, true), list),
            "/p/1?a=b&a=c%20d&a=e%7Cf"
        );
        let filter = vec![Param::new("filter", Location::Query).style(Style::DeepObject, true)];
        assert_eq!(
            uri(
                filter,
                json!({"filter": {"status": "open", "owner": {"name": "a&b"}, "tag": ["x", "y"]}})
            ),
            "/p/1?filter[owner][name]=a%26b&filter[status]=open&filter[tag]=x&filter[tag]=y"
        );
    }

    #[test]
    fn absent_null_and_empty_values_leave_no_query() {
        for args in [
            json!({}),
            json!({"a": null}),
            json!({"a": []}),
            json!({"a": {}}),
        ] {
            for (style, explode) in [
                (Style::Form, true),
                (Style::Form, false),
                (Style::SpaceDelimited, false),
                (Style::DeepObject, true),
            ] {
                assert_eq!(
                    uri(query(style, explode), args.clone()),
                    "/p/1",
                    "{args} {style:?}"
                );
            }
        }
    }

    #[test]
    fn path_styles_keep_values_inside_their_segment() {
        let path = |style: Style, explode: bool, value: Value| {
            let route = Route {
                method: Method::GET,
                path: "/p/{id}/x".into(),
                params: vec![Param::new("id", Location::Path).style(style, explode)],
                body: None,
            };
            let args = json!({ "id": value });
            build_request("t", &route, args.as_object().unwrap(), HeaderMap::new())
                .unwrap()
                .uri()
                .to_string()
        };
        assert_eq!(
            path(Style::Simple, false, json!(["a/b", "c"])),
            "/p/a%2Fb,c/x"
        );
        assert_eq!(
            path(Style::Simple, true, json!({"k": "v", "k2": "v,2"})),
            "/p/k=v,k2=v%2C2/x"
        );
        assert_eq!(path(Style::Label, false, json!(["a", "b"])), "/p/.a,b/x");
        assert_eq!(path(Style::Label, true, json!(["a", "b"])), "/p/.a.b/x");
        assert_eq!(
            path(Style::Matrix, false, json!(["a", "b"])),
            "/p/;id=a,b/x"
        );
        assert_eq!(
            path(Style::Matrix, true, json!(["a", "b"])),
            "/p/;id=a;id=b/x"
        );
        assert_eq!(path(Style::Matrix, false, json!("a;b")), "/p/;id=a%3Bb/x");
    }

    #[test]
    fn content_parameters_are_sent_as_json_text() {
        let params = vec![Param::new("q", Location::Query).style(Style::Json, false)];
        assert_eq!(
            uri(params, json!({"q": {"k": [1, "two"]}})),
            "/p/1?q=%7B%22k%22%3A%5B1%2C%22two%22%5D%7D"
        );
    }

    #[test]
    fn header_and_cookie_arrays_use_simple_and_form_styles() {
        let route = Route {
            method: Method::GET,
            path: "/p".into(),
            params: vec![
                Param::new("x-ids", Location::Header),
                Param::new("session", Location::Cookie),
                Param::new("prefs", Location::Cookie),
            ],
            body: None,
        };
        let args = json!({"x-ids": [1, 2], "session": "a b;c", "prefs": ["x", "y"]});
        let request =
            build_request("t", &route, args.as_object().unwrap(), HeaderMap::new()).unwrap();
        assert_eq!(request.headers()["x-ids"], "1,2");
        assert_eq!(
            request.headers()[header::COOKIE],
            "session=a%20b%3Bc; prefs=x,y"
        );
    }

    #[test]
    fn cookie_values_keep_the_characters_cookies_allow() {
        let route = Route {
            method: Method::GET,
            path: "/p".into(),
            params: vec![Param::new("session", Location::Cookie)],
            body: None,
        };
        // Servers do not percent-decode cookies: a base64 or JWT token must arrive as sent.
        let args = json!({"session": "YWJj/+==:x.y-z%"});
        let request =
            build_request("t", &route, args.as_object().unwrap(), HeaderMap::new()).unwrap();
        assert_eq!(request.headers()[header::COOKIE], "session=YWJj/+==:x.y-z%");
    }

    #[test]
    fn null_form_fields_are_left_out() {
        let route = Route {
            method: Method::POST,
            path: "/f".into(),
            params: Vec::new(),
            body: Some(Body {
                shape: BodyShape::Properties(vec![
                    ("name".into(), "name".into()),
                    ("note".into(), "note".into()),
                ]),
                encoding: BodyEncoding::Form,
                content_type: "application/x-www-form-urlencoded".into(),
                required: true,
                files: Default::default(),
            }),
        };
        let args = json!({"name": "Zoë & co", "note": null});
        let request =
            build_request("t", &route, args.as_object().unwrap(), HeaderMap::new()).unwrap();
        assert_eq!(request.body().as_ref(), b"name=Zo%C3%AB%20%26%20co");
    }

    fn upload_route() -> Route {
        Route {
            method: Method::POST,
            path: "/upload".into(),
            params: Vec::new(),
            body: Some(Body {
                shape: BodyShape::Properties(vec![
                    ("title".into(), "title".into()),
                    ("file".into(), "file".into()),
                    ("tags".into(), "tags".into()),
                ]),
                encoding: BodyEncoding::Multipart,
                content_type: "multipart/form-data".into(),
                required: true,
                files: vec![FilePart {
                    property: "file".into(),
                    default_type: "application/octet-stream".into(),
                    base64_text: false,
                }],
            }),
        }
    }

    #[test]
    fn multipart_bodies_carry_text_fields_and_decoded_files() {
        let args = json!({
            "title": "Q3 \"final\"",
            "tags": ["a", "b"],
            "file": {"filename": "r.bin", "data_base64": "AAEC/w=="}
        });
        let request = build_request(
            "t",
            &upload_route(),
            args.as_object().unwrap(),
            HeaderMap::new(),
        )
        .unwrap();
        let content_type = request.headers()[header::CONTENT_TYPE].to_str().unwrap();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let mut expected = Vec::new();
        let part = |headers: &str, data: &[u8], out: &mut Vec<u8>| {
            out.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
            out.extend_from_slice(data);
            out.extend_from_slice(b"\r\n");
        };
        part(
            "Content-Disposition: form-data; name=\"file\"; filename=\"r.bin\"\r\n\
             Content-Type: application/octet-stream",
            &[0, 1, 2, 255],
            &mut expected,
        );
        part(
            "Content-Disposition: form-data; name=\"tags\"",
            b"a",
            &mut expected,
        );
        part(
            "Content-Disposition: form-data; name=\"tags\"",
            b"b",
            &mut expected,
        );
        part(
            "Content-Disposition: form-data; name=\"title\"",
            b"Q3 \"final\"",
            &mut expected,
        );
        expected.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        assert_eq!(request.body().as_ref(), expected.as_slice());
    }

    #[test]
    fn multipart_file_arguments_are_checked() {
        let call = |file: Value| {
            let args = json!({ "file": file });
            build_request(
                "t",
                &upload_route(),
                args.as_object().unwrap(),
                HeaderMap::new(),
            )
        };
        let error = call(json!({"filename": "x"})).unwrap_err();
        assert!(error.contains("data_base64"), "{error}");
        let error = call(json!({"filename": "x", "data_base64": "%%%"})).unwrap_err();
        assert!(error.contains("not valid base64"), "{error}");
        let request = call(json!({"filename": "a\"b.txt", "content_type": "text/plain",
                                  "data_base64": "aGk="}))
        .unwrap();
        let body = String::from_utf8(request.body().to_vec()).unwrap();
        assert!(body.contains("filename=\"a%22b.txt\"\r\nContent-Type: text/plain\r\n\r\nhi\r\n"));
    }

    #[test]
    fn multipart_boundaries_never_occur_in_a_part() {
        let parts = [Part {
            name: "f".into(),
            filename: None,
            content_type: None,
            data: b"mcp-web-".repeat(64),
        }];
        let boundary = boundary_for(&parts);
        assert!(boundary.starts_with("mcp-web-") && boundary.len() == 24);
        assert_ne!(boundary, boundary_for(&parts), "boundaries are random");
    }
}
