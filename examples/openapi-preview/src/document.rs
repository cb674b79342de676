//! A JSON document read into a [`Value`] with only the parts a conversion can read.
//!
//! The conversion reads `paths` and whatever their `$ref`s lead to, never an Example Object (a
//! schema's own `example`/`examples` stay) nor a webhook. In GitHub's REST description that is
//! less than half the document: of its 7.3 MB as compact JSON, `components.examples` is 1.5 MB,
//! `x-webhooks` 0.6 MB, and 344 of its 969 component schemas (2.1 of their 2.9 MB) are reached
//! from no operation, only from webhooks. Parsing them into JSON values would cost time and
//! memory for nothing, so:
//! - `components.examples` is skipped;
//! - `components.schemas` and the top-level `webhooks` and `x-webhooks` are first only checked
//!   and kept as text, then parsed as far as the `$ref`s of everything parsed reach, transitively:
//!   the component schemas the document refers to, and a webhook member only when a `$ref` points
//!   into it. A reference this reading cannot follow exactly (one to `#/components/schemas` as a
//!   whole, or percent-encoded) parses every schema and member.
//!
//! A `$ref` anywhere counts, vendor extensions and examples included, so the parsed schemas are
//! a superset of what the conversion resolves, closed under references: the schemas it reads and
//! which of them are recursive are those of the whole document. Everything parsed is exactly the
//! [`Value`] `serde_json::from_str` gives.

use std::{
    collections::{BTreeMap, HashSet},
    fmt,
};

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value, value::RawValue};

/// Top-level members no conversion reads except through a `$ref`.
const WEBHOOK_MEMBERS: [&str; 2] = ["webhooks", "x-webhooks"];

/// What `$ref`s to component schemas start with.
const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// `text` parsed as `serde_json::from_str` parses it, without what the conversion cannot read
/// (module docs).
pub(crate) fn parse_json(text: &str) -> Result<Value, JsonError> {
    let mut deferred = Deferred::default();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let seed = Member {
        level: Level::Root,
        deferred: &mut deferred,
    };
    let document = seed
        .deserialize(&mut deserializer)
        .map_err(JsonError::at_start)?;
    deserializer.end().map_err(JsonError::at_start)?;
    deferred.complete(document, text)
}

/// A JSON syntax error, located in the whole text even when found while parsing a part of it.
#[derive(Debug)]
pub(crate) struct JsonError {
    error: serde_json::Error,
    line: usize,
    column: usize,
}

impl JsonError {
    /// An error of a parse of the whole text.
    fn at_start(error: serde_json::Error) -> Self {
        Self {
            line: error.line(),
            column: error.column(),
            error,
        }
    }

    /// An error of a parse of `part`, a slice of `text`.
    fn in_part(error: serde_json::Error, part: &str, text: &str) -> Self {
        if error.line() == 0 {
            return Self::at_start(error);
        }
        let before = &text[..part.as_ptr() as usize - text.as_ptr() as usize];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = if error.line() == 1 {
            before.len() - line_start + error.column()
        } else {
            error.column()
        };
        Self {
            line: before.matches('\n').count() + error.line(),
            column,
            error,
        }
    }

    /// The line of the error, from 1 (0 when it has none).
    pub(crate) fn line(&self) -> usize {
        self.line
    }

    /// The column of the error, from 1 (0 when it has none).
    pub(crate) fn column(&self) -> usize {
        self.column
    }

    #[cfg(test)]
    fn classify(&self) -> serde_json::error::Category {
        self.error.classify()
    }
}

// serde_json's message; its location, relative to a part, is taken out by the caller.
impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

/// The parts of the document kept as text until a `$ref` asks for them.
#[derive(Debug, Default)]
struct Deferred<'de> {
    /// `components.schemas`.
    schemas: Option<&'de RawValue>,
    /// `webhooks` and `x-webhooks`, by name.
    members: BTreeMap<String, &'de RawValue>,
}

