//! Tool arguments mirrored into HTTP headers (SEP-2243, 2026-07-28): a property of a tool's
//! `inputSchema` marked `"x-mcp-header": "Region"` travels both in the call's arguments and in an
//! `Mcp-Param-Region` header, so that gateways can route on it without reading the body.
//!
//! This module owns the marks: setting one ([`mark`]), the rules every mark follows ([`check`],
//! applied to curated and generated tools at mount time) and whether a tool has any
//! ([`declares_any`]). The headers of a call are checked against its body by rmcp's transport,
//! which finds each tool's schema through the server's `get_tool`: a missing header, one that
//! differs from the argument, or invalid Base64 in `=?base64?…?=` is refused with HTTP 400 and
//! JSON-RPC error `-32020` (header mismatch) before the tool runs.

use rmcp::model::JsonObject;
use serde_json::Value;

/// The schema keyword that marks a property as mirrored into a header.
pub(crate) const MARK: &str = "x-mcp-header";

/// Mark the top-level argument `argument` of `schema` as mirrored into `Mcp-Param-{header}`.
///
/// An optional argument typed `["string", "null"]` (as schemars writes an `Option<String>`) is
/// declared as its one primitive type: a mark needs exactly one, and leaving the argument out
/// (or `null`) still means no header. Fails when there is no such argument, or the mark breaks a
/// rule of [`check`]; `schema` is then left as it was.
pub(crate) fn mark(schema: &mut JsonObject, argument: &str, header: &str) -> Result<(), String> {
    let mut marked = schema.clone();
    let property = marked
        .get_mut("properties")
        .and_then(Value::as_object_mut)
        .and_then(|properties| properties.get_mut(argument))
        .and_then(Value::as_object_mut)
        .ok_or_else(|| format!("there is no argument '{argument}' to mirror into a header"))?;
    if let Some(Value::Array(types)) = property.get("type") {
        let named: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
        if let [only] = named[..] {
            let only = only.clone();
            property.insert("type".into(), only);
        }
    }
    property.insert(MARK.into(), Value::String(header.to_string()));
    check(&marked)?;
    *schema = marked;
    Ok(())
}

/// Check every header mark of `schema` as SEP-2243 asks: each on a property reached from the root
/// through `properties` alone, a non-empty HTTP token unique among the marks (in any case), on a
/// property of type `string`, `integer` or `boolean`. Clients leave out a tool whose marks break
/// these rules, so they are refused at mount time.
pub(crate) fn check(schema: &JsonObject) -> Result<(), String> {
    if schema.contains_key(MARK) {
        return Err(format!(
            "{MARK} marks the whole input schema, not one argument"
        ));
    }
    if off_chain(schema, true) {
        return Err(format!(
            "{MARK} must be on an argument reached through `properties` alone (not under \
             `$defs`, `items`, `anyOf`, …)"
        ));
    }
    let mut marks = Vec::new();
    collect(schema.get("properties"), &mut Vec::new(), &mut marks);
    let mut seen: Vec<String> = Vec::new();
    for (path, property) in marks {
        let argument = path.join(".");
        let Some(Value::String(header)) = property.get(MARK) else {
            return Err(format!("argument '{argument}': {MARK} must be a string"));
        };
        if header.is_empty() || !header.bytes().all(is_token_byte) {
            return Err(format!(
                "argument '{argument}': {MARK} \"{header}\" is not an HTTP header name token \
                 (letters, digits and !#$%&'*+-.^_`|~)"
            ));
        }
        let folded = header.to_ascii_lowercase();
        if seen.contains(&folded) {
            return Err(format!(
                "argument '{argument}': {MARK} \"{header}\" is used twice (header names ignore case)"
            ));
        }
        seen.push(folded);
        match property.get("type").and_then(Value::as_str) {
            Some("string" | "integer" | "boolean") => {}
            _ => {
                return Err(format!(
                    "argument '{argument}': {MARK} needs an argument of type string, integer or \
                     boolean, found {}",
                    property.get("type").unwrap_or(&Value::Null)
                ));
            }
        }
    }
    Ok(())
}

/// Whether any argument of `schema` is mirrored into a header.
pub(crate) fn declares_any(schema: &JsonObject) -> bool {
    let mut marks = Vec::new();
    collect(schema.get("properties"), &mut Vec::new(), &mut marks);
    !marks.is_empty()
}

