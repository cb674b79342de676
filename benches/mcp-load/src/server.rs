//! The server under test: an example binary this process starts on a port the OS picks (and
//! stops), or a server already listening on loopback; and its resident memory.

use std::{
    fs::File,
    io::{self, BufRead, BufReader},
    net::{IpAddr, Ipv4Addr, SocketAddr},
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::mpsc,
    thread,
    time::{Duration, Instant},
};

/// How long a started binary may take to print its address.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a stopped binary may take to exit after SIGTERM before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// A server to measure, as given on the command line: `NAME=PATH` or `NAME=http://127.0.0.1:PORT`.
#[derive(Debug, Clone)]
pub struct Target {
    /// The label in reports (`axum`, `actix`).
    pub name: String,
    /// Where it comes from.
    pub source: Source,
}

/// Where a [`Target`] comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A binary to start with `PORT=0`; it prints `http://127.0.0.1:<port>` once listening.
    Binary(PathBuf),
    /// A server already listening on this loopback address.
    Running(SocketAddr),
}

impl Target {
    /// Parses `NAME=PATH` or `NAME=http://HOST:PORT` (loopback hosts only).
    pub fn parse(spec: &str) -> Result<Self, String> {
        let (name, value) = spec
            .split_once('=')
            .filter(|(name, value)| !name.is_empty() && !value.is_empty())
            .ok_or_else(|| format!("{spec:?} is not NAME=PATH or NAME=http://127.0.0.1:PORT"))?;
        let source = match value.strip_prefix("http://") {
            Some(rest) => Source::Running(loopback_address(rest)?),
            None => Source::Binary(PathBuf::from(value)),
        };
        Ok(Self {
            name: name.to_string(),
            source,
        })
    }
}

/// `127.0.0.1:PORT`, `localhost:PORT` or `[::1]:PORT` (a path after it is ignored).
fn loopback_address(authority: &str) -> Result<SocketAddr, String> {
    let authority = authority.split('/').next().unwrap_or_default();
    let authority = authority.replacen("localhost:", "127.0.0.1:", 1);
    let addr: SocketAddr = authority
        .parse()
        .map_err(|_| format!("{authority:?} is not HOST:PORT"))?;
    if !addr.ip().is_loopback() {
        return Err(format!(
            "{addr} is not a loopback address; this tool only loads loopback servers"
        ));
    }
    Ok(addr)
}

/// A server being measured; a started binary is stopped when this is dropped.
#[derive(Debug)]
pub struct Server {
    /// Its label.
    pub name: String,
    /// Where it listens.
    pub addr: SocketAddr,
    child: Option<Child>,
    log: Option<PathBuf>,
}

