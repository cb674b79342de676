//! The two apps of the split deployment — the tickets API and the MCP app — each with the same
//! bearer auth and request tracing, and the way the MCP app reaches the API.

use axum::Router;
use mcp_axum::{McpConfig, MountError, StandaloneMcp};
use mcp_web_remote::RemoteApi;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;

use crate::{auth::Bearer, routes::SharedState, tickets::api::ApiDoc};

/// How the MCP app's tool calls reach the API.
#[derive(Debug)]
pub(crate) enum Upstream {
    /// This Router, in this process: no socket.
    InProcess(Router),
    /// An API running elsewhere, over HTTP.
    Remote(RemoteApi),
}

/// The ticket API alone, behind the bearer check and tracing: what the API listener serves.
pub(crate) fn api(state: SharedState) -> Router {
    routes_with_auth(crate::routes::router(state.clone()), state)
}

/// The MCP configuration: every documented operation of the ticket API becomes a tool.
/// `MCP_STATELESS=1` serves every era without sessions, so that replicas behind a round-robin
/// proxy need no shared state.
pub(crate) fn mcp_config() -> McpConfig {
    let config = McpConfig::new(ApiDoc::openapi())
        .instructions("Ticket tracker: list, read, create and update support tickets.");
    match std::env::var("MCP_STATELESS").is_ok_and(|v| v == "1") {
        true => config.stateless(),
        false => config,
    }
}

/// The MCP app alone — `/mcp` and nothing else — behind the same bearer check and tracing as
/// the API. `state` holds the token the check accepts.
pub(crate) fn mcp(
    standalone: StandaloneMcp,
    upstream: Upstream,
    state: SharedState,
) -> Result<Router, MountError> {
    let endpoint = match upstream {
        Upstream::InProcess(api) => standalone.in_process(api)?,
        Upstream::Remote(api) => standalone.remote(api)?,
    };
    Ok(routes_with_auth(endpoint, state))
}

/// `router` behind the bearer check (as an axum extractor) and request tracing.
fn routes_with_auth(router: Router, state: SharedState) -> Router {
    router
        .layer(axum::middleware::from_extractor_with_state::<Bearer, _>(
            state,
        ))
        .layer(TraceLayer::new_for_http())
}

#[cfg(test)]
mod tests {
    use std::{net::SocketAddr, sync::Arc};

    use mcp_test_support::{protocol, reply, tcp::Endpoint};
    use serde_json::{Value, json};

    use super::*;
    use crate::tickets::api::AppState;

    const TOKEN: &str = "split-token";
    const AUTH: (&str, &str) = ("authorization", "Bearer split-token");

    fn state() -> SharedState {
        Arc::new(AppState::new(TOKEN, "demo"))
    }

    /// Serve `router` on a loopback port; its address.
    async fn serve(router: Router) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        address
    }

    /// A 2026-07-28 `tools/call` over TCP; the raw HTTP response.
    async fn call_raw(mcp: SocketAddr, tool: &str, arguments: Value, auth: bool) -> String {
        let params = protocol::with_modern_meta(json!({"name": tool, "arguments": arguments}));
        let message = protocol::request(1, "tools/call", params.clone()).to_string();
        let mut headers = protocol::modern_headers("tools/call", &params);
        if auth {
            headers.push(AUTH);
        }
        Endpoint::new(mcp, "/mcp")
            .exchange("POST", &headers, &message)
            .await
    }

    async fn call(mcp: SocketAddr, tool: &str, arguments: Value) -> Value {
        let response = call_raw(mcp, tool, arguments, true).await;
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        let body = &response[response.find("\r\n\r\n").unwrap() + 4..];
        reply::message(body)["result"].clone()
    }

    /// The status line of a `GET` of `path` with the token.
    async fn get(address: SocketAddr, path: &str) -> String {
        let response = Endpoint::new(address, path)
            .exchange("GET", &[AUTH], "")
            .await;
        response.lines().next().unwrap().to_string()
    }

    #[tokio::test]
    async fn in_process_the_mcp_app_serves_tools_and_only_tools() {
        let state = state();
        let api_router = api(state.clone());
        let api_address = serve(api_router.clone()).await;
        let standalone = StandaloneMcp::new("/mcp", mcp_config());
        let mcp_router = mcp(standalone, Upstream::InProcess(api_router), state).unwrap();
        let mcp_address = serve(mcp_router).await;

        let created = call(mcp_address, "create_ticket", json!({"title": "split"})).await;
        assert_eq!(created["isError"], false, "{created}");
        let id = created["structuredContent"]["id"].clone();
        // The ticket is in the API's store: the call went into the API in-process.
        let listed = Endpoint::new(api_address, format!("/tickets/{id}"))
            .exchange("GET", &[AUTH], "")
            .await;
        assert!(listed.starts_with("HTTP/1.1 200"), "{listed}");
        assert!(listed.contains("\"title\":\"split\""), "{listed}");
        // The API's routes are not on the MCP listener; the token is checked there too.
        assert!(get(mcp_address, "/tickets").await.contains("404"));
        let anonymous = call_raw(mcp_address, "list_tickets", json!({}), false).await;
        assert!(anonymous.starts_with("HTTP/1.1 401"), "{anonymous}");
    }

    #[tokio::test]
    async fn remote_the_mcp_app_calls_the_api_with_its_service_credential() {
        let state = state();
        let api_address = serve(api(state.clone())).await;
        let base = format!("http://{api_address}");
        let service = http::HeaderValue::from_str(&format!("Bearer {TOKEN}")).unwrap();
        let remote = RemoteApi::new(&base).unwrap().service_credential(service);
        let standalone = StandaloneMcp::new("/mcp", mcp_config());
        let mcp_address =
            serve(mcp(standalone, Upstream::Remote(remote), state.clone()).unwrap()).await;
        let created = call(mcp_address, "create_ticket", json!({"title": "far"})).await;
        assert_eq!(created["isError"], false, "{created}");
        assert_eq!(created["structuredContent"]["title"], "far");

        // Without a chosen credential, the caller's token stays with the MCP app: the API
        // refuses the call, and the client sees why.
        let bare = RemoteApi::new(&base).unwrap();
        let standalone = StandaloneMcp::new("/mcp", mcp_config());
        let mcp_address = serve(mcp(standalone, Upstream::Remote(bare), state).unwrap()).await;
        let refused = call(mcp_address, "list_tickets", json!({})).await;
        assert_eq!(refused["isError"], true, "{refused}");
        assert!(refused.to_string().contains("401"), "{refused}");
    }
}
