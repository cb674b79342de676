//! The API's base URL, and the URL of each call under it.

use std::fmt;

use http::{
    Uri,
    uri::{Authority, PathAndQuery, Scheme},
};

/// Where the API is: `http://host:port`, with an optional path prefix every call goes under.
#[derive(Debug)]
pub(crate) struct BaseUrl {
    authority: Authority,
    /// The base URL's path without its trailing `/` (empty for the root).
    prefix: String,
}

impl BaseUrl {
    /// Read `url`; the message says what is wrong with it.
    pub(crate) fn parse(url: &str) -> Result<Self, String> {
        let uri: Uri = url
            .parse()
            .map_err(|error| format!("the API base URL {url:?} is not a URL: {error}"))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some("https") => {
                return Err(format!(
                    "the API base URL {url:?} is https: this client speaks plain HTTP/1.1, as \
                     between services of one private network; call the API over http, or through \
                     a local proxy that adds TLS"
                ));
            }
            _ => {
                return Err(format!(
                    "the API base URL {url:?} does not start with http://"
                ));
            }
        }
        let authority = uri
            .authority()
            .cloned()
            .ok_or_else(|| format!("the API base URL {url:?} names no host"))?;
        if uri.query().is_some() {
            return Err(format!(
                "the API base URL {url:?} has a query; give the scheme, host, port and path only"
            ));
        }
        Ok(Self {
            authority,
            prefix: uri.path().trim_end_matches('/').to_string(),
        })
    }

    /// The URL of a call whose in-process request targets `path_and_query`.
    pub(crate) fn join(&self, path_and_query: Option<&PathAndQuery>) -> Result<Uri, String> {
        let target = path_and_query.map_or("/", PathAndQuery::as_str);
        Uri::builder()
            .scheme(Scheme::HTTP)
            .authority(self.authority.clone())
            .path_and_query(format!("{}{target}", self.prefix))
            .build()
            .map_err(|error| format!("no URL for {target:?} under {self}: {error}"))
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "http://{}{}", self.authority, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(base: &str, target: &str) -> String {
        let base = BaseUrl::parse(base).unwrap();
        let target: PathAndQuery = target.parse().unwrap();
        base.join(Some(&target)).unwrap().to_string()
    }

    #[test]
    fn calls_go_under_the_base_path() {
        assert_eq!(
            joined("http://api:3000", "/tickets?q=a%2Fb"),
            "http://api:3000/tickets?q=a%2Fb"
        );
        assert_eq!(
            joined("http://10.0.0.5:8080/v1/", "/tickets/7"),
            "http://10.0.0.5:8080/v1/tickets/7"
        );
        assert_eq!(
            BaseUrl::parse("http://api/v1").unwrap().to_string(),
            "http://api/v1"
        );
    }

    #[test]
    fn unusable_base_urls_are_refused_with_the_reason() {
        let https = BaseUrl::parse("https://api.example.com").unwrap_err();
        assert!(https.contains("plain HTTP"), "{https}");
        let relative = BaseUrl::parse("/tickets").unwrap_err();
        assert!(relative.contains("http://"), "{relative}");
        let query = BaseUrl::parse("http://api/?x=1").unwrap_err();
        assert!(query.contains("query"), "{query}");
        let garbage = BaseUrl::parse("http://exa mple").unwrap_err();
        assert!(garbage.contains("not a URL"), "{garbage}");
    }
}
