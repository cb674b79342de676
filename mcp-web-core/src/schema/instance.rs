//! A JSON document read in place, for checking a tool's answer against its output schema: strings
//! and member names borrowed from the body's bytes, numbers as `serde_json` reads them, objects
//! and arrays as vectors. Validated by the same `jsonschema` validator as a `serde_json::Value`
//! would be (its representation traits), but read with a few allocations instead of one per
//! key, string and map node — the answer itself is written out from the bytes, never from this.
//!
//! It reads as `Value` reads: a repeated member keeps its last value, at its first place.

use std::borrow::Cow;

use jsonschema::{
    JsonType,
    json::{Array, Json, Node, NodeIdentity, Object},
};
use serde_json::{Number, Value};

use crate::json::{NotJson, reader};

/// One JSON value of a document read in place.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum Instance<'a> {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Instance<'a>>),
    Object(Vec<(Cow<'a, str>, Instance<'a>)>),
}

/// The validator of an output schema for answers read in place; `None` when the schema does
/// not compile. What the mount checks answers with, and the corpus test too.
pub(crate) fn output_validator(schema: &Value) -> Option<jsonschema::Validator<InPlace>> {
    jsonschema::options_for::<InPlace>().build(schema).ok()
}

impl<'a> Instance<'a> {
    /// Read `bytes` as one JSON document, as `serde_json::from_slice::<Value>` would.
    pub(crate) fn read(bytes: &'a [u8]) -> Result<Self, NotJson> {
        reader::document(std::str::from_utf8(bytes).map_err(|_| NotJson)?)
    }

    pub(crate) fn is_object(&self) -> bool {
        matches!(self, Instance::Object(_))
    }
}

/// The representation of [`Instance`] for `jsonschema`: validators built with
/// `jsonschema::options_for::<InPlace>()` check a `&Instance`.
pub(crate) struct InPlace;

impl Json for InPlace {
    type Node<'a> = &'a Instance<'a>;
    type PreparedKey = String;
    type StringBuffer = Instance<'static>;

    // A lookup is a scan of the members: a members pass is never the costlier.
    const KEYS_PER_LOOKUP: usize = 64;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(
        buffer: &mut Instance<'static>,
        string: &str,
        f: impl FnOnce(Self::Node<'_>) -> T,
    ) -> T {
        match buffer {
            Instance::String(Cow::Owned(text)) => {
                text.clear();
                text.push_str(string);
            }
            _ => *buffer = Instance::String(Cow::Owned(string.to_owned())),
        }
        f(buffer)
    }
}

impl<'a> Node<'a, InPlace> for &'a Instance<'a> {
    type Object = &'a [(Cow<'a, str>, Instance<'a>)];
    type Array = &'a [Instance<'a>];
    type Number = &'a Number;

    fn as_object(&self) -> Option<Self::Object> {
        match self {
            Instance::Object(members) => Some(members),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<Self::Array> {
        match self {
            Instance::Array(items) => Some(items),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match self {
            Instance::String(text) => Some(Cow::Borrowed(&**text)),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<&'a Number> {
        match self {
            Instance::Number(number) => Some(number),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self {
            Instance::Bool(value) => Some(*value),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self, Instance::Null)
    }

    fn json_type(&self) -> JsonType {
        match self {
            Instance::Null => JsonType::Null,
            Instance::Bool(_) => JsonType::Boolean,
            Instance::Number(_) => JsonType::Number,
            Instance::String(_) => JsonType::String,
            Instance::Array(_) => JsonType::Array,
            Instance::Object(_) => JsonType::Object,
        }
    }

    // `enum` and `const` of scalars, the usual case, without building a `Value`.
    fn equals_value(&self, expected: &Value) -> bool {
        match (self, expected) {
            (Instance::Null, Value::Null) => true,
            (Instance::Bool(value), Value::Bool(other)) => value == other,
            (Instance::String(text), Value::String(other)) => text == other,
            (Instance::Number(number), Value::Number(other)) => {
                jsonschema::json::cmp::equal_numbers(number, other)
            }
            (Instance::Array(_), Value::Array(_)) | (Instance::Object(_), Value::Object(_)) => {
                jsonschema::json::cmp::equal(&self.to_value(), expected)
            }
            _ => false,
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(Value::from(*self))
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(
            std::ptr::from_ref::<Instance<'_>>(*self) as usize
        ))
    }
}

impl From<&Instance<'_>> for Value {
    fn from(instance: &Instance<'_>) -> Self {
        match instance {
            Instance::Null => Value::Null,
            Instance::Bool(value) => Value::Bool(*value),
            Instance::Number(number) => Value::Number(number.clone()),
            Instance::String(text) => Value::String(text.to_string()),
            Instance::Array(items) => Value::Array(items.iter().map(Value::from).collect()),
            Instance::Object(members) => Value::Object(
                (members.iter())
                    .map(|(name, value)| (name.to_string(), Value::from(value)))
                    .collect(),
            ),
        }
    }
}

/// The members of an object, by name.
pub(crate) struct Members<'a>(std::slice::Iter<'a, (Cow<'a, str>, Instance<'a>)>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a Instance<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(name, value)| (&**name, value))
    }
}

impl<'a> Object<'a, InPlace> for &'a [(Cow<'a, str>, Instance<'a>)] {
    type Node = &'a Instance<'a>;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        <[_]>::len(self)
    }

    fn get(&self, key: &String) -> Option<&'a Instance<'a>> {
        self.iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value)
    }

    fn members(&self) -> Members<'a> {
        Members(self.iter())
    }
}

