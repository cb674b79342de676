//! [`LiveTask`]: a task running in this process — its record as this process last wrote it, the
//! questions its call waits on until `tasks/update` answers them, and who hears of its changes
//! (a `tasks/result` waiting for its end, the session told of a new status).

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, OnceLock},
};

use serde_json::Value;
use tokio::sync::oneshot;

use super::{TaskRecord, TaskState, TaskStore, TaskStoreError, clock::now_ms};
use crate::updates::lock;

/// Where a call's task goes once the call becomes one.
pub(crate) type TaskSlot = Arc<OnceLock<Arc<LiveTask>>>;

/// Told of each new status of a task, with its record as written.
pub(crate) type StatusHook = Box<dyn Fn(&TaskRecord) + Send + Sync>;

/// A task running in this process.
pub(crate) struct LiveTask {
    store: Arc<dyn TaskStore>,
    record: Mutex<TaskRecord>,
    /// Questions not answered yet, by key: the request, and where its answer goes.
    pending: Mutex<BTreeMap<String, (Value, oneshot::Sender<Value>)>>,
    /// Writes to the store, one at a time, each of the state at its time.
    writing: tokio::sync::Mutex<()>,
    /// Woken after each write.
    changed: tokio::sync::Notify,
    /// Told of each new status, once set.
    on_status: OnceLock<StatusHook>,
}

