//! The `requestState` of 2026-07-28 multi-round-trip requests: the answers a client gave in
//! earlier rounds travel sealed (HMAC-SHA256, so a client cannot forge or alter them) and bound
//! to the request they belong to.

use std::collections::BTreeMap;

use rmcp::{
    ErrorData,
    model::{InputRequest, InputRequiredResult, InputResponses, RequestStateCodec},
};
use serde_json::Value;

/// Seals answers into `requestState` and opens them again, with the mount's key.
pub(super) struct StateCodec(RequestStateCodec);

impl StateCodec {
    /// A codec with `key` (at least 32 bytes), or a random key when `None`.
    pub(super) fn new(key: Option<&[u8]>) -> Result<Self, String> {
        let key = match key {
            Some(key) => key.to_vec(),
            None => {
                let mut key = vec![0; 32];
                getrandom::fill(&mut key).map_err(|e| format!("no random key: {e}"))?;
                key
            }
        };
        RequestStateCodec::try_new(key)
            .map(Self)
            .map_err(|e| format!("request state key: {e}"))
    }

    /// The rounds of the request `subject` names (`tools/call triage`).
    pub(super) fn rounds(&self, subject: String) -> Rounds<'_> {
        Rounds {
            codec: self,
            subject,
        }
    }

    fn seal(&self, subject: &str, answers: &BTreeMap<String, Value>) -> String {
        self.0.seal_json(&(subject, answers)).unwrap_or_default()
    }

    fn open(&self, subject: &str, state: &str) -> Result<BTreeMap<String, Value>, String> {
        let (sealed_for, answers): (String, BTreeMap<String, Value>) = self
            .0
            .open_json(state)
            .map_err(|e| format!("requestState failed verification: {e}"))?;
        if sealed_for != subject {
            return Err(format!(
                "requestState belongs to '{sealed_for}', not to '{subject}'"
            ));
        }
        Ok(answers)
    }
}

/// One request across its rounds: what it is for, so that a state sealed for one request
/// cannot be replayed on another.
pub(super) struct Rounds<'a> {
    codec: &'a StateCodec,
    subject: String,
}

impl Rounds<'_> {
    /// Every answer the client has given: those sealed in `state` by an earlier round, and
    /// `responses` to the latest questions. An error when `state` is not one this mount sealed
    /// for the same request.
    pub(super) fn answers(
        &self,
        state: Option<&str>,
        responses: Option<InputResponses>,
    ) -> Result<BTreeMap<String, Value>, ErrorData> {
        let mut answers = match state {
            Some(state) => self
                .codec
                .open(&self.subject, state)
                .map_err(|why| ErrorData::invalid_params(why, None))?,
            None => BTreeMap::new(),
        };
        answers.extend(responses.unwrap_or_default());
        Ok(answers)
    }

    /// The result asking the client `asked`, carrying the `answers` so far for the next round.
    pub(super) fn ask(
        &self,
        asked: BTreeMap<String, InputRequest>,
        answers: &BTreeMap<String, Value>,
    ) -> InputRequiredResult {
        let state = self.codec.seal(&self.subject, answers);
        InputRequiredResult::new(Some(asked), Some(state))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn answers_open_only_for_the_request_they_were_sealed_for() {
        let codec = StateCodec::new(None).unwrap();
        let answers = BTreeMap::from([("name".to_string(), json!({"action": "accept"}))]);
        let triage = codec.rounds("tools/call triage".into());
        let asked = triage.ask(BTreeMap::new(), &answers);
        let state = asked.request_state.clone().unwrap();

        let more = InputResponses::from([("next".to_string(), json!(2))]);
        let opened = triage.answers(Some(&state), Some(more)).unwrap();
        assert_eq!(opened["name"], json!({"action": "accept"}));
        assert_eq!(opened["next"], json!(2));

        let other = codec.rounds("tools/call other".into());
        let refused = other.answers(Some(&state), None).unwrap_err();
        assert!(
            refused.message.contains("belongs to 'tools/call triage'"),
            "{refused:?}"
        );
        assert!(triage.answers(Some("forged"), None).is_err());
        let another_key = StateCodec::new(Some(&[7; 32])).unwrap();
        let foreign = another_key.rounds("tools/call triage".into());
        assert!(foreign.answers(Some(&state), None).is_err());
    }

    #[test]
    fn a_key_shorter_than_32_bytes_is_refused() {
        assert!(StateCodec::new(Some(b"short")).is_err());
    }
}
