//! Curated tools that run as tasks, shared by the tasks tests of both eras: [`export`]
//! (optional, done after 50 ms), [`hang`] (required, never done; its [`DropFlag`] tells when
//! its future is dropped), [`fails`] (optional, a tool error after 20 ms) and [`quick`] (never
//! a task, done after 20 ms).

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use mcp_web_core::{
    curated::{CallContext, CuratedTool, HandlerError},
    tasks::TaskSupport,
};
use schemars::JsonSchema;
use serde::Deserialize;

/// The arguments of a tool that takes none.
#[derive(Deserialize, JsonSchema)]
pub(crate) struct NoArguments {}

/// Sets its flag when dropped: held by a call's future, it tells that the future was dropped.
pub(crate) struct DropFlag(pub(crate) Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// `export`: may run as a task; answers "exported" after 50 ms.
pub(crate) fn export() -> CuratedTool {
    CuratedTool::new(
        "export",
        "Exports after a while",
        |_: NoArguments, _: CallContext| async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok("exported".to_string())
        },
    )
    .task_support(TaskSupport::Optional)
}

/// `hang`: runs only as a task and never finishes; sets `dropped` when its future is dropped.
pub(crate) fn hang(dropped: Arc<AtomicBool>) -> CuratedTool {
    CuratedTool::new(
        "hang",
        "Never finishes",
        move |_: NoArguments, _: CallContext| {
            let flag = DropFlag(dropped.clone());
            async move {
                let _flag = flag;
                std::future::pending::<()>().await;
                Ok("never".to_string())
            }
        },
    )
    .task_support(TaskSupport::Required)
}

/// `fails`: may run as a task; a tool error ("no luck") after 20 ms.
pub(crate) fn fails() -> CuratedTool {
    CuratedTool::new(
        "fails",
        "A tool error, later",
        |_: NoArguments, _: CallContext| async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            Err::<String, _>(HandlerError::new("no luck"))
        },
    )
    .task_support(TaskSupport::Optional)
}

/// `quick`: never a task; answers "quick" after 20 ms.
pub(crate) fn quick() -> CuratedTool {
    CuratedTool::new(
        "quick",
        "Never a task",
        |_: NoArguments, _: CallContext| async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok("quick".to_string())
        },
    )
}
