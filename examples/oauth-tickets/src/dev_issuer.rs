//! **Development only**: a tiny OAuth 2.1 authorization server, so the example works from a fresh
//! clone. It consents to every request automatically, keeps everything in memory and forgets it
//! at exit. Never expose it: set `ISSUER` to a real authorization server instead.
//!
//! What it does, and what MCP clients need from one: metadata (RFC 8414), dynamic client
//! registration (RFC 7591), the authorization-code grant with PKCE S256 (RFC 7636) and resource
//! indicators (RFC 8707), the `iss` of the authorization response (RFC 9207), and EdDSA-signed JWT
//! access tokens (RFC 9068) whose key it publishes as a JWKS.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{SystemTime, UNIX_EPOCH},
};

use axum::{
    Form, Json, Router,
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ed25519_dalek::{SigningKey, pkcs8::EncodePrivateKey};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::jwt::Claims;

/// How long an access token lives.
const TOKEN_LIFETIME_SECS: u64 = 3600;

/// The issuer's state: its signing key, registered clients and pending codes.
pub(crate) struct DevIssuer {
    issuer: String,
    /// The audience of tokens requested without a `resource`.
    default_audience: String,
    scopes: Vec<String>,
    key_id: String,
    signing: EncodingKey,
    public_x: String,
    clients: Mutex<HashMap<String, Vec<String>>>,
    codes: Mutex<HashMap<String, PendingCode>>,
}

/// An authorization code waiting to be exchanged.
struct PendingCode {
    client_id: String,
    redirect_uri: String,
    code_challenge: String,
    scope: String,
    resource: String,
}

type Shared = Arc<DevIssuer>;

impl DevIssuer {
    /// An issuer identified by `issuer` (its base URL; a root one with its trailing slash, the
    /// form clients that parse URLs compare the authorization response's `iss` with), with a
    /// fresh signing key.
    pub(crate) fn new(issuer: String, default_audience: String, scopes: &[&str]) -> Self {
        let signing = SigningKey::from_bytes(&random_bytes());
        let der = signing
            .to_pkcs8_der()
            .expect("an Ed25519 key always encodes as PKCS#8");
        Self {
            issuer,
            default_audience,
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            key_id: random_token()[..8].to_owned(),
            signing: EncodingKey::from_ed_der(der.as_bytes()),
            public_x: URL_SAFE_NO_PAD.encode(signing.verifying_key().as_bytes()),
            clients: Mutex::default(),
            codes: Mutex::default(),
        }
    }

    /// The issuer's routes.
    pub(crate) fn router(self) -> Router {
        Router::new()
            .route("/.well-known/oauth-authorization-server", get(metadata))
            .route("/.well-known/openid-configuration", get(metadata))
            .route("/jwks.json", get(jwks))
            .route("/register", post(register))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(Arc::new(self))
    }
}

async fn metadata(State(issuer): State<Shared>) -> Json<Value> {
    let base = issuer.issuer.trim_end_matches('/');
    Json(json!({
        "issuer": issuer.issuer,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "registration_endpoint": format!("{base}/register"),
        "jwks_uri": format!("{base}/jwks.json"),
        "scopes_supported": issuer.scopes,
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "authorization_response_iss_parameter_supported": true,
    }))
}

async fn jwks(State(issuer): State<Shared>) -> Json<Value> {
    Json(json!({"keys": [{
        "kty": "OKP", "crv": "Ed25519", "x": issuer.public_x,
        "kid": issuer.key_id, "alg": "EdDSA", "use": "sig",
    }]}))
}

/// RFC 7591: any client may register; it gets an id and no secret (a public client).
async fn register(State(issuer): State<Shared>, Json(metadata): Json<Value>) -> Response {
    let redirect_uris: Vec<String> = metadata["redirect_uris"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u.as_str().map(str::to_owned))
        .collect();
    if redirect_uris.is_empty() {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_redirect_uri",
            "redirect_uris is required",
        );
    }
    let client_id = random_token();
    let mut registered = metadata.clone();
    registered["client_id"] = json!(client_id);
    registered["client_id_issued_at"] = json!(now());
    registered["token_endpoint_auth_method"] = json!("none");
    issuer
        .clients
        .lock()
        .unwrap()
        .insert(client_id, redirect_uris);
    (StatusCode::CREATED, Json(registered)).into_response()
}

