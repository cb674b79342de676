//! Reading JSON in one pass over its text, without serde: a whole document into an
//! [`Instance`] ([`document`]), or a message member by member ([`Reader`]).
//!
//! A tool's answer is read on every call only to be checked against its output schema; through
//! serde's visitors that was ~20 instructions a byte of a usual record, the largest single cost
//! of a call the mount owns. This reader walks the text once, borrows every string without an
//! escape, and refuses exactly what `serde_json::from_str::<Value>` refuses (the grammar of RFC
//! 8259, lone surrogates in `\u` escapes, nesting deeper than serde_json's limit); a property
//! test holds the two together. Numbers other than plain non-negative integers are handed to
//! serde_json, so every `Number` is the one it would make. A `tools/call` went through serde's
//! derived visitors too, ~5,000 instructions a message; [`Reader`] lets the lane take the few
//! members it needs and pass over the rest without building them.

use std::borrow::Cow;

use serde_json::{Number, Value};

use super::{bytes_below, bytes_equal};
use crate::schema::instance::Instance;

/// serde_json's default recursion limit: a document nested deeper is refused.
const DEPTH_LIMIT: usize = 128;

/// The document is not JSON (or nests deeper than serde_json reads).
#[derive(Debug)]
pub(crate) struct NotJson;

/// `text` as one JSON document.
pub(crate) fn document(text: &str) -> Result<Instance<'_>, NotJson> {
    let mut reader = Reader::new(text);
    let value = reader.value()?;
    reader.end()?;
    Ok(value)
}

/// Where the first quote, backslash or control character at or after `at` is (the length of
/// `bytes` if none): eight bytes at a time, as strings are mostly plain.
fn special_byte(bytes: &[u8], mut at: usize) -> usize {
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let found = bytes_equal(word, b'"') | bytes_equal(word, b'\\') | bytes_below(word, 0x20);
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while let Some(&byte) = bytes.get(at) {
        if byte == b'"' || byte == b'\\' || byte < 0x20 {
            break;
        }
        at += 1;
    }
    at
}

