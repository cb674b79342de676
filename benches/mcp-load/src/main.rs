//! `mcp-load`: REST and MCP throughput side by side on the same server in the same run, and the
//! latency of sequential calls, for each server given. See `--help`.

use std::{
    process::ExitCode,
    sync::Arc,
    time::{Duration, Instant},
};

use mcp_load::{
    args::Options,
    http::Connection,
    load::{self, Call, Ids, Limits, Sequential, Throughput},
    mcp::{self, Endpoint, ToolCall},
    report::{millis, thousands},
    server::{Server, Target},
};
use serde_json::Value;

const USAGE: &str = "\
mcp-load: REST vs. MCP tools/call over real HTTP/1.1 on loopback, as a client sees it

Usage: mcp-load --server NAME=BINARY|NAME=http://127.0.0.1:PORT [--server ...] [OPTIONS]

A BINARY is started with PORT=0, DEMO_TOKEN and RUST_LOG, and must print
http://127.0.0.1:PORT once listening (the ticket examples do); it is stopped at the end.

For each server, three kinds of call, each checked (anything but a successful result is an error):
  REST        GET <rest-path> with the bearer token
  2026-07-28  tools/call <tool> stateless: no initialize; MCP-Protocol-Version, Mcp-Method,
              Mcp-Name headers and the version and client capabilities in params._meta
  2025-11-25  tools/call <tool> inside one session (initialize + notifications/initialized),
              Mcp-Session-Id on every call, unique JSON-RPC ids
Throughput: <connections> keep-alive connections for <duration> per kind, the three kinds taking
turns for <rounds> rounds after <warmup> each. Latency: <seq-calls> calls one after another on one
connection (at most <seq-time>), after 5 warm-up calls. Server CPU: what a BINARY started here
used over the timed throughput runs of a kind (all threads, user + system), per call.

