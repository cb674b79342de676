//! The record of every session and which of them have a worker: plain data under one lock,
//! with the choices made on it (which session to park, which have expired).

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use rmcp::transport::streamable_http_server::session::SessionId;

/// Every open session, and the ones among them with a worker.
#[derive(Default)]
pub(super) struct Table {
    /// foldhash: every session request looks its id up here (ids are the server's own, random).
    pub(super) records: HashMap<SessionId, Record, foldhash::fast::RandomState>,
    /// The sessions with a worker (`Live` or `Reviving`): the few to choose from when parking.
    warm: Vec<SessionId>,
}

/// One session, whether or not it has a worker.
pub(super) struct Record {
    /// The client's `initialize` params as JSON: what a revival replays.
    pub(super) initialize: Option<Box<[u8]>>,
    pub(super) last_used: Instant,
    /// Requests and streams of this session in progress.
    pub(super) in_use: u32,
    /// Holds state a replay would lose; never parked.
    pub(super) keeps_worker: bool,
    pub(super) worker: Worker,
    /// When this instance last wrote the session to the session store; `None`: not yet.
    pub(super) stored: Option<Instant>,
}

/// Where a session's worker is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Worker {
    Live,
    /// Told to end; the next `close_session` for this id is that end.
    Parking,
    Parked,
    /// A request is giving it a new worker.
    Reviving,
}

impl Record {
    /// A session that has just been given a worker, before its `initialize`.
    pub(super) fn new() -> Self {
        Self {
            initialize: None,
            last_used: Instant::now(),
            in_use: 0,
            keeps_worker: false,
            worker: Worker::Live,
            stored: Some(Instant::now()),
        }
    }

    /// Idle for `idle` or longer at `now`: no request or stream in progress, none for that long.
    pub(super) fn expired(&self, idle: Option<Duration>, now: Instant) -> bool {
        self.in_use == 0 && idle.is_some_and(|idle| now.duration_since(self.last_used) >= idle)
    }

    fn parkable(&self) -> bool {
        self.worker == Worker::Live
            && self.in_use == 0
            && !self.keeps_worker
            && self.initialize.is_some()
    }
}

impl Table {
    /// A new session, with a worker.
    pub(super) fn open(&mut self, id: SessionId) {
        self.records.insert(id.clone(), Record::new());
        self.warm.push(id);
    }

    /// `id` is parked (`Parked` before): it is getting a worker again. What it replays.
    pub(super) fn revive(&mut self, id: &SessionId) -> Option<Option<Box<[u8]>>> {
        let record = self.records.get_mut(id)?;
        record.worker = Worker::Reviving;
        let initialize = record.initialize.clone();
        self.warm.push(id.clone());
        Some(initialize)
    }

    pub(super) fn remove(&mut self, id: &SessionId) -> Option<Record> {
        let record = self.records.remove(id)?;
        if let Some(at) = self.warm.iter().position(|w| w == id) {
            self.warm.swap_remove(at);
        }
        Some(record)
    }

    /// Mark the least recently used idle sessions `Parking` while more than `warm_limit` have a
    /// worker; their ids, whose workers the caller ends.
    pub(super) fn park_beyond(&mut self, warm_limit: usize) -> Vec<SessionId> {
        let mut parked = Vec::new();
        while self.warm.len() > warm_limit {
            let records = &self.records;
            let oldest = self
                .warm
                .iter()
                .enumerate()
                .filter_map(|(at, id)| Some((at, records.get(id)?)))
                .filter(|(_, record)| record.parkable())
                .min_by_key(|(_, record)| record.last_used)
                .map(|(at, _)| at);
            let Some(at) = oldest else { break };
            let id = self.warm.swap_remove(at);
            if let Some(record) = self.records.get_mut(&id) {
                record.worker = Worker::Parking;
            }
            parked.push(id);
        }
        parked
    }

    /// Remove the sessions idle for `idle` at `now`; the ids of those with a worker (or one
    /// ending), which the caller ends.
    pub(super) fn remove_expired(&mut self, idle: Duration, now: Instant) -> Vec<SessionId> {
        let mut with_worker = Vec::new();
        self.records.retain(|id, record| {
            let expired = record.expired(Some(idle), now);
            if expired && record.worker != Worker::Parked {
                with_worker.push(id.clone());
            }
            !expired
        });
        self.warm.retain(|id| !with_worker.contains(id));
        with_worker
    }

    /// A session opened on another instance, getting a worker here; the store has it.
    pub(super) fn restore(&mut self, id: SessionId) {
        self.open(id.clone());
        if let Some(record) = self.records.get_mut(&id) {
            record.worker = Worker::Reviving;
            record.stored = None;
        }
    }

