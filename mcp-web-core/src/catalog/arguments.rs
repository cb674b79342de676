//! The tool's input schema while one operation is converted: the arguments its parameters and
//! request body add, which of them are required, the `$defs` their schemas need, and the
//! keywords of an object body that constrain its properties together.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::schema::with_defs;

/// Arguments gathered so far, in the order they were added.
#[derive(Debug, Default)]
pub(super) struct Arguments {
    properties: Map<String, Value>,
    required: Vec<Value>,
    defs: BTreeMap<String, Value>,
    /// Root keywords other than `type`, `properties` and `required` (`additionalProperties`,
    /// `if`, `anyOf`, …).
    constraints: Map<String, Value>,
}

impl Arguments {
    /// Whether an argument of this name was already added.
    pub(super) fn contains(&self, name: &str) -> bool {
        self.properties.contains_key(name)
    }

    /// Add the argument `name` with its schema.
    pub(super) fn add(&mut self, name: String, schema: Value, required: bool) {
        if required {
            self.required.push(Value::String(name.clone()));
        }
        self.properties.insert(name, schema);
    }

    /// Components an argument's schema refers to under `#/$defs/`.
    pub(super) fn add_defs(&mut self, defs: impl IntoIterator<Item = (String, Value)>) {
        self.defs.extend(defs);
    }

    /// Constrain the arguments together with the root keyword `keyword` (`additionalProperties`,
    /// `if`, `anyOf`, …).
    pub(super) fn constrain(&mut self, keyword: String, value: Value) {
        self.constraints.insert(keyword, value);
    }

    /// The input schema: an object of the arguments, with `$defs` when they need any.
    pub(super) fn into_schema(self) -> Map<String, Value> {
        let mut input = self.constraints;
        input.insert("type".into(), json!("object"));
        input.insert("properties".into(), Value::Object(self.properties));
        if !self.required.is_empty() {
            input.insert("required".into(), Value::Array(self.required));
        }
        with_defs(input, self.defs)
    }
}
