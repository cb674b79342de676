//! Test helpers shared by the workspace's test suites (the core's and both adapters'): the MCP
//! messages and headers of both protocol eras, the JSON-RPC messages in a reply body, raw
//! HTTP/1.1 exchanges with a served mount, and seeded input generation for fuzz tests.
//!
//! Independent of the web frameworks and of `mcp-web-core`, so that every crate can use it.
//!
//! ```
//! use mcp_test_support::{protocol, reply};
//!
//! let list = protocol::request(1, "tools/list", serde_json::json!({}));
//! assert_eq!(list["method"], "tools/list");
//! let body = "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n";
//! assert_eq!(reply::message(body)["id"], 1);
//! ```

pub mod documents;
pub mod fuzz;
pub mod protocol;
pub mod reply;
pub mod tcp;
