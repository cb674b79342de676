//! Cutting a streamed response body into its messages while it arrives: SSE events (their
//! `data:` lines) or JSON lines (`application/x-ndjson`, `application/jsonl`,
//! `application/json-seq`, `application/stream+json`).
//!
//! One forward pass: every byte is looked at once however the body is chunked, and consumed
//! bytes are dropped in bulk. A body of megabytes in one frame, or one long line in many small
//! frames, costs time in proportion to its size. Lines end with LF, CRLF or a bare CR (SSE
//! allows all three); a UTF-8 byte order mark at the start of the body is skipped.

/// Cuts a streamed body into its messages.
#[derive(Debug)]
pub(crate) struct MessageSplitter {
    events: bool,
    buffer: Vec<u8>,
    /// Where the bytes not yet read as lines start.
    read: usize,
    /// How far past `read` the buffer is known to hold no line end.
    scanned: usize,
    /// Whether the first line is still to come (a byte order mark may open it).
    at_start: bool,
    /// SSE: the data of the event being read, once it has a `data` line.
    data: Option<String>,
    /// Bytes looked at for line ends, to test that the work stays linear.
    #[cfg(test)]
    examined: usize,
}

impl MessageSplitter {
    /// A splitter for a body of media type `media` (lower-case, without parameters); `None` when
    /// that media type does not stream messages.
    pub(crate) fn for_media(media: &str) -> Option<Self> {
        let events = match media {
            "text/event-stream" => true,
            "application/x-ndjson"
            | "application/jsonl"
            | "application/json-seq"
            | "application/stream+json" => false,
            _ => return None,
        };
        Some(Self {
            events,
            buffer: Vec::new(),
            read: 0,
            scanned: 0,
            at_start: true,
            data: None,
            #[cfg(test)]
            examined: 0,
        })
    }

    /// Add bytes; the messages they complete.
    pub(crate) fn push(&mut self, bytes: &[u8]) -> Vec<String> {
        self.buffer.extend_from_slice(bytes);
        let mut messages = Vec::new();
        while let Some((end, next)) = self.next_line_end() {
            let line = std::mem::take(&mut self.buffer);
            self.line(&line[self.read..end], &mut messages);
            self.buffer = line;
            self.read = next;
            self.scanned = next;
        }
        // Drop what was read once it is most of the buffer: each byte moves at most once more.
        if self.read > 0 && self.read >= self.buffer.len() / 2 {
            self.buffer.drain(..self.read);
            self.scanned -= self.read;
            self.read = 0;
        }
        messages
    }

    /// The message the body's end completes, if any.
    pub(crate) fn finish(mut self) -> Option<String> {
        let mut messages = Vec::new();
        let rest = std::mem::take(&mut self.buffer);
        let rest = &rest[self.read..];
        // A last line without its line end (a CR left waiting for a possible LF included).
        let rest = rest.strip_suffix(b"\r").unwrap_or(rest);
        if !rest.is_empty() {
            self.line(rest, &mut messages);
        }
        if self.events {
            self.end_event(&mut messages);
        }
        messages.pop()
    }

    /// Where the next complete line ends, and where the line after it starts.
    fn next_line_end(&mut self) -> Option<(usize, usize)> {
        let from = self.scanned.max(self.read);
        let unscanned = &self.buffer[from..];
        let Some(at) = unscanned.iter().position(|&b| b == b'\n' || b == b'\r') else {
            self.note_examined(unscanned.len());
            self.scanned = self.buffer.len();
            return None;
        };
        self.note_examined(at + 1);
        let end = from + at;
        if self.buffer[end] == b'\n' {
            return Some((end, end + 1));
        }
        // A CR: the line end is CRLF or a bare CR, which the next byte tells.
        match self.buffer.get(end + 1) {
            Some(b'\n') => Some((end, end + 2)),
            Some(_) => Some((end, end + 1)),
            None => {
                self.scanned = end;
                None
            }
        }
    }

    fn line(&mut self, mut line: &[u8], messages: &mut Vec<String>) {
        if std::mem::take(&mut self.at_start) {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if !self.events {
            let text = String::from_utf8_lossy(line);
            // json-seq records start with RS (0x1E).
            let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{1e}');
            if !text.is_empty() {
                messages.push(text.to_owned());
            }
            return;
        }
        if line.is_empty() {
            self.end_event(messages);
            return;
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        // Other fields (`event`, `id`, `retry`) and comments (an empty field name) carry no data.
        if field == b"data" {
            let value = String::from_utf8_lossy(value);
            match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(&value);
                }
                None => self.data = Some(value.into_owned()),
            }
        }
    }

    /// An event ends: its data is a message unless it is blank.
    fn end_event(&mut self, messages: &mut Vec<String>) {
        if let Some(data) = self.data.take()
            && !data.trim().is_empty()
        {
            messages.push(data);
        }
    }

