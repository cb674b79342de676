//! Media types compared as HTTP compares them: the type and subtype without parameters,
//! case-insensitively (`Application/JSON; charset=utf-8` is JSON). Every place that reads a
//! documented or received media type asks here.

/// The media type without its parameters, trimmed; the case as written.
pub(crate) fn essence(media: &str) -> &str {
    media
        .split_once(';')
        .map_or(media, |(essence, _)| essence)
        .trim()
}

/// Whether `media` is `expected` (lower-case, without parameters).
pub(crate) fn is(media: &str, expected: &str) -> bool {
    essence(media).eq_ignore_ascii_case(expected)
}

/// Whether the `Content-Type` of `headers` is `expected` (lower-case, without parameters).
pub(crate) fn content_type_is(headers: &http::HeaderMap, expected: &str) -> bool {
    value_is(headers.get(http::header::CONTENT_TYPE), expected)
}

/// Whether a media-type header `value`, when there is one, is `expected` (lower-case, without
/// parameters).
pub(crate) fn value_is(value: Option<&http::HeaderValue>, expected: &str) -> bool {
    value
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| is(value, expected))
}

/// Whether `media` is of the top-level type `top` (`"text"` for any `text/...`).
pub(crate) fn has_type(media: &str, top: &str) -> bool {
    essence(media)
        .split_once('/')
        .is_some_and(|(kind, _)| kind.eq_ignore_ascii_case(top))
}

/// Whether `media` is JSON: `application/json` or a `+json` type.
pub(crate) fn is_json(media: &str) -> bool {
    if media == "application/json" {
        return true;
    }
    let essence = essence(media);
    essence.eq_ignore_ascii_case("application/json")
        || essence
            .len()
            .checked_sub(5)
            .and_then(|at| essence.get(at..))
            .is_some_and(|suffix| suffix.eq_ignore_ascii_case("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_and_case_do_not_matter() {
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(is_json("application/vnd.github+JSON"));
        assert!(!is_json("application/jsonl") && !is_json("json") && !is_json(""));
        assert!(is("Multipart/Form-Data; boundary=x", "multipart/form-data"));
        assert!(has_type("TEXT/Plain", "text") && !has_type("textual", "text"));
        assert_eq!(essence(" text/html ; q=1"), "text/html");
    }
}
