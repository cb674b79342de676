//! The fast lane: `tools/call`s of generated tools that can only ever answer once, served
//! without rmcp's per-request machinery and answered in a single JSON write.
//!
//! rmcp serves every stateless request with a service task of its own and every session
//! request through the session worker's channels, then answers with an SSE stream written in
//! pieces. That costs tens of microseconds per call, and on hosts whose listener does not set
//! `TCP_NODELAY` (axum's and actix-web's defaults) the pieces meet Nagle's algorithm and the
//! client's delayed ACK: ~40 ms per call. A generated tool called without a progress token and
//! without log messages asked for has exactly one thing to say, so none of that is needed.
//!
//! The lane takes only what it checks completely. Everything else — other methods, curated
//! tools, unusual headers or metadata, unknown sessions — goes to rmcp untouched, and rmcp stays
//! the reference for every error answer.

//!
//! | file | owns |
//! |---|---|
//! | `admission.rs` | which requests the lane takes, from the headers and then the message |
//! | `answer.rs` | running the call and shaping its answer as rmcp would |
//! | `book.rs` | calls in flight per session (for cancellation) |
//! | `headers.rs` | the headers the lane decides on, found in one pass |
//! | `logs.rs` | the log messages of a call that may stream, queued for its answer |
//! | `wire.rs` | the shapes messages are read into |

mod admission;
mod answer;
mod book;
mod headers;
mod logs;
#[cfg(test)]
mod tests;
mod wire;

pub(crate) use admission::{
    Admission, Entry, Era, Hosts, LaneCall, MCP_PROTOCOL_VERSION, MCP_SESSION_ID,
    cancelled_request, method_of, tools_call,
};
pub(crate) use answer::{Outcome, answer, json_response};
pub(crate) use book::SessionBook;
pub(crate) use logs::LogSender;
