//! [`PathPattern`]: the path template globs of filters and route maps (`/admin/*`,
//! `/admin/**`, `/files/*.csv`).

use std::fmt;

/// A path template glob: `*` is one segment (or part of one: `/files/*.csv`), `**` any number
/// of segments (none included), anything else must be equal. `{param}` segments are compared as
/// written, so `/tickets/{ticket_id}` matches that template exactly and `/tickets/*` matches it
/// too. Trailing slashes do not matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PathPattern {
    source: String,
    segments: Vec<String>,
}

impl PathPattern {
    pub(crate) fn new(pattern: &str) -> Self {
        Self {
            source: pattern.to_string(),
            segments: segments(pattern).map(String::from).collect(),
        }
    }

    pub(crate) fn matches(&self, path: &str) -> bool {
        let path: Vec<&str> = segments(path).collect();
        let pattern: Vec<&str> = self.segments.iter().map(String::as_str).collect();
        match_segments(&pattern, &path)
    }
}

impl fmt::Display for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

fn match_segments(pattern: &[&str], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|skip| match_segments(rest, &path[skip..])),
        Some((first, rest)) => match path.split_first() {
            Some((segment, path_rest)) => {
                match_segment(first.as_bytes(), segment.as_bytes())
                    && match_segments(rest, path_rest)
            }
            None => false,
        },
    }
}

/// `*` within one segment matches any run of characters.
fn match_segment(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|skip| match_segment(rest, &text[skip..])),
        Some((c, rest)) => text.first() == Some(c) && match_segment(rest, &text[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_globs_match_one_segment_any_depth_or_exactly() {
        let one = PathPattern::new("/admin/*");
        assert!(one.matches("/admin/users"));
        assert!(one.matches("/admin/{id}"));
        assert!(!one.matches("/admin"));
        assert!(!one.matches("/admin/users/1"));

        let deep = PathPattern::new("/admin/**");
        assert!(deep.matches("/admin"));
        assert!(deep.matches("/admin/users"));
        assert!(deep.matches("/admin/users/{id}/roles"));
        assert!(!deep.matches("/administrators"));
        assert!(!deep.matches("/public/admin"));

        let exact = PathPattern::new("/tickets/{ticket_id}");
        assert!(exact.matches("/tickets/{ticket_id}"));
        assert!(exact.matches("/tickets/{ticket_id}/"));
        assert!(!exact.matches("/tickets/{id}"));
        assert!(!exact.matches("/tickets"));

        let middle = PathPattern::new("/**/export");
        assert!(middle.matches("/export"));
        assert!(middle.matches("/a/b/export"));
        assert!(!middle.matches("/a/b/export/x"));

        let partial = PathPattern::new("/files/*.csv");
        assert!(partial.matches("/files/report.csv"));
        assert!(!partial.matches("/files/report.json"));
        assert!(PathPattern::new("/**").matches("/"));
    }
}
