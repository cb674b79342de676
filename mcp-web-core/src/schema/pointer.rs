//! JSON pointers into the document (`#/components/schemas/Name`, any `#/...`), their `~0`/`~1`
//! escaping, and the `#/$defs/Name` references kept components get.
//!
//! A `$ref` is a URI fragment holding a JSON pointer (RFC 6901 §6): it is percent-decoded once,
//! then split at `/`, and only then is each token's `~1` and `~0` decoded — so `a~1b` is one token
//! `a/b`, `~01` is `~1`, and `Page%3CT%3E` names `Page<T>`.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use serde_json::Value;

pub(super) const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// The component name a `#/components/schemas/Name` reference points at.
pub(super) fn component_name(reference: &str) -> Option<Cow<'_, str>> {
    let token = reference.strip_prefix(SCHEMA_PREFIX)?;
    Some(match fragment(token)? {
        Cow::Borrowed(token) => unescape(token),
        Cow::Owned(token) => Cow::Owned(unescape(&token).into_owned()),
    })
}

/// The JSON pointer a `#...` reference holds: its fragment percent-decoded, `~` escapes left for
/// each token. `None` when the decoded bytes are not UTF-8.
pub(super) fn fragment(text: &str) -> Option<Cow<'_, str>> {
    if !text.contains('%') {
        return Some(Cow::Borrowed(text));
    }
    percent_decode_str(text).decode_utf8().ok()
}

/// A JSON pointer token with `~1` and `~0` decoded (in that order, as `serde_json` does); copied
/// only when there is something to decode.
pub(super) fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// [`Value::pointer`] without a copy of every token.
pub(super) fn json_pointer<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    if !pointer.starts_with('/') {
        return None;
    }
    pointer
        .split('/')
        .skip(1)
        .try_fold(root, |target, token| match target {
            Value::Object(map) => map.get(unescape(token).as_ref()),
            Value::Array(list) => {
                let token = unescape(token);
                // As `serde_json`: no sign, no leading zero.
                if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
                    return None;
                }
                token.parse::<usize>().ok().and_then(|i| list.get(i))
            }
            _ => None,
        })
}

/// Characters a URI fragment cannot hold as they are (RFC 3986), on top of controls.
const FRAGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// `#/$defs/Name` as a URI fragment holding a JSON pointer: `Page<T>` and `a/b` stay reachable.
pub(super) fn def_ref(name: &str) -> String {
    let token = name.replace('~', "~0").replace('/', "~1");
    format!("#/$defs/{}", utf8_percent_encode(&token, FRAGMENT))
}