/// The marked properties under `properties`, with their path of property names.
fn collect<'s>(
    properties: Option<&'s Value>,
    path: &mut Vec<&'s str>,
    out: &mut Vec<(Vec<&'s str>, &'s JsonObject)>,
) {
    let Some(Value::Object(properties)) = properties else {
        return;
    };
    for (name, property) in properties {
        let Value::Object(property) = property else {
            continue;
        };
        path.push(name);
        if property.contains_key(MARK) {
            out.push((path.clone(), property));
        }
        collect(property.get("properties"), path, out);
        path.pop();
    }
}

/// Whether `schema` holds a mark anywhere but on a property of a `properties` chain from the root;
/// `on_chain`: `schema` is the root or such a property.
fn off_chain(schema: &JsonObject, on_chain: bool) -> bool {
    schema.iter().any(|(key, value)| match key.as_str() {
        MARK => !on_chain,
        "properties" => value
            .as_object()
            .is_some_and(|map| map.values().any(|s| off_chain_value(s, on_chain))),
        // Values, not schemas.
        "enum" | "const" | "default" | "examples" => false,
        "$defs" | "definitions" | "dependentSchemas" | "patternProperties" => value
            .as_object()
            .is_some_and(|map| map.values().any(|s| off_chain_value(s, false))),
        _ => off_chain_value(value, false),
    })
}

fn off_chain_value(value: &Value, on_chain: bool) -> bool {
    match value {
        Value::Object(schema) => off_chain(schema, on_chain),
        Value::Array(items) => items.iter().any(|item| off_chain_value(item, false)),
        _ => false,
    }
}

/// RFC 9110 `tchar`.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema(value: Value) -> JsonObject {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn a_mark_goes_on_the_argument_and_an_optional_one_keeps_its_one_type() {
        let mut tool = schema(json!({"type": "object", "properties": {
            "region": {"type": ["string", "null"]}, "query": {"type": "string"}}}));
        mark(&mut tool, "region", "Region").unwrap();
        assert_eq!(
            tool["properties"]["region"],
            json!({"type": "string", "x-mcp-header": "Region"})
        );
        assert!(declares_any(&tool));
        let unmarked = schema(json!({"type": "object", "properties": {"q": {"type": "string"}}}));
        assert!(!declares_any(&unmarked));
    }

    #[test]
    fn marks_that_break_a_rule_are_refused() {
        let base = || {
            schema(json!({"type": "object", "properties": {
                "region": {"type": "string"}, "zone": {"type": "string"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "price": {"type": "number"}}}))
        };
        let refused = |argument: &str, header: &str| {
            let mut tool = base();
            mark(&mut tool, argument, header).unwrap_err()
        };
        assert!(refused("nope", "Nope").contains("no argument 'nope'"));
        assert!(refused("region", "Région").contains("token"));
        assert!(refused("region", "Region 1").contains("token"));
        assert!(refused("region", "").contains("token"));
        assert!(refused("tags", "Tags").contains("string, integer or boolean"));
        assert!(refused("price", "Price").contains("string, integer or boolean"));
        let mut tool = base();
        mark(&mut tool, "region", "Region").unwrap();
        let marked = tool.clone();
        let twice = mark(&mut tool, "zone", "REGION").unwrap_err();
        assert!(twice.contains("used twice"), "{twice}");
        assert_eq!(tool, marked, "a refused mark leaves the schema as it was");

        let nested_in_items = schema(json!({"type": "object", "properties": {
            "list": {"type": "array", "items": {"type": "string", "x-mcp-header": "Item"}}}}));
        assert!(
            check(&nested_in_items)
                .unwrap_err()
                .contains("`properties` alone")
        );
        let in_defs = schema(json!({"type": "object", "$defs": {
            "r": {"type": "string", "x-mcp-header": "R"}}}));
        assert!(check(&in_defs).is_err());
        let at_root = schema(json!({"type": "object", "x-mcp-header": "Root"}));
        assert!(check(&at_root).is_err());
        let nested_chain = schema(json!({"type": "object", "properties": {
            "options": {"type": "object", "properties": {
                "limit": {"type": "integer", "x-mcp-header": "Limit"}}}}}));
        assert!(check(&nested_chain).is_ok());
        assert!(declares_any(&nested_chain));
    }
}
