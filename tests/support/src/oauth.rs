//! What both adapters' OAuth tests mount: a small OpenAPI document whose operations need OAuth
//! scopes, one through the document's global requirement and one through its own.

use serde_json::{Value, json};

/// `GET /notes` (`list_notes`) needs `notes:read`, the document's requirement; `POST /notes`
/// (`create_note`) needs `notes:write`, its own.
pub fn scoped_notes_document() -> Value {
    let ok = json!({"200": {"description": "ok",
        "content": {"text/plain": {"schema": {"type": "string"}}}}});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "notes", "version": "1"},
        "security": [{"oauth2": ["notes:read"]}],
        "paths": {"/notes": {
            "get": {"operationId": "list_notes", "responses": ok},
            "post": {"operationId": "create_note",
                     "security": [{"oauth2": ["notes:write"]}], "responses": ok}
        }}
    })
}
