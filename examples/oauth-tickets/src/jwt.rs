//! The host's own token check: an axum middleware that validates the JWT of every request (EdDSA
//! signature against the issuer's published keys, issuer, audience = this resource, expiry) and
//! puts its [`Claims`] in the request extensions. Nothing here knows about MCP.

use std::{collections::HashMap, sync::Arc};

use axum::{
    Json,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::JwkSet};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::RwLock;

/// The claims of an access token (RFC 9068).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Claims {
    pub(crate) iss: String,
    pub(crate) sub: String,
    pub(crate) aud: String,
    pub(crate) exp: u64,
    pub(crate) iat: u64,
    /// The granted scopes, space-separated.
    #[serde(default)]
    pub(crate) scope: String,
    #[serde(default)]
    pub(crate) client_id: String,
}

/// Validates access tokens of one issuer for one audience; the issuer's keys are fetched from
/// its metadata's `jwks_uri` on first use and again when a token names an unknown key.
pub(crate) struct Verifier {
    issuer: String,
    audience: String,
    http: reqwest::Client,
    keys: RwLock<HashMap<String, DecodingKey>>,
}

impl Verifier {
    pub(crate) fn new(issuer: String, audience: String) -> Self {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .expect("a client with default TLS settings builds");
        Self {
            issuer,
            audience,
            http,
            keys: RwLock::default(),
        }
    }

    /// The claims of `token` if it is valid for this resource.
    pub(crate) async fn verify(&self, token: &str) -> Result<Claims, String> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| e.to_string())?;
        let kid = header.kid.unwrap_or_default();
        // Bound first: the read guard must be gone before `refresh` takes the write lock.
        let known = self.keys.read().await.get(&kid).cloned();
        let key = match known {
            Some(key) => key,
            None => self.refresh(&kid).await?,
        };
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        let data = jsonwebtoken::decode::<Claims>(token, &key, &validation)
            .map_err(|e| format!("invalid token: {e}"))?;
        Ok(data.claims)
    }

    /// Fetch the issuer's keys again; the key `kid`, if it is among them.
    async fn refresh(&self, kid: &str) -> Result<DecodingKey, String> {
        // RFC 8414 §3: the well-known path goes between the issuer's origin and its path.
        let after_scheme = self.issuer.find("://").map_or(0, |i| i + 3);
        let path_start = self.issuer[after_scheme..]
            .find('/')
            .map_or(self.issuer.len(), |i| after_scheme + i);
        let (origin, path) = self.issuer.split_at(path_start);
        let metadata_url = format!(
            "{origin}/.well-known/oauth-authorization-server{}",
            path.trim_end_matches('/')
        );
        let metadata: serde_json::Value = self.get_json(&metadata_url).await?;
        let jwks_uri = metadata["jwks_uri"]
            .as_str()
            .ok_or_else(|| format!("{metadata_url} names no jwks_uri"))?;
        let set: JwkSet = self.get_json(jwks_uri).await?;
        let mut keys = self.keys.write().await;
        for jwk in &set.keys {
            if let (Some(id), Ok(key)) = (&jwk.common.key_id, DecodingKey::from_jwk(jwk)) {
                keys.insert(id.clone(), key);
            }
        }
        keys.get(kid)
            .cloned()
            .ok_or_else(|| format!("the issuer has no key '{kid}'"))
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, String> {
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        let response = response
            .error_for_status()
            .map_err(|e| format!("{url}: {e}"))?;
        response.json().await.map_err(|e| format!("{url}: {e}"))
    }
}

/// Let a request in only with a valid bearer token; its claims go in the extensions.
pub(crate) async fn require_token(
    State(verifier): State<Arc<Verifier>>,
    mut request: Request,
    next: Next,
) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned());
    let Some(token) = token else {
        return unauthorized(None, "missing Authorization: Bearer <token> header");
    };
    match verifier.verify(&token).await {
        Ok(claims) => {
            request.extensions_mut().insert(claims);
            next.run(request).await
        }
        Err(why) => unauthorized(Some("invalid_token"), &why),
    }
}

/// RFC 6750 §3: a bare challenge without credentials, `invalid_token` for a bad one. The MCP
/// mount's edge adds where to get a token to the challenges for its endpoint.
fn unauthorized(error: Option<&str>, description: &str) -> Response {
    let challenge = match error {
        Some(error) => format!("Bearer error=\"{error}\""),
        None => "Bearer".to_owned(),
    };
    let mut response = (
        StatusCode::UNAUTHORIZED,
        Json(json!({"error": description})),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}
