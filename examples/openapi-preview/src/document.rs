//! A JSON document read into a [`Value`] without `components.examples`, which no conversion reads:
//! the conversion reads schemas, parameters, bodies and responses, never an Example Object (a
//! schema's own `example`/`examples` stay). In GitHub's REST description they are a seventh of
//! the text (1.8 of 13 MB), parsed into JSON values for nothing: skipping them while parsing saves
//! that time and memory.
//! Everything else is exactly the [`Value`] `serde_json::from_str` gives.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// `text` parsed as `serde_json::from_str` parses it, `components.examples` left out.
pub(crate) fn parse_json(text: &str) -> serde_json::Result<Value> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Level::Root.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// Where a value is in the document: the root, `components`, or anywhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Root,
    Components,
}

impl<'de> DeserializeSeed<'de> for Level {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

// As `serde_json`'s own visitor for `Value`, but for the members of an object.
impl<'de> Visitor<'de> for Level {
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
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = match (self, key.as_str()) {
                (Level::Root, "components") => map.next_value_seed(Level::Components)?,
                (Level::Components, "examples") => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                _ => map.next_value()?,
            };
            // As `serde_json`: a repeated key keeps its last value.
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
    fn errors_are_serde_jsons() {
        for text in [
            "{\"a\": 1",
            "{\"a\": 1} x",
            "{\"components\": {\"examples\": [}}",
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
}
