//! A handler of typed arguments as the server calls every curated tool and prompt: the JSON
//! arguments are parsed into the handler's own type first (a clear `-32602` when they do not
//! fit), and its result is turned into the protocol's.

use std::{future::Future, sync::Arc};

use futures::{FutureExt, future::BoxFuture};
use rmcp::model::JsonObject;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{CallContext, HandlerError};

/// A type-erased handler, as the server stores it.
pub(super) type ErasedHandler<Out> =
    dyn Fn(JsonObject, CallContext) -> BoxFuture<'static, Result<Out, HandlerError>> + Send + Sync;

/// Erase `handler` of arguments `A` for the `kind` (tool, prompt) called `name`; `finish` turns
/// its result into the protocol's.
pub(super) fn erase<A, R, Out, F, Fut>(
    kind: &'static str,
    name: &str,
    handler: F,
    finish: fn(R) -> Result<Out, HandlerError>,
) -> Arc<ErasedHandler<Out>>
where
    A: DeserializeOwned + Send + 'static,
    R: 'static,
    Out: Send + 'static,
    F: Fn(A, CallContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, HandlerError>> + Send + 'static,
{
    let name = name.to_string();
    Arc::new(move |arguments: JsonObject, cx: CallContext| {
        match serde_json::from_value::<A>(Value::Object(arguments)) {
            Ok(arguments) => handler(arguments, cx)
                .map(move |result| result.and_then(finish))
                .boxed(),
            Err(e) => {
                let why = format!("Invalid arguments for {kind} '{name}': {e}");
                futures::future::ready(Err(HandlerError::invalid_params(why))).boxed()
            }
        }
    })
}
