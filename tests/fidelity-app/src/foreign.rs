//! Any OpenAPI document, mounted with discovery mode on, every operation answered by one echo
//! handler: how `tests/e2e/test_discovery.py` tries tool search on a large real API (GitHub's
//! REST description from the corpus) without that API's server.
//!
//! `FIDELITY_OPENAPI=path/to/openapi.json cargo run -p fidelity-app`

use std::{error::Error, path::Path};

use axum::{Json, Router, body::Bytes, http::Method, http::Uri};
use mcp_axum::{McpConfig, RouterExt, ToolSearch};
use serde_json::{Value, json};

/// The document at `path` mounted at `/mcp` over the echo handler, and the config's shutdown
/// handle.
pub(crate) fn app(path: &Path) -> Result<(Router, mcp_axum::ShutdownHandle), Box<dyn Error>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("FIDELITY_OPENAPI={}: {e}", path.display()))?;
    let document: Value = serde_json::from_str(&text)
        .map_err(|e| format!("FIDELITY_OPENAPI={}: not JSON: {e}", path.display()))?;
    let config = McpConfig::from_json(document).tool_search(ToolSearch::new());
    let shutdown = config.shutdown_handle();
    Ok((
        Router::new().fallback(echo).mount_http("/mcp", config),
        shutdown,
    ))
}

/// The request as the in-process call made it.
async fn echo(method: Method, uri: Uri, body: Bytes) -> Json<Value> {
    Json(json!({
        "method": method.as_str(),
        "path": uri.path(),
        "query": uri.query(),
        "body": String::from_utf8_lossy(&body),
    }))
}
