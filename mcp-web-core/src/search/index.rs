//! The [`SearchIndex`]: BM25F over the fields of every tool, built once; a query adds up
//! precomputed per-term scores, so it costs a few hash lookups and one pass over the tools that
//! share a term with it.
//!
//! BM25F (Robertson, Zaragoza, Taylor 2004) weights a term's occurrences by the field they are
//! in, normalises each field by its length relative to the average length of that field, and
//! saturates the sum once per term. The weights below say what the fields are worth: a word of
//! the name or summary says what a tool does, a word of a long description may only mention it.

use std::collections::{HashMap, HashSet};

use super::terms::{related, speaks_of_caller, terms};

/// A field of a tool that search reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    /// The tool's name (`issues_create-comment`).
    Name,
    /// Its title, the OpenAPI `summary`.
    Title,
    /// Its description.
    Description,
    /// The OpenAPI tags of its operation.
    Tags,
    /// The literal segments of its path (`/repos/{owner}/{repo}/issues` → `repos issues`).
    Path,
    /// The names of its arguments (path variables included).
    Parameters,
    /// What its HTTP method does, in words (`POST` → `create add`).
    Action,
}

const FIELDS: usize = 7;

impl Field {
    fn index(self) -> usize {
        self as usize
    }

    /// Whether the field's words count when telling how rare a word is.
    fn describes(self) -> bool {
        !matches!(self, Field::Parameters | Field::Action)
    }

    /// The field's weight, and how much its length normalises a term's frequency (BM25's `b`:
    /// 0 not at all, 1 fully).
    fn tuning(self) -> (f32, f32) {
        match self {
            Field::Name => (3.0, 0.9),
            Field::Title => (3.0, 0.9),
            Field::Description => (1.0, 0.75),
            Field::Tags => (1.5, 0.3),
            Field::Path => (1.5, 0.3),
            Field::Parameters => (0.5, 0.5),
            Field::Action => (0.75, 0.0),
        }
    }
}

/// How many documents a term describes (see [`Field::describes`]).
type Described = u32;

/// BM25's saturation: how quickly repeating a term stops adding to a score.
const K1: f32 = 2.0;

/// The weight of a term a query did not say but implies (`add` → `create`).
const RELATED_WEIGHT: f32 = 0.6;

/// What search knows of one tool: its fields as text, and its tags for filtering.
#[derive(Debug, Default, Clone)]
pub(crate) struct SearchDocument {
    texts: [String; FIELDS],
    tags: Vec<String>,
}

impl SearchDocument {
    /// Add `text` to `field`.
    pub(crate) fn with(mut self, field: Field, text: &str) -> Self {
        let slot = &mut self.texts[field.index()];
        if !slot.is_empty() {
            slot.push(' ');
        }
        slot.push_str(text);
        self
    }

    /// Tag the tool (the tags are searched, and filter searches).
    pub(crate) fn tagged<S: AsRef<str>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        for tag in tags {
            let tag = tag.as_ref();
            self = self.with(Field::Tags, tag);
            self.tags.push(tag.to_lowercase());
        }
        self
    }
}

/// One tool found: its position among the documents the index was built from, and its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Hit {
    pub(crate) document: usize,
    pub(crate) score: f32,
}

/// The tools that hold one term, each with the term's share of its score.
#[derive(Debug, Default)]
struct Postings(Vec<(u32, f32)>);

/// A BM25F index over tools, searched by [`search`](Self::search).
#[derive(Debug, Default)]
pub(crate) struct SearchIndex {
    postings: HashMap<String, Postings>,
    tags: Vec<Vec<String>>,
    /// The distinct terms of each document's name and title.
    headlines: Vec<Vec<String>>,
}

