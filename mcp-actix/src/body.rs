//! Bodies that cross between an actix worker (`!Send`) and the core (`Send`).
//!
//! actix bodies and payloads live on the worker thread that owns the connection; the core and
//! rmcp need `Send` bodies. [`relay`] reads a worker-local stream on that worker and hands each
//! chunk over a small bounded channel to a [`RelayedBody`], so bodies stream — an endless SSE
//! answer or a slow upload works — instead of being buffered. A body that is small and already
//! complete on the worker (nearly every JSON-RPC message, nearly every handler's JSON answer)
//! crosses whole instead: a task and a channel per body were a measurable share of a call.

use std::{
    any::Any,
    fmt::Display,
    panic::AssertUnwindSafe,
    pin::Pin,
    task::{Context, Poll, ready},
};

use actix_web::{
    body::{BodySize, BoxBody, MessageBody},
    web::Payload,
};
use bytes::Bytes;
use futures_util::{Stream, StreamExt, stream};
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, Either, Full};
use mcp_web_core::{BoxError, Collected, DispatchBody, McpBody};
use tokio::sync::mpsc;

/// Chunks in flight between the worker and the reader; enough to keep both busy.
const RELAY_CAPACITY: usize = 8;

/// An MCP request body up to this size is read whole on the worker instead of relayed.
const READ_WHOLE_UP_TO: usize = 64 * 1024;

/// One step of a relayed body.
enum Chunk {
    Data(Bytes),
    /// The stream failed; the message says why.
    Failed(String),
    /// The code producing the stream panicked; the payload is re-raised on the reading side, so
    /// the core reports it as the handler's panic.
    Panicked(Box<dyn Any + Send>),
}

/// A `Send` body fed by a stream that is read on the current actix worker.
pub(crate) struct RelayedBody {
    chunks: mpsc::Receiver<Chunk>,
    size: SizeHint,
}

impl std::fmt::Debug for RelayedBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayedBody").finish_non_exhaustive()
    }
}

/// Read `stream` on this worker (a task on its `LocalSet`) and relay it as a `Send` body.
///
/// The reading stops as soon as the body is dropped, even while `stream` is waiting, so an
/// abandoned response stops its producer. Must be called on an actix worker (or inside a
/// `LocalSet`).
pub(crate) fn relay<S, E>(stream: S, size: SizeHint) -> RelayedBody
where
    S: Stream<Item = Result<Bytes, E>> + 'static,
    E: Display,
{
    let (sender, chunks) = mpsc::channel(RELAY_CAPACITY);
    tokio::task::spawn_local(async move {
        let mut stream = std::pin::pin!(AssertUnwindSafe(stream).catch_unwind());
        loop {
            let next = tokio::select! {
                () = sender.closed() => return,
                next = stream.next() => next,
            };
            let chunk = match next {
                None => return,
                Some(Ok(Ok(data))) => Chunk::Data(data),
                Some(Ok(Err(error))) => Chunk::Failed(error.to_string()),
                Some(Err(panic)) => Chunk::Panicked(panic),
            };
            let last = !matches!(chunk, Chunk::Data(_));
            if sender.send(chunk).await.is_err() || last {
                return;
            }
        }
    });
    RelayedBody { chunks, size }
}

impl Body for RelayedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match ready!(self.chunks.poll_recv(cx)) {
            None => Poll::Ready(None),
            Some(Chunk::Data(data)) => Poll::Ready(Some(Ok(Frame::data(data)))),
            Some(Chunk::Failed(why)) => Poll::Ready(Some(Err(why.into()))),
            Some(Chunk::Panicked(panic)) => std::panic::resume_unwind(panic),
        }
    }

    fn size_hint(&self) -> SizeHint {
        self.size
    }
}

