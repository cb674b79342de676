//! The route model: what every stage after the catalog reads about one exposed operation.
//!
//! The catalog builds it once from the OpenAPI document ([`Route`]: method, path, parameters
//! with their location and style, the request body and its encoding; [`Operation`]: the tool and
//! its route); request building, resource URIs and result mapping read it. It depends on no
//! other module of the core, so readers never import the builder.

use std::sync::OnceLock;

use http::Method;
use rmcp::model::Tool;
use serde_json::Value;

use crate::schema::{
    instance::InPlace,
    text_check::{OutputChecks, TextCheck},
};

/// Where a parameter goes in the HTTP request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

impl Location {
    /// The location an OpenAPI `in` names.
    pub(crate) fn parse(value: &str) -> Option<Self> {
        match value {
            "path" => Some(Self::Path),
            "query" => Some(Self::Query),
            "header" => Some(Self::Header),
            "cookie" => Some(Self::Cookie),
            _ => None,
        }
    }

    /// The OpenAPI name of the location, which also suffixes clashing argument names.
    pub(crate) fn suffix(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
        }
    }
}

/// How an array or object parameter value is written (OpenAPI `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// Query and cookie default: `a=1&a=2` exploded, `a=1,2` not; objects `k=v&k2=v2` / `o=k,v`.
    Form,
    /// Path and header default: `1,2`; objects `k=v,k2=v2` exploded, `k,v,k2,v2` not.
    Simple,
    /// Path: `.1.2` exploded, `.1,2` not.
    Label,
    /// Path: `;a=1;a=2` exploded, `;a=1,2` not.
    Matrix,
    /// Query arrays: `a=1%202`.
    SpaceDelimited,
    /// Query arrays: `a=1|2`.
    PipeDelimited,
    /// Query objects: `filter[status]=open&filter[owner]=me`.
    DeepObject,
    /// The parameter is described by `content`, not `schema`: the value is sent as JSON text.
    Json,
}

impl Style {
    /// `form` for query and cookie parameters, `simple` for path and header ones.
    pub(crate) fn default_for(location: Location) -> Self {
        match location {
            Location::Query | Location::Cookie => Self::Form,
            Location::Path | Location::Header => Self::Simple,
        }
    }

    /// The style an OpenAPI `style` names (the location's default when there is none); `None`
    /// for a style OpenAPI does not define.
    pub(crate) fn parse(style: Option<&str>, location: Location) -> Option<Self> {
        Some(match style {
            None => Self::default_for(location),
            Some("form") => Self::Form,
            Some("simple") => Self::Simple,
            Some("label") => Self::Label,
            Some("matrix") => Self::Matrix,
            Some("spaceDelimited") => Self::SpaceDelimited,
            Some("pipeDelimited") => Self::PipeDelimited,
            Some("deepObject") => Self::DeepObject,
            Some(_) => return None,
        })
    }
}

/// One OpenAPI parameter and the argument that feeds it.
#[derive(Debug, Clone)]
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) argument: String,
    pub(crate) location: Location,
    pub(crate) required: bool,
    pub(crate) style: Style,
    /// Arrays and objects as one pair per item (`a=1&a=2`) rather than one delimited value.
    pub(crate) explode: bool,
}

impl Param {
    /// A parameter with its location's default style (`form` for query and cookie, `simple`
    /// for path and header) and explode rule.
    pub(crate) fn new(name: &str, location: Location) -> Self {
        let style = Style::default_for(location);
        Self {
            name: name.to_string(),
            argument: name.to_string(),
            location,
            required: location == Location::Path,
            style,
            explode: style == Style::Form,
        }
    }

    /// Send the value with this `style` and `explode` rule.
    #[cfg(test)]
    pub(crate) fn style(mut self, style: Style, explode: bool) -> Self {
        self.style = style;
        self.explode = explode;
        self
    }
}

/// How the request body is built from the arguments.
#[derive(Debug, Clone)]
pub(crate) enum BodyShape {
    /// An object body whose properties are arguments: `(property, argument)`.
    Properties(Vec<(String, String)>),
    /// The whole body is one argument.
    Whole(String),
}

/// Request body media types that can be built from arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyEncoding {
    Json,
    Form,
    /// `multipart/form-data`: one part per property; file properties take a [`FILE_ARGUMENT`].
    Multipart,
    Text,
}

/// How a file field of a `multipart/form-data` body is passed, as the model sees it:
///
/// ```json
/// {"filename": "report.pdf", "content_type": "application/pdf", "data_base64": "JVBERi0..."}
/// ```
///
/// `content_type` is optional (the documented encoding's type, else
/// `application/octet-stream`). A field is a file when its schema is `type: string` with
/// `format: binary` (OpenAPI 3.0) or has `contentMediaType` / `contentEncoding` (3.1); an array of
/// such strings takes an array of these objects, sent as one part each.
pub(crate) const FILE_ARGUMENT: &str = "A file, as {\"filename\": string, \"content_type\": \
     string (optional), \"data_base64\": string (the bytes, base64-encoded)}.";