impl SearchIndex {
    /// The index of `documents`; a [`Hit`] names a document by its position here.
    pub(crate) fn new(documents: Vec<SearchDocument>) -> Self {
        let count = documents.len();
        let fields: Vec<[Vec<String>; FIELDS]> = documents
            .iter()
            .map(|d| std::array::from_fn(|f| terms(&d.texts[f])))
            .collect();
        let mut average = [0f32; FIELDS];
        for terms in &fields {
            for (f, terms) in terms.iter().enumerate() {
                average[f] += terms.len() as f32;
            }
        }
        for length in &mut average {
            *length = (*length / count.max(1) as f32).max(1.0);
        }
        // The weighted, length-normalised frequency of each term in each document, and how
        // many documents the term describes: argument names and methods are shared by too many
        // tools to say how rare a word is (`page` is an argument of every list).
        let mut frequencies: HashMap<&str, (Postings, Described)> = HashMap::new();
        for (document, terms) in fields.iter().enumerate() {
            let mut own: HashMap<&str, (f32, bool)> = HashMap::new();
            for (f, terms) in terms.iter().enumerate() {
                let field = FIELD_ORDER[f];
                let (weight, b) = field.tuning();
                let norm = 1.0 - b + b * terms.len() as f32 / average[f];
                for term in terms {
                    let (frequency, describes) = own.entry(term.as_str()).or_default();
                    *frequency += weight / norm;
                    *describes |= field.describes();
                }
            }
            // Documents are visited in order, so each term's postings are in document order.
            for (term, (frequency, describes)) in own {
                let (postings, described) = frequencies.entry(term).or_default();
                postings.0.push((document as u32, frequency));
                *described += u32::from(describes);
            }
        }
        let postings = frequencies
            .into_iter()
            .map(|(term, (documents, described))| {
                let holders = described.max(1) as f32;
                let idf = (1.0 + (count as f32 - holders + 0.5) / (holders + 0.5)).ln();
                let scored = documents
                    .0
                    .into_iter()
                    .map(|(d, tf)| (d, idf * tf * (K1 + 1.0) / (K1 + tf)))
                    .collect();
                (term.to_string(), Postings(scored))
            })
            .collect();
        let headlines = fields
            .iter()
            .map(|terms| {
                let mut headline: Vec<String> = Vec::new();
                for term in terms[Field::Name.index()]
                    .iter()
                    .chain(&terms[Field::Title.index()])
                {
                    if !headline.contains(term) {
                        headline.push(term.clone());
                    }
                }
                headline
            })
            .collect();
        Self {
            postings,
            tags: documents.into_iter().map(|d| d.tags).collect(),
            headlines,
        }
    }

    /// The number of documents indexed.
    pub(crate) fn len(&self) -> usize {
        self.tags.len()
    }

    /// The `limit` best documents for `query`, best first (ties in document order), among those
    /// with one of `tags` (any document when `tags` is empty; tags compare case-insensitively).
    /// Documents that share no term with the query are never returned.
    pub(crate) fn search(&self, query: &str, limit: usize, tags: &[String]) -> Vec<Hit> {
        self.search_where(query, limit, tags, |_| true)
    }

    /// [`search`](Self::search) among the documents `keep` accepts.
    pub(crate) fn search_where(
        &self,
        query: &str,
        limit: usize,
        tags: &[String],
        keep: impl Fn(usize) -> bool,
    ) -> Vec<Hit> {
        let query = query_terms(query);
        let mut scores = vec![0f32; self.len()];
        for (term, weight) in &query {
            let Some(postings) = self.postings.get(term) else {
                continue;
            };
            for &(document, score) in &postings.0 {
                scores[document as usize] += weight * score;
            }
        }
        let wanted: HashSet<String> = tags.iter().map(|t| t.to_lowercase()).collect();
        let mut hits: Vec<Hit> = scores
            .into_iter()
            .enumerate()
            .filter(|&(document, score)| {
                score > 0.0
                    && (wanted.is_empty() || self.tags[document].iter().any(|t| wanted.contains(t)))
                    && keep(document)
            })
            .map(|(document, score)| Hit { document, score })
            .collect();
        // The best by BM25F are ranked again by how much of their headline the query says.
        best(&mut hits, limit.max(RERANKED));
        for hit in &mut hits {
            hit.score *= 1.0 + HEADLINE_BONUS * self.headline_said(hit.document, &query);
        }
        best(&mut hits, limit);
        hits
    }

    /// The share of `document`'s headline terms that `query` says (a term it implies counts
    /// with its weight): 1 when the query says all of the name and title.
    fn headline_said(&self, document: usize, query: &[(String, f32)]) -> f32 {
        let headline = &self.headlines[document];
        let said: f32 = headline
            .iter()
            .filter_map(|term| query.iter().find(|(t, _)| t == term).map(|(_, w)| w))
            .sum();
        said / headline.len().max(1) as f32
    }
}

/// How many of the best documents by BM25F are ranked again by their headline.
const RERANKED: usize = 50;

/// How much a headline the query says in full raises a score: doubles it.
const HEADLINE_BONUS: f32 = 1.0;

/// Keep the `limit` best of `hits`, best first (equal scores in document order).
fn best(hits: &mut Vec<Hit>, limit: usize) {
    let best_first = |a: &Hit, b: &Hit| {
        b.score
            .total_cmp(&a.score)
            .then(a.document.cmp(&b.document))
    };
    if hits.len() > limit && limit > 0 {
        hits.select_nth_unstable_by(limit - 1, best_first);
    }
    hits.truncate(limit);
    hits.sort_by(best_first);
}

