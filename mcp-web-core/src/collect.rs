//! A body read whole: a body of one chunk — the usual case, from hyper and from in-process
//! handlers alike — is kept as it came, without a copy; only a second chunk starts a buffer.
//! Public for the framework adapters, which read bodies whole on their side too.

use bytes::{Buf, BufMut, Bytes, BytesMut};

/// The chunks of a body read so far, joined only when there is more than one.
///
/// ```
/// use bytes::Bytes;
/// use mcp_web_core::Collected;
///
/// let mut body = Collected::default();
/// body.push(Bytes::from_static(b"{\"a\":"));
/// body.push(Bytes::from_static(b"1}"));
/// assert_eq!(body.len(), 7);
/// assert_eq!(body.into_bytes(), Bytes::from_static(b"{\"a\":1}"));
/// ```
#[derive(Debug, Default)]
pub struct Collected {
    first: Option<Bytes>,
    joined: BytesMut,
}

impl Collected {
    /// Add the next chunk.
    pub fn push(&mut self, mut chunk: impl Buf) {
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
    pub fn len(&self) -> usize {
        self.first.as_ref().map_or(self.joined.len(), Bytes::len)
    }

    /// Whether nothing was read yet (or only empty chunks).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The whole body.
    pub fn into_bytes(self) -> Bytes {
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
        assert!(Collected::default().is_empty());
        assert_eq!(Collected::default().into_bytes(), Bytes::new());
    }
}
