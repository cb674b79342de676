//! [`RedisStore`] as rmcp's `SessionStore`: a session's `initialize` parameters under
//! `session:{id}`, expiring [`session_ttl`](RedisStore::session_ttl) after the last write.

use mcp_web_core::session_store::{SessionState, SessionStore, SessionStoreError};

use crate::{RedisStore, RedisStoreError};

#[async_trait::async_trait]
impl SessionStore for RedisStore {
    async fn load(&self, session_id: &str) -> Result<Option<SessionState>, SessionStoreError> {
        let key = self.key("session", session_id);
        let stored: Option<String> = self.run(redis::cmd("GET").arg(&key).to_owned()).await?;
        let Some(json) = stored else {
            return Ok(None);
        };
        let state = serde_json::from_str(&json)
            .map_err(|error| RedisStoreError::Corrupt(format!("session {key}: {error}")))?;
        Ok(Some(state))
    }

    async fn store(&self, session_id: &str, state: &SessionState) -> Result<(), SessionStoreError> {
        let json = serde_json::to_string(state)?;
        let mut set = redis::cmd("SET");
        set.arg(self.key("session", session_id))
            .arg(json)
            .arg("PX")
            .arg(millis(self.session_ttl));
        self.run::<()>(set).await?;
        Ok(())
    }

    async fn delete(&self, session_id: &str) -> Result<(), SessionStoreError> {
        let key = self.key("session", session_id);
        self.run::<()>(redis::cmd("DEL").arg(key).to_owned())
            .await?;
        Ok(())
    }
}

/// `duration` in whole milliseconds, at least one (Redis refuses a zero expiry).
pub(crate) fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn expiries_are_whole_milliseconds_never_zero() {
        assert_eq!(millis(Duration::from_secs(300)), 300_000);
        assert_eq!(millis(Duration::from_micros(10)), 1);
    }

    #[tokio::test]
    async fn session_keys_carry_the_prefix() {
        let store = RedisStore::open("redis://127.0.0.1:1/")
            .unwrap()
            .key_prefix("tickets:");
        assert_eq!(store.key("session", "abc"), "tickets:session:abc");
    }
}
