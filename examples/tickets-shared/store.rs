//! The data model and its in-memory store.
//!
//! The types derive `ToSchema`, so the OpenAPI document — and through it the MCP tools' input and
//! output schemas — describe exactly what the handlers read and write.

use std::{
    collections::BTreeMap,
    time::{SystemTime, UNIX_EPOCH},
};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a ticket is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Status {
    /// Reported, nobody is on it yet.
    Open,
    /// Someone is working on it.
    InProgress,
    /// Done or won't fix.
    Closed,
}

/// How urgent a ticket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Priority {
    /// Whenever there is time.
    Low,
    /// The default.
    Medium,
    /// Before anything else.
    High,
}

/// A support ticket.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct Ticket {
    /// Unique id, assigned by the server.
    #[schema(example = 1)]
    pub(crate) id: u64,
    /// One-line summary of the problem.
    #[schema(example = "Printer on floor 3 jams")]
    pub(crate) title: String,
    /// Longer free-form details.
    pub(crate) description: Option<String>,
    /// Current status.
    pub(crate) status: Status,
    /// How urgent it is.
    pub(crate) priority: Priority,
    /// Who is working on it, if anyone.
    pub(crate) assignee: Option<String>,
    /// Free-form labels; they may contain spaces, `/` and `?`.
    pub(crate) labels: Vec<String>,
    /// When the ticket was created (RFC 3339, UTC).
    #[schema(format = DateTime)]
    pub(crate) created_at: Option<String>,
}

/// A comment on a ticket.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct Comment {
    /// Unique id, assigned by the server.
    pub(crate) id: u64,
    /// The ticket it belongs to.
    pub(crate) ticket_id: u64,
    /// The user who wrote it (the owner of the bearer token).
    pub(crate) author: String,
    /// The comment text.
    pub(crate) body: String,
}

/// All tickets and comments. Lives behind a `RwLock` in the app state.
#[derive(Debug, Default)]
pub(crate) struct Store {
    /// By id; a `BTreeMap` so listings come out in id order.
    pub(crate) tickets: BTreeMap<u64, Ticket>,
    /// In creation order.
    pub(crate) comments: Vec<Comment>,
    last_ticket_id: u64,
    last_comment_id: u64,
}

impl Store {
    /// A store with three tickets, so there is something to list right away.
    pub(crate) fn seeded() -> Self {
        let mut store = Self::default();
        let seed = [
            (
                "Checkout page times out",
                Some("Customers report a spinner that never ends after paying."),
                Status::Open,
                Priority::High,
                Some("alice"),
                vec!["needs review/urgent?", "billing"],
                "2026-01-05T09:30:00Z",
            ),
            (
                "Typo on the pricing page",
                None,
                Status::Closed,
                Priority::Low,
                Some("bob"),
                vec!["website"],
                "2026-01-06T14:10:00Z",
            ),
            (
                "Export tickets as CSV",
                Some("Support leads want a weekly export."),
                Status::InProgress,
                Priority::Medium,
                None,
                vec!["feature request"],
                "2026-01-07T08:00:00Z",
            ),
        ];
        for (title, description, status, priority, assignee, labels, created_at) in seed {
            let id = store.next_ticket_id();
            store.tickets.insert(
                id,
                Ticket {
                    id,
                    title: title.into(),
                    description: description.map(Into::into),
                    status,
                    priority,
                    assignee: assignee.map(Into::into),
                    labels: labels.into_iter().map(Into::into).collect(),
                    created_at: Some(created_at.into()),
                },
            );
        }
        store.add_comment(
            1,
            "alice",
            "Reproduced with a test card; looking at the gateway logs.",
        );
        store
    }

    /// The id for a new ticket.
    pub(crate) fn next_ticket_id(&mut self) -> u64 {
        self.last_ticket_id += 1;
        self.last_ticket_id
    }

    /// Add a comment to `ticket_id` (which the caller has checked exists).
    pub(crate) fn add_comment(&mut self, ticket_id: u64, author: &str, body: &str) -> Comment {
        self.last_comment_id += 1;
        let comment = Comment {
            id: self.last_comment_id,
            ticket_id,
            author: author.into(),
            body: body.into(),
        };
        self.comments.push(comment.clone());
        comment
    }
}

/// The current time as RFC 3339 in UTC (`2026-01-05T09:30:00Z`), without a date-time crate.
pub(crate) fn now_rfc3339() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let (days, time) = (secs / 86_400, secs % 86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's `civil_from_days`).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        time / 3_600,
        time % 3_600 / 60,
        time % 60
    )
}
