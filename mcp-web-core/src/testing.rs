//! Not part of the API: what this repository's own integration tests reach inside the crate for.
//! It may change in any release.

use serde_json::Value;

use crate::schema::instance::{self, InPlace, Instance};

/// An output schema as the mount checks a tool's answer against it: read in place, not as a
/// `Value`.
pub struct OutputCheck(jsonschema::Validator<InPlace>);

impl std::fmt::Debug for OutputCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutputCheck").finish_non_exhaustive()
    }
}

impl OutputCheck {
    /// `None` when the schema does not compile.
    pub fn new(schema: &Value) -> Option<Self> {
        instance::output_validator(schema).map(Self)
    }

    /// Whether the JSON document `body` is accepted; `None` when it is not JSON.
    pub fn accepts(&self, body: &[u8]) -> Option<bool> {
        let instance = Instance::read(body).ok()?;
        Some(self.0.is_valid(&instance))
    }
}