/// A cursor over one JSON document, for readers that take a message member by member (the
/// lane's `tools/call`): the same grammar and limits as [`document`].
pub(crate) struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    depth_left: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Reader {
            text,
            bytes: text.as_bytes(),
            at: 0,
            depth_left: DEPTH_LIMIT,
        }
    }

    /// Nothing but whitespace is left.
    pub(crate) fn end(&mut self) -> Result<(), NotJson> {
        self.skip_whitespace();
        match self.at == self.bytes.len() {
            true => Ok(()),
            false => Err(NotJson),
        }
    }

    /// An object, each member's value read by `member` (which is given its name and must
    /// read the value, whatever it is).
    pub(crate) fn members(
        &mut self,
        member: impl FnMut(&mut Self, Cow<'a, str>) -> Result<(), NotJson>,
    ) -> Result<(), NotJson> {
        match self.next_token()? {
            b'{' => self.object_members(member),
            _ => Err(NotJson),
        }
    }

    /// After `{`: the members up to `}`, one level deeper.
    fn object_members(
        &mut self,
        mut member: impl FnMut(&mut Self, Cow<'a, str>) -> Result<(), NotJson>,
    ) -> Result<(), NotJson> {
        self.nested(|reader| {
            match reader.next_token()? {
                b'}' => return Ok(()),
                b'"' => {}
                _ => return Err(NotJson),
            }
            loop {
                let name = reader.string()?;
                if reader.next_token()? != b':' {
                    return Err(NotJson);
                }
                member(reader, name)?;
                match reader.next_token()? {
                    b',' if reader.next_token()? == b'"' => {}
                    b'}' => return Ok(()),
                    _ => return Err(NotJson),
                }
            }
        })
    }

    /// After `[`: the items up to `]`, one level deeper, each read by `item`.
    fn array_items(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<(), NotJson>,
    ) -> Result<(), NotJson> {
        self.nested(|reader| {
            reader.skip_whitespace();
            if reader.peek() == Some(b']') {
                reader.at += 1;
                return Ok(());
            }
            loop {
                item(reader)?;
                match reader.next_token()? {
                    b',' => {}
                    b']' => return Ok(()),
                    _ => return Err(NotJson),
                }
            }
        })
    }

    /// An array, each item read by `item` (which must read the item, whatever it is).
    pub(crate) fn items(
        &mut self,
        item: impl FnMut(&mut Self) -> Result<(), NotJson>,
    ) -> Result<(), NotJson> {
        match self.next_token()? {
            b'[' => self.array_items(item),
            _ => Err(NotJson),
        }
    }

    /// The first byte of the next value, not taken: `{`, `[`, `"`, `t`, `f`, `n`, `-` or a
    /// digit when the text is JSON.
    pub(crate) fn next_byte(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.peek()
    }

    /// The next value, a scalar, with its text (a string's with its quotes).
    pub(crate) fn scalar(&mut self) -> Result<(Instance<'a>, &'a str), NotJson> {
        self.skip_whitespace();
        let start = self.at;
        let value = match self.peek() {
            Some(b'{' | b'[') | None => return Err(NotJson),
            Some(_) => self.value()?,
        };
        Ok((value, &self.text[start..self.at]))
    }

    /// A string value.
    pub(crate) fn text(&mut self) -> Result<Cow<'a, str>, NotJson> {
        match self.next_token()? {
            b'"' => self.string(),
            _ => Err(NotJson),
        }
    }

    /// The next value, checked and passed over: its text.
    pub(crate) fn value_text(&mut self) -> Result<&'a str, NotJson> {
        self.skip_whitespace();
        let start = self.at;
        self.skip()?;
        Ok(&self.text[start..self.at])
    }

    /// The next value, checked and passed over without being built.
    pub(crate) fn skip(&mut self) -> Result<(), NotJson> {
        self.skip_whitespace();
        match self.peek().ok_or(NotJson)? {
            b'{' => self.members(|reader, _| reader.skip()),
            b'[' => {
                self.at += 1;
                self.array_items(Self::skip)
            }
            // Scalars are built on the stack: a string only when it has an escape.
            _ => self.value().map(drop),
        }
    }

    /// Whether the next value is `null`, taken if it is.
    pub(crate) fn null(&mut self) -> Result<bool, NotJson> {
        self.skip_whitespace();
        if self.peek() != Some(b'n') {
            return Ok(false);
        }
        self.at += 1;
        self.word(b"ull", Instance::Null).map(|_| true)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// The next byte after whitespace, taken.
    fn next_token(&mut self) -> Result<u8, NotJson> {
        self.skip_whitespace();
        let byte = self.peek().ok_or(NotJson)?;
        self.at += 1;
        Ok(byte)
    }

    /// The next value.
    pub(crate) fn value(&mut self) -> Result<Instance<'a>, NotJson> {
        match self.next_token()? {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => self.string().map(Instance::String),
            b't' => self.word(b"rue", Instance::Bool(true)),
            b'f' => self.word(b"alse", Instance::Bool(false)),
            b'n' => self.word(b"ull", Instance::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(NotJson),
        }
    }

    /// `read` one level deeper; refused past serde_json's limit.
    fn nested<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<T, NotJson>,
    ) -> Result<T, NotJson> {
        self.depth_left -= 1;
        if self.depth_left == 0 {
            return Err(NotJson);
        }
        let value = read(self);
        self.depth_left += 1;
        value
    }

    fn word(&mut self, rest: &[u8], value: Instance<'a>) -> Result<Instance<'a>, NotJson> {
        match self.bytes[self.at..].starts_with(rest) {
            true => {
                self.at += rest.len();
                Ok(value)
            }
            false => Err(NotJson),
        }
    }

    /// After `{`. A repeated name keeps its last value at its first place, as in `Value`.
    fn object(&mut self) -> Result<Instance<'a>, NotJson> {
        // Room for a usual record up front: growing a vector is a copy each time.
        let mut members: Vec<(Cow<'a, str>, Instance<'a>)> = Vec::with_capacity(16);
        self.object_members(|reader, name| {
            let value = reader.value()?;
            // Objects of answers are small; the scan is what a map would cost.
            match members.iter_mut().find(|(seen, _)| *seen == name) {
                Some((_, earlier)) => *earlier = value,
                None => members.push((name, value)),
            }
            Ok(())
        })?;
        Ok(Instance::Object(members))
    }

    /// After `[`.
    fn array(&mut self) -> Result<Instance<'a>, NotJson> {
        let mut items = Vec::new();
        self.array_items(|reader| {
            items.push(reader.value()?);
            Ok(())
        })?;
        Ok(Instance::Array(items))
    }

    /// After the opening quote: borrowed up to the first escape, owned from there.
    fn string(&mut self) -> Result<Cow<'a, str>, NotJson> {
        let start = self.at;
        self.at = special_byte(self.bytes, start);
        match *self.bytes.get(self.at).ok_or(NotJson)? {
            b'"' => {
                self.at += 1;
                // Quotes and backslashes are ASCII: both ends are character boundaries.
                return Ok(Cow::Borrowed(&self.text[start..self.at - 1]));
            }
            b'\\' => {}
            _ => return Err(NotJson),
        }
        let mut owned = String::with_capacity(self.at - start + 16);
        owned.push_str(&self.text[start..self.at]);
        loop {
            // At a backslash.
            self.at += 1;
            self.escape(&mut owned)?;
            let run = self.at;
            self.at = special_byte(self.bytes, run);
            owned.push_str(&self.text[run..self.at]);
            match *self.bytes.get(self.at).ok_or(NotJson)? {
                b'"' => {
                    self.at += 1;
                    return Ok(Cow::Owned(owned));
                }
                b'\\' => {}
                _ => return Err(NotJson),
            }
        }
    }

    /// After a backslash.
    fn escape(&mut self, out: &mut String) -> Result<(), NotJson> {
        let byte = self.peek().ok_or(NotJson)?;
        self.at += 1;
        let decoded = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape()?,
            _ => return Err(NotJson),
        };
        out.push(decoded);
        Ok(())
    }

    /// After `\u`: one code point, a surrogate pair taking two escapes; a lone surrogate is
    /// refused, as serde_json refuses it.
    fn unicode_escape(&mut self) -> Result<char, NotJson> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.bytes[self.at..].starts_with(b"\\u") {
                    return Err(NotJson);
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(NotJson);
                }
                0x1_0000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(NotJson),
            _ => u32::from(first),
        };
        char::from_u32(code).ok_or(NotJson)
    }

    fn hex4(&mut self) -> Result<u16, NotJson> {
        let digits = self.bytes.get(self.at..self.at + 4).ok_or(NotJson)?;
        let mut value = 0u16;
        for &digit in digits {
            let nibble = match digit {
                b'0'..=b'9' => digit - b'0',
                b'a'..=b'f' => digit - b'a' + 10,
                b'A'..=b'F' => digit - b'A' + 10,
                _ => return Err(NotJson),
            };
            value = value << 4 | u16::from(nibble);
        }
        self.at += 4;
        Ok(value)
    }

    /// After the number's first byte: its text checked against the grammar here, its value a
    /// `u64` for a plain integer of up to 19 digits, anything else made by serde_json.
    fn number(&mut self) -> Result<Instance<'a>, NotJson> {
        let start = self.at - 1;
        let negative = self.bytes[start] == b'-';
        let first = match negative {
            true => {
                let byte = self.peek().ok_or(NotJson)?;
                self.at += 1;
                byte
            }
            false => self.bytes[start],
        };
        // The integer part: `0`, or a digit 1–9 and more digits.
        match first {
            b'0' => {}
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return Err(NotJson),
        }
        let mut plain = !negative;
        if self.peek() == Some(b'.') {
            plain = false;
            self.at += 1;
            if self.digits() == 0 {
                return Err(NotJson);
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            plain = false;
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(NotJson);
            }
        }
        let text = &self.text[start..self.at];
        if plain && text.len() <= 19 {
            let value = text
                .bytes()
                .fold(0u64, |value, digit| value * 10 + u64::from(digit - b'0'));
            return Ok(Instance::Number(Number::from(value)));
        }
        // As `Value` reads it; a number out of range is not JSON serde_json reads.
        match serde_json::from_str::<Value>(text).map_err(|_| NotJson)? {
            Value::Number(number) => Ok(Instance::Number(number)),
            _ => Ok(Instance::Null),
        }
    }

    /// The digits from here; how many.
    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - start
    }
}

#[cfg(test)]
mod tests;
