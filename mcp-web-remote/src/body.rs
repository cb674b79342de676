//! The API's response body as the core reads it: each piece must arrive within the read
//! timeout, and every failure is a [`CallError::Remote`] that names the call.

use std::{
    pin::Pin,
    sync::Arc,
    task::{Context, Poll, ready},
    time::Duration,
};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use mcp_web_core::{BoxError, CallError};
use tokio::time::Sleep;

use crate::api::describe;

/// A response body that fails when the API sends nothing for `read_timeout`.
pub(crate) struct TimedBody<B> {
    inner: B,
    read_timeout: Duration,
    /// Armed while the body waits for its next piece.
    deadline: Option<Pin<Box<Sleep>>>,
    /// `METHOD url` of the call, for the error messages.
    call: Arc<str>,
}

impl<B> TimedBody<B> {
    pub(crate) fn new(inner: B, read_timeout: Duration, call: Arc<str>) -> Self {
        Self {
            inner,
            read_timeout,
            deadline: None,
            call,
        }
    }
}

impl<B> Body for TimedBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: std::error::Error + 'static,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            this.deadline = None;
            return Poll::Ready(frame.map(|frame| {
                frame.map_err(|error| {
                    let why = format!(
                        "reading the answer to {} failed: {}",
                        this.call,
                        describe(&error)
                    );
                    BoxError::from(CallError::Remote(why))
                })
            }));
        }
        let read_timeout = this.read_timeout;
        let deadline = this
            .deadline
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(read_timeout)));
        ready!(deadline.as_mut().poll(cx));
        this.deadline = None;
        let why = format!(
            "the API sent nothing more of its answer to {} for {read_timeout:?} (read timeout)",
            this.call
        );
        Poll::Ready(Some(Err(CallError::Remote(why).into())))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
