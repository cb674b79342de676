//! Driving one kind of call: many keep-alive connections for a fixed time (throughput), or one
//! connection for a bounded number of calls (latency per call). Every answer is checked; what is
//! not a success is counted as an error, with the first one kept for the report.

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use crate::{
    http::{Connection, Response},
    mcp::{self, ToolCall},
};

/// One kind of call.
#[derive(Debug, Clone)]
pub enum Call {
    /// A fixed REST request; success is a 2xx status.
    Rest(Vec<u8>),
    /// A `tools/call`; success is a tool result for its id.
    Tool(ToolCall),
}

impl Call {
    /// Makes the call with JSON-RPC id `id` on `conn`.
    async fn make(&self, conn: &mut Connection, id: u64) -> Result<(), String> {
        match self {
            Self::Rest(request) => {
                let response = send(conn, request).await?;
                if (200..300).contains(&response.status) {
                    Ok(())
                } else {
                    Err(format!("HTTP {}", response.status))
                }
            }
            Self::Tool(call) => {
                let response = send(conn, &call.render(id)).await?;
                mcp::check_tool_result(&response, id)
            }
        }
    }
}

async fn send(conn: &mut Connection, request: &[u8]) -> Result<Response, String> {
    conn.send(request).await.map_err(|e| e.to_string())
}

/// What a run of calls gave.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Successful calls.
    pub ok: u64,
    /// Calls that failed, timed out or found no connection.
    pub errors: u64,
    /// The first failure, for the report.
    pub first_error: Option<String>,
}

impl Tally {
    fn fail(&mut self, why: String) {
        self.errors += 1;
        self.first_error.get_or_insert(why);
    }

    /// Adds `other`'s counts to this one.
    pub fn merge(&mut self, other: Self) {
        self.ok += other.ok;
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }
}

/// A throughput run: the tally and how long it took.
#[derive(Debug, Default, Clone)]
pub struct Throughput {
    /// Calls made.
    pub tally: Tally,
    /// From the start until the last connection finished its last call.
    pub elapsed: Duration,
}

impl Throughput {
    /// Successful calls per second.
    pub fn per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.tally.ok as f64 / secs
        } else {
            0.0
        }
    }

    /// Adds another run of the same call.
    pub fn merge(&mut self, other: Self) {
        self.tally.merge(other.tally);
        self.elapsed += other.elapsed;
    }
}

/// Limits every run respects.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long one call may take before it counts as an error and its connection is dropped.
    pub call_timeout: Duration,
}

/// JSON-RPC ids unique across every call of the process.
#[derive(Debug, Default)]
pub struct Ids(AtomicU64);

impl Ids {
    /// The next id.
    pub fn next(&self) -> u64 {
        self.0.fetch_add(1, Ordering::Relaxed) + 1
    }
}

/// One call on `conn` (connecting first when needed), within the call timeout; the connection
/// is dropped after a failure so the next call starts clean.
async fn one_call(
    addr: SocketAddr,
    conn: &mut Option<Connection>,
    call: &Call,
    id: u64,
    limits: Limits,
) -> Result<(), String> {
    if conn.is_none() {
        *conn = Some(
            Connection::connect(addr)
                .await
                .map_err(|e| format!("connect: {e}"))?,
        );
    }
    let Some(open) = conn.as_mut() else {
        unreachable!("connected above")
    };
    let result = match tokio::time::timeout(limits.call_timeout, call.make(open, id)).await {
        Ok(result) => result,
        Err(_) => Err(format!("no answer within {:?}", limits.call_timeout)),
    };
    if result.is_err() || !open.is_reusable() {
        *conn = None;
    }
    result
}

/// `connections` keep-alive connections making `call` back to back for `duration`.
pub async fn throughput(
    addr: SocketAddr,
    call: Arc<Call>,
    ids: Arc<Ids>,
    connections: usize,
    duration: Duration,
    limits: Limits,
) -> Throughput {
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::with_capacity(connections);
    for _ in 0..connections {
        let call = call.clone();
        let ids = ids.clone();
        tasks.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            let mut conn = None;
            while Instant::now() < deadline {
                match one_call(addr, &mut conn, &call, ids.next(), limits).await {
                    Ok(()) => tally.ok += 1,
                    Err(why) => {
                        tally.fail(why);
                        if conn.is_none() {
                            // Do not spin on a server that refuses connections.
                            tokio::time::sleep(Duration::from_millis(10)).await;
                        }
                    }
                }
            }
            tally
        }));
    }
    let mut tally = Tally::default();
    for task in tasks {
        match task.await {
            Ok(part) => tally.merge(part),
            Err(e) => tally.fail(format!("load task failed: {e}")),
        }
    }
    Throughput {
        tally,
        elapsed: start.elapsed(),
    }
}

/// Latencies of calls made one after another on one keep-alive connection.
#[derive(Debug, Default, Clone)]
pub struct Sequential {
    /// Calls made.
    pub tally: Tally,
    /// The time of each successful call, sorted.
    pub latencies: Vec<Duration>,
}

impl Sequential {
    /// The mean latency: unlike the quantiles, it shows stalls that hit a few calls in a hundred.
    pub fn mean(&self) -> Option<Duration> {
        let n = u32::try_from(self.latencies.len())
            .ok()
            .filter(|n| *n > 0)?;
        Some(self.latencies.iter().sum::<Duration>() / n)
    }

    /// The `q`-quantile (0..=1) of the latencies, by nearest rank.
    pub fn quantile(&self, q: f64) -> Option<Duration> {
        let n = self.latencies.len();
        if n == 0 {
            return None;
        }
        let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
        Some(self.latencies[rank - 1])
    }
}

/// `warmup` untimed calls, then up to `calls` timed ones, stopping early after `max_time`.
pub async fn sequential(
    addr: SocketAddr,
    call: &Call,
    ids: &Ids,
    warmup: usize,
    calls: usize,
    max_time: Duration,
    limits: Limits,
) -> Sequential {
    let mut conn = None;
    let mut result = Sequential::default();
    for _ in 0..warmup {
        if let Err(why) = one_call(addr, &mut conn, call, ids.next(), limits).await {
            result.tally.fail(format!("warm-up: {why}"));
        }
    }
    let stop = Instant::now() + max_time;
    for _ in 0..calls {
        if Instant::now() >= stop {
            break;
        }
        let start = Instant::now();
        match one_call(addr, &mut conn, call, ids.next(), limits).await {
            Ok(()) => {
                result.latencies.push(start.elapsed());
                result.tally.ok += 1;
            }
            Err(why) => result.tally.fail(why),
        }
    }
    result.latencies.sort_unstable();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_by_nearest_rank() {
        let latencies = (1..=100).map(Duration::from_millis).collect();
        let run = Sequential {
            tally: Tally::default(),
            latencies,
        };
        assert_eq!(run.quantile(0.5), Some(Duration::from_millis(50)));
        assert_eq!(run.quantile(0.99), Some(Duration::from_millis(99)));
        assert_eq!(run.quantile(1.0), Some(Duration::from_millis(100)));
        assert_eq!(run.mean(), Some(Duration::from_micros(50_500)));
        assert_eq!(Sequential::default().quantile(0.5), None);
        assert_eq!(Sequential::default().mean(), None);
    }
}
