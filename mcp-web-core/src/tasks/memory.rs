//! [`MemoryTaskStore`]: task records in this process — bounded, and swept of expired records as
//! it goes.

use std::{
    collections::{BTreeMap, HashMap},
    sync::Mutex,
};

use futures::{FutureExt, future::BoxFuture};

use super::{TaskRecord, TaskStore, TaskStoreError, clock::now_ms};
use crate::updates::lock;

/// Task records in this process: at most [`capacity`](Self::with_capacity) live ones; expired
/// records are dropped as new ones come, and when the store is full, the oldest finished task
/// makes room (a store full of running tasks refuses new ones).
#[derive(Debug)]
pub struct MemoryTaskStore {
    capacity: usize,
    records: Mutex<Records>,
}

#[derive(Debug, Default)]
struct Records {
    by_id: HashMap<String, TaskRecord>,
    /// Ids by creation: (created at, id).
    by_age: BTreeMap<(u64, String), ()>,
}

impl Records {
    fn remove(&mut self, id: &str) {
        if let Some(record) = self.by_id.remove(id) {
            self.by_age.remove(&(record.created_at_ms, record.id));
        }
    }

    fn sweep(&mut self, now: u64) {
        let expired: Vec<String> = (self.by_id.values())
            .filter(|r| r.expired(now))
            .map(|r| r.id.clone())
            .collect();
        for id in expired {
            self.remove(&id);
        }
    }

    fn oldest_finished(&self) -> Option<String> {
        (self.by_age.keys())
            .find(|(_, id)| self.by_id[id].state.is_terminal())
            .map(|(_, id)| id.clone())
    }
}

impl Default for MemoryTaskStore {
    fn default() -> Self {
        Self::with_capacity(Self::DEFAULT_CAPACITY)
    }
}

impl MemoryTaskStore {
    /// How many live tasks a default store holds.
    pub const DEFAULT_CAPACITY: usize = 10_000;

    /// A store of at most `capacity` live tasks.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            records: Mutex::default(),
        }
    }

    /// How many records it holds now, expired ones not yet swept included.
    pub fn len(&self) -> usize {
        lock(&self.records).by_id.len()
    }

    /// Whether it holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn insert_now(&self, record: TaskRecord, now: u64) -> Result<(), TaskStoreError> {
        let mut records = lock(&self.records);
        if records.by_id.len() >= self.capacity {
            records.sweep(now);
        }
        if records.by_id.len() >= self.capacity {
            let oldest = records.oldest_finished().ok_or(TaskStoreError::Full)?;
            records.remove(&oldest);
        }
        records
            .by_age
            .insert((record.created_at_ms, record.id.clone()), ());
        records.by_id.insert(record.id.clone(), record);
        Ok(())
    }

    fn get_now(&self, owner: &str, id: &str, now: u64) -> Option<TaskRecord> {
        let records = lock(&self.records);
        let record = records.by_id.get(id)?;
        (record.owner == owner && !record.expired(now)).then(|| record.clone())
    }

    fn update_now(&self, record: TaskRecord) -> bool {
        let mut records = lock(&self.records);
        match records.by_id.get_mut(&record.id) {
            Some(stored) if !stored.state.is_terminal() && stored.owner == record.owner => {
                *stored = record;
                true
            }
            _ => false,
        }
    }

    fn list_now(
        &self,
        owner: &str,
        after: Option<&str>,
        limit: usize,
        now: u64,
    ) -> Vec<TaskRecord> {
        let records = lock(&self.records);
        let start = after
            .and_then(|id| records.by_id.get(id))
            .map(|r| (r.created_at_ms, r.id.clone()));
        let mut page = Vec::new();
        for (key, ()) in &records.by_age {
            if start.as_ref().is_some_and(|start| key <= start) {
                continue;
            }
            let record = &records.by_id[&key.1];
            if record.owner == owner && !record.expired(now) {
                page.push(record.clone());
                if page.len() == limit {
                    break;
                }
            }
        }
        page
    }
}

