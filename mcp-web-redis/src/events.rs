//! [`RedisStore`] as rmcp's `EventStore`: each SSE stream a Redis stream under
//! `events:{stream}`, each event an entry, and the id a client gets `{stream}/{entry id}` — so a
//! `Last-Event-ID` names both the stream and the place in it, on any replica.
//!
//! Redis assigns entry ids in increasing order within a stream, and an entry is written (with
//! the stream's new expiry, in one transaction) before its id is handed out, so a replay is
//! every later entry, in order, each once.

use mcp_web_core::event_store::{
    EventId, EventStore, EventStoreError, EventStream, ServerSseMessage,
};
use rmcp::model::ServerJsonRpcMessage;
use serde::{Deserialize, Serialize};
use std::{sync::Arc, time::Duration};

use crate::{RedisStore, RedisStoreError, sessions::millis};

/// The field of an entry that holds the event.
const FIELD: &str = "e";

#[async_trait::async_trait]
impl EventStore for RedisStore {
    async fn store_event(
        &self,
        stream_id: &str,
        event: &ServerSseMessage,
    ) -> Result<EventId, EventStoreError> {
        let stored = serde_json::to_string(&Stored::of(event))?;
        let key = self.key("events", stream_id);
        let mut transaction = redis::pipe();
        transaction
            .atomic()
            .cmd("XADD")
            .arg(&key)
            .arg("MAXLEN")
            .arg("~")
            .arg(self.max_stream_events)
            .arg("*")
            .arg(FIELD)
            .arg(stored)
            .cmd("PEXPIRE")
            .arg(&key)
            .arg(millis(self.event_ttl))
            .ignore();
        match self.run_pipeline::<(String,)>(transaction).await {
            Ok((entry,)) => Ok(event_id(stream_id, &entry)),
            Err(error) => {
                // The stream goes on without a resumption point rather than ending.
                tracing::warn!(%error, stream = stream_id, "SSE event sent without an event id");
                Ok(EventId::new())
            }
        }
    }

    async fn replay_events_after(
        &self,
        last_event_id: &str,
    ) -> Result<EventStream, EventStoreError> {
        let (stream_id, entry) = parse_event_id(last_event_id)
            .ok_or_else(|| RedisStoreError::UnknownEventId(last_event_id.to_owned()))?;
        let mut range = redis::cmd("XRANGE");
        range
            .arg(self.key("events", stream_id))
            .arg(format!("({entry}"))
            .arg("+");
        let entries: Vec<(String, Vec<String>)> = self.run(range).await?;
        let events = entries
            .into_iter()
            .map(|(entry, fields)| {
                let stored = field_value(&fields).ok_or_else(|| {
                    RedisStoreError::Corrupt(format!("event {entry} of stream {stream_id}"))
                })?;
                let stored: Stored = serde_json::from_str(stored).map_err(|error| {
                    RedisStoreError::Corrupt(format!("event {entry} of {stream_id}: {error}"))
                })?;
                Ok(stored.into_event(event_id(stream_id, &entry)))
            })
            .collect::<Result<Vec<_>, RedisStoreError>>()?;
        Ok(Box::pin(futures::stream::iter(events)))
    }
}

/// An event as stored: its message (none for a priming event) and its retry hint.
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    #[serde(rename = "m", default, skip_serializing_if = "Option::is_none")]
    message: Option<ServerJsonRpcMessage>,
    /// Milliseconds.
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    retry: Option<u64>,
}

impl Stored {
    fn of(event: &ServerSseMessage) -> Self {
        Self {
            message: event.message.as_deref().cloned(),
            retry: event.retry.map(millis),
        }
    }

    fn into_event(self, id: EventId) -> ServerSseMessage {
        let mut event = match self.retry {
            Some(retry) => ServerSseMessage::retry(Duration::from_millis(retry)),
            None => ServerSseMessage::default(),
        };
        event.event_id = Some(id);
        event.message = self.message.map(Arc::new);
        event
    }
}

fn event_id(stream_id: &str, entry: &str) -> EventId {
    format!("{stream_id}/{entry}")
}

/// The stream and the entry id of an event id this store handed out. The stream id may hold
/// `/` itself; an entry id is two numbers joined by `-`.
fn parse_event_id(id: &str) -> Option<(&str, &str)> {
    let (stream, entry) = id.rsplit_once('/')?;
    let (millis, sequence) = entry.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (!stream.is_empty() && digits(millis) && digits(sequence)).then_some((stream, entry))
}

/// The value of [`FIELD`] among an entry's alternating fields and values.
fn field_value(fields: &[String]) -> Option<&str> {
    fields
        .chunks_exact(2)
        .find(|pair| pair[0] == FIELD)
        .map(|pair| pair[1].as_str())
}

#[cfg(test)]
mod tests {
    use rmcp::model::{NumberOrString, ServerResult};

    use super::*;

    #[test]
    fn event_ids_name_the_stream_and_the_entry() {
        let id = event_id("3f2a:common", "1700000000000-7");
        assert_eq!(id, "3f2a:common/1700000000000-7");
        assert_eq!(
            parse_event_id(&id),
            Some(("3f2a:common", "1700000000000-7"))
        );
        assert_eq!(parse_event_id("a/b/12-0"), Some(("a/b", "12-0")));
    }

    #[test]
    fn ids_this_store_did_not_hand_out_are_refused() {
        for id in [
            "", "0", "stream", "stream/", "/1-0", "s/1", "s/1-", "s/-1", "s/1-x", "s/+",
        ] {
            assert_eq!(parse_event_id(id), None, "{id:?}");
        }
    }

    #[test]
    fn an_event_comes_back_as_it_was_stored_with_its_id() {
        let message =
            ServerJsonRpcMessage::response(ServerResult::empty(()), NumberOrString::Number(4));
        let event = ServerSseMessage::from_message(message.clone());
        let json = serde_json::to_string(&Stored::of(&event)).unwrap();
        let back = serde_json::from_str::<Stored>(&json)
            .unwrap()
            .into_event("s/1-0".into());
        assert_eq!(back.event_id.as_deref(), Some("s/1-0"));
        assert_eq!(back.retry, None);
        assert_eq!(
            serde_json::to_value(back.message.as_deref()).unwrap(),
            serde_json::to_value(&message).unwrap()
        );
    }

    #[test]
    fn a_priming_event_keeps_its_retry_hint_and_no_message() {
        let priming = ServerSseMessage::retry(Duration::from_millis(3000));
        let json = serde_json::to_string(&Stored::of(&priming)).unwrap();
        assert_eq!(json, r#"{"r":3000}"#);
        let back = serde_json::from_str::<Stored>(&json)
            .unwrap()
            .into_event("s/2-0".into());
        assert_eq!(back.retry, Some(Duration::from_millis(3000)));
        assert!(back.message.is_none());
    }

    #[test]
    fn the_event_is_found_among_the_fields_of_an_entry() {
        let fields = [
            "x".to_owned(),
            "1".to_owned(),
            "e".to_owned(),
            "{}".to_owned(),
        ];
        assert_eq!(field_value(&fields), Some("{}"));
        assert_eq!(field_value(&fields[..2]), None);
    }
}
