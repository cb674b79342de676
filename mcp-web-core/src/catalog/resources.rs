//! The resource side of the mapper: an operation mapped to a resource becomes one at a fixed URI
//! (no path parameters) or a resource template, when it can be read through a URI at all (a `GET`
//! whose required arguments fit in the URI); otherwise it stays a tool, with a warning.

use std::sync::Arc;

use http::Method;
use rmcp::model::{Resource, ResourceTemplate};
use serde_json::Value;

use super::{bodies::is_json, outputs::success_response};
use crate::{
    resource::{ResourceEntry, TemplateEntry, UriTemplate},
    route::{Location, Operation},
    schema::SchemaResolver,
};

/// What one exposed operation became.
pub(super) enum Exposed {
    // Boxed: an operation is several times the size of the entries.
    Tool(Box<Operation>),
    Resource(ResourceEntry),
    Template(TemplateEntry),
}

/// The operation as a resource (no path parameters) or resource template under `uri_base`; a
/// tool, with a warning, when it cannot be read through a URI (`by` names who asked for a
/// resource).
pub(super) fn resource(
    resolver: &SchemaResolver<'_>,
    uri_base: &str,
    op: Operation,
    by: &str,
    operation: &Value,
    warn: &mut impl FnMut(String),
) -> Exposed {
    let route = &op.route;
    let required = route
        .params
        .iter()
        .find(|p| p.required && p.location != Location::Path);
    let obstacle = if route.method != Method::GET {
        Some(format!(
            "only GET operations can be resources, not {}",
            route.method
        ))
    } else if let Some(param) = required {
        Some(format!(
            "its required {} parameter '{}' cannot be given in a resource URI",
            param.location.suffix(),
            param.name
        ))
    } else if route.body.as_ref().is_some_and(|body| body.required) {
        Some("it requires a request body".into())
    } else {
        None
    };
    if let Some(why) = obstacle {
        warn(format!(
            "{by} maps it to a resource, but {why}; it is a tool instead"
        ));
        return Exposed::Tool(Box::new(op));
    }
    for param in route
        .params
        .iter()
        .filter(|p| matches!(p.location, Location::Header | Location::Cookie))
    {
        warn(format!(
            "the optional {} parameter '{}' cannot be set through a resource URI; reads go without it",
            param.location.suffix(),
            param.name
        ));
    }
    if route.body.is_some() {
        warn(
            "the optional request body cannot be sent through a resource URI; reads go without it"
                .into(),
        );
    }
    let uri = UriTemplate::for_route(uri_base, route);
    let name = op.tool.name.to_string();
    let description = op.tool.description.as_deref().map(str::to_string);
    let title = op.tool.title.clone();
    let mime = success_response(resolver, operation).and_then(|(_, response)| {
        let content = response.get("content")?.as_object()?;
        content
            .keys()
            .find(|media| is_json(media))
            .or_else(|| content.keys().next())
            .cloned()
    });
    if uri.has_path_variables() {
        let mut template = ResourceTemplate::new(uri.to_template_string(), name);
        template.title = title;
        template.description = description;
        template.mime_type = mime;
        Exposed::Template(TemplateEntry {
            template,
            operation: Arc::new(op),
            uri,
        })
    } else {
        let mut resource = Resource::new(uri.fixed_uri(), name);
        resource.title = title;
        resource.description = description;
        resource.mime_type = mime;
        Exposed::Resource(ResourceEntry {
            resource,
            operation: Arc::new(op),
            uri,
        })
    }
}
