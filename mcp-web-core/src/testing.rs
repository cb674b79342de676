//! Not part of the API: what this repository's own integration tests reach inside the crate for.
//! It may change in any release.

use serde_json::Value;

use crate::schema::instance::{InPlace, Instance};

/// Whether `schema` accepts the JSON document `body` as the mount checks a tool's answer (read
/// in place, not as a `Value`); `None` when the schema does not compile or `body` is not JSON.
pub fn output_schema_accepts(schema: &Value, body: &[u8]) -> Option<bool> {
    let validator = jsonschema::options_for::<InPlace>().build(schema).ok()?;
    let instance = Instance::read(body).ok()?;
    Some(validator.is_valid(&instance))
}