/// An MCP request's body read whole here, on the worker, if it is small (nearly every JSON-RPC
/// message arrives in one chunk); else relayed as it streams in. The core applies
/// `max_request_body_bytes` either way.
pub(crate) async fn incoming(payload: Payload) -> Either<Full<Bytes>, RelayedBody> {
    match read_whole(payload, SizeHint::default()).await {
        Ok(whole) => Either::Left(Full::new(whole)),
        Err(relayed) => Either::Right(relayed),
    }
}

/// The host app's answer to an in-process call as the core's body: whole when actix holds it
/// whole, or when it has a small known length (a handler's JSON behind a middleware that watches
/// its bytes, like actix's `Logger`) and is read here; else relayed from this worker as it
/// streams — an SSE answer keeps streaming.
///
/// Must be called on an actix worker, like [`relay`].
pub(crate) async fn dispatch_body(body: BoxBody) -> DispatchBody {
    let body = match body.try_into_bytes() {
        Ok(whole) => return whole_body(whole),
        Err(body) => body,
    };
    let size = body.size();
    let chunks = Chunks(body);
    if !matches!(size, BodySize::Sized(length) if length <= READ_WHOLE_UP_TO as u64) {
        return DispatchBody::new(relay(chunks, size_hint(size)));
    }
    match read_whole(chunks, size_hint(size)).await {
        Ok(whole) => whole_body(whole),
        Err(relayed) => DispatchBody::new(relayed),
    }
}

/// Read `chunks` here, on the worker, while they stay within [`READ_WHOLE_UP_TO`]: the whole
/// body when they end; else a [`RelayedBody`] of what was read, then the rest — or the error,
/// past which nothing is read.
async fn read_whole<S, E>(mut chunks: S, size: SizeHint) -> Result<Bytes, RelayedBody>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin + 'static,
    E: Display + 'static,
{
    let mut read = Collected::default();
    let failed = loop {
        match chunks.next().await {
            None => return Ok(read.into_bytes()),
            Some(Ok(chunk)) => {
                read.push(chunk);
                if read.len() > READ_WHOLE_UP_TO {
                    break None;
                }
            }
            Some(Err(error)) => break Some(error),
        }
    };
    let read = read.into_bytes();
    let read = stream::iter((!read.is_empty()).then_some(Ok(read)));
    Err(match failed {
        None => relay(read.chain(chunks), size),
        Some(error) => relay(read.chain(stream::iter([Err(error)])), size),
    })
}

fn whole_body(whole: Bytes) -> DispatchBody {
    DispatchBody::new(Full::new(whole).map_err(|never| match never {}))
}

/// An actix body as a stream of its chunks, for [`relay`] and [`read_whole`]; errors as text.
struct Chunks(BoxBody);

impl Stream for Chunks {
    type Item = Result<Bytes, String>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.0)
            .poll_next(cx)
            .map(|chunk| chunk.map(|chunk| chunk.map_err(|error| error.to_string())))
    }
}

/// The size hint of an actix body, for the relayed copy.
fn size_hint(size: BodySize) -> SizeHint {
    match size {
        BodySize::None => SizeHint::with_exact(0),
        BodySize::Sized(length) => SizeHint::with_exact(length),
        BodySize::Stream => SizeHint::default(),
    }
}

/// The MCP endpoint's answer (JSON, or an SSE stream that may never end) as an actix body.
pub(crate) struct EndpointBody(pub(crate) McpBody);

impl MessageBody for EndpointBody {
    type Error = std::convert::Infallible;

    fn size(&self) -> BodySize {
        match self.0.size_hint().exact() {
            Some(length) => BodySize::Sized(length),
            None => BodySize::Stream,
        }
    }

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        loop {
            match ready!(Pin::new(&mut self.0).poll_frame(cx)) {
                None => return Poll::Ready(None),
                Some(Ok(frame)) => {
                    // rmcp sends no trailers; anything that is not data is skipped.
                    if let Ok(data) = frame.into_data() {
                        return Poll::Ready(Some(Ok(data)));
                    }
                }
                Some(Err(never)) => match never {},
            }
        }
    }
}
