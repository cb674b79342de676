//! The echo operations, documented with `#[utoipa::path]` and collected by utoipa-axum.
//!
//! Each handler takes [`Captured<E>`]: the raw request as it arrived ([`Seen`]) plus the value of
//! an ordinary axum extractor `E` (`Json`, `Form`, …) run on that same request, so a wrong content
//! type or a body that does not parse is rejected exactly as in any axum app.

use axum::{
    Json, Router,
    body::{Body, Bytes},
    extract::{FromRequest, Path, Query, Request},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use mcp_axum::McpToolCall;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Largest request body the echo reads.
const BODY_LIMIT: usize = 1 << 20;

/// The OpenAPI document the routes are added to.
#[derive(OpenApi)]
#[openapi(info(
    title = "fidelity-app",
    description = "Echo API: every operation answers with the request it received."
))]
struct ApiDoc;

/// The API as a `Router<()>` and its OpenAPI document.
pub(crate) fn router() -> (Router, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(echo_tree))
        .routes(routes!(echo_graph))
        .routes(routes!(echo_shape))
        .routes(routes!(echo_drawing))
        .routes(routes!(echo_items))
        .routes(routes!(echo_headers))
        .routes(routes!(echo_form))
        .routes(routes!(echo_widget))
        .routes(routes!(echo_file))
        .split_for_parts()
}

// --- what the handler received ------------------------------------------------------------

/// The request exactly as the handler received it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Seen {
    /// HTTP method.
    method: String,
    /// The path, still percent-encoded.
    path: String,
    /// The query string, still percent-encoded; null when the URI has none.
    query: Option<String>,
    /// `Content-Type` header.
    content_type: Option<String>,
    /// `X-Request-Id` header.
    request_id: Option<String>,
    /// The raw `Cookie` header.
    cookie: Option<String>,
    /// Names of all request headers, sorted.
    header_names: Vec<String>,
    /// The body as text (lossy UTF-8).
    body: String,
    /// The tool named by the `McpToolCall` extension; null for plain HTTP requests.
    tool: Option<String>,
}

/// The raw request ([`Seen`]) plus what the extractor `E` made of it.
#[derive(Debug)]
pub(crate) struct Captured<E> {
    seen: Seen,
    value: E,
}

impl<S, E> FromRequest<S> for Captured<E>
where
    S: Send + Sync,
    E: FromRequest<S>,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, BODY_LIMIT)
            .await
            .map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()).into_response())?;
        let text = |name: header::HeaderName| {
            parts
                .headers
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        };
        let mut header_names: Vec<String> = parts
            .headers
            .keys()
            .map(|name| name.as_str().to_string())
            .collect();
        header_names.sort();
        header_names.dedup();
        let seen = Seen {
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(str::to_string),
            content_type: text(header::CONTENT_TYPE),
            request_id: text(header::HeaderName::from_static("x-request-id")),
            cookie: text(header::COOKIE),
            header_names,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            tool: parts
                .extensions
                .get::<McpToolCall>()
                .map(|call| call.tool.clone()),
        };
        let request = Request::from_parts(parts, Body::from(bytes));
        let value = E::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Self { seen, value })
    }
}

// --- recursive models ---------------------------------------------------------------------

/// A category tree: each category holds its subcategories.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct Category {
    /// Category name.
    name: String,
    /// Subcategories (the same type, recursively).
    #[schema(no_recursion)]
    children: Vec<Category>,
}

impl Category {
    fn count(&self) -> u32 {
        1 + self.children.iter().map(Category::count).sum::<u32>()
    }

    fn depth(&self) -> u32 {
        1 + self.children.iter().map(Category::depth).max().unwrap_or(0)
    }
}

/// Echo of [`echo_tree`].
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TreeEcho {
    seen: Seen,
    /// The tree as parsed.
    tree: Category,
    /// Number of categories in the tree.
    count: u32,
    /// Levels in the tree (a leaf alone is 1).
    depth: u32,
}

/// A graph node; its edges lead to further nodes (mutually recursive with [`Edge`]).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct Node {
    /// Node label.
    label: String,
    /// Outgoing edges.
    edges: Vec<Edge>,
}

/// An edge to another node, or a dangling one.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct Edge {
    /// Edge weight.
    weight: i32,
    /// Where the edge leads; null for a dangling edge.
    #[schema(no_recursion)]
    target: Option<Box<Node>>,
}

impl Node {
    fn labels(&self, out: &mut Vec<String>) {
        out.push(self.label.clone());
        for edge in &self.edges {
            if let Some(target) = &edge.target {
                target.labels(out);
            }
        }
    }
}

/// Echo of [`echo_graph`].
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GraphEcho {
    seen: Seen,
    /// The graph as parsed.
    node: Node,
    /// Every node label, depth first.
    labels: Vec<String>,
}

