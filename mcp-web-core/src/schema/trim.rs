//! What an output schema drops because it tells a reader of the result nothing (the list is in
//! [`compact_output`](super::compact_output)'s module docs): the keyword-by-keyword judgement,
//! kept apart from the hash-consing that uses it so that both passes judge alike.

use serde_json::{Map, Value};

/// Whether a local keyword is kept: `writeOnly: false` and `deprecated: false` say what their
/// absence says, a title that repeats the description adds nothing, and neither does a type that
/// every value of the `enum` beside it has, or a machine width beside a numeric type.
pub(super) fn kept_local(keyword: &str, value: &Value, schema: &Map<String, Value>) -> bool {
    match keyword {
        "writeOnly" | "deprecated" => *value != Value::Bool(false),
        "title" => !title_repeats_description(schema),
        "type" => !enum_implies_type(schema),
        "format" => !machine_width(schema),
        _ => true,
    }
}

/// Whether the schema's `format` is OpenAPI's `int32`, `int64`, `float` or `double` beside a
/// numeric `type`: the width a server stores the number in. JSON numbers have no width, a reader
/// of the result can do nothing with it, and JSON Schema's format vocabulary does not define
/// these names, so no validator checks them: dropping it changes neither what the schema accepts
/// nor what it tells. (`uri`, `date-time`, `email`, … say how to read a string and stay, as does
/// `int64` on a string, which says what the string holds.)
fn machine_width(schema: &Map<String, Value>) -> bool {
    let numeric = |kind: &Value| matches!(kind.as_str(), Some("integer" | "number"));
    let numeric_type = match schema.get("type") {
        Some(Value::Array(kinds)) => {
            kinds.iter().any(numeric)
                && kinds
                    .iter()
                    .all(|kind| numeric(kind) || kind.as_str() == Some("null"))
        }
        Some(kind) => numeric(kind),
        None => false,
    };
    numeric_type
        && matches!(
            schema.get("format").and_then(Value::as_str),
            Some("int32" | "int64" | "float" | "double")
        )
}

/// Whether every value of the schema's non-empty `enum` is of a type its `type` allows, so that
/// the `type` rejects nothing the `enum` accepts.
fn enum_implies_type(schema: &Map<String, Value>) -> bool {
    let (Some(Value::Array(values)), Some(kind)) = (schema.get("enum"), schema.get("type")) else {
        return false;
    };
    let kinds: Vec<&str> = match kind {
        Value::String(kind) => vec![kind.as_str()],
        Value::Array(kinds) => match kinds.iter().map(Value::as_str).collect::<Option<_>>() {
            Some(kinds) => kinds,
            None => return false,
        },
        _ => return false,
    };
    let has = |value: &Value, kind: &str| match kind {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        // 2020-12: a number with a zero fractional part is an integer (`1.0` too).
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|n| n.fract() == 0.0)
        }
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    };
    !values.is_empty()
        && values
            .iter()
            .all(|value| kinds.iter().any(|kind| has(value, kind)))
}

fn title_repeats_description(schema: &Map<String, Value>) -> bool {
    match (schema.get("title"), schema.get("description")) {
        (Some(Value::String(title)), Some(Value::String(text))) => same_words(title, text),
        _ => false,
    }
}

/// Drop what tells a reader of the result nothing ([`compact_output`](super::compact_output)) from one schema object, not
/// from its subschemas.
pub(super) fn trim(schema: &mut Map<String, Value>) {
    let title = title_repeats_description(schema);
    let kind = enum_implies_type(schema);
    let width = machine_width(schema);
    schema.retain(|keyword, value| match keyword.as_str() {
        "examples" | "example" | "readOnly" | "default" => false,
        "writeOnly" | "deprecated" => *value != Value::Bool(false),
        "title" => !title,
        "type" => !kind,
        "format" => !width,
        _ => true,
    });
}

/// Whether two texts are the same words, ignoring case, spaces and punctuation (`Simple User`,
/// `simple_user`, `simple-user.`).
fn same_words(a: &str, b: &str) -> bool {
    fn letters(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
    }
    letters(a).next().is_some() && letters(a).eq(letters(b))
}

/// Whether the `$defs` name `name` says what `title` says: the same words (a `_2`, `_3`, … added
/// when the name was taken aside). A title with characters the name could not keep (other than
/// spaces) is kept.
pub(super) fn named_after(name: &str, title: &str) -> bool {
    let base = name
        .rsplit_once('_')
        .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .map_or(name, |(base, _)| base);
    title
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        && (same_words(name, title) || same_words(base, title))
}
