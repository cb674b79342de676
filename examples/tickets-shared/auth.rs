//! Who may call the API, and the token check both examples' auth runs.
//!
//! Nothing here knows about MCP: the MCP mount forwards the client's `Authorization` header onto
//! every in-process tool call, so the same check guards both doors.

use crate::tickets::error::ApiFailure;

/// One token, owned by one user (enough for a demo).
#[derive(Debug)]
pub(crate) struct Credentials {
    /// The accepted bearer token.
    pub(crate) token: String,
    /// The user it authenticates.
    pub(crate) user: String,
}

impl Credentials {
    /// The user `token` belongs to, or a 401.
    pub(crate) fn user_of(&self, token: &str) -> Result<&str, ApiFailure> {
        if same_secret(token.as_bytes(), self.token.as_bytes()) {
            Ok(&self.user)
        } else {
            Err(ApiFailure::unauthorized("invalid bearer token"))
        }
    }
}

/// Compare without stopping at the first differing byte, so timing does not leak the token.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0, |diff, (a, b)| diff | (a ^ b))
            == 0
}
