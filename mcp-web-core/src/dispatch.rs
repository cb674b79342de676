//! The seam between the core and a web framework: [`Dispatcher`], and the body type it answers
//! with.

use bytes::Bytes;
use futures::future::BoxFuture;

use crate::CallError;

/// A boxed error, as web frameworks report body errors.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Body of a response coming back from the host application.
pub type DispatchBody = http_body_util::combinators::UnsyncBoxBody<Bytes, BoxError>;

/// Sends an in-process request into the host application and returns its response.
///
/// The adapters (`mcp-axum`, `mcp-actix`) implement this; everything else — building the
/// request, timeouts, panics, reading and mapping the response — happens once, in the core.
/// A dispatcher may also send the request to an API elsewhere (`mcp-web-remote`'s `RemoteApi`):
/// its answer is read and mapped by the same code.
pub trait Dispatcher: Send + Sync + 'static {
    /// Serve `request` through the host application, as if it had arrived over HTTP.
    ///
    /// `incoming` is the MCP request that caused the call, after the host's middleware ran;
    /// adapters may take connection data or the application handle from its extensions. A call
    /// that cannot be made is [`CallError::Dispatch`].
    fn dispatch(
        &self,
        request: http::Request<Bytes>,
        incoming: Option<&http::request::Parts>,
    ) -> BoxFuture<'static, Result<http::Response<DispatchBody>, CallError>>;
}
