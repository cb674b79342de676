//! Header maps for an adapter that builds the head of an MCP request itself (mcp-actix converts
//! actix's headers into `http` 1's): taken from a per-thread pool that the endpoint refills once
//! a fast-lane call is done with the head.
//!
//! `http` makes room for 12 entries of 104 bytes in a map of seven headers or more (what every
//! MCP client sends): a 1,248-byte block, above glibc's per-thread cache, so each new one takes
//! malloc's locked path and first merges the thread's small free chunks. Reused on the thread
//! that serves the calls, the block is allocated once.
//!
//! ```
//! let mut headers = mcp_web_core::header_map(8);
//! headers.insert(http::header::ACCEPT, http::HeaderValue::from_static("application/json"));
//! assert!(headers.capacity() >= 8);
//! ```

use std::cell::RefCell;

use http::HeaderMap;

/// At most this many maps wait on one thread: one per call in flight there is plenty.
const POOLED: usize = 8;
/// A map larger than this (a client that sent dozens of headers) is not kept.
const LARGEST: usize = 32;

thread_local! {
    /// `None` until an adapter asks for a map on this thread: a thread that never does (an axum
    /// worker, whose heads hyper makes) keeps nothing.
    static POOL: RefCell<Option<Vec<HeaderMap>>> = const { RefCell::new(None) };
}

/// An empty header map with room for `capacity` headers, one this thread used before if it has
/// one.
pub fn header_map(capacity: usize) -> HeaderMap {
    let reused = POOL.with_borrow_mut(|pool| pool.get_or_insert_with(Vec::new).pop());
    match reused {
        Some(mut map) => {
            map.reserve(capacity);
            map
        }
        None => HeaderMap::with_capacity(capacity),
    }
}

/// Keep `map` for the next [`header_map`] on this thread, if one was ever asked for here.
pub(crate) fn give_back(mut map: HeaderMap) {
    if map.capacity() == 0 || map.capacity() > LARGEST {
        return;
    }
    POOL.with_borrow_mut(|pool| {
        if let Some(pool) = pool
            && pool.len() < POOLED
        {
            map.clear();
            pool.push(map);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_given_back_is_handed_out_again_empty_with_its_room() {
        let first = header_map(8);
        let room = first.capacity();
        let mut used = first;
        used.insert(http::header::HOST, http::HeaderValue::from_static("a"));
        give_back(used);
        let again = header_map(8);
        assert!(again.is_empty());
        assert_eq!(again.capacity(), room);
    }

    #[test]
    fn a_thread_that_never_asked_keeps_nothing() {
        std::thread::spawn(|| {
            give_back(HeaderMap::with_capacity(8));
            assert!(POOL.with_borrow(Option::is_none));
        })
        .join()
        .unwrap();
    }
}