impl std::fmt::Debug for LiveTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveTask")
            .field("record", &self.record)
            .field("pending", &lock(&self.pending).keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The task ended (it was cancelled) before its questions were answered.
#[derive(Debug)]
pub(crate) struct Unanswered;

impl LiveTask {
    pub(crate) fn new(store: Arc<dyn TaskStore>, record: TaskRecord) -> Arc<Self> {
        Arc::new(Self {
            store,
            record: Mutex::new(record),
            pending: Mutex::default(),
            writing: tokio::sync::Mutex::new(()),
            changed: tokio::sync::Notify::new(),
            on_status: OnceLock::new(),
        })
    }

    /// The task's id.
    pub(crate) fn id(&self) -> String {
        lock(&self.record).id.clone()
    }

    /// Tell `hook` of each new status from now on (set once; later hooks are ignored).
    pub(crate) fn on_status(&self, hook: StatusHook) {
        let _ = self.on_status.set(hook);
    }

    /// Woken at the task's next write: enable it (or poll it) before reading the store, so
    /// that no write between the read and the wait is missed.
    pub(crate) fn changed(&self) -> tokio::sync::futures::Notified<'_> {
        self.changed.notified()
    }

    /// Write `end` (a terminal state); whether it was written (a task already ended stays as
    /// it ended).
    pub(crate) async fn finish(&self, end: TaskState) -> Result<bool, TaskStoreError> {
        lock(&self.pending).clear();
        self.write(Some(end)).await
    }

    /// Say where the work stands (`statusMessage`): the latest message of a streamed response,
    /// say.
    pub(crate) async fn note(&self, message: String) -> Result<bool, TaskStoreError> {
        lock(&self.record).status_message = Some(message);
        self.write(None).await
    }

    /// Ask the client `questions` (key, request) and wait for every answer, in order. The task
    /// is `input_required` with every question not answered yet meanwhile.
    pub(crate) async fn ask(
        &self,
        questions: Vec<(String, Value)>,
    ) -> Result<Vec<Value>, Unanswered> {
        let mut answers = Vec::with_capacity(questions.len());
        {
            let mut pending = lock(&self.pending);
            for (key, request) in questions {
                let (sender, receiver) = oneshot::channel();
                pending.insert(key, (request, sender));
                answers.push(receiver);
            }
        }
        // A store that fails here leaves the question unseen; the call waits until cancelled
        // or timed out, as it would for a client that never answers.
        let _ = self.write(None).await;
        let mut given = Vec::with_capacity(answers.len());
        for answer in answers {
            given.push(answer.await.map_err(|_| Unanswered)?);
        }
        Ok(given)
    }

    /// Deliver the client's `responses` to the questions they answer; keys of no pending
    /// question are ignored.
    pub(crate) async fn answer(
        &self,
        responses: impl IntoIterator<Item = (String, Value)>,
    ) -> Result<(), TaskStoreError> {
        let mut delivered = false;
        {
            let mut pending = lock(&self.pending);
            for (key, response) in responses {
                if let Some((_, sender)) = pending.remove(&key) {
                    let _ = sender.send(response);
                    delivered = true;
                }
            }
        }
        if delivered {
            self.write(None).await?;
        }
        Ok(())
    }

    /// Write the record: `end`, or else the live state (questions pending or working).
    async fn write(&self, end: Option<TaskState>) -> Result<bool, TaskStoreError> {
        let _turn = self.writing.lock().await;
        let (record, new_status) = {
            let mut record = lock(&self.record);
            if record.state.is_terminal() {
                return Ok(false);
            }
            let before = std::mem::discriminant(&record.state);
            record.state = end.unwrap_or_else(|| self.live_state());
            record.updated_at_ms = now_ms().max(record.updated_at_ms);
            (
                record.clone(),
                before != std::mem::discriminant(&record.state),
            )
        };
        let written = self.store.update(record.clone()).await;
        self.changed.notify_waiters();
        if new_status
            && matches!(written, Ok(true))
            && let Some(hook) = self.on_status.get()
        {
            hook(&record);
        }
        written
    }

    fn live_state(&self) -> TaskState {
        let pending = lock(&self.pending);
        if pending.is_empty() {
            return TaskState::Working;
        }
        let input_requests = pending
            .iter()
            .map(|(key, (request, _))| (key.clone(), request.clone()))
            .collect();
        TaskState::InputRequired { input_requests }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::tasks::MemoryTaskStore;

    fn record() -> TaskRecord {
        let now = now_ms();
        TaskRecord {
            id: "t1".into(),
            owner: "ana".into(),
            tool: "confirm".into(),
            state: TaskState::Working,
            status_message: None,
            created_at_ms: now,
            updated_at_ms: now,
            ttl_ms: 60_000,
            poll_interval_ms: 100,
        }
    }

    async fn stored(store: &MemoryTaskStore) -> TaskState {
        store.get("ana", "t1").await.unwrap().unwrap().state
    }

    #[tokio::test]
    async fn questions_wait_for_every_answer_and_show_until_answered() {
        let store = Arc::new(MemoryTaskStore::default());
        store.insert(record()).await.unwrap();
        let live = LiveTask::new(store.clone(), record());
        let asking = tokio::spawn({
            let live = live.clone();
            async move {
                let questions = vec![("a".into(), json!({"q": 1})), ("b".into(), json!({"q": 2}))];
                live.ask(questions).await
            }
        });
        while !matches!(stored(&store).await, TaskState::InputRequired { .. }) {
            tokio::task::yield_now().await;
        }
        live.answer([("a".to_string(), json!("A")), ("zz".to_string(), json!(0))])
            .await
            .unwrap();
        let TaskState::InputRequired { input_requests } = stored(&store).await else {
            panic!("still waiting for b")
        };
        assert_eq!(input_requests.keys().collect::<Vec<_>>(), ["b"]);
        live.answer([("b".to_string(), json!("B"))]).await.unwrap();
        assert_eq!(asking.await.unwrap().unwrap(), [json!("A"), json!("B")]);
        assert_eq!(stored(&store).await, TaskState::Working);
    }

    #[tokio::test]
    async fn a_finished_task_stays_finished_and_drops_its_questions() {
        let store = Arc::new(MemoryTaskStore::default());
        store.insert(record()).await.unwrap();
        let live = LiveTask::new(store.clone(), record());
        let asking = tokio::spawn({
            let live = live.clone();
            async move { live.ask(vec![("a".into(), json!({}))]).await }
        });
        while !matches!(stored(&store).await, TaskState::InputRequired { .. }) {
            tokio::task::yield_now().await;
        }
        assert!(live.finish(TaskState::Cancelled).await.unwrap());
        assert!(
            asking.await.unwrap().is_err(),
            "the question went unanswered"
        );
        let result = json!({"content": []}).as_object().unwrap().clone();
        assert!(!live.finish(TaskState::Completed { result }).await.unwrap());
        assert_eq!(stored(&store).await, TaskState::Cancelled);
    }
}