Options:
  --server NAME=TARGET      a server to measure (repeatable)
  --token TOKEN             bearer token (default demo-token; '' sends none)
  --rust-log FILTER         RUST_LOG of started binaries (default warn)
  --connections N           concurrent connections (default 16)
  --duration SECS           one throughput run (default 3)
  --rounds N                rounds of the three runs (default 3)
  --warmup SECS             untimed run of each kind first (default 1)
  --seq-calls N             sequential calls per kind (default 200)
  --seq-time SECS           cap on each sequential run (default 10)
  --timeout SECS            one call's limit; a slower call is an error (default 10)
  --client-threads N        threads of this client (default 1, like wrk -t1)
  --rest-path PATH          default /tickets/1
  --mcp-path PATH           default /mcp
  --tool NAME               default get_ticket
  --arguments JSON          default {\"ticket_id\":1}
";

/// Everything the command line decides.
#[derive(Debug)]
struct Settings {
    targets: Vec<Target>,
    token: String,
    rust_log: String,
    connections: usize,
    duration: Duration,
    rounds: usize,
    warmup: Duration,
    seq_calls: usize,
    seq_time: Duration,
    client_threads: usize,
    rest_path: String,
    mcp_path: String,
    tool: String,
    arguments: Value,
    limits: Limits,
}

impl Settings {
    fn parse(mut options: Options) -> Result<Self, String> {
        let targets = options
            .all("server")
            .iter()
            .map(|spec| Target::parse(spec))
            .collect::<Result<Vec<_>, _>>()?;
        if targets.is_empty() {
            return Err("give at least one --server".into());
        }
        let arguments = options
            .last("arguments")
            .unwrap_or_else(|| r#"{"ticket_id":1}"#.into());
        let arguments: Value = serde_json::from_str(&arguments)
            .map_err(|e| format!("--arguments is not JSON: {e}"))?;
        let settings = Self {
            targets,
            token: options.last("token").unwrap_or_else(|| "demo-token".into()),
            rust_log: options.last("rust-log").unwrap_or_else(|| "warn".into()),
            connections: options.number("connections", 16)?,
            duration: options.seconds("duration", Duration::from_secs(3))?,
            rounds: options.number("rounds", 3)?,
            warmup: options.seconds("warmup", Duration::from_secs(1))?,
            seq_calls: options.number("seq-calls", 200)?,
            seq_time: options.seconds("seq-time", Duration::from_secs(10))?,
            client_threads: options.number("client-threads", 1)?,
            rest_path: options
                .last("rest-path")
                .unwrap_or_else(|| "/tickets/1".into()),
            mcp_path: options.last("mcp-path").unwrap_or_else(|| "/mcp".into()),
            tool: options.last("tool").unwrap_or_else(|| "get_ticket".into()),
            arguments,
            limits: Limits {
                call_timeout: options.seconds("timeout", Duration::from_secs(10))?,
            },
        };
        options.finish()?;
        if settings.connections == 0 || settings.rounds == 0 || settings.client_threads == 0 {
            return Err("--connections, --rounds and --client-threads must be at least 1".into());
        }
        Ok(settings)
    }
}

/// The kinds of call, in the order they take turns and are reported.
const KINDS: [&str; 3] = ["REST", "2026-07-28 stateless", "2025-11-25 session"];

/// What one server gave for each kind of call.
#[derive(Debug, Default)]
struct Measured {
    throughput: [Throughput; 3],
    sequential: [Sequential; 3],
    /// The server's CPU time over the timed throughput runs of each kind, when it was started
    /// here (its `/proc` entry is readable).
    server_cpu: [Option<Duration>; 3],
}

impl Measured {
    /// The server's CPU time per successful call of kind `i`, in microseconds.
    fn cpu_micros_per_call(&self, i: usize) -> Option<f64> {
        let calls = self.throughput[i].tally.ok;
        let cpu = self.server_cpu[i]?;
        (calls > 0).then(|| cpu.as_secs_f64() * 1e6 / calls as f64)
    }
}

fn main() -> ExitCode {
    let settings = match Options::parse(std::env::args().skip(1)) {
        Ok(options) if options.help => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(options) => Settings::parse(options),
        Err(message) => Err(message),
    };
    let settings = match settings {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("mcp-load: {message}\n(run with --help for usage)");
            return ExitCode::from(2);
        }
    };
    let runtime = if settings.client_threads == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(settings.client_threads)
            .enable_all()
            .build()
    };
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("mcp-load: cannot start the client runtime: {e}");
            return ExitCode::FAILURE;
        }
    };

    let ids = Arc::new(Ids::default());
    let mut results = Vec::new();
    let mut failed = false;
    for target in &settings.targets {
        let server = match Server::start(target, &settings.token, &settings.rust_log) {
            Ok(server) => server,
            Err(e) => {
                eprintln!("mcp-load: {}: {e}", target.name);
                failed = true;
                continue;
            }
        };
        eprintln!("{}: listening on {}", server.name, server.addr);
        match runtime.block_on(measure(&server, &settings, ids.clone())) {
            Ok(measured) => results.push((server.name.clone(), measured)),
            Err(e) => {
                eprintln!(
                    "mcp-load: {}: {e} (server log: {})",
                    server.name,
                    server.log_path()
                );
                failed = true;
            }
        }
        if let Some(ended) = server.stop() {
            eprintln!("{}: {ended}", target.name);
        }
    }
    print_report(&settings, &results);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