    #[cfg(test)]
    fn note_examined(&mut self, bytes: usize) {
        self.examined += bytes;
    }

    #[cfg(not(test))]
    fn note_examined(&mut self, _bytes: usize) {}
}

#[cfg(test)]
mod tests {
    use mcp_test_support::fuzz::{self, Rng};

    use super::*;

    fn split(media: &str, chunks: &[&[u8]]) -> Vec<String> {
        let mut splitter = MessageSplitter::for_media(media).unwrap();
        let mut messages: Vec<String> = chunks.iter().flat_map(|c| splitter.push(c)).collect();
        messages.extend(splitter.finish());
        messages
    }

    #[test]
    fn sse_events_in_any_line_ending_and_chunking() {
        let body = "\u{feff}: comment\nevent: a\ndata: one\ndata:two\n\nid: 7\r\ndata: three\r\n\r\ndata\rdata: four\r\rretry: 5\n\ndata: last";
        let expected = ["one\ntwo", "three", "\nfour", "last"];
        assert_eq!(split("text/event-stream", &[body.as_bytes()]), expected);
        // Byte by byte: a CR at the end of a chunk waits for the next byte.
        let bytes: Vec<&[u8]> = body.as_bytes().chunks(1).collect();
        assert_eq!(split("text/event-stream", &bytes), expected);
    }

    #[test]
    fn json_lines_in_any_line_ending_and_chunking() {
        let body = b"\xEF\xBB\xBF{\"a\":1}\n\n\x1e{\"b\":2}\r\n  {\"c\":3}  \r{\"d\":4}";
        let expected = [r#"{"a":1}"#, r#"{"b":2}"#, r#"{"c":3}"#, r#"{"d":4}"#];
        assert_eq!(split("application/x-ndjson", &[body]), expected);
        let bytes: Vec<&[u8]> = body.chunks(3).collect();
        assert_eq!(split("application/json-seq", &bytes), expected);
    }

    #[test]
    fn other_media_types_do_not_stream() {
        assert!(MessageSplitter::for_media("application/json").is_none());
    }

    /// Differential fuzzing: random bodies (line ends of every kind, BOMs, blank and comment
    /// lines, multi-byte characters) give the same messages whatever the chunking.
    /// `FUZZ_ITERATIONS` and `FUZZ_SEED` as in `tests/fuzz.rs`.
    #[test]
    fn chunking_never_changes_the_messages() {
        let mut rng = Rng::from_env();
        let pieces: [&[u8]; 12] = [
            b"data: ",
            b"data:",
            b"{\"a\":1}",
            b"\n",
            b"\r\n",
            b"\r",
            b": note",
            b"id: 3",
            b"\xEF\xBB\xBF",
            "caf\u{e9}".as_bytes(),
            b"\x1e",
            b" ",
        ];
        for _ in 0..fuzz::iterations(1500) {
            let body: Vec<u8> = (0..rng.below(40))
                .flat_map(|_| pieces[rng.below(pieces.len())])
                .copied()
                .collect();
            for media in ["text/event-stream", "application/x-ndjson"] {
                let whole = split(media, &[&body]);
                let mut cuts = vec![0, body.len()];
                cuts.extend((0..rng.below(6)).map(|_| rng.below(body.len() + 1)));
                cuts.sort_unstable();
                let chunks: Vec<&[u8]> = cuts.windows(2).map(|w| &body[w[0]..w[1]]).collect();
                assert_eq!(
                    split(media, &chunks),
                    whole,
                    "{media} {:?} cut at {cuts:?}",
                    String::from_utf8_lossy(&body)
                );
            }
        }
    }

    /// Work, not time: every byte is looked at about once, whatever the chunking.
    #[test]
    fn the_work_is_linear_in_the_body() {
        let line = format!("{{\"x\":\"{}\"}}\n", "a".repeat(4 << 20));
        let event = format!("data: {}\n\n", "b".repeat(4 << 20));
        let many: String = (0..50_000).map(|n| format!("{{\"n\":{n}}}\n")).collect();
        for (media, body, messages) in [
            ("application/x-ndjson", line.as_bytes(), 1),
            ("text/event-stream", event.as_bytes(), 1),
            ("application/x-ndjson", many.as_bytes(), 50_000),
        ] {
            for chunk in [body.len(), 1 << 16, 1000] {
                let mut splitter = MessageSplitter::for_media(media).unwrap();
                let mut count = 0;
                for piece in body.chunks(chunk) {
                    count += splitter.push(piece).len();
                }
                assert!(
                    splitter.examined <= body.len() + body.len() / chunk + 1,
                    "{media} in chunks of {chunk}: {} bytes examined for {}",
                    splitter.examined,
                    body.len()
                );
                count += usize::from(splitter.finish().is_some());
                assert_eq!(count, messages);
            }
        }
    }
}