impl Server {
    /// Starts the target's binary (env `PORT=0`, `DEMO_TOKEN`, `RUST_LOG`; stderr to
    /// `<temp dir>/<this tool>-<name>.log`) and waits for its address; or takes a running server
    /// as it is.
    pub fn start(target: &Target, token: &str, rust_log: &str) -> io::Result<Self> {
        let binary = match &target.source {
            Source::Running(addr) => {
                return Ok(Self {
                    name: target.name.clone(),
                    addr: *addr,
                    child: None,
                    log: None,
                });
            }
            Source::Binary(binary) => binary,
        };
        // One file per tool and target, overwritten by the next run: kept for a look afterwards,
        // never piling up.
        let tool = std::env::current_exe()
            .ok()
            .and_then(|exe| Some(exe.file_stem()?.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "mcp-load".into());
        let log = std::env::temp_dir().join(format!("{tool}-{}.log", target.name));
        let mut child = Command::new(binary)
            .env("PORT", "0")
            .env("DEMO_TOKEN", token)
            .env("RUST_LOG", rust_log)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(File::create(&log)?)
            .spawn()
            .map_err(|e| io::Error::new(e.kind(), format!("cannot start {binary:?}: {e}")))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut server = Self {
            name: target.name.clone(),
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            child: Some(child),
            log: Some(log),
        };
        // A thread reads stdout to its end, so the child never blocks on a full pipe.
        let (found, wait) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(addr) = address_in(&line) {
                    let _ = found.send(addr);
                }
            }
        });
        match wait.recv_timeout(STARTUP_TIMEOUT) {
            Ok(addr) => {
                server.addr = addr;
                Ok(server)
            }
            Err(_) => Err(io::Error::other(format!(
                "{binary:?} printed no http://127.0.0.1:PORT within {STARTUP_TIMEOUT:?}; see {}",
                server.log_path()
            ))),
        }
    }

    /// The process id of a started binary.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Its resident set size in bytes (`VmRSS` of `/proc/PID/status`), for a started binary.
    pub fn rss_bytes(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()?)).ok()?;
        let kib = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))?
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse::<u64>()
            .ok()?;
        Some(kib * 1024)
    }

    /// The CPU time a started binary has used so far, all threads, user and system
    /// (`utime + stime` of `/proc/PID/stat`, in Linux's fixed 100 ticks per second).
    pub fn cpu_time(&self) -> Option<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid()?)).ok()?;
        cpu_ticks(&stat).map(|ticks| Duration::from_millis(ticks * 10))
    }

    /// Where a started binary's stderr goes.
    pub fn log_path(&self) -> String {
        self.log
            .as_ref()
            .map_or_else(|| "(not started here)".into(), |p| p.display().to_string())
    }

    /// Stops a started binary: SIGTERM, then SIGKILL if it has not exited in time. Returns how
    /// it ended, `None` for a server not started here.
    pub fn stop(mut self) -> Option<String> {
        let mut child = self.child.take()?;
        let terminated = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .is_ok_and(|status| status.success());
        let deadline = Instant::now() + STOP_TIMEOUT;
        while terminated && Instant::now() < deadline {
            if let Ok(Some(status)) = child.try_wait() {
                return Some(format!("exited after SIGTERM: {status}"));
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        Some("killed: no exit within 5 s of SIGTERM".into())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The loopback address in a line such as `listening on http://127.0.0.1:3000`.
fn address_in(line: &str) -> Option<SocketAddr> {
    let start = line.find("http://")? + "http://".len();
    let authority = line[start..]
        .split(|c: char| c == '/' || c.is_whitespace())
        .next()?;
    loopback_address(authority).ok()
}

/// `utime + stime` from the text of `/proc/PID/stat`. The command name (field 2) is in
/// parentheses and may hold spaces, so fields are counted after its closing parenthesis.
fn cpu_ticks(stat: &str) -> Option<u64> {
    let mut fields = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
    // After the name: state is field 3, utime field 14 and stime field 15.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_binaries_or_loopback_urls() {
        let binary = Target::parse("axum=target/release/axum-tickets").unwrap();
        assert_eq!(binary.name, "axum");
        assert!(matches!(binary.source, Source::Binary(p) if p.ends_with("axum-tickets")));
        let running = Target::parse("peer=http://localhost:8000/mcp").unwrap();
        assert!(matches!(running.source, Source::Running(a) if a.port() == 8000));
        for bad in [
            "no-equals",
            "=x",
            "peer=http://10.0.0.1:80",
            "peer=http://example.com:80",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_address_is_read_from_the_start_up_line() {
        assert_eq!(
            address_in("axum-tickets listening on http://127.0.0.1:41234"),
            Some("127.0.0.1:41234".parse().unwrap())
        );
        assert_eq!(
            address_in("MCP endpoint: http://127.0.0.1:5/mcp").map(|a| a.port()),
            Some(5)
        );
        assert_eq!(address_in("Bearer token: demo-token"), None);
    }

    #[test]
    fn cpu_ticks_are_read_past_a_name_with_spaces() {
        let stat = "4242 (axum tickets) S 1 4242 4242 0 -1 4194560 900 0 0 0 1234 56 0 0 20 0 3 0";
        assert_eq!(cpu_ticks(stat), Some(1290));
        assert_eq!(cpu_ticks("garbage"), None);
    }
}
