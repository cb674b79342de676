//! Text to search terms: words split at every boundary a name or a sentence has, lower-cased,
//! stop words dropped, reduced to a light stem, and a few abbreviations spelled out — the same
//! for a tool's fields and for a query, so that they meet.

/// The terms of `text`, in order, repeats kept (they count as term frequency).
///
/// Words end at anything that is not a letter or digit (spaces, `_`, `-`, `/`, `{`, `.`), at a
/// lower-case letter followed by an upper-case one (`createComment`), before the last capital
/// of a run of capitals followed by a lower-case letter (`HTTPServer` → `http`, `server`) and
/// between letters and digits (`oauth2`).
pub(crate) fn terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for_each_word(text, |word| {
        let word = word.to_lowercase();
        if word.chars().count() < 2 || STOP_WORDS.contains(&word.as_str()) {
            return;
        }
        terms.push(spelled_out(stem(&word)));
    });
    terms
}

/// Call `each` with every word of `text`, as [`terms`] splits them.
fn for_each_word(text: &str, mut each: impl FnMut(&str)) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut start: Option<usize> = None;
    for (i, &(at, c)) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if let Some(from) = start.take() {
                each(&text[from..at]);
            }
            continue;
        }
        let Some(from) = start else {
            start = Some(at);
            continue;
        };
        let previous = chars[i - 1].1;
        let next = chars.get(i + 1).map(|&(_, c)| c);
        let after_next = chars.get(i + 2).map(|&(_, c)| c);
        let boundary = (previous.is_lowercase() && c.is_uppercase())
            || (previous.is_uppercase() && c.is_uppercase() && starts_word(next, after_next))
            || (previous.is_alphabetic() != c.is_alphabetic());
        if boundary {
            each(&text[from..at]);
            start = Some(at);
        }
    }
    if let Some(from) = start {
        each(&text[from..]);
    }
}

/// Whether a capital followed by `next` and `after_next` starts a word after a run of capitals:
/// two lower-case letters do (`HTTPServer`), a lone `s` is the plural of the capitals (`PRs`).
fn starts_word(next: Option<char>, after_next: Option<char>) -> bool {
    next.is_some_and(char::is_lowercase) && after_next.is_some_and(char::is_lowercase)
}

/// Words too common to tell tools apart, or that only shape a question.
const STOP_WORDS: &[&str] = &[
    "all", "an", "and", "any", "are", "as", "at", "be", "by", "can", "do", "does", "each", "every",
    "for", "from", "has", "have", "how", "if", "in", "into", "is", "it", "its", "me", "mine", "my",
    "myself", "of", "on", "or", "our", "please", "so", "some", "that", "the", "their", "them",
    "then", "there", "these", "this", "those", "to", "was", "what", "when", "where", "which",
    "who", "whose", "will", "with", "you", "your",
];

/// Words by which a query means the caller: APIs name what belongs to the caller after the
/// `authenticated` user (or the `current` one).
const CALLER: &[&str] = &["me", "mine", "my", "myself", "our"];

/// Whether `query` speaks of the caller's own things (`my repositories`).
pub(crate) fn speaks_of_caller(query: &str) -> bool {
    let mut found = false;
    for_each_word(query, |word| {
        found |= CALLER.contains(&word.to_lowercase().as_str());
    });
    found
}

/// A light stem of a lower-case `word`: plural, `-ing`, `-ed`, `-tion`, `-ee` and `-er` endings
/// and a final `e` removed, and a doubled final consonant made single, so that `repositories`
/// and `repository`, `created`, `creating`, `creation` and `create`, `starred` and `star`,
/// `assignees` and `assign`, `reviewers` and `review` meet. Short words are left alone; a stem
/// need not be a word.
pub(crate) fn stem(word: &str) -> String {
    if word.len() <= 2 || !word.is_ascii() {
        return word.to_string();
    }
    let mut stem = plural_removed(word).to_string();
    if stem.len() <= 3 {
        return stem;
    }
    let mut suffix_removed = false;
    for (suffix, keep) in [("ing", 3), ("ed", 3), ("tion", 3), ("ee", 4), ("er", 6)] {
        if stem.len() >= suffix.len() + keep && stem.ends_with(suffix) {
            stem.truncate(stem.len() - suffix.len());
            if suffix == "tion" {
                stem.push('t');
            }
            suffix_removed = true;
            break;
        }
    }
    let bytes = stem.as_bytes();
    let n = bytes.len();
    // `starr` (from `starred`) → `star`; `create` → `creat`, as `created` became.
    let doubled = suffix_removed
        && n >= 4
        && bytes[n - 1] == bytes[n - 2]
        && !b"aeioulsz".contains(&bytes[n - 1]);
    let final_e = n >= 4 && stem.ends_with('e') && !stem.ends_with("ee");
    if doubled || final_e {
        stem.pop();
    }
    stem
}

