//! OpenAPI documents that both adapters' tests mount, so that the axum and actix-web suites test
//! the same API.

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

/// `GET /items/{name}` (`get_item`) and `GET /whoami` (`whoami`), both answering JSON objects:
/// what the standalone-app tests serve.
pub fn items_document() -> Value {
    let ok = json!({"200": {"description": "ok",
        "content": {"application/json": {"schema": {"type": "object"}}}}});
    json!({
        "openapi": "3.1.0", "info": {"title": "items", "version": "1"},
        "paths": {
            "/items/{name}": {"get": {"operationId": "get_item",
                "parameters": [{"name": "name", "in": "path", "required": true,
                                "schema": {"type": "string"}}],
                "responses": ok}},
            "/whoami": {"get": {"operationId": "whoami", "responses": ok}}
        }
    })
}