/// One multipart file field: its property and how the part is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FilePart {
    pub(crate) property: String,
    /// Part type when the argument names none: the media type's `encoding`, else the schema's
    /// `contentMediaType`, else `application/octet-stream`.
    pub(crate) default_type: String,
    /// 3.1 `contentEncoding: base64`: the part carries the base64 text itself, not the bytes.
    pub(crate) base64_text: bool,
}

/// The request body of an operation.
#[derive(Debug, Clone)]
pub(crate) struct Body {
    pub(crate) shape: BodyShape,
    pub(crate) encoding: BodyEncoding,
    pub(crate) content_type: String,
    pub(crate) required: bool,
    /// Multipart fields that are files.
    pub(crate) files: Vec<FilePart>,
}

/// Everything needed to turn arguments into the HTTP request of one operation.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) params: Vec<Param>,
    pub(crate) body: Option<Body>,
}

impl Route {
    /// At most how many headers a call's request adds of its own: one per header or cookie
    /// parameter, and the body's `Content-Type`.
    pub(crate) fn headers_added(&self) -> usize {
        let params = (self.params.iter())
            .filter(|param| matches!(param.location, Location::Header | Location::Cookie))
            .count();
        params + usize::from(self.body.is_some())
    }
}

/// One exposed operation.
#[derive(Debug)]
pub(crate) struct Operation {
    pub(crate) tool: Tool,
    pub(crate) route: Route,
    /// The 2xx JSON result is wrapped as `{"result": ..}` because its schema is not an object.
    pub(crate) wraps_result: bool,
    /// The scopes a caller needs, from the operation's OpenAPI `security`.
    pub(crate) scopes: crate::oauth::ScopeRequirement,
    /// Whether its calls may become tasks (`x-mcp.taskSupport`, or a documented `202`).
    pub(crate) task_support: crate::tasks::TaskSupport,
    /// Its documented answer is `202 Accepted` with a status link (`Location`): a call follows
    /// the link until the work is done, and answers with the final resource.
    pub(crate) accepted_follows_location: bool,
    input_validator: OnceLock<Result<jsonschema::Validator, String>>,
    output_checks: OnceLock<Option<OutputChecks>>,
    /// Whether an argument is mirrored into an `Mcp-Param-*` header, found on first use.
    mirrors_headers: OnceLock<bool>,
}

impl Operation {
    /// An operation whose validators are compiled on first use.
    pub(crate) fn new(tool: Tool, route: Route, wraps_result: bool) -> Self {
        Self {
            tool,
            route,
            wraps_result,
            scopes: crate::oauth::ScopeRequirement::default(),
            task_support: crate::tasks::TaskSupport::Forbidden,
            accepted_follows_location: false,
            input_validator: OnceLock::new(),
            output_checks: OnceLock::new(),
            mirrors_headers: OnceLock::new(),
        }
    }

    /// Whether an argument of the tool is mirrored into an `Mcp-Param-*` header (SEP-2243).
    pub(crate) fn mirrors_headers(&self) -> bool {
        *self
            .mirrors_headers
            .get_or_init(|| crate::header_params::declares_any(&self.tool.input_schema))
    }

    /// The input validator, compiled on first use so that mounting stays fast.
    pub(crate) fn input_validator(&self) -> Result<&jsonschema::Validator, &str> {
        self.input_validator
            .get_or_init(|| {
                jsonschema::validator_for(&Value::Object((*self.tool.input_schema).clone()))
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// The output schema's checks, compiled together on first use, if the operation declares
    /// an output schema that compiles.
    fn output_checks(&self) -> Option<&OutputChecks> {
        self.output_checks
            .get_or_init(|| {
                let schema = self.tool.output_schema.as_ref()?;
                OutputChecks::new(&Value::Object((**schema).clone()))
            })
            .as_ref()
    }

    /// The output validator, if the operation declares an output schema that compiles. It
    /// checks answers read in place ([`Instance`](crate::schema::instance::Instance)).
    pub(crate) fn output_validator(&self) -> Option<&jsonschema::Validator<InPlace>> {
        self.output_checks().map(|checks| &checks.full)
    }

    /// The one-pass check of answers against the output schema, when the schema compiles for
    /// the full check and uses only the keywords the one-pass check covers.
    pub(crate) fn text_check(&self) -> Option<&TextCheck> {
        self.output_checks()?.one_pass.as_ref()
    }
}
