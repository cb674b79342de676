//! In-process calls: from the core's `Send` [`Dispatcher`] to the actix worker that received the
//! MCP request, and through that worker's instance of the host's App.
//!
//! actix-web builds one App service per worker thread, and it is `!Send`. So each worker runs
//! one small task, started when its App is built, that receives calls over a channel and serves
//! each on that worker, through the full App (every `.wrap(..)` middleware, extractor and
//! `app_data` included). The MCP endpoint of that worker stamps every MCP request with the
//! channel ([`ReceivedBy`]); the core hands that request back to [`WorkerDispatcher`] with each
//! tool call, which is how a call finds its way to the right worker. The API workers of a
//! standalone MCP app serve calls the same way ([`call_on`]), picked by
//! [`InProcessApi`](crate::InProcessApi).

use std::{
    net::SocketAddr,
    panic::AssertUnwindSafe,
    rc::{Rc, Weak},
    task::Poll,
};

use actix_http::Request as ActixRequest;
use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
};
use bytes::Bytes;
use futures_util::{FutureExt, future::BoxFuture};
use mcp_web_core::{CallError, DispatchBody, Dispatcher};
use tokio::sync::{mpsc, oneshot};

use crate::{body, edge};

/// One in-process call on its way to a worker.
pub(crate) struct Call {
    request: http::Request<Bytes>,
    peer_addr: Option<SocketAddr>,
    answer: oneshot::Sender<Answer>,
}

/// The host app's response, or the payload of the panic that replaced it.
type Answer = std::thread::Result<http::Response<DispatchBody>>;

/// Where a worker receives its in-process calls.
pub(crate) type CallSender = mpsc::UnboundedSender<Call>;
/// The worker's end of [`CallSender`].
pub(crate) type CallReceiver = mpsc::UnboundedReceiver<Call>;

/// Attached to each MCP request by the endpoint: the worker that received it and the client's
/// address, so the tool calls it causes run on that worker, on behalf of that peer.
#[derive(Clone)]
pub(crate) struct ReceivedBy {
    pub(crate) worker: CallSender,
    pub(crate) peer_addr: Option<SocketAddr>,
}

/// The core's [`Dispatcher`] for actix: sends each call to the worker that received the MCP
/// request and waits for the answer. Dropping the returned future (timeout, cancellation) drops
/// the call on the worker too.
#[derive(Debug)]
pub(crate) struct WorkerDispatcher;

impl Dispatcher for WorkerDispatcher {
    fn dispatch(
        &self,
        request: http::Request<Bytes>,
        incoming: Option<&http::request::Parts>,
    ) -> BoxFuture<'static, Result<http::Response<DispatchBody>, CallError>> {
        let received_by = incoming.and_then(|parts| parts.extensions.get::<ReceivedBy>());
        let Some(ReceivedBy { worker, peer_addr }) = received_by.cloned() else {
            let why = "the MCP request did not come through a mcp-actix endpoint, so there is \
                       no actix worker to serve the call";
            return Box::pin(std::future::ready(Err(CallError::Dispatch(why.into()))));
        };
        Box::pin(call_on(worker, request, peer_addr))
    }
}

/// Serve `request` on `worker`, on behalf of the client at `peer_addr`, and wait for the answer.
/// Dropping the future drops the call on the worker too.
pub(crate) async fn call_on(
    worker: CallSender,
    request: http::Request<Bytes>,
    peer_addr: Option<SocketAddr>,
) -> Result<http::Response<DispatchBody>, CallError> {
    let (answer, answered) = oneshot::channel();
    let call = Call {
        request,
        peer_addr,
        answer,
    };
    worker
        .send(call)
        .map_err(|_| CallError::Dispatch("the actix worker has stopped".into()))?;
    match answered.await {
        Ok(Ok(response)) => Ok(response),
        // Re-raised here so the core reports it like any handler panic.
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => Err(CallError::Dispatch(
            "the actix worker stopped before answering".into(),
        )),
    }
}

/// Serve the calls sent to this worker through `app` until the App is dropped. Runs on the
/// worker (spawned on its `LocalSet` when the App service is built).
///
/// A call is first polled right here: a handler that answers without waiting (most do) is done
/// without a task of its own. One that waits goes on in its own task, so calls never queue
/// behind each other.
pub(crate) async fn serve_calls<S, B>(app: Weak<S>, mut calls: CallReceiver)
where
    S: Service<ActixRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    while let Some(call) = calls.recv().await {
        let Some(app) = app.upgrade() else { return };
        // Converted before the call's future is made, so that future holds only the actix
        // request: small enough for the allocator's per-thread cache.
        let Call {
            request,
            peer_addr,
            answer,
        } = call;
        let request = edge::in_process_request(request, peer_addr);
        let mut call = Box::pin(serve_call(app, request, answer));
        if std::future::poll_fn(|cx| Poll::Ready(call.as_mut().poll(cx)))
            .await
            .is_pending()
        {
            // Its first poll in the new task registers that task's waker wherever it waits.
            tokio::task::spawn_local(call);
        }
    }
}

/// One call: the request through the App, the response streamed back. A panic anywhere in the
/// handler is caught here, so the worker keeps serving, and is handed back to the caller.
async fn serve_call<S, B>(app: Rc<S>, request: ActixRequest, mut answer: oneshot::Sender<Answer>)
where
    S: Service<ActixRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    let exchange = async {
        std::future::poll_fn(|cx| app.poll_ready(cx)).await?;
        app.call(request).await
    };
    // The exchange first: a handler that answers at once never looks at the caller's end.
    let outcome = tokio::select! {
        biased;
        outcome = AssertUnwindSafe(exchange).catch_unwind() => outcome,
        // The caller gave up (timeout, cancellation): dropping the exchange stops the handler.
        () = answer.closed() => return,
    };
    let response = match outcome {
        Ok(Ok(response)) => response.into_parts().1.map_into_boxed_body(),
        // What actix's own HTTP layer would send for an error that escaped the App.
        Ok(Err(error)) => error.error_response(),
        Err(panic) => {
            let _ = answer.send(Err(panic));
            return;
        }
    };
    let head = edge::in_process_response(&response);
    let body = tokio::select! {
        biased;
        body = AssertUnwindSafe(body::dispatch_body(response.into_body())).catch_unwind() => body,
        () = answer.closed() => return,
    };
    let _ = answer.send(body.map(|body| head.map(|()| body)));
}