async fn measure(server: &Server, s: &Settings, ids: Arc<Ids>) -> Result<Measured, String> {
    let endpoint = Endpoint {
        authority: server.addr.to_string(),
        mcp_path: s.mcp_path.clone(),
        token: (!s.token.is_empty()).then(|| s.token.clone()),
    };
    let mut session_conn = Connection::connect(server.addr)
        .await
        .map_err(|e| format!("cannot connect: {e}"))?;
    let session = mcp::open_session(&mut session_conn, &endpoint, ids.next())
        .await
        .map_err(|e| format!("cannot open a 2025-11-25 session: {e}"))?;
    let calls = [
        Arc::new(Call::Rest(endpoint.rest_get(&s.rest_path))),
        Arc::new(Call::Tool(ToolCall::stateless(
            &endpoint,
            &s.tool,
            &s.arguments,
        )?)),
        Arc::new(Call::Tool(ToolCall::in_session(
            &endpoint,
            &session,
            &s.tool,
            &s.arguments,
        ))),
    ];

    // One call of each kind first: a setup that cannot work is reported, not measured.
    for (kind, call) in KINDS.iter().zip(&calls) {
        let probe = load::sequential(server.addr, call, &ids, 0, 1, s.seq_time, s.limits).await;
        if let Some(why) = probe.tally.first_error {
            return Err(format!("{kind} fails before any load: {why}"));
        }
    }

    let run = |call: &Arc<Call>, duration| {
        load::throughput(
            server.addr,
            call.clone(),
            ids.clone(),
            s.connections,
            duration,
            s.limits,
        )
    };
    for call in &calls {
        run(call, s.warmup).await;
    }
    let mut measured = Measured::default();
    for round in 1..=s.rounds {
        let mut line = format!("{}: round {round}/{}:", server.name, s.rounds);
        for (i, call) in calls.iter().enumerate() {
            let before = server.cpu_time();
            let result = run(call, s.duration).await;
            let used = server
                .cpu_time()
                .zip(before)
                .map(|(after, before)| after - before);
            measured.server_cpu[i] = match round {
                1 => used,
                _ => measured.server_cpu[i]
                    .zip(used)
                    .map(|(sum, used)| sum + used),
            };
            line.push_str(&format!(
                " {} {}/s ({} errors);",
                KINDS[i],
                thousands(result.per_second()),
                result.tally.errors
            ));
            measured.throughput[i].merge(result);
        }
        eprintln!("{}", line.trim_end_matches(';'));
    }
    for (i, call) in calls.iter().enumerate() {
        let started = Instant::now();
        measured.sequential[i] = load::sequential(
            server.addr,
            call,
            &ids,
            5,
            s.seq_calls,
            s.seq_time,
            s.limits,
        )
        .await;
        eprintln!(
            "{}: sequential {}: {} calls in {:.1} s",
            server.name,
            KINDS[i],
            measured.sequential[i].latencies.len(),
            started.elapsed().as_secs_f64()
        );
    }

    // Leave nothing behind on a server that keeps running.
    let _ = session_conn.send(&endpoint.end_session(&session)).await;
    Ok(measured)
}

fn print_report(s: &Settings, results: &[(String, Measured)]) {
    println!();
    println!(
        "{} connections, {} round(s) × {:.1} s per kind of call (after {:.1} s warm-up each), \
         client on {} thread(s); sequential: up to {} calls on one connection (at most {:.0} s) \
         after 5 warm-up calls",
        s.connections,
        s.rounds,
        s.duration.as_secs_f64(),
        s.warmup.as_secs_f64(),
        s.client_threads,
        s.seq_calls,
        s.seq_time.as_secs_f64()
    );
    println!(
        "REST: GET {}; MCP: tools/call {} {}",
        s.rest_path, s.tool, s.arguments
    );
    println!();
    println!(
        "| framework | era | REST req/s | MCP req/s | MCP ÷ REST | server CPU µs/call | sequential ms/call (mean / p50 / p99) | errors |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    let mut first_errors = Vec::new();
    for (name, measured) in results {
        let rest = measured.throughput[0].per_second();
        for (i, kind) in KINDS.iter().enumerate() {
            let throughput = &measured.throughput[i];
            let sequential = &measured.sequential[i];
            let (mcp, ratio) = if i == 0 {
                ("—".to_string(), "—".to_string())
            } else {
                let mcp = throughput.per_second();
                let ratio = if rest > 0.0 { mcp / rest } else { 0.0 };
                (thousands(mcp), format!("{ratio:.2}"))
            };
            let latency = match (
                sequential.mean(),
                sequential.quantile(0.5),
                sequential.quantile(0.99),
            ) {
                (Some(mean), Some(p50), Some(p99)) => {
                    format!("{} / {} / {}", millis(mean), millis(p50), millis(p99))
                }
                _ => "—".into(),
            };
            let cpu = measured
                .cpu_micros_per_call(i)
                .map_or_else(|| "—".into(), |micros| format!("{micros:.1}"));
            let errors = throughput.tally.errors + sequential.tally.errors;
            println!(
                "| {name} | {kind} | {} | {mcp} | {ratio} | {cpu} | {latency} | {errors} |",
                thousands(rest)
            );
            for why in [&throughput.tally.first_error, &sequential.tally.first_error]
                .into_iter()
                .flatten()
                .take(1)
            {
                first_errors.push(format!("{name} {kind}: {why}"));
            }
        }
    }
    if !first_errors.is_empty() {
        println!();
        println!("First error of each kind of call that had any:");
        for line in first_errors {
            println!("  {line}");
        }
    }
}
