//! Tasks (the `io.modelcontextprotocol/tasks` extension, SEP-2663, of 2026-07-28): a tool call
//! that takes long answers at once with a task, which the client polls (`tasks/get`), answers
//! questions of (`tasks/update`) and may cancel (`tasks/cancel`).
//!
//! | file | owns |
//! |---|---|
//! | `support.rs` | [`TaskSupport`], a tool's policy, and the mount's [`TaskSettings`] |
//! | `store.rs` | [`TaskStore`], where task records live, and [`TaskRecord`] |
//! | `memory.rs` | [`MemoryTaskStore`], the bounded, expiring in-process default |
//! | `inbox.rs` | the questions a running task waits on, answered by `tasks/update` |
//! | `clock.rs` | milliseconds since the epoch, and their ISO 8601 form |
//!
//! The store holds what a client can read of a task; the running call itself (the future that
//! is dropped on cancellation) stays in the process that started it.

mod clock;
pub(crate) mod inbox;
mod memory;
mod store;
mod support;

pub(crate) use clock::now_ms;
pub use memory::MemoryTaskStore;
pub use store::{TaskRecord, TaskState, TaskStore, TaskStoreError};
pub use support::{TaskSettings, TaskSupport};
