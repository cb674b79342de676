//! Not part of the API: what this repository's own integration tests reach inside the crate for.
//! It may change in any release.

use serde_json::Value;

use crate::schema::{instance::Instance, text_check::OutputChecks};

/// An output schema as the mount checks a tool's answer against it: read in place, not as a
/// `Value`.
pub struct OutputCheck(OutputChecks);

impl std::fmt::Debug for OutputCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutputCheck").finish_non_exhaustive()
    }
}

impl OutputCheck {
    /// `None` when the schema does not compile.
    pub fn new(schema: &Value) -> Option<Self> {
        OutputChecks::new(schema).map(Self)
    }

    /// Whether the schema has a one-pass check (the mount's fast path): it uses only the
    /// keywords that check covers.
    pub fn has_one_pass_check(&self) -> bool {
        self.0.one_pass.is_some()
    }

    /// What the one-pass check decides of `body`: `None` when it has no plan for this schema,
    /// is unsure, or `body` is not JSON (the mount then runs the full check).
    pub fn one_pass_verdict(&self, body: &[u8]) -> Option<bool> {
        self.0
            .one_pass
            .as_ref()?
            .verdict(std::str::from_utf8(body).ok()?)
    }

    /// Whether the JSON document `body` is accepted; `None` when it is not JSON.
    pub fn accepts(&self, body: &[u8]) -> Option<bool> {
        let instance = Instance::read(body).ok()?;
        Some(self.0.full.is_valid(&instance))
    }
}
