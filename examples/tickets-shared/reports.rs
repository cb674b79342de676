//! Reports that take time: `POST /reports` answers `202 Accepted` at once with a `Location`,
//! and `GET /reports/{report_id}` answers `202` while the report is being built, then `200`
//! with it. mcp-web maps `create_report` to an MCP task: its status reads the `Location` link
//! in-process and its result is the finished report.

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::tickets::{
    api::AppState,
    error::{ApiError, ApiFailure},
    store::{Status, now_rfc3339},
};

/// How long a report takes to build.
pub(crate) const BUILD_TIME: Duration = Duration::from_secs(2);

/// Reports, finished or being built, by id.
#[derive(Debug, Default)]
pub(crate) struct Reports {
    next_id: u64,
    by_id: BTreeMap<u64, (Instant, Report)>,
}

/// What to report on.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NewReport {
    /// Only tickets assigned to this person; everyone's when left out.
    assignee: Option<String>,
}

/// Where a report stands while it is built.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReportStatus {
    /// The report's id.
    pub(crate) id: u64,
    /// Always `building`.
    #[schema(example = "building")]
    pub(crate) status: String,
}

/// Ticket counts by status.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct Report {
    /// The report's id.
    pub(crate) id: u64,
    /// Whose tickets it counts (`everyone` when nobody in particular).
    pub(crate) assignee: String,
    /// How many tickets, by status.
    pub(crate) by_status: BTreeMap<String, usize>,
    /// How many tickets in all.
    pub(crate) total: usize,
    /// When the counts were taken (RFC 3339, UTC).
    pub(crate) generated_at: String,
}

/// A report: ready, or still being built.
#[derive(Debug)]
pub(crate) enum ReportState {
    /// Still being built; ask again later.
    Building(ReportStatus),
    /// Finished.
    Ready(Report),
}

/// Build a report
///
/// Counts tickets by status, optionally only one person's. Takes a couple of seconds: the
/// answer is `202 Accepted` at once, and the report is read at its `Location` when done.
#[utoipa::path(
    post,
    path = "/reports",
    operation_id = "create_report",
    tag = "reports",
    request_body = NewReport,
    responses(
        (status = 202, description = "Being built; read it at Location", body = ReportStatus,
            headers(("Location" = String, description = "Where the report will be"))),
        (status = 401, description = "Missing or wrong bearer token", body = ApiError),
    )
)]
pub(crate) async fn create_report(state: &AppState, new: NewReport) -> ReportStatus {
    let store = state.store.read().await;
    let tickets = (store.tickets.values())
        .filter(|t| new.assignee.is_none() || t.assignee == new.assignee)
        .collect::<Vec<_>>();
    let mut by_status = BTreeMap::new();
    for ticket in &tickets {
        let status = match ticket.status {
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::Closed => "closed",
        };
        *by_status.entry(status.to_string()).or_default() += 1;
    }
    let mut reports = state.reports.write().await;
    reports.next_id += 1;
    let id = reports.next_id;
    let report = Report {
        id,
        assignee: new.assignee.unwrap_or_else(|| "everyone".into()),
        by_status,
        total: tickets.len(),
        generated_at: now_rfc3339(),
    };
    reports
        .by_id
        .insert(id, (Instant::now() + BUILD_TIME, report));
    ReportStatus {
        id,
        status: "building".into(),
    }
}

/// Read a report
///
/// The finished report, or `202` (with `Retry-After`) while it is still being built.
#[utoipa::path(
    get,
    path = "/reports/{report_id}",
    operation_id = "get_report",
    tag = "reports",
    params(("report_id" = u64, Path, description = "The report's id")),
    responses(
        (status = 200, description = "The report", body = Report),
        (status = 202, description = "Still being built; try again after Retry-After seconds",
            body = ReportStatus, headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 401, description = "Missing or wrong bearer token", body = ApiError),
        (status = 404, description = "No such report", body = ApiError),
    )
)]
pub(crate) async fn get_report(
    state: &AppState,
    report_id: u64,
) -> Result<ReportState, ApiFailure> {
    let reports = state.reports.read().await;
    let (ready_at, report) = (reports.by_id.get(&report_id))
        .ok_or_else(|| ApiFailure::new(404, format!("report {report_id} not found")))?;
    if Instant::now() < *ready_at {
        return Ok(ReportState::Building(ReportStatus {
            id: report_id,
            status: "building".into(),
        }));
    }
    Ok(ReportState::Ready(report.clone()))
}