impl TaskStore for MemoryTaskStore {
    fn insert(&self, record: TaskRecord) -> BoxFuture<'_, Result<(), TaskStoreError>> {
        futures::future::ready(self.insert_now(record, now_ms())).boxed()
    }

    fn get<'a>(
        &'a self,
        owner: &'a str,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>> {
        futures::future::ready(Ok(self.get_now(owner, id, now_ms()))).boxed()
    }

    fn update(&self, record: TaskRecord) -> BoxFuture<'_, Result<bool, TaskStoreError>> {
        futures::future::ready(Ok(self.update_now(record))).boxed()
    }

    fn list<'a>(
        &'a self,
        owner: &'a str,
        after: Option<&'a str>,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<TaskRecord>, TaskStoreError>> {
        futures::future::ready(Ok(self.list_now(owner, after, limit, now_ms()))).boxed()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::tasks::TaskState;

    fn record(id: &str, owner: &str, created_at_ms: u64) -> TaskRecord {
        TaskRecord {
            id: id.into(),
            owner: owner.into(),
            tool: "export".into(),
            state: TaskState::Working,
            status_message: None,
            created_at_ms,
            updated_at_ms: created_at_ms,
            ttl_ms: 1000,
            poll_interval_ms: 100,
        }
    }

    fn finished(mut record: TaskRecord) -> TaskRecord {
        let result = json!({"content": []});
        record.state = TaskState::Completed {
            result: result.as_object().unwrap().clone(),
        };
        record
    }

    #[test]
    fn a_record_is_its_owners_and_lives_as_long_as_its_ttl() {
        let store = MemoryTaskStore::default();
        store.insert_now(record("t1", "ana", 1000), 1000).unwrap();
        assert!(store.get_now("ana", "t1", 1999).is_some());
        assert!(store.get_now("bob", "t1", 1500).is_none(), "another owner");
        assert!(store.get_now("ana", "t1", 2000).is_none(), "expired");
        assert!(store.get_now("ana", "t2", 1500).is_none(), "unknown");
    }

    #[test]
    fn a_finished_record_is_never_replaced() {
        let store = MemoryTaskStore::default();
        store.insert_now(record("t1", "ana", 0), 0).unwrap();
        let mut cancelled = record("t1", "ana", 0);
        cancelled.state = TaskState::Cancelled;
        assert!(store.update_now(cancelled));
        assert!(!store.update_now(finished(record("t1", "ana", 0))));
        assert_eq!(
            store.get_now("ana", "t1", 1).unwrap().state,
            TaskState::Cancelled
        );
        assert!(!store.update_now(record("t9", "ana", 0)), "no such record");
    }

    #[test]
    fn a_full_store_drops_expired_then_the_oldest_finished_then_refuses() {
        let store = MemoryTaskStore::with_capacity(2);
        store.insert_now(record("old", "ana", 0), 0).unwrap();
        store.insert_now(record("t2", "ana", 1500), 1500).unwrap();
        // "old" expired at 1000: swept to make room.
        store.insert_now(record("t3", "ana", 1600), 1600).unwrap();
        assert_eq!(store.len(), 2);
        assert!(store.get_now("ana", "old", 1600).is_none());
        // Both running: no room.
        assert_eq!(
            store.insert_now(record("t4", "ana", 1700), 1700),
            Err(TaskStoreError::Full)
        );
        store.update_now(finished(record("t3", "ana", 1600)));
        store.insert_now(record("t4", "ana", 1700), 1700).unwrap();
        assert!(
            store.get_now("ana", "t3", 1700).is_none(),
            "the finished one made room"
        );
        assert!(store.get_now("ana", "t2", 1700).is_some());
    }

    #[test]
    fn lists_page_through_one_owners_records_oldest_first() {
        let store = MemoryTaskStore::default();
        for (i, owner) in ["ana", "bob", "ana", "ana"].iter().enumerate() {
            let at = 100 + i as u64;
            store
                .insert_now(record(&format!("t{i}"), owner, at), at)
                .unwrap();
        }
        let ids = |page: Vec<TaskRecord>| page.into_iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(ids(store.list_now("ana", None, 2, 200)), ["t0", "t2"]);
        assert_eq!(ids(store.list_now("ana", Some("t2"), 2, 200)), ["t3"]);
        assert_eq!(ids(store.list_now("bob", None, 10, 200)), ["t1"]);
    }
}
