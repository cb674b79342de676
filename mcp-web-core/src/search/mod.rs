//! Tool search: the ranking behind discovery mode ([`ToolSearch`](crate::ToolSearch)), which
//! lets a model find the few tools it needs among the hundreds a large API exposes, instead of
//! reading all of them from `tools/list`.
//!
//! Everything runs in-process, with nothing to download: a tool's fields become terms (words
//! split at `snake_case`, `camelCase`, `kebab-case` and path boundaries, lower-cased, stop words
//! dropped, lightly stemmed), and a BM25F index over them is built once at mount time from the
//! tools the mount exposes — generated ones after filters and route maps, and curated ones.
//! A query is scored against it in microseconds, even for GitHub's 1,186 tools.
//!
//! | file | owns |
//! |---|---|
//! | `terms.rs` | text to terms: splitting, stop words, stemming, abbreviations, related verbs |
//! | `index.rs` | the BM25F index: field weights, length normalisation, the ranking |
//! | `document.rs` | what search reads of a tool: name, title, description, tags, path, arguments |
//! | `finder.rs` | [`ToolFinder`]: the index with the tools it finds, and the answers of a search |
//!
//! What a client sees of it is the server's (`server/search.rs`): `tools/list` with the pinned
//! tools, `search_tools` and `call_tool`, and every tool callable by name. The list is the same
//! for every client and every call, in both protocol eras: a 2025-era session and a
//! 2026-07-28 request get the pinned tools and the two meta-tools, and find the rest with
//! `search_tools`. (2026-07-28 requires `tools/list` to be deterministic, with no session to
//! remember found tools in; 2025-era sessions could be sent `notifications/tools/list_changed`
//! to add found tools to their list, which this mount does not do, so that a model sees the
//! same list in either era.)

mod document;
mod finder;
mod index;
mod terms;

pub use finder::ToolFinder;
