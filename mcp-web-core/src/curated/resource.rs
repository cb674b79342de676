//! [`CuratedResource`] and [`CuratedResourceTemplate`]: resources written by hand, read with
//! `resources/read` beside the generated ones.

use std::{collections::HashMap, fmt, future::Future, sync::Arc};

use futures::{FutureExt, future::BoxFuture};
use rmcp::model::{Resource, ResourceContents, ResourceTemplate};

use super::{context::CallContext, error::HandlerError};
use crate::resource::UriTemplate;

/// The resource a read asked for: its URI and, for a template, the variables it matched.
#[derive(Debug, Clone)]
pub struct ResourceRequest {
    /// The URI that was read.
    pub uri: String,
    /// Template variables taken from the URI (empty for a fixed resource).
    pub variables: HashMap<String, String>,
}

/// What a resource handler may return.
pub trait IntoResourceContents {
    /// The contents of the read.
    fn into_resource_contents(self) -> Vec<ResourceContents>;
}

impl IntoResourceContents for ResourceContents {
    fn into_resource_contents(self) -> Vec<ResourceContents> {
        vec![self]
    }
}

impl IntoResourceContents for Vec<ResourceContents> {
    fn into_resource_contents(self) -> Vec<ResourceContents> {
        self
    }
}

type ResourceFn = dyn Fn(
        ResourceRequest,
        CallContext,
    ) -> BoxFuture<'static, Result<Vec<ResourceContents>, HandlerError>>
    + Send
    + Sync;

fn resource_handler<R, F, Fut>(handler: F) -> Arc<ResourceFn>
where
    R: IntoResourceContents + 'static,
    F: Fn(ResourceRequest, CallContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, HandlerError>> + Send + 'static,
{
    Arc::new(move |request, cx| {
        handler(request, cx)
            .map(|result| result.map(IntoResourceContents::into_resource_contents))
            .boxed()
    })
}

/// A resource at a fixed URI, written by hand.
#[derive(Clone)]
pub struct CuratedResource {
    pub(crate) resource: Resource,
    pub(crate) handler: Arc<ResourceFn>,
}

impl fmt::Debug for CuratedResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CuratedResource")
            .field("uri", &self.resource.uri)
            .finish_non_exhaustive()
    }
}

impl CuratedResource {
    /// The resource `uri`, listed as `name`, read by `handler`.
    pub fn new<R, F, Fut>(uri: impl Into<String>, name: impl Into<String>, handler: F) -> Self
    where
        R: IntoResourceContents + 'static,
        F: Fn(ResourceRequest, CallContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, HandlerError>> + Send + 'static,
    {
        Self {
            resource: Resource::new(uri, name),
            handler: resource_handler(handler),
        }
    }

    /// What the resource is, for the model.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.resource.description = Some(description.into());
        self
    }

    /// A human-readable title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.resource.title = Some(title.into());
        self
    }

    /// The MIME type of its contents.
    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.resource.mime_type = Some(mime_type.into());
        self
    }
}

/// A family of resources described by an RFC 6570 URI template (`notes://{id}`), written by
/// hand.
#[derive(Clone)]
pub struct CuratedResourceTemplate {
    pub(crate) template: ResourceTemplate,
    pub(crate) uri: UriTemplate,
    pub(crate) handler: Arc<ResourceFn>,
}

impl fmt::Debug for CuratedResourceTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CuratedResourceTemplate")
            .field("uri_template", &self.template.uri_template)
            .finish_non_exhaustive()
    }
}

impl CuratedResourceTemplate {
    /// Resources matching `uri_template` (simple `{var}` path variables and an optional
    /// `{?a,b}` query part), listed as `name`, read by `handler`.
    ///
    /// # Panics
    /// When `uri_template` is not such a template (a programming error, found at startup).
    pub fn new<R, F, Fut>(
        uri_template: impl Into<String>,
        name: impl Into<String>,
        handler: F,
    ) -> Self
    where
        R: IntoResourceContents + 'static,
        F: Fn(ResourceRequest, CallContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, HandlerError>> + Send + 'static,
    {
        let uri_template = uri_template.into();
        let uri = UriTemplate::parse(&uri_template)
            .unwrap_or_else(|why| panic!("resource template '{uri_template}': {why}"));
        Self {
            template: ResourceTemplate::new(uri_template, name),
            uri,
            handler: resource_handler(handler),
        }
    }

    /// What the resources are, for the model.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.template.description = Some(description.into());
        self
    }

    /// A human-readable title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.template.title = Some(title.into());
        self
    }

    /// The MIME type of their contents.
    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.template.mime_type = Some(mime_type.into());
        self
    }
}
