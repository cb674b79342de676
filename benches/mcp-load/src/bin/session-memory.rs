//! `session-memory`: what idle 2025-11-25 sessions cost a server in resident memory. See `--help`.

use std::{
    process::ExitCode,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use mcp_load::{
    args::Options,
    http::Connection,
    mcp::{self, Endpoint},
    report::{mib, thousands},
    server::{Server, Source, Target},
};

const USAGE: &str = "\
session-memory: resident memory of idle 2025-11-25 sessions, as the server process sees it

Usage: session-memory --server NAME=BINARY [--server ...] [OPTIONS]

Each BINARY is started fresh (PORT=0, DEMO_TOKEN, RUST_LOG=warn) and must print
http://127.0.0.1:PORT once listening. Then, over loopback:
  1. its VmRSS (/proc/PID/status) before any request;
  2. <sessions> sessions opened with `initialize` only (no further request), over <connections>
     keep-alive connections; every one must get a session id, failures are counted;
  3. VmRSS with the sessions open, and the difference per session;
  4. one more `initialize` (at the default max_sessions of 10,000 it must be refused, 503);
  5. every session ended with DELETE, VmRSS again, and one `initialize` that must succeed again;
  6. <sessions> sessions opened and ended once more: VmRSS with them open (memory freed in
     step 5 must be reused, not added to).

Options:
  --server NAME=BINARY   a server binary to measure (repeatable)
  --sessions N           sessions to open (default 10000)
  --connections N        concurrent connections (default 16)
  --token TOKEN          bearer token (default demo-token; '' sends none)
  --mcp-path PATH        default /mcp
  --settle SECS          pause before each memory reading (default 1)
";

/// What one server gave.
#[derive(Debug)]
struct Measured {
    fresh: u64,
    opened: usize,
    failed: usize,
    first_error: Option<String>,
    open_time: Duration,
    with_sessions: u64,
    one_more: String,
    ended: usize,
    after_end: u64,
    again: String,
    second_round: u64,
}

fn main() -> ExitCode {
    let mut options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) if options.help => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(options) => options,
        Err(message) => return usage_error(&message),
    };
    let parsed = (|| {
        let targets = options
            .all("server")
            .iter()
            .map(|spec| Target::parse(spec))
            .collect::<Result<Vec<_>, _>>()?;
        if targets.is_empty() {
            return Err("give at least one --server NAME=BINARY".to_string());
        }
        if let Some(running) = targets
            .iter()
            .find(|t| matches!(t.source, Source::Running(_)))
        {
            return Err(format!(
                "{}: memory is read from /proc/PID, so give a binary to start",
                running.name
            ));
        }
        let sessions: usize = options.number("sessions", 10_000)?;
        let connections: usize = options.number("connections", 16)?;
        let token = options.last("token").unwrap_or_else(|| "demo-token".into());
        let mcp_path = options.last("mcp-path").unwrap_or_else(|| "/mcp".into());
        let settle = options.seconds("settle", Duration::from_secs(1))?;
        Ok((
            targets,
            sessions,
            connections.max(1),
            token,
            mcp_path,
            settle,
        ))
    })();
    let (targets, sessions, connections, token, mcp_path, settle) =
        match parsed.and_then(|parsed| options.finish().map(|()| parsed)) {
            Ok(parsed) => parsed,
            Err(message) => return usage_error(&message),
        };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("session-memory: cannot start the client runtime: {e}");
            return ExitCode::FAILURE;
        }
    };

    let mut results = Vec::new();
    let mut failed = false;
    for target in &targets {
        let server = match Server::start(target, &token, "warn") {
            Ok(server) => server,
            Err(e) => {
                eprintln!("session-memory: {}: {e}", target.name);
                failed = true;
                continue;
            }
        };
        let endpoint = Endpoint {
            authority: server.addr.to_string(),
            mcp_path: mcp_path.clone(),
            token: (!token.is_empty()).then(|| token.clone()),
        };
        let run = measure(&server, &endpoint, sessions, connections, settle);
        match runtime.block_on(run) {
            Ok(measured) => results.push((server.name.clone(), measured)),
            Err(e) => {
                eprintln!("session-memory: {}: {e}", server.name);
                failed = true;
            }
        }
        server.stop();
    }

    println!();
    println!(
        "{} sessions opened with `initialize` only over {connections} connections; \
         VmRSS read {:.1} s after each step",
        thousands(sessions as f64),
        settle.as_secs_f64()
    );
    println!();
    println!(
        "| framework | RSS fresh | sessions opened (failed) | RSS with sessions | per session | \
         one more `initialize` | RSS after DELETE of all | `initialize` after that | \
         RSS with as many again |"
    );
    println!("|---|---:|---:|---:|---:|---|---:|---|---:|");
    for (name, m) in &results {
        let per_session = m.with_sessions.saturating_sub(m.fresh) / m.opened.max(1) as u64;
        println!(
            "| {name} | {} | {} ({}) in {:.1} s | {} | {} B | {} | {} ({} ended) | {} | {} |",
            mib(m.fresh),
            thousands(m.opened as f64),
            m.failed,
            m.open_time.as_secs_f64(),
            mib(m.with_sessions),
            thousands(per_session as f64),
            m.one_more,
            mib(m.after_end),
            m.ended,
            m.again,
            mib(m.second_round),
        );
    }
    for (name, m) in &results {
        if let Some(why) = &m.first_error {
            println!("{name}: first failed initialize: {why}");
        }
    }
    if failed || results.iter().any(|(_, m)| m.failed > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("session-memory: {message}\n(run with --help for usage)");
    ExitCode::from(2)
}

