//! The log messages of a lane call that may stream: what the endpoint streams, queued for the
//! answer until the call ends.
//!
//! Not a channel: dropping a channel's last sender wakes its receiver to say it closed. The
//! lane waits on the call first and on its messages second, so a call that ends without one
//! would still wake the request's task once more on its way out — on actix-web, a poll of the
//! whole connection (its read buffer decoded again) for nothing. Here only a message wakes the
//! reader; the call's own end is what ends the wait.

use std::{
    collections::VecDeque,
    pin::Pin,
    sync::{Arc, Mutex},
    task::{Context, Poll},
};

use futures::{Stream, task::AtomicWaker};
use serde_json::Value;

use crate::updates::lock;

#[derive(Default)]
struct Queue {
    messages: Mutex<VecDeque<Value>>,
    reader: AtomicWaker,
}

/// Where the call puts the data of its log messages.
#[derive(Clone)]
pub(crate) struct LogSender(Arc<Queue>);

/// Where the answer takes them from: a stream that never ends by itself.
pub(crate) struct LogReceiver(Arc<Queue>);

/// A new, empty queue of log messages.
pub(crate) fn log_queue() -> (LogSender, LogReceiver) {
    let queue = Arc::new(Queue::default());
    (LogSender(queue.clone()), LogReceiver(queue))
}

impl LogSender {
    pub(crate) fn send(&self, data: Value) {
        lock(&self.0.messages).push_back(data);
        self.0.reader.wake();
    }
}

impl LogReceiver {
    /// The next message already queued, without waiting.
    pub(crate) fn try_next(&self) -> Option<Value> {
        lock(&self.0.messages).pop_front()
    }
}

impl Stream for LogReceiver {
    type Item = Value;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Value>> {
        if let Some(data) = self.try_next() {
            return Poll::Ready(Some(data));
        }
        self.0.reader.register(cx.waker());
        // A message sent between the first look and the registration is seen here.
        match self.try_next() {
            Some(data) => Poll::Ready(Some(data)),
            None => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::{
        sync::atomic::{AtomicUsize, Ordering},
        task::{Wake, Waker},
    };

    use futures::StreamExt;
    use serde_json::json;

    use super::*;

    #[derive(Default)]
    struct CountingWaker(AtomicUsize);

    impl Wake for CountingWaker {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn messages_wake_the_reader_in_order_and_the_senders_end_does_not() {
        let counter = Arc::new(CountingWaker::default());
        let waker = Waker::from(counter.clone());
        let mut cx = Context::from_waker(&waker);
        let (sender, mut receiver) = log_queue();
        assert!(receiver.poll_next_unpin(&mut cx).is_pending());
        sender.send(json!(1));
        sender.clone().send(json!("two"));
        assert_eq!(
            counter.0.load(Ordering::SeqCst),
            1,
            "one wake per registration"
        );
        assert_eq!(
            receiver.poll_next_unpin(&mut cx),
            Poll::Ready(Some(json!(1)))
        );
        assert_eq!(receiver.try_next(), Some(json!("two")));
        assert!(receiver.poll_next_unpin(&mut cx).is_pending());
        drop(sender);
        assert_eq!(
            counter.0.load(Ordering::SeqCst),
            1,
            "the sender's end wakes nobody"
        );
        assert!(receiver.poll_next_unpin(&mut cx).is_pending());
    }
}
