//! JSON bodies read on the hot path: the UTF-8 of the whole body checked once, then the body
//! parsed as text.
//!
//! `serde_json::from_slice` checks the UTF-8 of each string on its own, which costs ~100
//! instructions a string: on a `tools/call` message or a handler's record, made of many short
//! strings, that was a third of the parse. Checking the whole body first is a few hundred
//! instructions, and `from_str` then trusts it.

use serde::Deserialize;

/// `bytes` read as one JSON document, exactly as `serde_json::from_slice` reads it (JSON that
/// parses is valid UTF-8 throughout, so nothing it would accept is refused here).
pub(crate) fn read<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        // Not a document either way: `from_slice` says where and why.
        Err(_) => serde_json::from_slice(bytes),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::read;

    #[test]
    fn reads_what_from_slice_reads_and_refuses_what_it_refuses() {
        let documents: [&[u8]; 7] = [
            br#"{"a":"\u00e9 \" \\ x","b":[1,2.5,null,true]}"#,
            "{\"é\":\"😀\"}".as_bytes(),
            b"  [1, 2]  ",
            b"{\"a\":\"\xff\"}",
            b"\xff",
            b"{\"a\":1",
            b"",
        ];
        for bytes in documents {
            let ours = read::<Value>(bytes).map_err(|e| e.to_string());
            let theirs = serde_json::from_slice::<Value>(bytes).map_err(|e| e.to_string());
            assert_eq!(ours.is_ok(), theirs.is_ok(), "{bytes:?}");
            if let (Ok(ours), Ok(theirs)) = (&ours, &theirs) {
                assert_eq!(ours, theirs);
            }
        }
    }
}