async fn rss_after(server: &Server, settle: Duration) -> Result<u64, String> {
    tokio::time::sleep(settle).await;
    server
        .rss_bytes()
        .ok_or_else(|| "cannot read VmRSS from /proc".to_string())
}

async fn measure(
    server: &Server,
    endpoint: &Endpoint,
    sessions: usize,
    connections: usize,
    settle: Duration,
) -> Result<Measured, String> {
    let fresh = rss_after(server, settle).await?;

    let Opened {
        sessions: opened,
        mut failed,
        mut first_error,
        time: open_time,
    } = open_sessions(server, endpoint, sessions, connections).await?;
    let with_sessions = rss_after(server, settle).await?;

    let mut conn = None;
    let (one_more, extra) = describe(initialize(&mut conn, server.addr, endpoint, 0).await);
    let mut to_end = opened.clone();
    to_end.extend(extra);
    let ended = end_sessions(server, endpoint, to_end, connections).await;
    let after_end = rss_after(server, settle).await?;
    let (again, extra) = describe(initialize(&mut conn, server.addr, endpoint, 0).await);
    end_sessions(server, endpoint, extra.into_iter().collect(), 1).await;

    let second = open_sessions(server, endpoint, sessions, connections).await?;
    failed += second.failed;
    first_error = first_error.or(second.first_error);
    let second_round = rss_after(server, settle).await?;
    end_sessions(server, endpoint, second.sessions, connections).await;

    Ok(Measured {
        fresh,
        opened: opened.len(),
        failed,
        first_error,
        open_time,
        with_sessions,
        one_more,
        ended,
        after_end,
        again,
        second_round,
    })
}

/// Sessions opened by [`open_sessions`], and the `initialize`s that failed.
struct Opened {
    sessions: Vec<String>,
    failed: usize,
    first_error: Option<String>,
    time: Duration,
}

