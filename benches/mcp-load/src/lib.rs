//! # mcp-load: the MCP mount measured the way a client sees it
//!
//! Real HTTP/1.1 over loopback, many keep-alive connections, REST and MCP side by side in the same
//! run. The binaries:
//!
//! - `mcp-load` — throughput of `GET /tickets/1` (direct REST) against `tools/call get_ticket` in
//!   both protocol eras (2026-07-28 stateless, and calls inside one 2025-11-25 session), reported
//!   as ratios, plus the latency of sequential calls on one connection;
//! - `session-memory` — the resident memory of 10,000 idle 2025-11-25 sessions;
//! - `tools-list-size` — the compact JSON size of a preview's `tools/list`.
//!
//! Run them through `scripts/bench-load.sh`, `scripts/bench-sessions.sh` and
//! `scripts/bench-preview.sh`; BENCHMARKS.md has the commands and the figures.

pub mod args;
pub mod http;
pub mod load;
pub mod mcp;
pub mod report;
pub mod server;
