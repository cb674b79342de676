//! Tool calls of an mcp-web server sent over HTTP to an API that runs elsewhere: [`RemoteApi`],
//! the `Dispatcher` of a standalone MCP app that does not share a process with its API.
//!
//! The MCP app builds each call's request exactly as a mount does; [`RemoteApi`] sends it to the
//! API's base URL with a pooled HTTP/1.1 client and hands the API's answer back to the same core
//! code that maps in-process answers, so statuses, bodies and streamed responses become the same
//! tool results. Failures to reach the API become tool errors that say what broke.
//!
//! ```
//! use mcp_web_remote::RemoteApi;
//!
//! let api = RemoteApi::new("http://10.0.0.5:3000")
//!     .unwrap()
//!     .service_credential(http::HeaderValue::from_static("Bearer mcp-service-token"));
//! // mcp_axum::StandaloneMcp::new("/mcp", config).remote(api) (or mcp_actix's, the same)
//! # let _ = api;
//! ```
//!
//! # Credentials
//!
//! The API is another resource server, and the MCP authorization spec forbids passing the
//! client's token through to it. So by default no credential of the caller goes upstream — the
//! `Authorization` and `Proxy-Authorization` a call would carry in-process are removed — and you
//! choose one of:
//!
//! - [`service_credential`](RemoteApi::service_credential): the MCP app's own `Authorization`;
//! - [`map_headers`](RemoteApi::map_headers): headers computed from the MCP request's (e.g. a
//!   token exchanged for the caller, a tenant id);
//! - [`forward_caller_authorization`](RemoteApi::forward_caller_authorization): the caller's own
//!   `Authorization`, when the API accepts the same tokens (it is the same resource server).
//!
//! # Timeouts and retries
//!
//! Connecting may take [`connect_timeout`](RemoteApi::connect_timeout) (5 s); the response head
//! and each later piece of its body [`read_timeout`](RemoteApi::read_timeout) (30 s); the whole
//! call, the mount's `call_timeout` as for any call. A request that could not connect is tried
//! again, at most [`connect_retries`](RemoteApi::connect_retries) times (2), and only when its
//! method is idempotent; nothing that reached the API is sent twice. Dropping a call (the client
//! cancelled, the call timed out) closes its upstream connection, so the API sees the request
//! end.
//!
//! | module | owns |
//! |---|---|
//! | `api` | [`RemoteApi`]: the settings, the client, one call and its retries |
//! | `base` | the API's base URL and each call's URL under it |
//! | `credentials` | what goes upstream of the caller's headers |
//! | `body` | the API's response body, with the read timeout between its pieces |

mod api;
mod base;
mod body;
mod credentials;

pub use api::RemoteApi;