impl<'de> Deferred<'de> {
    /// `document` with the deferred parts its `$ref`s reach parsed and put in place.
    fn complete(self, mut document: Value, text: &'de str) -> Result<Value, JsonError> {
        let parse = |raw: &RawValue| {
            serde_json::from_str::<Value>(raw.get())
                .map_err(|error| JsonError::in_part(error, raw.get(), text))
        };
        let Self {
            schemas,
            mut members,
        } = self;
        let mut pending: BTreeMap<String, &RawValue> = BTreeMap::new();
        let mut parsed = Map::new();
        if let Some(raw) = schemas {
            match serde_json::from_str::<BTreeMap<String, &RawValue>>(raw.get()) {
                Ok(by_name) => pending = by_name,
                // Not an object: the conversion finds no schema in it either way.
                Err(_) => {
                    let value = parse(raw)?;
                    set_schemas(&mut document, value);
                }
            }
        }
        let mut references = References::default();
        references.collect(&document);
        while let Some(reference) = references.new.pop() {
            let (schema_names, member_names) = match target(&reference) {
                Target::Elsewhere => continue,
                Target::Schemas(names) => (names, Vec::new()),
                Target::Member(name) => (Vec::new(), vec![name]),
                Target::Everything => (
                    pending.keys().cloned().collect(),
                    members.keys().cloned().collect(),
                ),
            };
            for name in schema_names {
                if let Some(raw) = pending.remove(&name) {
                    let value = parse(raw)?;
                    references.collect(&value);
                    parsed.insert(name, value);
                }
            }
            for name in member_names {
                if let Some(raw) = members.remove(&name) {
                    let value = parse(raw)?;
                    references.collect(&value);
                    insert(&mut document, name, value);
                }
            }
        }
        if schemas.is_some_and(|raw| raw.get().starts_with('{')) {
            set_schemas(&mut document, Value::Object(parsed));
        }
        Ok(document)
    }
}

/// `value` as the document's `components.schemas`.
fn set_schemas(document: &mut Value, value: Value) {
    if let Some(Value::Object(components)) = document.get_mut("components") {
        components.insert("schemas".into(), value);
    }
}

/// `value` as the top-level member `name`.
fn insert(document: &mut Value, name: String, value: Value) {
    if let Value::Object(document) = document {
        document.insert(name, value);
    }
}

/// The `$ref` strings met in parsed values, each once: the same few hundred references recur
/// thousands of times.
#[derive(Debug, Default)]
struct References {
    seen: HashSet<String>,
    /// The new ones, not followed yet.
    new: Vec<String>,
}

impl References {
    /// Every `$ref` string in `value`.
    fn collect(&mut self, value: &Value) {
        match value {
            Value::Object(object) => {
                for (key, value) in object {
                    match value {
                        Value::String(reference) if key == "$ref" => {
                            if !self.seen.contains(reference) {
                                self.seen.insert(reference.clone());
                                self.new.push(reference.clone());
                            }
                        }
                        value => self.collect(value),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.collect(item)),
            _ => {}
        }
    }
}

/// What a `$ref` may need of the deferred parts.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// Nothing deferred: another document, or a part that is always parsed.
    Elsewhere,
    /// The component schemas of these names.
    Schemas(Vec<String>),
    /// This top-level member.
    Member(String),
    /// A reference this reading does not follow exactly: everything.
    Everything,
}

/// What `reference` may need: resolved the way the conversion resolves it (a JSON pointer in the
/// fragment, `~1` and `~0` unescaped per token); percent-encoding is not decoded here, so any
/// `%` asks for everything.
fn target(reference: &str) -> Target {
    let Some(pointer) = reference.strip_prefix('#') else {
        return Target::Elsewhere;
    };
    if pointer.contains('%') || pointer.is_empty() {
        return Target::Everything;
    }
    let Some(pointer) = pointer.strip_prefix('/') else {
        return Target::Elsewhere;
    };
    let mut tokens = pointer.split('/').map(unescape);
    match tokens.next().as_deref() {
        Some("components") => match tokens.next().as_deref() {
            None => Target::Everything,
            Some("schemas") => match tokens.next() {
                None => Target::Everything,
                // The first token is where a pointer goes; the whole rest is the name the
                // conversion looks for when it finds recursive components.
                Some(first) => {
                    let whole = unescape(&reference[SCHEMA_PREFIX.len()..]);
                    Target::Schemas(vec![first, whole])
                }
            },
            Some(_) => Target::Elsewhere,
        },
        Some(member) if WEBHOOK_MEMBERS.contains(&member) => Target::Member(member.to_string()),
        _ => Target::Elsewhere,
    }
}

/// A JSON pointer token with `~1` and `~0` decoded, in that order.
fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Where a value is in the document: the root, `components`, or anywhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Root,
    Components,
}

/// The root or `components`, parsed with what it defers recorded in `deferred`.
struct Member<'s, 'de> {
    level: Level,
    deferred: &'s mut Deferred<'de>,
}

impl<'de> DeserializeSeed<'de> for Member<'_, 'de> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