    /// The sessions whose store entry to write again at `now`, with what to write: those used
    /// since their last write (or in use now) and not written for `period`; marked written.
    pub(super) fn due_for_store(
        &mut self,
        now: Instant,
        period: Duration,
    ) -> Vec<(SessionId, Box<[u8]>)> {
        let mut due = Vec::new();
        for (id, record) in &mut self.records {
            let Some(initialize) = &record.initialize else {
                continue;
            };
            let used_since = |at: Instant| record.in_use > 0 || record.last_used > at;
            let is_due = record
                .stored
                .is_none_or(|at| now.duration_since(at) >= period && used_since(at));
            if is_due {
                due.push((id.clone(), initialize.clone()));
                record.stored = Some(now);
            }
        }
        due
    }

    /// Sessions with a worker, or getting one.
    #[cfg(test)]
    pub(super) fn warm(&self) -> usize {
        self.warm.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn initialized(table: &mut Table, id: &str) -> SessionId {
        let id: SessionId = id.into();
        table.open(id.clone());
        table.records.get_mut(&id).unwrap().initialize = Some(Box::from(&b"{}"[..]));
        id
    }

    #[test]
    fn the_least_recently_used_idle_session_is_parked_first() {
        let mut table = Table::default();
        let [a, b, c] = ["a", "b", "c"].map(|id| initialized(&mut table, id));
        table.records.get_mut(&a).unwrap().last_used += Duration::from_secs(2);
        table.records.get_mut(&b).unwrap().last_used += Duration::from_secs(1);
        assert_eq!(table.park_beyond(2), std::slice::from_ref(&c));
        assert_eq!(table.records[&c].worker, Worker::Parking);
        assert_eq!(table.park_beyond(0), [b, a]);
        assert_eq!(table.warm(), 0);
    }

    #[test]
    fn sessions_in_use_holding_state_or_not_yet_initialized_are_not_parked() {
        let mut table = Table::default();
        let busy = initialized(&mut table, "busy");
        let pinned = initialized(&mut table, "pinned");
        table.open("new".into());
        table.records.get_mut(&busy).unwrap().in_use = 1;
        table.records.get_mut(&pinned).unwrap().keeps_worker = true;
        assert!(table.park_beyond(0).is_empty());
        assert_eq!(table.warm(), 3);
    }

    #[test]
    fn sessions_idle_long_enough_are_removed_and_those_with_a_worker_named() {
        let mut table = Table::default();
        let [parked, live, recent, streaming] =
            ["parked", "live", "recent", "streaming"].map(|id| initialized(&mut table, id));
        let later = Instant::now() + Duration::from_secs(10);
        table.records.get_mut(&recent).unwrap().last_used = later;
        table.records.get_mut(&streaming).unwrap().in_use = 1;
        table.records.get_mut(&parked).unwrap().worker = Worker::Parked;
        table.warm.retain(|id| *id != parked);

        let idle = Duration::from_secs(5);
        assert_eq!(
            table.remove_expired(idle, later),
            std::slice::from_ref(&live)
        );
        assert!(!table.records.contains_key(&parked));
        assert!(!table.records.contains_key(&live));
        assert!(table.records.contains_key(&recent));
        assert!(table.records.contains_key(&streaming));
        assert_eq!(table.warm(), 2);
    }

    #[test]
    fn store_entries_are_written_again_only_for_sessions_used_since() {
        let mut table = Table::default();
        let [used, unused, streaming] =
            ["used", "unused", "streaming"].map(|id| initialized(&mut table, id));
        table.restore("restored".into());
        let restored: SessionId = "restored".into();
        table.records.get_mut(&restored).unwrap().initialize = Some(Box::from(&b"{}"[..]));
        let period = Duration::from_secs(4);
        let now = Instant::now();
        // Not yet a period since the write at `initialize`; a restored one was never written here.
        let due = table.due_for_store(now, period);
        assert_eq!(
            due.iter().map(|(id, _)| id).collect::<Vec<_>>(),
            [&restored]
        );

        let later = now + period;
        table.records.get_mut(&used).unwrap().last_used = now + Duration::from_secs(1);
        table.records.get_mut(&streaming).unwrap().in_use = 1;
        let mut due: Vec<_> = table
            .due_for_store(later, period)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        due.sort();
        assert_eq!(due, [streaming.clone(), used.clone()]);
        assert!(!due.contains(&unused));
        // Just written: not again within the period.
        assert!(
            table
                .due_for_store(later + Duration::from_secs(1), period)
                .iter()
                .all(|(id, _)| *id != used)
        );
        assert_eq!(table.records[&restored].worker, Worker::Reviving);
    }
}
