//! Tasks: a tool call that takes long answers at once with a task, which the client polls and
//! may cancel. One store and one way of running them, two wire shapes:
//!
//! - 2026-07-28, the `io.modelcontextprotocol/tasks` extension (SEP-2663): the server decides
//!   which calls become tasks; `tasks/get` (result inline), `tasks/update` (answers to the
//!   task's questions), `tasks/cancel`.
//! - 2025-11-25, the experimental `tasks` capability: the client asks for a task
//!   (`params.task`); `tasks/get`, `tasks/result` (waits for the end), `tasks/list`,
//!   `tasks/cancel`, and `notifications/tasks/status` on the session.
//!
//! | file | owns |
//! |---|---|
//! | `support.rs` | [`TaskSupport`], a tool's policy, and the mount's [`TaskSettings`] |
//! | `store.rs` | [`TaskStore`], where task records live, and [`TaskRecord`] |
//! | `memory.rs` | [`MemoryTaskStore`], the bounded, expiring in-process default |
//! | `inbox.rs` | the questions a running task waits on, answered by `tasks/update` |
//! | `clock.rs` | milliseconds since the epoch, and their ISO 8601 form |
//! | `legacy.rs` | the 2025-11-25 shapes: `Task`, `CreateTaskResult`, the `tasks` capability |
//!
//! The store holds what a client can read of a task; the running call itself (the future that
//! is dropped on cancellation) stays in the process that started it.

mod clock;
pub(crate) mod inbox;
pub(crate) mod legacy;
mod memory;
mod store;
mod support;

pub(crate) use clock::now_ms;
pub use memory::MemoryTaskStore;
pub use store::{TaskRecord, TaskState, TaskStore, TaskStoreError};
pub use support::{TaskSettings, TaskSupport};