impl<'a> Array<'a, InPlace> for &'a [Instance<'a>] {
    type Node = &'a Instance<'a>;
    type ElementsIter = std::slice::Iter<'a, Instance<'a>>;

    fn len(&self) -> usize {
        <[_]>::len(self)
    }

    fn elements(&self) -> Self::ElementsIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn meets_the_representation_contract_of_jsonschema() {
        let text = jsonschema::json::conformance::document().to_string();
        let document = Instance::read(text.as_bytes()).unwrap();
        jsonschema::json::conformance::assert_conformance::<InPlace>(&&document);
    }

    #[test]
    fn reads_as_value_reads() {
        let texts = [
            r#"{"a":1,"b":[true,null,"x\u00e9\n"],"a":{"z":-2.5e3}}"#,
            r#"[1, 18446744073709551615, -9223372036854775808, 1.0, 1e400]"#,
            r#""plain""#,
            r#"{"k\"ey":"v","":{}}"#,
        ];
        for text in texts {
            let value: Result<Value, _> = serde_json::from_str(text);
            let instance = Instance::read(text.as_bytes());
            match (value, instance) {
                (Ok(value), Ok(instance)) => assert_eq!(Value::from(&instance), value, "{text}"),
                (Err(_), Err(_)) => {}
                (value, instance) => panic!("{text}: {value:?} / {instance:?}"),
            }
        }
        for broken in [&b"{\"a\":"[..], b"[1,]", b"\xff", b"{} {}"] {
            assert!(Instance::read(broken).is_err());
        }
    }

    #[test]
    fn validates_as_a_value_would() {
        let schema = json!({
            "type": "object",
            "required": ["id", "status"],
            "properties": {
                "id": {"type": "integer", "minimum": 1},
                "status": {"enum": ["open", "closed"]},
                "size": {"const": 2},
                "labels": {"type": "array", "items": {"type": "string", "maxLength": 3}, "uniqueItems": true},
                "owner": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/User"}]}
            },
            "additionalProperties": false,
            "$defs": {"User": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}}
        });
        let by_value = jsonschema::validator_for(&schema).unwrap();
        let in_place = output_validator(&schema).unwrap();
        let instances = [
            r#"{"id":1,"status":"open"}"#,
            r#"{"id":1.0,"status":"closed","size":2.0}"#,
            r#"{"id":0,"status":"open"}"#,
            r#"{"id":1,"status":"pending"}"#,
            r#"{"id":1}"#,
            r#"{"id":1,"status":"open","labels":["ab","cd"]}"#,
            r#"{"id":1,"status":"open","labels":["ab","ab"]}"#,
            r#"{"id":1,"status":"open","labels":["abcd"]}"#,
            r#"{"id":1,"status":"open","labels":["éé"]}"#,
            r#"{"id":1,"status":"open","owner":null}"#,
            r#"{"id":1,"status":"open","owner":{"name":"a"}}"#,
            r#"{"id":1,"status":"open","owner":{}}"#,
            r#"{"id":1,"status":"open","extra":true}"#,
            r#"{"id":"1","status":"open"}"#,
            r#"{"id":1,"status":"closed","status":"nope"}"#,
            r#"{"id":1,"status":"nope","status":"open"}"#,
            r#"[1]"#,
        ];
        for text in instances {
            let value: Value = serde_json::from_str(text).unwrap();
            let instance = Instance::read(text.as_bytes()).unwrap();
            assert_eq!(
                in_place.is_valid(&instance),
                by_value.is_valid(&value),
                "{text}"
            );
        }
    }
}
