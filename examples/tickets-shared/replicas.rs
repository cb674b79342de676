//! `REDIS_URL` and `MCP_STATE_KEY`: what makes several copies of one example behind a load
//! balancer a single MCP service (split-deployment, axum-tickets and actix-tickets include this
//! file with `#[path]`; not part of `mod.rs`, so that examples without Redis need no Redis crate). With `REDIS_URL`, 2025-11-25 sessions and resumable SSE
//! streams live in Redis (`mcp-web-redis`), so any copy serves any session and resumes any
//! stream; `MCP_STATE_KEY` is the `requestState` key every copy must share, so a 2026-07-28
//! request state one copy issued is accepted by the others.

use std::sync::Arc;

// The including example's `McpConfig` (mcp-axum's or mcp-actix's: both are the core's).
use crate::McpConfig;
use mcp_web_redis::RedisStore;

/// `config` with the shared state the environment asks for, and a line saying what it is.
pub(crate) fn from_env(config: McpConfig) -> Result<(McpConfig, String), String> {
    let redis_url = std::env::var("REDIS_URL")
        .ok()
        .filter(|url| !url.is_empty());
    let state_key = std::env::var("MCP_STATE_KEY")
        .ok()
        .filter(|key| !key.is_empty());
    shared(config, redis_url.as_deref(), state_key.as_deref())
}

/// `config` with sessions and streams in the Redis at `redis_url` and `state_key` as the
/// `requestState` key, each when given.
fn shared(
    config: McpConfig,
    redis_url: Option<&str>,
    state_key: Option<&str>,
) -> Result<(McpConfig, String), String> {
    let mut config = config;
    let mut said = Vec::new();
    if let Some(url) = redis_url {
        let store = RedisStore::open(url).map_err(|e| format!("REDIS_URL={url:?}: {e}"))?;
        // The mount's idle timeout is the default one: the same expiry in Redis.
        let store = Arc::new(store.session_ttl(McpConfig::DEFAULT_SESSION_IDLE_TIMEOUT));
        config = config.session_store(store.clone()).event_store(store);
        said.push(format!("sessions and streams in Redis at {url}"));
    }
    if let Some(key) = state_key {
        config = config.request_state_key(key.as_bytes().to_vec());
        said.push("the requestState key from MCP_STATE_KEY".to_owned());
    }
    let said = match said.is_empty() {
        true => "sessions and request state of this process only".to_owned(),
        false => said.join("; "),
    };
    Ok((config, said))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> McpConfig {
        McpConfig::from_json(serde_json::json!({
            "openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}
        }))
    }

    #[tokio::test]
    async fn redis_and_the_state_key_are_each_taken_when_given() {
        let (_, alone) = shared(config(), None, None).unwrap();
        assert_eq!(alone, "sessions and request state of this process only");
        let (_, both) = shared(
            config(),
            Some("redis://127.0.0.1:1/"),
            Some("k".repeat(32).as_str()),
        )
        .unwrap();
        assert!(both.contains("Redis at redis://127.0.0.1:1/"), "{both}");
        assert!(both.contains("MCP_STATE_KEY"), "{both}");
    }

    #[tokio::test]
    async fn a_url_that_is_not_redis_is_refused_with_its_name() {
        let error = shared(config(), Some("http://example.invalid"), None).unwrap_err();
        assert!(
            error.starts_with("REDIS_URL=\"http://example.invalid\""),
            "{error}"
        );
    }
}
