//! JSON on the hot path: bodies read with the UTF-8 of the whole body checked once, then parsed
//! as text ([`read`] through serde, [`reader`] without it, for a tool's answer and a
//! `tools/call`); strings written with their escapes eight bytes at a time ([`write_str`]).
//!
//! `serde_json::from_slice` checks the UTF-8 of each string on its own, which costs ~100
//! instructions a string: on a `tools/call` message or a handler's record, made of many short
//! strings, that was a third of the parse. Checking the whole body first is a few hundred
//! instructions, and `from_str` then trusts it.

use serde::Deserialize;

pub(crate) use reader::NotJson;

pub(crate) mod reader;

/// `bytes` read as one JSON document, exactly as `serde_json::from_slice` reads it (JSON that
/// parses is valid UTF-8 throughout, so nothing it would accept is refused here).
pub(crate) fn read<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        // Not a document either way: `from_slice` says where and why.
        Err(_) => serde_json::from_slice(bytes),
    }
}

/// `text` as a JSON string, byte for byte as `serde_json::to_writer` writes it.
///
/// A tool's JSON answer goes to the model as the text of a text block too: JSON inside JSON,
/// a quote every few bytes. serde_json writes each run between two escapes with its own call,
/// ~100 instructions an escape; this writes eight bytes at a time, a chunk with no escape as it
/// is and one with quotes or backslashes through a small buffer, appended whole.
pub(crate) fn write_str(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + bytes.len() / 4 + 18);
    out.push(b'"');
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        if bytes_below(word, 0x20) != 0 {
            // Control characters are rare: one byte at a time.
            chunk.iter().for_each(|&byte| write_byte(out, byte));
            continue;
        }
        let quoted = bytes_equal(word, b'"') | bytes_equal(word, b'\\');
        if quoted == 0 {
            out.extend_from_slice(chunk);
            continue;
        }
        let mut written = [0u8; 16];
        let mut length = 0;
        for &byte in chunk {
            if byte == b'"' || byte == b'\\' {
                written[length & 15] = b'\\';
                length += 1;
            }
            written[length & 15] = byte;
            length += 1;
        }
        // Sixteen bytes appended at once, then cut back: cheaper than a copy of `length`.
        let end = out.len() + length;
        out.extend_from_slice(&written);
        out.truncate(end);
    }
    chunks
        .remainder()
        .iter()
        .for_each(|&byte| write_byte(out, byte));
    out.push(b'"');
}

const ONES: u64 = 0x0101_0101_0101_0101;

/// Eight bytes at a time: the high bit of each byte of `word` below `limit` (at most 0x80). Exact
/// up to the lowest byte found, which is all a scan for the first one needs.
fn bytes_below(word: u64, limit: u8) -> u64 {
    word.wrapping_sub(ONES * u64::from(limit)) & !word & (ONES * 0x80)
}

/// The same for each byte of `word` equal to `byte`.
fn bytes_equal(word: u64, byte: u8) -> u64 {
    bytes_below(word ^ (ONES * u64::from(byte)), 1)
}

/// One byte of a JSON string, escaped as serde_json escapes it.
fn write_byte(out: &mut Vec<u8>, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let short = match byte {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x09 => b't',
        0x0a => b'n',
        0x0c => b'f',
        0x0d => b'r',
        0..0x20 => {
            let (high, low) = (HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 15)]);
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', high, low]);
            return;
        }
        _ => {
            out.push(byte);
            return;
        }
    };
    out.extend_from_slice(&[b'\\', short]);
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::{read, write_str};

    fn as_serde_json_writes(text: &str) {
        let mut ours = b"[".to_vec();
        write_str(&mut ours, text);
        let mut theirs = b"[".to_vec();
        serde_json::to_writer(&mut theirs, text).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs)
        );
    }

    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        let ticket = r#"{"id":1,"title":"a \"b\" c","labels":["x/y","z"],"note":"\u00e9"}"#;
        for text in [
            "",
            "a",
            "\"",
            "\\",
            "12345678",
            "1234567\"",
            "\"\"\"\"\"\"\"\"\"",
            ticket,
            "\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1f} \u{7f}é😀",
            "tab\tin the middle of a long line",
        ] {
            as_serde_json_writes(text);
        }
    }

    proptest! {
        #[test]
        fn any_string_is_written_as_serde_json_writes_it(text in "[\"\\\\a-z\u{0}-\u{1f}é😀 ]{0,40}") {
            as_serde_json_writes(&text);
        }
    }

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