/// `sessions` sessions opened with `initialize` over `connections` keep-alive connections.
async fn open_sessions(
    server: &Server,
    endpoint: &Endpoint,
    sessions: usize,
    connections: usize,
) -> Result<Opened, String> {
    let started = Instant::now();
    let claimed = Arc::new(AtomicUsize::new(0));
    let opened = Arc::new(Mutex::new(Vec::with_capacity(sessions)));
    let errors = Arc::new(Mutex::new((0usize, None::<String>)));
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (claimed, opened, errors) = (claimed.clone(), opened.clone(), errors.clone());
        let (addr, endpoint) = (server.addr, endpoint.clone());
        tasks.push(tokio::spawn(async move {
            let mut conn: Option<Connection> = None;
            loop {
                let n = claimed.fetch_add(1, Ordering::Relaxed);
                if n >= sessions {
                    break;
                }
                let result = initialize(&mut conn, addr, &endpoint, n as u64 + 1).await;
                match result {
                    Ok(session) => opened.lock().expect("not poisoned").push(session),
                    Err(why) => {
                        let mut errors = errors.lock().expect("not poisoned");
                        errors.0 += 1;
                        errors.1.get_or_insert(why);
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await
            .map_err(|e| format!("a client task failed: {e}"))?;
    }
    let time = started.elapsed();
    let sessions = std::mem::take(&mut *opened.lock().expect("not poisoned"));
    let (failed, first_error) = std::mem::take(&mut *errors.lock().expect("not poisoned"));
    eprintln!(
        "{}: {} sessions opened, {failed} failed, in {:.1} s",
        server.name,
        sessions.len(),
        time.as_secs_f64()
    );
    Ok(Opened {
        sessions,
        failed,
        first_error,
        time,
    })
}

/// `initialize` on `conn` (connecting when needed; dropped after a failure).
async fn initialize(
    conn: &mut Option<Connection>,
    addr: std::net::SocketAddr,
    endpoint: &Endpoint,
    id: u64,
) -> Result<String, String> {
    if conn.is_none() {
        *conn = Some(
            Connection::connect(addr)
                .await
                .map_err(|e| format!("connect: {e}"))?,
        );
    }
    let open = conn.as_mut().expect("connected above");
    let result = tokio::time::timeout(Duration::from_secs(10), mcp::initialize(open, endpoint, id))
        .await
        .unwrap_or_else(|_| Err("no answer within 10 s".into()));
    if result.is_err() || !open.is_reusable() {
        *conn = None;
    }
    result
}

/// The outcome of an extra `initialize` in words, and the session it opened if any.
fn describe(result: Result<String, String>) -> (String, Option<String>) {
    match result {
        Ok(session) => ("accepted".into(), Some(session)),
        // "HTTP 503: <body>" is enough as "HTTP 503".
        Err(why) => match why.split_once(':') {
            Some((status, _)) if status.starts_with("HTTP ") => {
                (format!("refused ({status})"), None)
            }
            _ => (
                format!("failed: {}", why.chars().take(60).collect::<String>()),
                None,
            ),
        },
    }
}

/// Ends `sessions` with DELETE over `connections` connections; returns how many succeeded.
async fn end_sessions(
    server: &Server,
    endpoint: &Endpoint,
    sessions: Vec<String>,
    connections: usize,
) -> usize {
    let queue = Arc::new(Mutex::new(sessions));
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (queue, addr, endpoint) = (queue.clone(), server.addr, endpoint.clone());
        tasks.push(tokio::spawn(async move {
            let mut ended = 0;
            let mut conn: Option<Connection> = None;
            loop {
                let Some(session) = queue.lock().expect("not poisoned").pop() else {
                    break;
                };
                if conn.is_none() {
                    conn = Connection::connect(addr).await.ok();
                }
                let Some(open) = conn.as_mut() else { continue };
                match open.send(&endpoint.end_session(&session)).await {
                    Ok(response) if (200..300).contains(&response.status) => ended += 1,
                    _ => {}
                }
                if !open.is_reusable() {
                    conn = None;
                }
            }
            ended
        }));
    }
    let mut ended = 0;
    for task in tasks {
        ended += task.await.unwrap_or(0);
    }
    ended
}
