//! The ticket API's OAuth scopes, in its OpenAPI document: reading needs `tickets:read` (the
//! document's global requirement), every write operation `tickets:write` (its own requirement).
//! The MCP mount reads exactly these requirements to decide who may call, and see, which tool.

use utoipa::openapi::{
    OpenApi,
    path::{HttpMethod, Operation},
    security::{AuthorizationCode, Flow, OAuth2, Scopes, SecurityRequirement, SecurityScheme},
};

/// Reading tickets and comments.
pub(crate) const READ: &str = "tickets:read";
/// Creating, changing, deleting and commenting.
pub(crate) const WRITE: &str = "tickets:write";

/// `api` with an `oauth2` scheme of `issuer` instead of the static bearer token, and the scopes
/// each operation needs.
pub(crate) fn require_scopes(mut api: OpenApi, issuer: &str) -> OpenApi {
    let base = issuer.trim_end_matches('/');
    let flow = AuthorizationCode::new(
        format!("{base}/authorize"),
        format!("{base}/token"),
        Scopes::from_iter([
            (READ, "Read tickets and comments"),
            (WRITE, "Create, change and delete tickets; comment"),
        ]),
    );
    let scheme = SecurityScheme::OAuth2(OAuth2::new([Flow::AuthorizationCode(flow)]));
    let components = api.components.get_or_insert_with(Default::default);
    components.security_schemes.clear(); // the static bearer token is not this API's
    components.add_security_scheme("oauth2", scheme);
    api.security = Some(vec![SecurityRequirement::new("oauth2", [READ])]);
    for item in api.paths.paths.values_mut() {
        let writes = [
            (HttpMethod::Post, &mut item.post),
            (HttpMethod::Patch, &mut item.patch),
            (HttpMethod::Put, &mut item.put),
            (HttpMethod::Delete, &mut item.delete),
        ];
        for (_, operation) in writes {
            if let Some(operation) = operation.as_mut() {
                require(operation, WRITE);
            }
        }
    }
    api
}

fn require(operation: &mut Operation, scope: &str) {
    operation.security = Some(vec![SecurityRequirement::new("oauth2", [scope])]);
}