/// `word` without its plural ending: `-ies` → `-y`, `-sses`/`-xes`/`-ches`/`-shes` lose `-es`,
/// any other `-s` goes unless the word ends in `ss`, `us` or `is`.
fn plural_removed(word: &str) -> std::borrow::Cow<'_, str> {
    if let Some(base) = word.strip_suffix("ies") {
        return format!("{base}y").into();
    }
    for ending in ["sses", "xes", "ches", "shes"] {
        if word.ends_with(ending) {
            return word[..word.len() - 2].into();
        }
    }
    if word.ends_with('s') && !["ss", "us", "is"].iter().any(|e| word.ends_with(e)) {
        return word[..word.len() - 1].into();
    }
    word.into()
}

/// Abbreviations written out, after stemming, on both sides: a query for `repo` finds a tool
/// about a `repository` and the other way round.
fn spelled_out(stem: String) -> String {
    let long = match stem.as_str() {
        "repo" => "repository",
        "org" => "organization",
        "pr" => "pull",
        "env" => "environment",
        "dir" => "directory",
        "config" => "configuration",
        "param" => "parameter",
        _ => return stem,
    };
    self::stem(long)
}

/// Terms of a query that look for something a tool names with another verb: `add a comment`
/// is also `create a comment`, `remove` is `delete`. They are added to a query at a lower
/// weight, never to a tool's terms, since a tool named `add` is not one named `create`.
pub(crate) fn related(term: &str) -> &'static [&'static str] {
    match term {
        "add" | "new" | "mak" | "open" | "publish" | "start" | "submit" | "post" | "leav"
        | "writ" | "trigger" | "launch" => &["creat"],
        "remov" | "drop" | "eras" | "destroy" | "clear" => &["delet"],
        "show" | "fetch" | "retriev" | "read" | "view" | "look" | "see" => &["get", "list"],
        "find" | "query" => &["search", "list"],
        "edit" | "chang" | "modify" | "renam" | "set" | "replac" => &["updat"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_at_every_boundary() {
        assert_eq!(terms("issues_create-comment"), ["issu", "creat", "comment"]);
        assert_eq!(terms("listWorkflowRuns"), ["list", "workflow", "run"]);
        assert_eq!(terms("HTTPServer oauth2"), ["http", "server", "oauth"]);
        assert_eq!(
            terms("/repos/{owner}/{repo}/issues/{issue_number}/comments"),
            [
                "repository",
                "owner",
                "repository",
                "issu",
                "issu",
                "number",
                "comment"
            ]
        );
    }

    #[test]
    fn sentences_lose_stop_words_and_one_letter_words() {
        assert_eq!(
            terms("Add a comment to an issue."),
            ["add", "comment", "issu"]
        );
        assert!(terms("a I the of").is_empty());
    }

    #[test]
    fn forms_of_a_word_share_a_stem() {
        let same = |words: &[&str]| {
            let stems: Vec<String> = words.iter().map(|w| stem(w)).collect();
            assert!(
                stems.windows(2).all(|w| w[0] == w[1]),
                "{words:?}: {stems:?}"
            );
        };
        same(&["create", "created", "creating", "creates", "creation"]);
        same(&["repository", "repositories"]);
        same(&["star", "starred", "stars", "starring"]);
        same(&["branch", "branches"]);
        same(&["delete", "deleted", "deletion", "deletes"]);
        same(&["update", "updated", "updates", "updating"]);
        same(&["list", "lists", "listed", "listing"]);
        same(&["assign", "assigned", "assignee", "assignees"]);
        same(&["review", "reviewer", "reviewers", "reviewed"]);
        assert_eq!(stem("owner"), "owner");
        assert_eq!(stem("user"), "user");
        assert_eq!(stem("status"), "status");
        assert_eq!(stem("access"), "access");
        assert_eq!(stem("analysis"), "analysis");
        assert_eq!(stem("fee"), "fee");
    }

    #[test]
    fn abbreviations_meet_their_long_form() {
        assert_eq!(terms("repo"), terms("repositories"));
        assert_eq!(terms("orgs"), terms("organization"));
        assert_eq!(terms("PRs"), terms("pull"));
    }

    #[test]
    fn other_verbs_lead_to_the_usual_ones() {
        let add = &terms("add")[0];
        assert!(related(add).contains(&"creat"));
        assert!(related(&terms("remove")[0]).contains(&"delet"));
        assert!(related(&terms("comment")[0]).is_empty());
    }
}