// As `serde_json`'s own visitor for `Value`, but for the members of an object.
impl<'de> Visitor<'de> for Member<'_, 'de> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let Self { level, deferred } = self;
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // As `serde_json`: a repeated key keeps its last value, deferred or not.
            let value = match (level, key.as_str()) {
                (Level::Root, "components") => {
                    deferred.schemas = None;
                    map.next_value_seed(Member {
                        level: Level::Components,
                        deferred: &mut *deferred,
                    })?
                }
                (Level::Root, member) if WEBHOOK_MEMBERS.contains(&member) => {
                    deferred.members.insert(key.clone(), map.next_value()?);
                    object.remove(&key);
                    continue;
                }
                (Level::Components, "examples") => {
                    map.next_value::<IgnoredAny>()?;
                    object.remove(&key);
                    continue;
                }
                (Level::Components, "schemas") => {
                    deferred.schemas = Some(map.next_value()?);
                    object.remove(&key);
                    continue;
                }
                _ => map.next_value()?,
            };
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_component_examples_are_left_out() {
        let text = r#"{"openapi": "3.1.0", "x": [1, -2, 3.5, 1e300, true, null, "s"],
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"type": "string", "example": "a", "examples": ["b"]},
                "examples": {"one": {"value": 1}}}}}}}}},
            "components": {"schemas": {"examples": {"examples": [1]}},
                "examples": {"big": {"value": {"deep": [1, 2]}}}, "parameters": {}},
            "examples": 2, "components": {"examples": 3, "schemas": {}}}"#;
        let mut expected: Value = serde_json::from_str(text).unwrap();
        expected["components"]
            .as_object_mut()
            .unwrap()
            .remove("examples");
        assert_eq!(parse_json(text).unwrap(), expected);
        assert_eq!(
            parse_json("[1, {\"components\": 2}]").unwrap(),
            json!([1, {"components": 2}])
        );
        assert_eq!(parse_json("\"components\"").unwrap(), json!("components"));
    }

    #[test]
    fn schemas_and_webhooks_are_parsed_as_far_as_refs_reach() {
        let text = r##"{"openapi": "3.1.0",
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/A"}}}}}},
                "post": {"x-hook": {"$ref": "#/x-webhooks/pinged/post"}}}},
            "webhooks": {"other": {"$ref": "#/components/schemas/Unused"}},
            "x-webhooks": {"pinged": {"post": {"$ref": "#/components/schemas/Hooked"}}},
            "components": {"parameters": {"p": {"schema": {"$ref": "#/components/schemas/P~1Q"}}},
                "schemas": {
                    "A": {"properties": {"b": {"$ref": "#/components/schemas/B/properties/c"}}},
                    "B": {"properties": {"c": {"$ref": "#/components/schemas/A"}}},
                    "P/Q": {"type": "string"},
                    "Hooked": {"type": "integer"},
                    "Unused": {"$ref": "#/components/schemas/Unused2"},
                    "Unused2": {"type": "null"}}}}"##;
        let mut expected: Value = serde_json::from_str(text).unwrap();
        expected.as_object_mut().unwrap().remove("webhooks");
        let schemas = expected["components"]["schemas"].as_object_mut().unwrap();
        schemas.remove("Unused");
        schemas.remove("Unused2");
        assert_eq!(parse_json(text).unwrap(), expected);

        // A reference to every schema at once, or one this reading cannot follow exactly,
        // parses everything.
        for everything in ["#/components/schemas", "#/components/schemas/Caf%C3%A9"] {
            let text = format!(
                r#"{{"paths": {{"$ref": "{everything}"}}, "x-webhooks": {{"a": 1}},
                    "components": {{"schemas": {{"U": {{"type": "null"}}}}}}}}"#
            );
            assert_eq!(
                parse_json(&text).unwrap(),
                serde_json::from_str::<Value>(&text).unwrap()
            );
        }
        // No schema referred to: an empty `schemas`, as the conversion reads no schema.
        assert_eq!(
            parse_json(r#"{"components": {"schemas": {"U": {}}}, "webhooks": []}"#).unwrap(),
            json!({"components": {"schemas": {}}})
        );
        assert_eq!(
            parse_json(r#"{"components": {"schemas": [1]}}"#).unwrap(),
            json!({"components": {"schemas": [1]}})
        );
    }

    #[test]
    fn errors_are_serde_jsons() {
        for text in [
            "{\"a\": 1",
            "{\"a\": 1} x",
            "{\"components\": {\"examples\": [}}",
            "{\"components\": {\"schemas\": {\"A\": [}}}",
            "",
        ] {
            let ours = parse_json(text).unwrap_err();
            let theirs = serde_json::from_str::<Value>(text).unwrap_err();
            assert_eq!(
                (ours.line(), ours.column(), ours.classify()),
                (theirs.line(), theirs.column(), theirs.classify()),
                "{text}"
            );
        }
    }

    #[test]
    fn errors_found_in_a_deferred_part_are_located_in_the_whole_text() {
        // Checked only once the schema is parsed: a number out of range.
        let text = "{\"paths\": {\"$ref\": \"#/components/schemas/A\"},\n \"components\": \
                    {\"schemas\": {\"A\": {\"maximum\": 1e999}}}}";
        let ours = parse_json(text).unwrap_err();
        let theirs = serde_json::from_str::<Value>(text).unwrap_err();
        assert_eq!(
            (ours.line(), ours.column(), ours.classify()),
            (theirs.line(), theirs.column(), theirs.classify())
        );
    }
}