/// The fields by index, for the tuning of each.
const FIELD_ORDER: [Field; FIELDS] = [
    Field::Name,
    Field::Title,
    Field::Description,
    Field::Tags,
    Field::Path,
    Field::Parameters,
    Field::Action,
];

/// The terms of `query`, each once, with its weight: 1 for what the query says, less for the
/// terms it implies.
fn query_terms(query: &str) -> Vec<(String, f32)> {
    let said = terms(query);
    let mut weighted: Vec<(String, f32)> = Vec::new();
    let mut add = |term: &str, weight: f32| match weighted.iter_mut().find(|(t, _)| t == term) {
        Some((_, w)) => *w = w.max(weight),
        None => weighted.push((term.to_string(), weight)),
    };
    for term in &said {
        add(term, 1.0);
    }
    for term in &said {
        for implied in related(term) {
            add(implied, RELATED_WEIGHT);
        }
    }
    if speaks_of_caller(query) {
        add("authenticat", RELATED_WEIGHT);
    }
    weighted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(name: &str, title: &str, description: &str) -> SearchDocument {
        SearchDocument::default()
            .with(Field::Name, name)
            .with(Field::Title, title)
            .with(Field::Description, description)
    }

    fn names(index: &SearchIndex, query: &str, all: &[&str]) -> Vec<String> {
        index
            .search(query, 10, &[])
            .into_iter()
            .map(|hit| all[hit.document].to_string())
            .collect()
    }

    #[test]
    fn the_tool_that_says_what_the_query_asks_comes_first() {
        let all = [
            "createComment",
            "listComments",
            "createIssue",
            "deleteIssue",
        ];
        let index = SearchIndex::new(vec![
            tool(all[0], "Create a comment", "Adds a comment to an issue."),
            tool(all[1], "List comments", "The comments of an issue."),
            tool(all[2], "Create an issue", "Opens an issue in a repository."),
            tool(all[3], "Delete an issue", "Removes an issue for good."),
        ]);
        assert_eq!(
            names(&index, "add a comment to an issue", &all)[0],
            "createComment"
        );
        assert_eq!(names(&index, "list the comments", &all)[0], "listComments");
        assert_eq!(names(&index, "remove an issue", &all)[0], "deleteIssue");
        assert_eq!(names(&index, "new issues", &all)[0], "createIssue");
    }

    #[test]
    fn a_name_counts_more_than_a_mention_in_a_description() {
        let all = ["getUser", "listTeams"];
        let index = SearchIndex::new(vec![
            tool(all[0], "Get a user", "One user's profile."),
            tool(
                all[1],
                "List teams",
                "Teams, each with the user who created it and the user count.",
            ),
        ]);
        assert_eq!(names(&index, "user", &all), ["getUser", "listTeams"]);
    }

    #[test]
    fn unrelated_queries_find_nothing_and_limits_hold() {
        let all = ["a_one", "a_two", "a_three"];
        let index = SearchIndex::new(all.iter().map(|n| tool(n, "Widget", "A widget.")).collect());
        assert!(index.search("spaceship", 5, &[]).is_empty());
        let two = index.search("widget", 2, &[]);
        // Equal scores come in document order.
        assert_eq!(two.iter().map(|h| h.document).collect::<Vec<_>>(), [0, 1]);
        assert!(index.search("widget", 0, &[]).is_empty());
    }

    #[test]
    fn tags_filter_case_insensitively_and_are_searched() {
        let all = ["one", "two"];
        let index = SearchIndex::new(vec![
            tool(all[0], "Get a thing", "").tagged(["Billing"]),
            tool(all[1], "Get a thing", "").tagged(["Shipping"]),
        ]);
        let only = index.search("thing", 5, &["billing".into()]);
        assert_eq!(only.iter().map(|h| h.document).collect::<Vec<_>>(), [0]);
        assert_eq!(names(&index, "shipping", &all), ["two"]);
        assert!(index.search("thing", 5, &["other".into()]).is_empty());
    }

    #[test]
    fn each_field_is_tuned_by_its_own_position() {
        assert!(FIELD_ORDER.iter().enumerate().all(|(i, f)| f.index() == i));
    }

    #[test]
    fn an_empty_index_finds_nothing() {
        let index = SearchIndex::new(Vec::new());
        assert!(index.search("anything", 5, &[]).is_empty());
    }
}
