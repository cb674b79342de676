//! A body read whole: a body of one chunk — the usual case, from hyper and from in-process
//! handlers alike — is kept as it came, without a copy; only a second chunk starts a buffer.

use bytes::{Buf, BufMut, Bytes, BytesMut};

/// The chunks of a body read so far.
#[derive(Default)]
pub(crate) struct Collected {
    first: Option<Bytes>,
    joined: BytesMut,
}

impl Collected {
    /// Add the next chunk.
    pub(crate) fn push(&mut self, mut chunk: impl Buf) {
        if self.first.is_none() && self.joined.is_empty() {
            // `Bytes` hands itself over here; another `Buf` is copied once.
            self.first = Some(chunk.copy_to_bytes(chunk.remaining()));
            return;
        }
        if let Some(first) = self.first.take() {
            self.joined.extend_from_slice(&first);
        }
        self.joined.put(chunk);
    }

    /// Bytes read so far.
    pub(crate) fn len(&self) -> usize {
        self.first.as_ref().map_or(self.joined.len(), Bytes::len)
    }

    /// The whole body.
    pub(crate) fn into_bytes(self) -> Bytes {
        self.first.unwrap_or_else(|| self.joined.freeze())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_chunk_is_kept_and_more_are_joined() {
        let chunk = Bytes::from_static(b"{\"a\":1}");
        let mut one = Collected::default();
        one.push(chunk.clone());
        assert_eq!(one.len(), 7);
        let kept = one.into_bytes();
        assert_eq!(
            kept.as_ptr(),
            chunk.as_ptr(),
            "the chunk itself, not a copy"
        );

        let mut three = Collected::default();
        for part in [&b"ab"[..], b"", b"cde"] {
            three.push(Bytes::copy_from_slice(part));
        }
        assert_eq!(three.len(), 5);
        assert_eq!(three.into_bytes(), Bytes::from_static(b"abcde"));
        assert_eq!(Collected::default().into_bytes(), Bytes::new());
    }
}