/// Echo a category tree
///
/// A recursive model as the request body and in the response.
#[utoipa::path(
    post,
    path = "/tree",
    operation_id = "echo_tree",
    request_body = Category,
    responses((status = 200, description = "What the handler received", body = TreeEcho))
)]
async fn echo_tree(
    Captured {
        seen,
        value: Json(tree),
    }: Captured<Json<Category>>,
) -> Json<TreeEcho> {
    Json(TreeEcho {
        count: tree.count(),
        depth: tree.depth(),
        seen,
        tree,
    })
}

/// Echo a graph
///
/// Mutually recursive models (`Node` → `Edge` → `Node`) as body and response.
#[utoipa::path(
    post,
    path = "/graph",
    operation_id = "echo_graph",
    request_body = Node,
    responses((status = 200, description = "What the handler received", body = GraphEcho))
)]
async fn echo_graph(
    Captured {
        seen,
        value: Json(node),
    }: Captured<Json<Node>>,
) -> Json<GraphEcho> {
    let mut labels = Vec::new();
    node.labels(&mut labels);
    Json(GraphEcho { seen, node, labels })
}

// --- unions -------------------------------------------------------------------------------

/// A shape, tagged by `kind`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Shape {
    /// A circle.
    Circle {
        /// Radius.
        radius: f64,
    },
    /// An axis-aligned rectangle.
    Rect {
        /// Width.
        width: f64,
        /// Height.
        height: f64,
    },
}

/// A number, a text or a list of flags (untagged: told apart by the JSON type).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub(crate) enum Scalar {
    /// An integer.
    Number(i64),
    /// A string.
    Text(String),
    /// A list of booleans.
    Flags(Vec<bool>),
}

/// A drawing: unions and optional fields in an object body.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct Drawing {
    /// Title.
    title: String,
    /// The shape, if any.
    shape: Option<Shape>,
    /// A value of any of the [`Scalar`] kinds.
    value: Scalar,
    /// An optional value of any of the [`Scalar`] kinds.
    fallback: Option<Scalar>,
    /// An optional note.
    note: Option<String>,
}

/// Echo of [`echo_shape`].
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ShapeEcho {
    seen: Seen,
    /// The shape as parsed.
    shape: Shape,
    /// Which variant was parsed.
    variant: String,
}

/// Echo of [`echo_drawing`].
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DrawingEcho {
    seen: Seen,
    /// The drawing as parsed.
    drawing: Drawing,
    /// Which `Scalar` variant `value` parsed as.
    value_variant: String,
}

fn scalar_variant(scalar: &Scalar) -> &'static str {
    match scalar {
        Scalar::Number(_) => "number",
        Scalar::Text(_) => "text",
        Scalar::Flags(_) => "flags",
    }
}

/// Echo a shape
///
/// A tagged enum (`oneOf`) as the whole request body.
#[utoipa::path(
    post,
    path = "/shape",
    operation_id = "echo_shape",
    request_body = Shape,
    responses((status = 200, description = "What the handler received", body = ShapeEcho))
)]
async fn echo_shape(
    Captured {
        seen,
        value: Json(shape),
    }: Captured<Json<Shape>>,
) -> Json<ShapeEcho> {
    let variant = match shape {
        Shape::Circle { .. } => "circle",
        Shape::Rect { .. } => "rect",
    };
    Json(ShapeEcho {
        seen,
        shape,
        variant: variant.into(),
    })
}

/// Echo a drawing
///
/// Tagged and untagged unions and `Option<T>` fields as body properties.
#[utoipa::path(
    post,
    path = "/drawing",
    operation_id = "echo_drawing",
    request_body = Drawing,
    responses((status = 200, description = "What the handler received", body = DrawingEcho))
)]
async fn echo_drawing(
    Captured {
        seen,
        value: Json(drawing),
    }: Captured<Json<Drawing>>,
) -> Json<DrawingEcho> {
    Json(DrawingEcho {
        value_variant: scalar_variant(&drawing.value).into(),
        seen,
        drawing,
    })
}

// --- an array body ------------------------------------------------------------------------

/// A line item.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct Item {
    /// Stock-keeping unit.
    sku: String,
    /// Quantity.
    qty: u32,
    /// Optional tags.
    tags: Option<Vec<String>>,
}

/// Echo of [`echo_items`].
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ItemsEcho {
    seen: Seen,
    /// The items as parsed.
    items: Vec<Item>,
    /// Sum of the quantities.
    total_qty: u32,
}

/// Echo line items
///
/// A JSON array as the whole request body.
#[utoipa::path(
    post,
    path = "/items",
    operation_id = "echo_items",
    request_body = Vec<Item>,
    responses((status = 200, description = "What the handler received", body = ItemsEcho))
)]
async fn echo_items(
    Captured {
        seen,
        value: Json(items),
    }: Captured<Json<Vec<Item>>>,
) -> Json<ItemsEcho> {
    Json(ItemsEcho {
        total_qty: items.iter().map(|item| item.qty).sum(),
        seen,
        items,
    })
}