#[derive(Deserialize)]
struct AuthorizeParams {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    scope: Option<String>,
    resource: Option<String>,
}

/// The authorization endpoint, consenting at once (this is the development-only part).
async fn authorize(
    State(issuer): State<Shared>,
    Query(params): Query<AuthorizeParams>,
) -> Response {
    let known = issuer
        .clients
        .lock()
        .unwrap()
        .get(&params.client_id)
        .cloned();
    let Some(redirect_uris) = known else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "unknown client_id",
        );
    };
    // Never redirect anywhere the client did not register.
    if !redirect_uris.contains(&params.redirect_uri) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "redirect_uri is not registered",
        );
    }
    let code_challenge = match (
        params.code_challenge,
        params.code_challenge_method.as_deref(),
    ) {
        (Some(challenge), Some("S256")) if params.response_type == "code" => challenge,
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "response_type=code with a PKCE S256 code_challenge is required",
            );
        }
    };
    let code = random_token();
    let pending = PendingCode {
        client_id: params.client_id,
        redirect_uri: params.redirect_uri.clone(),
        code_challenge,
        scope: params.scope.unwrap_or_default(),
        resource: params
            .resource
            .unwrap_or_else(|| issuer.default_audience.clone()),
    };
    issuer.codes.lock().unwrap().insert(code.clone(), pending);
    tracing::info!("dev issuer: consented automatically (development only)");
    let mut location = format!(
        "{}{}code={code}&iss={}",
        params.redirect_uri,
        if params.redirect_uri.contains('?') {
            '&'
        } else {
            '?'
        },
        encode(&issuer.issuer)
    );
    if let Some(state) = params.state {
        location.push_str(&format!("&state={}", encode(&state)));
    }
    Redirect::to(&location).into_response()
}

#[derive(Deserialize)]
struct TokenParams {
    grant_type: String,
    code: Option<String>,
    redirect_uri: Option<String>,
    client_id: Option<String>,
    code_verifier: Option<String>,
}

/// The token endpoint: a code and its PKCE verifier for a signed JWT.
async fn token(State(issuer): State<Shared>, Form(params): Form<TokenParams>) -> Response {
    if params.grant_type != "authorization_code" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only authorization_code",
        );
    }
    let pending = params
        .code
        .as_ref()
        .and_then(|code| issuer.codes.lock().unwrap().remove(code));
    let Some(pending) = pending else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "unknown or used code",
        );
    };
    let verifier = params.code_verifier.unwrap_or_default();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    if challenge != pending.code_challenge
        || params.client_id.as_deref() != Some(pending.client_id.as_str())
        || params.redirect_uri.as_deref() != Some(pending.redirect_uri.as_str())
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "the code_verifier, client_id or redirect_uri does not match the code",
        );
    }
    let issued_at = now();
    let claims = Claims {
        iss: issuer.issuer.clone(),
        sub: "dev-user".into(),
        aud: pending.resource,
        exp: issued_at + TOKEN_LIFETIME_SECS,
        iat: issued_at,
        scope: pending.scope.clone(),
        client_id: pending.client_id,
    };
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(issuer.key_id.clone());
    let access_token = match jsonwebtoken::encode(&header, &claims, &issuer.signing) {
        Ok(token) => token,
        Err(e) => {
            return oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                &e.to_string(),
            );
        }
    };
    let body = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": TOKEN_LIFETIME_SECS,
        "scope": pending.scope,
    });
    ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = json!({"error": error, "error_description": description});
    (status, Json(body)).into_response()
}

fn random_bytes() -> [u8; 32] {
    let mut bytes = [0; 32];
    getrandom::fill(&mut bytes).expect("the OS has a random source");
    bytes
}

fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes())
}

fn now() -> u64 {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH);
    since_epoch.map_or(0, |d| d.as_secs())
}

/// Percent-encode a query value (everything but unreserved characters).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