// --- header, cookie and query parameters --------------------------------------------------

/// Query of [`echo_headers`].
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct HeadersQuery {
    /// Free text.
    q: Option<String>,
}

/// Echo of [`echo_headers`].
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct HeadersEcho {
    seen: Seen,
    /// The `q` query parameter, decoded.
    q: Option<String>,
    /// The value of the `session` cookie, as sent.
    session: Option<String>,
}

/// Echo header, cookie and query parameters
#[utoipa::path(
    get,
    path = "/headers",
    operation_id = "echo_headers",
    params(
        HeadersQuery,
        ("X-Request-Id" = String, Header, description = "Correlation id"),
        ("session" = Option<String>, Cookie, description = "Session cookie"),
    ),
    responses((status = 200, description = "What the handler received", body = HeadersEcho))
)]
async fn echo_headers(
    Query(query): Query<HeadersQuery>,
    Captured { seen, .. }: Captured<Bytes>,
) -> Json<HeadersEcho> {
    let session = seen.cookie.as_deref().and_then(|cookie| {
        cookie.split(';').find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == "session").then(|| value.to_string())
        })
    });
    Json(HeadersEcho {
        seen,
        q: query.q,
        session,
    })
}

// --- a form body --------------------------------------------------------------------------

/// A sign-up form.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)] // documents the form; the handler reads the raw pairs
pub(crate) struct Signup {
    /// Display name.
    name: String,
    /// Age in years.
    age: u32,
    /// Optional note.
    note: Option<String>,
    /// Interests (repeated field).
    tags: Vec<String>,
}

/// One decoded form field.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FormField {
    /// Field name.
    name: String,
    /// Field value.
    value: String,
}

/// Echo of [`echo_form`].
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FormEcho {
    seen: Seen,
    /// The fields in body order, decoded.
    fields: Vec<FormField>,
}

/// Echo a form
///
/// An `application/x-www-form-urlencoded` body.
#[utoipa::path(
    post,
    path = "/form",
    operation_id = "echo_form",
    request_body(content = Signup, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "What the handler received", body = FormEcho))
)]
async fn echo_form(
    Captured {
        seen,
        value: axum::Form(pairs),
    }: Captured<axum::Form<Vec<(String, String)>>>,
) -> Json<FormEcho> {
    let fields = pairs
        .into_iter()
        .map(|(name, value)| FormField { name, value })
        .collect();
    Json(FormEcho { seen, fields })
}

// --- a name in the path and in the body ---------------------------------------------------

/// A widget; its `id` also names the path parameter, its `name` the query parameter.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct Widget {
    /// Widget id (may differ from the path's).
    id: String,
    /// Widget name.
    name: String,
    /// Optional size.
    size: Option<i32>,
}

/// Query of [`echo_widget`].
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct WidgetQuery {
    /// A name filter (clashes with the body's `name`).
    name: Option<String>,
}

/// Echo of [`echo_widget`].
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WidgetEcho {
    seen: Seen,
    /// The `id` path parameter, decoded.
    path_id: String,
    /// The `name` query parameter, decoded.
    query_name: Option<String>,
    /// The body as parsed.
    widget: Widget,
}

/// Echo a widget update
///
/// `id` is both a path parameter and a body property; `name` both a query parameter and a body
/// property.
#[utoipa::path(
    put,
    path = "/widgets/{id}",
    operation_id = "echo_widget",
    params(("id" = String, Path, description = "Widget id in the path"), WidgetQuery),
    request_body = Widget,
    responses((status = 200, description = "What the handler received", body = WidgetEcho))
)]
async fn echo_widget(
    Path(path_id): Path<String>,
    Query(query): Query<WidgetQuery>,
    Captured {
        seen,
        value: Json(widget),
    }: Captured<Json<Widget>>,
) -> Json<WidgetEcho> {
    Json(WidgetEcho {
        seen,
        path_id,
        query_name: query.name,
        widget,
    })
}

// --- reserved characters in path values ---------------------------------------------------

/// Echo of [`echo_file`].
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FileEcho {
    seen: Seen,
    /// The `dir` path parameter, decoded.
    dir: String,
    /// The `name` path parameter, decoded.
    name: String,
}

/// Echo a file path
///
/// Two path parameters, each of which may hold `/`, spaces, `?`, `#`, `%` and non-ASCII text.
#[utoipa::path(
    get,
    path = "/files/{dir}/{name}",
    operation_id = "echo_file",
    params(
        ("dir" = String, Path, description = "Directory"),
        ("name" = String, Path, description = "File name"),
    ),
    responses((status = 200, description = "What the handler received", body = FileEcho))
)]
async fn echo_file(
    Path((dir, name)): Path<(String, String)>,
    Captured { seen, .. }: Captured<Bytes>,
) -> Json<FileEcho> {
    Json(FileEcho { seen, dir, name })
}
